// SPDX-License-Identifier: MIT
// ext2 file data: writes through every level of the block map, holes, truncate, ENOSPC.
// UNIT_SRCS: tests/unit/ext2_host.c kernel/fs/ext2/super.c kernel/fs/ext2/inode.c kernel/fs/ext2/bmap.c kernel/fs/ext2/dir.c kernel/fs/ext2/dirhash.c kernel/fs/ext2/path.c kernel/fs/ext2/file.c kernel/fs/ext2/mount.c kernel/fs/ext2/alloc.c kernel/fs/ext2/map_write.c kernel/fs/ext2/truncate.c kernel/fs/ext2/write.c kernel/fs/ext2/dir_write.c kernel/fs/ext2/namei.c kernel/fs/ext2/rename.c
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

/* A fresh empty image, mounted read-write. */
static struct ext2_fs *
fresh(struct eh_disk *d, const char *name, unsigned bs, unsigned kb, const char *opts)
{
	const char *img = eh_path(name);

	CHECK_EQ(eh_mkfs(img, bs, kb, NULL, opts), 0);
	return eh_mount(d, img, 0);
}

/* Write len bytes of pattern seed in uneven pieces, read them back whole. */
static void
write_and_verify(struct ext2_fs *fs, uint32_t ino, size_t len, uint32_t seed)
{
	uint8_t *buf = malloc(len), *back = malloc(len);
	size_t off = 0;

	eh_fill(buf, len, seed);
	while (off < len) {
		size_t n = MIN(len - off, 1 + eh_rand() % 9000);

		CHECK_EQ(ext2_write(fs, ino, off, buf + off, n), (long)n);
		off += n;
	}
	CHECK_EQ(ext2_read(fs, ino, 0, back, len), (long)len);
	CHECK(memcmp(buf, back, len) == 0);
	free(buf);
	free(back);
}

/* The file's whole content through debugfs must be the pattern. */
static void
check_dump(const char *img, const char *path, size_t len, uint32_t seed)
{
	size_t got;
	uint8_t *dump = eh_dump(img, path, &got), *want = malloc(len);

	eh_fill(want, len, seed);
	CHECK_EQ(got, len);
	CHECK(dump && got == len && memcmp(dump, want, len) == 0);
	free(dump);
	free(want);
}

/* Data blocks plus the indirect blocks a dense file of n blocks needs. */
static uint64_t
dense_blocks(uint64_t n, uint64_t p)
{
	uint64_t total = n;

	if (n > 12)
		total += 1;
	if (n > 12 + p)
		total += 1 + DIV_ROUND_UP(MIN(n - 12 - p, p * p), p);
	return total;
}

static void
big_file(unsigned bs, size_t len, const char *name)
{
	struct eh_disk d;
	struct ext2_fs *fs = fresh(&d, name, bs, 32768, NULL);
	uint64_t before = free_blocks(fs), used;
	uint32_t ino;

	CHECK_EQ(eh_create(fs, EXT2_ROOT_INO, "big", 0644, &ino), 0);
	write_and_verify(fs, ino, len, 7);
	used = dense_blocks(DIV_ROUND_UP(len, bs), bs / 4);
	CHECK_EQ(before - free_blocks(fs), used);
	CHECK_EQ(eh_umount(&d, fs), 0);
	CHECK(eh_fsck_clean(eh_path(name)));
	CHECK_EQ(eh_stat_field(eh_path(name), "/big", "Size:"), (long)len);
	CHECK_EQ(eh_stat_field(eh_path(name), "/big", "Blockcount:"), (long)(used * bs / 512));
	check_dump(eh_path(name), "/big", len, 7);
	CHECK_EQ(eh_live_allocs, 0);
}

/* Past 12 direct and 256 single-indirect blocks, well into double-indirect. */
TEST(write_through_double_indirect_1k)
{
	big_file(1024, (12 + 256 + 700) * 1024 + 123, "w-1k.img");
}

TEST(write_through_double_indirect_4k)
{
	big_file(4096, (12 + 1024 + 100) * 4096 + 4001, "w-4k.img");
}

