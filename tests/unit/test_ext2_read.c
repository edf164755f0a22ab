// SPDX-License-Identifier: MIT
// ext2 read path: images made by mke2fs -d, read back against the host files.
// UNIT_SRCS: tests/unit/ext2_host.c kernel/fs/ext2/super.c kernel/fs/ext2/inode.c kernel/fs/ext2/bmap.c kernel/fs/ext2/dir.c kernel/fs/ext2/dirhash.c kernel/fs/ext2/path.c kernel/fs/ext2/file.c kernel/fs/ext2/mount.c kernel/fs/ext2/alloc.c kernel/fs/ext2/map_write.c kernel/fs/ext2/truncate.c kernel/fs/ext2/write.c kernel/fs/ext2/dir_write.c kernel/fs/ext2/namei.c kernel/fs/ext2/rename.c
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "ext2_host.h"

#define NMANY 200

/* Host files put into the images with mke2fs -d. */
static const struct {
	const char *path;
	size_t size;
} files[] = {
	{ "hello.txt", 13 },
	{ "empty", 0 },
	{ "big.bin", 300 * 1024 + 17 },         /* past the direct blocks at 1 KiB */
	{ "huge.bin", 5 * 1024 * 1024 + 333 },  /* into double-indirect at 4 KiB */
	{ "sub/nested/deeper/file.txt", 4097 },
};

static char tree[256];

/* Build the host tree once: files, symlinks, a directory of many names. */
static void
make_tree(void)
{
	static bool done;
	char path[512];

	if (done)
		return;
	done = true;
	snprintf(tree, sizeof(tree), "%s/tree", eh_dir());
	eh_run("rm -rf '%s' && mkdir -p '%s/sub/nested/deeper' '%s/many'", tree, tree, tree);
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		uint8_t *buf = malloc(files[i].size + 1);

		eh_fill(buf, files[i].size, (uint32_t)i + 1);
		if (i == 0)
			memcpy(buf, "Hello, Keel!\n", 13);
		snprintf(path, sizeof(path), "%s/%s", tree, files[i].path);
		eh_write_file(path, buf, files[i].size);
		free(buf);
	}
	for (int i = 0; i < NMANY; i++) {
		snprintf(path, sizeof(path), "%s/many/entry-%03d", tree, i);
		eh_write_file(path, path, strlen(path));
	}
	eh_run("cd '%s' && ln -s hello.txt fast-link && ln -s /sub/nested deep-link && "
	       "ln -s sub/nested/deeper/../deeper/./../../nested/deeper/././../../../"
	       "sub/nested/deeper/../../../sub/nested/deeper/file.txt slow-link && "
	       "ln -s loop-b loop-a && ln -s loop-a loop-b && ln -s nowhere dangling", tree);
}

static const char *
image(unsigned bs)
{
	static bool made[2];
	const char *img = eh_path(bs == 1024 ? "read-1k.img" : "read-4k.img");

	make_tree();
	if (!made[bs == 4096]) {
		CHECK_EQ(eh_mkfs(img, bs, 16384, tree, NULL), 0);
		made[bs == 4096] = true;
	}
	return img;
}

static void
check_files(unsigned bs)
{
	struct eh_disk d;
	struct ext2_fs *fs = eh_mount(&d, image(bs), EXT2_MOUNT_RDONLY);
	char path[512];

	CHECK(fs != NULL);
	if (!fs)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		size_t hlen;
		uint8_t *host, *mine = malloc(files[i].size + 100);
		uint32_t ino;

		snprintf(path, sizeof(path), "%s/%s", tree, files[i].path);
		host = eh_read_file(path, &hlen);
		snprintf(path, sizeof(path), "/%s", files[i].path);
		CHECK_EQ(ext2_lookup_path(fs, path, &ino), 0);
		CHECK_EQ(ext2_read(fs, ino, 0, mine, files[i].size + 100), (long)hlen);
		CHECK(memcmp(mine, host, hlen) == 0);
		/* Odd pieces at odd offsets. */
		for (int k = 0; k < 40 && hlen; k++) {
			size_t off = eh_rand() % hlen, n = eh_rand() % 5000;
			long want = (long)MIN(n, hlen - off);

			CHECK_EQ(ext2_read(fs, ino, off, mine, n), want);
			CHECK(memcmp(mine, host + off, (size_t)want) == 0);
		}
		CHECK_EQ(ext2_read(fs, ino, hlen + 5, mine, 10), 0);
		free(host);
		free(mine);
	}
	CHECK_EQ(eh_umount(&d, fs), 0);
	CHECK_EQ(eh_live_allocs, 0);
}

