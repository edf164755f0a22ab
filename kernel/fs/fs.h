/* SPDX-License-Identifier: MIT */
/*
 * The VFS seen from a file system: the objects every file system shares
 * and the operation tables it fills in.
 *
 *   struct super_block  one mounted instance of a file system (a ramfs, an
 *                       ext2 volume); its operations: struct super_ops.
 *   struct inode        one file, directory, link, device node, FIFO or
 *                       socket: its attributes and its operations
 *                       (struct inode_ops for names, struct file_ops for
 *                       the contents once it is open).
 *   struct dentry       one name in the dentry cache: (parent, name) ->
 *                       inode, or "no such name" (a negative dentry).
 *   struct mount        where a super block is attached in the tree.
 *   struct path         (mount, dentry): a place in the tree.
 *   struct file         one open(): position, flags, operations.
 *
 * A file system only ever sees names relative to a directory inode; the
 * dentry cache, mounts, permissions and paths are the VFS's business, so a
 * file system is a table of small functions (see ramfs.c for the smallest
 * complete one).  Entry points for the rest of the kernel that take path
 * strings are in fs/vfs_ops.h.
 *
 * Lock order (outermost first):
 *   sb->rename_lock (cross-directory renames only)
 *   directory inode->lock, ancestors before descendants (otherwise, with
 *     the rename lock held, any order)
 *   non-directory inode->lock (two at once: lower address first)
 *   file->pos_lock is taken before inode->lock (read, write, getdents)
 *   spinlocks: fs_ctx->lock, then mount_lock, then dcache_lock; the
 *     leaves inode_hash_lock, files->lock and wait queue locks
 */
#pragma once

#include "lib/compiler.h"
#include "lib/list.h"
#include "sync/mutex.h"
#include "sync/spinlock.h"
#include "fs/vfs.h"
#include "uapi/time.h"

/*
 * Device numbers inside the kernel: 12 bits of major, 20 of minor (Linux's
 * internal layout).  struct stat carries another encoding: dev_encode().
 */
typedef uint32_t dev_t;
#define MINORBITS 20
#define MKDEV(ma, mi) ((dev_t)(((uint32_t)(ma) << MINORBITS) | (uint32_t)(mi)))
#define MAJOR(d) ((unsigned)((d) >> MINORBITS))
#define MINOR(d) ((unsigned)((d) & ((1u << MINORBITS) - 1)))

/* The st_dev / st_rdev encoding (what glibc's and musl's makedev() produce). */
static inline uint64_t
dev_encode(dev_t d)
{
	uint64_t ma = MAJOR(d), mi = MINOR(d);

	return (mi & 0xff) | ((ma & 0xfff) << 8) | ((mi & ~0xffull) << 12);
}

#define NAME_MAX 255
#define PATH_MAX 4096
#define SYMLOOP_MAX 40              /* symbolic links one walk may follow */
#define MAX_RW_COUNT 0x7ffff000L    /* one read or write moves at most this */
#define VFS_MAX_BYTES (1ll << 44)   /* largest file offset the VFS accepts */

struct super_block;
struct inode;
struct dentry;
struct mount;
struct file;
struct uio;
struct poll_table;
struct statfs;
struct dir_context;
struct cred;
struct reclock_ctx;

/* Attributes of a new inode: the VFS has applied the umask and setgid rules. */
struct vfs_new {
	uint32_t mode;              /* type and permission bits */
	uint32_t uid, gid;
	dev_t rdev;                 /* device nodes */
};

/* What setattr changes: the VFS checked permissions and filled in ctime. */
#define ATTR_MODE  0x01
#define ATTR_UID   0x02
#define ATTR_GID   0x04
#define ATTR_SIZE  0x08
#define ATTR_ATIME 0x10
#define ATTR_MTIME 0x20
#define ATTR_CTIME 0x40
struct iattr {
	unsigned valid;
	uint32_t mode;              /* permission bits only; the type never changes */
	uint32_t uid, gid;
	uint64_t size;
	struct timespec atime, mtime, ctime;
};

