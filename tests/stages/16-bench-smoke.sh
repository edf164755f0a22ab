#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Stage: keep `make bench` from rotting, without booting anything and
# without downloading Linux.  osbench runs in --smoke mode (a few
# iterations of every metric, small sizes; well under a second) on this
# host's Linux, and the harness's log parser and table are run on known
# input.
#
#   PASS bench-smoke/<metric>   osbench measured it
#   FAIL bench-smoke/<metric>   osbench printed an error for it, or nothing
#   SKIP bench-smoke/<metric>   not attempted on purpose: the uncached read
#                               would empty the page cache of a shared
#                               machine (--no-drop-caches); not counted
#
# No timing is asserted: the numbers only have to be numbers.
set -e
out=$RESULTS/bench-smoke.txt
tmp=$BUILD/bench-smoke
: > "$out"
$MAKE --no-print-directory -s osbench "$BUILD/bench/linestamp"
osbench=$(pwd)/$BUILD/bench/osbench
rm -rf "$tmp"
mkdir -p "$tmp/run"

# 1. Every metric on the host, from a scratch directory like the guest's /mnt.
st=0
(cd "$tmp/run" && timeout 120 "$osbench" --smoke --no-drop-caches) > "$tmp/smoke.out" 2>&1 || st=$?
if [ "$st" != 0 ] || ! grep -q '^osbench: done' "$tmp/smoke.out"; then
	echo "FAIL bench-smoke/run (exit status $st, no 'osbench: done'; see $tmp/smoke.out)" >> "$out"
fi
awk '
	$1 == "metric" && NF == 4 && $3 ~ /^[0-9]+(\.[0-9]+)?$/ { print "PASS bench-smoke/" $2; next }
	$1 == "metric" { print "FAIL bench-smoke/" $2 " (malformed: " $0 ")"; next }
	$1 == "error" { r = $0; sub(/^error [^ ]* /, "", r); print "FAIL bench-smoke/" $2 " (" r ")"; next }
	$1 == "skip" { r = $0; sub(/^skip [^ ]* /, "", r); print "SKIP bench-smoke/" $2 " (" r ")" }
' "$tmp/smoke.out" >> "$out"
# A metric the run never mentioned is a failure too.
for name in $("$osbench" --list); do
	grep -q "^\(metric\|error\|skip\) $name " "$tmp/smoke.out" ||
		echo "FAIL bench-smoke/$name (no line for it)" >> "$out"
done

# 2. The harness's path from serial log to result lines: stamp the host run
#    as if it came from a guest, then parse it.
{ echo "bench-init: start"; cat "$tmp/smoke.out"; } |
	"$BUILD/bench/linestamp" -m "bench-init: start" -w 10 > "$tmp/host-1.log"
awk -v lst=0 -v qst=0 -v wait=10 -v logfile=x -f bench/parse.awk "$tmp/host-1.log" \
	> "$tmp/host-1.res"
if grep -q '^status ok' "$tmp/host-1.res" && grep -q '^metric boot_to_init ' "$tmp/host-1.res" &&
	[ "$(grep -c '^metric ' "$tmp/host-1.res")" = "$(($(grep -c '^metric ' "$tmp/smoke.out") + 1))" ]; then
	echo "PASS bench-smoke/parse-log" >> "$out"
else
	echo "FAIL bench-smoke/parse-log (see $tmp/host-1.res)" >> "$out"
fi

# 3. The table on known numbers: the ratio reads below 1 when Keel is
#    faster, for times and for rates alike, and a missing number is n/a
#    with its reason, never a number.
mkdir -p "$tmp/report"
printf 'metric syscall_null 2.0 us\nmetric seq_write_fsync 10.0 MiB/s\nmetric stat 1.0 us\nstatus ok\n' \
	> "$tmp/report/linux-1.res"
printf 'metric syscall_null 1.0 us\nmetric seq_write_fsync 20.0 MiB/s\nerror stat stat: No such file\nstatus ok\n' \
	> "$tmp/report/keel-1.res"
awk -v runs=1 -f bench/report.awk "$tmp/report"/*.res > "$tmp/report/table.txt"
note=$(sed -n 's/^stat  *us  *1\.000 1\.000-1\.000  *n\/a \[\([0-9]*\)\]  *n\/a$/\1/p' \
	"$tmp/report/table.txt")
if grep -q '^syscall_null .* 0\.50$' "$tmp/report/table.txt" &&
	grep -q '^seq_write_fsync .* 0\.50$' "$tmp/report/table.txt" && [ -n "$note" ] &&
	grep -q "^\[$note\] Keel: stat: No such file" "$tmp/report/table.txt"; then
	echo "PASS bench-smoke/report-table" >> "$out"
else
	echo "FAIL bench-smoke/report-table (see $tmp/report/table.txt)" >> "$out"
fi

grep '^SKIP' "$out" || true
echo "bench-smoke: $(grep -c '^PASS' "$out") passed, $(grep -c '^FAIL' "$out") failed"
