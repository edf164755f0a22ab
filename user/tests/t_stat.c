// SPDX-License-Identifier: MIT
/*
 * File attributes: stat, fstat, lstat, fstatat, statx and utimensat.  The
 * stat family must agree with itself (fstat and stat of one file give one
 * inode) and report the type bits that the rest of user space dispatches on.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "utest.h"

/* Linux's struct statx (the C library here does not declare it). */
struct ut_statx_ts {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t reserved;
};

struct ut_statx {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, spare0;
	uint64_t ino, size, blocks, attributes_mask;
	struct ut_statx_ts atime, btime, ctime, mtime;
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
	uint64_t spare[14];
};

#define UT_STATX_BASIC_STATS	0x7ffu
#define UT_STATX_RESERVED	0x80000000u

TEST(stat_regular_file, "stat reports type, size, link count and owner of a new file")
{
	struct stat st;

	ut_write_file("f", "12345");
	CHECK_OK(stat("f", &st));
	CHECK(S_ISREG(st.st_mode));
	CHECK_EQ(st.st_mode & 07777, 0644);
	CHECK_EQ(st.st_size, 5);
	CHECK_EQ(st.st_nlink, 1);
	CHECK_EQ(st.st_uid, geteuid());
	CHECK_EQ(st.st_gid, getegid());
	CHECK(st.st_blksize > 0);
}

TEST(fstat_matches_stat, "fstat of an open file and stat of its name give the same inode")
{
	struct stat a, b;

	ut_write_file("f", "x");
	int fd = CHECK_OK(open("f", O_RDONLY));
	CHECK_OK(fstat(fd, &a));
	CHECK_OK(stat("f", &b));
	CHECK_EQ(a.st_dev, b.st_dev);
	CHECK_EQ(a.st_ino, b.st_ino);
	CHECK_ERR(fstat(-1, &a), EBADF);
}

TEST(lstat_reports_symlink, "lstat describes the link itself: S_IFLNK, size = target length")
{
	struct stat st;

	ut_write_file("f", "abc");
	CHECK_OK(symlink("f", "l"));
	CHECK_OK(lstat("l", &st));
	CHECK(S_ISLNK(st.st_mode));
	CHECK_EQ(st.st_size, 1);
	CHECK_OK(stat("l", &st));
	CHECK(S_ISREG(st.st_mode));
	CHECK_EQ(st.st_size, 3);
}

TEST(fstatat_flags, "fstatat honours AT_SYMLINK_NOFOLLOW and AT_EMPTY_PATH, rejects unknown flags")
{
	struct stat st;

	CHECK_OK(mkdir("d", 0755));
	CHECK_OK(symlink("nowhere", "d/l"));
	int dfd = CHECK_OK(open("d", O_RDONLY | O_DIRECTORY));
	CHECK_OK(fstatat(dfd, "l", &st, AT_SYMLINK_NOFOLLOW));
	CHECK(S_ISLNK(st.st_mode));
	CHECK_ERR(fstatat(dfd, "l", &st, 0), ENOENT);
	CHECK_OK(fstatat(dfd, "", &st, AT_EMPTY_PATH));
	CHECK(S_ISDIR(st.st_mode));
	CHECK_ERR(fstatat(dfd, "", &st, 0), ENOENT);
	CHECK_ERR(fstatat(dfd, "l", &st, 0x40000000), EINVAL);
}

TEST(stat_bad_pointers_efault, "stat with an unmapped path or buffer fails with EFAULT")
{
	ut_write_file("f", "");
	CHECK_ERR(syscall(SYS_stat, UT_BAD_PTR, UT_BAD_PTR), EFAULT);
	CHECK_ERR(syscall(SYS_stat, "f", UT_BAD_PTR), EFAULT);
	int fd = CHECK_OK(open("f", O_RDONLY));
	CHECK_ERR(syscall(SYS_fstat, fd, UT_BAD_PTR), EFAULT);
}

TEST(stat_directory_links, "a directory is S_IFDIR with 2 links, plus one per subdirectory")
{
	struct stat st;

	CHECK_OK(mkdir("d", 0755));
	CHECK_OK(stat("d", &st));
	CHECK(S_ISDIR(st.st_mode));
	CHECK_EQ(st.st_nlink, 2);
	CHECK_OK(mkdir("d/sub", 0755));
	CHECK_OK(stat("d", &st));
	CHECK_EQ(st.st_nlink, 3);
}

TEST(stat_through_file_enotdir, "a path that walks through a regular file fails with ENOTDIR")
{
	struct stat st;

	ut_write_file("f", "");
	CHECK_ERR(stat("f/x", &st), ENOTDIR);
	CHECK_ERR(stat("f/", &st), ENOTDIR);
}