TEST(mke2fs_files_read_back_1k)
{
	check_files(1024);
}

TEST(mke2fs_files_read_back_4k)
{
	check_files(4096);
}

struct listing {
	int count, dots, regs;
	bool seen[NMANY];
	int stop_after;         /* stop the batch after this many (0: never) */
	int batch;
};

static int
collect(void *arg, const char *name, size_t len, uint32_t ino, unsigned type)
{
	struct listing *l = arg;
	int n;

	if (l->stop_after && l->batch == l->stop_after)
		return 1;
	l->batch++;
	l->count++;
	if ((len == 1 && name[0] == '.') || (len == 2 && !memcmp(name, "..", 2))) {
		l->dots++;
		CHECK_EQ(type, EXT2_DT_DIR);
	} else if (len == 9 && sscanf(name, "entry-%3d", &n) == 1 && n >= 0 && n < NMANY) {
		CHECK(!l->seen[n]);
		l->seen[n] = true;
		l->regs += type == EXT2_DT_REG;
	}
	CHECK(ino != 0);
	return 0;
}

static void
check_listing(struct ext2_fs *fs, uint32_t dir, int batch)
{
	struct listing l = { .stop_after = batch };
	uint64_t pos = 0, last = ~0ull;

	while (pos != last) {
		last = pos;
		l.batch = 0;
		CHECK_EQ(ext2_readdir(fs, dir, &pos, collect, &l), 0);
	}
	CHECK_EQ(l.count, NMANY + 2);
	CHECK_EQ(l.dots, 2);
	CHECK_EQ(l.regs, NMANY);
	for (int i = 0; i < NMANY; i++)
		CHECK(l.seen[i]);
}

TEST(readdir_lists_every_name_in_batches)
{
	struct eh_disk d;
	struct ext2_fs *fs = eh_mount(&d, image(1024), EXT2_MOUNT_RDONLY);
	uint32_t dir = eh_lookup(fs, "/many");

	CHECK(dir != 0);
	check_listing(fs, dir, 0);
	check_listing(fs, dir, 7);
	check_listing(fs, dir, 1);
	CHECK_EQ(eh_umount(&d, fs), 0);
}

TEST(symlinks_fast_slow_loops_and_dangling)
{
	struct eh_disk d;
	struct ext2_fs *fs = eh_mount(&d, image(4096), EXT2_MOUNT_RDONLY);
	char buf[512];
	struct ext2_inode in;
	uint32_t ino, file = eh_lookup(fs, "/sub/nested/deeper/file.txt");
	long n;

	CHECK(file != 0);
	CHECK_EQ(ext2_lookup(fs, EXT2_ROOT_INO, "fast-link", 9, &ino), 0);
	CHECK_EQ(ext2_inode_read(fs, ino, &in), 0);
	CHECK_EQ(in.i_blocks, 0);                     /* fast: text in i_block */
	n = ext2_readlink(fs, ino, buf, sizeof(buf));
	CHECK_EQ(n, 9);
	CHECK(memcmp(buf, "hello.txt", 9) == 0);
	CHECK_EQ(ext2_lookup(fs, EXT2_ROOT_INO, "slow-link", 9, &ino), 0);
	CHECK_EQ(ext2_inode_read(fs, ino, &in), 0);
	CHECK(in.i_blocks != 0);                      /* slow: text in a block */
	n = ext2_readlink(fs, ino, buf, sizeof(buf));
	CHECK(n > EXT2_FAST_SYMLINK_MAX);
	CHECK_EQ(eh_lookup(fs, "/slow-link"), file);
	CHECK_EQ(eh_lookup(fs, "/deep-link/deeper/file.txt"), file);
	CHECK_EQ(eh_lookup(fs, "//deep-link/../nested/./deeper//file.txt"), file);
	CHECK_EQ(eh_lookup(fs, "/fast-link"), eh_lookup(fs, "/hello.txt"));
	CHECK_EQ(ext2_lookup_path(fs, "/loop-a", &ino), -ELOOP);
	CHECK_EQ(ext2_lookup_path(fs, "/dangling", &ino), -ENOENT);
	CHECK_EQ(ext2_lookup_path(fs, "/hello.txt/x", &ino), -ENOTDIR);
	CHECK_EQ(ext2_readlink(fs, file, buf, sizeof(buf)), -EINVAL);
	CHECK_EQ(eh_umount(&d, fs), 0);
}

