// SPDX-License-Identifier: MIT
/*
 * The VFS's rules as an unprivileged user meets them, and the edges of
 * the namespace: sticky directories, root's overrides, set-user-ID and
 * set-group-ID programs (and nosuid mounts), setuid bits that chown,
 * write and truncate drop, time changes with UTIME_NOW, names that are too
 * long, EXDEV between mounts, statfs, and flock beside fcntl locks.  Tests
 * that mount start as root and skip where mounting is not allowed.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "utest.h"

#define OTHER_UID 1234
#define OTHER_GID 4321
#define TMPFS_MAGIC 0x01021994

/* Mount a fresh tmpfs on dir (made here), or skip if mounting is not allowed. */
static void
mount_tmpfs(const char *dir, unsigned long flags)
{
	ut_need_root();
	CHECK_OK(mkdir(dir, 0755));
	if (mount("none", dir, "tmpfs", flags, NULL) < 0) {
		if (errno == EPERM)
			SKIP("mount: EPERM");
		FAIL("mount tmpfs on %s: %s", dir, ut_errname(errno));
	}
}

/* Run fn in a child as nobody; it must exit 0. */
static void
as_nobody(void (*fn)(void))
{
	pid_t pid = ut_fork();

	if (pid == 0) {
		ut_become_nobody();
		fn();
		_exit(0);
	}
	ut_wait_exit(pid, 0);
}

static void
nobody_in_sticky(void)
{
	CHECK_ERR(unlink("d/root_file"), EPERM);		/* another's file */
	CHECK_ERR(rename("d/root_file", "d/x"), EPERM);
	CHECK_ERR(rename("d/mine", "d/root_file"), EPERM);	/* nor replace it */
	CHECK_OK(unlink("d/mine"));				/* its own */
	CHECK_OK(unlink("own/root_file"));			/* in its own directory */
	CHECK_ERR(unlink("shut/f"), EACCES);			/* no write permission */
	CHECK_ERR(mkdir("shut/sub", 0755), EACCES);
}

TEST(sticky_dir_protects_names, "in a sticky directory only owners remove names; root always may")
{
	ut_need_root();
	CHECK_OK(mkdir("d", 0777));
	CHECK_OK(chmod("d", 01777));
	ut_write_file("d/root_file", "");
	ut_write_file("d/mine", "");
	CHECK_OK(chown("d/mine", UT_NOBODY, UT_NOBODY));
	CHECK_OK(mkdir("own", 0755));
	CHECK_OK(chmod("own", 01777));
	CHECK_OK(chown("own", UT_NOBODY, UT_NOBODY));
	ut_write_file("own/root_file", "");
	CHECK_OK(mkdir("shut", 0755));
	ut_write_file("shut/f", "");
	as_nobody(nobody_in_sticky);
	CHECK_OK(access("d/root_file", F_OK));
	CHECK_ERR(access("own/root_file", F_OK), ENOENT);
	ut_write_file("d/theirs", "");
	CHECK_OK(chown("d/theirs", UT_NOBODY, UT_NOBODY));
	CHECK_OK(unlink("d/theirs"));				/* root overrides */
}

TEST(root_overrides_modes, "root reads, writes and searches anything, but runs only with an x bit")
{
	ut_need_root();
	ut_write_file("f", "data");
	CHECK_OK(chmod("f", 0));
	close(CHECK_OK(open("f", O_RDWR)));
	CHECK_OK(mkdir("d", 0));
	ut_write_file("d/g", "");
	CHECK_OK(access("d/g", F_OK));
	CHECK_ERR(execl("./f", "f", (char *)NULL), EACCES);	/* no x bit at all */
	CHECK_ERR(access("f", X_OK), EACCES);
	CHECK_OK(chmod("f", 0001));
	CHECK_OK(access("f", X_OK));				/* any x bit will do */
	CHECK_OK(chmod("d", 0700));
}

