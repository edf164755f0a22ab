// SPDX-License-Identifier: MIT
/* ktests for permissions: owner/group/other bits, root, sticky, chmod and chown rules. */
#include "fs/ktests/ktfs.h"
#include "fs/internal.h"
#include "fs/vfs.h"
#include "lib/string.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/stat.h"

static int
open_err(const char *path, int flags)
{
	struct file *f = vfs_openat(AT_FDCWD, path, flags, 0644);

	if (IS_ERR(f))
		return (int)PTR_ERR(f);
	file_put(f);
	return 0;
}

KTEST(fs_perm_bits, "a non-root user gets the owner, group or other bits; root gets nearly all")
{
	struct kt_env e;

	KT_EQ(kt_enter(&e, "/kt/perm"), 0);
	KT_EQ(kt_write_file("secret", "s", 1, 0600), 0);
	KT_EQ(kt_write_file("public", "p", 1, 0644), 0);
	KT_EQ(kt_write_file("group", "g", 1, 0640), 0);
	KT_EQ(kt_write_file("script", "#!", 2, 0644), 0);
	KT_EQ(vfs_fchownat(AT_FDCWD, "group", 0, 100, 0), 0);
	KT_EQ(vfs_fchmodat(AT_FDCWD, ".", 0755, 0), 0);
	kt_as(&e, 1000, 1000);
	KT_EQ(open_err("secret", O_RDONLY), -EACCES);
	KT_EQ(open_err("public", O_RDONLY), 0);
	KT_EQ(open_err("public", O_WRONLY), -EACCES);
	KT_EQ(open_err("group", O_RDONLY), -EACCES);
	e.cred.groups[0] = 100;                         /* a supplementary group */
	e.cred.ngroups = 1;
	KT_EQ(open_err("group", O_RDONLY), 0);
	KT_EQ(open_err("new", O_CREAT | O_WRONLY), -EACCES);    /* the directory is 0755 root */
	KT_EQ(vfs_faccessat(AT_FDCWD, "public", 4, 0), 0);
	KT_EQ(vfs_faccessat(AT_FDCWD, "public", 2, 0), -EACCES);
	kt_as_root(&e);
	KT_EQ(open_err("secret", O_RDWR), 0);           /* root reads and writes anything */
	KT_EQ(vfs_fchmodat(AT_FDCWD, "secret", 0000, 0), 0);
	KT_EQ(open_err("secret", O_RDWR), 0);
	/* ...but executes only what some x bit allows. */
	KT_EQ(vfs_faccessat(AT_FDCWD, "script", 1, 0), -EACCES);
	KT_EQ(vfs_fchmodat(AT_FDCWD, "script", 0744, 0), 0);
	KT_EQ(vfs_faccessat(AT_FDCWD, "script", 1, 0), 0);
	kt_as(&e, 1000, 1000);
	KT_EQ(vfs_faccessat(AT_FDCWD, "script", 1, 0), -EACCES);    /* x for the owner only */
	kt_leave(&e);
	return 0;
}

KTEST(fs_perm_search_and_exec, "a directory without x cannot be passed; exec needs x on a file")
{
	struct kt_env e;
	struct kstat st;
	struct file *f;

	KT_EQ(kt_enter(&e, "/kt/search"), 0);
	KT_EQ(vfs_mkdirat(AT_FDCWD, "locked", 0700), 0);
	KT_EQ(kt_write_file("locked/f", "f", 1, 0755), 0);
	kt_as(&e, 1000, 1000);
	KT_EQ(kt_stat("locked/f", &st, false), -EACCES);
	KT_EQ(kt_stat("locked", &st, false), 0);        /* the name itself is visible */
	kt_as_root(&e);
	f = vfs_openat(AT_FDCWD, "locked/f", O_RDONLY, 0);
	KT_ASSERT(!IS_ERR(f));
	KT_EQ(file_may_exec(f), 0);
	file_put(f);
	f = vfs_openat(AT_FDCWD, "locked", O_RDONLY, 0);
	KT_EQ(file_may_exec(f), -EACCES);               /* a directory */
	file_put(f);
	kt_leave(&e);
	return 0;
}

KTEST(fs_perm_sticky, "in a sticky directory only the owners (or root) remove a name")
{
	struct kt_env e;

	KT_EQ(kt_enter(&e, "/kt/sticky"), 0);
	KT_EQ(vfs_fchmodat(AT_FDCWD, ".", 01777, 0), 0);
	kt_as(&e, 1000, 1000);
	KT_EQ(kt_write_file("mine", "m", 1, 0644), 0);
	kt_as(&e, 1001, 1001);
	KT_EQ(kt_write_file("theirs", "t", 1, 0644), 0);
	KT_EQ(vfs_unlinkat(AT_FDCWD, "mine", 0), -EPERM);
	KT_EQ(vfs_renameat2(AT_FDCWD, "mine", AT_FDCWD, "stolen", 0), -EPERM);
	KT_EQ(vfs_renameat2(AT_FDCWD, "theirs", AT_FDCWD, "mine", 0), -EPERM);
	KT_EQ(vfs_unlinkat(AT_FDCWD, "theirs", 0), 0);
	kt_as(&e, 1000, 1000);
	KT_EQ(vfs_unlinkat(AT_FDCWD, "mine", 0), 0);
	kt_leave(&e);
	return 0;
}

