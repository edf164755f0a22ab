// SPDX-License-Identifier: MIT
/*
 * Names in directories: mkdir, rmdir, unlink(at), rename(at), link,
 * symlink, readlink and reading a directory with getdents64.  These are the
 * calls whose corner cases (renaming a directory into itself, unlinking an
 * open file, a buffer too small for one entry) show whether the name space
 * is kept consistent.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "utest.h"

struct ut_dirent64 {
	uint64_t ino;
	int64_t off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

TEST(mkdir_rmdir, "mkdir makes an empty directory and rmdir removes it")
{
	struct stat st;

	CHECK_OK(mkdir("d", 0755));
	CHECK_OK(stat("d", &st));
	CHECK(S_ISDIR(st.st_mode));
	CHECK_OK(rmdir("d"));
	CHECK_ERR(stat("d", &st), ENOENT);
}

TEST(mkdir_errors, "mkdir on an existing name is EEXIST, under a missing parent ENOENT")
{
	ut_write_file("f", "");
	CHECK_OK(mkdir("d", 0755));
	CHECK_ERR(mkdir("d", 0755), EEXIST);
	CHECK_ERR(mkdir("f", 0755), EEXIST);
	CHECK_ERR(mkdir("no/d", 0755), ENOENT);
	CHECK_ERR(mkdir("f/d", 0755), ENOTDIR);
	CHECK_ERR(syscall(SYS_mkdir, UT_BAD_PTR, 0755), EFAULT);
}

TEST(rmdir_errors, "rmdir refuses non-empty dirs (ENOTEMPTY), files (ENOTDIR) and '.' (EINVAL)")
{
	CHECK_OK(mkdir("d", 0755));
	ut_write_file("d/f", "");
	CHECK_ERR(rmdir("d"), ENOTEMPTY);
	CHECK_ERR(rmdir("d/f"), ENOTDIR);
	CHECK_ERR(rmdir("d/."), EINVAL);
	CHECK_ERR(rmdir("missing"), ENOENT);
}

TEST(unlink_removes_name, "unlink removes a name; unlinking a directory is EISDIR")
{
	struct stat st;

	ut_write_file("f", "");
	CHECK_OK(mkdir("d", 0755));
	CHECK_OK(unlink("f"));
	CHECK_ERR(stat("f", &st), ENOENT);
	CHECK_ERR(unlink("f"), ENOENT);
	CHECK_ERR(unlink("d"), EISDIR);
}

TEST(unlink_open_file_stays_readable, "an unlinked file lives on while it is open")
{
	char buf[8] = { 0 };
	struct stat st;

	ut_write_file("f", "alive");
	int fd = CHECK_OK(open("f", O_RDWR));
	CHECK_OK(unlink("f"));
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_nlink, 0);
	CHECK_EQ(pwrite(fd, "!", 1, 5), 1);
	CHECK_EQ(pread(fd, buf, sizeof(buf), 0), 6);
	CHECK(memcmp(buf, "alive!", 6) == 0);
}

TEST(unlinkat_flags, "unlinkat removes files, AT_REMOVEDIR removes dirs, other flags are EINVAL")
{
	CHECK_OK(mkdir("d", 0755));
	ut_write_file("d/f", "");
	int dfd = CHECK_OK(open("d", O_RDONLY | O_DIRECTORY));
	CHECK_ERR(unlinkat(dfd, "f", 0x1), EINVAL);
	CHECK_OK(unlinkat(dfd, "f", 0));
	CHECK_OK(mkdir("d/sub", 0755));
	CHECK_ERR(unlinkat(dfd, "sub", 0), EISDIR);
	CHECK_OK(unlinkat(dfd, "sub", AT_REMOVEDIR));
	CHECK_OK(unlinkat(AT_FDCWD, "d", AT_REMOVEDIR));
}

TEST(rename_replaces_target, "rename moves a file over an existing one; the old name is gone")
{
	char buf[8] = { 0 };
	struct stat st;

	ut_write_file("a", "new");
	ut_write_file("b", "old");
	CHECK_OK(rename("a", "b"));
	CHECK_ERR(stat("a", &st), ENOENT);
	ut_read_file("b", buf, sizeof(buf));
	CHECK(strcmp(buf, "new") == 0);
	CHECK_OK(rename("b", "b"));	/* same name: nothing happens */
	CHECK_OK(stat("b", &st));
}