/* Print the real and effective IDs. */
HELPER(creds)
{
	printf("%d %d %d %d\n", (int)getuid(), (int)geteuid(), (int)getgid(), (int)getegid());
	return 0;
}

/* A copy of this binary at path, owned by OTHER_UID:OTHER_GID with mode. */
static void
install_prog(const char *path, unsigned mode)
{
	int in = CHECK_OK(open(ut_self, O_RDONLY));
	int out = CHECK_OK(open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755));
	struct stat st;

	CHECK_OK(fstat(in, &st));
	for (off_t off = 0; off < st.st_size;)
		CHECK(sendfile(out, in, &off, st.st_size - off) > 0);
	close(in);
	close(out);
	CHECK_OK(chown(path, OTHER_UID, OTHER_GID));
	CHECK_OK(chmod(path, mode));	/* after chown, which drops the set-ID bits */
}

/* Run path --helper=creds as nobody; its output in buf. */
static void
creds_of(const char *path, char *buf, size_t size)
{
	int p[2];

	CHECK_OK(pipe(p));
	pid_t pid = ut_fork();
	if (pid == 0) {
		ut_become_nobody();
		dup2(p[1], 1);
		execl(path, path, "--helper=creds", (char *)NULL);
		FAIL("exec %s: %s", path, ut_errname(errno));
	}
	close(p[1]);
	ssize_t n = read(p[0], buf, size - 1);
	buf[n > 0 ? n : 0] = 0;
	close(p[0]);
	ut_wait_exit(pid, 0);
}

TEST(exec_honours_setuid_setgid, "exec of a set-ID program makes its owner and group effective")
{
	char out[64], want[64];

	ut_need_root();
	install_prog("suid", 04755);
	install_prog("sgid", 02755);
	install_prog("plain", 0755);
	creds_of("./suid", out, sizeof(out));
	snprintf(want, sizeof(want), "%d %d %d %d\n", UT_NOBODY, OTHER_UID, UT_NOBODY, UT_NOBODY);
	CHECK(strcmp(out, want) == 0);
	creds_of("./sgid", out, sizeof(out));
	snprintf(want, sizeof(want), "%d %d %d %d\n", UT_NOBODY, UT_NOBODY, UT_NOBODY, OTHER_GID);
	CHECK(strcmp(out, want) == 0);
	creds_of("./plain", out, sizeof(out));
	snprintf(want, sizeof(want), "%d %d %d %d\n", UT_NOBODY, UT_NOBODY, UT_NOBODY, UT_NOBODY);
	CHECK(strcmp(out, want) == 0);
}

TEST(nosuid_mount_ignores_setuid, "on a nosuid mount the set-ID bits of a program are ignored")
{
	char out[64], want[64];
	struct statfs sf;

	mount_tmpfs("m", MS_NOSUID);
	install_prog("m/suid", 06755);
	creds_of("./m/suid", out, sizeof(out));
	CHECK_OK(umount("m"));
	snprintf(want, sizeof(want), "%d %d %d %d\n", UT_NOBODY, UT_NOBODY, UT_NOBODY, UT_NOBODY);
	if (strcmp(out, want))
		FAIL("the program ran with IDs %.40s", out);
	mount_tmpfs("n", MS_NOSUID | MS_NOEXEC);
	CHECK_OK(statfs("n", &sf));
	CHECK_OK(umount("n"));
	CHECK((sf.f_flags & (ST_NOSUID | ST_NOEXEC)) == (ST_NOSUID | ST_NOEXEC));
}

static void
nobody_changes_own_files(void)
{
	struct stat st;

	CHECK_OK(chown("mine", -1, UT_NOBODY));		/* no real change, still drops them */
	CHECK_OK(stat("mine", &st));
	CHECK_EQ(st.st_mode & 07777, 0755);
	CHECK_EQ(write(CHECK_OK(open("w", O_WRONLY)), "x", 1), 1);
	CHECK_OK(stat("w", &st));
	CHECK_EQ(st.st_mode & 07777, 0777);
	CHECK_OK(truncate("t", 0));
	CHECK_OK(stat("t", &st));
	CHECK_EQ(st.st_mode & 07777, 0777);
}

