#!/bin/sh
# SPDX-License-Identifier: MIT
# Stage: the user-space test suite on the host's Linux kernel.  Linux is
# the oracle: every test must pass here before its verdict on Keel means
# anything.  Writes "PASS user-host/<test>" and "FAIL user-host/<test>:
# reason" lines; SKIP lines (tests not meaningful here) are not counted.
# Also checks that init, started as an ordinary process, reads keel.test=
# from its environment and arguments the way the kernel hands it over.
set -e
$MAKE --no-print-directory -s user
out=$RESULTS/user-host.txt
log=$RESULTS/user-host.log
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The suite makes its own directory under TMPDIR and removes it.
TMPDIR=$tmp timeout 300 "$BUILD/user/usertests" </dev/null >"$log" 2>&1 || true
sed -n -e 's|^PASS \([^ ]*\)$|PASS user-host/\1|p' \
	-e 's|^FAIL \([^:]*\): \(.*\)$|FAIL user-host/\1: \2|p' \
	-e 's|^SKIP \([^:]*\): \(.*\)$|SKIP user-host/\1: \2|p' "$log" > "$out"
grep '^usertests: ' "$log" || echo "FAIL user-host/runner: no summary line (see $log)" >> "$out"
grep '^FAIL' "$log" | head -20 || true
[ -z "$(ls -A "$tmp")" ] || echo "FAIL user-host/no-junk: the suite left files in TMPDIR" >> "$out"

# init's choice of mode: name=value words arrive as environment variables,
# bare words as arguments.
check_init() {	# check_init NAME EXPECTED-MODE COMMAND...
	name=$1 want=$2
	shift 2
	got=$("$@" 2>&1 | sed -n "s/.*mode would be '\(.*\)'.*/\1/p")
	if [ "$got" = "$want" ]; then
		echo "PASS user-host/init_mode_$name" >> "$out"
	else
		echo "FAIL user-host/init_mode_$name: got '$got', expected '$want'" >> "$out"
	fi
}
init=$BUILD/user/init
check_init default interactive env -u keel.test "$init"
check_init from_env user env keel.test=user "$init"
check_init from_argv shell "$init" single keel.test=shell
