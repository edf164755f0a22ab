// SPDX-License-Identifier: MIT
// ext2 names: create, mkdir, mknod, symlink, link, unlink, rmdir, rename, setattr.
// UNIT_SRCS: tests/unit/ext2_host.c kernel/fs/ext2/super.c kernel/fs/ext2/inode.c kernel/fs/ext2/bmap.c kernel/fs/ext2/dir.c kernel/fs/ext2/dirhash.c kernel/fs/ext2/path.c kernel/fs/ext2/file.c kernel/fs/ext2/mount.c kernel/fs/ext2/alloc.c kernel/fs/ext2/map_write.c kernel/fs/ext2/truncate.c kernel/fs/ext2/write.c kernel/fs/ext2/dir_write.c kernel/fs/ext2/namei.c kernel/fs/ext2/rename.c
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "ext2_host.h"

#define ROOT EXT2_ROOT_INO

static const char *img;

static struct ext2_fs *
fresh(struct eh_disk *d, const char *name, unsigned bs)
{
	img = eh_path(name);
	CHECK_EQ(eh_mkfs(img, bs, 8192, NULL, NULL), 0);
	return eh_mount(d, img, 0);
}

static long
links(const char *path)
{
	return eh_stat_field(img, path, "Links:");
}

static struct ext2_statfs
counts(struct ext2_fs *fs)
{
	struct ext2_statfs st;

	ext2_statfs(fs, &st);
	return st;
}

/* Does `debugfs ls -l dir` show name with this mode (octal, as it prints)? */
static bool
listed(const char *dir, const char *name, const char *mode)
{
	char cmd[300], want[300], *out;
	bool found = false;

	snprintf(cmd, sizeof(cmd), "ls -l %s", dir);
	out = eh_debugfs(img, cmd);
	for (char *line = strtok(out, "\n"); line && !found; line = strtok(NULL, "\n")) {
		size_t n = strlen(line), k = strlen(name);

		snprintf(want, sizeof(want), " %s ", mode);
		found = n > k && !strcmp(line + n - k, name) && line[n - k - 1] == ' ' &&
			strstr(line, want);
	}
	free(out);
	return found;
}

static bool
debugfs_says(const char *cmd, const char *what)
{
	char *out = eh_debugfs(img, cmd);
	bool yes = strstr(out, what) != NULL;

	if (!yes)
		printf("  debugfs '%s' lacks '%s':\n%s", cmd, what, out);
	free(out);
	return yes;
}

