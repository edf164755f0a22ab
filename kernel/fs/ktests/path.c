// SPDX-License-Identifier: MIT
/* ktests for the path walk: dots, symbolic links, errors, *at calls, chroot. */
#include "fs/ktests/ktfs.h"
#include "fs/internal.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/stat.h"

static uint64_t
ino_of(const char *path)
{
	struct kstat st;

	return kt_stat(path, &st, false) == 0 ? st.ino : 0;
}

KTEST(fs_path_dots, "'.' and '..' walk as expected, and '..' stops at the root")
{
	struct kt_env e;
	uint64_t c;

	KT_EQ(kt_enter(&e, "/kt/dots"), 0);
	KT_EQ(vfs_mkdirat(AT_FDCWD, "a", 0755), 0);
	KT_EQ(vfs_mkdirat(AT_FDCWD, "a/b", 0755), 0);
	KT_EQ(vfs_mkdirat(AT_FDCWD, "a/b/c", 0755), 0);
	c = ino_of("a/b/c");
	KT_ASSERT(c != 0);
	KT_EQ(ino_of("a/./b/../b/c"), c);
	KT_EQ(ino_of("./a//b///c/"), c);
	KT_EQ(ino_of("/kt/dots/a/b/c/."), c);
	KT_EQ(ino_of("a/b/c/.."), ino_of("a/b"));
	KT_EQ(ino_of("/.."), ino_of("/"));
	KT_EQ(ino_of("/../../kt/.."), ino_of("/"));
	KT_EQ(ino_of("../../../../.."), ino_of("/"));
	kt_leave(&e);
	return 0;
}

KTEST(fs_path_errors, "ENOENT, ENOTDIR, trailing slashes and ENAMETOOLONG")
{
	char *longname = kmalloc(300);
	struct kt_env e;
	struct path p;
	struct kstat st;

	KT_ASSERT(longname);
	KT_EQ(kt_enter(&e, "/kt/errors"), 0);
	KT_EQ(kt_write_file("file", "x", 1, 0644), 0);
	KT_EQ(vfs_mkdirat(AT_FDCWD, "dir", 0755), 0);
	KT_EQ(kt_stat("missing", &st, false), -ENOENT);
	KT_EQ(kt_stat("missing/x", &st, false), -ENOENT);
	KT_EQ(kt_stat("file/x", &st, false), -ENOTDIR);
	KT_EQ(kt_stat("file/", &st, false), -ENOTDIR);
	KT_EQ(kt_stat("file/.", &st, false), -ENOTDIR);
	KT_EQ(kt_stat("dir/", &st, false), 0);
	KT_EQ(kt_stat("", &st, false), -ENOENT);
	KT_EQ(vfs_statat(AT_FDCWD, "", AT_EMPTY_PATH, &st), 0);   /* the cwd itself */
	KT_ASSERT(S_ISDIR(st.mode));
	KT_ASSERT(PTR_ERR(vfs_openat(AT_FDCWD, "new/", O_CREAT | O_WRONLY, 0644)) == -EISDIR);
	KT_ASSERT(PTR_ERR(vfs_openat(AT_FDCWD, "file", O_RDONLY | O_DIRECTORY, 0)) == -ENOTDIR);
	memset(longname, 'n', 256);
	longname[256] = '\0';
	KT_EQ(kt_stat(longname, &st, false), -ENAMETOOLONG);
	longname[255] = '\0';
	KT_EQ(kt_write_file(longname, "y", 1, 0644), 0);  /* 255 is allowed */
	KT_EQ(vfs_path_lookup(AT_FDCWD, longname, 0, &p), 0);
	path_put(&p);
	kfree(longname);
	kt_leave(&e);
	return 0;
}

