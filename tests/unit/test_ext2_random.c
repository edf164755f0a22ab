// SPDX-License-Identifier: MIT
// ext2 against a model: thousands of random creates, writes, truncates, reads, renames and
// unlinks, checked against in-memory copies, then by e2fsck and debugfs.
// UNIT_SRCS: tests/unit/ext2_host.c kernel/fs/ext2/super.c kernel/fs/ext2/inode.c kernel/fs/ext2/bmap.c kernel/fs/ext2/dir.c kernel/fs/ext2/dirhash.c kernel/fs/ext2/path.c kernel/fs/ext2/file.c kernel/fs/ext2/mount.c kernel/fs/ext2/alloc.c kernel/fs/ext2/map_write.c kernel/fs/ext2/truncate.c kernel/fs/ext2/write.c kernel/fs/ext2/dir_write.c kernel/fs/ext2/namei.c kernel/fs/ext2/rename.c
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "ext2_host.h"

#define NFILES 16        /* f00..f07 in /, f08..f15 in /sub */

struct mfile {
	bool exists;
	uint32_t ino;
	uint8_t *data;
	size_t size;
};

struct model {
	struct ext2_fs *fs;
	uint32_t sub;
	size_t max_off, max_len;
	struct mfile f[NFILES];
	uint8_t *buf;
	int ops[8];
};

static uint32_t
dir_of(struct model *m, int i)
{
	return i < NFILES / 2 ? EXT2_ROOT_INO : m->sub;
}

static void
name_of(int i, char name[8])
{
	snprintf(name, 8, "f%02d", i);
}

static void
resize(struct mfile *f, size_t size)
{
	f->data = realloc(f->data, size ? size : 1);
	if (size > f->size)
		memset(f->data + f->size, 0, size - f->size);
	f->size = size;
}

static void
do_create(struct model *m, int i)
{
	char name[8];
	int err;

	name_of(i, name);
	err = eh_create(m->fs, dir_of(m, i), name, 0644, &m->f[i].ino);
	CHECK_EQ(err, m->f[i].exists ? -EEXIST : 0);
	if (!m->f[i].exists) {
		m->f[i].exists = true;
		resize(&m->f[i], 0);
	}
}

static void
do_write(struct model *m, int i)
{
	struct mfile *f = &m->f[i];
	size_t off = eh_rand() % m->max_off, len = 1 + eh_rand() % m->max_len;

	if (eh_rand() % 4 == 0)
		off = f->size;                  /* append */
	eh_fill(m->buf, len, eh_rand());
	CHECK_EQ(ext2_write(m->fs, f->ino, off, m->buf, len), (long)len);
	if (off + len > f->size)
		resize(f, off + len);
	memcpy(f->data + off, m->buf, len);
}

static void
do_truncate(struct model *m, int i)
{
	size_t size = eh_rand() % (m->max_off + m->max_len);

	if (eh_rand() % 3 == 0)
		size = m->f[i].size / 2;
	CHECK_EQ(ext2_truncate(m->fs, m->f[i].ino, size), 0);
	resize(&m->f[i], size);
}

static void
do_read(struct model *m, int i)
{
	struct mfile *f = &m->f[i];
	size_t off = eh_rand() % (f->size + 100), len = eh_rand() % (2 * m->max_len);
	long want = off >= f->size ? 0 : (long)MIN(len, f->size - off);
	long got = ext2_read(m->fs, f->ino, off, m->buf, len);

	CHECK_EQ(got, want);
	if (got == want && want > 0 && memcmp(m->buf, f->data + off, (size_t)want) != 0) {
		printf("  file %d differs in [%zu, +%ld)\n", i, off, want);
		CHECK(!"read matches the model");
	}
}

static void
do_unlink(struct model *m, int i)
{
	char name[8];

	name_of(i, name);
	CHECK_EQ(ext2_unlink(m->fs, dir_of(m, i), name, 3, NULL), 0);
	m->f[i].exists = false;
}

/* Move file i to slot j (replacing whatever is there). */
static void
do_rename(struct model *m, int i, int j)
{
	char from[8], to[8];
	struct mfile tmp;

	name_of(i, from);
	name_of(j, to);
	CHECK_EQ(ext2_rename(m->fs, dir_of(m, i), from, 3, dir_of(m, j), to, 3, NULL), 0);
	if (i == j)
		return;
	tmp = m->f[j];
	m->f[j] = m->f[i];
	m->f[i] = tmp;
	m->f[i].exists = false;
}

