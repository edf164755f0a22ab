// SPDX-License-Identifier: MIT
/*
 * The VFS described as text, for /proc/mounts and /proc/filesystems: the
 * formats mount(8), df and busybox read.
 */
#include "fs/internal.h"
#include "mm/slab.h"
#include "uapi/errno.h"

#define SHOW_MAX_MOUNTS 128

static int
show_one(struct mount *m, const struct path *root, char *buf, void *ctx,
	 int (*pr)(void *, const char *, ...))
{
	struct path p = { m, m->root };
	bool unreachable;
	bool ro = (m->flags & MNT_RDONLY) || (m->sb->flags & SB_RDONLY);

	if (m->flags & MNT_DETACHED || d_path(&p, root, buf, PATH_MAX, &unreachable) < 0 ||
	    unreachable)
		return 0;
	return pr(ctx, "%s %s %s %s%s%s%s 0 0\n", m->devname[0] ? m->devname : "none", buf,
		  m->sb->type->name, ro ? "ro" : "rw", (m->flags & MNT_NOSUID) ? ",nosuid" : "",
		  (m->flags & MNT_NODEV) ? ",nodev" : "", (m->flags & MNT_NOEXEC) ? ",noexec" : "");
}

int
vfs_show_mounts(void *ctx, int (*pr)(void *, const char *, ...))
{
	struct mount **ms = kmalloc(SHOW_MAX_MOUNTS * sizeof(*ms));
	char *buf = kmalloc(PATH_MAX);
	struct path root;
	int n, r = 0;

	if (!ms || !buf) {
		kfree(ms);
		kfree(buf);
		return -ENOMEM;
	}
	vfs_root_path(&root);
	n = mount_snapshot(ms, SHOW_MAX_MOUNTS);
	for (int i = 0; i < n; i++) {
		if (!r)
			r = show_one(ms[i], &root, buf, ctx, pr);
		mntput(ms[i]);
	}
	path_put(&root);
	kfree(buf);
	kfree(ms);
	return r;
}

int
vfs_show_filesystems(void *ctx, int (*pr)(void *, const char *, ...))
{
	return vfs_for_each_fs_type(ctx, pr);
}

void
vfs_drop_caches(void)
{
	/* Unused dentries hold their inodes: dropping them frees both. */
	while (dcache_shrink(1024))
		;
}
