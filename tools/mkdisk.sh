#!/bin/sh
# SPDX-License-Identifier: MIT
# Build a partitioned disk image that boots Keel through Keel's BIOS loader.
#
#   tools/mkdisk.sh [options] OUT.img MBR.bin STAGE2.bin KERNEL.elf
#     --initrd FILE     put FILE at /boot/initrd.cpio (stage 2 loads it)
#     --ktest WORDS     the self-test entry's words (default keel.ktest=all)
#     --default N       the entry booted after the timeout (0, 1, 2)
#     --timeout S       seconds the menu waits (default 3)
#     --a20-selftest    stage 2 closes and reopens A20 by each method first
#     --chs             stage 1 and 2 read by cylinder/head/sector only
#     --vbr FILE        no stage 2: FILE becomes the partition's boot sector,
#                       which stage 1 chain-loads (testing the classic path)
#
# Layout (512-byte sectors):
#   0            stage 1, the MBR: code in bytes 0..439, the partition table
#                at 446..509, 0x55 0xAA at 510
#   1..2047      stage 2 (its header gives its length), before any partition
#   2048..       partition 1: active, type 0x83, ext2 made by mke2fs -d with
#                /boot/keel.elf, /boot/keel.cfg and maybe /boot/initrd.cpio
set -eu
initrd="" ktest="keel.ktest=all" deflt=0 timeout=3 a20="" chs="" vbr=""
while [ $# -gt 0 ]; do
	case $1 in
	--initrd) initrd=$2; shift 2 ;;
	--ktest) ktest=$2; shift 2 ;;
	--default) deflt=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--a20-selftest) a20=1; shift ;;
	--chs) chs=1; shift ;;
	--vbr) vbr=$2; shift 2 ;;
	*) break ;;
	esac
done
out=$1 mbr=$2 stage2=$3 kernel=$4
tools=$(dirname "$0")
part_start=2048
part_sectors=$((64 * 2048))            # 64 MiB

stage2_sectors=$((($(wc -c < "$stage2") + 511) / 512))
if [ "$stage2_sectors" -ge "$part_start" ]; then
	echo "mkdisk: stage 2 ($stage2_sectors sectors) does not fit before sector $part_start" >&2
	exit 1
fi

# The root file system.
root=$(mktemp -d "${TMPDIR:-/tmp}/keel-root.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/boot"
cp "$kernel" "$root/boot/keel.elf"
[ -z "$initrd" ] || cp "$initrd" "$root/boot/initrd.cpio"
{
	echo "# Keel's boot menu, read by the BIOS stage 2 (boot/bios/menu.c)."
	echo "timeout $timeout"
	echo "default $deflt"
	echo "entry Keel | console=ttyS0"
	echo "entry Keel: kernel self-tests ($ktest) | console=ttyS0 $ktest"
	echo "entry Keel: serial console only, quiet | console=ttyS0 quiet"
	[ -z "$a20" ] || echo "a20-selftest"
} > "$root/boot/keel.cfg"
part=$out.part.tmp
rm -f "$part"
mke2fs -q -F -t ext2 -L keel-root -d "$root" "$part" $((part_sectors / 2))k >/dev/null

# The disk: table, stage 1 (sparing the table and the disk signature),
# stage 2 or a partition boot sector, and the partition.
rm -f "$out"
truncate -s $(((part_start + part_sectors) * 512)) "$out"
sh "$tools/mbrtable.sh" "$out" 0 1 131 $part_start $part_sectors     # 131 = 0x83
dd if="$mbr" of="$out" bs=1 count=440 conv=notrunc status=none
[ -z "$chs" ] || printf '\001' | dd of="$out" bs=1 seek=432 conv=notrunc status=none
dd if="$part" of="$out" bs=512 seek=$part_start conv=notrunc status=none
rm -f "$part"
if [ -n "$vbr" ]; then
	dd if="$vbr" of="$out" bs=512 seek=$part_start count=1 conv=notrunc status=none
else
	dd if="$stage2" of="$out" bs=512 seek=1 conv=notrunc status=none
fi