static void
one_op(struct model *m)
{
	int i = (int)(eh_rand() % NFILES), op = (int)(eh_rand() % 100);

	if (!m->f[i].exists) {
		do_create(m, i);
		m->ops[0]++;
	} else if (op < 40) {
		do_write(m, i);
		m->ops[1]++;
	} else if (op < 50) {
		do_truncate(m, i);
		m->ops[2]++;
	} else if (op < 85) {
		do_read(m, i);
		m->ops[3]++;
	} else if (op < 93) {
		do_unlink(m, i);
		m->ops[4]++;
	} else if (op < 97) {
		do_rename(m, i, (int)(eh_rand() % NFILES));
		m->ops[5]++;
	} else {
		do_create(m, i);                /* EEXIST */
		m->ops[6]++;
	}
}

/* Every file through debugfs: one debugfs run dumps them all. */
static void
check_with_debugfs(struct model *m, const char *img)
{
	const char *cmds = eh_path("random.cmds");
	FILE *f = fopen(cmds, "w");
	char path[64], out[300];

	for (int i = 0; i < NFILES; i++) {
		name_of(i, path);
		if (m->f[i].exists)
			fprintf(f, "dump %s%s %s/rnd-%d\n", i < NFILES / 2 ? "/" : "/sub/", path,
				eh_dir(), i);
	}
	fclose(f);
	eh_run("rm -f %s/rnd-* && debugfs -f '%s' '%s' >/dev/null 2>&1", eh_dir(), cmds, img);
	for (int i = 0; i < NFILES; i++) {
		size_t len;
		uint8_t *got;

		if (!m->f[i].exists)
			continue;
		snprintf(out, sizeof(out), "%s/rnd-%d", eh_dir(), i);
		got = eh_read_file(out, &len);
		CHECK_EQ(len, m->f[i].size);
		CHECK(got && len == m->f[i].size && memcmp(got, m->f[i].data, len) == 0);
		free(got);
	}
}

static void
run_model(const char *name, unsigned bs, unsigned kb, int nops, size_t max_off, size_t max_len)
{
	const char *img = eh_path(name);
	struct model m = { .max_off = max_off, .max_len = max_len };
	struct ext2_statfs start, end;
	struct eh_disk d;

	CHECK_EQ(eh_mkfs(img, bs, kb, NULL, NULL), 0);
	m.fs = eh_mount(&d, img, 0);
	m.buf = malloc(2 * max_len);
	CHECK_EQ(eh_mkdir(m.fs, EXT2_ROOT_INO, "sub", &m.sub), 0);
	ext2_statfs(m.fs, &start);
	eh_srand(bs);
	for (int n = 0; n < nops; n++)
		one_op(&m);
	for (int i = 0; i < NFILES; i++)
		if (m.f[i].exists)
			do_read(&m, i);
	CHECK_EQ(eh_umount(&d, m.fs), 0);
	CHECK(eh_fsck_clean(img));
	check_with_debugfs(&m, img);
	m.fs = eh_mount(&d, img, 0);
	for (int i = 0; i < NFILES; i++)
		if (m.f[i].exists)
			do_unlink(&m, i);
	ext2_statfs(m.fs, &end);
	CHECK_EQ(end.free_blocks, start.free_blocks);
	CHECK_EQ(end.free_inodes, start.free_inodes);
	CHECK_EQ(eh_umount(&d, m.fs), 0);
	CHECK(eh_fsck_clean(img));
	printf("  %s: %d creates, %d writes, %d truncates, %d reads, %d unlinks, %d renames\n",
	       name, m.ops[0], m.ops[1], m.ops[2], m.ops[3], m.ops[4], m.ops[5]);
	for (int i = 0; i < NFILES; i++)
		free(m.f[i].data);
	free(m.buf);
	CHECK_EQ(eh_live_allocs, 0);
}

/* Offsets up to 400 KiB reach the double-indirect blocks at 1 KiB. */
TEST(random_ops_match_the_model_1k)
{
	run_model("random-1k.img", 1024, 16384, 3000, 400 * 1024, 20 * 1024);
}

/* At 4 KiB, double-indirect starts past 4.1 MiB. */
TEST(random_ops_match_the_model_4k)
{
	run_model("random-4k.img", 4096, 96 * 1024, 1500, 4400 * 1024, 64 * 1024);
}
