// SPDX-License-Identifier: MIT
/*
 * Permissions and credentials: umask, chmod/fchmod, chown, access and
 * faccessat, the permission checks an unprivileged process meets, and the
 * set*id family that changes who a process is.  Tests that need an
 * unprivileged user start as root and become "nobody" (65534) inside their
 * own child; they skip when the suite does not run as root.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "utest.h"

TEST(umask_returns_old, "umask sets the mask and returns the previous one")
{
	CHECK_EQ(umask(027), 022);
	CHECK_EQ(umask(0777 | 01000), 027);	/* only the 0777 bits are kept */
	CHECK_EQ(umask(0), 0777);
}

TEST(umask_applies_to_creation, "new files and directories lose the umask's bits")
{
	struct stat st;

	umask(027);
	close(CHECK_OK(open("f", O_WRONLY | O_CREAT, 0666)));
	CHECK_OK(stat("f", &st));
	CHECK_EQ(st.st_mode & 0777, 0640);
	CHECK_OK(mkdir("d", 0777));
	CHECK_OK(stat("d", &st));
	CHECK_EQ(st.st_mode & 0777, 0750);
}

TEST(chmod_fchmod, "chmod and fchmod set the permission bits and keep the file type")
{
	struct stat st;

	ut_write_file("f", "");
	CHECK_OK(chmod("f", 0600));
	CHECK_OK(stat("f", &st));
	CHECK_EQ(st.st_mode, S_IFREG | 0600);
	int fd = CHECK_OK(open("f", O_RDONLY));
	CHECK_OK(fchmod(fd, 04755));
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_mode, S_IFREG | 04755);
	CHECK_ERR(chmod("missing", 0600), ENOENT);
	CHECK_ERR(fchmod(-1, 0600), EBADF);
}

TEST(access_modes, "access answers F_OK/R_OK/W_OK/X_OK; unknown mode bits are EINVAL")
{
	ut_write_file("f", "");
	CHECK_OK(chmod("f", 0644));
	CHECK_OK(access("f", F_OK));
	CHECK_OK(access("f", R_OK | W_OK));
	CHECK_ERR(access("missing", F_OK), ENOENT);
	CHECK_ERR(access("f", 0x40), EINVAL);
	/* Even root may execute only a file with some execute bit. */
	CHECK_ERR(access("f", X_OK), EACCES);
	CHECK_OK(chmod("f", 0744));
	CHECK_OK(access("f", X_OK));
}

TEST(faccessat_flags, "faccessat works from a dirfd and rejects unknown flags with EINVAL")
{
	CHECK_OK(mkdir("d", 0755));
	ut_write_file("d/f", "");
	int dfd = CHECK_OK(open("d", O_RDONLY | O_DIRECTORY));
	CHECK_OK(faccessat(dfd, "f", R_OK, 0));
	CHECK_ERR(faccessat(dfd, "g", R_OK, 0), ENOENT);
	CHECK_ERR(faccessat(dfd, "f", R_OK, 0x10000000), EINVAL);
}

TEST(nobody_denied_by_mode, "an unprivileged user cannot open a 0600 root file (EACCES)")
{
	ut_write_file("f", "secret");
	CHECK_OK(chmod("f", 0600));
	ut_become_nobody();
	CHECK_ERR(open("f", O_RDONLY), EACCES);
	CHECK_ERR(access("f", R_OK), EACCES);
	CHECK_ERR(open("f", O_WRONLY | O_TRUNC), EACCES);
}

TEST(nobody_needs_search_permission, "walking through a directory needs its x bit (EACCES)")
{
	CHECK_OK(mkdir("d", 0755));
	ut_write_file("d/f", "");
	CHECK_OK(chmod("d/f", 0644));
	CHECK_OK(chmod("d", 0744));
	ut_become_nobody();
	struct stat st;
	CHECK_ERR(stat("d/f", &st), EACCES);
	CHECK_OK(stat("d", &st));
}

TEST(nobody_cannot_chmod_others_files, "chmod of another user's file is EPERM")
{
	ut_write_file("f", "");
	ut_become_nobody();
	CHECK_ERR(chmod("f", 0777), EPERM);
	CHECK_ERR(chown("f", UT_NOBODY, UT_NOBODY), EPERM);
}