/* Data at 0, a hole, data in double- and triple-indirect territory. */
TEST(sparse_file_holes_read_as_zeros)
{
	const char *img = eh_path("sparse.img");
	struct eh_disk d;
	struct ext2_fs *fs = fresh(&d, "sparse.img", 1024, 8192, NULL);
	uint64_t dind = 300 * 1024 + 77, tind = 66000ull * 1024 + 5, before = free_blocks(fs);
	uint8_t buf[5000], back[5100];
	uint32_t ino;

	CHECK_EQ(eh_create(fs, EXT2_ROOT_INO, "sparse", 0600, &ino), 0);
	eh_fill(buf, sizeof(buf), 3);
	CHECK_EQ(ext2_write(fs, ino, 0, buf, 100), 100);
	CHECK_EQ(ext2_write(fs, ino, dind, buf, sizeof(buf)), (long)sizeof(buf));
	/* 5000 bytes at 77 into a block: 5 blocks, + ind? no: dind + 1 ind below it. */
	CHECK_EQ(before - free_blocks(fs), 1 + 5 + 2);
	CHECK_EQ(ext2_read(fs, ino, 100, back, 5000), 5000);
	for (size_t i = 0; i < 5000; i++)
		CHECK_EQ(back[i], 0);
	CHECK_EQ(ext2_read(fs, ino, dind - 10, back, 5010), 5010);
	CHECK(memcmp(back + 10, buf, 5000) == 0);
	CHECK_EQ(ext2_write(fs, ino, tind, buf, 10), 10);
	CHECK_EQ(before - free_blocks(fs), 1 + 5 + 2 + 1 + 3);
	CHECK_EQ(ext2_read(fs, ino, tind - 3, back, 100), 13);
	CHECK(memcmp(back, "\0\0\0", 3) == 0 && memcmp(back + 3, buf, 10) == 0);
	CHECK_EQ(eh_umount(&d, fs), 0);
	CHECK(eh_fsck_clean(img));
	CHECK_EQ(eh_stat_field(img, "/sparse", "Size:"), (long)(tind + 10));
	CHECK_EQ(eh_stat_field(img, "/sparse", "Blockcount:"), 12 * 2);
	fs = eh_mount(&d, img, 0);
	CHECK_EQ(ext2_truncate(fs, ino, 0), 0);
	CHECK_EQ(free_blocks(fs), before);
	CHECK_EQ(eh_umount(&d, fs), 0);
	CHECK(eh_fsck_clean(img));
}

TEST(truncate_shrinks_and_grows)
{
	const char *img = eh_path("trunc.img");
	struct eh_disk d;
	struct ext2_fs *fs = fresh(&d, "trunc.img", 1024, 8192, NULL);
	uint64_t before = free_blocks(fs);
	size_t len = 400 * 1024, cut = 100 * 1024 + 5;
	uint8_t *back = malloc(len), *want = malloc(len);
	uint32_t ino;

	CHECK_EQ(eh_create(fs, EXT2_ROOT_INO, "t", 0644, &ino), 0);
	write_and_verify(fs, ino, len, 11);
	CHECK_EQ(ext2_truncate(fs, ino, cut), 0);
	CHECK_EQ(before - free_blocks(fs), dense_blocks(101, 256));
	CHECK_EQ(ext2_truncate(fs, ino, 350 * 1024), 0);   /* grow: a hole */
	CHECK_EQ(before - free_blocks(fs), dense_blocks(101, 256));
	eh_fill(want, len, 11);
	memset(want + cut, 0, len - cut);
	CHECK_EQ(ext2_read(fs, ino, 0, back, len), 350 * 1024);
	CHECK(memcmp(back, want, 350 * 1024) == 0);
	CHECK_EQ(eh_umount(&d, fs), 0);
	CHECK(eh_fsck_clean(img));
	fs = eh_mount(&d, img, 0);
	CHECK_EQ(ext2_truncate(fs, ino, 12 * 1024), 0);     /* exactly the direct blocks */
	CHECK_EQ(before - free_blocks(fs), 12);
	CHECK_EQ(ext2_truncate(fs, ino, 0), 0);
	CHECK_EQ(free_blocks(fs), before);
	CHECK_EQ(ext2_truncate(fs, EXT2_ROOT_INO, 0), -EISDIR);
	CHECK_EQ(eh_umount(&d, fs), 0);
	CHECK(eh_fsck_clean(img));
	CHECK_EQ(eh_stat_field(img, "/t", "Blockcount:"), 0);
	free(back);
	free(want);
}