TEST(stat_dev_null_char_device, "/dev/null is character device 1,3")
{
	struct stat st;

	if (stat("/dev/null", &st) < 0)
		SKIP("no /dev/null");
	CHECK(S_ISCHR(st.st_mode));
	CHECK_EQ(major(st.st_rdev), 1);
	CHECK_EQ(minor(st.st_rdev), 3);
}

TEST(fstat_pipe_is_fifo, "fstat of a pipe end reports S_IFIFO")
{
	struct stat st;
	int p[2];

	CHECK_OK(pipe(p));
	CHECK_OK(fstat(p[0], &st));
	CHECK(S_ISFIFO(st.st_mode));
}

TEST(statx_basic_stats, "statx fills the basic fields and they agree with stat")
{
	struct ut_statx sx;
	struct stat st;

	ut_write_file("f", "hello");
	memset(&sx, 0xff, sizeof(sx));
	CHECK_OK(syscall(SYS_statx, AT_FDCWD, "f", 0, UT_STATX_BASIC_STATS, &sx));
	CHECK_OK(stat("f", &st));
	CHECK_EQ(sx.mask & 0x3ff, 0x3ff);	/* everything but perhaps blocks */
	CHECK_EQ(sx.size, 5);
	CHECK_EQ(sx.ino, st.st_ino);
	CHECK_EQ(sx.mode, st.st_mode);
	CHECK_EQ(sx.nlink, 1);
	CHECK_EQ(sx.mtime.tv_sec, st.st_mtim.tv_sec);
	CHECK_EQ(makedev(sx.dev_major, sx.dev_minor), st.st_dev);
}

TEST(statx_bad_args, "statx rejects a reserved mask bit or unknown flags (EINVAL), bad buffers (EFAULT)")
{
	struct ut_statx sx;

	ut_write_file("f", "");
	CHECK_ERR(syscall(SYS_statx, AT_FDCWD, "f", 0, UT_STATX_RESERVED, &sx), EINVAL);
	CHECK_ERR(syscall(SYS_statx, AT_FDCWD, "f", 0x40000000, UT_STATX_BASIC_STATS, &sx), EINVAL);
	CHECK_ERR(syscall(SYS_statx, AT_FDCWD, "f", 0, UT_STATX_BASIC_STATS, UT_BAD_PTR), EFAULT);
	CHECK_ERR(syscall(SYS_statx, AT_FDCWD, "missing", 0, UT_STATX_BASIC_STATS, &sx), ENOENT);
}

TEST(utimensat_sets_times, "utimensat sets atime and mtime exactly; UTIME_OMIT leaves one alone")
{
	struct timespec ts[2] = { { 1000000000, 5 }, { 1200000000, 7 } };
	struct stat st;

	ut_write_file("f", "");
	CHECK_OK(utimensat(AT_FDCWD, "f", ts, 0));
	CHECK_OK(stat("f", &st));
	CHECK_EQ(st.st_atim.tv_sec, 1000000000);
	CHECK_EQ(st.st_mtim.tv_sec, 1200000000);
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_sec = 1300000000;
	CHECK_OK(utimensat(AT_FDCWD, "f", ts, 0));
	CHECK_OK(stat("f", &st));
	CHECK_EQ(st.st_atim.tv_sec, 1000000000);
	CHECK_EQ(st.st_mtim.tv_sec, 1300000000);
	ts[1].tv_nsec = 1000000000;
	CHECK_ERR(utimensat(AT_FDCWD, "f", ts, 0), EINVAL);
}

TEST(write_updates_mtime, "writing a file moves its mtime and ctime forward")
{
	struct timespec old[2] = { { 1000, 0 }, { 1000, 0 } };
	struct stat st;

	int fd = CHECK_OK(open("f", O_RDWR | O_CREAT, 0644));
	CHECK_OK(futimens(fd, old));
	CHECK_EQ(write(fd, "x", 1), 1);
	CHECK_OK(fstat(fd, &st));
	CHECK(st.st_mtim.tv_sec > 1000);
	CHECK(st.st_ctim.tv_sec > 1000);
	CHECK(st.st_mtim.tv_sec >= time(NULL) - 60);
}

TEST(stat_nlink_follows_link_unlink, "st_nlink counts names: link adds one, unlink removes one")
{
	struct stat st;

	ut_write_file("f", "");
	CHECK_OK(link("f", "g"));
	CHECK_OK(stat("f", &st));
	CHECK_EQ(st.st_nlink, 2);
	CHECK_OK(unlink("g"));
	CHECK_OK(stat("f", &st));
	CHECK_EQ(st.st_nlink, 1);
}