TEST(setuid_dropped_by_chown_write_truncate, "chown, write and truncate by non-root drop set-ID")
{
	struct stat st;

	ut_need_root();
	ut_write_file("mine", "");
	CHECK_OK(chown("mine", UT_NOBODY, UT_NOBODY));
	CHECK_OK(chmod("mine", 06755));
	ut_write_file("w", "");
	CHECK_OK(chmod("w", 06777));
	ut_write_file("t", "data");
	CHECK_OK(chmod("t", 06777));
	ut_write_file("r", "");
	CHECK_OK(chmod("r", 06777));
	as_nobody(nobody_changes_own_files);
	CHECK_EQ(write(CHECK_OK(open("r", O_WRONLY)), "x", 1), 1);	/* root keeps them */
	CHECK_OK(stat("r", &st));
	CHECK_EQ(st.st_mode & 07777, 06777);
}

static void
nobody_sets_times(void)
{
	struct timespec now[2] = { { 0, UTIME_NOW }, { 0, UTIME_NOW } };
	struct timespec past[2] = { { 1000, 0 }, { 1000, 0 } };

	CHECK_OK(utimensat(AT_FDCWD, "open", NULL, 0));		/* write access is enough */
	CHECK_OK(utimensat(AT_FDCWD, "open", now, 0));
	CHECK_ERR(utimensat(AT_FDCWD, "open", past, 0), EPERM);	/* a chosen time: owner only */
	CHECK_ERR(utimensat(AT_FDCWD, "closed", NULL, 0), EACCES);
	CHECK_ERR(utimensat(AT_FDCWD, "closed", now, 0), EACCES);
}

TEST(utimensat_now_and_omit, "UTIME_NOW stamps the present, UTIME_OMIT keeps; who may do which")
{
	struct timespec t[2] = { { 1000, 5 }, { 2000, 7 } }, before, after;
	struct stat st;

	ut_write_file("f", "");
	CHECK_OK(utimensat(AT_FDCWD, "f", t, 0));
	CHECK_OK(clock_gettime(CLOCK_REALTIME, &before));
	t[0].tv_nsec = UTIME_OMIT;
	t[1].tv_nsec = UTIME_NOW;
	CHECK_OK(utimensat(AT_FDCWD, "f", t, 0));
	CHECK_OK(clock_gettime(CLOCK_REALTIME, &after));
	CHECK_OK(stat("f", &st));
	CHECK_EQ(st.st_atim.tv_sec, 1000);
	CHECK_EQ(st.st_atim.tv_nsec, 5);
	CHECK(st.st_mtim.tv_sec >= before.tv_sec - 1 && st.st_mtim.tv_sec <= after.tv_sec + 1);
	CHECK(st.st_ctim.tv_sec >= before.tv_sec - 1);
	if (geteuid() != 0)
		return;
	ut_write_file("open", "");
	CHECK_OK(chmod("open", 0666));
	ut_write_file("closed", "");
	CHECK_OK(chmod("closed", 0644));
	as_nobody(nobody_sets_times);
}

TEST(long_names_enametoolong, "a component over 255 bytes is ENAMETOOLONG for every call")
{
	char name[300];

	memset(name, 'n', 256);
	name[256] = 0;
	ut_write_file("f", "");
	CHECK_ERR(mkdir(name, 0755), ENAMETOOLONG);
	CHECK_ERR(unlink(name), ENAMETOOLONG);
	CHECK_ERR(rename("f", name), ENAMETOOLONG);
	CHECK_ERR(link("f", name), ENAMETOOLONG);
	CHECK_ERR(symlink("f", name), ENAMETOOLONG);
	CHECK_ERR(rmdir(name), ENAMETOOLONG);
	name[255] = 0;
	CHECK_OK(mkdir(name, 0755));				/* 255 is allowed */
	CHECK_OK(rmdir(name));
}

