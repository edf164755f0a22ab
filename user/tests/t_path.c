// SPDX-License-Identifier: MIT
/*
 * Path resolution and the working directory: chdir, fchdir, getcwd, the
 * meaning of "." and "..", repeated slashes, trailing slashes, and symbolic
 * links followed in chains up to Linux's limit of 40 (ELOOP beyond it).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "utest.h"

TEST(chdir_getcwd, "chdir changes the directory that getcwd reports")
{
	char start[PATH_MAX], now[PATH_MAX];

	CHECK(getcwd(start, sizeof(start)) != NULL);
	CHECK_OK(mkdir("d", 0755));
	CHECK_OK(chdir("d"));
	CHECK(getcwd(now, sizeof(now)) != NULL);
	CHECK_EQ(strlen(now), strlen(start) + 2);
	CHECK(strncmp(now, start, strlen(start)) == 0 && strcmp(now + strlen(start), "/d") == 0);
	CHECK_OK(chdir(".."));
	CHECK(getcwd(now, sizeof(now)) != NULL);
	CHECK(strcmp(now, start) == 0);
}

TEST(chdir_errors, "chdir to a file is ENOTDIR, to a missing name ENOENT")
{
	ut_write_file("f", "");
	CHECK_ERR(chdir("f"), ENOTDIR);
	CHECK_ERR(chdir("missing"), ENOENT);
	CHECK_ERR(syscall(SYS_chdir, UT_BAD_PTR), EFAULT);
}

TEST(fchdir_returns, "fchdir goes back to a directory held open; on a file it is ENOTDIR")
{
	char a[PATH_MAX], b[PATH_MAX];

	CHECK(getcwd(a, sizeof(a)) != NULL);
	int here = CHECK_OK(open(".", O_RDONLY | O_DIRECTORY));
	CHECK_OK(chdir("/"));
	CHECK_OK(fchdir(here));
	CHECK(getcwd(b, sizeof(b)) != NULL);
	CHECK(strcmp(a, b) == 0);
	ut_write_file("f", "");
	int f = CHECK_OK(open("f", O_RDONLY));
	CHECK_ERR(fchdir(f), ENOTDIR);
	CHECK_ERR(fchdir(-1), EBADF);
}

TEST(getcwd_small_buffer_erange, "getcwd with a buffer too small fails with ERANGE")
{
	char buf[PATH_MAX];

	CHECK_ERR(syscall(SYS_getcwd, buf, 2), ERANGE);
	CHECK_ERR(syscall(SYS_getcwd, UT_BAD_PTR, sizeof(buf)), EFAULT);
	long n = CHECK_OK(syscall(SYS_getcwd, buf, sizeof(buf)));
	CHECK_EQ(n, (long)strlen(buf) + 1);	/* the raw call counts the NUL */
}

TEST(getcwd_after_rmdir, "getcwd in a removed directory fails with ENOENT")
{
	char buf[PATH_MAX];

	CHECK_OK(mkdir("d", 0755));
	CHECK_OK(chdir("d"));
	CHECK_OK(rmdir("../d"));
	CHECK_ERR(syscall(SYS_getcwd, buf, sizeof(buf)), ENOENT);
}

TEST(path_dot_and_dotdot, "'.' stays and '..' climbs while resolving a path")
{
	struct stat a, b;

	CHECK_OK(mkdir("x", 0755));
	CHECK_OK(mkdir("x/y", 0755));
	ut_write_file("x/y/f", "");
	CHECK_OK(stat("x/y/f", &a));
	CHECK_OK(stat("./x/./y/../y/./f", &b));
	CHECK_EQ(a.st_ino, b.st_ino);
	CHECK_OK(stat("x//y///f", &b));
	CHECK_EQ(a.st_ino, b.st_ino);
}

TEST(path_dotdot_at_root, "'..' of the root is the root itself")
{
	struct stat a, b;

	CHECK_OK(stat("/", &a));
	CHECK_OK(stat("/..", &b));
	CHECK_EQ(a.st_ino, b.st_ino);
	CHECK_OK(stat("/../../..", &b));
	CHECK_EQ(a.st_ino, b.st_ino);
}

