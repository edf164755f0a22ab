#!/bin/sh
# SPDX-License-Identifier: MIT
#
# `make bench`: boot Debian's Linux kernel and Keel one after the other in
# one fixed QEMU machine, run the same osbench binary on each, and print
# the medians side by side as ratios (docs/performance.md explains how to
# read them).
#
#	BUILD=build sh bench/run.sh
#
# Settings (environment):
#	BENCH_RUNS=3		boots per kernel; the table shows medians
#	BENCH_KERNELS="linux keel"	which kernels to boot
#	BENCH_TIMEOUT=600	seconds one boot may take in all
#	BENCH_START_TIMEOUT=90	seconds to reach init's first line
#	BENCH_SMOKE=1		run osbench --smoke (checks the harness, not speed)
#	BENCH_ONLY=PREFIX	only the metrics whose names start with PREFIX
#	BENCH_ICOUNT=1		-icount shift=0: guest instructions are the clock, so
#				two Keel builds compare without the host's noise
#				(processor work only; use with BENCH_KERNELS=keel)
#	KEEL_IMAGE=FILE		the Keel kernel to boot ($BUILD/keel32.elf)
#
# The boots alternate, Linux then Keel, run after run, so a change in the
# host's load falls on both columns alike.  The disk is a fresh 256 MiB
# ext2 image for every boot.  When Keel does not reach the benchmark, the
# remaining Keel boots are skipped: its rows say n/a and why.
set -e
BUILD=${BUILD:-build}
RUNS=${BENCH_RUNS:-3}
KERNELS=${BENCH_KERNELS:-linux keel}
TIMEOUT=${BENCH_TIMEOUT:-600}
START_TIMEOUT=${BENCH_START_TIMEOUT:-90}
CACHE=${BENCH_CACHE:-cache/linux}
KEEL_IMAGE=${KEEL_IMAGE:-$BUILD/keel32.elf}

out=$BUILD/bench
cpio=$out/bench.cpio
here=$(dirname "$0")

# One QEMU machine for both kernels.  la57=off: "max" would offer 5-level
# paging, which neither kernel needs and which changes the page-walk cost.
QEMU_FLAGS="-m 512M -smp 2 -cpu max,la57=off -accel tcg -no-reboot \
-display none -monitor none -serial stdio \
-device isa-debug-exit,iobase=0xf4,iosize=0x04"
APPEND="console=ttyS0 rdinit=/init quiet"
[ -n "${BENCH_SMOKE:-}" ] && APPEND="$APPEND bench_mode=smoke"
[ -n "${BENCH_ONLY:-}" ] && APPEND="$APPEND bench_only=$BENCH_ONLY"
[ -n "${BENCH_ICOUNT:-}" ] && QEMU_FLAGS="$QEMU_FLAGS -icount shift=0"

# Stamp serial lines (see bench/linestamp.c), watch for init's first line,
# and allow 30 s for powering off after init's last.
INIT_MARKER="bench-init: start"
END_MARKER="bench-init: poweroff"

sh "$here/fetch-linux.sh" "$CACHE"
vmlinuz=$(ls "$CACHE"/boot/vmlinuz-* | head -1)
moddir=$(ls -d "$CACHE"/lib/modules/* | head -1)
sh "$here/mkinitramfs.sh" "$cpio" "$out/osbench" "$moddir"

mkdir -p "$out"
rm -f "$out"/*.log "$out"/*.res "$out"/*.qemu-err
{
	echo "osbench results, $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "host: nproc $(nproc), load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "qemu: $(qemu-system-x86_64 --version | head -1)"
	echo "machine: $QEMU_FLAGS" | tr -s ' '
	echo "append: $APPEND"
	echo "linux: $(cat "$CACHE/.complete") ($(basename "$vmlinuz"))"
	echo "keel: $KEEL_IMAGE, commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
	echo "runs: $RUNS per kernel"
} > "$out/header.txt"
# QEMU's two virtual CPUs are two host threads: on a host whose other work
# already takes a CPU, every wake-up across virtual CPUs waits for the host
# scheduler, and the numbers say more about the host than about the kernel.
if awk -v n="$(nproc)" '{ exit !($1 >= n / 2) }' /proc/loadavg; then
	echo "warning: the host is busy (load $(cut -d' ' -f1 /proc/loadavg) on $(nproc) CPUs):" \
		"expect slow, widely spread cross-CPU rows (fork, pipes, threads)" >> "$out/header.txt"
fi
cat "$out/header.txt"

# Turn one boot's stamped serial log into result lines (see report.awk):
# its metrics, boot_to_init, and a status line saying how far it got.
parse_log() {
	awk -v lst="$2" -v qst="$3" -v wait="$START_TIMEOUT" -v logfile="$1" -f "$here/parse.awk" "$1"
}

# boot KERNEL RUN IMAGE: one boot, leaving $out/KERNEL-RUN.{log,res}.
boot() {
	kernel=$1
	run=$2
	image=$3
	log=$out/$kernel-$run.log
	disk=$out/disk.img
	fifo=$out/serial.fifo

	rm -f "$disk" "$fifo"
	truncate -s 256M "$disk"
	mke2fs -q -F -t ext2 -b 4096 -L osbench "$disk"
	mkfifo "$fifo"
	timeout "$TIMEOUT" qemu-system-x86_64 $QEMU_FLAGS -kernel "$image" -initrd "$cpio" \
		-append "$APPEND" -drive "file=$disk,if=virtio,format=raw" \
		< /dev/null > "$fifo" 2> "$out/$kernel-$run.qemu-err" &
	qpid=$!
	lst=0
	"$out/linestamp" -m "$INIT_MARKER" -w "$START_TIMEOUT" -e "$END_MARKER" -g 30 \
		< "$fifo" > "$log" || lst=$?
	# linestamp stops at the end of QEMU's output, or early when the guest
	# never reached init or did not power off: then end QEMU (timeout passes
	# the signal on).  QEMU is not reaped yet, so $qpid is still ours.
	kill "$qpid" 2>/dev/null || true
	qst=0
	wait "$qpid" || qst=$?
	rm -f "$fifo" "$disk"
	parse_log "$log" "$lst" "$qst" > "$out/$kernel-$run.res"
	echo "bench: $kernel run $run: $(sed -n 's/^status //p' "$out/$kernel-$run.res")"
}

skip_keel=""
for run in $(seq 1 "$RUNS"); do
	for kernel in $KERNELS; do
		case $kernel in
		linux) image=$vmlinuz ;;
		keel) image=$KEEL_IMAGE ;;
		*) echo "bench: unknown kernel $kernel" >&2; exit 2 ;;
		esac
		if [ "$kernel" = keel ] && [ -n "$skip_keel" ]; then
			echo "status skipped the first Keel boot did not reach the benchmark" \
				> "$out/$kernel-$run.res"
			continue
		fi
		boot "$kernel" "$run" "$image"
		if [ "$kernel" = keel ] && ! grep -q '^status ok' "$out/keel-$run.res" &&
			! grep -q '^metric ' "$out/keel-$run.res"; then
			skip_keel=yes
		fi
	done
done

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/header.txt"
{
	cat "$out/header.txt"
	echo
	awk -v runs="$RUNS" -v dir="$out" -f "$here/report.awk" "$out"/*.res
} > "$out/results.txt"
echo
awk -v runs="$RUNS" -v dir="$out" -f "$here/report.awk" "$out"/*.res
echo
echo "bench: written to $out/results.txt; serial logs in $out/*.log"