TEST(getattr_and_statfs_match_debugfs)
{
	const char *img = image(1024);
	struct eh_disk d;
	struct ext2_fs *fs = eh_mount(&d, img, EXT2_MOUNT_RDONLY);
	struct ext2_stat st;
	struct ext2_statfs sf;
	char *stats = eh_debugfs(img, "stats");
	uint32_t ino = eh_lookup(fs, "/big.bin");

	CHECK_EQ(ext2_getattr(fs, ino, &st), 0);
	CHECK_EQ(st.size, eh_stat_field(img, "/big.bin", "Size:"));
	CHECK_EQ(st.blocks, eh_stat_field(img, "/big.bin", "Blockcount:"));
	CHECK_EQ(st.nlink, eh_stat_field(img, "/big.bin", "Links:"));
	CHECK_EQ(st.uid, eh_stat_field(img, "/big.bin", "User:"));
	CHECK_EQ(st.mode & 07777, eh_stat_field(img, "/big.bin", "Mode:"));
	CHECK_EQ(ext2_getattr(fs, EXT2_ROOT_INO, &st), 0);
	CHECK_EQ(st.nlink, eh_stat_field(img, "/", "Links:"));
	ext2_statfs(fs, &sf);
	CHECK_EQ(sf.block_size, 1024);
	CHECK_EQ(sf.free_blocks, strtol(strstr(stats, "Free blocks:") + 12, NULL, 10));
	CHECK_EQ(sf.free_inodes, strtol(strstr(stats, "Free inodes:") + 12, NULL, 10));
	CHECK_EQ(sf.blocks, strtol(strstr(stats, "Block count:") + 12, NULL, 10));
	free(stats);
	CHECK_EQ(eh_umount(&d, fs), 0);
}

/* e2fsck -D indexes directories; Keel still finds every name linearly. */
TEST(htree_directory_reads_linearly)
{
	const char *img = eh_path("htree.img");
	struct eh_disk d;
	struct ext2_fs *fs;
	char name[32];
	uint32_t dir, ino;
	long flags;

	CHECK_EQ(eh_copy(image(1024), img), 0);
	eh_run("e2fsck -fyD '%s' >/dev/null 2>&1", img);
	flags = eh_stat_field(img, "/many", "Flags:");
	CHECK(flags > 0 && (flags & EXT2_INDEX_FL));
	fs = eh_mount(&d, img, EXT2_MOUNT_RDONLY);
	dir = eh_lookup(fs, "/many");
	for (int i = 0; i < NMANY; i++) {
		snprintf(name, sizeof(name), "entry-%03d", i);
		CHECK_EQ(ext2_lookup(fs, dir, name, strlen(name), &ino), 0);
	}
	check_listing(fs, dir, 0);
	CHECK_EQ(eh_umount(&d, fs), 0);
}

