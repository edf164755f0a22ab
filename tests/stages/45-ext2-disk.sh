#!/bin/sh
# SPDX-License-Identifier: MIT
# Stage: Keel's disk is a real ext2 volume.  Two boots from a fresh ext2
# root disk, with no initramfs (root=/dev/vda, init=/ext2test.sh), exactly
# as the boot contract says:
#   1. busybox workloads, errors and damaged disks (tests/ext2/ext2test.sh,
#      ext2phase=1); the kernel's messages about the damage must be on the
#      console, and nothing may panic;
#   2. after the reboot, everything written is still there (ext2phase=2);
#   3. a damaged root disk: refused with a message, the kernel idles;
#   4. crash cuts: QEMU killed during a metadata workload, three times; the
#      disk may have leaks, nothing worse.
# Between and after the boots the host judges the images with the
# e2fsprogs tools: e2fsck -fn must find nothing, debugfs must list what the
# workload left, and the guest's sort must agree with the host's.
# Writes "PASS ext2-disk/<name>" lines to $RESULTS/ext2-disk.txt.
set -u
out=$RESULTS/ext2-disk.txt
: > "$out"
dir=$BUILD/ext2test
T=${EXT2_TIMEOUT:-400}
ACCEL=$(sh scripts/accel.sh)

pass() { echo "PASS ext2-disk/$1" >> "$out"; }
fail() { echo "FAIL ext2-disk/$1${2:+ ($2)}" >> "$out"; }
check() {	# check NAME COMMAND...: PASS if the command succeeds
	name=$1
	shift
	if "$@" >/dev/null 2>&1; then pass "$name"; else fail "$name"; fi
}

$MAKE --no-print-directory -s all rootfs ext2util || { fail build; exit 1; }
rm -rf "$dir"
sh tests/ext2/mkdisks.sh "$dir" "$BUILD/rootfs.cpio" "$BUILD/user/ext2util" ||
	{ fail make_disks; exit 1; }

boot() {	# boot PHASE: one boot; its log is $dir/bootPHASE.log
	log=$dir/boot$1.log
	drives=
	for img in root small badmagic badptr badreclen dirloop incompat rocompat; do
		drives="$drives -drive file=$dir/$img.img,if=virtio,format=raw"
	done
	timeout "$T" qemu-system-x86_64 $ACCEL -m 512M -smp 1 -no-reboot \
		-display none -serial "file:$log" -monitor none \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 -kernel "$BUILD/keel32.elf" \
		-append "console=ttyS0 root=/dev/vda init=/ext2test.sh ext2phase=$1" \
		-d guest_errors -D "$dir/boot$1.qemu.log" \
		$drives </dev/null 2>"$dir/boot$1.stderr"
	st=$?
	tr -d '\r' < "$log" | sed -n "s/^\(PASS\|FAIL\) ext2\/\(.*\)/\1 ext2-disk\/boot$1-\2/p" >> "$out"
	if [ $st = 0 ] && grep -aq "EXT2TEST: DONE" "$log" && ! grep -aq "panic" "$log"; then
		pass "boot$1-ran-to-the-end"
	else
		fail "boot$1-ran-to-the-end" "qemu exit $st; see $log"
		grep -a -A25 "panic" "$log" | head -30
		# A stuck kernel names itself (sched/hung.c); QEMU says if it reset or died.
		grep -a -A12 "INFO: task\|BUG: soft lockup" "$log" | head -40
		tail -5 "$dir/boot$1.qemu.log" "$dir/boot$1.stderr" 2>/dev/null
	fi
	# A program killed by a fault is a kernel bug here: show the kernel's line about it.
	grep -a "segfault at\|fatal fault at" "$log" | head -5
	check "boot$1-root-mounted-from-disk" grep -aq "root: vda (ext2) mounted on / read-write" "$log"
	check "boot$1-root-left-clean" grep -aq "EXT2TEST: root read-only" "$log"
	check "boot$1-e2fsck-root" e2fsck -fn "$dir/root.img"
}

# The kernel said what was wrong with each damaged disk.
said() {	# said NAME TEXT
	check "message-$1" grep -aq "$2" "$dir/boot1.log"
}

# The guest's sort of big.txt is what the host's sort makes of the same bytes.
sort_agrees() {
	debugfs -R "dump /work/big.txt $dir/big.txt" "$dir/root.img" 2>/dev/null &&
		debugfs -R "dump /work/sorted.txt $dir/sorted.txt" "$dir/root.img" 2>/dev/null &&
		[ -s "$dir/big.txt" ] && LC_ALL=C sort "$dir/big.txt" | cmp -s - "$dir/sorted.txt"
}