TEST(create_mkdir_mknod_symlink_as_debugfs_sees_them)
{
	struct eh_disk d;
	struct ext2_fs *fs = fresh(&d, "ops-create.img", 1024);
	struct ext2_new chr = { EXT2_S_IFCHR | 0620, 0, 5, 4, 64, NULL };
	struct ext2_new blk = { EXT2_S_IFBLK | 0660, 0, 6, 300, 70000, NULL };
	struct ext2_new fifo = { EXT2_S_IFIFO | 0644, 0, 0, 0, 0, NULL };
	struct ext2_new sock = { EXT2_S_IFSOCK | 0755, 0, 0, 0, 0, NULL };
	struct ext2_new lnk = { 0, 1000, 100, 0, 0, NULL };
	const char *longt = "a/very/long/target/that/does/not/fit/in/sixty/bytes/of/i_block/at/all";
	char buf[200];
	uint32_t a, b, f, x;

	CHECK_EQ(eh_mkdir(fs, ROOT, "a", &a), 0);
	CHECK_EQ(eh_mkdir(fs, a, "b", &b), 0);
	CHECK_EQ(eh_create(fs, a, "f", 0640, &f), 0);
	CHECK_EQ(ext2_write(fs, f, 0, "data", 4), 4);
	CHECK_EQ(ext2_mknod(fs, a, "chr", 3, &chr, &x), 0);
	CHECK_EQ(ext2_mknod(fs, a, "blk", 3, &blk, &x), 0);
	CHECK_EQ(ext2_mknod(fs, a, "fifo", 4, &fifo, &x), 0);
	CHECK_EQ(ext2_mknod(fs, a, "sock", 4, &sock, &x), 0);
	CHECK_EQ(ext2_symlink(fs, a, "fast", 4, "f", 1, &lnk, &x), 0);
	CHECK_EQ(ext2_symlink(fs, a, "slow", 4, longt, strlen(longt), &lnk, &x), 0);
	CHECK_EQ(ext2_readlink(fs, x, buf, sizeof(buf)), (long)strlen(longt));
	CHECK(memcmp(buf, longt, strlen(longt)) == 0);
	CHECK_EQ(eh_lookup(fs, "/a/fast"), f);
	CHECK_EQ(eh_umount(&d, fs), 0);
	CHECK(eh_fsck_clean(img));
	CHECK(listed("/", "a", "40755"));
	CHECK(listed("/a", "b", "40755"));
	CHECK(listed("/a", "f", "100640"));
	CHECK(listed("/a", "chr", "20620"));
	CHECK(listed("/a", "blk", "60660"));
	CHECK(listed("/a", "fifo", "10644"));
	CHECK(listed("/a", "sock", "140755"));
	CHECK(listed("/a", "fast", "120777"));
	CHECK(listed("/a", "slow", "120777"));
	CHECK(debugfs_says("stat /a/chr", "Device major/minor number: 04:64"));
	CHECK(debugfs_says("stat /a/blk", "Device major/minor number: 300:70000"));
	CHECK(debugfs_says("stat /a/fast", "Fast link dest: \"f\""));
	CHECK(debugfs_says("cat /a/f", "data"));
	CHECK_EQ(links("/"), 4);         /* ., .., lost+found/.., a/.. */
	CHECK_EQ(links("/a"), 3);
	CHECK_EQ(links("/a/b"), 2);
	CHECK_EQ(eh_stat_field(img, "/a/f", "User:"), 1000);
	CHECK_EQ(eh_stat_field(img, "/a/f", "Group:"), 100);
}

TEST(names_are_checked)
{
	struct eh_disk d;
	struct ext2_fs *fs = fresh(&d, "ops-names.img", 1024);
	char lng[300];
	uint32_t f, x;

	memset(lng, 'n', sizeof(lng));
	CHECK_EQ(eh_create(fs, ROOT, "f", 0644, &f), 0);
	CHECK_EQ(eh_create(fs, ROOT, "f", 0644, &x), -EEXIST);
	CHECK_EQ(eh_mkdir(fs, ROOT, "f", &x), -EEXIST);
	CHECK_EQ(eh_create(fs, ROOT, "..", 0644, &x), -EEXIST);
	CHECK_EQ(eh_create(fs, ROOT, "a/b", 0644, &x), -EINVAL);
	CHECK_EQ(eh_create(fs, f, "x", 0644, &x), -ENOTDIR);
	CHECK_EQ(eh_create(fs, ROOT, "", 0644, &x), -ENOENT);
	lng[256] = 0;
	CHECK_EQ(eh_create(fs, ROOT, lng, 0644, &x), -ENAMETOOLONG);
	lng[255] = 0;
	CHECK_EQ(eh_create(fs, ROOT, lng, 0644, &x), 0);    /* 255 is fine */
	CHECK_EQ(ext2_lookup(fs, ROOT, lng, 255, &x), 0);
	CHECK_EQ(ext2_lookup(fs, ROOT, "nope", 4, &x), -ENOENT);
	CHECK_EQ(eh_umount(&d, fs), 0);
	CHECK(eh_fsck_clean(img));
}