/* The boot loader's view: load, find, read, release with a stack allocator. */
TEST(read_path_uses_memory_as_a_stack)
{
	struct eh_disk d;
	struct ext2_fs *fs;
	const char *msg;
	static uint8_t buf[6 << 20];
	uint32_t ino;

	CHECK_EQ(eh_disk_open(&d, image(4096), false), 0);
	eh_stack_errors = 0;
	CHECK_EQ(ext2_load(&fs, &d.io, &eh_stack_env, &msg), 0);
	CHECK(ext2_readonly(fs));
	CHECK_EQ(ext2_lookup_path(fs, "/slow-link", &ino), 0);
	CHECK_EQ(ext2_lookup_path(fs, "/huge.bin", &ino), 0);
	CHECK_EQ(ext2_read(fs, ino, 0, buf, sizeof(buf)), (long)files[3].size);
	CHECK_EQ(ext2_write(fs, ino, 0, buf, 1), -EROFS);
	ext2_release(fs);
	CHECK_EQ(eh_stack_errors, 0);
	CHECK(eh_stack_peak < 64 * 1024);
	eh_disk_close(&d);
}

TEST(readonly_mount_refuses_every_change)
{
	struct eh_disk d;
	struct ext2_fs *fs = eh_mount(&d, image(1024), EXT2_MOUNT_RDONLY);
	struct ext2_new nw = { .mode = 0644 };
	struct ext2_setattr sa = { .mask = EXT2_SET_MODE, .mode = 0600 };
	uint32_t ino, hello = eh_lookup(fs, "/hello.txt");
	struct ext2_inode in;

	CHECK(ext2_readonly(fs));
	CHECK_EQ(ext2_write(fs, hello, 0, "x", 1), -EROFS);
	CHECK_EQ(ext2_truncate(fs, hello, 0), -EROFS);
	CHECK_EQ(ext2_create(fs, EXT2_ROOT_INO, "new", 3, &nw, &ino), -EROFS);
	CHECK_EQ(ext2_mkdir(fs, EXT2_ROOT_INO, "newd", 4, &nw, &ino), -EROFS);
	CHECK_EQ(ext2_symlink(fs, EXT2_ROOT_INO, "l", 1, "t", 1, &nw, &ino), -EROFS);
	CHECK_EQ(ext2_link(fs, hello, EXT2_ROOT_INO, "h2", 2), -EROFS);
	CHECK_EQ(ext2_unlink(fs, EXT2_ROOT_INO, "hello.txt", 9, NULL), -EROFS);
	CHECK_EQ(ext2_rmdir(fs, EXT2_ROOT_INO, "many", 4, NULL), -EROFS);
	CHECK_EQ(ext2_rename(fs, EXT2_ROOT_INO, "empty", 5, EXT2_ROOT_INO, "e", 1, NULL), -EROFS);
	CHECK_EQ(ext2_setattr(fs, hello, &sa), -EROFS);
	CHECK_EQ(ext2_inode_read(fs, hello, &in), 0);
	CHECK_EQ(ext2_inode_write(fs, hello, &in), -EROFS);
	CHECK_EQ(ext2_inode_free(fs, hello), -EROFS);
	CHECK_EQ(eh_umount(&d, fs), 0);
	CHECK_EQ(d.writes, 0);
}

TEST(mount_counts_and_marks_the_superblock)
{
	const char *img = eh_path("mount.img");
	struct ext2_super sb;
	struct eh_disk d;
	struct ext2_fs *fs;
	size_t len;
	uint8_t *raw;

	CHECK_EQ(eh_copy(image(4096), img), 0);
	fs = eh_mount(&d, img, 0);
	CHECK(!ext2_readonly(fs));
	raw = eh_read_file(img, &len);
	memcpy(&sb, raw + 1024, sizeof(sb));
	free(raw);
	CHECK_EQ(sb.s_mnt_count, 1);
	CHECK_EQ(sb.s_mtime, EH_NOW);
	CHECK_EQ(sb.s_state & EXT2_VALID_FS, 0);      /* in use: not clean */
	CHECK_EQ(eh_umount(&d, fs), 0);
	raw = eh_read_file(img, &len);
	memcpy(&sb, raw + 1024, sizeof(sb));
	free(raw);
	CHECK_EQ(sb.s_state, EXT2_VALID_FS);
	CHECK_EQ(sb.s_wtime, EH_NOW);
	CHECK_EQ(eh_stat_field(img, "/", "Links:"), 5);   /* ., .., lost+found, sub, many */
	CHECK(eh_fsck_clean(img));
	CHECK_EQ(eh_live_allocs, 0);
}
