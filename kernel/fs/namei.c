// SPDX-License-Identifier: MIT
/*
 * The path walk: from "a/../b//c" to an inode.
 *
 * A walk starts at the process root (absolute paths), the working
 * directory, or a directory fd (the *at calls), and consumes the string one
 * component at a time.  For each component it checks that where it stands
 * is a directory (ENOTDIR) the caller may search (EACCES), then:
 *
 *   "."   stays;
 *   ".."  goes to the parent, but never above the process root; at the
 *         root of a mount it first climbs to the mountpoint in the parent
 *         mount (mount_up), so ".." crosses mounts upward;
 *   name  is looked up in the dentry cache, or the file system on a miss
 *         (lookup_dentry); if something is mounted on the result the walk
 *         continues at the root of that mount (follow_mounts).
 *
 * Symbolic links.  A link met in the middle of a path is always followed;
 * one in the last component only when the caller asks (LOOKUP_FOLLOW:
 * stat follows, lstat does not; O_NOFOLLOW...).  Following means reading
 * the link's body and walking it before the rest of the original string:
 * the rest is saved in a frame on a small stack and resumed when the body
 * is used up.  A body starting with '/' restarts at the process root, any
 * other continues from the directory holding the link.  A link at the very
 * end of a body replaces that body instead of stacking (a tail call), so
 * "a -> b -> c -> ..." chains take no stack.  Every link followed counts;
 * the 41st gives ELOOP, which is what ends a loop.
 *
 * The last component.  Callers that create or remove names need the parent
 * and the final name rather than the final inode, so the walk has two
 * halves: nd_walk_parent walks all but the last component, leaving
 * nd->last, and nd_walk_last steps onto it.  A plain lookup runs them in a
 * loop, because the last component may be a link to follow, whose body has
 * a last component of its own.  A trailing slash ("dir/") asks for a
 * directory and follows a link at the end.
 *
 * References: nd->path and nd->root are always held; each step takes the
 * new place before dropping the old one.  Locks: none across steps; a cache
 * miss takes the directory's inode->lock around the file system's lookup.
 */
#include "fs/internal.h"
#include "fs/vfs_ops.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/stat.h"

/* Where a walk starts: the root for "/...", else the cwd or dirfd. */
static int
nd_start(struct nameidata *nd, int dirfd, const char *name)
{
	struct file *f;

	if (name[0] == '/') {
		nd->path = nd->root;
		path_get(&nd->path);
		return 0;
	}
	if (dirfd == AT_FDCWD) {
		fs_ctx_get_cwd(fs_ctx_current(), &nd->path);
		return 0;
	}
	f = fget_raw(dirfd);
	if (!f)
		return -EBADF;
	if (*name && !S_ISDIR(f->inode->mode)) {
		file_put(f);
		return -ENOTDIR;
	}
	nd->path = f->path;
	path_get(&nd->path);
	file_put(f);
	return 0;
}

/* Start a walk of name from dirfd (AT_FDCWD: the cwd) with LOOKUP_* flags. */
int
nd_init(struct nameidata *nd, int dirfd, const char *name, unsigned flags)
{
	memset(nd, 0, sizeof(*nd));
	nd->flags = flags;
	nd->rest = name;
	if (!*name && !(flags & LOOKUP_EMPTY))
		return -ENOENT;
	fs_ctx_get_root(fs_ctx_current(), &nd->root);
	return nd_start(nd, dirfd, name);
}

/* End a walk: free link bodies, drop the paths. */
void
nd_release(struct nameidata *nd)
{
	while (nd->depth > 0)
		kfree(nd->stack[--nd->depth].body);
	kfree(nd->stack);
	nd->stack = NULL;
	path_put(&nd->path);
	path_put(&nd->root);
}

/* Skip any run of slashes. */
static void
skip_slashes(struct nameidata *nd)
{
	while (*nd->rest == '/')
		nd->rest++;
}

/* Are there components after the current position (in this string or a saved one)? */
static bool
nd_more(struct nameidata *nd)
{
	if (*nd->rest)
		return true;
	/* Only the bottom frame can hold an empty rest (see nd_follow_link). */
	return nd->depth >= 2 || (nd->depth == 1 && *nd->stack[0].rest);
}

