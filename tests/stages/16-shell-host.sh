#!/bin/sh
# SPDX-License-Identifier: MIT
# Stage: the shell test script (tests/shell/basic.script) driven by
# serialdrive against the host's busybox sh on a pseudo-terminal, so the
# script and the driver are known good before they meet Keel's console.
# The applets are reached through a directory of busybox symlinks, as in
# Keel's initramfs.  Writes "PASS shell-host/<step>" lines.
set -e
$MAKE --no-print-directory -s serialdrive
out=$RESULTS/shell-host.txt
log=$RESULTS/shell-host.log
bb=$(command -v busybox)
case $BUILD in /*) b=$BUILD ;; *) b=$PWD/$BUILD ;; esac
top=$PWD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin"
for a in $("$bb" --list); do
	ln -s "$bb" "$tmp/bin/$a"
done

case $log in /*) ;; *) log=$top/$log ;; esac

st=0
(cd "$tmp" && env -i PATH="$tmp/bin" HOME="$tmp" TERM=vt100 PS1='$ ' \
	timeout 60 "$b/tools/serialdrive" -l "$log" \
	"$top/tests/shell/basic.script" -- "$tmp/bin/sh" -i) > "$tmp/result" 2>&1 || st=$?
sed -n -e 's|^PASS \(.*\)$|PASS shell-host/\1|p' \
	-e 's|^FAIL \([^:]*\): \(.*\)$|FAIL shell-host/\1: \2|p' "$tmp/result" > "$out"
if [ $st != 0 ]; then
	cat "$tmp/result"
	grep -q '^FAIL' "$out" || echo "FAIL shell-host/driver: exit status $st" >> "$out"
fi

# The driver must be able to fail: an expectation that is never met ends
# the run with exit status 1, a FAIL line naming the script line, and the
# transcript.
printf 'timeout 1\nstep must-fail\nline "echo one"\nexpect "never-printed"\n' > "$tmp/fail.script"
st=0
(cd "$tmp" && env -i PATH="$tmp/bin" HOME="$tmp" TERM=vt100 \
	timeout 30 "$b/tools/serialdrive" "$tmp/fail.script" -- "$tmp/bin/sh" -i) \
	> "$tmp/fail.out" 2>&1 || st=$?
if [ $st = 1 ] && grep -q "^FAIL must-fail: .*fail.script:4: expected \"never-printed\"" "$tmp/fail.out" \
	&& grep -q "transcript" "$tmp/fail.out"; then
	echo "PASS shell-host/driver-reports-unmet-expectation" >> "$out"
else
	echo "FAIL shell-host/driver-reports-unmet-expectation: exit $st" >> "$out"
	cat "$tmp/fail.out"
fi
