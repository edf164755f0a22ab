// SPDX-License-Identifier: MIT
// ext2 data kept by a page cache (reserve, write, link), RENAME_EXCHANGE, remount.
// UNIT_SRCS: tests/unit/ext2_host.c kernel/fs/ext2/super.c kernel/fs/ext2/inode.c kernel/fs/ext2/bmap.c kernel/fs/ext2/dir.c kernel/fs/ext2/dirhash.c kernel/fs/ext2/path.c kernel/fs/ext2/file.c kernel/fs/ext2/mount.c kernel/fs/ext2/alloc.c kernel/fs/ext2/map_write.c kernel/fs/ext2/truncate.c kernel/fs/ext2/write.c kernel/fs/ext2/dir_write.c kernel/fs/ext2/namei.c kernel/fs/ext2/rename.c kernel/fs/ext2/data.c
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "ext2_host.h"

static uint64_t
free_blocks(struct ext2_fs *fs)
{
	struct ext2_statfs st;

	ext2_statfs(fs, &st);
	return st.free_blocks;
}

/* Reserve, write and link logical blocks lblk[0..n) of ino with pattern seed + lblk. */
static void
put_blocks(struct eh_disk *d, struct ext2_fs *fs, uint32_t ino, const uint32_t *lblk,
	   unsigned n, uint64_t size)
{
	uint32_t pblk[16], bs = ext2_block_size(fs);
	uint8_t *buf = malloc(bs);

	for (unsigned i = 0; i < n; i++) {
		uint32_t map;

		CHECK_EQ(ext2_data_reserve(fs, ino, lblk[i], 0, &pblk[i]), 0);
		/* Reserved, not linked: the map still shows a hole. */
		CHECK_EQ(ext2_data_map(fs, ino, lblk[i], 1, &map), 0);
		CHECK_EQ(map, 0);
		eh_fill(buf, bs, 1000 + lblk[i]);
		CHECK_EQ(d->io.write(&d->io, pblk[i], buf), 0);
	}
	CHECK_EQ(ext2_data_link(fs, ino, lblk, pblk, n, size), 0);
	for (unsigned i = 0; i < n; i++) {
		uint32_t map;

		CHECK_EQ(ext2_data_map(fs, ino, lblk[i], 1, &map), 0);
		CHECK_EQ(map, pblk[i]);
	}
	free(buf);
}

/* Blocks in direct, single and double indirect territory, linked in one call. */
TEST(reserve_write_link_reaches_double_indirect)
{
	const char *img = eh_path("data-link.img");
	const uint32_t lblk[] = { 0, 1, 11, 12, 13, 267, 268, 269, 600, 70000 };
	const unsigned n = sizeof(lblk) / sizeof(lblk[0]);
	uint64_t size = 70000ull * 1024 + 1024, before;
	struct eh_disk d;
	struct ext2_fs *fs;
	uint8_t got[1024], want[1024];
	uint32_t ino;

	CHECK_EQ(eh_mkfs(img, 1024, 16384, NULL, NULL), 0);
	fs = eh_mount(&d, img, EXT2_MOUNT_EXTDATA);
	CHECK(fs != NULL);
	if (!fs)
		return;
	before = free_blocks(fs);
	CHECK_EQ(eh_create(fs, EXT2_ROOT_INO, "f", 0644, &ino), 0);
	put_blocks(&d, fs, ino, lblk, n, size);
	/* 10 data + ind + dind + 2 below it (268.., 600) + tind + 2 below it. */
	CHECK_EQ(before - free_blocks(fs), 10 + 1 + 3 + 3);
	for (unsigned i = 0; i < n; i++) {
		eh_fill(want, sizeof(want), 1000 + lblk[i]);
		CHECK_EQ(ext2_read(fs, ino, (uint64_t)lblk[i] * 1024, got, sizeof(got)), 1024);
		CHECK(memcmp(got, want, sizeof(got)) == 0);
	}
	CHECK_EQ(ext2_data_link(fs, ino, lblk, lblk, 1, 0), -EIO);   /* already linked */
	CHECK_EQ(eh_umount(&d, fs), 0);
	CHECK(eh_fsck_clean(img));
	CHECK_EQ(eh_stat_field(img, "/f", "Size:"), (long)size);
	CHECK_EQ(eh_stat_field(img, "/f", "Blockcount:"), 17 * 2);
}

/* A reserved block given back leaves nothing behind. */
TEST(unreserve_returns_the_block)
{
	const char *img = eh_path("data-unres.img");
	struct eh_disk d;
	struct ext2_fs *fs;
	uint64_t before;
	uint32_t ino, pblk;

	CHECK_EQ(eh_mkfs(img, 4096, 8192, NULL, NULL), 0);
	fs = eh_mount(&d, img, EXT2_MOUNT_EXTDATA);
	if (!fs)
		return;
	CHECK_EQ(eh_create(fs, EXT2_ROOT_INO, "f", 0644, &ino), 0);
	before = free_blocks(fs);
	CHECK_EQ(ext2_data_reserve(fs, ino, 5, 0, &pblk), 0);
	CHECK_EQ(before - free_blocks(fs), 1);
	CHECK_EQ(ext2_data_unreserve(fs, pblk), 0);
	CHECK_EQ(free_blocks(fs), before);
	CHECK_EQ(ext2_data_update(fs, ino, 5 * 4096 + 1, 1234), 0);
	CHECK_EQ(ext2_data_reserve(fs, EXT2_ROOT_INO, 0, 0, &pblk), -EISDIR);
	CHECK_EQ(eh_umount(&d, fs), 0);
	CHECK(eh_fsck_clean(img));
	CHECK_EQ(eh_stat_field(img, "/f", "Size:"), 5 * 4096 + 1);
}

