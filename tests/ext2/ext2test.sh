#!/bin/sh
# SPDX-License-Identifier: MIT
# The ext2 disk test, run by the kernel as init (init=/ext2test.sh) from
# an ext2 root disk (root=/dev/vda), under busybox sh.  The host side is
# tests/stages/45-ext2-disk.sh, which makes the disks, boots twice and
# checks the images with e2fsck and debugfs afterwards.
#
#   ext2phase=1  busybox workloads on the root disk (a tree copied, tar,
#                find, sort of 20 MB, mv, rm -r, a 300 MB sparse file into
#                double-indirect blocks, thousands of small files, a shared
#                mapping, hard and symbolic links, device nodes, rename
#                flags), then errors (ENOSPC, EROFS, EXDEV, ENOTEMPTY,
#                ENAMETOOLONG) on a small 1 KiB-block disk (vdb), then the
#                damaged disks (vdc..vdh) that must be refused or give EIO;
#                writes a manifest of checksums
#   ext2phase=2  after a reboot: everything still there (the manifest)
#
# Each check prints "PASS ext2/<name>" or "FAIL ext2/<name> (why)".  The
# last lines are "EXT2TEST: DONE", then the root is remounted read-only
# (so the volume is marked clean) and the machine powers off.
PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH
W=/work
S=/mnt/small
C=/mnt/c
OUT=/tmp/ext2test.out

pass() { echo "PASS ext2/$1"; }
fail() { echo "FAIL ext2/$1 ($2)"; }
# check NAME COMMAND...: the command succeeds
check() {
	name=$1
	shift
	if "$@" > $OUT 2>&1; then pass "$name"; else fail "$name" "$(head -c 300 $OUT | tr '\n' ' ')"; fi
}
# refuse NAME TEXT COMMAND...: the command fails and says TEXT
refuse() {
	name=$1
	want=$2
	shift 2
	if "$@" > $OUT 2>&1; then
		fail "$name" "succeeded"
	elif grep -q "$want" $OUT; then
		pass "$name"
	else
		fail "$name" "$(head -c 300 $OUT | tr '\n' ' ')"
	fi
}
same() { [ "$1" = "$2" ]; }

# ---------------------------------------------------------------- phase 1

# A tree with files of many sizes (the copy and tar workloads).
make_tree() {
	mkdir -p $W/tree && cp -a /bin /etc /sbin /usr $W/tree/ || return 1
	for d in 1 2 3 4 5 6 7 8; do
		mkdir -p $W/tree/data/d$d/sub || return 1
		for f in 1 2 3 4 5 6 7 8 9 10; do
			head -c $((d * f * 397 + f)) /dev/urandom > $W/tree/data/d$d/f$f || return 1
		done
		head -c $((d * 61000)) /dev/urandom > $W/tree/data/d$d/sub/big || return 1
	done
}

# The names, regular files' checksums and link targets of a tree.
describe() {
	(cd "$1" && find . | sort && find . -type f -exec md5sum {} + | sort &&
		find . -type l -exec ls -l {} + | awk '{print $9, $10, $11}' | sort)
}

find_counts() {
	for d in bin etc sbin usr; do
		[ $(find $W/tree/$d | wc -l) = $(find /$d | wc -l) ] || return 1
	done
	[ $(find $W/tree/data -type f | wc -l) = 88 ]
}

tar_round_trip() {
	(cd $W && tar cf t.tar tree && mkdir x && cd x && tar xf ../t.tar) &&
		[ "$(describe $W/tree)" = "$(describe $W/x/tree)" ]
}

cp_a_identical() {
	cp -a $W/tree $W/tree2 && [ "$(describe $W/tree)" = "$(describe $W/tree2)" ]
}

rm_r() {
	rm -r $W/x $W/tree2 && [ ! -e $W/x ] && [ ! -e $W/tree2 ]
}

mv_across_dirs() {
	mkdir $W/a $W/b || return 1
	ino=$(stat -c %i $W/tree/data/d3)
	mv $W/tree/data/d3 $W/a/ && mv $W/a/d3 $W/b/d3moved &&
		[ $(stat -c %i $W/b/d3moved) = $ino ] && [ -f $W/b/d3moved/sub/big ] &&
		[ $(stat -c %h $W/a) = 2 ] && [ $(stat -c %h $W/b) = 3 ]
}

# 20 MB of text, sorted; the host sorts the same bytes and compares.
sort_20mb() {
	head -c 9000000 /dev/urandom | od -An -tx4 -v > $W/big.txt &&
		[ $(stat -c %s $W/big.txt) -gt 20000000 ] && sort $W/big.txt > $W/sorted.txt &&
		sort -c $W/sorted.txt && [ $(wc -l < $W/sorted.txt) = $(wc -l < $W/big.txt) ]
}