/* 1000 names: the directory grows past its 12 direct blocks, then shrinks back. */
TEST(many_files_grow_the_directory)
{
	struct eh_disk d;
	struct ext2_fs *fs = fresh(&d, "ops-many.img", 1024);
	struct ext2_stat st;
	uint32_t dir, ino;
	char name[64];
	uint64_t size;

	CHECK_EQ(eh_mkdir(fs, ROOT, "d", &dir), 0);
	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "a-rather-long-name-%04d", i);
		CHECK_EQ(eh_create(fs, dir, name, 0644, &ino), 0);
	}
	CHECK_EQ(ext2_getattr(fs, dir, &st), 0);
	CHECK(st.size > 12 * 1024);
	size = st.size;
	for (int i = 0; i < 1000; i += 2) {
		snprintf(name, sizeof(name), "a-rather-long-name-%04d", i);
		CHECK_EQ(ext2_unlink(fs, dir, name, strlen(name), NULL), 0);
	}
	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "a-rather-long-name-%04d", i);
		CHECK_EQ(ext2_lookup(fs, dir, name, strlen(name), &ino), i % 2 ? 0 : -ENOENT);
	}
	for (int i = 0; i < 500; i++) {           /* the freed room is reused */
		snprintf(name, sizeof(name), "b-rather-long-name-%04d", i);
		CHECK_EQ(eh_create(fs, dir, name, 0644, &ino), 0);
	}
	CHECK_EQ(ext2_getattr(fs, dir, &st), 0);
	CHECK_EQ(st.size, size);
	CHECK_EQ(eh_umount(&d, fs), 0);
	CHECK(eh_fsck_clean(img));
	CHECK(listed("/d", "a-rather-long-name-0999", "100644"));
	CHECK(listed("/d", "b-rather-long-name-0499", "100644"));
	CHECK(!listed("/d", "a-rather-long-name-0998", "100644"));
}

TEST(unlink_and_hard_links_count_references)
{
	struct eh_disk d;
	struct ext2_fs *fs = fresh(&d, "ops-link.img", 4096);
	struct ext2_statfs before = counts(fs), after;
	uint8_t buf[20000];
	uint32_t f, dir;

	eh_fill(buf, sizeof(buf), 1);
	CHECK_EQ(eh_create(fs, ROOT, "f", 0644, &f), 0);
	CHECK_EQ(ext2_write(fs, f, 0, buf, sizeof(buf)), (long)sizeof(buf));
	CHECK_EQ(eh_mkdir(fs, ROOT, "dir", &dir), 0);
	CHECK_EQ(ext2_link(fs, f, dir, "g", 1), 0);
	CHECK_EQ(ext2_link(fs, f, ROOT, "f", 1), -EEXIST);
	CHECK_EQ(ext2_link(fs, dir, ROOT, "dir2", 4), -EPERM);
	CHECK_EQ(ext2_unlink(fs, ROOT, "dir", 3, NULL), -EISDIR);
	CHECK_EQ(ext2_unlink(fs, ROOT, "nope", 4, NULL), -ENOENT);
	CHECK_EQ(eh_umount(&d, fs), 0);
	CHECK(eh_fsck_clean(img));
	CHECK_EQ(links("/f"), 2);
	CHECK_EQ(links("/dir/g"), 2);
	fs = eh_mount(&d, img, 0);
	CHECK_EQ(ext2_unlink(fs, ROOT, "f", 1, NULL), 0);
	CHECK_EQ(eh_lookup(fs, "/dir/g"), f);
	CHECK_EQ(ext2_read(fs, f, 0, buf, sizeof(buf)), (long)sizeof(buf));
	CHECK_EQ(ext2_unlink(fs, dir, "g", 1, NULL), 0);
	CHECK_EQ(ext2_rmdir(fs, ROOT, "dir", 3, NULL), 0);
	after = counts(fs);
	CHECK_EQ(after.free_blocks, before.free_blocks);
	CHECK_EQ(after.free_inodes, before.free_inodes);
	CHECK_EQ(eh_umount(&d, fs), 0);
	CHECK(eh_fsck_clean(img));
	CHECK(debugfs_says("testi <12>", "is not in use"));
}