TEST(overwrite_in_place_allocates_nothing)
{
	struct eh_disk d;
	struct ext2_fs *fs = fresh(&d, "over.img", 4096, 8192, NULL);
	uint8_t buf[10000];
	uint64_t used;
	uint32_t ino;

	CHECK_EQ(eh_create(fs, EXT2_ROOT_INO, "f", 0644, &ino), 0);
	write_and_verify(fs, ino, 50000, 5);
	used = free_blocks(fs);
	eh_fill(buf, sizeof(buf), 99);
	CHECK_EQ(ext2_write(fs, ino, 1234, buf, sizeof(buf)), (long)sizeof(buf));
	CHECK_EQ(free_blocks(fs), used);
	CHECK_EQ(ext2_read(fs, ino, 1234, buf, sizeof(buf)), (long)sizeof(buf));
	CHECK_EQ(eh_umount(&d, fs), 0);
	CHECK(eh_fsck_clean(eh_path("over.img")));
}

TEST(file_size_limit_is_efbig)
{
	struct eh_disk d;
	struct ext2_fs *fs = fresh(&d, "efbig.img", 1024, 4096, NULL);
	uint64_t last = 12 + 256 + 65536 + 16777216ull - 1;   /* last triple-indirect block */
	uint32_t ino;

	CHECK_EQ(eh_create(fs, EXT2_ROOT_INO, "f", 0644, &ino), 0);
	CHECK_EQ(ext2_write(fs, ino, last * 1024, "x", 1), 1);
	CHECK_EQ(ext2_write(fs, ino, (last + 1) * 1024, "x", 1), -EFBIG);
	CHECK_EQ(ext2_truncate(fs, ino, (last + 2) * 1024), -EFBIG);
	CHECK_EQ(ext2_truncate(fs, ino, 0), 0);
	CHECK_EQ(eh_umount(&d, fs), 0);
	CHECK(eh_fsck_clean(eh_path("efbig.img")));
}

/* Fill a tiny image: short write, then ENOSPC; the volume stays clean. */
TEST(enospc_on_a_full_image)
{
	const char *img = eh_path("full.img");
	struct eh_disk d;
	struct ext2_fs *fs = fresh(&d, "full.img", 1024, 512, "-N 32");
	uint64_t start = free_blocks(fs), off = 0;
	uint8_t *chunk = malloc(64 * 1024), *back = malloc(64 * 1024);
	uint32_t ino, n = 0;
	char name[16];
	long r;
	int err;

	CHECK_EQ(eh_create(fs, EXT2_ROOT_INO, "fill", 0644, &ino), 0);
	eh_fill(chunk, 64 * 1024, 1);
	while ((r = ext2_write(fs, ino, off, chunk, 64 * 1024)) == 64 * 1024)
		off += (uint64_t)r;
	CHECK(r > 0 && r < 64 * 1024);            /* a short write first */
	off += (uint64_t)r;
	CHECK_EQ(ext2_write(fs, ino, off, chunk, 10), -ENOSPC);
	CHECK_EQ(free_blocks(fs), 0);
	CHECK_EQ(ext2_read(fs, ino, 0, back, 64 * 1024), 64 * 1024);
	CHECK(memcmp(back, chunk, 64 * 1024) == 0);
	do {                                        /* inodes run out too */
		snprintf(name, sizeof(name), "e%u", n++);
		err = eh_create(fs, EXT2_ROOT_INO, name, 0644, &ino);
	} while (err == 0);
	CHECK(err == -ENOSPC);
	CHECK_EQ(eh_mkdir(fs, EXT2_ROOT_INO, "d", &ino), -ENOSPC);
	CHECK_EQ(eh_umount(&d, fs), 0);
	CHECK(eh_fsck_clean(img));
	fs = eh_mount(&d, img, 0);
	CHECK_EQ(ext2_unlink(fs, EXT2_ROOT_INO, "fill", 4, NULL), 0);
	CHECK(free_blocks(fs) > start - 4);         /* all but the root's new blocks */
	CHECK_EQ(eh_umount(&d, fs), 0);
	CHECK(eh_fsck_clean(img));
	free(chunk);
	free(back);
}