# 300 MB, mostly holes: data in direct, single- and double-indirect blocks.
sparse_300mb() {
	dd if=/dev/urandom of=$W/sparse bs=4096 count=3 2>/dev/null &&
		dd if=/dev/urandom of=$W/sparse bs=4096 seek=500 count=40 conv=notrunc 2>/dev/null &&
		dd if=/dev/urandom of=$W/sparse bs=1M seek=100 count=6 conv=notrunc 2>/dev/null &&
		truncate -s 300M $W/sparse && [ $(stat -c %s $W/sparse) = 314572800 ] &&
		[ $(du -k $W/sparse | cut -f1) -lt 8000 ] &&
		[ "$(dd if=$W/sparse bs=4096 skip=200 count=1 2>/dev/null | od -An -tx1 | uniq)" = \
		  "$(head -c 4096 /dev/zero | od -An -tx1 | uniq)" ]
}

many_small_files() {
	mkdir $W/many || return 1
	i=0
	while [ $i -lt 3000 ]; do
		echo "file $i" > $W/many/f$i || return 1
		i=$((i + 1))
	done
	[ $(ls $W/many | wc -l) = 3000 ] && [ "$(cat $W/many/f2999)" = 'file 2999' ] &&
		rm $W/many/f1* && [ $(ls $W/many | wc -l) = 1889 ]
}

hard_links() {
	echo hello > $W/h1 && ln $W/h1 $W/h2 && ln $W/h1 $W/h3 && rm $W/h3 &&
		[ $(stat -c %h $W/h1) = 2 ] && [ $(stat -c %i $W/h1) = $(stat -c %i $W/h2) ]
}

LONG=$(printf 'L%.0s' $(seq 1 120))
symlinks() {
	ln -s h1 $W/fast && ln -s /work/$LONG/target $W/slow &&
		[ $(readlink $W/fast) = h1 ] && [ $(readlink $W/slow) = /work/$LONG/target ] &&
		[ "$(cat $W/fast)" = hello ]
}

device_nodes() {
	mknod $W/fifo p && mknod $W/nulldev c 1 3 && [ -p $W/fifo ] && [ -c $W/nulldev ] &&
		echo x > $W/nulldev
}

rename_exchange() {
	echo A > $W/xa && echo B > $W/xb && ext2util exchange $W/xa $W/xb &&
		[ $(cat $W/xa) = B ] && [ $(cat $W/xb) = A ] &&
		mkdir -p $W/d1/sub $W/d2 && echo f > $W/d2/file &&
		ext2util exchange $W/d1/sub $W/d2/file && [ -f $W/d1/sub ] && [ -d $W/d2/file ] &&
		[ $(stat -c %h $W/d1) = 2 ] && [ $(stat -c %h $W/d2) = 3 ]
}

unlink_open_file() {
	echo gone > $W/open && exec 3< $W/open && rm $W/open && [ "$(cat <&3)" = gone ] &&
		exec 3<&-
}

workloads() {
	mkdir -p $W
	check cp_a_tree make_tree
	check find_counts find_counts
	check tar_round_trip tar_round_trip
	check cp_a_identical cp_a_identical
	check rm_r rm_r
	check mv_across_dirs mv_across_dirs
	check sort_20mb sort_20mb
	check sparse_300mb sparse_300mb
	check many_small_files many_small_files
	check mmap_shared_write sh -c "ext2util mmapw $W/mapped > $W/mapped.sum"
	check hard_links hard_links
	check symlinks symlinks
	check device_nodes device_nodes
	check rename_exchange rename_exchange
	refuse rename_noreplace "exists" ext2util noreplace $W/xa $W/xb
	refuse enotempty "not empty" rmdir $W/b
	refuse enametoolong "too long" touch $W/$(printf 'n%.0s' $(seq 1 256))
	check unlink_open_file unlink_open_file
}

