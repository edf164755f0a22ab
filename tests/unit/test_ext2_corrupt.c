// SPDX-License-Identifier: MIT
// ext2 on damaged volumes: refused or isolated with -EINVAL/-EIO, never a crash or a hang.
// UNIT_SRCS: tests/unit/ext2_host.c kernel/fs/ext2/super.c kernel/fs/ext2/inode.c kernel/fs/ext2/bmap.c kernel/fs/ext2/dir.c kernel/fs/ext2/dirhash.c kernel/fs/ext2/path.c kernel/fs/ext2/file.c kernel/fs/ext2/mount.c kernel/fs/ext2/alloc.c kernel/fs/ext2/map_write.c kernel/fs/ext2/truncate.c kernel/fs/ext2/write.c kernel/fs/ext2/dir_write.c kernel/fs/ext2/namei.c kernel/fs/ext2/rename.c
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "unit.h"
#include "ext2_host.h"

#define ROOT EXT2_ROOT_INO

static const char *base, *img;

/* A small 1 KiB-block volume with a file using an indirect block, dirs, links. */
static void
setup(void)
{
	static bool done;
	char tree[300];
	uint8_t *buf;

	img = eh_path("corrupt.img");
	if (!done) {
		done = true;
		base = eh_path("corrupt-base.img");
		snprintf(tree, sizeof(tree), "%s/ctree", eh_dir());
		eh_run("rm -rf '%s' && mkdir -p '%s/d/s' '%s/d2'", tree, tree, tree);
		buf = malloc(300 * 1024);
		eh_fill(buf, 300 * 1024, 5);
		snprintf(tree + strlen(tree), 40, "/f");
		eh_write_file(tree, buf, 300 * 1024);
		free(buf);
		tree[strlen(tree) - 2] = 0;
		eh_run("cd '%s' && echo a > d/a && echo b > d/b && echo x > d/s/x && ln -s f fast && "
		       "ln -s d/s/../s/../s/../s/../s/../s/../s/../s/../s/../s/../s/../s/x slow",
		       tree);
		CHECK_EQ(eh_mkfs(base, 1024, 2048, tree, NULL), 0);
	}
	CHECK_EQ(eh_copy(base, img), 0);
}

static void
patch(uint64_t off, const void *bytes, size_t n)
{
	int fd = open(img, O_RDWR);

	if (fd < 0 || pwrite(fd, bytes, n, (off_t)off) != (ssize_t)n)
		abort();
	close(fd);
}

static void
patch32(uint64_t off, uint32_t v)
{
	patch(off, &v, 4);
}

static void
patch16(uint64_t off, uint16_t v)
{
	patch(off, &v, 2);
}

/* Byte offset of an inode in the image, from debugfs's imap. */
static uint64_t
inode_off(const char *what)
{
	char cmd[100], *out, *p;
	uint64_t off = 0;

	snprintf(cmd, sizeof(cmd), "imap %s", what);
	out = eh_debugfs(img, cmd);
	if ((p = strstr(out, "located at block ")))
		off = strtoull(p + 17, &p, 10) * 1024 + strtoull(strstr(p, "0x"), NULL, 16);
	free(out);
	CHECK(off != 0);
	return off;
}

/* Byte offset of logical block lblk of a file, from debugfs's bmap. */
static uint64_t
block_off(const char *path, unsigned lblk)
{
	char cmd[100], *out;
	uint64_t blk;

	snprintf(cmd, sizeof(cmd), "bmap %s %u", path, lblk);
	out = eh_debugfs(img, cmd);
	blk = strtoull(out, NULL, 10);
	free(out);
	CHECK(blk != 0);
	return blk * 1024;
}

static struct ext2_fs *
mount_img(struct eh_disk *d)
{
	struct ext2_fs *fs = eh_mount(d, img, 0);

	CHECK(fs != NULL);
	return fs;
}

static const struct {
	uint32_t off, size, value;
	const char *why;
} bad_super[] = {
	{ 0x38, 2, 0x1234, "magic" },
	{ 0x18, 4, 20, "block size" },
	{ 0x20, 4, 0, "blocks per group" },
	{ 0x20, 4, 0x7FFFFFF8, "blocks per group" },
	{ 0x28, 4, 0, "inodes per group" },
	{ 0x28, 4, 0xFFFFFFF0, "inodes per group" },
	{ 0x58, 2, 100, "inode size" },
	{ 0x58, 2, 8192, "inode size" },
	{ 0x14, 4, 7, "first data block" },
	{ 0x04, 4, 1, "block count" },
	{ 0x04, 4, 0xFFFFFFFF, "inode count" },
	{ 0x00, 4, 5, "inode count" },
	{ 0x54, 4, 3, "first inode" },
	{ 0x4C, 4, 7, "revision" },
	{ 0x60, 4, 0x42, "incompatible" },               /* filetype + extents */
	{ 0x60, 4, 0x06, "incompatible" },               /* journal needs recovery */
	{ 0x0C, 4, 0xFFFFFF00, "free or reserved" },
	{ 0x10, 4, 0xFFFFFF00, "free inode count" },
	{ 0xCE, 2, 0xFFFF, "group descriptor table" },
};