/*
 * A lookup's hint: a create or unlink right after it starts where the walk
 * ended.  A hint gone stale (the slot taken by another name, the entry
 * moved) must not hurt: the create or unlink looks again and walks.
 */
TEST(lookup_hints_for_create_and_unlink)
{
	struct eh_disk d;
	struct ext2_fs *fs = fresh(&d, "ops-hint.img", 1024);
	struct ext2_dir_hint h, stale;
	struct ext2_new nw = { .mode = 0644 };
	uint32_t ino = 0, x, y;

	CHECK_EQ(ext2_lookup_hint(fs, ROOT, "a", 1, &ino, &h), -ENOENT);
	CHECK(h.dir == ROOT && h.ino == 0 && h.slot.found);
	nw.hint = &h;
	CHECK_EQ(ext2_create(fs, ROOT, "a", 1, &nw, &x), 0);
	CHECK_EQ(ext2_lookup_hint(fs, ROOT, "a", 1, &ino, &h), 0);
	CHECK(ino == x && h.ino == x);
	/* Stale: b takes the slot c's hint found; c must still get its own place. */
	CHECK_EQ(ext2_lookup_hint(fs, ROOT, "c", 1, &ino, &stale), -ENOENT);
	CHECK_EQ(eh_create(fs, ROOT, "b", 0644, &y), 0);
	for (int i = 0; i < 60; i++) {          /* fill the root's block past the slot */
		char name[32];

		snprintf(name, sizeof(name), "filler-name-%02d", i);
		CHECK_EQ(eh_create(fs, ROOT, name, 0644, &ino), 0);
	}
	nw.hint = &stale;
	CHECK_EQ(ext2_create(fs, ROOT, "c", 1, &nw, &ino), 0);
	CHECK_EQ(ext2_unlink_hinted(fs, ROOT, "a", 1, &h, NULL), 0);
	CHECK_EQ(eh_lookup(fs, "/a"), 0);
	/* Stale: the hint points where "b" no longer is (its entry merged away). */
	CHECK_EQ(ext2_lookup_hint(fs, ROOT, "b", 1, &ino, &stale), 0);
	CHECK_EQ(ext2_unlink(fs, ROOT, "b", 1, NULL), 0);
	CHECK_EQ(eh_create(fs, ROOT, "b", 0644, &y), 0);
	CHECK_EQ(ext2_unlink_hinted(fs, ROOT, "b", 1, &stale, NULL), 0);
	CHECK_EQ(eh_lookup(fs, "/b"), 0);
	CHECK(eh_lookup(fs, "/c") != 0);
	CHECK_EQ(eh_umount(&d, fs), 0);
	CHECK(eh_fsck_clean(img));
	CHECK(listed("/", "c", "100644"));
	CHECK(listed("/", "filler-name-59", "100644"));
}

/*
 * A create hint whose slot was merged away: x's entry still looks whole
 * (an entry taken out leaves its bytes inside its neighbour's step), but
 * the block's chain no longer reaches it.  A create that trusted the hint
 * would write "d" where no walk finds it.
 */
TEST(create_hint_off_the_chain_is_not_used)
{
	struct eh_disk d;
	struct ext2_fs *fs = fresh(&d, "ops-hint-chain.img", 1024);
	struct ext2_dir_hint stale;
	struct ext2_new nw = { .mode = 0644 };
	uint32_t ino = 0, x, dn;

	CHECK_EQ(eh_create(fs, ROOT, "x", 0644, &x), 0);
	CHECK_EQ(ext2_lookup_hint(fs, ROOT, "d", 1, &ino, &stale), -ENOENT);
	CHECK(stale.slot.found);
	CHECK_EQ(ext2_unlink(fs, ROOT, "x", 1, NULL), 0);
	nw.hint = &stale;
	CHECK_EQ(ext2_create(fs, ROOT, "d", 1, &nw, &dn), 0);
	CHECK_EQ(eh_lookup(fs, "/d"), dn);
	CHECK_EQ(ext2_lookup(fs, ROOT, "d", 1, &ino), 0);
	CHECK_EQ(ino, dn);
	CHECK_EQ(eh_umount(&d, fs), 0);
	CHECK(eh_fsck_clean(img));
	CHECK(listed("/", "d", "100644"));
}

