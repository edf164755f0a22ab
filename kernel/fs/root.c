// SPDX-License-Identifier: MIT
/*
 * The root file system on a disk: what the kernel does with root= when no
 * initramfs came with it (Linux's prepare_namespace, simplified).
 *
 *   1. Find the disk: "/dev/vda1" or "vda1" names a registered block device.
 *      Drivers register their disks before this runs, but a slow one may
 *      come later, so the kernel waits a little (rootdelay=, or rootwait
 *      for ever) before it gives up.
 *   2. Make a node for it, /dev/root, in the rootfs (the ramfs "/" that
 *      holds nothing without an initramfs) and mount it there on "/",
 *      with rootfstype= or, like Linux, each disk file system in turn.
 *      Read-write unless the command line says "ro".
 *   3. The new mount becomes the root of the tree (mount_set_tree_root):
 *      the kernel's own root and working directory move to it, and init,
 *      started next, begins there.
 *   4. Like CONFIG_DEVTMPFS_MOUNT: devtmpfs on the disk's /dev, if it has one,
 *      so init finds /dev/console and the disks.
 *
 * A failure is reported and returned, never a panic: the caller leaves the
 * machine idle with the console showing why.
 */
#include "fs/internal.h"
#include "fs/vfs.h"
#include "fs/vfs_ops.h"
#include "block/blk.h"
#include "core/printk.h"
#include "lib/string.h"
#include "sched/sched.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/mount.h"
#include "uapi/stat.h"

#define ROOT_NODE "/dev/root"
#define ROOT_POLL_NS 100000000ull      /* look for the disk every 100 ms */

/* The disk called name, waiting up to wait_s seconds (-1: for ever). */
static struct blkdev *
find_disk(const char *name, long wait_s)
{
	uint64_t polls = wait_s < 0 ? UINT64_MAX : (uint64_t)wait_s * 10;
	struct blkdev *d;

	if (strncmp(name, "/dev/", 5) == 0)
		name += 5;
	for (uint64_t i = 0; !(d = blkdev_find(name)); i++) {
		if (i >= polls)
			return NULL;
		if (i == 0)
			pr_info("root: waiting for %s\n", name);
		sched_sleep_ns(ROOT_POLL_NS, false);
	}
	return d;
}

/* /dev/root in the rootfs, a block node for d. */
static int
make_node(struct blkdev *d)
{
	int r = vfs_mkdirat(AT_FDCWD, "/dev", 0755);

	if (r && r != -EEXIST)
		return r;
	vfs_unlinkat(AT_FDCWD, ROOT_NODE, 0);
	return vfs_mknodat(AT_FDCWD, ROOT_NODE, S_IFBLK | 0600, MKDEV(d->major, d->minor));
}

/* Mount /dev/root on "/" with one type, or each disk type in turn. */
static int
mount_on_slash(const char *fstype, bool rdonly, const char **used)
{
	const struct fs_type *types[8];
	unsigned long flags = rdonly ? MS_RDONLY : 0;
	int n, r = -ENODEV;

	if (fstype) {
		*used = fstype;
		return vfs_mount(ROOT_NODE, "/", fstype, flags, NULL);
	}
	n = vfs_dev_fs_types(types, ARRAY_SIZE(types));
	for (int i = 0; i < n && r; i++) {
		*used = types[i]->name;
		r = vfs_mount(ROOT_NODE, "/", types[i]->name, flags, NULL);
	}
	return r;
}

/* Make the mount just put on the rootfs's "/" the root of everything. */
static int
switch_root(void)
{
	struct path old, new;
	struct mount *m;

	vfs_root_path(&old);
	m = mount_lookup_child(&old);
	path_put(&old);
	if (!m)
		return -ENOENT;
	mount_set_tree_root(m);
	new.mnt = m;
	new.dentry = dget(m->root);
	fs_ctx_set_root(fs_ctx_current(), &new);
	fs_ctx_set_cwd(fs_ctx_current(), &new);
	path_put(&new);
	return 0;
}

/* devtmpfs on the new root's /dev, when there is one. */
static void
mount_dev(void)
{
	struct kstat st;
	int r;

	if (vfs_statat(AT_FDCWD, "/dev", 0, &st) || !S_ISDIR(st.mode)) {
		pr_warn("root: no /dev directory on the root file system: devtmpfs not mounted\n");
		return;
	}
	if ((r = vfs_mount("devtmpfs", "/dev", "devtmpfs", 0, NULL)))
		pr_warn("root: cannot mount devtmpfs on /dev: error %d\n", -r);
}

int
vfs_mount_root(const char *root, const char *fstype, bool rdonly, long wait_s)
{
	const char *used = "?";
	struct blkdev *d = find_disk(root, wait_s);
	int r;

	if (!d) {
		pr_err("root: no disk called %s (root=%s); disks are vda, vda1, sda, ...\n",
		       strncmp(root, "/dev/", 5) == 0 ? root + 5 : root, root);
		return -ENODEV;
	}
	if ((r = make_node(d))) {
		pr_err("root: cannot make %s: error %d\n", ROOT_NODE, -r);
		return r;
	}
	if ((r = mount_on_slash(fstype, rdonly, &used))) {
		pr_err("root: cannot mount %s as %s: error %d\n", d->name,
		       fstype ? fstype : "any disk file system", -r);
		return r;
	}
	if ((r = switch_root()))
		return r;
	pr_info("root: %s (%s) mounted on / %s\n", d->name, used,
		rdonly ? "read-only" : "read-write");
	mount_dev();
	return 0;
}
