#!/bin/sh
# Boot the kernel with keel.ktest=all and record one result line per test
# in $RESULTS/ktest.txt; boot it again on 2 CPUs (all tests) and on 4 CPUs
# (the scheduling and synchronization tests); then boot once per
# expected-panic test.
# Usage: tests/run-ktest.sh build/keel32.elf
set -u
KERNEL=$1
RESULTS=${RESULTS:-build/results}
TIMEOUT=${KTEST_TIMEOUT:-300}
mkdir -p "$RESULTS"
out=$RESULTS/ktest.txt
: > "$out"
ACCEL=$(sh scripts/accel.sh)

boot() {   # boot <log> <cmdline> [extra qemu args...]; $SMP CPUs (default 1)
	log=$1; cmd=$2; shift 2
	timeout "$TIMEOUT" qemu-system-x86_64 $ACCEL -m 256M -smp "${SMP:-1}" -no-reboot \
		-display none -serial "file:$log" -monitor none \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-kernel "$KERNEL" -append "console=ttyS0 $cmd" "$@" </dev/null
}

# 1. All ordinary tests in one boot, with the storage tests' scratch disks
#    attached (tests/storage/disks.sh).  The kernel exits 33 on pass, 35 on
#    fail, 37 on panic; a triple fault or hang gives anything else.
. tests/storage/disks.sh
log=$RESULTS/ktest.log
if storage_make_images; then
	boot "$log" "keel.ktest=all" $(storage_qemu_args)
	st=$?
	storage_check_images >> "$out"
else
	echo "FAIL ktest/storage_images (could not make the scratch disks)" >> "$out"
	boot "$log" "keel.ktest=all"
	st=$?
fi
tr -d '\r' < "$log" | sed -n 's/.*ktest: \(PASS\|FAIL\) \([^ ]*\).*/\1 ktest\/\2/p' >> "$out"
case $st in
33) echo "PASS ktest/boot-status" >> "$out" ;;
35) echo "FAIL ktest/boot-status (tests failed)" >> "$out" ;;
*)  echo "FAIL ktest/boot-status (qemu exit $st: panic, hang or triple fault; see $log)" >> "$out"
    grep -a -A30 'panic' "$log" | head -40
    # A hang: the hung-task detector names a test stuck asleep after 120 s.
    grep -a -A20 'INFO: task\|BUG: soft lockup' "$log" | head -40 ;;
esac

# The lock-order checker printed its report for the deliberate inversion,
# and no other report anywhere in the boot.
if grep -aq "lockdep: lock order inversion: taking ktest_order_a while holding ktest_order_b" "$log"; then
	echo "PASS ktest/lockdep_report_printed" >> "$out"
else
	echo "FAIL ktest/lockdep_report_printed (no report for the injected inversion in $log)" >> "$out"
fi
if grep -a "lockdep: \(lock order inversion\|lock rank violation\)" "$log" | grep -vq "ktest_order_"; then
	echo "FAIL ktest/lockdep_no_other_reports (see $log)" >> "$out"
else
	echo "PASS ktest/lockdep_no_other_reports" >> "$out"
fi

# The tests on several CPUs.  Virtual CPUs on a busy two-core host make
# every cross-CPU hand-over slow, so these boots leave out the long
# single-lock stress (sync_mutex_eight_threads; smp_mutex_hammer is its
# multi-CPU version), and the 4-CPU boot runs only the tests about
# scheduling and synchronization.  They boot without a display adapter:
# QEMU 7.2 under multi-threaded TCG now and then crashes (SIGSEGV inside
# QEMU) while the kernel sizes the VGA card's BARs on a loaded host, and
# these tests have no use for a screen.
smp_boot() {   # smp_boot <ncpus> <filter>
	log=$RESULTS/ktest-smp$1.log
	SMP=$1
	boot "$log" "keel.ktest=$2" -vga none
	st=$?
	SMP=1
	tr -d '\r' < "$log" | sed -n "s/.*ktest: \(PASS\|FAIL\) \([^ ]*\).*/\1 ktest-smp$1\/\2/p" >> "$out"
	if [ $st = 33 ] && grep -aq "smp: $1 CPUs online" "$log"; then
		echo "PASS ktest-smp$1/boot-status" >> "$out"
	else
		echo "FAIL ktest-smp$1/boot-status (qemu exit $st, or fewer CPUs; see $log)" >> "$out"
		grep -a -A30 'panic' "$log" | head -40
	fi
}
smp_boot 2 "trap_*,core_*,mm_*,vm_*,sched_*,smp_*,futex_*,sync_spin*,sync_sem*,sync_cond*,sync_pi*,sync_no_pi*,sync_rw*,sync_lockdep*"
smp_boot 4 "smp_*,sched_affinity*,sched_fifo*,sched_mlfq*,sched_params*,sync_pi*,sync_no_pi*,sync_rwlock*,sync_lockdep*,futex_*,sync_condvar*"

# 2. A machine without ACPI tables: the fallbacks (default APIC addresses,
#    PIT calibration) must give a working timer and scheduler.
log=$RESULTS/ktest-noacpi.log
boot "$log" "keel.ktest=sched_timer_rate,sched_preempts_busy_thread" -machine pc,acpi=off
st=$?
if [ $st = 33 ] && grep -aq "no RSDP found" "$log" && grep -aq "measured against the PIT" "$log"; then
	echo "PASS ktest/no_acpi_fallback" >> "$out"
else
	echo "FAIL ktest/no_acpi_fallback (exit $st; see $log)" >> "$out"
fi

# 3. Tests whose correct outcome is a clean panic: name and expected message.
while read -r name expect; do
	[ -n "$name" ] || continue
	log=$RESULTS/ktest-$name.log
	boot "$log" "keel.ktest=$name"
	st=$?
	if [ $st = 37 ] && grep -aq "$expect" "$log" && grep -aq "backtrace:" "$log"; then
		echo "PASS ktest/$name" >> "$out"
	else
		echo "FAIL ktest/$name (exit $st; expected panic with '$expect')" >> "$out"
	fi
done <<'LIST'
trap_double_fault_panics panic: abort: double fault
trap_machine_check_panics panic: abort: machine check
LIST
grep -c '^PASS' "$out" | sed 's/^/ktest: passed /'
! grep -q '^FAIL' "$out"
