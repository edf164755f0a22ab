// SPDX-License-Identifier: MIT
/*
 * Inodes: their life cycle, the inode cache, times and permission checks.
 *
 * Life cycle.  An inode is born with one reference (inode_alloc) and gains
 * more from dentries, open files and anyone who looks at it for a while
 * (ihold).  When the last reference goes (iput), one of three things
 * happens:
 *
 *   - it has no links left (unlinked, and now closed): the file system
 *     frees its storage (super_ops.evict_inode) and the inode is freed;
 *   - it has links and lives on a SB_PINNED file system (ramfs, where the
 *     in-memory inode *is* the file): it stays, owned by the directory
 *     entries that name it, with a count of zero, until a lookup takes a
 *     reference again or its last link goes;
 *   - it has links on a disk file system: it is written back
 *     (super_ops.release_inode), dropped from the cache and freed; the next
 *     lookup reads it again.
 *
 * This is what makes "an open file survives unlink until close" work: the
 * open file holds a reference, so the unlinked inode waits for it.
 *
 * The inode cache maps (super block, inode number) to the one in-memory
 * inode, so two names of one file (hard links) share it.  Disk file systems
 * use it; ramfs needs none (its directories point straight at inodes).
 *
 * Locks: inode_hash_lock (a spinlock, leaf) protects the hash chains and
 * every 1 -> 0 transition of a refcount, so a lookup in the cache can never
 * take a reference to an inode being freed.  Other refcount changes are
 * atomic.  Attributes are protected by ino->lock (a mutex).
 */
#include "fs/fs.h"
#include "fs/internal.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "sched/cred.h"
#include "sched/sched.h"
#include "sched/timer.h"
#include "uapi/errno.h"
#include "uapi/stat.h"

#define IHASH_SIZE 256

static struct spinlock inode_hash_lock = SPINLOCK_INIT("inode_hash");
static struct list_node inode_hash[IHASH_SIZE];    /* [inode_hash_lock] */
static struct kmem_cache *inode_cache;

/* Credentials of kernel threads: root, in no extra groups. */
static const struct cred kernel_cred;

/* The cache chain for (sb, ino). */
static struct list_node *
hash_chain(struct super_block *sb, uint64_t ino)
{
	uint64_t h = ((uint64_t)sb >> 6) ^ (ino * 0x9E3779B97F4A7C15ull);

	return &inode_hash[(h >> 32) % IHASH_SIZE];
}

/* Bring-up: the inode cache and its slab. */
void
inode_init(void)
{
	for (unsigned i = 0; i < IHASH_SIZE; i++)
		list_init(&inode_hash[i]);
	inode_cache = kmem_cache_create("inode", sizeof(struct inode), 8);
}

/* A new inode of sb: one reference, one link, times now, the next number. */
struct inode *
inode_alloc(struct super_block *sb, uint32_t mode)
{
	struct inode *ino;

	ino = kmem_cache_alloc(inode_cache);
	if (!ino)
		return NULL;
	memset(ino, 0, sizeof(*ino));
	ino->refcount = 1;
	ino->sb = sb;
	ino->mode = mode;
	ino->nlink = 1;
	ino->ino = __atomic_add_fetch(&sb->next_ino, 1, __ATOMIC_RELAXED);
	mutex_init(&ino->lock, "inode");
	list_init(&ino->hash_node);
	vfs_now(&ino->mtime);
	ino->atime = ino->ctime = ino->btime = ino->mtime;
	return ino;
}

/* Free the memory of an inode nobody can reach. */
void
inode_free(struct inode *ino)
{
	kmem_cache_free(inode_cache, ino);
}

/* Another reference to an inode already referenced (or owned by its file system). */
void
ihold(struct inode *ino)
{
	__atomic_add_fetch(&ino->refcount, 1, __ATOMIC_RELAXED);
}

