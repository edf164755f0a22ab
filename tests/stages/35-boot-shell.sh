#!/bin/sh
# SPDX-License-Identifier: MIT
# Stage: every boot path reaches the same shell.  The kernel and the
# initramfs (build/rootfs.cpio: busybox, init, the test programs) are the
# same in each; only the way in differs:
#   grub   the ISO from tools/mkiso.sh: GRUB, multiboot 2
#   uefi   Keel's own loader under OVMF, from an EFI system partition
#   bios   Keel's own MBR and stage 2 from a partitioned disk (ext2 /boot)
# (QEMU's -kernel path, multiboot 1, runs the same test in stage 40.)
# Each boot runs tests/shell/basic.script over the serial port, the shell
# test stage 40 runs, and is judged by it: a boot that never shows a
# prompt, or whose shell misbehaves, fails.
# Writes PASS/FAIL lines to $RESULTS/boot-shell.txt.
set -u
out=$RESULTS/boot-shell.txt
: > "$out"
dir=$BUILD/boot-shell
rm -rf "$dir"
mkdir -p "$dir"
OVMF=${OVMF:-/usr/share/ovmf/OVMF.fd}
WORDS="rdinit=/init keel.test=shell"
initrd=$BUILD/rootfs.cpio

$MAKE --no-print-directory -s all rootfs serialdrive $BUILD/uefi/BOOTX64.EFI \
	$BUILD/bios/mbr.bin $BUILD/bios/stage2.bin || {
	echo "FAIL boot-shell/build (make failed)" >> "$out"
	exit 1
}

# shell NAME LOADER "QEMU ARGS": the shell test through one boot path; the
# kernel must also say that LOADER booted it.
shell() {
	if TRANSCRIPT=$dir/$1.log sh tests/shell/run-qemu.sh --boot "$3" \
		> "$dir/$1.out" 2>&1 &&
		grep -aq "Keel: booted by $2" "$dir/$1.log"; then
		echo "PASS boot-shell/$1" >> "$out"
	else
		echo "FAIL boot-shell/$1 (see $dir/$1.out, $dir/$1.log)" >> "$out"
		tail -15 "$dir/$1.out"
	fi
}

# GRUB: entry 1 carries the extra words after "console=ttyS0".
sh tools/mkiso.sh "$BUILD/keel.elf" "$dir/keel.iso" "$WORDS" 1 "$initrd"
shell grub "multiboot2 (GRUB" "-cdrom $dir/keel.iso"

# UEFI: the loader reads the whole command line from cmdline.txt.
sh tools/mkesp.sh "$dir/uefi.img" "$BUILD/uefi/BOOTX64.EFI" "$BUILD/keel.elf" \
	"console=ttyS0 $WORDS" "$initrd"
shell uefi "multiboot2 (Keel UEFI loader)" "-bios $OVMF -drive file=$dir/uefi.img,format=raw"

# BIOS: the self-test entry (1) of stage 2's menu carries the words.
sh tools/mkdisk.sh --ktest "$WORDS" --default 1 --timeout 1 --initrd "$initrd" \
	"$dir/bios.img" "$BUILD/bios/mbr.bin" "$BUILD/bios/stage2.bin" "$BUILD/keel.elf"
shell bios "multiboot1 (Keel BIOS loader)" "-drive file=$dir/bios.img,format=raw"

grep -c '^PASS' "$out" | sed 's/^/boot-shell: passed /'
! grep -q '^FAIL' "$out"
