#!/bin/sh
# SPDX-License-Identifier: MIT
# The crash test's workload, run by the kernel as init (init=/crashtest.sh)
# from an ext2 root disk.  It changes metadata without end (directories,
# files with a little data, renames, hard links, removals); the host kills
# QEMU while it runs and asks e2fsck about what the disk was left with
# (tests/stages/45-ext2-disk.sh).  Nothing here waits for the disk, so at
# the kill the write-behind queue holds whatever the disk had not taken yet.
PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH
mkdir -p /crash && cd /crash || exit 1
echo "CRASHTEST: running"
i=0
while :; do
	mkdir d$i
	echo "file $i" > d$i/f
	mv d$i/f d$i/g
	ln d$i/g h$i
	echo "$i" > x$i
	if [ $i -ge 8 ]; then
		old=$((i - 8))
		rm -r d$old h$old
		mv x$old d$((i - 1))/
	fi
	i=$((i + 1))
done
