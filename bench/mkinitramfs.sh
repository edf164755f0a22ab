#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Build the benchmark initramfs, one newc cpio archive for both kernels:
#
#	mkinitramfs.sh OUT.cpio OSBENCH [LINUX_MODULES_DIR]
#
# It holds busybox (from Debian's busybox-static) with links for the
# commands /init uses, osbench, /init itself (bench/init.sh) and, given
# LINUX_MODULES_DIR (.../lib/modules/<version> of Debian's kernel), the
# modules Linux needs to reach the disk: Debian builds virtio_pci,
# virtio_blk and ext4 (which mounts ext2) as modules.  Their dependencies
# come from each module's .modinfo "depends=" list, so no depmod is
# needed; compressed modules (.ko.xz) are unpacked here because busybox
# insmod loads plain ELF files.  /lib/modules/<version>/load-order lists
# them dependencies first; Keel finds no directory for its own version and
# loads nothing.
set -e
out=${1:?usage: mkinitramfs.sh OUT.cpio OSBENCH [LINUX_MODULES_DIR]}
osbench=${2:?usage: mkinitramfs.sh OUT.cpio OSBENCH [LINUX_MODULES_DIR]}
moddir=${3:-}
here=$(dirname "$0")
stage=$out.d

# The modules /init loads, besides their dependencies.  crc32c_generic
# answers ext4's and jbd2's "softdep pre: crypto-crc32c".
WANT_MODULES="virtio_pci virtio_blk crc32c_generic ext4"
APPLETS="sh echo mount umount insmod sleep mkdir uname sync poweroff cat ls"

rm -rf "$stage"
mkdir -p "$stage/bin" "$stage/dev" "$stage/proc" "$stage/sys" "$stage/mnt" "$stage/tmp"
cp /bin/busybox "$stage/bin/busybox"
for a in $APPLETS; do
	ln -s busybox "$stage/bin/$a"
done
cp "$osbench" "$stage/bin/osbench"
cp "$here/init.sh" "$stage/init"
chmod 755 "$stage/init" "$stage/bin/osbench"
# The console for init's first output, should the kernel want it from the
# archive; mknod needs root, and Linux's built-in archive has one anyway.
mknod "$stage/dev/console" c 5 1 2>/dev/null || true

# The file of module @1 in $moddir, as .ko or .ko.xz, "-" and "_" alike.
mod_file() {
	find "$moddir/kernel" \( -name "$1.ko" -o -name "$1.ko.xz" \
		-o -name "$(echo "$1" | tr _ -).ko" -o -name "$(echo "$1" | tr _ -).ko.xz" \) |
		head -1
}

# Copy module @1 and, first, what it depends on; append it to load-order.
add_module() {
	local name="$1" src dst deps d
	case " $added " in *" $name "*) return 0 ;; esac
	src=$(mod_file "$name")
	if [ -z "$src" ]; then
		grep -q "/$name.ko" "$moddir/modules.builtin" && return 0
		echo "mkinitramfs: module $name not found in $moddir" >&2
		return 1
	fi
	dst="$stage/lib/modules/$kver/$name.ko"
	case "$src" in
	*.xz) xz -dc "$src" > "$dst" ;;
	*) cp "$src" "$dst" ;;
	esac
	objcopy -O binary --only-section=.modinfo "$dst" "$stage/modinfo.tmp"
	deps=$(tr '\0' '\n' < "$stage/modinfo.tmp" | sed -n 's/^depends=//p' | tr ',' ' ')
	rm -f "$stage/modinfo.tmp"
	added="$added $name"
	for d in $deps; do
		add_module "$d"
	done
	echo "$name" >> "$stage/lib/modules/$kver/load-order"
}

if [ -n "$moddir" ]; then
	kver=$(basename "$moddir")
	mkdir -p "$stage/lib/modules/$kver"
	added=""
	for m in $WANT_MODULES; do
		add_module "$m"
	done
fi

(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) > "$out"
rm -rf "$stage"
