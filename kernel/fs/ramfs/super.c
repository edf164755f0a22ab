// SPDX-License-Identifier: MIT
/*
 * ramfs and tmpfs super blocks: mounting, statfs, unmounting.
 *
 * Both are the same file system.  They differ only in what they report:
 * tmpfs has a nominal size (half of memory, as Linux's default) and a
 * sticky, world-writable root (mode 1777); ramfs reports no size and a
 * root of mode 0755.  Options "mode=", "uid=" and "gid=" set the root
 * directory; "size=" and "nr_inodes=" are accepted and not enforced.
 */
#include "fs/ramfs/ramfs.h"
#include "fs/internal.h"
#include "lib/string.h"
#include "mm/pmm.h"
#include "mm/slab.h"
#include "uapi/errno.h"
#include "uapi/stat.h"
#include "uapi/statfs.h"

struct ramfs_opts {
	uint32_t mode, uid, gid;
};

/* statfs: tmpfs reports a size (half of memory), ramfs none. */
static int
ramfs_statfs(struct super_block *sb, struct statfs *st)
{
	struct ramfs_sb *rsb = sb->priv;
	uint64_t used = __atomic_load_n(&rsb->pages, __ATOMIC_RELAXED);
	uint64_t free = pmm_free_pages(), total;
	struct pmm_stats ps;

	memset(st, 0, sizeof(*st));
	st->f_type = sb->magic;
	st->f_bsize = 4096;
	st->f_frsize = 4096;
	st->f_namelen = NAME_MAX;
	if (!rsb->tmpfs)
		return 0;       /* ramfs has no size: all zeros, as on Linux */
	pmm_stats(&ps);
	total = ps.total_pages / 2;
	st->f_blocks = total;
	st->f_bfree = st->f_bavail = used >= total ? 0 : MIN(total - used, free);
	st->f_files = total;
	st->f_ffree = total - MIN(total, __atomic_load_n(&rsb->inodes, __ATOMIC_RELAXED));
	return 0;
}

/* The last mount is gone and every dentry with it: free the whole tree. */
static void
ramfs_put_super(struct super_block *sb)
{
	struct list_node work = LIST_INIT(work);
	struct inode *root = ((struct ramfs_sb *)sb->priv)->root;
	struct list_node *n;

	list_push_back(&work, &root->hash_node);
	while ((n = list_pop_front(&work)) != NULL) {
		struct inode *dir = list_entry(n, struct inode, hash_node);
		ramfs_dir_dismantle(dir, &work);
		ramfs_evict(dir);
		inode_free(dir);
	}
	kfree(sb->priv);
}

static const struct super_ops ramfs_sops = {
	.evict_inode = ramfs_evict,
	.statfs = ramfs_statfs,
	.put_super = ramfs_put_super,
};

/* A fresh ramfs super block with an empty root directory. */
int
ramfs_make_sb(const struct fs_type *type, uint32_t magic, uint32_t root_mode, uint32_t uid,
	      uint32_t gid, struct super_block **out)
{
	struct vfs_new nw = { S_IFDIR | (root_mode & 07777), uid, gid, 0 };
	struct super_block *sb = sb_alloc(type, &ramfs_sops);
	struct ramfs_sb *rsb = kzalloc(sizeof(*rsb));
	struct inode *root;

	if (!sb || !rsb)
		goto fail;
	sb->priv = rsb;
	sb->flags = SB_PINNED;
	sb->magic = magic;
	rsb->tmpfs = magic == TMPFS_MAGIC;
	root = ramfs_new_inode(sb, &nw, NULL);
	if (!root)
		goto fail;
	rsb->root = root;
	sb->root = d_make_root(root);
	if (!sb->root) {
		ramfs_evict(root);
		inode_free(root);
		goto fail;
	}
	*out = sb;
	return 0;
fail:
	kfree(rsb);
	if (sb)
		sb_free(sb);
	return -ENOMEM;
}

/* One "key=value" option; unknown keys are ignored, as ramfs does. */
static int
parse_opt(struct ramfs_opts *o, const char *opt, size_t len)
{
	const char *eq = memchr(opt, '=', len), *end;
	unsigned long long v;

	if (!eq)
		return 0;
	v = kstrtoull(eq + 1, &end, strncmp(opt, "mode=", 5) == 0 ? 8 : 10);
	if (end != opt + len && strncmp(opt, "size=", 5) != 0)
		return -EINVAL;
	if (strncmp(opt, "mode=", 5) == 0)
		o->mode = (uint32_t)v & 07777;
	else if (strncmp(opt, "uid=", 4) == 0)
		o->uid = (uint32_t)v;
	else if (strncmp(opt, "gid=", 4) == 0)
		o->gid = (uint32_t)v;
	return 0;
}

/* The comma-separated options of mount -o. */
static int
parse_opts(struct ramfs_opts *o, const char *data)
{
	while (data && *data) {
		const char *comma = strchr(data, ',');
		size_t len = comma ? (size_t)(comma - data) : strlen(data);
		int r = parse_opt(o, data, len);

		if (r)
			return r;
		data += len + (comma ? 1 : 0);
	}
	return 0;
}

/* mount -t ramfs or tmpfs: a new instance. */
static int
ramfs_mount(const struct fs_type *type, const char *source, unsigned long flags,
	    const void *data, struct super_block **out)
{
	bool tmpfs = strcmp(type->name, "tmpfs") == 0;
	struct ramfs_opts o = { tmpfs ? 01777 : 0755, 0, 0 };
	int r = parse_opts(&o, data);

	if (r)
		return r;
	return ramfs_make_sb(type, tmpfs ? TMPFS_MAGIC : RAMFS_MAGIC, o.mode, o.uid, o.gid, out);
}

static struct fs_type ramfs_type = { .name = "ramfs", .mount = ramfs_mount };
static struct fs_type tmpfs_type = { .name = "tmpfs", .mount = ramfs_mount };

/* Bring-up: make "ramfs" and "tmpfs" mountable. */
void
ramfs_register(void)
{
	vfs_register_fs(&ramfs_type);
	vfs_register_fs(&tmpfs_type);
}

/* The super block of the root file system ("rootfs"): a ramfs. */
int
ramfs_make_rootfs(struct super_block **out)
{
	return ramfs_make_sb(&ramfs_type, RAMFS_MAGIC, 0755, 0, 0, out);
}