/* Can the walk go through the directory it stands on? */
static int
may_lookup(struct nameidata *nd)
{
	struct inode *dir = d_inode(nd->path.dentry);

	if (!dir || !S_ISDIR(dir->mode))
		return -ENOTDIR;
	return inode_permission(dir, MAY_EXEC);
}

/* LAST_DOT, LAST_DOTDOT or LAST_NORM for a component. */
static int
classify(const char *name, size_t len)
{
	if (len == 1 && name[0] == '.')
		return LAST_DOT;
	if (len == 2 && name[0] == '.' && name[1] == '.')
		return LAST_DOTDOT;
	return LAST_NORM;
}

/* "..": up one directory, across mount roots, never above the process root. */
static void
nd_dotdot(struct nameidata *nd)
{
	struct dentry *parent;

	for (;;) {
		if (path_equal(&nd->path, &nd->root))
			return;
		if (nd->path.dentry != nd->path.mnt->root)
			break;
		if (!mount_up(&nd->path))
			return;     /* the root of everything */
	}
	parent = d_get_parent(nd->path.dentry);
	dput(nd->path.dentry);
	nd->path.dentry = parent;
	follow_mounts(&nd->path);
}

/*
 * A cached name, unless its file system keeps no cache (procfs: processes
 * come and go without telling the VFS); then the entry is dropped and the
 * file system asked again.
 */
static struct dentry *
d_lookup_valid(struct dentry *dir, const char *name, size_t len)
{
	struct dentry *d = d_lookup(dir, name, len);

	if (d && (d->sb->flags & SB_NOCACHE)) {
		d_drop(d);
		dput(d);
		d = NULL;
	}
	return d;
}

/* Find name in dir: the cache, else the file system (recording a miss). */
struct dentry *
lookup_dentry_locked(struct dentry *dir, const char *name, size_t len)
{
	struct inode *dino = d_inode(dir), *ino;
	struct dentry *d = d_lookup_valid(dir, name, len);

	if (d)
		return d;
	if (dino->flags & I_DEAD)
		return ERR_PTR(-ENOENT);
	if (!dino->iops || !dino->iops->lookup)
		return ERR_PTR(-ENOTDIR);
	d = d_alloc(dir, name, len);
	if (!d)
		return ERR_PTR(-ENOMEM);
	ino = dino->iops->lookup(dino, name, len);
	if (IS_ERR(ino) && PTR_ERR(ino) != -ENOENT) {
		dput(d);
		return (struct dentry *)ino;
	}
	d_add(d, IS_ERR(ino) ? NULL : ino);
	return d;
}

/* Find name in dir: the cache without locks, else under the directory's lock. */
struct dentry *
lookup_dentry(struct dentry *dir, const char *name, size_t len)
{
	struct inode *dino = d_inode(dir);
	struct dentry *d = d_lookup_valid(dir, name, len);

	if (d)
		return d;
	mutex_lock(&dino->lock);
	d = lookup_dentry_locked(dir, name, len);
	mutex_unlock(&dino->lock);
	return d;
}

/* Read the link's body into a new buffer.  => buffer, or ERR_PTR. */
static char *
read_link_body(struct inode *ino)
{
	char *body;
	long n;

	if (!ino->iops || !ino->iops->readlink)
		return ERR_PTR(-EINVAL);
	body = kmalloc(PATH_MAX);
	if (!body)
		return ERR_PTR(-ENOMEM);
	n = ino->iops->readlink(ino, body, PATH_MAX - 1);
	if (n <= 0) {
		kfree(body);
		return ERR_PTR(n < 0 ? n : -ENOENT);
	}
	body[n] = '\0';
	return body;
}

/* Continue the walk inside link's body (link is a dentry below nd->path). */
int
nd_follow_link(struct nameidata *nd, struct dentry *link)
{
	char *body;

	if (++nd->nlinks > SYMLOOP_MAX)
		return -ELOOP;
	if (!nd->stack) {
		nd->stack = kmalloc(SYMLOOP_MAX * sizeof(*nd->stack));
		if (!nd->stack)
			return -ENOMEM;
	}
	body = read_link_body(d_inode(link));
	if (IS_ERR(body))
		return (int)PTR_ERR(body);
	if (!*nd->rest && nd->depth > 0) {
		/* Nothing follows the link in this body: replace it (a tail call). */
		kfree(nd->stack[nd->depth - 1].body);
		nd->stack[nd->depth - 1].body = body;
	} else {
		nd->stack[nd->depth++] = (struct nd_frame){ body, nd->rest };
	}
	nd->rest = body;
	if (body[0] == '/') {
		path_put(&nd->path);
		nd->path = nd->root;
		path_get(&nd->path);
	}
	return 1;
}

