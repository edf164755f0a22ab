#!/bin/sh
# SPDX-License-Identifier: MIT
# The disks of the ext2 disk test (tests/stages/45-ext2-disk.sh), made on
# the host with mke2fs, debugfs and dd:
#
#   root.img        vda  the root: the initramfs tree, /ext2test.sh, /crashtest.sh, ext2util
#   small.img       vdb  3 MiB with 1 KiB blocks: sub-page blocks, ENOSPC, EROFS
#   badmagic.img    vdc  the superblock's magic number zeroed
#   badptr.img      vdd  /file's first block pointer far past the end
#   badreclen.img   vde  the first entry of directory /d with rec_len 0
#   dirloop.img     vdf  /a/b/loop: a hard link to /a (a cycle)
#   incompat.img    vdg  an INCOMPAT feature bit Keel does not know
#   rocompat.img    vdh  a RO_COMPAT feature bit Keel does not know
#
#   tests/ext2/mkdisks.sh DIR ROOTFS.cpio EXT2UTIL
set -eu
dir=$1
cpio=$2
util=$3
mkdir -p "$dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkfs() {	# mkfs IMG KiB [SRC]: 1 KiB blocks, like mke2fs's "small" type
	rm -f "$1"
	mke2fs -q -F -t ext2 -b 1024 ${3:+-d "$3"} "$1" "$2" > /dev/null
}
# Overwrite a little-endian 32-bit number at byte offset OFF of IMG.
put32() {
	v=$3
	printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $((v & 255)) $((v >> 8 & 255)) \
		$((v >> 16 & 255)) $((v >> 24 & 255)))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}
get32() {	# get32 IMG OFF
	od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '
}

# The root disk, with the test script and its helper.
mkdir -p "$tmp/extra/bin"
cp tests/ext2/ext2test.sh tests/ext2/crashtest.sh "$tmp/extra/"
chmod 755 "$tmp/extra/ext2test.sh" "$tmp/extra/crashtest.sh"
cp "$util" "$tmp/extra/bin/ext2util"
sh tools/mkrootimg.sh "$cpio" "$dir/root.img" 384 "$tmp/extra" > /dev/null

mkfs "$dir/small.img" 3072

mkfs "$dir/badmagic.img" 1024
printf '\000\000' | dd of="$dir/badmagic.img" bs=1 seek=$((1024 + 56)) conv=notrunc 2>/dev/null

mkdir -p "$tmp/ptr"
echo "some data" > "$tmp/ptr/file"
echo fine > "$tmp/ptr/good"
mkfs "$dir/badptr.img" 1024 "$tmp/ptr"
debugfs -w -R "sif /file block[0] 99999999" "$dir/badptr.img" 2>/dev/null

mkdir -p "$tmp/rec/d"
echo x > "$tmp/rec/d/x"
mkfs "$dir/badreclen.img" 1024 "$tmp/rec"
blk=$(debugfs -R "bmap /d 0" "$dir/badreclen.img" 2>/dev/null)
printf '\000\000' | dd of="$dir/badreclen.img" bs=1 seek=$((blk * 1024 + 4)) conv=notrunc \
	2>/dev/null

mkdir -p "$tmp/loop/a/b"
mkfs "$dir/dirloop.img" 1024 "$tmp/loop"
debugfs -w -R "ln /a /a/b/loop" "$dir/dirloop.img" 2>/dev/null

mkfs "$dir/incompat.img" 1024
put32 "$dir/incompat.img" $((1024 + 0x60)) $(($(get32 "$dir/incompat.img" $((1024 + 0x60))) | 0x8000))

mkfs "$dir/rocompat.img" 1024
put32 "$dir/rocompat.img" $((1024 + 0x64)) $(($(get32 "$dir/rocompat.img" $((1024 + 0x64))) | 0x8000))
