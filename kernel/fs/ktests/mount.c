// SPDX-License-Identifier: MIT
/* ktests for mounts: crossing both ways, busy unmounts, bind, move, lazy, statfs. */
#include "fs/ktests/ktfs.h"
#include "fs/internal.h"
#include "lib/string.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/mount.h"
#include "uapi/stat.h"
#include "uapi/statfs.h"

KTEST(fs_mount_crossing, "a tmpfs hides the directory it sits on; '..' at its root climbs out")
{
	struct kt_env e;
	struct kstat st, under;
	char buf[8];

	KT_EQ(kt_enter(&e, "/kt/mnt"), 0);
	KT_EQ(vfs_mkdirat(AT_FDCWD, "m", 0755), 0);
	KT_EQ(kt_write_file("m/under", "u", 1, 0644), 0);
	KT_EQ(kt_stat("m", &under, false), 0);
	KT_EQ(vfs_mount("none", "/kt/mnt/m", "tmpfs", 0, "mode=0700"), 0);
	KT_EQ(kt_stat("m/under", &st, false), -ENOENT);
	KT_EQ(kt_stat("m", &st, false), 0);
	KT_ASSERT(st.dev != under.dev);
	KT_EQ(st.mode, S_IFDIR | 0700);
	KT_ASSERT(st.mount_root);
	KT_EQ(kt_write_file("m/over", "o", 1, 0644), 0);
	KT_EQ(vfs_chdir("m"), 0);
	KT_EQ(kt_stat("..", &st, false), 0);
	KT_EQ(st.ino, (kt_stat("/kt/mnt", &under, false), under.ino));
	KT_EQ(kt_read_file("../m/over", buf, sizeof(buf)), 1);
	/* Busy: our cwd is inside.  Then free. */
	KT_EQ(vfs_umount("/kt/mnt/m", 0), -EBUSY);
	KT_EQ(vfs_chdir("/kt/mnt"), 0);
	KT_EQ(vfs_umount("/kt/mnt/m", 0), 0);
	KT_EQ(kt_stat("m/under", &st, false), 0);
	KT_EQ(kt_stat("m/over", &st, false), -ENOENT);
	KT_EQ(vfs_umount("/kt/mnt/m", 0), -EINVAL);      /* not a mount any more */
	KT_EQ(vfs_mount("none", "/kt/mnt/m", "nosuchfs", 0, NULL), -ENODEV);
	KT_EQ(vfs_mount("none", "/kt/mnt/m", "sysfs", 0, NULL), -ENODEV);
	KT_EQ(vfs_mount("none", "/kt/mnt/m/under", "tmpfs", 0, NULL), -ENOTDIR);
	kt_leave(&e);
	return 0;
}

KTEST(fs_mount_busy_file_and_lazy, "an open file keeps a mount busy; MNT_DETACH lets go at once")
{
	struct kt_env e;
	struct kstat st;
	struct file *f;
	uint64_t pos = 0;
	char buf[8];

	KT_EQ(kt_enter(&e, "/kt/lazy"), 0);
	KT_EQ(vfs_mkdirat(AT_FDCWD, "m", 0755), 0);
	KT_EQ(vfs_mount("tmp", "m", "tmpfs", 0, NULL), 0);
	KT_EQ(vfs_mkdirat(AT_FDCWD, "m/inner", 0755), 0);
	KT_EQ(vfs_mount("tmp2", "m/inner", "ramfs", 0, NULL), 0);
	KT_EQ(kt_write_file("m/inner/f", "deep", 4, 0644), 0);
	f = vfs_openat(AT_FDCWD, "m/inner/f", O_RDONLY, 0);
	KT_ASSERT(!IS_ERR(f));
	KT_EQ(vfs_umount("m", 0), -EBUSY);              /* a mount below it */
	KT_EQ(vfs_umount("m/inner", 0), -EBUSY);        /* an open file */
	KT_EQ(vfs_umount("m", MNT_DETACH), 0);
	KT_EQ(kt_stat("m/inner", &st, false), -ENOENT); /* gone from the tree... */
	KT_EQ(kernel_read(f, buf, sizeof(buf), &pos), 4);  /* ...still usable */
	KT_ASSERT(memcmp(buf, "deep", 4) == 0);
	file_put(f);                                    /* the last user frees both */
	kt_leave(&e);
	return 0;
}

KTEST(fs_mount_bind_move_remount, "bind shows a directory twice; move relocates a mount; remount")
{
	struct kt_env e;
	struct kstat a, b;
	struct statfs sf;
	struct path p;

	KT_EQ(kt_enter(&e, "/kt/bind"), 0);
	KT_EQ(vfs_mkdirat(AT_FDCWD, "src", 0755), 0);
	KT_EQ(vfs_mkdirat(AT_FDCWD, "dst", 0755), 0);
	KT_EQ(vfs_mkdirat(AT_FDCWD, "dst2", 0755), 0);
	KT_EQ(kt_write_file("src/f", "b", 1, 0644), 0);
	KT_EQ(vfs_mount("src", "dst", NULL, MS_BIND, NULL), 0);
	KT_EQ(kt_stat("src/f", &a, false), 0);
	KT_EQ(kt_stat("dst/f", &b, false), 0);
	KT_EQ(a.ino, b.ino);
	KT_EQ(vfs_mount(NULL, "dst", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL), 0);
	KT_EQ(kt_write_file("dst/g", "", 0, 0644), -EROFS);
	KT_EQ(kt_write_file("src/g", "", 0, 0644), 0);  /* the original stays writable */
	KT_EQ(vfs_unlinkat(AT_FDCWD, "dst/f", 0), -EROFS);
	KT_EQ(vfs_path_lookup(AT_FDCWD, "dst", 0, &p), 0);
	KT_EQ(vfs_statfs(&p, &sf), 0);
	path_put(&p);
	KT_ASSERT(sf.f_flags & ST_RDONLY);
	KT_EQ(sf.f_type, RAMFS_MAGIC);
	KT_EQ(vfs_mount("dst", "dst2", NULL, MS_MOVE, NULL), 0);
	KT_EQ(kt_stat("dst/f", &b, false), -ENOENT);
	KT_EQ(kt_stat("dst2/f", &b, false), 0);
	/* Onto our own working directory: new walks from / see the mount, the cwd does not. */
	KT_EQ(vfs_mount("dst2", "dst2/..", NULL, MS_MOVE, NULL), 0);
	KT_EQ(kt_stat("dst2/f", &b, false), -ENOENT);
	KT_EQ(kt_stat("/kt/bind/f", &b, false), 0);
	KT_EQ(kt_stat("f", &b, false), -ENOENT);
	KT_EQ(vfs_umount("/kt/bind", 0), 0);
	KT_EQ(kt_stat("/kt/bind/f", &b, false), -ENOENT);
	KT_EQ(kt_stat("/kt/bind/src/f", &b, false), 0);
	KT_EQ(vfs_umount("dst2", 0), -EINVAL);
	kt_as(&e, 5, 5);
	KT_EQ(vfs_mount("src", "dst", NULL, MS_BIND, NULL), -EPERM);
	kt_leave(&e);
	return 0;
}
