// SPDX-License-Identifier: MIT
/*
 * A process's place in the tree: chdir, fchdir, chroot, getcwd, umask.
 *
 * getcwd rebuilds the path from the dentry cache: each dentry knows its
 * name and parent, and each mount where it hangs, so walking up from the
 * working directory to the process root spells the path backwards.  A
 * working directory that was removed has no path any more (ENOENT); one
 * outside the process root (after chroot) reads "(unreachable)...", as on
 * Linux.
 */
#include "fs/internal.h"
#include "fs/vfs_ops.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "sched/cred.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/stat.h"

/* A directory the caller may enter. */
static int
lookup_dir(const char *path, struct path *out)
{
	int r = vfs_path_lookup(AT_FDCWD, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, out);

	if (r)
		return r;
	r = inode_permission(d_inode(out->dentry), MAY_EXEC);
	if (r)
		path_put(out);
	return r;
}

/* chdir: the walk's new starting point for relative paths. */
int
vfs_chdir(const char *path)
{
	struct path p;
	int r = lookup_dir(path, &p);

	if (r)
		return r;
	fs_ctx_set_cwd(fs_ctx_current(), &p);
	path_put(&p);
	return 0;
}

/* fchdir: the working directory becomes an open directory. */
int
vfs_fchdir(struct file *f)
{
	int r;

	if (!S_ISDIR(f->inode->mode))
		return -ENOTDIR;
	r = inode_permission(f->inode, MAY_EXEC);
	if (r == 0)
		fs_ctx_set_cwd(fs_ctx_current(), &f->path);
	return r;
}

/* chroot (root only): the new "/" of this process; the cwd stays. */
int
vfs_chroot(const char *path)
{
	struct path p;
	int r = lookup_dir(path, &p);

	if (r)
		return r;
	if (vfs_cred()->euid != 0)
		r = -EPERM;
	else
		fs_ctx_set_root(fs_ctx_current(), &p);
	path_put(&p);
	return r;
}

/* getcwd: the path of the working directory seen from the root. */
long
vfs_getcwd(char *buf, size_t size)
{
	struct fs_ctx *c = fs_ctx_current();
	struct path root, cwd;
	bool unreachable;
	char *tmp = kmalloc(PATH_MAX);
	long n;

	if (!tmp)
		return -ENOMEM;
	fs_ctx_get_root(c, &root);
	fs_ctx_get_cwd(c, &cwd);
	n = d_is_dead(cwd.dentry) ? -ENOENT :
	    d_path(&cwd, &root, tmp + 13, PATH_MAX - 13, &unreachable);
	if (n >= 0 && unreachable) {
		memcpy(tmp, "(unreachable)", 13);
		n += 13;
	} else if (n >= 0) {
		memmove(tmp, tmp + 13, (size_t)n + 1);
	}
	if (n >= 0 && (size_t)n + 1 > size)
		n = -ERANGE;
	if (n >= 0) {
		memcpy(buf, tmp, (size_t)n + 1);
		n++;
	}
	path_put(&root);
	path_put(&cwd);
	kfree(tmp);
	return n;
}

/* umask: set the mask new files get, return the old one. */
uint32_t
vfs_umask(uint32_t mask)
{
	struct fs_ctx *c = fs_ctx_current();
	uint32_t old;

	spin_lock(&c->lock);
	old = c->umask;
	c->umask = mask & 0777;
	spin_unlock(&c->lock);
	return old;
}