/* Drop one reference unless it is the last.  => true when it was dropped. */
static bool
iput_not_last(struct inode *ino)
{
	int old = __atomic_load_n(&ino->refcount, __ATOMIC_RELAXED);

	while (old > 1)
		if (__atomic_compare_exchange_n(&ino->refcount, &old, old - 1, false,
						__ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			return true;
	return false;
}

/*
 * => may sleep (a disk file system writes the inode back or frees blocks).
 * Never call with a spinlock held.
 */
void
iput(struct inode *ino)
{
	bool unlinked;

	if (!ino || iput_not_last(ino))
		return;
	spin_lock(&inode_hash_lock);
	if (__atomic_sub_fetch(&ino->refcount, 1, __ATOMIC_ACQ_REL) > 0) {
		spin_unlock(&inode_hash_lock);
		return;
	}
	unlinked = READ_ONCE(ino->nlink) == 0;
	if (!unlinked && (ino->sb->flags & SB_PINNED)) {
		spin_unlock(&inode_hash_lock);
		return;             /* ramfs: its directory entries keep it */
	}
	if (list_linked(&ino->hash_node))
		list_remove(&ino->hash_node);
	spin_unlock(&inode_hash_lock);
	if (unlinked && ino->sb->ops->evict_inode)
		ino->sb->ops->evict_inode(ino);
	else if (!unlinked && ino->sb->ops->release_inode)
		ino->sb->ops->release_inode(ino);
	kmem_cache_free(inode_cache, ino);
}

/* The cached inode (sb, nr), referenced, or NULL. */
struct inode *
inode_find(struct super_block *sb, uint64_t nr)
{
	struct list_node *chain = hash_chain(sb, nr);
	struct inode *found = NULL;

	spin_lock(&inode_hash_lock);
	for (struct list_node *n = chain->next; n != chain; n = n->next) {
		struct inode *ino = list_entry(n, struct inode, hash_node);
		if (ino->sb == sb && ino->ino == nr) {
			ihold(ino);
			found = ino;
			break;
		}
	}
	spin_unlock(&inode_hash_lock);
	return found;
}

/* Cache ino unless an inode with its number is there (then return that one). */
struct inode *
inode_hash_insert(struct inode *ino)
{
	struct inode *old = inode_find(ino->sb, ino->ino);

	if (old)
		return old;
	spin_lock(&inode_hash_lock);
	/* Nobody inserted the same number meanwhile: file systems insert under their own lock. */
	list_push_back(hash_chain(ino->sb, ino->ino), &ino->hash_node);
	spin_unlock(&inode_hash_lock);
	return ino;
}

/* The time for file timestamps. */
void
vfs_now(struct timespec *ts)
{
	uint64_t ns;

	if (fs_upcalls.realtime) {
		fs_upcalls.realtime(ts);
		return;
	}
	ns = time_ns();
	ts->tv_sec = (long)(ns / NSEC_PER_SEC);
	ts->tv_nsec = (long)(ns % NSEC_PER_SEC);
}

/* => ino->lock held, or the inode not yet visible. */
void
inode_touch(struct inode *ino, unsigned which)
{
	struct timespec now;

	vfs_now(&now);
	if (which & ATTR_ATIME)
		ino->atime = now;
	if (which & ATTR_MTIME)
		ino->mtime = now;
	if (which & ATTR_CTIME)
		ino->ctime = now;
}

/* => ino->lock held. */
void
inode_apply_attr(struct inode *ino, const struct iattr *ia)
{
	if (ia->valid & ATTR_MODE)
		ino->mode = (ino->mode & S_IFMT) | (ia->mode & S_IALLUGO);
	if (ia->valid & ATTR_UID)
		ino->uid = ia->uid;
	if (ia->valid & ATTR_GID)
		ino->gid = ia->gid;
	if (ia->valid & ATTR_SIZE)
		ino->size = ia->size;
	if (ia->valid & ATTR_ATIME)
		ino->atime = ia->atime;
	if (ia->valid & ATTR_MTIME)
		ino->mtime = ia->mtime;
	if (ia->valid & ATTR_CTIME)
		ino->ctime = ia->ctime;
}

/* The credentials checks use: the thread's, or root's for kernel threads. */
const struct cred *
vfs_cred(void)
{
	const struct cred *c = current()->cred;

	return c ? c : &kernel_cred;
}

/* May the caller change ino as its owner would (chmod, utimes)? */
bool
inode_owner_or_root(struct inode *ino)
{
	const struct cred *c = vfs_cred();

	return c->fsuid == 0 || c->fsuid == READ_ONCE(ino->uid);
}

/*
 * The classic Unix check: the owner's bits if the caller owns the file,
 * else the group's bits if it is in the group, else the others' bits.
 * Root passes every read and write check and every search of a
 * directory, but may execute a file only if some execute bit is set.
 */
int
inode_permission(struct inode *ino, int mask)
{
	const struct cred *c = vfs_cred();
	uint32_t mode = READ_ONCE(ino->mode), perm;

	mask &= MAY_READ | MAY_WRITE | MAY_EXEC;
	if (c->fsuid == 0) {
		if (!(mask & MAY_EXEC) || S_ISDIR(mode) || (mode & 0111))
			return 0;
		return -EACCES;
	}
	if (c->fsuid == READ_ONCE(ino->uid))
		perm = mode >> 6;
	else if (cred_in_group(c, READ_ONCE(ino->gid)))
		perm = mode >> 3;
	else
		perm = mode;
	return (mask & ~perm & 7) ? -EACCES : 0;
}