# debugfs's view of /work after both boots: names and sizes.
listing_matches() {
	want="a b big.txt d1 d2 fast fifo h1 h2 mapped mapped.sum nulldev slow sorted.txt sparse xa xb"
	got=$(debugfs -R "ls -p /work" "$dir/root.img" 2>/dev/null |
		awk -F/ 'NF > 5 && $6 != "." && $6 != ".." {print $6}' | sort | tr '\n' ' ')
	[ "$got" = "$want " ] || { echo "debugfs lists: $got"; return 1; }
	size() { debugfs -R "ls -p /work" "$dir/root.img" 2>/dev/null | awk -F/ -v n="$1" '$6 == n {print $7}'; }
	[ "$(size sparse)" = 314572800 ] && [ "$(size h1)" = 6 ] && [ "$(size mapped)" = 16384 ] &&
		[ "$(size xa)" = 2 ] &&
		debugfs -R "stat /work/h1" "$dir/root.img" 2>/dev/null | grep -q "Links: 2" &&
		debugfs -R "stat /work/fifo" "$dir/root.img" 2>/dev/null | grep -q "Type: FIFO"
}

boot 1
check e2fsck-small e2fsck -fn "$dir/small.img"
check sort-agrees-with-host sort_agrees
said bad-magic "bad magic number"
said bad-pointer "block map points outside the volume"
said bad-rec-len "bad rec_len"
said dir-loop "(a directory loop)"
said unknown-incompat "unsupported incompatible features"
said unknown-ro-compat "unknown read-only-compatible features: mounted read-only"
boot 2
check debugfs-listing listing_matches

# 3. A root that cannot be mounted (a damaged disk, type auto-detected): the
#    kernel says so and stays idle, no panic; the harness ends the boot.
log=$dir/boot-badroot.log
timeout 30 qemu-system-x86_64 $ACCEL -m 256M -smp 1 -no-reboot -display none \
	-serial "file:$log" -monitor none -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-kernel "$BUILD/keel32.elf" -append "console=ttyS0 root=/dev/vda" \
	-drive "file=$dir/badmagic.img,if=virtio,format=raw,readonly=on" </dev/null 2>/dev/null
check bad-root-says-why grep -aq "root: cannot mount vda as any disk file system" "$log"
check bad-root-idles grep -aq "cannot mount the root file system (root=/dev/vda); the system is idle" "$log"
check bad-root-no-panic sh -c "! grep -aq panic '$log'"
# 4. Crash cuts: boot a copy of the (clean) root with init=/crashtest.sh,
#    kill QEMU while the workload changes metadata, and let e2fsck judge
#    the disk it left: leaks are allowed, a pointer to something free or
#    unwritten is not (the crash-cut unit test's rules).  QEMU has handed
#    every write the guest saw complete to the host before the kill.
cc -O2 -o "$dir/fsckjudge" tests/ext2/fsckjudge.c || fail build-fsckjudge
crash() {	# crash N SECONDS [WORDS]: kill the workload SECONDS after it started
	img=$dir/crash$1.img
	log=$dir/crash$1.log
	cp "$dir/root.img" "$img"
	: > "$log"
	qemu-system-x86_64 $ACCEL -m 256M -smp 2 -no-reboot -display none -vga none \
		-serial "file:$log" -monitor none -kernel "$BUILD/keel32.elf" \
		-append "console=ttyS0 root=/dev/vda init=/crashtest.sh ${3:-}" \
		-drive "file=$img,if=virtio,format=raw" </dev/null &
	qpid=$!
	t=0
	while ! grep -aq "CRASHTEST: running" "$log" && [ $t -lt 600 ]; do
		sleep 0.1
		t=$((t + 1))
	done
	sleep "$2"
	kill -9 $qpid 2>/dev/null
	wait $qpid 2>/dev/null
	check "crash$1-workload-ran" grep -aq "CRASHTEST: running" "$log"
	case " ${3:-} " in
	*" expire="*)
		e=${3##*expire=}
		check "crash$1-expire-set" grep -aq "CRASHTEST: dirty_expire_centisecs ${e%% *}" "$log" ;;
	esac
	check "crash$1-no-panic" sh -c "! grep -aq panic '$log'"
	e2fsck -fn "$img" > "$dir/crash$1.fsck" 2>&1
	if "$dir/fsckjudge" < "$dir/crash$1.fsck" > "$dir/crash$1.judged"; then
		pass "crash$1-e2fsck-finds-only-leaks"
	else
		fail "crash$1-e2fsck-finds-only-leaks" "$(head -c 300 "$dir/crash$1.judged" | tr '\n' ' ')"
	fi
}
# disk_irqs N: "CPU0 CPU1" counts of the disk's interrupts before crash N's workload
disk_irqs() {
	tr -d '\r' < "$dir/crash$1.log" | awk '/^ *[0-9]+:.* virtio-blk / { print $2, $3; exit }'
}
# The ordered writes start at once (expire=0), or wait 50 or 500 ms, long
# enough for later writes to join them (kernel/block/bcache_behind.c).
crash 1 1 "irqaffinity=1 expire=0"
crash 2 2.5 expire=5
crash 3 4 expire=50
# Two CPUs: by default the disk interrupts the boot CPU; irqaffinity=1 aims
# it at the other one (drivers/pci_irq.c).
set -- $(disk_irqs 2)
check disk-irqs-default-cpu0 [ "${1:-0}" -gt 0 -a "${2:-1}" = 0 ]
set -- $(disk_irqs 1)
check disk-irqs-irqaffinity-cpu1 [ "${1:-1}" = 0 -a "${2:-0}" -gt 0 ]

grep -c '^PASS' "$out" | sed 's/^/ext2-disk: passed /'
! grep -q '^FAIL' "$out"
