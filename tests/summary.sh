#!/bin/sh
# Sum the result files of one `make check`: each line is "PASS name" or
# "FAIL name ...".  Prints the failures and the one summary line; exits
# non-zero when anything failed or nothing ran.
dir=$1
pass=$(cat "$dir"/*.txt 2>/dev/null | grep -c '^PASS')
fail=$(cat "$dir"/*.txt 2>/dev/null | grep -c '^FAIL')
if [ "$fail" -gt 0 ]; then
	echo "failures:"
	cat "$dir"/*.txt | grep '^FAIL' | sed 's/^/  /'
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