TEST(rename_directory_rules, "rename refuses a dir into itself (EINVAL) or over a non-empty dir")
{
	CHECK_OK(mkdir("d", 0755));
	CHECK_OK(mkdir("d/sub", 0755));
	CHECK_OK(mkdir("full", 0755));
	ut_write_file("full/f", "");
	CHECK_OK(mkdir("empty", 0755));
	ut_write_file("file", "");
	CHECK_ERR(rename("d", "d/sub/x"), EINVAL);
	CHECK_ERR(rename("d", "full"), ENOTEMPTY);
	CHECK_ERR(rename("file", "empty"), EISDIR);
	CHECK_ERR(rename("d", "file"), ENOTDIR);
	CHECK_OK(rename("d", "empty"));
	CHECK_OK(access("empty/sub", F_OK));
}

TEST(renameat_across_dirs, "renameat moves a name between two directory fds")
{
	CHECK_OK(mkdir("x", 0755));
	CHECK_OK(mkdir("y", 0755));
	ut_write_file("x/f", "");
	int a = CHECK_OK(open("x", O_RDONLY | O_DIRECTORY));
	int b = CHECK_OK(open("y", O_RDONLY | O_DIRECTORY));
	CHECK_OK(renameat(a, "f", b, "g"));
	CHECK_ERR(access("x/f", F_OK), ENOENT);
	CHECK_OK(access("y/g", F_OK));
	CHECK_ERR(renameat(a, "f", b, "h"), ENOENT);
}

TEST(link_shares_inode, "a hard link is a second name for the same inode")
{
	struct stat a, b;

	ut_write_file("f", "data");
	CHECK_OK(link("f", "g"));
	CHECK_OK(stat("f", &a));
	CHECK_OK(stat("g", &b));
	CHECK_EQ(a.st_ino, b.st_ino);
	CHECK_EQ(a.st_nlink, 2);
	CHECK_ERR(link("f", "g"), EEXIST);
	CHECK_ERR(link("missing", "h"), ENOENT);
}

TEST(link_to_directory_eperm, "hard links to directories are refused with EPERM")
{
	CHECK_OK(mkdir("d", 0755));
	CHECK_ERR(link("d", "d2"), EPERM);
}

TEST(symlink_readlink_roundtrip, "readlink returns a symlink's target exactly, unresolved")
{
	char buf[64];

	CHECK_OK(symlink("some/where/../else", "l"));
	ssize_t n = CHECK_OK(readlink("l", buf, sizeof(buf)));
	CHECK_EQ(n, 18);
	CHECK(memcmp(buf, "some/where/../else", 18) == 0);
	CHECK_ERR(symlink("x", "l"), EEXIST);
}

TEST(readlink_errors, "readlink of a non-link is EINVAL; a short buffer truncates without a NUL")
{
	char buf[4] = { 'z', 'z', 'z', 'z' };

	ut_write_file("f", "");
	CHECK_ERR(readlink("f", buf, sizeof(buf)), EINVAL);
	CHECK_OK(symlink("abcdef", "l"));
	CHECK_EQ(readlink("l", buf, 3), 3);
	CHECK(memcmp(buf, "abcz", 4) == 0);
	CHECK_ERR(syscall(SYS_readlink, "l", buf, 0), EINVAL);
	CHECK_ERR(syscall(SYS_readlink, "l", UT_BAD_PTR, 8), EFAULT);
}

TEST(symlink_dangling, "a dangling symlink lstat()s fine and stat()s as ENOENT")
{
	struct stat st;

	CHECK_OK(symlink("nothing-here", "l"));
	CHECK_OK(lstat("l", &st));
	CHECK_ERR(stat("l", &st), ENOENT);
	/* O_CREAT through a dangling link creates the target. */
	close(CHECK_OK(open("l", O_WRONLY | O_CREAT, 0644)));
	CHECK_OK(stat("nothing-here", &st));
}