/* A rename as the file system sees it, after every VFS check. */
struct rename_args {
	struct inode *odir, *ndir;
	const char *oname, *nname;
	size_t olen, nlen;
	struct inode *src;          /* the inode being moved */
	struct inode *target;       /* what nname named before (replaced), or NULL */
	unsigned flags;             /* RENAME_EXCHANGE: swap src and target */
};

/*
 * Name operations of a directory (and readlink/setattr of any inode).
 * Calls on a directory run with dir->lock held; a victim (unlink, rmdir,
 * rename target) and a link source have their own lock held too.  Created
 * inodes come back through *out with one reference for the caller.
 */
struct inode_ops {
	/* => the inode named, with a reference; ERR_PTR(-ENOENT) when absent. */
	struct inode *(*lookup)(struct inode *dir, const char *name, size_t len);
	/* Regular files, device nodes, FIFOs and sockets. */
	int (*mknod)(struct inode *dir, const char *name, size_t len,
		     const struct vfs_new *nw, struct inode **out);
	int (*mkdir)(struct inode *dir, const char *name, size_t len,
		     const struct vfs_new *nw, struct inode **out);
	int (*symlink)(struct inode *dir, const char *name, size_t len, const char *target,
		       const struct vfs_new *nw, struct inode **out);
	int (*link)(struct inode *src, struct inode *dir, const char *name, size_t len);
	int (*unlink)(struct inode *dir, const char *name, size_t len, struct inode *victim);
	/* victim is empty (the VFS checked). */
	int (*rmdir)(struct inode *dir, const char *name, size_t len, struct inode *victim);
	int (*rename)(const struct rename_args *ra);
	/* The link's target, not NUL-terminated.  => its length or -errno. */
	long (*readlink)(struct inode *ino, char *buf, size_t size);
	/* Apply ia (ATTR_SIZE: truncate or extend).  => ino->lock held. */
	int (*setattr)(struct inode *ino, const struct iattr *ia);
	/* Is the directory empty apart from . and ..?  => dir->lock held. */
	bool (*is_empty)(struct inode *dir);
	/*
	 * Reserve storage for [off, off+len) of a regular file (fallocate(2));
	 * mode is 0 (also extend the size) or FALLOC_FL_* bits, which it may
	 * refuse with -EOPNOTSUPP.  NULL: fallocate gives -EOPNOTSUPP.
	 * => ino->lock held.
	 */
	int (*fallocate)(struct inode *ino, int mode, uint64_t off, uint64_t len);
};

/*
 * Operations on an open file.  read and write move bytes between the file
 * and a struct uio (user or kernel memory) at *pos and advance it; they
 * return the count moved or -errno.  A file whose read or write can block
 * must honour O_NONBLOCK in f->flags (-EAGAIN) and return -ERESTARTSYS when
 * a signal interrupts a wait before any byte moved.  open may replace
 * f->ops (a driver choosing the real device) and sets f->priv.
 */
struct file_ops {
	int (*open)(struct inode *ino, struct file *f);
	void (*release)(struct inode *ino, struct file *f);
	long (*read)(struct file *f, struct uio *u, uint64_t *pos);
	long (*write)(struct file *f, struct uio *u, uint64_t *pos);
	/* NULL: the file cannot seek (-ESPIPE). */
	int64_t (*llseek)(struct file *f, int64_t off, int whence);
	int (*readdir)(struct file *f, struct dir_context *ctx);
	/* Readiness (POLL* bits); registers on wait queues with poll_wait(). */
	unsigned (*poll)(struct file *f, struct poll_table *pt);
	/* arg is the user's argument (usually a user pointer).  -ENOTTY if unknown. */
	long (*ioctl)(struct file *f, unsigned cmd, unsigned long arg);
	int (*fsync)(struct file *f, bool datasync);
	/* One page at byte offset off for a private mapping (NULL: use read). */
	int (*readpage)(struct file *f, uint64_t off, void *page);
	/*
	 * The file's own page at off, for a shared mapping: writes through the
	 * mapping are writes to the file.  *pa gets the frame with a reference
	 * for the caller.  => 0, -ENXIO past the end of the file, -ENOMEM.
	 * NULL: the file cannot be mapped shared.
	 */
	int (*getpage)(struct file *f, uint64_t off, paddr_t *pa);
	/*
	 * The same frame for a private mapping that only reads it (a
	 * program's text): no hole is filled, nothing is dirtied or
	 * reserved.  => 0, -ENXIO past the end, -ENODATA: copy it instead
	 * (a hole).  NULL: private mappings always copy.
	 */
	int (*getpage_ro)(struct file *f, uint64_t off, paddr_t *pa);
};