TEST(bad_superblocks_are_refused_with_a_reason)
{
	for (size_t i = 0; i < ARRAY_SIZE(bad_super); i++) {
		struct ext2_fs *fs = NULL;
		const char *msg = NULL;
		struct eh_disk d;

		setup();
		if (bad_super[i].size == 2)
			patch16(1024 + bad_super[i].off, (uint16_t)bad_super[i].value);
		else
			patch32(1024 + bad_super[i].off, bad_super[i].value);
		CHECK_EQ(eh_disk_open(&d, img, true), 0);
		CHECK_EQ(ext2_mount(&fs, &d.io, &eh_env, 0, &msg), -EINVAL);
		CHECK(fs == NULL);
		CHECK(msg && strstr(msg, bad_super[i].why));
		if (!msg || !strstr(msg, bad_super[i].why))
			printf("  case %zu: got \"%s\"\n", i, msg ? msg : "(none)");
		CHECK_EQ(d.writes, 0);
		eh_disk_close(&d);
		CHECK_EQ(eh_live_allocs, 0);
	}
}

TEST(bad_group_descriptors_are_refused)
{
	static const uint32_t fields[][2] = {
		{ 8, 0xFFFFFF }, { 8, 2040 }, { 0, 0 }, { 4, 1 }, { 4, 99999 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		struct ext2_fs *fs;
		const char *msg = NULL;
		struct eh_disk d;

		setup();
		patch32(2 * 1024 + fields[i][0], fields[i][1]);   /* group 0's descriptor */
		CHECK_EQ(eh_disk_open(&d, img, true), 0);
		CHECK_EQ(ext2_mount(&fs, &d.io, &eh_env, 0, &msg), -EINVAL);
		CHECK(msg && strstr(msg, "outside the volume"));
		eh_disk_close(&d);
	}
}

TEST(unknown_ro_compat_feature_mounts_readonly)
{
	struct ext2_fs *fs;
	const char *msg = NULL;
	struct eh_disk d;
	uint32_t ino;
	char buf[8];

	setup();
	patch32(1024 + 0x64, 0x3 | 0x40000000);      /* sparse, large_file, and a stranger */
	CHECK_EQ(eh_disk_open(&d, img, true), 0);
	CHECK_EQ(ext2_mount(&fs, &d.io, &eh_env, 0, &msg), 0);
	CHECK(msg && strstr(msg, "read-only"));
	CHECK(ext2_readonly(fs));
	CHECK_EQ(ext2_lookup_path(fs, "/d/a", &ino), 0);
	CHECK_EQ(ext2_read(fs, ino, 0, buf, 8), 2);
	CHECK_EQ(ext2_write(fs, ino, 0, "b", 1), -EROFS);
	CHECK_EQ(eh_create(fs, ROOT, "n", 0644, &ino), -EROFS);
	CHECK_EQ(ext2_unmount(fs), 0);
	CHECK_EQ(d.writes, 0);
	eh_disk_close(&d);
}

TEST(block_pointers_out_of_range_give_eio)
{
	struct eh_disk d;
	struct ext2_fs *fs;
	uint8_t buf[2048];
	uint32_t f, g;

	setup();
	patch32(inode_off("/f") + 40, 0xFFFFFF);          /* i_block[0] */
	patch32(inode_off("/d/a") + 40 + 12 * 4, 5000);   /* a stray single-indirect pointer */
	fs = mount_img(&d);
	f = eh_lookup(fs, "/f");
	g = eh_lookup(fs, "/d/a");
	CHECK_EQ(ext2_read(fs, f, 0, buf, 100), -EIO);
	CHECK(ext2_error(fs) != NULL);
	CHECK_EQ(ext2_read(fs, f, 13 * 1024, buf, 100), 100);   /* the rest still reads */
	CHECK_EQ(ext2_write(fs, f, 10, "x", 1), -EIO);
	CHECK_EQ(ext2_write(fs, g, 13 * 1024, "x", 1), -EIO);   /* via the stray pointer */
	CHECK_EQ(ext2_truncate(fs, f, 0), -EIO);
	CHECK_EQ(ext2_truncate(fs, f, 0), 0);           /* the bad pointer is gone now */
	CHECK_EQ(ext2_unlink(fs, ROOT, "f", 1, NULL), 0);
	CHECK_EQ(eh_umount(&d, fs), 0);
	CHECK_EQ(eh_live_allocs, 0);
}

TEST(indirect_block_pointing_at_itself)
{
	struct eh_disk d;
	struct ext2_fs *fs;
	uint64_t ind;
	uint32_t f, blk;
	uint8_t buf[1024];

	setup();
	{
		struct ext2_inode in;

		fs = mount_img(&d);
		f = eh_lookup(fs, "/f");
		CHECK_EQ(ext2_inode_read(fs, f, &in), 0);
		blk = in.i_block[EXT2_IND_BLOCK];
		CHECK_EQ(eh_umount(&d, fs), 0);
	}
	ind = (uint64_t)blk * 1024;
	patch32(ind, blk);                                   /* entry 0 -> itself */
	fs = mount_img(&d);
	CHECK_EQ(ext2_read(fs, f, 12 * 1024, buf, 1024), 1024);
	CHECK_EQ(((uint32_t *)buf)[0], blk);                /* reads the block: no harm */
	CHECK_EQ(ext2_truncate(fs, f, 0), -EIO);            /* frees it twice: caught */
	CHECK(ext2_error(fs) && strstr(ext2_error(fs), "free"));
	CHECK_EQ(eh_umount(&d, fs), 0);
}

struct names {
	char name[16][256];
	uint32_t ino[16];
	int n;
};

static int
take(void *arg, const char *name, size_t len, uint32_t ino, unsigned type)
{
	struct names *nm = arg;

	if (nm->n == 16)
		return 1;
	memcpy(nm->name[nm->n], name, len);
	nm->name[nm->n][len] = 0;
	nm->ino[nm->n++] = ino;
	return 0;
}

static const struct {
	uint32_t off, value, size;
} bad_dirent[] = {
	{ 4, 0, 2 },            /* "." rec_len 0: would loop forever */
	{ 4, 2000, 2 },         /* past the block */
	{ 4, 14, 2 },           /* not a multiple of 4 */
	{ 6, 200, 1 },          /* name longer than the record */
	{ 12, 0x7FFFFFFF, 4 },  /* ".." inode number out of range */
	{ 12 + 6, 0, 1 },       /* ".." with an empty name */
};

TEST(bad_directory_entries_give_eio)
{
	for (size_t i = 0; i < ARRAY_SIZE(bad_dirent); i++) {
		struct eh_disk d;
		struct ext2_fs *fs;
		struct names nm = { .n = 0 };
		uint64_t pos = 0, off;
		uint32_t dir, ino;

		setup();
		off = block_off("/d", 0) + bad_dirent[i].off;
		if (bad_dirent[i].size == 1)
			patch(off, &bad_dirent[i].value, 1);
		else if (bad_dirent[i].size == 2)
			patch16(off, (uint16_t)bad_dirent[i].value);
		else
			patch32(off, bad_dirent[i].value);
		fs = mount_img(&d);
		dir = eh_lookup(fs, "/d");
		CHECK(dir != 0);
		CHECK_EQ(ext2_lookup(fs, dir, "a", 1, &ino), -EIO);
		CHECK_EQ(ext2_lookup_path(fs, "/d/s/x", &ino), -EIO);
		CHECK_EQ(ext2_readdir(fs, dir, &pos, take, &nm), -EIO);
		CHECK_EQ(nm.n, 0);
		CHECK_EQ(eh_create(fs, dir, "new", 0644, &ino), -EIO);
		CHECK_EQ(ext2_unlink(fs, dir, "a", 1, NULL), -EIO);
		CHECK_EQ(ext2_rmdir(fs, ROOT, "d", 1, NULL), -EIO);
		CHECK_EQ(ext2_rename(fs, ROOT, "f", 1, dir, "f", 1, NULL), -EIO);
		CHECK_EQ(eh_umount(&d, fs), 0);
		CHECK_EQ(eh_live_allocs, 0);
	}
}

/* Re-point the entry name in directory dir (a path) at inode ino. */
static void
retarget(const char *dir, const char *name, uint32_t ino)
{
	uint64_t off = block_off(dir, 0);
	uint8_t blk[1024];
	int fd = open(img, O_RDWR);

	if (pread(fd, blk, 1024, (off_t)off) != 1024)
		abort();
	for (uint32_t o = 0; o < 1024;) {
		struct ext2_dirent *de = (struct ext2_dirent *)(blk + o);

		if (de->name_len == strlen(name) && !memcmp(de->name, name, de->name_len))
			de->inode = ino;
		if (de->rec_len < 8)
			break;
		o += de->rec_len;
	}
	if (pwrite(fd, blk, 1024, (off_t)off) != 1024)
		abort();
	close(fd);
}

TEST(directory_loops_terminate)
{
	struct eh_disk d;
	struct ext2_fs *fs;
	uint32_t dd, s, d2, x, ino;

	setup();
	fs = mount_img(&d);
	dd = eh_lookup(fs, "/d");
	s = eh_lookup(fs, "/d/s");
	d2 = eh_lookup(fs, "/d2");
	x = eh_lookup(fs, "/d/s/x");
	CHECK_EQ(eh_umount(&d, fs), 0);
	retarget("/d/s", "..", d2);     /* s/.. -> d2 */
	retarget("/d2", "..", s);       /* d2/.. -> s: a two-directory cycle */
	retarget("/d", "s", dd);        /* d/s is d itself */
	fs = mount_img(&d);
	CHECK_EQ(eh_lookup(fs, "/d/s/s/s/s/a"), eh_lookup(fs, "/d/a"));
	CHECK_EQ(ext2_rmdir(fs, dd, "s", 1, NULL), -EIO);
	CHECK_EQ(ext2_rename(fs, dd, "s", 1, ROOT, "s", 1, NULL), -EIO);
	CHECK_EQ(ext2_rename(fs, ROOT, "d", 1, d2, "d", 1, NULL), -EIO);   /* walks the cycle */
	CHECK(ext2_error(fs) && strstr(ext2_error(fs), "loop"));
	CHECK_EQ(ext2_lookup(fs, s, "x", 1, &ino), 0);
	CHECK_EQ(ino, x);
	CHECK_EQ(eh_lookup(fs, "/d2/../../../x"), x);        /* ".." is just a name */
	CHECK_EQ(eh_umount(&d, fs), 0);
}

TEST(inode_numbers_out_of_range)
{
	struct eh_disk d;
	struct ext2_fs *fs;
	struct ext2_inode in;
	struct ext2_stat st;
	struct ext2_statfs sf;

	setup();
	fs = mount_img(&d);
	ext2_statfs(fs, &sf);
	CHECK_EQ(ext2_inode_read(fs, 0, &in), -EIO);
	CHECK_EQ(ext2_inode_read(fs, (uint32_t)sf.inodes + 1, &in), -EIO);
	CHECK_EQ(ext2_getattr(fs, 0xFFFFFFFF, &st), -EIO);
	CHECK_EQ(ext2_inode_read(fs, (uint32_t)sf.inodes, &in), 0);
	CHECK_EQ(ext2_inode_free(fs, 1), -EINVAL);          /* reserved */
	CHECK_EQ(eh_umount(&d, fs), 0);
}

TEST(symlinks_with_bad_lengths)
{
	struct eh_disk d;
	struct ext2_fs *fs;
	uint32_t ino;
	char buf[100];

	setup();
	patch32(inode_off("/fast") + 4, 100);     /* fast link claims 100 bytes */
	patch32(inode_off("/slow") + 4, 5000);    /* slow link claims more than a block */
	fs = mount_img(&d);
	CHECK_EQ(ext2_lookup(fs, ROOT, "fast", 4, &ino), 0);
	CHECK_EQ(ext2_readlink(fs, ino, buf, sizeof(buf)), -EIO);
	CHECK_EQ(ext2_lookup_path(fs, "/fast", &ino), -EIO);
	CHECK_EQ(ext2_lookup(fs, ROOT, "slow", 4, &ino), 0);
	CHECK_EQ(ext2_readlink(fs, ino, buf, sizeof(buf)), -EIO);
	CHECK_EQ(eh_umount(&d, fs), 0);
}

/* Walk everything reachable, bounded; whatever it returns, it must return. */
static void
walk(struct ext2_fs *fs, uint32_t dir, int depth, int *budget)
{
	static uint8_t buf[64 * 1024];
	struct names nm = { .n = 0 };
	uint64_t pos = 0;
	struct ext2_stat st;

	if (depth > 6 || --*budget < 0)
		return;
	ext2_readdir(fs, dir, &pos, take, &nm);
	for (int i = 0; i < nm.n; i++) {
		uint32_t ino;

		if (!strcmp(nm.name[i], ".") || !strcmp(nm.name[i], "..") ||
		    ext2_getattr(fs, nm.ino[i], &st))
			continue;
		ext2_lookup(fs, dir, nm.name[i], strlen(nm.name[i]), &ino);
		if (EXT2_S_ISDIR(st.mode))
			walk(fs, nm.ino[i], depth + 1, budget);
		else if (EXT2_S_ISREG(st.mode))
			ext2_read(fs, nm.ino[i], eh_rand() % 4096, buf, sizeof(buf));
		else if (EXT2_S_ISLNK(st.mode))
			ext2_readlink(fs, nm.ino[i], (char *)buf, 300);
	}
}

/* Change whatever is reachable; errors are fine, crashes and hangs are not. */
static void
meddle(struct ext2_fs *fs)
{
	static uint8_t data[40000];
	uint32_t ino;

	eh_create(fs, ROOT, "new", 0644, &ino);
	ext2_write(fs, eh_lookup(fs, "/f"), eh_rand() % 400000, data, eh_rand() % sizeof(data));
	ext2_truncate(fs, eh_lookup(fs, "/f"), eh_rand() % 300000);
	ext2_unlink(fs, eh_lookup(fs, "/d"), "a", 1, NULL);
	ext2_rename(fs, ROOT, "d2", 2, eh_lookup(fs, "/d"), "moved", 5, NULL);
	ext2_rmdir(fs, eh_lookup(fs, "/d"), "s", 1, NULL);
	eh_mkdir(fs, eh_lookup(fs, "/d"), "newdir", &ino);
	ext2_symlink(fs, ROOT, "sl", 2, "target", 6, &(struct ext2_new){ .mode = 0777 }, &ino);
	ext2_unlink(fs, ROOT, "f", 1, NULL);
}

/* The metadata worth damaging: [start, start + len) byte ranges. */
static struct { uint64_t start, len; } regions[12];
static int nregions;

static void
add_region(uint64_t start, uint64_t len)
{
	regions[nregions].start = start;
	regions[nregions++].len = len;
}

static void
find_regions(void)
{
	char *stats = eh_debugfs(img, "stats"), *p;
	struct ext2_inode in;
	struct eh_disk d;
	struct ext2_fs *fs;

	nregions = 0;
	add_region(1024, 256);                          /* superblock (the used part) */
	add_region(2048, 32);                           /* group 0's descriptor */
	if ((p = strstr(stats, "block bitmap at ")))
		add_region(strtoull(p + 16, NULL, 10) * 1024, 64);
	if ((p = strstr(stats, "inode bitmap at ")))
		add_region(strtoull(p + 16, NULL, 10) * 1024, 8);
	free(stats);
	add_region(inode_off("<2>"), 20 * 256);         /* root .. the last used inode */
	add_region(block_off("/", 0), 1024);
	add_region(block_off("/d", 0), 1024);
	add_region(block_off("/d/s", 0), 1024);
	add_region(block_off("/d2", 0), 1024);
	fs = mount_img(&d);
	CHECK_EQ(ext2_inode_read(fs, eh_lookup(fs, "/f"), &in), 0);
	add_region((uint64_t)in.i_block[EXT2_IND_BLOCK] * 1024, 1024);
	CHECK_EQ(eh_umount(&d, fs), 0);
}

/* One random change: a byte, a 32-bit word, or a plausible block number. */
static void
damage(void)
{
	int r = (int)(eh_rand() % (unsigned)nregions);
	uint64_t off = regions[r].start + eh_rand() % regions[r].len;
	uint32_t word = eh_rand();

	switch (eh_rand() % 4) {
	case 0:
	case 1:
		patch(off, &word, 1);
		break;
	case 2:
		patch32(off & ~3ull, word);
		break;
	default:
		patch32(off & ~3ull, word % 2100);
		break;
	}
}

/* Random damage to the metadata: mount, walk, change things, unmount. */
TEST(random_damage_never_crashes)
{
	int mounted = 0;

	setup();
	find_regions();
	for (int iter = 0; iter < 200; iter++) {
		struct ext2_fs *fs = NULL;
		struct eh_disk d;
		const char *msg;
		int budget = 200;

		setup();
		eh_srand(1000 + (uint32_t)iter);
		for (int k = 0; k < 1 + iter % 4; k++)
			damage();
		CHECK_EQ(eh_disk_open(&d, img, true), 0);
		if (ext2_mount(&fs, &d.io, &eh_env, 0, &msg) == 0) {
			mounted++;
			walk(fs, ROOT, 0, &budget);
			meddle(fs);
			ext2_unmount(fs);
		}
		eh_disk_close(&d);
		CHECK_EQ(eh_live_allocs, 0);
	}
	CHECK(mounted > 100);
}