TEST(rmdir_only_empty_directories)
{
	struct eh_disk d;
	struct ext2_fs *fs = fresh(&d, "ops-rmdir.img", 1024);
	uint32_t a, b, f;

	CHECK_EQ(eh_mkdir(fs, ROOT, "a", &a), 0);
	CHECK_EQ(eh_mkdir(fs, a, "b", &b), 0);
	CHECK_EQ(eh_create(fs, a, "f", 0644, &f), 0);
	CHECK_EQ(ext2_rmdir(fs, ROOT, "a", 1, NULL), -ENOTEMPTY);
	CHECK_EQ(ext2_rmdir(fs, a, "f", 1, NULL), -ENOTDIR);
	CHECK_EQ(ext2_rmdir(fs, a, ".", 1, NULL), -EINVAL);
	CHECK_EQ(ext2_rmdir(fs, a, "..", 2, NULL), -ENOTEMPTY);
	CHECK_EQ(ext2_rmdir(fs, a, "b", 1, NULL), 0);
	CHECK_EQ(ext2_rmdir(fs, a, "b", 1, NULL), -ENOENT);
	CHECK_EQ(eh_umount(&d, fs), 0);
	CHECK(eh_fsck_clean(img));
	CHECK_EQ(links("/a"), 2);
	fs = eh_mount(&d, img, 0);
	CHECK_EQ(ext2_unlink(fs, a, "f", 1, NULL), 0);
	CHECK_EQ(ext2_rmdir(fs, ROOT, "a", 1, NULL), 0);
	CHECK_EQ(eh_umount(&d, fs), 0);
	CHECK(eh_fsck_clean(img));
	CHECK_EQ(links("/"), 3);
}

static void
rename_errors(struct ext2_fs *fs, uint32_t a, uint32_t b)
{
	uint32_t x;

	CHECK_EQ(eh_mkdir(fs, b, "full", &x), 0);
	CHECK_EQ(eh_create(fs, x, "inside", 0644, &x), 0);
	CHECK_EQ(ext2_rename(fs, a, "sub", 3, b, "full", 4, NULL), -ENOTEMPTY);
	CHECK_EQ(ext2_rename(fs, a, "sub", 3, b, "g", 1, NULL), -ENOTDIR);
	CHECK_EQ(ext2_rename(fs, b, "g", 1, a, "sub", 3, NULL), -EISDIR);
	CHECK_EQ(ext2_rename(fs, ROOT, "a", 1, eh_lookup(fs, "/a/sub"), "x", 1, NULL), -EINVAL);
	CHECK_EQ(ext2_rename(fs, ROOT, "a", 1, a, "x", 1, NULL), -EINVAL);
	CHECK_EQ(ext2_rename(fs, a, ".", 1, b, "x", 1, NULL), -EINVAL);
	CHECK_EQ(ext2_rename(fs, a, "none", 4, b, "x", 1, NULL), -ENOENT);
}