struct super_ops {
	/* The last reference to an inode with no links went: free its storage. */
	void (*evict_inode)(struct inode *ino);
	/* The last reference to a linked inode went (not for SB_PINNED): write it back. */
	void (*release_inode)(struct inode *ino);
	int (*statfs)(struct super_block *sb, struct statfs *st);
	int (*sync_fs)(struct super_block *sb);
	/* mount -o remount: MS_RDONLY in flags or not.  NULL: nothing to do. */
	int (*remount)(struct super_block *sb, unsigned long flags);
	/* The last mount of sb went away: free what the file system holds. */
	void (*put_super)(struct super_block *sb);
};

/* ------------------------------------------------------------------ inodes */

#define I_DEAD   0x1    /* a removed directory: no new names in it */

/*
 * Locks: [i] ino->lock, [I] set before the inode is visible, [a] atomic,
 * [h] inode_hash_lock.  The type bits of mode never change.
 */
struct inode {
	int refcount;                   /* [a], 0 -> freed or (SB_PINNED) kept */
	uint64_t ino;                   /* [I] */
	struct super_block *sb;         /* [I] */
	const struct inode_ops *iops;   /* [I] */
	const struct file_ops *fops;    /* [I] contents, once open */
	struct mutex lock;
	uint32_t mode;                  /* [i] S_IF* | permission bits */
	uint32_t uid, gid;              /* [i] */
	uint32_t nlink;                 /* [i] */
	unsigned flags;                 /* [i] I_DEAD */
	uint64_t size;                  /* [i] */
	uint64_t blocks;                /* [i] 512-byte units allocated */
	struct timespec atime, mtime, ctime, btime;   /* [i] */
	dev_t rdev;                     /* [I] device nodes */
	void *pipe;                     /* [i] a FIFO's pipe while it is open */
	struct reclock_ctx *reclocks;   /* record locks; reclock.c's lock guards it */
	void *priv;                     /* the file system's */
	struct list_node hash_node;     /* [h] in the inode cache, if hashed */
};

/* A new inode of sb with one reference; the caller fills in the rest.  NULL: no memory. */
struct inode *inode_alloc(struct super_block *sb, uint32_t mode) __must_check;
/*
 * Free an inode outright: one the file system made but never handed out,
 * or (at unmount) a SB_PINNED one nobody references.
 */
void inode_free(struct inode *ino);
/* Take another reference to an inode the caller already holds (or the fs owns). */
void ihold(struct inode *ino);
/* Drop a reference; the last one frees or keeps the inode (see inode.c). */
void iput(struct inode *ino);
/* The cached inode (sb, ino) with a reference, or NULL. */
struct inode *inode_find(struct super_block *sb, uint64_t ino);
/*
 * Add ino to the cache unless (sb, ino) is there already: then the cached
 * one is returned (with a reference) and the caller drops its own.
 */
struct inode *inode_hash_insert(struct inode *ino);
/* Set times to now: a mask of ATTR_ATIME | ATTR_MTIME | ATTR_CTIME. */
void inode_touch(struct inode *ino, unsigned which);
void vfs_now(struct timespec *ts);
/* Apply the attributes of ia to the in-memory inode (a setattr helper). */
void inode_apply_attr(struct inode *ino, const struct iattr *ia);

/* Permission bits asked for: the low three bits of an access(2) mode. */
#define MAY_EXEC  1
#define MAY_WRITE 2
#define MAY_READ  4
/* Check mask against ino's mode for the current credentials.  => 0 or -EACCES. */
int inode_permission(struct inode *ino, int mask);
/* The credentials file-system checks use: the thread's, or root for kernel threads. */
const struct cred *vfs_cred(void);
/* May the caller act as owner of ino (chmod, utimes)? */
bool inode_owner_or_root(struct inode *ino);