KTEST(fs_perm_chmod_chown, "chmod by the owner; chown only by root; setuid bits dropped on write")
{
	struct kt_env e;
	struct kstat st;
	struct file *f;
	uint64_t pos = 0;

	KT_EQ(kt_enter(&e, "/kt/chown"), 0);
	KT_EQ(kt_write_file("f", "f", 1, 0644), 0);
	KT_EQ(vfs_fchownat(AT_FDCWD, "f", 1000, 1000, 0), 0);
	kt_as(&e, 1000, 1000);
	KT_EQ(vfs_fchmodat(AT_FDCWD, "f", 04755, 0), 0);
	KT_EQ(vfs_fchownat(AT_FDCWD, "f", 0, (uint32_t)-1, 0), -EPERM);
	KT_EQ(vfs_fchownat(AT_FDCWD, "f", (uint32_t)-1, 50, 0), -EPERM);    /* not its group */
	KT_EQ(vfs_fchownat(AT_FDCWD, "f", (uint32_t)-1, 1000, 0), 0);
	KT_EQ(kt_stat("f", &st, false), 0);
	KT_EQ(st.mode & 07777, 0755);                   /* chown dropped setuid */
	KT_EQ(vfs_fchmodat(AT_FDCWD, "f", 04755, 0), 0);
	f = vfs_openat(AT_FDCWD, "f", O_WRONLY, 0);
	KT_ASSERT(!IS_ERR(f));
	KT_EQ(kernel_write(f, "x", 1, &pos), 1);
	file_put(f);
	KT_EQ(kt_stat("f", &st, false), 0);
	KT_EQ(st.mode & 07777, 0755);                   /* and so did the write */
	kt_as(&e, 1001, 1001);
	KT_EQ(vfs_fchmodat(AT_FDCWD, "f", 0777, 0), -EPERM);
	kt_as_root(&e);
	KT_EQ(vfs_fchownat(AT_FDCWD, "f", 7, 8, 0), 0);
	KT_EQ(kt_stat("f", &st, false), 0);
	KT_EQ(st.uid, 7);
	KT_EQ(st.gid, 8);
	kt_leave(&e);
	return 0;
}

KTEST(fs_perm_setgid_dir, "a setgid directory passes its group to new files and subdirectories")
{
	struct kt_env e;
	struct kstat st;

	KT_EQ(kt_enter(&e, "/kt/setgid"), 0);
	KT_EQ(vfs_mkdirat(AT_FDCWD, "shared", 0777), 0);
	KT_EQ(vfs_fchownat(AT_FDCWD, "shared", 0, 42, 0), 0);
	KT_EQ(vfs_fchmodat(AT_FDCWD, "shared", 02777, 0), 0);
	kt_as(&e, 1000, 1000);
	KT_EQ(kt_write_file("shared/f", "", 0, 0644), 0);
	KT_EQ(vfs_mkdirat(AT_FDCWD, "shared/d", 0755), 0);
	KT_EQ(kt_stat("shared/f", &st, false), 0);
	KT_EQ(st.gid, 42);
	KT_EQ(st.uid, 1000);
	KT_EQ(kt_stat("shared/d", &st, false), 0);
	KT_EQ(st.gid, 42);
	KT_ASSERT(st.mode & S_ISGID);
	kt_leave(&e);
	return 0;
}

KTEST(fs_perm_open_exec, "exec's open needs x, not r; refuses directories and links")
{
	struct kt_env e;
	struct file *f;
	struct file_exec_info info;

	KT_EQ(kt_enter(&e, "/kt/exec"), 0);
	KT_EQ(kt_write_file("prog", "\177ELF", 4, 0711), 0);
	KT_EQ(vfs_fchmodat(AT_FDCWD, "prog", 04711, 0), 0);
	KT_EQ(kt_write_file("data", "d", 1, 0644), 0);
	KT_EQ(vfs_symlinkat("prog", AT_FDCWD, "link"), 0);
	kt_as(&e, 1000, 1000);
	KT_EQ(open_err("prog", O_RDONLY), -EACCES);
	f = vfs_open_exec(AT_FDCWD, "prog", 0);
	KT_ASSERT(!IS_ERR(f));
	KT_EQ(file_exec_info(f, &info), 0);
	KT_EQ(info.mode, S_IFREG | 04711);
	KT_EQ(info.uid, 0);
	KT_EQ(info.size, 4);
	KT_ASSERT(!info.noexec_mount && !info.nosuid_mount);
	file_put(f);
	KT_EQ(PTR_ERR(vfs_open_exec(AT_FDCWD, "data", 0)), -EACCES);
	KT_EQ(PTR_ERR(vfs_open_exec(AT_FDCWD, ".", 0)), -EACCES);
	KT_EQ(PTR_ERR(vfs_open_exec(AT_FDCWD, "link", AT_SYMLINK_NOFOLLOW)), -ELOOP);
	f = vfs_open_exec(AT_FDCWD, "link", 0);
	KT_ASSERT(!IS_ERR(f));
	file_put(f);
	kt_leave(&e);
	return 0;
}
