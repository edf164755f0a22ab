#!/bin/sh
# Stage: the scheduler simulator's assertions (tools/schedsim): hand
# execution, SJF's optimality, RR against FCFS, Keel's MLFQ and real-time
# classes, M/M/1 against queueing theory, and priority inversion.
set -e
$MAKE --no-print-directory -s schedsim
log="$BUILD/schedsim-check.log"
out="$RESULTS/schedsim.txt"
st=0
"$BUILD/schedsim" --check > "$log" 2>&1 || st=$?
grep -E '^(PASS|FAIL) ' "$log" > "$out" || true
if [ "$st" != 0 ] && ! grep -q '^FAIL' "$out"; then
	echo "FAIL schedsim/exit (status $st; see $log)" >> "$out"
fi
grep '^FAIL' "$out" || true
echo "schedsim: $(grep -c '^PASS' "$out") passed, $(grep -c '^FAIL' "$out") failed"