/* Read a whole directory with raw getdents64 calls; returns the entry count
 * and checks each record's shape.  Sets *seen bits for names "a", "b", "c". */
static int
list_dir(int fd, int *seen, int bufsize)
{
	char buf[4096];
	int count = 0;
	long n;

	while ((n = syscall(SYS_getdents64, fd, buf, bufsize)) > 0) {
		for (long off = 0; off < n;) {
			struct ut_dirent64 *d = (struct ut_dirent64 *)(buf + off);

			CHECK(d->reclen > 0 && off + d->reclen <= n);
			CHECK(d->ino != 0);
			if (!strcmp(d->name, "a") || !strcmp(d->name, "b"))
				CHECK_EQ(d->type, DT_REG);
			if (!strcmp(d->name, "c"))
				CHECK_EQ(d->type, DT_DIR);
			if (d->name[0] >= 'a' && d->name[0] <= 'c' && !d->name[1])
				*seen |= 1 << (d->name[0] - 'a');
			count++;
			off += d->reclen;
		}
	}
	CHECK_EQ(n, 0);
	return count;
}

TEST(getdents64_lists_entries, "getdents64 lists '.', '..' and every name with its type")
{
	int seen = 0;

	ut_write_file("a", "");
	ut_write_file("b", "");
	CHECK_OK(mkdir("c", 0755));
	int fd = CHECK_OK(open(".", O_RDONLY | O_DIRECTORY));
	CHECK_EQ(list_dir(fd, &seen, 4096), 5);
	CHECK_EQ(seen, 7);
	/* A tiny buffer takes more calls but lists the same. */
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	seen = 0;
	CHECK_EQ(list_dir(fd, &seen, 40), 5);
	CHECK_EQ(seen, 7);
}

TEST(getdents64_after_unlink, "after an unlink and a rewind the name is no longer listed")
{
	int seen = 0;

	ut_write_file("a", "");
	ut_write_file("b", "");
	int fd = CHECK_OK(open(".", O_RDONLY | O_DIRECTORY));
	CHECK_EQ(list_dir(fd, &seen, 4096), 4);
	CHECK_OK(unlink("a"));
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	seen = 0;
	CHECK_EQ(list_dir(fd, &seen, 4096), 3);
	CHECK_EQ(seen, 2);
}

TEST(getdents64_errors, "getdents64 on a file is ENOTDIR, with a too-small buffer EINVAL")
{
	char buf[256];

	ut_write_file("f", "");
	int f = CHECK_OK(open("f", O_RDONLY));
	int d = CHECK_OK(open(".", O_RDONLY | O_DIRECTORY));
	CHECK_ERR(syscall(SYS_getdents64, f, buf, sizeof(buf)), ENOTDIR);
	CHECK_ERR(syscall(SYS_getdents64, d, buf, 8), EINVAL);
	CHECK_ERR(syscall(SYS_getdents64, d, UT_BAD_PTR, sizeof(buf)), EFAULT);
	CHECK_ERR(syscall(SYS_getdents64, 999, buf, sizeof(buf)), EBADF);
}

TEST(readdir_many_entries, "a directory of 300 files lists every one exactly once")
{
	static unsigned char seen[300];
	char name[16];
	struct dirent *e;

	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "file%03d", i);
		close(CHECK_OK(open(name, O_WRONLY | O_CREAT, 0644)));
	}
	DIR *d = opendir(".");
	CHECK(d != NULL);
	while ((e = readdir(d)) != NULL) {
		int i;

		if (sscanf(e->d_name, "file%d", &i) == 1) {
			CHECK(i >= 0 && i < 300 && !seen[i]);
			seen[i] = 1;
		}
	}
	closedir(d);
	for (int i = 0; i < 300; i++)
		CHECK(seen[i]);
}
