#!/bin/sh
# SPDX-License-Identifier: MIT
# Stage: the multiprocessor user tests (user/tests/t_smp*.c: parallel
# stress, affinity, real-time preemption, priority inheritance, MLFQ, load
# average, top) on four CPUs.  Stage 40 runs them on two with the rest of
# the suite; this boot runs only them (keel.filter=smp_*), so it stays
# short.  Four virtual CPUs on a two-core host run slowly, so each test
# gets 30 s (keel.timeout) before it counts as hung.  No display adapter:
# QEMU 7.2's multi-threaded TCG now and then crashes while the kernel sizes
# the VGA BARs on a loaded host.
set -u
$MAKE --no-print-directory -s all rootfs || exit 1
out=$RESULTS/smp.txt
log=$BUILD/keel-smp4.log
: > "$out"
ACCEL=$(sh scripts/accel.sh)

timeout "${KEEL_SMP_TIMEOUT:-300}" qemu-system-x86_64 $ACCEL -m 512M -smp 4 -no-reboot \
	-display none -vga none -serial "file:$log" -monitor none \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-kernel "$BUILD/keel32.elf" -initrd "$BUILD/rootfs.cpio" \
	-append "console=ttyS0 rdinit=/init keel.test=user keel.timeout=30 keel.filter=smp_*" </dev/null
st=$?
tr -d '\r' < "$log" | sed -n 's/^\(PASS\|FAIL\) \([^:]*\).*/\1 smp4-user\/\2/p' >> "$out"
tr -d '\r' < "$log" | grep -a '^\(FAIL\|SKIP\) ' | head -20
if [ $st = 0 ] && grep -aq "KEEL-USERTESTS: PASS" "$log" && grep -aq "smp: 4 CPUs online" "$log"; then
	echo "PASS smp4-user/suite-powered-off-clean" >> "$out"
else
	echo "FAIL smp4-user/suite (qemu exit $st, or fewer CPUs; see $log)" >> "$out"
	grep -a -B2 -A25 "panic:" "$log" | head -40
fi
grep -c '^PASS' "$out" | sed 's/^/smp4-user: passed /'
! grep -q '^FAIL' "$out"