KTEST(fs_path_symlinks, "links in the middle and at the end, absolute and relative, NOFOLLOW")
{
	struct kt_env e;
	struct kstat st;
	struct file *f;
	char buf[64];

	KT_EQ(kt_enter(&e, "/kt/links"), 0);
	KT_EQ(vfs_mkdirat(AT_FDCWD, "d", 0755), 0);
	KT_EQ(kt_write_file("d/f", "hello", 5, 0644), 0);
	KT_EQ(vfs_symlinkat("d", AT_FDCWD, "rel"), 0);
	KT_EQ(vfs_symlinkat("/kt/links/d/f", AT_FDCWD, "abs"), 0);
	KT_EQ(vfs_symlinkat("../../links/rel/", AT_FDCWD, "d/up"), 0);
	KT_EQ(vfs_symlinkat("nowhere", AT_FDCWD, "dangling"), 0);
	KT_EQ(kt_read_file("rel/f", buf, sizeof(buf)), 5);          /* middle */
	KT_EQ(kt_read_file("abs", buf, sizeof(buf)), 5);            /* end, absolute */
	KT_EQ(kt_read_file("d/up/up/up/f", buf, sizeof(buf)), 5);   /* nested, relative */
	KT_EQ(kt_stat("abs", &st, true), 0);
	KT_ASSERT(S_ISLNK(st.mode));
	KT_EQ(st.size, 13);
	KT_EQ(kt_stat("rel/", &st, true), 0);                       /* a slash follows */
	KT_ASSERT(S_ISDIR(st.mode));
	KT_EQ(kt_stat("dangling", &st, false), -ENOENT);
	KT_EQ(kt_stat("dangling", &st, true), 0);
	KT_ASSERT(PTR_ERR(vfs_openat(AT_FDCWD, "abs", O_RDONLY | O_NOFOLLOW, 0)) == -ELOOP);
	f = vfs_openat(AT_FDCWD, "abs", O_PATH | O_NOFOLLOW, 0);
	KT_ASSERT(!IS_ERR(f));
	KT_ASSERT(S_ISLNK(f->inode->mode));
	file_put(f);
	KT_EQ(vfs_readlinkat(AT_FDCWD, "rel", buf, sizeof(buf)), 1);
	KT_EQ(vfs_readlinkat(AT_FDCWD, "d", buf, sizeof(buf)), -EINVAL);
	/* O_CREAT through a dangling link creates its target. */
	f = vfs_openat(AT_FDCWD, "dangling", O_CREAT | O_WRONLY, 0600);
	KT_ASSERT(!IS_ERR(f));
	file_put(f);
	KT_EQ(kt_stat("nowhere", &st, false), 0);
	KT_ASSERT(PTR_ERR(vfs_openat(AT_FDCWD, "abs", O_CREAT | O_EXCL | O_WRONLY, 0600)) ==
		  -EEXIST);
	kt_leave(&e);
	return 0;
}

KTEST(fs_path_eloop, "link loops give ELOOP; a chain of 40 links resolves, 41 does not")
{
	struct kt_env e;
	struct kstat st;
	char name[16], target[16];

	KT_EQ(kt_enter(&e, "/kt/loop"), 0);
	KT_EQ(vfs_symlinkat("l2", AT_FDCWD, "l1"), 0);
	KT_EQ(vfs_symlinkat("l1", AT_FDCWD, "l2"), 0);
	KT_EQ(vfs_symlinkat("self/x", AT_FDCWD, "self"), 0);
	KT_EQ(kt_stat("l1", &st, false), -ELOOP);
	KT_EQ(kt_stat("l1/x", &st, false), -ELOOP);
	KT_EQ(kt_stat("self", &st, false), -ELOOP);
	KT_EQ(kt_stat("l1", &st, true), 0);             /* lstat does not follow */
	KT_EQ(kt_write_file("target", "t", 1, 0644), 0);
	/* c0 -> c1 -> ... -> c40 -> target: following c1 takes 40 links. */
	for (int i = 40; i >= 0; i--) {
		ksnprintf(name, sizeof(name), "c%d", i);
		if (i == 40)
			strlcpy(target, "target", sizeof(target));
		else
			ksnprintf(target, sizeof(target), "c%d", i + 1);
		KT_EQ(vfs_symlinkat(target, AT_FDCWD, name), 0);
	}
	KT_EQ(kt_stat("c1", &st, false), 0);
	KT_ASSERT(S_ISREG(st.mode));
	KT_EQ(kt_stat("c0", &st, false), -ELOOP);
	kt_leave(&e);
	return 0;
}

