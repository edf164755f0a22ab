#!/bin/sh
# SPDX-License-Identifier: MIT
# Build a disk image that boots Keel under UEFI.
#
#   tools/mkesp.sh OUT.img LOADER.efi KERNEL.elf [CMDLINE [INITRD]]
#
# The disk has an MBR partition table with one partition, an EFI system
# partition (type 0xEF) from sector 2048, formatted FAT by mkfs.vfat and
# filled with mtools:
#   \EFI\BOOT\BOOTX64.EFI     Keel's loader, where firmware looks on a disk
#                             that has no boot entry of its own
#   \EFI\KEEL\keel.elf        the kernel
#   \EFI\KEEL\cmdline.txt     the command line (when CMDLINE is given)
#   \EFI\KEEL\initrd.cpio     the initramfs (when INITRD is given)
set -eu
out=$1 loader=$2 kernel=$3 cmdline=${4:-} initrd=${5:-}
tools=$(dirname "$0")
part_start=2048
part_sectors=$((32 * 2048))            # 32 MiB: FAT16

fat=$out.fat.tmp
rm -f "$fat"
mkfs.vfat -C -n KEEL-ESP "$fat" $((part_sectors / 2)) >/dev/null
export MTOOLS_SKIP_CHECK=1
mmd -i "$fat" ::/EFI ::/EFI/BOOT ::/EFI/KEEL
mcopy -i "$fat" "$loader" ::/EFI/BOOT/BOOTX64.EFI
mcopy -i "$fat" "$kernel" ::/EFI/KEEL/keel.elf
if [ -n "$cmdline" ]; then
	printf '%s\n' "$cmdline" > "$fat.cmdline"
	mcopy -i "$fat" "$fat.cmdline" ::/EFI/KEEL/cmdline.txt
	rm -f "$fat.cmdline"
fi
[ -z "$initrd" ] || mcopy -i "$fat" "$initrd" ::/EFI/KEEL/initrd.cpio

rm -f "$out"
truncate -s $(((part_start + part_sectors) * 512)) "$out"
sh "$tools/mbrtable.sh" "$out" 0 0 239 $part_start $part_sectors
dd if="$fat" of="$out" bs=512 seek=$part_start conv=notrunc status=none
rm -f "$fat"
