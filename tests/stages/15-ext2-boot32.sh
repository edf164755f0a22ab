#!/bin/sh
# Stage: ext2's read path compiles and links as 32-bit freestanding code for
# the BIOS boot loader, using nothing but lib/string.h and its callbacks.
out=$($MAKE --no-print-directory -s ext2-boot32 2>&1)
st=$?
echo "$out"
if [ $st = 0 ]; then
	echo "PASS ext2/boot32_read_path_freestanding" > "$RESULTS/ext2-boot32.txt"
else
	echo "FAIL ext2/boot32_read_path_freestanding" > "$RESULTS/ext2-boot32.txt"
fi
