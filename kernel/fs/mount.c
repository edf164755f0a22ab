// SPDX-License-Identifier: MIT
/*
 * Mounts: how many file systems make one tree.
 *
 * A super block is one file system instance; a mount attaches it (or, for
 * a bind mount, one of its directories) on a dentry of another mount:
 *
 *     root mount (ramfs "/")
 *       +-- mount of devtmpfs on the dentry "dev"
 *       +-- mount of tmpfs on "tmp"
 *
 * A place in the tree is therefore a pair (mount, dentry), struct path: the
 * same dentry of a bind-mounted directory sits at two places.  Path walks
 * cross a mount downward when they reach a dentry with mounts on it
 * (mount_lookup_child) and upward when ".." is taken at the root of a mount
 * (mount_up).
 *
 * References.  A mount is pinned by being in the tree (one reference), by
 * each mount attached to it, and by every path held elsewhere (open files,
 * working directories, walks in progress).  umount refuses a mount with
 * more than those of the tree and the caller (EBUSY), or, with MNT_DETACH,
 * takes it out of the tree at once and lets the last user free it.  A super
 * block lives while any mount of it does; then its dentries are dropped and
 * the file system's put_super frees the rest.
 *
 * Locks: mount_lock (a spinlock, before dcache_lock) protects the tree,
 * every mount's refcount and flags, dentry->mounted, super block mount
 * counts and the list of file system types.
 */
#include "fs/fs.h"
#include "fs/internal.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "uapi/errno.h"

static struct spinlock mount_lock = SPINLOCK_INIT("mount");
static struct list_node all_mounts = LIST_INIT(all_mounts);   /* [mount_lock] */
static struct list_node fs_types = LIST_INIT(fs_types);       /* [mount_lock] */
static struct mount *root_mount;                              /* [mount_lock] */
static int next_mnt_id = 1;                                   /* [mount_lock] */
static unsigned next_anon_minor = 1;                          /* [mount_lock] */

/* Make a file system type mountable by name. */
int
vfs_register_fs(struct fs_type *type)
{
	spin_lock(&mount_lock);
	list_push_back(&fs_types, &type->node);
	spin_unlock(&mount_lock);
	return 0;
}

/* The type registered under name, or NULL (mount then says ENODEV). */
const struct fs_type *
vfs_find_fs(const char *name)
{
	const struct fs_type *found = NULL;

	spin_lock(&mount_lock);
	for (struct list_node *n = fs_types.next; n != &fs_types; n = n->next) {
		struct fs_type *t = list_entry(n, struct fs_type, node);
		if (strcmp(t->name, name) == 0) {
			found = t;
			break;
		}
	}
	spin_unlock(&mount_lock);
	return found;
}

/* The types that mount block devices, in registration order (root's auto-detection). */
int
vfs_dev_fs_types(const struct fs_type **out, int max)
{
	int n = 0;

	spin_lock(&mount_lock);
	for (struct list_node *l = fs_types.next; l != &fs_types && n < max; l = l->next) {
		struct fs_type *t = list_entry(l, struct fs_type, node);
		if (t->requires_dev)
			out[n++] = t;
	}
	spin_unlock(&mount_lock);
	return n;
}

/* One "nodev\tname" or "\tname" line per registered type (/proc/filesystems). */
int
vfs_for_each_fs_type(void *ctx, int (*pr)(void *, const char *, ...))
{
	const char *names[32];
	bool nodev[32];
	int n = 0, r = 0;

	spin_lock(&mount_lock);
	for (struct list_node *l = fs_types.next; l != &fs_types && n < 32; l = l->next) {
		struct fs_type *t = list_entry(l, struct fs_type, node);
		names[n] = t->name;
		nodev[n++] = !t->requires_dev;
	}
	spin_unlock(&mount_lock);
	for (int i = 0; i < n && !r; i++)
		r = pr(ctx, "%s\t%s\n", nodev[i] ? "nodev" : "", names[i]);
	return r;
}

/* A new super block with an anonymous device number (0, n) for st_dev. */
struct super_block *
sb_alloc(const struct fs_type *type, const struct super_ops *ops)
{
	struct super_block *sb = kzalloc(sizeof(*sb));

	if (!sb)
		return NULL;
	sb->type = type;
	sb->ops = ops;
	sb->block_size = 4096;
	sb->max_bytes = VFS_MAX_BYTES;
	mutex_init(&sb->rename_lock, "rename");
	spin_lock(&mount_lock);
	sb->dev = MKDEV(0, next_anon_minor++);
	spin_unlock(&mount_lock);
	return sb;
}