TEST(cross_mount_exdev, "rename and link between mounts fail with EXDEV, even a bind of one fs")
{
	ut_write_file("f", "");
	mount_tmpfs("m", 0);
	CHECK_ERR(rename("f", "m/f"), EXDEV);
	CHECK_ERR(link("f", "m/f"), EXDEV);
	ut_write_file("m/g", "");
	CHECK_ERR(rename("m/g", "g"), EXDEV);
	CHECK_OK(mkdir("m/sub", 0755));
	CHECK_OK(mkdir("b", 0755));
	CHECK_OK(mount("m/sub", "b", NULL, MS_BIND, NULL));
	CHECK_ERR(rename("m/g", "b/g"), EXDEV);		/* the same file system, two mounts */
	CHECK_OK(rename("m/g", "m/sub/g"));
	CHECK_OK(access("b/g", F_OK));
	CHECK_OK(umount("b"));
	CHECK_OK(umount("m"));
}

TEST(statfs_fields, "statfs of a tmpfs: type, sizes, free space that shrinks as files grow")
{
	struct statfs a, b;
	static char mib[1 << 20];

	mount_tmpfs("m", 0);
	CHECK_OK(statfs("m", &a));
	CHECK_EQ(a.f_type, TMPFS_MAGIC);
	CHECK_EQ(a.f_bsize, 4096);
	CHECK_EQ(a.f_namelen, 255);
	CHECK(a.f_blocks > 0 && a.f_bfree <= a.f_blocks && a.f_bavail <= a.f_blocks);
	CHECK(a.f_files > 0 && a.f_ffree <= a.f_files);
	memset(mib, 'x', sizeof(mib));
	int fd = CHECK_OK(open("m/big", O_WRONLY | O_CREAT, 0644));
	ut_write_all(fd, mib, sizeof(mib));
	CHECK_OK(fstatfs(fd, &b));
	close(fd);
	CHECK_EQ(b.f_type, TMPFS_MAGIC);
	CHECK(a.f_bfree - b.f_bfree >= sizeof(mib) / 4096);
	CHECK(b.f_ffree < a.f_ffree);
	CHECK_OK(umount("m"));
	CHECK_ERR(statfs("missing", &a), ENOENT);
	CHECK_ERR(syscall(SYS_statfs, ".", UT_BAD_PTR), EFAULT);	/* musl would write it first */
}

TEST(flock_independent_of_fcntl, "flock locks follow the open file and ignore fcntl record locks")
{
	int fd = CHECK_OK(open("f", O_RDWR | O_CREAT, 0644));
	int other = CHECK_OK(open("f", O_RDWR));
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

	CHECK_OK(flock(fd, LOCK_EX));
	CHECK_ERR(flock(other, LOCK_EX | LOCK_NB), EWOULDBLOCK);
	CHECK_ERR(flock(other, LOCK_SH | LOCK_NB), EWOULDBLOCK);
	CHECK_OK(fcntl(other, F_OFD_SETLK, &fl));		/* a different kind of lock */
	pid_t pid = ut_fork();
	if (pid == 0) {
		CHECK_OK(flock(fd, LOCK_EX | LOCK_NB));		/* the same description: held */
		CHECK_ERR(fcntl(fd, F_SETLK, &fl), EAGAIN);	/* the OFD lock blocks this */
		_exit(0);
	}
	ut_wait_exit(pid, 0);
	CHECK_OK(flock(fd, LOCK_UN));
	CHECK_OK(flock(other, LOCK_SH | LOCK_NB));
	CHECK_OK(flock(fd, LOCK_SH | LOCK_NB));			/* shared by both */
	CHECK_ERR(flock(fd, 0x40), EINVAL);
}
