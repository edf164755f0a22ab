/* SPDX-License-Identifier: MIT */
/*
 * What the pieces of the VFS share among themselves and nobody else: the
 * dentry cache's and the mount tree's inner calls, the path walker, the
 * per-process tables.  File systems use fs/fs.h; the rest of the kernel
 * uses fs/vfs.h and fs/vfs_ops.h.
 */
#pragma once

#include "fs/fs.h"

/* ---- bring-up, one call per piece (vfs_init runs them in order) */
void dcache_init(void);
void inode_init(void);
void file_init(void);
void ramfs_register(void);
int ramfs_make_rootfs(struct super_block **out);
void devtmpfs_register(void);
void ext2fs_register(void);
void anon_init(void);
void fs_ctx_init_kernel(void);

/* ---- dcache.c */
struct dentry *d_alloc(struct dentry *parent, const char *name, size_t len);
void d_add(struct dentry *d, struct inode *ino);
struct dentry *d_lookup(struct dentry *parent, const char *name, size_t len);
void d_delete(struct dentry *d);
void d_drop(struct dentry *d);
bool d_is_dead(struct dentry *d);
int d_move(struct dentry *d, struct dentry *parent, const char *name, size_t len);
int d_exchange(struct dentry *a, struct dentry *b);
void d_prune_children(struct dentry *d);
/* Free the unused dentries of sb.  => how many went (call until 0). */
unsigned d_prune_sb(struct super_block *sb);
/* The parent of d, referenced (d itself at a file system root). */
struct dentry *d_get_parent(struct dentry *d);
void dcache_lock_acquire(void);
void dcache_lock_release(void);
struct dentry *d_ancestor_child_locked(struct dentry *a, struct dentry *d);

/* ---- mount.c */
int mount_attach_dentry(struct super_block *sb, struct dentry *root, const struct path *at,
			unsigned mnt_flags, const char *devname);
/* A mount of sb outside the tree (pipes and other anonymous files). */
struct mount *mount_internal(struct super_block *sb);
void mount_link_locked(struct mount *m, const struct path *at);
void mount_unlink_locked(struct mount *m, struct path *old);
void mount_forget_locked(struct mount *m);
int mount_umount(struct mount *m, bool lazy);
/* MS_MOVE: m (a mount's root) goes to `at`. */
int mount_move(struct mount *m, const struct path *at);
int mount_snapshot(struct mount **out, int max);
void mount_set_flags(struct mount *m, unsigned flags, bool bind);
/* m (mounted on the rootfs's "/") becomes the root of the tree: init's "/". */
void mount_set_tree_root(struct mount *m);
/* Up to max registered types that mount block devices.  => how many. */
int vfs_dev_fs_types(const struct fs_type **out, int max);
void mount_lock_acquire(void);
void mount_lock_release(void);
long d_path(const struct path *p, const struct path *root, char *buf, size_t size,
	    bool *unreachable);
void mount_for_each(void (*fn)(struct mount *m, void *arg), void *arg);
int vfs_for_each_fs_type(void *ctx, int (*pr)(void *, const char *, ...));
/* Cross every mount sitting on p (a walk reached a mountpoint). */
void follow_mounts(struct path *p);

/* ---- namei.c: the path walk */
#define LOOKUP_FOLLOW    0x1    /* follow a symbolic link in the last component */
#define LOOKUP_DIRECTORY 0x2    /* the last component must be a directory */
#define LOOKUP_EMPTY     0x4    /* "" names the start (AT_EMPTY_PATH) */

enum { LAST_NORM, LAST_ROOT, LAST_DOT, LAST_DOTDOT };

struct nd_frame {
	char *body;                 /* a link's target, kmalloc'd */
	const char *rest;           /* where the string that named the link continues */
};

