// SPDX-License-Identifier: MIT
/* ktests for name operations: link counts, unlink, rmdir, rename, readdir. */
#include "fs/ktests/ktfs.h"
#include "fs/internal.h"
#include "lib/string.h"
#include "mm/pmm.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/stat.h"

static uint32_t
nlink_of(const char *path)
{
	struct kstat st;

	return kt_stat(path, &st, true) == 0 ? st.nlink : 0;
}

KTEST(fs_ops_link_counts, "link and unlink keep nlink; directories count subdirectories")
{
	struct kt_env e;
	struct kstat a, b;

	KT_EQ(kt_enter(&e, "/kt/nlink"), 0);
	KT_EQ(kt_write_file("f", "data", 4, 0644), 0);
	KT_EQ(nlink_of("f"), 1);
	KT_EQ(vfs_linkat(AT_FDCWD, "f", AT_FDCWD, "g", 0), 0);
	KT_EQ(nlink_of("f"), 2);
	KT_EQ(kt_stat("f", &a, false), 0);
	KT_EQ(kt_stat("g", &b, false), 0);
	KT_EQ(a.ino, b.ino);
	KT_EQ(vfs_linkat(AT_FDCWD, "f", AT_FDCWD, "g", 0), -EEXIST);
	KT_EQ(vfs_unlinkat(AT_FDCWD, "f", 0), 0);
	KT_EQ(nlink_of("g"), 1);
	KT_EQ(vfs_unlinkat(AT_FDCWD, "f", 0), -ENOENT);
	/* . and the parent's entry: 2; each subdirectory's .. adds one. */
	KT_EQ(vfs_mkdirat(AT_FDCWD, "d", 0755), 0);
	KT_EQ(nlink_of("d"), 2);
	KT_EQ(vfs_mkdirat(AT_FDCWD, "d/s1", 0755), 0);
	KT_EQ(vfs_mkdirat(AT_FDCWD, "d/s2", 0755), 0);
	KT_EQ(nlink_of("d"), 4);
	KT_EQ(vfs_linkat(AT_FDCWD, "d", AT_FDCWD, "dlink", 0), -EPERM);
	KT_EQ(vfs_unlinkat(AT_FDCWD, "d", 0), -EISDIR);
	KT_EQ(vfs_unlinkat(AT_FDCWD, "d", AT_REMOVEDIR), -ENOTEMPTY);
	KT_EQ(vfs_unlinkat(AT_FDCWD, "d/s1", AT_REMOVEDIR), 0);
	KT_EQ(nlink_of("d"), 3);
	KT_EQ(vfs_unlinkat(AT_FDCWD, "g", AT_REMOVEDIR), -ENOTDIR);
	KT_EQ(vfs_unlinkat(AT_FDCWD, "d/s2/.", AT_REMOVEDIR), -EINVAL);
	KT_EQ(vfs_unlinkat(AT_FDCWD, "d/s2/..", AT_REMOVEDIR), -ENOTEMPTY);
	KT_EQ(vfs_unlinkat(AT_FDCWD, "/", AT_REMOVEDIR), -EBUSY);
	KT_EQ(vfs_mkdirat(AT_FDCWD, "d", 0755), -EEXIST);
	KT_EQ(vfs_mkdirat(AT_FDCWD, ".", 0755), -EEXIST);
	KT_EQ(vfs_mknodat(AT_FDCWD, "g2/", S_IFREG | 0644, 0), -ENOENT);
	kt_leave(&e);
	return 0;
}