/*
 * Step from the directory nd->path onto the component name.  A symbolic
 * link is followed (its body pushed) when follow is set.
 * => 0, 1 (a link body was pushed), or -errno.
 */
static int
walk_component(struct nameidata *nd, const char *name, size_t len, bool follow)
{
	struct path next;
	struct dentry *d;
	int r;

	switch (classify(name, len)) {
	case LAST_DOT:
		return 0;
	case LAST_DOTDOT:
		nd_dotdot(nd);
		return 0;
	}
	d = lookup_dentry(nd->path.dentry, name, len);
	if (IS_ERR(d))
		return (int)PTR_ERR(d);
	if (!d_inode(d)) {
		dput(d);
		return -ENOENT;
	}
	if (follow && S_ISLNK(d_inode(d)->mode)) {
		r = nd_follow_link(nd, d);
		dput(d);
		return r;
	}
	next.mnt = mntget(nd->path.mnt);
	next.dentry = d;
	follow_mounts(&next);
	path_put(&nd->path);
	nd->path = next;
	return 0;
}

/* Take the next component of the current string.  => its length (0: the string is used up). */
static size_t
next_component(struct nameidata *nd, const char **name)
{
	size_t len = 0;

	skip_slashes(nd);
	*name = nd->rest;
	while (nd->rest[len] && nd->rest[len] != '/')
		len++;
	nd->rest += len;
	return len;
}

/* Walk up to the last component; nd->last names it. */
int
nd_walk_parent(struct nameidata *nd)
{
	for (;;) {
		const char *name;
		size_t len = next_component(nd, &name);
		bool slash;
		int r;

		if (!len) {
			if (nd->depth > 0 && !*nd->rest) {
				/* A body used up: resume the string that named the link. */
				kfree(nd->stack[--nd->depth].body);
				nd->rest = nd->stack[nd->depth].rest;
				continue;
			}
			nd->last = NULL;
			nd->last_len = 0;
			nd->last_type = LAST_ROOT;
			return 0;
		}
		if (len > NAME_MAX)
			return -ENAMETOOLONG;
		slash = *nd->rest == '/';
		skip_slashes(nd);
		r = may_lookup(nd);
		if (r)
			return r;
		if (!nd_more(nd)) {
			nd->last = name;
			nd->last_len = len;
			nd->last_type = classify(name, len);
			nd->trailing_slash = slash;
			if (slash)
				nd->flags |= LOOKUP_FOLLOW | LOOKUP_DIRECTORY;
			return 0;
		}
		r = walk_component(nd, name, len, true);
		if (r < 0)
			return r;
	}
}

/* Step onto the last component (following a link if LOOKUP_FOLLOW). */
int
nd_walk_last(struct nameidata *nd)
{
	if (nd->last_type == LAST_ROOT)
		return 0;
	return walk_component(nd, nd->last, nd->last_len, nd->flags & LOOKUP_FOLLOW);
}

/* Resolve a whole path.  => 0 with *out referenced, or -errno. */
int
vfs_path_lookup(int dirfd, const char *name, unsigned flags, struct path *out)
{
	struct nameidata nd;
	int r = nd_init(&nd, dirfd, name, flags);

	while (r == 0) {
		r = nd_walk_parent(&nd);
		if (r == 0)
			r = nd_walk_last(&nd);
		if (r != 1)
			break;
		r = 0;
	}
	if (r == 0 && (nd.flags & LOOKUP_DIRECTORY) && !S_ISDIR(d_inode(nd.path.dentry)->mode))
		r = -ENOTDIR;
	if (r == 0) {
		*out = nd.path;
		nd.path.mnt = NULL;
		nd.path.dentry = NULL;
	}
	nd_release(&nd);
	return r;
}