TEST(nobody_owns_new_files, "a file made by nobody is owned by nobody")
{
	struct stat st;

	ut_become_nobody();
	ut_write_file("f", "");
	CHECK_OK(stat("f", &st));
	CHECK_EQ(st.st_uid, UT_NOBODY);
	CHECK_EQ(st.st_gid, UT_NOBODY);
	CHECK_OK(chmod("f", 0600));	/* the owner may */
}

TEST(chown_as_root, "root may chown a file; chown drops the set-user-ID bit")
{
	struct stat st;

	ut_need_root();
	ut_write_file("f", "");
	CHECK_OK(chmod("f", 04755));
	CHECK_OK(chown("f", UT_NOBODY, UT_NOBODY));
	CHECK_OK(stat("f", &st));
	CHECK_EQ(st.st_uid, UT_NOBODY);
	CHECK_EQ(st.st_gid, UT_NOBODY);
	CHECK_EQ(st.st_mode & 04000, 0);
}

TEST(getuid_family_consistent, "the real, effective and saved IDs agree at start")
{
	uid_t r, e, s;
	gid_t gr, ge, gs;

	CHECK_OK(getresuid(&r, &e, &s));
	CHECK_OK(getresgid(&gr, &ge, &gs));
	CHECK_EQ(r, getuid());
	CHECK_EQ(e, geteuid());
	CHECK_EQ(gr, getgid());
	CHECK_EQ(ge, getegid());
	CHECK_ERR(syscall(SYS_getresuid, UT_BAD_PTR, &e, &s), EFAULT);
}

TEST(setuid_root_drops_all, "setuid as root sets all three IDs, and there is no way back")
{
	uid_t r, e, s;

	ut_need_root();
	CHECK_OK(setuid(UT_NOBODY));
	CHECK_OK(getresuid(&r, &e, &s));
	CHECK(r == UT_NOBODY && e == UT_NOBODY && s == UT_NOBODY);
	CHECK_ERR(setuid(0), EPERM);
	CHECK_ERR(seteuid(0), EPERM);
}

TEST(setresuid_keeps_saved, "with a saved root ID the effective ID can go and come back")
{
	uid_t r, e, s;

	ut_need_root();
	CHECK_OK(setresuid(UT_NOBODY, UT_NOBODY, 0));
	CHECK_OK(getresuid(&r, &e, &s));
	CHECK(r == UT_NOBODY && e == UT_NOBODY && s == 0);
	ut_write_file("f", "");
	CHECK_OK(chmod("f", 0600));	/* our own file, made as nobody */
	CHECK_OK(setresuid(-1, 0, -1));
	CHECK_EQ(geteuid(), 0);
	CHECK_OK(setresuid(0, 0, 0));
	CHECK_EQ(getuid(), 0);
}

TEST(setgid_family, "setgid/setresgid work for root and fail with EPERM for nobody")
{
	gid_t r, e, s;

	ut_need_root();
	CHECK_OK(setresgid(100, 101, 102));
	CHECK_OK(getresgid(&r, &e, &s));
	CHECK(r == 100 && e == 101 && s == 102);
	CHECK_OK(setgid(0));
	ut_become_nobody();
	CHECK_ERR(setgid(0), EPERM);
	CHECK_ERR(setresgid(0, -1, -1), EPERM);
	CHECK_OK(setgid(UT_NOBODY));	/* to one's own ID is allowed */
}

TEST(setgroups_getgroups, "root sets the supplementary groups; nobody may not (EPERM)")
{
	gid_t set[3] = { 5, 6, 7 }, got[8];

	ut_need_root();
	CHECK_OK(setgroups(3, set));
	CHECK_EQ(getgroups(8, got), 3);
	CHECK(got[0] == 5 && got[1] == 6 && got[2] == 7);
	CHECK_EQ(getgroups(0, NULL), 3);
	CHECK_ERR(getgroups(1, got), EINVAL);
	ut_become_nobody();
	CHECK_ERR(setgroups(3, set), EPERM);
}