KTEST(fs_ops_rename, "rename replaces, refuses loops and non-empty targets, NOREPLACE, EXCHANGE")
{
	struct kt_env e;
	struct kstat st;
	char buf[8];

	KT_EQ(kt_enter(&e, "/kt/rename"), 0);
	KT_EQ(kt_write_file("a", "A", 1, 0644), 0);
	KT_EQ(kt_write_file("b", "B", 1, 0644), 0);
	KT_EQ(vfs_renameat2(AT_FDCWD, "a", AT_FDCWD, "b", 0), 0);
	KT_EQ(kt_stat("a", &st, false), -ENOENT);
	KT_EQ(kt_read_file("b", buf, sizeof(buf)), 1);
	KT_EQ(buf[0], 'A');
	KT_EQ(vfs_mkdirat(AT_FDCWD, "d1", 0755), 0);
	KT_EQ(vfs_mkdirat(AT_FDCWD, "d1/sub", 0755), 0);
	KT_EQ(vfs_mkdirat(AT_FDCWD, "d2", 0755), 0);
	KT_EQ(vfs_renameat2(AT_FDCWD, "d1", AT_FDCWD, "d1/sub/x", 0), -EINVAL);
	KT_EQ(vfs_renameat2(AT_FDCWD, "d1/sub", AT_FDCWD, "d1", 0), -ENOTEMPTY);
	KT_EQ(vfs_renameat2(AT_FDCWD, "b", AT_FDCWD, "d2", 0), -EISDIR);
	KT_EQ(vfs_renameat2(AT_FDCWD, "d2", AT_FDCWD, "b", 0), -ENOTDIR);
	/* A directory moves to another parent: the link counts follow. */
	KT_EQ(vfs_renameat2(AT_FDCWD, "d1/sub", AT_FDCWD, "d2/sub", 0), 0);
	KT_EQ(nlink_of("d1"), 2);
	KT_EQ(nlink_of("d2"), 3);
	KT_EQ(kt_stat("d2/sub", &st, false), 0);
	KT_EQ(kt_stat("d2/sub/..", &st, false), 0);
	KT_EQ(st.ino, (kt_stat("d2", &st, false), st.ino));
	/* Over an empty directory is fine. */
	KT_EQ(vfs_renameat2(AT_FDCWD, "d2/sub", AT_FDCWD, "d1", 0), 0);
	KT_EQ(kt_stat("d2/sub", &st, false), -ENOENT);
	KT_EQ(nlink_of("d2"), 2);
	KT_EQ(kt_write_file("c", "C", 1, 0644), 0);
	KT_EQ(vfs_renameat2(AT_FDCWD, "c", AT_FDCWD, "b", RENAME_NOREPLACE), -EEXIST);
	KT_EQ(vfs_renameat2(AT_FDCWD, "c", AT_FDCWD, "b", RENAME_EXCHANGE), 0);
	KT_EQ(kt_read_file("b", buf, sizeof(buf)), 1);
	KT_EQ(buf[0], 'C');
	KT_EQ(kt_read_file("c", buf, sizeof(buf)), 1);
	KT_EQ(buf[0], 'A');
	KT_EQ(vfs_renameat2(AT_FDCWD, "c", AT_FDCWD, "zz", RENAME_EXCHANGE), -ENOENT);
	KT_EQ(vfs_renameat2(AT_FDCWD, "c", AT_FDCWD, "c", 0), 0);
	KT_EQ(vfs_renameat2(AT_FDCWD, ".", AT_FDCWD, "x", 0), -EBUSY);
	KT_EQ(vfs_renameat2(AT_FDCWD, "c", AT_FDCWD, "x", RENAME_NOREPLACE | RENAME_EXCHANGE),
	      -EINVAL);
	kt_leave(&e);
	return 0;
}

KTEST(fs_ops_unlinked_open_file, "an open file outlives its last name until the last close")
{
	struct kt_env e;
	struct file *f;
	uint64_t pos = 0;
	char buf[16];
	uint64_t free_before;

	KT_EQ(kt_enter(&e, "/kt/orphan"), 0);
	KT_EQ(kt_write_file("f", "persistent", 10, 0644), 0);
	f = vfs_openat(AT_FDCWD, "f", O_RDWR, 0);
	KT_ASSERT(!IS_ERR(f));
	KT_EQ(vfs_unlinkat(AT_FDCWD, "f", 0), 0);
	KT_EQ(f->inode->nlink, 0);
	KT_EQ(kernel_read(f, buf, sizeof(buf), &pos), 10);
	KT_ASSERT(memcmp(buf, "persistent", 10) == 0);
	pos = 4096 * 10;
	KT_EQ(kernel_write(f, "more", 4, &pos), 4);     /* grows while nameless */
	free_before = pmm_free_pages();
	file_put(f);                                    /* the inode and its pages go now */
	KT_ASSERT(pmm_free_pages() >= free_before + 2);
	kt_leave(&e);
	return 0;
}

struct collect {
	struct dir_context ctx;
	char names[8][16];
	uint64_t next_pos[8];
	int n, max;
};

static bool
collect_emit(struct dir_context *dc, const char *name, size_t len, uint64_t ino, unsigned type)
{
	struct collect *c = container_of(dc, struct collect, ctx);

	if (c->n == c->max)
		return false;
	memcpy(c->names[c->n], name, MIN(len, (size_t)15));
	c->names[c->n][MIN(len, (size_t)15)] = '\0';
	c->n++;
	return true;
}

KTEST(fs_ops_readdir, "readdir lists . .. and entries; a removed entry does not disturb a reader")
{
	struct collect c = { .ctx.emit = collect_emit, .max = 3 };
	struct kt_env e;
	struct file *d;

	KT_EQ(kt_enter(&e, "/kt/readdir"), 0);
	KT_EQ(kt_write_file("one", "", 0, 0644), 0);
	KT_EQ(kt_write_file("two", "", 0, 0644), 0);
	KT_EQ(kt_write_file("three", "", 0, 0644), 0);
	d = vfs_openat(AT_FDCWD, ".", O_RDONLY | O_DIRECTORY, 0);
	KT_ASSERT(!IS_ERR(d));
	KT_EQ(file_readdir(d, &c.ctx), 0);
	KT_EQ(c.n, 3);
	KT_ASSERT(strcmp(c.names[0], ".") == 0 && strcmp(c.names[1], "..") == 0);
	KT_ASSERT(strcmp(c.names[2], "one") == 0);
	KT_EQ(vfs_unlinkat(AT_FDCWD, "two", 0), 0);     /* between two reads */
	c.max = 8;
	KT_EQ(file_readdir(d, &c.ctx), 0);
	KT_EQ(c.n, 4);
	KT_ASSERT(strcmp(c.names[3], "three") == 0);
	KT_EQ(file_llseek(d, 0, SEEK_SET), 0);          /* rewinddir */
	c.n = 0;
	KT_EQ(file_readdir(d, &c.ctx), 0);
	KT_EQ(c.n, 4);
	file_put(d);
	kt_leave(&e);
	return 0;
}
