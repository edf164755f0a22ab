#!/bin/sh
# SPDX-License-Identifier: MIT
# Stage: Keel runs its user programs.  Two boots of the kernel with the
# initramfs, exactly as the boot contract says (-kernel, -initrd, -append):
#   1. init runs the system-call test suite (keel.test=user), the same
#      binary that stage 15 runs on the host's Linux as the oracle, and
#      powers off; every test's line becomes "PASS keel-user/<name>";
#   2. the shell test drives busybox sh over the serial port.
set -u
$MAKE --no-print-directory -s all rootfs serialdrive || exit 1
out=$RESULTS/keel-user.txt
log=$BUILD/keel-user.log
: > "$out"
ACCEL=$(sh scripts/accel.sh)

timeout "${KEEL_USER_TIMEOUT:-900}" qemu-system-x86_64 $ACCEL -m 512M -smp 2 -no-reboot \
	-display none -serial "file:$log" -monitor none \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-d guest_errors -D "$BUILD/keel-user.qemu.log" \
	-kernel "$BUILD/keel32.elf" -initrd "$BUILD/rootfs.cpio" \
	-append "console=ttyS0 rdinit=/init keel.test=user" </dev/null 2>"$BUILD/keel-user.stderr"
st=$?
tr -d '\r' < "$log" | sed -n 's/^\(PASS\|FAIL\) \([^:]*\).*/\1 keel-user\/\2/p' >> "$out"
if [ $st = 0 ] && grep -aq "KEEL-USERTESTS: PASS" "$log"; then
	echo "PASS keel-user/suite-powered-off-clean" >> "$out"
else
	echo "FAIL keel-user/suite (qemu exit $st; see $log)" >> "$out"
	grep -a -B2 -A25 "panic:" "$log" | head -40
	# A silent exit 0 is a triple fault (-no-reboot) or QEMU itself dying:
	# QEMU's own log and stderr tell which.
	tail -5 "$BUILD/keel-user.qemu.log" "$BUILD/keel-user.stderr" 2>/dev/null
fi

if TRANSCRIPT=$BUILD/keel-shell.log sh tests/shell/run-qemu.sh "$BUILD/keel32.elf" \
	"$BUILD/rootfs.cpio" > "$BUILD/keel-shell.out" 2>&1; then
	echo "PASS keel-user/shell-test" >> "$out"
else
	echo "FAIL keel-user/shell-test (see $BUILD/keel-shell.out)" >> "$out"
	tail -30 "$BUILD/keel-shell.out"
fi
grep -c '^PASS' "$out" | sed 's/^/keel-user: passed /'
! grep -q '^FAIL' "$out"