/* ------------------------------------------------------------------ dentries */

#define DNAME_INLINE 32
#define D_DEAD     0x1    /* unlinked or removed while in use */
#define D_HASHED   0x2    /* findable by (parent, name) */

/* Locks: [d] dcache_lock, [m] mount_lock, [I] immutable. */
struct dentry {
	int refcount;                   /* [d] */
	unsigned flags;                 /* [d] */
	struct dentry *parent;          /* [d] itself at a file system's root */
	struct inode *inode;            /* [d] NULL: a negative entry */
	struct super_block *sb;         /* [I] */
	char *name;                     /* [d] points at iname or a kmalloc'd copy */
	size_t len;                     /* [d] */
	uint32_t hash;                  /* [d] */
	char iname[DNAME_INLINE];       /* [d] */
	struct list_node child_node;    /* [d] in parent->children */
	struct list_node children;      /* [d] */
	struct list_node hash_node;     /* [d] */
	struct list_node lru_node;      /* [d] on the unused list while refcount is 0 */
	int mounted;                    /* [m] mounts sitting on this dentry */
};

struct dentry *dget(struct dentry *d);
void dput(struct dentry *d);
/* A new root dentry for sb, owning one reference to root (which it takes). */
struct dentry *d_make_root(struct inode *root) __must_check;
/* The inode of a dentry the caller holds (NULL when negative). */
static inline struct inode *
d_inode(const struct dentry *d)
{
	return READ_ONCE(d->inode);
}
/* Copy d's name into buf (NUL-terminated).  => dcache_lock taken and dropped. */
void d_name_copy(struct dentry *d, char *buf, size_t size);
/* Drop unused dentries (memory pressure, umount).  => how many went. */
unsigned dcache_shrink(unsigned nr);
unsigned dcache_unused_count(void);

/* ------------------------------------------------------------------ mounts */

#define SB_RDONLY 0x1
#define SB_PINNED 0x2    /* inodes live while they have links (ramfs) */
#define SB_NODEV  0x4    /* never mountable by name (pipes, anonymous files) */
#define SB_NOCACHE 0x8   /* names change behind the VFS's back (procfs): look up every time */

/* Locks: [m] mount_lock, [I] immutable after mount. */
struct super_block {
	const struct fs_type *type;     /* [I] */
	const struct super_ops *ops;    /* [I] */
	struct dentry *root;            /* [I] */
	dev_t dev;                      /* [I] st_dev */
	unsigned flags;                 /* [m] SB_* */
	uint32_t magic;                 /* [I] statfs f_type */
	uint32_t block_size;            /* [I] st_blksize */
	uint64_t max_bytes;             /* [I] largest file size */
	int mounts;                     /* [m] mounts of this super block */
	uint64_t next_ino;              /* [a] for file systems that number inodes in memory */
	struct mutex rename_lock;       /* serializes cross-directory renames */
	void *priv;                     /* the file system's */
};

/* Flags of one mount (per place, unlike SB_*). */
#define MNT_RDONLY 0x1
#define MNT_NOSUID 0x2
#define MNT_NODEV  0x4
#define MNT_NOEXEC 0x8
#define MNT_NOATIME 0x10
#define MNT_DETACHED 0x100   /* lazily unmounted: gone from the tree */

struct mount {
	int refcount;                   /* [m] paths, files and cwds using it */
	struct mount *parent;           /* [m] itself for the root and detached mounts */
	struct dentry *mountpoint;      /* [m] where it sits in parent */
	struct dentry *root;            /* [I] its top (a subdirectory for bind mounts) */
	struct super_block *sb;         /* [I] */
	unsigned flags;                 /* [m] MNT_* */
	int id;                         /* [I] statx mnt_id */
	char devname[32];               /* [I] the source string, for /proc/mounts */
	struct list_node children;      /* [m] mounts on dentries of this one */
	struct list_node child_node;    /* [m] */
	struct list_node all_node;      /* [m] */
};

struct path {
	struct mount *mnt;
	struct dentry *dentry;
};

