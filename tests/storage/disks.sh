# Scratch disks for the storage ktests; sourced by tests/run-ktest.sh.
#
# Five images, made fresh for every run in $BUILD/storage, filled with the
# sector pattern of kernel/block/testpattern.h under their own tags, some
# partitioned by sfdisk.  The layout is mirrored in kernel/block/ktest_disks.h;
# change both together.
#
#   vda  virtio, MSI-X           8 MiB, tag A, no partition table
#   vdb  virtio, INTx, behind    8 MiB, tag B, MBR: 1 = 2048+2048, 2 = 4096+4096,
#        a PCI-to-PCI bridge     3 = extended 8192+6144 holding 5 = 10240+2048
#   sda  IDE primary master      4 MiB, tag C, no partition table
#   sdb  IDE secondary master    8 MiB, tag D, GPT: 1 = 2048+1024 "keel-a",
#                                2 = 4096+2048 "keel-b"
#   sdc  IDE secondary slave     200 GiB, sparse: only its first 64 sectors
#                                hold a pattern (tag E); past 2^28 sectors it
#                                needs 48-bit LBA commands
#
# After the run, storage_check_images compares what the kernel wrote
# (through virtio, IDE, partitions and the buffer cache) with the pattern
# the tests promise, and that the sectors around it were left alone.

STORAGE_DIR=${BUILD:-build}/storage
DISKPATTERN=$STORAGE_DIR/diskpattern

storage_make_images() {
	mkdir -p "$STORAGE_DIR" || return 1
	if [ ! -x "$DISKPATTERN" ] || [ tools/diskpattern/diskpattern.c -nt "$DISKPATTERN" ] ||
	   [ kernel/block/testpattern.h -nt "$DISKPATTERN" ]; then
		gcc -O2 -Wall -Wextra -Werror -Ikernel -o "$DISKPATTERN" \
			tools/diskpattern/diskpattern.c || return 1
	fi
	for d in vda:A:16384 vdb:B:16384 sda:C:8192 sdb:D:16384; do
		name=${d%%:*}; rest=${d#*:}; tag=${rest%%:*}; n=${rest#*:}
		rm -f "$STORAGE_DIR/$name.img"
		"$DISKPATTERN" fill "$STORAGE_DIR/$name.img" "$tag" 0 "$n" || return 1
	done
	rm -f "$STORAGE_DIR/sdc.img"
	"$DISKPATTERN" fill "$STORAGE_DIR/sdc.img" E 0 64 || return 1
	truncate -s 200G "$STORAGE_DIR/sdc.img" || return 1
	printf 'label: dos\nstart=2048, size=2048, type=83\nstart=4096, size=4096, type=c, bootable\nstart=8192, size=6144, type=5\nstart=10240, size=2048, type=83\n' |
		sfdisk -q "$STORAGE_DIR/vdb.img" >/dev/null || return 1
	printf 'label: gpt\nstart=2048, size=1024, name="keel-a"\nstart=4096, size=2048, name="keel-b"\n' |
		sfdisk -q "$STORAGE_DIR/sdb.img" >/dev/null || return 1
}

storage_qemu_args() {
	echo "-drive file=$STORAGE_DIR/vda.img,if=none,id=vda,format=raw" \
	     "-device virtio-blk-pci,drive=vda" \
	     "-device pci-bridge,id=bridge1,chassis_nr=1" \
	     "-drive file=$STORAGE_DIR/vdb.img,if=none,id=vdb,format=raw" \
	     "-device virtio-blk-pci,drive=vdb,vectors=0,bus=bridge1,addr=0x3" \
	     "-drive file=$STORAGE_DIR/sda.img,if=ide,index=0,format=raw" \
	     "-drive file=$STORAGE_DIR/sdb.img,if=ide,index=2,format=raw" \
	     "-drive file=$STORAGE_DIR/sdc.img,if=ide,index=3,format=raw"
}

# check <result-name> <image> <tag> <first> <count>
storage_check() {
	if "$DISKPATTERN" check "$STORAGE_DIR/$2.img" "$3" "$4" "$5" 2>>"$STORAGE_DIR/check.log"; then
		echo "PASS $1"
	else
		echo "FAIL $1 (see $STORAGE_DIR/check.log)"
	fi
}

# What the ktests wrote, as seen by the host afterwards (see the ktests named).
storage_check_images() {
	: > "$STORAGE_DIR/check.log"
	storage_check host/virtio_write_reached_the_image       vda W 1000 8    # blk_virtio_write_readback_flush
	storage_check host/virtio_write_left_neighbours_alone   vda A 992 8
	storage_check host/virtio_write_left_neighbours_alone_2 vda A 1008 8
	storage_check host/ata_write_reached_the_image          sda X 500 8     # blk_ata_write_readback_flush
	storage_check host/ata_write_left_neighbours_alone      sda C 492 8
	storage_check host/ata_write_left_neighbours_alone_2    sda C 508 8
	storage_check host/mbr_partition_write_was_shifted      vdb P 2058 4    # blk_partition_write_is_shifted
	storage_check host/gpt_partition_write_was_shifted      sdb Q 4099 4
	storage_check host/bcache_sync_reached_the_image        vda S 6000 4    # bcache_dirty_then_sync
	storage_check host/bcache_bwrite_sync_reached_the_image vda T 6100 2    # bcache_bwrite_sync_is_durable
	storage_check host/bcache_bwrite_ordered_reached_the_image vda O 6120 2 # bcache_bwrite_ordered_waits_without_flush
	storage_check host/lba48_write_reached_the_image        sdc L 268435600 8   # blk_ata_lba48_beyond_128_gib
	storage_check host/lba48_write_did_not_wrap             sdc E 0 64
}