struct nameidata {
	struct path path;           /* where the walk stands (referenced) */
	struct path root;           /* the process root: ".." stops here */
	const char *rest;           /* the unread part of the current string */
	unsigned flags;             /* LOOKUP_* */
	int nlinks;                 /* links followed so far: -ELOOP past SYMLOOP_MAX */
	int depth;                  /* link bodies being read */
	struct nd_frame *stack;     /* SYMLOOP_MAX frames, allocated at the first link */
	const char *last;           /* the last component, once walk_parent returns */
	size_t last_len;
	int last_type;              /* LAST_* */
	bool trailing_slash;
};

int nd_init(struct nameidata *nd, int dirfd, const char *name, unsigned flags);
void nd_release(struct nameidata *nd);
/* Walk everything but the last component. */
int nd_walk_parent(struct nameidata *nd);
/* Step onto nd->last (nd->path is its parent).  => 0, 1 (a link was pushed), -errno. */
int nd_walk_last(struct nameidata *nd);
/* The last component named the link at (nd->path.mnt, link): continue in its body. */
int nd_follow_link(struct nameidata *nd, struct dentry *link);
/* A whole lookup.  => 0 with *out referenced, or -errno. */
int vfs_path_lookup(int dirfd, const char *name, unsigned flags, struct path *out);
/* Find name in dir, from the cache or the file system; negative dentries included. */
struct dentry *lookup_dentry(struct dentry *dir, const char *name, size_t len);
/* The same with dir->inode->lock held by the caller. */
struct dentry *lookup_dentry_locked(struct dentry *dir, const char *name, size_t len);

/* ---- fs_ctx.c: root, cwd and umask */
struct fs_ctx {
	int refcount;               /* [a] */
	struct spinlock lock;       /* the fields below; before mount_lock, dcache_lock */
	struct path root;
	struct path cwd;
	uint32_t umask;
};
struct fs_ctx *fs_ctx_current(void);
void fs_ctx_get_root(struct fs_ctx *c, struct path *out);
void fs_ctx_get_cwd(struct fs_ctx *c, struct path *out);
void fs_ctx_set_root(struct fs_ctx *c, const struct path *p);
void fs_ctx_set_cwd(struct fs_ctx *c, const struct path *p);

/* ---- file.c */
struct file *file_alloc(const struct path *p, unsigned flags, unsigned mode);
/* Free a file whose open failed: no release call. */
void file_discard(struct file *f);

/* ---- flock.c: the last close of a description drops its flock() lock. */
void flock_release(struct file *f);

/* ---- reclock.c: POSIX record locks (fcntl F_GETLK, F_SETLK, F_OFD_*) */
long reclock_fcntl(int fd, struct file *f, int cmd, unsigned long arg);
/* A descriptor of f in table t closed: t's POSIX locks on the file go (POSIX). */
void reclock_close(struct file *f, struct files *t);
/* The last close of a description: its OFD locks go. */
void reclock_release_file(struct file *f);

/* ---- perm.c */
/* May the caller write to things on this mount?  => 0 or -EROFS. */
int mnt_want_write(const struct path *p);
int path_permission(const struct path *p, int mask);
/* The sticky-directory rule for removing or replacing victim in dir. */
int may_delete(struct inode *dir, struct inode *victim);
/* Give a new inode its owner and mode (umask, setgid directory). */
void vfs_new_init(struct vfs_new *nw, struct inode *dir, uint32_t mode, dev_t rdev);
/* Strip setuid/setgid as a write by a non-root caller must.  => ino->lock held. */
void inode_kill_suid(struct inode *ino);

/* ---- attr.c */
/* Truncate or extend a regular file (permission already checked). */
int vfs_set_size(struct inode *ino, uint64_t size);

/* ---- chrdev.c: the operations of character device dev, or NULL. */
const struct file_ops *chrdev_ops(dev_t dev);

/* ---- getname.c: a user path copied in.  => kmalloc'd string or ERR_PTR. */
char *getname(const char *upath, bool empty_ok);
void putname(char *name);

/* ---- initramfs.c */
int initramfs_unpack_at(const char *prefix, const void *data, size_t len);
void initramfs_default_dev(void);