TEST(rename_files_and_directories)
{
	struct eh_disk d;
	struct ext2_fs *fs = fresh(&d, "ops-rename.img", 1024);
	uint32_t a, b, f, g, sub, empty;
	uint64_t free_inodes;

	CHECK_EQ(eh_mkdir(fs, ROOT, "a", &a), 0);
	CHECK_EQ(eh_mkdir(fs, ROOT, "b", &b), 0);
	CHECK_EQ(eh_create(fs, a, "f", 0644, &f), 0);
	CHECK_EQ(ext2_write(fs, f, 0, "file f", 6), 6);
	CHECK_EQ(ext2_rename(fs, a, "f", 1, a, "f2", 2, NULL), 0);       /* same dir */
	CHECK_EQ(ext2_rename(fs, a, "f2", 2, b, "f", 1, NULL), 0);       /* across */
	CHECK_EQ(eh_lookup(fs, "/b/f"), f);
	CHECK_EQ(eh_create(fs, b, "g", 0644, &g), 0);
	CHECK_EQ(ext2_write(fs, g, 0, "file g", 6), 6);
	CHECK_EQ(ext2_link(fs, g, b, "g-too", 5), 0);
	CHECK_EQ(ext2_rename(fs, b, "g", 1, b, "g-too", 5, NULL), 0);    /* one inode: no-op */
	CHECK_EQ(eh_lookup(fs, "/b/g"), g);
	CHECK_EQ(ext2_unlink(fs, b, "g-too", 5, NULL), 0);
	free_inodes = counts(fs).free_inodes;
	CHECK_EQ(ext2_rename(fs, b, "f", 1, b, "g", 1, NULL), 0);        /* replace a file */
	CHECK_EQ(eh_lookup(fs, "/b/g"), f);
	CHECK_EQ(counts(fs).free_inodes, free_inodes + 1);              /* g is freed */
	CHECK_EQ(eh_mkdir(fs, a, "sub", &sub), 0);
	CHECK_EQ(eh_mkdir(fs, b, "empty", &empty), 0);
	rename_errors(fs, a, b);
	free_inodes = counts(fs).free_inodes;
	CHECK_EQ(ext2_rename(fs, a, "sub", 3, b, "empty", 5, NULL), 0);  /* dir over empty dir */
	CHECK_EQ(counts(fs).free_inodes, free_inodes + 1);
	CHECK_EQ(eh_lookup(fs, "/b/empty"), sub);
	CHECK_EQ(eh_lookup(fs, "/b/empty/.."), b);
	CHECK_EQ(ext2_rename(fs, b, "empty", 5, ROOT, "top", 3, NULL), 0);
	CHECK_EQ(eh_lookup(fs, "/top/.."), ROOT);
	CHECK_EQ(eh_umount(&d, fs), 0);
	CHECK(eh_fsck_clean(img));
	CHECK(debugfs_says("cat /b/g", "file f"));
	CHECK_EQ(links("/"), 6);   /* ., .., lost+found, a, b, top */
	CHECK_EQ(links("/a"), 2);
	CHECK_EQ(links("/b"), 3);  /* full */
	CHECK_EQ(links("/top"), 2);
}

/* With an orphan pointer, a last unlink leaves the inode for the caller to free. */
TEST(orphans_live_until_freed)
{
	struct eh_disk d;
	struct ext2_fs *fs = fresh(&d, "ops-orphan.img", 1024);
	struct ext2_statfs before = counts(fs), mid;
	uint32_t f, dir, orphan = 99;
	char buf[8];

	CHECK_EQ(eh_create(fs, ROOT, "f", 0644, &f), 0);
	CHECK_EQ(ext2_write(fs, f, 0, "still here", 10), 10);
	CHECK_EQ(ext2_unlink(fs, ROOT, "f", 1, &orphan), 0);
	CHECK_EQ(orphan, f);
	mid = counts(fs);
	CHECK_EQ(mid.free_inodes, before.free_inodes - 1);
	CHECK_EQ(ext2_read(fs, f, 0, buf, 5), 5);           /* open-but-unlinked */
	CHECK(memcmp(buf, "still", 5) == 0);
	CHECK_EQ(ext2_inode_free(fs, f), 0);
	CHECK_EQ(eh_mkdir(fs, ROOT, "d", &dir), 0);
	CHECK_EQ(ext2_rmdir(fs, ROOT, "d", 1, &orphan), 0);
	CHECK_EQ(orphan, dir);
	CHECK_EQ(ext2_inode_free(fs, dir), 0);
	CHECK_EQ(eh_create(fs, ROOT, "kept", 0644, &f), 0);
	CHECK_EQ(ext2_link(fs, f, ROOT, "kept2", 5), 0);
	CHECK_EQ(ext2_unlink(fs, ROOT, "kept", 4, &orphan), 0);
	CHECK_EQ(orphan, 0);                                /* a link remains */
	CHECK_EQ(ext2_inode_free(fs, f), -EBUSY);
	CHECK_EQ(eh_umount(&d, fs), 0);
	CHECK(eh_fsck_clean(img));
}

