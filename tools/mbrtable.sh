#!/bin/sh
# SPDX-License-Identifier: MIT
# Write one entry of a disk image's MBR partition table.
#
#   tools/mbrtable.sh IMAGE INDEX ACTIVE TYPE START_LBA SECTORS
#
# The table sits at bytes 446..509 of sector 0: four 16-byte entries, then
# the 0x55 0xAA signature.  An entry is
#   status (0x80 active, 0 not) | first sector in CHS (3 bytes) | type |
#   last sector in CHS (3 bytes) | first sector as LBA (u32) | sector count (u32)
# CHS is only for very old BIOSes; a disk past 8 GiB cannot be described in it
# anyway, and like modern partitioning tools this writes the "too large"
# value 1023/254/63 (fe ff ff), so readers use the LBA fields.
set -eu
img=$1 idx=$2 active=$3 type=$4 start=$5 count=$6

# Print a number as little-endian bytes in printf's \ooo form.
le32() {
	n=$1
	for _ in 1 2 3 4; do
		printf '\\%03o' $((n & 255))
		n=$((n >> 8))
	done
}

status=0
[ "$active" = 1 ] && status=128
entry="$(printf '\\%03o' "$status")\\376\\377\\377$(printf '\\%03o' "$type")\\376\\377\\377$(le32 "$start")$(le32 "$count")"
# shellcheck disable=SC2059
printf "$entry" | dd of="$img" bs=1 seek=$((446 + 16 * idx)) conv=notrunc status=none
printf '\125\252' | dd of="$img" bs=1 seek=510 conv=notrunc status=none