void path_get(const struct path *p);
void path_put(struct path *p);
static inline bool
path_equal(const struct path *a, const struct path *b)
{
	return a->mnt == b->mnt && a->dentry == b->dentry;
}
struct mount *mntget(struct mount *m);
void mntput(struct mount *m);

/*
 * A kind of file system: mount builds a super block (with its root dentry)
 * from a source and option string.  => 0 or -errno.
 */
struct fs_type {
	const char *name;
	bool requires_dev;          /* mounted from a block device (ext2) */
	int (*mount)(const struct fs_type *type, const char *source, unsigned long flags,
		     const void *data, struct super_block **out);
	struct list_node node;
};
int vfs_register_fs(struct fs_type *type);
const struct fs_type *vfs_find_fs(const char *name);
/* A new super block with a fresh anonymous device number.  NULL: no memory. */
struct super_block *sb_alloc(const struct fs_type *type, const struct super_ops *ops);
void sb_free(struct super_block *sb);
/* Mount sb over (parent path) or, with parent NULL, as the root of the tree. */
int mount_attach(struct super_block *sb, const struct path *at, unsigned mnt_flags,
		 const char *devname);
/* The mount over p, or NULL.  => a reference. */
struct mount *mount_lookup_child(const struct path *p);
/* p at a mount's root goes to the mountpoint in its parent ('..' across mounts). */
bool mount_up(struct path *p);
/* The root of the whole tree (init's "/"). */
void vfs_root_path(struct path *out);

/* ------------------------------------------------------------------ files */

#define FMODE_READ   0x1
#define FMODE_WRITE  0x2
#define FMODE_PATH   0x4     /* O_PATH: a handle on the name, no I/O */
#define FMODE_STREAM 0x8     /* no position: pipes, terminals, sockets */

/* Locks: [p] pos_lock, [f] file->lock, [I] immutable after open, [a] atomic. */
struct file {
	int refcount;                   /* [a] */
	unsigned mode;                  /* [I] FMODE_* */
	unsigned flags;                 /* [f] O_ACCMODE and status flags */
	struct path path;               /* [I] */
	struct inode *inode;            /* [I] */
	const struct file_ops *ops;     /* [I] after open */
	struct mutex pos_lock;          /* serializes I/O that moves pos */
	uint64_t pos;                   /* [p] */
	struct spinlock lock;
	bool flocked;                   /* [f] it took a flock() lock once */
	void *priv;                     /* the driver's or file system's */
};

/* Read and update the status flags safely. */
unsigned file_flags(struct file *f);
/*
 * A file with no name in the tree: pipes, later sockets and event files.
 * Its path reads "kind:[inode number]".  flags: O_ACCMODE, O_NONBLOCK.
 * => file or ERR_PTR.
 */
struct file *file_new_anon(const char *kind, uint32_t mode, const struct file_ops *ops,
			   void *priv, int flags);
/* Another open file on f's anonymous inode (the other end of a pipe). */
struct file *file_clone_anon(struct file *f, const struct file_ops *ops, void *priv, int flags);

/* Readiness of a file for poll/select (POLL* bits). */
unsigned file_poll(struct file *f, struct poll_table *pt);

/* ------------------------------------------------------------------ directories */

/*
 * readdir hands each entry to ctx->emit, which returns false when the
 * caller's buffer is full (then readdir stops and leaves ctx->pos at that
 * entry, to resume there).  ctx->pos is the file system's cookie.
 */
struct dir_context {
	bool (*emit)(struct dir_context *ctx, const char *name, size_t len, uint64_t ino,
		     unsigned type);
	uint64_t pos;
};
/* d_type for a mode. */
static inline unsigned
mode_to_dtype(uint32_t mode)
{
	return (mode >> 12) & 15;
}

/* A generic llseek for files with a size and directories. */
int64_t generic_file_llseek(struct file *f, int64_t off, int whence);
/* For devices where seeking is allowed but means nothing (null, zero). */
int64_t noop_llseek(struct file *f, int64_t off, int whence);

/* ------------------------------------------------------------------ the FIFO hook */

/*
 * The pipe code (ipc/, a higher layer) installs the file operations of
 * FIFOs here at boot; until then opening a FIFO gives -ENXIO.
 */
extern const struct file_ops *fifo_file_ops;