/* Changing an htree-indexed directory turns it into a plain one, readably. */
TEST(htree_index_is_dropped_on_change)
{
	struct eh_disk d;
	struct ext2_fs *fs = fresh(&d, "ops-htree.img", 1024);
	uint32_t dir, ino;
	char name[40];

	CHECK_EQ(eh_mkdir(fs, ROOT, "h", &dir), 0);
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "entry-number-%03d", i);
		CHECK_EQ(eh_create(fs, dir, name, 0644, &ino), 0);
	}
	CHECK_EQ(eh_umount(&d, fs), 0);
	eh_run("e2fsck -fyD '%s' >/dev/null 2>&1", img);
	CHECK(eh_stat_field(img, "/h", "Flags:") & EXT2_INDEX_FL);
	fs = eh_mount(&d, img, 0);
	CHECK_EQ(ext2_unlink(fs, dir, "entry-number-007", 16, NULL), 0);
	CHECK_EQ(eh_create(fs, dir, "new-name", 0644, &ino), 0);
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "entry-number-%03d", i);
		CHECK_EQ(ext2_lookup(fs, dir, name, strlen(name), &ino), i == 7 ? -ENOENT : 0);
	}
	CHECK_EQ(eh_umount(&d, fs), 0);
	CHECK_EQ(eh_stat_field(img, "/h", "Flags:") & EXT2_INDEX_FL, 0);
	CHECK(eh_fsck_clean(img));
	CHECK(listed("/h", "new-name", "100644"));
}

TEST(setattr_chmod_chown_utimes)
{
	struct eh_disk d;
	struct ext2_fs *fs = fresh(&d, "ops-attr.img", 1024);
	struct ext2_setattr sa = { EXT2_SET_MODE | EXT2_SET_UID | EXT2_SET_GID | EXT2_SET_MTIME,
				   04711, 70000, 4242, 0, 1234567890 };
	struct ext2_stat st;
	uint32_t f;

	CHECK_EQ(eh_create(fs, ROOT, "f", 0644, &f), 0);
	CHECK_EQ(ext2_setattr(fs, f, &sa), 0);
	CHECK_EQ(ext2_getattr(fs, f, &st), 0);
	CHECK_EQ(st.mode, EXT2_S_IFREG | 04711);
	CHECK_EQ(st.uid, 70000);
	CHECK_EQ(st.gid, 4242);
	CHECK_EQ(st.mtime, 1234567890);
	CHECK_EQ(st.ctime, EH_NOW);
	CHECK_EQ(eh_umount(&d, fs), 0);
	CHECK(eh_fsck_clean(img));
	CHECK_EQ(eh_stat_field(img, "/f", "User:"), 70000);
	CHECK_EQ(eh_stat_field(img, "/f", "Group:"), 4242);
	CHECK(listed("/", "f", "104711"));
	CHECK(debugfs_says("stat /f", "mtime: 0x499602d2"));
}

static int
count_untyped(void *arg, const char *name, size_t len, uint32_t ino, unsigned type)
{
	CHECK_EQ(type, EXT2_DT_UNKNOWN);
	++*(int *)arg;
	return 0;
}