KTEST(fs_path_at_calls, "*at calls resolve against a directory descriptor")
{
	struct kt_env e;
	struct kstat st;
	struct file *d;
	int dfd, ffd;

	KT_EQ(kt_enter(&e, "/kt/at"), 0);
	KT_EQ(vfs_mkdirat(AT_FDCWD, "sub", 0755), 0);
	d = vfs_openat(AT_FDCWD, "sub", O_RDONLY | O_DIRECTORY, 0);
	KT_ASSERT(!IS_ERR(d));
	dfd = fd_install(files_current(), d, 0);
	KT_ASSERT(dfd >= 0);
	KT_EQ(vfs_mkdirat(dfd, "inner", 0700), 0);
	KT_EQ(kt_stat("sub/inner", &st, false), 0);
	KT_EQ(vfs_statat(dfd, "inner", 0, &st), 0);
	KT_EQ(vfs_statat(dfd, "/kt/at/sub", 0, &st), 0);  /* absolute ignores dirfd */
	KT_EQ(vfs_statat(dfd, "", AT_EMPTY_PATH, &st), 0);
	KT_EQ(st.ino, ino_of("sub"));
	KT_EQ(vfs_statat(dfd, "", 0, &st), -ENOENT);
	KT_EQ(vfs_statat(999, "x", 0, &st), -EBADF);
	KT_EQ(kt_write_file("plain", "p", 1, 0644), 0);
	ffd = fd_install(files_current(), vfs_openat(AT_FDCWD, "plain", O_RDONLY, 0), 0);
	KT_ASSERT(ffd >= 0);
	KT_EQ(vfs_statat(ffd, "x", 0, &st), -ENOTDIR);
	KT_EQ(vfs_statat(ffd, "", AT_EMPTY_PATH, &st), 0);  /* fstat through the path call */
	KT_ASSERT(S_ISREG(st.mode));
	kt_leave(&e);
	return 0;
}

KTEST(fs_path_chroot_getcwd, "chroot confines '..' and absolute paths; getcwd follows")
{
	struct kt_env e;
	char buf[128];

	KT_EQ(kt_enter(&e, "/kt/jail"), 0);
	KT_EQ(vfs_mkdirat(AT_FDCWD, "in", 0755), 0);
	KT_EQ(kt_write_file("in/secret", "s", 1, 0644), 0);
	KT_EQ(vfs_chdir("in"), 0);
	KT_EQ(vfs_getcwd(buf, sizeof(buf)), 12);
	KT_ASSERT(strcmp(buf, "/kt/jail/in") == 0);
	KT_EQ(vfs_getcwd(buf, 5), -ERANGE);
	KT_EQ(vfs_chroot("/kt/jail"), 0);
	KT_EQ(vfs_getcwd(buf, sizeof(buf)), 4);
	KT_ASSERT(strcmp(buf, "/in") == 0);
	KT_EQ(ino_of("/../../in/secret"), ino_of("secret"));
	KT_EQ(vfs_chdir("/"), 0);
	KT_EQ(vfs_getcwd(buf, sizeof(buf)), 2);
	KT_ASSERT(strcmp(buf, "/") == 0);
	/* A removed working directory has no name. */
	KT_EQ(vfs_mkdirat(AT_FDCWD, "/gone", 0755), 0);
	KT_EQ(vfs_chdir("/gone"), 0);
	KT_EQ(vfs_unlinkat(AT_FDCWD, "/gone", AT_REMOVEDIR), 0);
	KT_EQ(vfs_getcwd(buf, sizeof(buf)), -ENOENT);
	KT_EQ(vfs_mkdirat(AT_FDCWD, "x", 0755), -ENOENT);
	kt_leave(&e);
	return 0;
}