/* The last mount of sb went: drop its dentries, then let the file system free the rest. */
static void
sb_shutdown(struct super_block *sb)
{
	while (d_prune_sb(sb))
		;
	dput(sb->root);
	if (sb->ops->put_super)
		sb->ops->put_super(sb);
	sb_free(sb);
}

/* Free a super block's own memory. */
void
sb_free(struct super_block *sb)
{
	kfree(sb);
}

/* Another reference to a mount. */
struct mount *
mntget(struct mount *m)
{
	spin_lock(&mount_lock);
	m->refcount++;
	spin_unlock(&mount_lock);
	return m;
}

/* Free a detached mount nobody uses any more. */
static void
mount_free(struct mount *m)
{
	struct super_block *sb = m->sb;
	bool last;

	dput(m->root);
	spin_lock(&mount_lock);
	last = --sb->mounts == 0;
	spin_unlock(&mount_lock);
	kfree(m);
	if (last)
		sb_shutdown(sb);
}

/*
 * Drop a reference.  Only a mount out of the tree can lose its last one;
 * it then lets go of the place it hung (if it was part of a detached
 * subtree) and of its super block.
 */
void
mntput(struct mount *m)
{
	struct path old;

	if (!m)
		return;
	spin_lock(&mount_lock);
	if (--m->refcount > 0) {
		spin_unlock(&mount_lock);
		return;
	}
	mount_unlink_locked(m, &old);
	mount_forget_locked(m);
	spin_unlock(&mount_lock);
	mount_free(m);
	if (old.dentry)
		dput(old.dentry);
	mntput(old.mnt);
}

/* Reference both halves of a path. */
void
path_get(const struct path *p)
{
	mntget(p->mnt);
	dget(p->dentry);
}

/* Drop both halves of a path and clear it. */
void
path_put(struct path *p)
{
	if (p->dentry)
		dput(p->dentry);
	if (p->mnt)
		mntput(p->mnt);
	p->dentry = NULL;
	p->mnt = NULL;
}

/*
 * Attach sb's root (or root, for bind mounts) at `at`, or as the root of
 * the whole tree when at is NULL.  Takes over one reference to root.
 */
int
mount_attach_dentry(struct super_block *sb, struct dentry *root, const struct path *at,
		    unsigned mnt_flags, const char *devname)
{
	struct mount *m = kzalloc(sizeof(*m));
	bool unused;

	if (!m) {
		/* A super block made for this mount dies with it; a shared one lives on. */
		dput(root);
		spin_lock(&mount_lock);
		unused = sb->mounts == 0;
		spin_unlock(&mount_lock);
		if (unused)
			sb_shutdown(sb);
		return -ENOMEM;
	}
	m->root = root;
	m->sb = sb;
	m->flags = mnt_flags;
	m->refcount = 1;                    /* the tree's */
	strlcpy(m->devname, devname ? devname : "none", sizeof(m->devname));
	list_init(&m->children);
	list_init(&m->child_node);
	if (at)
		dget(at->dentry);
	spin_lock(&mount_lock);
	m->id = next_mnt_id++;
	sb->mounts++;
	list_push_back(&all_mounts, &m->all_node);
	mount_link_locked(m, at);
	spin_unlock(&mount_lock);
	return 0;
}

/* Hang m at `at` (NULL: the root).  => mount_lock held; at->dentry referenced for m. */
void
mount_link_locked(struct mount *m, const struct path *at)
{
	if (!at) {
		m->parent = m;
		m->mountpoint = NULL;
		if (!root_mount)
			root_mount = m;
		return;
	}
	m->parent = at->mnt;
	m->mountpoint = at->dentry;
	at->mnt->refcount++;                /* a child pins its parent */
	at->dentry->mounted++;
	list_push_back(&at->mnt->children, &m->child_node);
	m->flags &= ~MNT_DETACHED;
}

/* Mount sb's root at `at` (NULL: as the root of the tree). */
int
mount_attach(struct super_block *sb, const struct path *at, unsigned mnt_flags,
	     const char *devname)
{
	return mount_attach_dentry(sb, dget(sb->root), at, mnt_flags, devname);
}

/*
 * Take m out of the tree.  => mount_lock held.  The caller owes: dput of
 * the old mountpoint and mntput of the old parent, returned through out.
 */
void
mount_unlink_locked(struct mount *m, struct path *old)
{
	old->mnt = NULL;
	old->dentry = NULL;
	if (m->parent == m)
		return;
	old->mnt = m->parent;
	old->dentry = m->mountpoint;
	m->mountpoint->mounted--;
	list_remove(&m->child_node);
	m->parent = m;
	m->mountpoint = NULL;
}

