// SPDX-License-Identifier: MIT
// ext2 write order: cut every operation's writes at every point, as a crash would;
// e2fsck may find leaks and high counts, never a pointer to something free or unwritten.
// UNIT_SRCS: tests/unit/ext2_host.c kernel/fs/ext2/super.c kernel/fs/ext2/inode.c kernel/fs/ext2/bmap.c kernel/fs/ext2/dir.c kernel/fs/ext2/dirhash.c kernel/fs/ext2/path.c kernel/fs/ext2/file.c kernel/fs/ext2/mount.c kernel/fs/ext2/alloc.c kernel/fs/ext2/map_write.c kernel/fs/ext2/truncate.c kernel/fs/ext2/write.c kernel/fs/ext2/dir_write.c kernel/fs/ext2/namei.c kernel/fs/ext2/rename.c
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "unit.h"
#include "ext2_host.h"
#include "fsck_benign.h"

#define ROOT EXT2_ROOT_INO

static bool
only_benign(char *out)
{
	bool ok = true;

	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n"))
		if (!fsck_line_ok(line)) {
			printf("  after a crash: %s\n", line);
			ok = false;
		}
	return ok;
}

static void
apply(const char *img, const struct eh_disk *d, size_t n)
{
	int fd = open(img, O_RDWR);

	for (size_t i = 0; i < n; i++)
		if (pwrite(fd, d->log[i].data, d->log[i].len, (off_t)d->log[i].off) !=
		    (ssize_t)d->log[i].len)
			abort();
	close(fd);
}

typedef void (*step_fn)(struct ext2_fs *fs);

/*
 * Make a small volume and prepare it; record the writes of one operation;
 * then rebuild the volume as a crash would leave it after every prefix of
 * those writes, and ask e2fsck.  With join, writes that name their
 * dependencies join earlier logged writes as far as the block layer's
 * rule lets them (eh_disk.join_after), so the prefixes are those of the
 * shortest queue the rule can make.
 */
static void
crash_test_join(const char *name, step_fn prepare, step_fn op, bool join)
{
	const char *img = eh_path("crash.img"), *before = eh_path("crash-before.img");
	const char *cut = eh_path("crash-cut.img");
	struct eh_disk d;
	struct ext2_fs *fs;

	CHECK_EQ(eh_mkfs(img, 1024, 1024, NULL, "-N 64"), 0);
	fs = eh_mount(&d, img, 0);
	if (prepare)
		prepare(fs);
	CHECK_EQ(ext2_sync(fs), 0);
	CHECK_EQ(eh_copy(img, before), 0);
	d.record = true;
	d.join_after = join;
	op(fs);
	CHECK_EQ(ext2_sync(fs), 0);     /* the frees, bitmaps and counts it left for later */
	d.record = false;
	CHECK(d.nlog > 1);
	if (getenv("EXT2_CRASH_VERBOSE"))
		for (size_t i = 0; i < d.nlog; i++)
			printf("--- %s write %zu: block %llu\n", name, i + 1,
			       (unsigned long long)(d.log[i].off / 1024));
	if (join)
		printf("  %s: %zu writes logged, %lu joined earlier ones\n", name, d.nlog, d.joined);
	for (size_t k = 0; k <= d.nlog; k++) {
		char *out;

		CHECK_EQ(eh_copy(before, cut), 0);
		apply(cut, &d, k);
		out = eh_capture("e2fsck -fn '%s' 2>&1", cut);
		if (getenv("EXT2_CRASH_VERBOSE"))
			printf("--- %s after %zu of %zu writes:\n%s", name, k, d.nlog, out);
		if (!only_benign(out)) {
			printf("  ^ %s, crash after %zu of %zu writes\n", name, k, d.nlog);
			CHECK(!"a crash leaves a dangerous inconsistency");
		}
		free(out);
	}
	CHECK_EQ(eh_umount(&d, fs), 0);
	CHECK(eh_fsck_clean(img));
}

static void
crash_test(const char *name, step_fn prepare, step_fn op)
{
	crash_test_join(name, prepare, op, false);
}


static uint32_t
at(struct ext2_fs *fs, const char *path)
{
	uint32_t ino = eh_lookup(fs, path);

	CHECK(ino != 0);
	return ino;
}

static void
fill(struct ext2_fs *fs, const char *path, size_t len)
{
	static uint8_t buf[400 * 1024];
	uint32_t ino;

	eh_fill(buf, len, 1);
	CHECK_EQ(eh_create(fs, ROOT, path, 0644, &ino), 0);
	CHECK_EQ(ext2_write(fs, ino, 0, buf, len), (long)len);
}