TEST(path_trailing_slash, "a trailing slash demands a directory")
{
	struct stat st;

	ut_write_file("f", "");
	CHECK_OK(mkdir("d", 0755));
	CHECK_OK(stat("d/", &st));
	CHECK_ERR(open("f/", O_RDONLY), ENOTDIR);
	CHECK_ERR(open("new/", O_RDWR | O_CREAT, 0644), EISDIR);
	CHECK_OK(mkdir("e/", 0755));
	CHECK_OK(rmdir("e/"));
}

TEST(path_relative_symlink, "a relative symlink target is resolved from the link's directory")
{
	char buf[8] = { 0 };

	CHECK_OK(mkdir("d", 0755));
	ut_write_file("d/target", "T");
	CHECK_OK(symlink("target", "d/l"));
	CHECK_OK(symlink("d/l", "top"));
	ut_read_file("top", buf, sizeof(buf));
	CHECK(strcmp(buf, "T") == 0);
	CHECK_OK(symlink("..", "d/up"));
	CHECK_OK(access("d/up/d/target", F_OK));
}

TEST(path_symlink_to_dir_mid_path, "a symlink in the middle of a path is followed as a directory")
{
	CHECK_OK(mkdir("real", 0755));
	ut_write_file("real/f", "");
	CHECK_OK(symlink("real", "alias"));
	CHECK_OK(access("alias/f", F_OK));
	char abs[PATH_MAX + 16], cwd[PATH_MAX];
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	snprintf(abs, sizeof(abs), "%s/real", cwd);
	CHECK_OK(symlink(abs, "absalias"));
	CHECK_OK(access("absalias/f", F_OK));
}

/* l1 -> l2 -> ... -> l<n> -> file */
static void
make_chain(int n)
{
	char name[16], target[16];

	ut_write_file("file", "end");
	for (int i = 1; i <= n; i++) {
		snprintf(name, sizeof(name), "l%d", i);
		if (i == n)
			snprintf(target, sizeof(target), "file");
		else
			snprintf(target, sizeof(target), "l%d", i + 1);
		CHECK_OK(symlink(target, name));
	}
}

TEST(path_symlink_chain_40, "a chain of 40 symlinks resolves; 41 fail with ELOOP")
{
	make_chain(41);
	CHECK_OK(access("l2", F_OK));	/* 40 links */
	CHECK_ERR(access("l1", F_OK), ELOOP);	/* 41 links */
	CHECK_ERR(open("l1", O_RDONLY), ELOOP);
}

TEST(path_symlink_loop_eloop, "a symlink cycle fails with ELOOP")
{
	CHECK_OK(symlink("b", "a"));
	CHECK_OK(symlink("a", "b"));
	CHECK_ERR(open("a", O_RDONLY), ELOOP);
	CHECK_OK(symlink("self/x", "self"));
	CHECK_ERR(access("self", F_OK), ELOOP);
}

TEST(path_o_nofollow, "O_NOFOLLOW refuses a final symlink with ELOOP but follows earlier ones")
{
	CHECK_OK(mkdir("d", 0755));
	ut_write_file("d/f", "");
	CHECK_OK(symlink("d", "dl"));
	CHECK_OK(symlink("d/f", "fl"));
	CHECK_ERR(open("fl", O_RDONLY | O_NOFOLLOW), ELOOP);
	close(CHECK_OK(open("dl/f", O_RDONLY | O_NOFOLLOW)));
}

TEST(path_too_long_enametoolong, "a path of PATH_MAX bytes or more fails with ENAMETOOLONG")
{
	static char path[PATH_MAX + 2];

	for (int i = 0; i < PATH_MAX; i += 2) {
		path[i] = 'a';
		path[i + 1] = '/';
	}
	path[PATH_MAX] = 0;
	CHECK_ERR(access(path, F_OK), ENAMETOOLONG);
}

TEST(path_deep_tree, "a 64-level directory tree can be made, walked and removed")
{
	char path[64 * 3 + 8] = "";

	for (int i = 0; i < 64; i++) {
		strcat(path, i ? "/dd" : "dd");
		CHECK_OK(mkdir(path, 0755));
	}
	strcat(path, "/f");
	ut_write_file(path, "deep");
	CHECK_OK(access(path, R_OK));
	CHECK_OK(unlink(path));
	for (int i = 63; i >= 0; i--) {
		path[i * 3 + 2] = 0;
		CHECK_OK(rmdir(path));
	}
}