/* The mount sitting on p, referenced, or NULL. */
struct mount *
mount_lookup_child(const struct path *p)
{
	struct mount *found = NULL;

	if (!READ_ONCE(p->dentry->mounted))
		return NULL;
	spin_lock(&mount_lock);
	for (struct list_node *n = p->mnt->children.next; n != &p->mnt->children; n = n->next) {
		struct mount *c = list_entry(n, struct mount, child_node);
		if (c->mountpoint == p->dentry)
			found = c;      /* the last one mounted there wins */
	}
	if (found)
		found->refcount++;
	spin_unlock(&mount_lock);
	return found;
}

/* At a mount's root, move p to where the mount hangs.  => whether it moved. */
bool
mount_up(struct path *p)
{
	struct path up;

	spin_lock(&mount_lock);
	if (p->dentry != p->mnt->root || p->mnt->parent == p->mnt) {
		spin_unlock(&mount_lock);
		return false;
	}
	up.mnt = p->mnt->parent;
	up.dentry = p->mnt->mountpoint;
	up.mnt->refcount++;
	spin_unlock(&mount_lock);
	dget(up.dentry);
	path_put(p);
	*p = up;
	return true;
}

/* The root of the tree, referenced. */
void
vfs_root_path(struct path *out)
{
	spin_lock(&mount_lock);
	out->mnt = root_mount;
	root_mount->refcount++;
	spin_unlock(&mount_lock);
	out->dentry = dget(root_mount->root);
}

/* Take mount_lock (d_path walks mounts and dentries together). */
void
mount_lock_acquire(void)
{
	spin_lock(&mount_lock);
}

/* Release mount_lock. */
void
mount_lock_release(void)
{
	spin_unlock(&mount_lock);
}

/* Prepend "/name" of one dentry to the string that ends at *pos.  => dcache_lock held. */
static bool
prepend(char **pos, char *start, const char *s, size_t len)
{
	if ((size_t)(*pos - start) < len + 1)
		return false;
	*pos -= len;
	memcpy(*pos, s, len);
	*--(*pos) = '/';
	return true;
}

/*
 * The path of p as seen from root, into buf.  *unreachable is set when p
 * is not below root (a cwd outside a chroot).  => length, or -ENAMETOOLONG.
 */
long
d_path(const struct path *p, const struct path *root, char *buf, size_t size,
       bool *unreachable)
{
	struct mount *m = p->mnt;
	struct dentry *d = p->dentry;
	char *end = buf + size, *pos = end - 1;
	bool ok = true;

	*pos = '\0';
	*unreachable = false;
	spin_lock(&mount_lock);
	dcache_lock_acquire();
	while (ok && !(m == root->mnt && d == root->dentry)) {
		if (d == m->root || d->parent == d) {
			if (m->parent == m) {
				*unreachable = true;
				break;
			}
			d = m->mountpoint;
			m = m->parent;
			continue;
		}
		ok = prepend(&pos, buf, d->name, d->len);
		d = d->parent;
	}
	if (ok && pos == end - 1)
		ok = prepend(&pos, buf, "", 0);
	dcache_lock_release();
	spin_unlock(&mount_lock);
	if (!ok)
		return -ENAMETOOLONG;
	memmove(buf, pos, (size_t)(end - pos));
	return end - pos - 1;
}

/* Iterate over mounts for /proc/mounts and sync: fn runs with mount_lock held. */
void
mount_for_each(void (*fn)(struct mount *m, void *arg), void *arg)
{
	spin_lock(&mount_lock);
	for (struct list_node *n = all_mounts.next; n != &all_mounts; n = n->next) {
		struct mount *m = list_entry(n, struct mount, all_node);
		if (!(m->flags & MNT_DETACHED))
			fn(m, arg);
	}
	spin_unlock(&mount_lock);
}

/* Take a detached mount off the list of all mounts.  => mount_lock held. */
void
mount_forget_locked(struct mount *m)
{
	if (m->flags & MNT_DETACHED)
		return;
	m->flags |= MNT_DETACHED;
	list_remove(&m->all_node);
}

/*
 * umount: take m (and, with MNT_DETACH, every mount below it) out of the
 * tree.  The caller holds one reference to m, from the lookup of its path.
 * => 0, -EBUSY (in use, mounts below it, or the root), -EINVAL (detached).
 */