/* Does debugfs see blk as in use on the image? */
static bool
in_use_on_disk(const char *img, uint32_t blk)
{
	char cmd[64], *out;
	bool used;

	snprintf(cmd, sizeof(cmd), "testb %u", blk);
	out = eh_debugfs(img, cmd);
	used = out && strstr(out, "marked in use");
	free(out);
	return used;
}

/*
 * A reserved data block's bit reaches the disk with the link, before the
 * pointer to it: until then a crash leaves it free and unreferenced, and a
 * file written a page at a time does not write its bitmap once per page.
 */
TEST(reserve_defers_the_bitmap_until_link)
{
	const char *img = eh_path("data-defer.img");
	const uint32_t lblk[] = { 0, 1, 2 };
	uint32_t pblk[3], ino;
	uint8_t buf[4096];
	struct eh_disk d;
	struct ext2_fs *fs;

	CHECK_EQ(eh_mkfs(img, 4096, 8192, NULL, NULL), 0);
	fs = eh_mount(&d, img, EXT2_MOUNT_EXTDATA);
	if (!fs)
		return;
	CHECK_EQ(eh_create(fs, EXT2_ROOT_INO, "f", 0644, &ino), 0);
	for (unsigned i = 0; i < 3; i++) {
		CHECK_EQ(ext2_data_reserve(fs, ino, lblk[i], 0, &pblk[i]), 0);
		eh_fill(buf, sizeof(buf), 7 + i);
		CHECK_EQ(d.io.write(&d.io, pblk[i], buf), 0);
	}
	for (unsigned i = 0; i < 3; i++)
		CHECK(!in_use_on_disk(img, pblk[i]));
	CHECK_EQ(ext2_data_link(fs, ino, lblk, pblk, 3, 3 * 4096), 0);
	for (unsigned i = 0; i < 3; i++)
		CHECK(in_use_on_disk(img, pblk[i]));
	CHECK_EQ(eh_umount(&d, fs), 0);
	CHECK(eh_fsck_clean(img));
	CHECK_EQ(eh_stat_field(img, "/f", "Size:"), 3 * 4096);
}

/* RENAME_EXCHANGE of two files, and of a file and a directory across directories. */
TEST(exchange_swaps_names)
{
	const char *img = eh_path("xchg.img");
	struct eh_disk d;
	struct ext2_fs *fs;
	uint32_t a, b, f, g, sub;

	CHECK_EQ(eh_mkfs(img, 1024, 4096, NULL, NULL), 0);
	fs = eh_mount(&d, img, 0);
	if (!fs)
		return;
	CHECK_EQ(eh_mkdir(fs, EXT2_ROOT_INO, "a", &a), 0);
	CHECK_EQ(eh_mkdir(fs, EXT2_ROOT_INO, "b", &b), 0);
	CHECK_EQ(eh_create(fs, a, "f", 0644, &f), 0);
	CHECK_EQ(eh_create(fs, b, "g", 0644, &g), 0);
	CHECK_EQ(eh_mkdir(fs, b, "sub", &sub), 0);
	CHECK_EQ(ext2_exchange(fs, a, "f", 1, b, "g", 1), 0);
	CHECK_EQ(eh_lookup(fs, "/a/f"), g);
	CHECK_EQ(eh_lookup(fs, "/b/g"), f);
	CHECK_EQ(ext2_exchange(fs, a, "f", 1, b, "sub", 3), 0);
	CHECK_EQ(eh_lookup(fs, "/a/f"), sub);
	CHECK_EQ(eh_lookup(fs, "/b/sub"), g);
	CHECK_EQ(eh_lookup(fs, "/a/f/.."), a);
	CHECK_EQ(ext2_exchange(fs, EXT2_ROOT_INO, "a", 1, a, "f", 1), -EINVAL);   /* a below itself */
	CHECK_EQ(ext2_exchange(fs, a, "nope", 4, b, "g", 1), -ENOENT);
	CHECK_EQ(eh_umount(&d, fs), 0);
	CHECK(eh_fsck_clean(img));
	CHECK_EQ(eh_stat_field(img, "/a", "Links:"), 3);
	CHECK_EQ(eh_stat_field(img, "/b", "Links:"), 2);
}

/* Read-only remount: writes refused, the volume clean on disk; back to read-write. */
TEST(remount_read_only_and_back)
{
	const char *img = eh_path("remount.img");
	struct eh_disk d;
	struct ext2_fs *fs;
	uint32_t ino;

	CHECK_EQ(eh_mkfs(img, 1024, 4096, NULL, NULL), 0);
	fs = eh_mount(&d, img, 0);
	if (!fs)
		return;
	CHECK_EQ(eh_create(fs, EXT2_ROOT_INO, "x", 0644, &ino), 0);
	CHECK_EQ(ext2_remount(fs, EXT2_MOUNT_RDONLY, NULL), 0);
	CHECK(ext2_readonly(fs));
	CHECK(eh_fsck_clean(img));
	CHECK_EQ(eh_create(fs, EXT2_ROOT_INO, "y", 0644, &ino), -EROFS);
	CHECK_EQ(ext2_remount(fs, 0, NULL), 0);
	CHECK(!ext2_readonly(fs));
	CHECK_EQ(eh_create(fs, EXT2_ROOT_INO, "y", 0644, &ino), 0);
	CHECK_EQ(eh_umount(&d, fs), 0);
	CHECK(eh_fsck_clean(img));
	CHECK_EQ(eh_live_allocs, 0);
}
