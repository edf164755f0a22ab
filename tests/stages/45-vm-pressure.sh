#!/bin/sh
# SPDX-License-Identifier: MIT
# Stage: Keel under memory pressure.  Boots Keel with 128 MiB of memory, a
# 512 MiB swap disk made by the host's mkswap (util-linux) and the initramfs
# of build/vmtest (user/vmtest/vmpressure.c as init), once per replacement
# policy:
#   clock  swapon, a 256 MiB working set with fork, mlock, swapoff (refused
#          with ENOMEM when too much is out, then done), the OOM killer
#   arc, car, cart   swapon and the same working set
# Every "PASS x" / "FAIL x: why" line of a boot becomes
# "PASS vm-pressure/<policy>/x"; a boot must end with "VMTEST: PASS".
set -u
$MAKE --no-print-directory -s all vmtest || exit 1
out=$RESULTS/vm-pressure.txt
dir=$BUILD/vm-pressure
: > "$out"
rm -rf "$dir"
mkdir -p "$dir"
ACCEL=$(sh scripts/accel.sh)
MKSWAP=$(command -v mkswap || echo /sbin/mkswap)

run() {   # run POLICY MODE MIB
	pol=$1 mode=$2 mb=$3
	img=$dir/swap-$pol.img log=$dir/$pol.log
	truncate -s 512M "$img" && chmod 600 "$img" && "$MKSWAP" "$img" >/dev/null 2>&1 || {
		echo "FAIL vm-pressure/$pol/mkswap (could not make $img)" >> "$out"
		return
	}
	timeout "${VMTEST_TIMEOUT:-400}" qemu-system-x86_64 $ACCEL -m 128M -smp 1 -no-reboot \
		-display none -serial "file:$log" -monitor none \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-drive "file=$img,format=raw,if=virtio" \
		-kernel "$BUILD/keel32.elf" -initrd "$BUILD/vmtest/initrd.cpio" \
		-append "console=ttyS0 rdinit=/init keel.reclaim=$pol vmtest=$mode vmtest.mb=$mb" \
		</dev/null
	st=$?
	tr -d '\r' < "$log" | sed -n "s#^\(PASS\|FAIL\) \(.*\)#\1 vm-pressure/$pol/\2#p" >> "$out"
	tr -d '\r' < "$log" | grep -a '^vmtest: [0-9]* MiB' | sed "s/^vmtest:/vm-pressure: $pol:/"
	if grep -aq "VMTEST: PASS" "$log" && ! grep -aq "panic:" "$log"; then
		echo "PASS vm-pressure/$pol/boot" >> "$out"
	else
		echo "FAIL vm-pressure/$pol/boot (qemu exit $st; see $log)" >> "$out"
		grep -a -A20 "panic:" "$log" | head -30
	fi
	grep -aq "Out of memory: killed process" "$log" && [ "$mode" = all ] &&
		echo "PASS vm-pressure/$pol/oom_console_line" >> "$out"
	rm -f "$img"
}

run clock all 256
for pol in arc car cart; do
	run "$pol" ws 256
done
grep -c '^PASS' "$out" | sed 's/^/vm-pressure: passed /'
! grep -q '^FAIL' "$out"