static void
prep_dirs(struct ext2_fs *fs)
{
	uint32_t a, b, x;

	CHECK_EQ(eh_mkdir(fs, ROOT, "a", &a), 0);
	CHECK_EQ(eh_mkdir(fs, ROOT, "b", &b), 0);
	CHECK_EQ(eh_mkdir(fs, a, "sub", &x), 0);
	CHECK_EQ(eh_create(fs, x, "inner", 0644, &x), 0);
	CHECK_EQ(eh_mkdir(fs, b, "empty", &x), 0);
	CHECK_EQ(eh_create(fs, a, "f", 0644, &x), 0);
	CHECK_EQ(ext2_write(fs, x, 0, "f data", 6), 6);
	CHECK_EQ(eh_create(fs, b, "g", 0644, &x), 0);
	CHECK_EQ(ext2_write(fs, x, 0, "g data", 6), 6);
}

static void
prep_file(struct ext2_fs *fs)
{
	fill(fs, "f", 20 * 1024);
}

static void
prep_big(struct ext2_fs *fs)
{
	fill(fs, "f", 300 * 1024);
}

static void
prep_full_dir(struct ext2_fs *fs)
{
	char name[64];
	uint32_t d, x;

	CHECK_EQ(eh_mkdir(fs, ROOT, "d", &d), 0);
	for (int i = 0; i < 34; i++) {    /* 34 * 28 + 24 bytes: the next one needs a block */
		snprintf(name, sizeof(name), "name-of-twenty-%04d", i);
		CHECK_EQ(eh_create(fs, d, name, 0644, &x), 0);
	}
}

static void
op_create(struct ext2_fs *fs)
{
	uint32_t ino;

	CHECK_EQ(eh_create(fs, ROOT, "new", 0644, &ino), 0);
}

static void
op_mkdir(struct ext2_fs *fs)
{
	uint32_t ino;

	CHECK_EQ(eh_mkdir(fs, at(fs, "/a"), "newdir", &ino), 0);
}

static void
op_symlink(struct ext2_fs *fs)
{
	static const char t[] = "a/target/path/that/is/much/longer/than/sixty/bytes/so/it/takes/a/block";
	struct ext2_new nw = { .mode = 0777 };
	uint32_t ino;

	CHECK_EQ(ext2_symlink(fs, ROOT, "sl", 2, t, sizeof(t) - 1, &nw, &ino), 0);
}

static void
op_link(struct ext2_fs *fs)
{
	CHECK_EQ(ext2_link(fs, at(fs, "/a/f"), at(fs, "/b"), "f-too", 5), 0);
}

static void
op_extend(struct ext2_fs *fs)
{
	static uint8_t buf[8 * 1024];

	CHECK_EQ(ext2_write(fs, at(fs, "/f"), 11 * 1024, buf, sizeof(buf)), (long)sizeof(buf));
}

static void
op_hole_dind(struct ext2_fs *fs)
{
	CHECK_EQ(ext2_write(fs, at(fs, "/f"), 300 * 1024, "x", 1), 1);
}

static void
op_truncate(struct ext2_fs *fs)
{
	CHECK_EQ(ext2_truncate(fs, at(fs, "/f"), 5 * 1024 + 1), 0);
}

static void
op_unlink(struct ext2_fs *fs)
{
	CHECK_EQ(ext2_unlink(fs, ROOT, "f", 1, NULL), 0);
}

static void
prep_empty(struct ext2_fs *fs)
{
	uint32_t ino;

	CHECK_EQ(eh_create(fs, ROOT, "e", 0644, &ino), 0);
}

/* An empty file: its inode is marked deleted after its name left (one write). */
static void
op_unlink_empty(struct ext2_fs *fs)
{
	CHECK_EQ(ext2_unlink(fs, ROOT, "e", 1, NULL), 0);
}

static void
op_rmdir(struct ext2_fs *fs)
{
	CHECK_EQ(ext2_rmdir(fs, at(fs, "/b"), "empty", 5, NULL), 0);
}

static void
op_rename_replace(struct ext2_fs *fs)
{
	CHECK_EQ(ext2_rename(fs, at(fs, "/a"), "f", 1, at(fs, "/b"), "g", 1, NULL), 0);
}