int
mount_umount(struct mount *m, bool lazy)
{
	struct list_node sub = LIST_INIT(sub);
	struct path old;

	spin_lock(&mount_lock);
	if (m->flags & MNT_DETACHED) {
		spin_unlock(&mount_lock);
		return -EINVAL;
	}
	if (m == root_mount) {
		/* As on Linux: "/" is always busy (umount -r then remounts it read-only). */
		spin_unlock(&mount_lock);
		return -EBUSY;
	}
	if (!lazy && m->refcount > 2) {          /* the tree's and the caller's */
		spin_unlock(&mount_lock);
		return -EBUSY;
	}
	mount_unlink_locked(m, &old);
	/* Gather the subtree breadth first, reusing all_node: it leaves the list of mounts. */
	mount_forget_locked(m);
	list_push_back(&sub, &m->all_node);
	for (struct list_node *n = sub.next; n != &sub; n = n->next) {
		struct mount *p = list_entry(n, struct mount, all_node);
		for (struct list_node *c = p->children.next; c != &p->children; c = c->next) {
			struct mount *ch = list_entry(c, struct mount, child_node);
			mount_forget_locked(ch);
			list_push_back(&sub, &ch->all_node);
		}
	}
	spin_unlock(&mount_lock);
	if (old.dentry)
		dput(old.dentry);
	mntput(old.mnt);
	/* Drop the tree's reference of each, deepest first, so children release parents. */
	while (!list_empty(&sub)) {
		struct list_node *n = sub.prev;
		list_remove(n);
		mntput(list_entry(n, struct mount, all_node));
	}
	return 0;
}

/* A mount outside the tree for a kernel-internal super block. */
struct mount *
mount_internal(struct super_block *sb)
{
	struct mount *m = kzalloc(sizeof(*m));

	if (!m)
		return NULL;
	m->root = dget(sb->root);
	m->sb = sb;
	m->refcount = 1;
	m->parent = m;
	m->flags = MNT_DETACHED;        /* never in the tree, never freed */
	strlcpy(m->devname, sb->type ? sb->type->name : "none", sizeof(m->devname));
	list_init(&m->children);
	list_init(&m->child_node);
	list_init(&m->all_node);
	spin_lock(&mount_lock);
	m->id = next_mnt_id++;
	sb->mounts++;
	spin_unlock(&mount_lock);
	return m;
}

/* Is m inside the subtree of top (or top itself)?  => mount_lock held. */
static bool
mount_below_locked(struct mount *m, struct mount *top)
{
	for (;;) {
		if (m == top)
			return true;
		if (m->parent == m)
			return false;
		m = m->parent;
	}
}

/* MS_MOVE: hang m at `at` instead; not into its own subtree. */
int
mount_move(struct mount *m, const struct path *at)
{
	struct path old;

	dget(at->dentry);
	spin_lock(&mount_lock);
	if (m == root_mount || m->parent == m || (m->flags & MNT_DETACHED) ||
	    mount_below_locked(at->mnt, m)) {
		spin_unlock(&mount_lock);
		dput(at->dentry);
		return -EINVAL;
	}
	mount_unlink_locked(m, &old);
	mount_link_locked(m, at);
	spin_unlock(&mount_lock);
	dput(old.dentry);
	mntput(old.mnt);
	return 0;
}

/* Cross every mount sitting on p, down to the topmost. */
void
follow_mounts(struct path *p)
{
	struct mount *m;

	while ((m = mount_lookup_child(p)) != NULL) {
		dput(p->dentry);
		mntput(p->mnt);
		p->mnt = m;
		p->dentry = dget(m->root);
	}
}

/* Up to max mounts in the tree, each with a reference (the caller mntputs them). */
int
mount_snapshot(struct mount **out, int max)
{
	int n = 0;

	spin_lock(&mount_lock);
	for (struct list_node *l = all_mounts.next; l != &all_mounts && n < max; l = l->next) {
		struct mount *m = list_entry(l, struct mount, all_node);
		m->refcount++;
		out[n++] = m;
	}
	spin_unlock(&mount_lock);
	return n;
}

/*
 * The disk's file system, mounted on the rootfs's "/", becomes the root of
 * the tree, as on Linux after prepare_namespace: new processes start in
 * it, and umount refuses it.  The rootfs stays underneath, unreachable.
 */
void
mount_set_tree_root(struct mount *m)
{
	spin_lock(&mount_lock);
	root_mount = m;
	spin_unlock(&mount_lock);
}

/* remount: new per-mount flags (MNT_*); SB_RDONLY follows MNT_RDONLY unless bind is set. */
void
mount_set_flags(struct mount *m, unsigned flags, bool bind)
{
	spin_lock(&mount_lock);
	m->flags = (m->flags & MNT_DETACHED) | (flags & ~MNT_DETACHED);
	if (!bind) {
		if (flags & MNT_RDONLY)
			m->sb->flags |= SB_RDONLY;
		else
			m->sb->flags &= ~SB_RDONLY;
	}
	spin_unlock(&mount_lock);
}