/* Old-style volumes: 128-byte inodes, no file types in entries, no resize inode. */
TEST(small_inodes_and_no_filetype)
{
	struct eh_disk d;
	struct ext2_fs *fs;
	uint32_t a, f, g;
	uint64_t pos = 0;
	char buf[8];
	int n = 0;

	img = eh_path("ops-old.img");
	CHECK_EQ(eh_mkfs(img, 1024, 4096, NULL, "-I 128 -O ^filetype,^dir_index,^resize_inode"), 0);
	fs = eh_mount(&d, img, 0);
	CHECK_EQ(eh_mkdir(fs, ROOT, "a", &a), 0);
	CHECK_EQ(eh_create(fs, a, "f", 0644, &f), 0);
	CHECK_EQ(ext2_write(fs, f, 0, "old style", 9), 9);
	CHECK_EQ(ext2_link(fs, f, ROOT, "g", 1), 0);
	CHECK_EQ(ext2_rename(fs, ROOT, "a", 1, ROOT, "b", 1, NULL), 0);
	CHECK_EQ(eh_create(fs, ROOT, "h", 0644, &g), 0);
	CHECK_EQ(ext2_unlink(fs, ROOT, "h", 1, NULL), 0);
	CHECK_EQ(ext2_readdir(fs, ROOT, &pos, count_untyped, &n), 0);
	CHECK_EQ(n, 5);                     /* ., .., lost+found, b, g */
	CHECK_EQ(ext2_read(fs, eh_lookup(fs, "/b/f"), 0, buf, 8), 8);
	CHECK(memcmp(buf, "old styl", 8) == 0);
	CHECK_EQ(eh_umount(&d, fs), 0);
	CHECK(eh_fsck_clean(img));
	CHECK_EQ(links("/g"), 2);
	CHECK(debugfs_says("cat /g", "old style"));
}

/*
 * With several groups, new directories spread out (each to the group with
 * the fewest) while a directory's files, and their blocks, stay in its group.
 */
TEST(allocation_spreads_directories_keeps_files_near)
{
	struct eh_disk d;
	struct ext2_fs *fs;
	struct ext2_inode in;
	uint32_t dirs[6], ipg = 1024, bpg = 8192;
	int per_group[4] = { 2, 0, 0, 0 };          /* / and lost+found are in group 0 */
	uint8_t data[3000];

	img = eh_path("ops-groups.img");
	CHECK_EQ(eh_mkfs(img, 1024, 32768, NULL, "-N 4096"), 0);     /* 4 groups */
	fs = eh_mount(&d, img, 0);
	for (int i = 0; i < 6; i++) {
		char name[16];

		snprintf(name, sizeof(name), "d%d", i);
		CHECK_EQ(eh_mkdir(fs, ROOT, name, &dirs[i]), 0);
		per_group[(dirs[i] - 1) / ipg]++;
	}
	for (int g = 0; g < 4; g++)
		CHECK_EQ(per_group[g], 2);
	for (int i = 0; i < 6; i++) {
		uint32_t f, blk, g = (dirs[i] - 1) / ipg;

		CHECK_EQ(eh_create(fs, dirs[i], "file", 0644, &f), 0);
		CHECK_EQ((f - 1) / ipg, g);               /* the file's inode: same group */
		CHECK_EQ(ext2_write(fs, f, 0, data, sizeof(data)), (long)sizeof(data));
		CHECK_EQ(ext2_inode_read(fs, f, &in), 0);
		CHECK_EQ(ext2_bmap(fs, &in, 0, &blk), 0);
		CHECK_EQ((blk - 1) / bpg, g);             /* and its blocks */
		CHECK_EQ(ext2_bmap(fs, &in, 2, &f), 0);
		CHECK_EQ(f, blk + 2);                     /* contiguous */
	}
	CHECK_EQ(eh_umount(&d, fs), 0);
	CHECK(eh_fsck_clean(img));
}