static void
op_rename_dir(struct ext2_fs *fs)
{
	CHECK_EQ(ext2_rename(fs, at(fs, "/a"), "sub", 3, at(fs, "/b"), "moved", 5, NULL), 0);
}

static void
op_rename_dir_over(struct ext2_fs *fs)
{
	CHECK_EQ(ext2_rename(fs, at(fs, "/a"), "sub", 3, at(fs, "/b"), "empty", 5, NULL), 0);
}

static void
op_grow_dir(struct ext2_fs *fs)
{
	uint32_t ino;

	CHECK_EQ(eh_create(fs, at(fs, "/d"), "one-more-name-please", 0644, &ino), 0);
}

static void
unlink_prepared(struct ext2_fs *fs, uint32_t d, int i)
{
	char name[64];

	snprintf(name, sizeof(name), "name-of-twenty-%04d", i);
	CHECK_EQ(ext2_unlink(fs, d, name, strlen(name), NULL), 0);
}

/*
 * A burst of creates and unlinks in one directory, the pattern whose writes
 * join: names on the disk before it and names made in it come and go,
 * freed inode numbers are used again, a name of a file with a second link
 * goes.
 */
static void
op_burst(struct ext2_fs *fs)
{
	char name[32];
	uint32_t ino, d = at(fs, "/d");

	unlink_prepared(fs, d, 0);
	unlink_prepared(fs, d, 1);
	for (int i = 0; i < 12; i++) {
		if (i % 4 == 3)
			unlink_prepared(fs, d, 2 + i / 4);
		snprintf(name, sizeof(name), "f%d", i);
		CHECK_EQ(eh_create(fs, d, name, 0644, &ino), 0);
	}
	for (int i = 0; i < 12; i += 2) {
		snprintf(name, sizeof(name), "f%d", i);
		CHECK_EQ(ext2_unlink(fs, d, name, strlen(name), NULL), 0);
	}
	for (int i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "g%d", i);
		CHECK_EQ(eh_create(fs, d, name, 0644, &ino), 0);
		unlink_prepared(fs, d, 10 + i);
	}
	CHECK_EQ(ext2_link(fs, at(fs, "/d/f1"), ROOT, "f1-too", 6), 0);
	CHECK_EQ(ext2_unlink(fs, d, "f1", 2, NULL), 0);
	CHECK_EQ(ext2_unlink(fs, d, "g0", 2, NULL), 0);
	CHECK_EQ(eh_create(fs, d, "last", 0644, &ino), 0);
	/* A link (written after everything) between a name's entry and its removal. */
	CHECK_EQ(eh_create(fs, d, "p", 0644, &ino), 0);
	CHECK_EQ(ext2_link(fs, ino, d, "p-hard", 6), 0);
	CHECK_EQ(ext2_unlink(fs, d, "p", 1, NULL), 0);
	CHECK_EQ(ext2_unlink(fs, d, "p-hard", 6, NULL), 0);
}

TEST(crash_during_create)          { crash_test("create", NULL, op_create); }
TEST(crash_during_burst)           { crash_test_join("burst", prep_full_dir, op_burst, false); }
TEST(crash_during_burst_joined)    { crash_test_join("burst, joined", prep_full_dir, op_burst, true); }
TEST(crash_during_mkdir)           { crash_test("mkdir", prep_dirs, op_mkdir); }
TEST(crash_during_slow_symlink)    { crash_test("symlink", NULL, op_symlink); }
TEST(crash_during_link)            { crash_test("link", prep_dirs, op_link); }
TEST(crash_during_write_extend)    { crash_test("extend", prep_file, op_extend); }
TEST(crash_during_write_dind_hole) { crash_test("dind", prep_file, op_hole_dind); }
TEST(crash_during_truncate)        { crash_test("truncate", prep_big, op_truncate); }
TEST(crash_during_unlink)          { crash_test("unlink", prep_big, op_unlink); }
TEST(crash_during_unlink_empty)    { crash_test("unlink empty", prep_empty, op_unlink_empty); }
TEST(crash_during_rmdir)           { crash_test("rmdir", prep_dirs, op_rmdir); }
TEST(crash_during_rename_replace)  { crash_test("rename", prep_dirs, op_rename_replace); }
TEST(crash_during_rename_dir)      { crash_test("rename dir", prep_dirs, op_rename_dir); }
TEST(crash_during_rename_dir_over) { crash_test("rename dir", prep_dirs, op_rename_dir_over); }
TEST(crash_during_directory_growth) { crash_test("grow dir", prep_full_dir, op_grow_dir); }
