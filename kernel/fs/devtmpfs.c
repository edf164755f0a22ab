// SPDX-License-Identifier: MIT
/*
 * devtmpfs: a ramfs the kernel fills with a node for every registered
 * character device and every block device (disks and partitions), so "mount -t devtmpfs none /dev" gives a working /dev
 * without mknod.  There is one instance, shared by every mount (as on
 * Linux); it exists from boot, and a device registered later appears in it
 * at once.  Users may add, remove and rename nodes in it like in any
 * tmpfs.
 */
#include "block/blk.h"
#include "fs/chrdev.h"
#include "fs/internal.h"
#include "fs/ramfs/ramfs.h"
#include "core/printk.h"
#include "lib/string.h"
#include "uapi/errno.h"
#include "uapi/stat.h"
#include "uapi/statfs.h"

static struct super_block *dev_sb;     /* [I] after devtmpfs_register */

/* One node (mode: type and permissions) in the root of devtmpfs, through the dcache. */
static void
devtmpfs_mknode(const char *name, uint32_t mode, dev_t dev)
{
	struct dentry *root = dev_sb->root, *d;
	struct inode *dir = d_inode(root), *ino;
	struct vfs_new nw = { mode, 0, 0, dev };
	size_t len = strlen(name);

	mutex_lock(&dir->lock);
	d = lookup_dentry_locked(root, name, len);
	if (!IS_ERR(d) && !d_inode(d) && dir->iops->mknod(dir, name, len, &nw, &ino) == 0)
		d_add(d, ino);
	mutex_unlock(&dir->lock);
	if (!IS_ERR(d))
		dput(d);
}

/* A character device's node. */
static void
devtmpfs_node(const char *name, uint32_t mode, dev_t dev)
{
	devtmpfs_mknode(name, S_IFCHR | (mode & 07777), dev);
}

/* A block device's node, as the block layer announces each disk and partition. */
static void
devtmpfs_blkdev(struct blkdev *d, void *arg)
{
	devtmpfs_mknode(d->name, S_IFBLK | 0600, MKDEV(d->major, d->minor));
}

static struct blkdev_listener blk_listener = { .added = devtmpfs_blkdev };

/* chrdev_for_each's callback: one node. */
static void
devtmpfs_node_each(const char *name, uint32_t mode, dev_t dev, void *arg)
{
	devtmpfs_node(name, mode, dev);
}

/* Every mount of devtmpfs shows the one shared instance. */
static int
devtmpfs_mount(const struct fs_type *type, const char *source, unsigned long flags,
	       const void *data, struct super_block **out)
{
	*out = dev_sb;
	return dev_sb ? 0 : -ENODEV;
}

static struct fs_type devtmpfs_type = { .name = "devtmpfs", .mount = devtmpfs_mount };

/* Bring-up: the instance, the type, the nodes so far, and news of later ones. */
void
devtmpfs_register(void)
{
	if (ramfs_make_sb(&devtmpfs_type, TMPFS_MAGIC, 0755, 0, 0, &dev_sb) ||
	    !mount_internal(dev_sb)) {
		pr_err("devtmpfs: no memory; /dev must be made with mknod\n");
		dev_sb = NULL;
		return;
	}
	vfs_register_fs(&devtmpfs_type);
	chrdev_for_each(devtmpfs_node_each, NULL);
	chrdev_set_listener(devtmpfs_node);
	blkdev_listen(&blk_listener);
}
