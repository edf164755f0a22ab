// SPDX-License-Identifier: MIT
/*
 * Anonymous files: open files that have no name in the tree (pipes, and
 * later sockets and event files).  They still need an inode (fstat works
 * on a pipe) and a path (every struct file has one), so they live on a
 * small internal file system that is never mounted anywhere; each file's
 * dentry is named "kind:[inode number]", which is what /proc/self/fd
 * shows for them on Linux.
 */
#include "fs/internal.h"
#include "core/panic.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "sched/cred.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/stat.h"
#include "uapi/statfs.h"

static struct mount *anon_mnt;

/* statfs on a pipe: its own little file system. */
static int
anon_statfs(struct super_block *sb, struct statfs *st)
{
	st->f_type = sb->magic;
	st->f_bsize = 4096;
	st->f_namelen = NAME_MAX;
	return 0;
}

static const struct super_ops anon_sops = { .statfs = anon_statfs };
static const struct fs_type anon_type = { .name = "pipefs" };

/* The internal super block and mount of anonymous files. */
void
anon_init(void)
{
	struct super_block *sb = sb_alloc(&anon_type, &anon_sops);
	struct inode *root = sb ? inode_alloc(sb, S_IFDIR | 0700) : NULL;

	if (!root || !(sb->root = d_make_root(root)) || !(anon_mnt = mount_internal(sb)))
		panic("vfs: no memory for anonymous files");
	sb->flags = SB_NODEV;
	sb->magic = PIPEFS_MAGIC;
}

/* A new nameless inode and an open file on it. */
struct file *
file_new_anon(const char *kind, uint32_t mode, const struct file_ops *ops, void *priv,
	      int flags)
{
	static const unsigned fmodes[4] = { FMODE_READ, FMODE_WRITE, FMODE_READ | FMODE_WRITE, 0 };
	const struct cred *c = vfs_cred();
	struct inode *ino = inode_alloc(anon_mnt->sb, mode);
	struct path p = { anon_mnt, NULL };
	char name[48];
	struct file *f;

	if (!ino)
		return ERR_PTR(-ENFILE);
	ino->uid = c->fsuid;
	ino->gid = c->fsgid;
	ino->fops = ops;
	ksnprintf(name, sizeof(name), "%s:[%llu]", kind, (unsigned long long)ino->ino);
	p.dentry = d_alloc(anon_mnt->root, name, strlen(name));
	if (!p.dentry) {
		iput(ino);
		return ERR_PTR(-ENFILE);
	}
	p.dentry->inode = ino;      /* not hashed: nobody can look it up */
	f = file_alloc(&p, (unsigned)flags, fmodes[flags & O_ACCMODE] | FMODE_STREAM);
	dput(p.dentry);
	if (!f)
		return ERR_PTR(-ENFILE);
	f->ops = ops;
	f->priv = priv;
	return f;
}

/* A second open file on an anonymous inode (a pipe's other end). */
struct file *
file_clone_anon(struct file *f, const struct file_ops *ops, void *priv, int flags)
{
	static const unsigned fmodes[4] = { FMODE_READ, FMODE_WRITE, FMODE_READ | FMODE_WRITE, 0 };
	struct file *n = file_alloc(&f->path, (unsigned)flags,
				    fmodes[flags & O_ACCMODE] | FMODE_STREAM);

	if (!n)
		return ERR_PTR(-ENFILE);
	n->ops = ops;
	n->priv = priv;
	return n;
}