# /proc's view of the disks: their sizes, their request counts and their
# interrupts, which a write and a sync must move.
sum_disk_irqs() {	# every virtio-blk row of /proc/interrupts, all CPUs
	awk '/virtio-blk/ { for (i = 2; i <= NF - 2; i++) s += $i } END { print s + 0 }' /proc/interrupts
}
vda_writes() {		# requests and sectors written to vda
	awk '$3 == "vda" { print $8, $10 }' /proc/diskstats
}
proc_disks() {
	check proc_partitions_sizes sh -c "awk '\$4 == \"vdb\" && \$3 == 3072 { b = 1 }
		\$4 == \"vda\" { a = 1 } END { exit !(a && b) }' /proc/partitions"
	w0=$(vda_writes)
	i0=$(sum_disk_irqs)
	head -c 65536 /dev/urandom > $W/procdisk && sync
	w1=$(vda_writes)
	i1=$(sum_disk_irqs)
	check proc_diskstats_counts_writes sh -c "[ '${w0% *}' -lt '${w1% *}' ] &&
		[ '${w1#* }' -ge \$(( ${w0#* } + 128 )) ]"
	check proc_interrupts_counts_the_disk [ "$i0" -gt 0 -a "$i1" -gt "$i0" ]
	rm -f $W/procdisk
}

# The small 1 KiB-block disk: block pieces smaller than a page, errors.
small_disk() {
	mkdir -p $S
	check small_mount mount -t ext2 /dev/vdb $S
	check small_1k_double_indirect sh -c "dd if=/dev/urandom of=$S/sp bs=1k seek=300 count=5 \
		2>/dev/null && head -c 3000 /dev/urandom > $S/tail && sum=\$(md5sum < $S/sp) &&
		t=\$(md5sum < $S/tail) && umount $S && mount -t ext2 /dev/vdb $S &&
		[ \"\$(md5sum < $S/sp)\" = \"\$sum\" ] && [ \"\$(md5sum < $S/tail)\" = \"\$t\" ]"
	refuse exdev_link "ross-device" ln $W/h1 $S/h1
	refuse exdev_rename "ross-device" ext2util rename $W/h1 $S/h1
	check remount_ro mount -o remount,ro $S
	refuse erofs_after_remount "Read-only" touch $S/x
	check remount_rw sh -c "mount -o remount,rw $S && touch $S/x"
	check umount_small umount $S
	check mount_ro mount -t ext2 -o ro /dev/vdb $S
	refuse erofs_ro_mount "Read-only" mkdir $S/d
	check umount_ro umount $S
	mount -t ext2 /dev/vdb $S
	refuse enospc "No space left" dd if=/dev/zero of=$S/fill bs=4k count=100000
	check after_enospc_rm_works sh -c "rm $S/fill && echo ok > $S/after && [ \$(cat $S/after) = ok ]"
	check umount_small_clean umount $S
}

# Damaged volumes: refused at mount, or EIO where the damage is.  The
# kernel's console messages are checked by the host.
damaged_disks() {
	mkdir -p $C
	refuse bad_magic_refused "Invalid argument" mount -t ext2 /dev/vdc $C
	# A refused mount is on the write-back thread's list while it opens the
	# disk: keep refusing for six seconds, past one of the thread's passes.
	check refused_mounts_meet_the_flusher sh -c "end=\$((\$(date +%s) + 6)); \
		while [ \$(date +%s) -lt \$end ]; do \
		mount -t ext2 /dev/vdc $C 2>/dev/null && exit 1; done; exit 0"
	check bad_pointer_mounts mount -t ext2 -o ro /dev/vdd $C
	refuse bad_pointer_eio "Input/output error" cat $C/file
	check bad_pointer_other_files_fine sh -c "[ \"\$(cat $C/good)\" = fine ]"
	umount $C
	check bad_rec_len_mounts mount -t ext2 -o ro /dev/vde $C
	refuse bad_rec_len_eio "Input/output error" ls $C/d
	umount $C
	check dir_loop_mounts mount -t ext2 -o ro /dev/vdf $C
	refuse dir_loop_eio "Input/output error" ls $C/a/b/loop
	umount $C
	refuse unknown_incompat_refused "Invalid argument" mount -t ext2 /dev/vdg $C
	check unknown_ro_compat_mounts mount -t ext2 /dev/vdh $C
	refuse unknown_ro_compat_erofs "Read-only" touch $C/x
	umount $C
}

phase1() {
	workloads
	proc_disks
	small_disk
	damaged_disks
	sync
	(cd $W && find . -type f ! -name fifo ! -name nulldev ! -name 't.tar' | sort |
		xargs md5sum > /manifest) && pass manifest_written || fail manifest_written "md5sum"
}

# ---------------------------------------------------------------- phase 2

phase2() {
	check persisted_checksums sh -c "cd $W && md5sum -c /manifest > /dev/null"
	check persisted_mmap_data sh -c "[ \$(ext2util mmapr $W/mapped) = \$(cat $W/mapped.sum) ]"
	check persisted_links sh -c "[ \$(stat -c %h $W/h1) = 2 ] &&
		[ \$(stat -c %i $W/h1) = \$(stat -c %i $W/h2) ] && [ ! -e $W/h3 ]"
	check persisted_symlinks sh -c "[ \$(readlink $W/fast) = h1 ] &&
		[ \$(readlink $W/slow) = /work/$LONG/target ]"
	check persisted_nodes sh -c "[ -p $W/fifo ] && [ -c $W/nulldev ]"
	check persisted_sparse sh -c "[ \$(stat -c %s $W/sparse) = 314572800 ]"
	check persisted_many sh -c "[ \$(ls $W/many | wc -l) = 1889 ]"
	check persisted_unlinked_open_gone sh -c "[ ! -e $W/open ]"
	check rm_r_everything_but_the_sort sh -c "rm -r $W/many $W/tree $W/t.tar && [ ! -e $W/many ]"
}

mount -t proc proc /proc 2>/dev/null
case "${ext2phase:-1}" in
1) phase1 ;;
2) phase2 ;;
esac
echo "EXT2TEST: DONE"
sync
mount -o remount,ro / && echo "EXT2TEST: root read-only"
poweroff -f
