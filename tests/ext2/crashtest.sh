#!/bin/sh
# SPDX-License-Identifier: MIT
# The crash test's workload, run by the kernel as init (init=/crashtest.sh)
# from an ext2 root disk: ext2util churn changes metadata without end
# (directories, small files, renames, hard and symbolic links, removals)
# and never waits for the disk, so the write-behind queue runs long.  The
# host kills QEMU while it runs and asks e2fsck about what the disk was
# left with (tests/stages/45-ext2-disk.sh).
PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH
mkdir -p /crash || exit 1
# Where the disk's interrupts went so far (the stage checks irqaffinity=).
mount -t proc proc /proc && cat /proc/interrupts
# expire=CENTISECONDS on the command line: how long the ordered writes may
# wait in memory, where later ones can join them (0: they start at once).
if [ -n "${expire:-}" ]; then
	echo "$expire" > /proc/sys/vm/dirty_expire_centisecs &&
		echo "CRASHTEST: dirty_expire_centisecs $(cat /proc/sys/vm/dirty_expire_centisecs)"
fi
echo "CRASHTEST: running"
ext2util churn /crash
echo "CRASHTEST: churn stopped"
