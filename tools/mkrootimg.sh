#!/bin/sh
# SPDX-License-Identifier: MIT
# Build Keel's root disk: an ext2 file system holding the same tree as the
# initramfs (busybox and its applet links, Keel's init and test suite, /etc),
# plus what a disk-booted system needs (user/rootdisk/: inittab, rcS, fstab),
# with busybox init as /sbin/init.  The kernel mounts it with root=/dev/vda.
#
#   tools/mkrootimg.sh ROOTFS.cpio OUTPUT.img SIZE_MB [EXTRA_DIR]
#
# EXTRA_DIR, if given, is copied over the tree last (the tests add their
# scripts this way).  mke2fs -d copies the tree into the new file system
# without mounting anything; device nodes in the archive that cannot be
# made without root are left out (devtmpfs provides /dev at boot).
set -eu
cpio=$1
out=$2
size=$3
extra=${4:-}
tree=$(mktemp -d "${TMPDIR:-/tmp}/keel-roottree.XXXXXX")
trap 'rm -rf "$tree"' EXIT

abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
cpio=$(abs "$cpio")
(cd "$tree" && cpio -idm --quiet --no-absolute-filenames < "$cpio" 2>/dev/null) || true
[ -x "$tree/bin/busybox" ] || { echo "mkrootimg: $cpio did not unpack" >&2; exit 1; }
cp -R user/rootdisk/. "$tree/"
[ -z "$extra" ] || cp -R "$extra/." "$tree/"
ln -sf /bin/busybox "$tree/sbin/init"
mkdir -p "$tree/proc" "$tree/sys" "$tree/tmp" "$tree/dev" "$tree/mnt" "$tree/root"
chmod 1777 "$tree/tmp"
rm -f "$out.tmp"
mke2fs -q -F -t ext2 -b 4096 -L keel-root -E root_owner=0:0 -d "$tree" "$out.tmp" "${size}M"
mv "$out.tmp" "$out"
