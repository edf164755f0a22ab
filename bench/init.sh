#!/bin/sh
# SPDX-License-Identifier: MIT
#
# /init of the benchmark initramfs (bench/mkinitramfs.sh puts it there).
# The same archive boots Debian's Linux and Keel: mount the pseudo file
# systems, load the disk and file-system modules if this kernel has any in
# the archive (Linux does; Keel has its drivers built in), mount the
# benchmark's ext2 disk at /mnt, run osbench there, power off.
#
# Its first line is the boot-time marker: bench/run.sh stamps every serial
# line with the time since QEMU started, and this line's stamp is the
# boot_to_init metric.  Lines starting "bench-init:" are for the harness.
echo "bench-init: start"
export PATH=/bin

mount -t proc proc /proc || echo "bench-init: warning: cannot mount /proc"
mount -t sysfs sysfs /sys || echo "bench-init: warning: cannot mount /sys"
mount -t devtmpfs devtmpfs /dev || echo "bench-init: warning: cannot mount /dev"

mods=/lib/modules/$(uname -r)
if [ -f "$mods/load-order" ]; then
	while read -r m; do
		insmod "$mods/$m.ko" || echo "bench-init: warning: insmod $m failed"
	done < "$mods/load-order"
fi

# Drivers find the disk asynchronously: give /dev/vda up to ten seconds.
i=0
while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done

# Without the disk the file metrics would measure the RAM file system, so
# say so: the harness then reports those rows as n/a for this run.
if mount -t ext2 /dev/vda /mnt; then
	cd /mnt
else
	echo "bench-init: no-disk cannot mount /dev/vda as ext2 at /mnt"
	mkdir -p /tmp/bench && cd /tmp/bench
fi

# bench_mode=smoke and bench_only=PREFIX (one group of metrics, for a
# developer's quick look) on the kernel command line reach init as variables.
args=""
[ "${bench_mode:-}" = smoke ] && args=--smoke
[ -n "${bench_only:-}" ] && args="$args --only=$bench_only"
/bin/osbench $args
echo "bench-init: osbench exited with status $?"

cd /
umount /mnt 2>/dev/null
sync
echo "bench-init: poweroff"
poweroff -f
