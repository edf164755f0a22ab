// SPDX-License-Identifier: MIT
/*
 * The dentry cache: remembered answers to "what does name N in directory D
 * mean?".
 *
 * A dentry is (parent dentry, name) -> inode.  A positive dentry holds a
 * reference to its inode; a negative one (inode NULL) remembers that the
 * name does not exist, so a second failed lookup (a shell searching PATH)
 * costs no call into the file system.  Every dentry holds a reference to
 * its parent, so the cached part of the tree is always connected up to the
 * root of its file system, and the path of any dentry can be rebuilt.
 *
 * Life cycle of a dentry:
 *
 *   d_alloc ----> unhashed, in use ---- d_add ----> hashed, in use <--+
 *                                                     |  last dput    | dget
 *                                                     v               |
 *                         freed <--- shrink ---- hashed, unused (LRU) -+
 *
 *   unlink/rmdir (d_delete): a dentry only the caller uses becomes
 *   negative in place; one that others still use (an open file, a cwd)
 *   leaves the hash marked D_DEAD, keeps its inode for those users, and is
 *   freed by their last dput.
 *
 * Unused dentries sit on an LRU list and cost nothing but memory; when
 * there are more than DCACHE_MAX_UNUSED the oldest go.  Any file system
 * can lose a dentry at any time and find the name again through
 * inode_ops.lookup, because the directories of every file system (ramfs
 * included) are the real record and the cache only a copy.
 *
 * Locks: dcache_lock (a spinlock, a leaf below mount_lock) protects every
 * dentry's tree links, names, flags, refcount and inode pointer, the hash
 * table and the LRU.  Inserting a name under a parent happens with the
 * parent directory's inode->lock held, so two lookups of one missing name
 * cannot both insert it.
 */
#include "fs/fs.h"
#include "fs/internal.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "uapi/errno.h"

#define DHASH_SIZE 1024
#define DCACHE_MAX_UNUSED 8192

static struct spinlock dcache_lock = SPINLOCK_INIT("dcache");
static struct list_node dhash[DHASH_SIZE];          /* [dcache_lock] */
static struct list_node lru = LIST_INIT(lru);       /* [dcache_lock] */
static unsigned nr_unused;                          /* [dcache_lock] */
static struct kmem_cache *dentry_cache;

/* Bring-up: the hash table and the dentry slab cache. */
void
dcache_init(void)
{
	for (unsigned i = 0; i < DHASH_SIZE; i++)
		list_init(&dhash[i]);
	dentry_cache = kmem_cache_create("dentry", sizeof(struct dentry), 8);
}

/* FNV-1a over the name, mixed with the parent's address. */
static uint32_t
name_hash(const struct dentry *parent, const char *name, size_t len)
{
	uint32_t h = 2166136261u ^ (uint32_t)((uint64_t)parent >> 4);

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)name[i]) * 16777619u;
	return h;
}

/* The hash chain for a hash value. */
static struct list_node *
chain(uint32_t hash)
{
	return &dhash[hash % DHASH_SIZE];
}

/* Storage for a name: the inline array, or the heap for long names. */
static char *
name_buf(struct dentry *d, size_t len)
{
	return len < DNAME_INLINE ? d->iname : kmalloc(len + 1);
}

/* Free a long name's heap copy. */
static void
name_free(struct dentry *d)
{
	if (d->name && d->name != d->iname)
		kfree(d->name);
}

/* Take a reference; an unused dentry leaves the LRU.  => dcache_lock held. */
static void
dget_locked(struct dentry *d)
{
	if (d->refcount++ == 0 && list_linked(&d->lru_node)) {
		list_remove(&d->lru_node);
		nr_unused--;
	}
}

/* Take another reference to a dentry. */
struct dentry *
dget(struct dentry *d)
{
	spin_lock(&dcache_lock);
	dget_locked(d);
	spin_unlock(&dcache_lock);
	return d;
}

/* A new unhashed dentry for name under parent (which it references).  NULL: no memory. */
struct dentry *
d_alloc(struct dentry *parent, const char *name, size_t len)
{
	struct dentry *d = kmem_cache_alloc(dentry_cache);

	if (!d)
		return NULL;
	memset(d, 0, sizeof(*d));
	d->name = name_buf(d, len);
	if (!d->name) {
		kmem_cache_free(dentry_cache, d);
		return NULL;
	}
	memcpy(d->name, name, len);
	d->name[len] = '\0';
	d->len = len;
	d->refcount = 1;
	list_init(&d->children);
	list_init(&d->child_node);
	list_init(&d->hash_node);
	list_init(&d->lru_node);
	d->parent = d;
	if (parent) {
		d->sb = parent->sb;
		d->hash = name_hash(parent, name, len);
		spin_lock(&dcache_lock);
		dget_locked(parent);
		d->parent = parent;
		list_push_back(&parent->children, &d->child_node);
		spin_unlock(&dcache_lock);
	}
	return d;
}

/* A file system's root dentry: its own parent, never hashed. */
struct dentry *
d_make_root(struct inode *root)
{
	struct dentry *d = d_alloc(NULL, "/", 1);

	if (!d)
		return NULL;
	d->sb = root->sb;
	d->inode = root;
	return d;
}

/* Make d findable and point it at ino (NULL: negative). */
void
d_add(struct dentry *d, struct inode *ino)
{
	spin_lock(&dcache_lock);
	d->inode = ino;
	if (!(d->flags & D_HASHED)) {
		list_push_back(chain(d->hash), &d->hash_node);
		d->flags |= D_HASHED;
	}
	spin_unlock(&dcache_lock);
}

/* The hashed dentry for (parent, name), referenced, or NULL. */
struct dentry *
d_lookup(struct dentry *parent, const char *name, size_t len)
{
	uint32_t h = name_hash(parent, name, len);
	struct list_node *c = chain(h);
	struct dentry *found = NULL;

	spin_lock(&dcache_lock);
	for (struct list_node *n = c->next; n != c; n = n->next) {
		struct dentry *d = list_entry(n, struct dentry, hash_node);
		if (d->hash == h && d->parent == parent && d->len == len &&
		    memcmp(d->name, name, len) == 0) {
			dget_locked(d);
			found = d;
			break;
		}
	}
	spin_unlock(&dcache_lock);
	return found;
}

/* Take d out of the hash.  => dcache_lock held. */
static void
unhash_locked(struct dentry *d)
{
	if (d->flags & D_HASHED) {
		list_remove(&d->hash_node);
		d->flags &= ~D_HASHED;
	}
}

/* Cut an unused dentry out of the tree.  => its parent, whose reference the caller drops. */
static struct dentry *
d_detach_locked(struct dentry *d)
{
	struct dentry *parent = d->parent;

	unhash_locked(d);
	if (list_linked(&d->lru_node)) {
		list_remove(&d->lru_node);
		nr_unused--;
	}
	if (list_linked(&d->child_node))
		list_remove(&d->child_node);
	return parent == d ? NULL : parent;
}

/* Free a detached dentry and drop its inode.  => may sleep. */
static void
d_free(struct dentry *d)
{
	iput(d->inode);
	name_free(d);
	kmem_cache_free(dentry_cache, d);
}

/*
 * Drop a reference.  The last reference to a hashed dentry parks it on
 * the LRU; an unhashed one is freed, and its parent loses a reference in
 * turn.  => may sleep (iput).
 */
void
dput(struct dentry *d)
{
	while (d) {
		struct dentry *parent;
		bool over;

		spin_lock(&dcache_lock);
		if (--d->refcount > 0) {
			spin_unlock(&dcache_lock);
			return;
		}
		if ((d->flags & D_HASHED) && !(d->flags & D_DEAD)) {
			list_push_back(&lru, &d->lru_node);
			over = ++nr_unused > DCACHE_MAX_UNUSED;
			spin_unlock(&dcache_lock);
			if (over)
				dcache_shrink(1);
			return;
		}
		parent = d_detach_locked(d);
		spin_unlock(&dcache_lock);
		d_free(d);
		d = parent;
	}
}

/* Free up to nr unused dentries, oldest first. */
unsigned
dcache_shrink(unsigned nr)
{
	unsigned done = 0;

	while (done < nr) {
		struct dentry *d, *parent;
		struct list_node *n;

		spin_lock(&dcache_lock);
		n = list_pop_front(&lru);
		if (!n) {
			spin_unlock(&dcache_lock);
			break;
		}
		nr_unused--;
		d = list_entry(n, struct dentry, lru_node);
		parent = d_detach_locked(d);
		spin_unlock(&dcache_lock);
		d_free(d);
		dput(parent);
		done++;
	}
	return done;
}

/* How many unused dentries the cache holds. */
unsigned
dcache_unused_count(void)
{
	return READ_ONCE(nr_unused);
}

/* Free the unused children of d (negative entries of a removed directory). */
void
d_prune_children(struct dentry *d)
{
	struct list_node victims = LIST_INIT(victims);
	struct list_node *n, *next;

	spin_lock(&dcache_lock);
	for (n = d->children.next; n != &d->children; n = next) {
		struct dentry *c = list_entry(n, struct dentry, child_node);
		next = n->next;
		if (c->refcount)
			continue;
		d_detach_locked(c);
		list_push_back(&victims, &c->lru_node);
	}
	spin_unlock(&dcache_lock);
	while ((n = list_pop_front(&victims)) != NULL) {
		d_free(list_entry(n, struct dentry, lru_node));
		dput(d);    /* the reference the child held */
	}
}

/*
 * The name is gone from the file system (unlink, rmdir, replaced by a
 * rename).  If only the caller uses d it becomes a negative entry; if
 * others do, it leaves the hash and dies with its last user.
 */
void
d_delete(struct dentry *d)
{
	struct inode *ino = NULL;

	spin_lock(&dcache_lock);
	if (d->refcount == 1) {
		ino = d->inode;
		d->inode = NULL;
	} else {
		unhash_locked(d);
		d->flags |= D_DEAD;
	}
	spin_unlock(&dcache_lock);
	iput(ino);
}

/* Was d unlinked or removed while in use? */
bool
d_is_dead(struct dentry *d)
{
	return READ_ONCE(d->flags) & D_DEAD;
}

/* Re-link d under parent with a new name (buf from name_buf); => dcache_lock held. */
static struct dentry *
d_relink_locked(struct dentry *d, struct dentry *parent, char *buf, size_t len)
{
	struct dentry *old = d->parent;

	unhash_locked(d);
	list_remove(&d->child_node);
	name_free(d);
	d->name = buf == d->iname || len >= DNAME_INLINE ? buf : memcpy(d->iname, buf, len + 1);
	d->len = len;
	d->parent = parent;
	dget_locked(parent);
	list_push_back(&parent->children, &d->child_node);
	d->hash = name_hash(parent, d->name, len);
	list_push_back(chain(d->hash), &d->hash_node);
	d->flags |= D_HASHED;
	return old;
}

/* A name copy that can move into d: heap for long names, else the caller's buffer. */
static char *
d_name_prepare(const char *name, size_t len, char *small)
{
	char *buf = len < DNAME_INLINE ? small : kmalloc(len + 1);

	if (buf) {
		memcpy(buf, name, len);
		buf[len] = '\0';
	}
	return buf;
}

/* Rename: d now is (parent, name).  => both directories locked.  -ENOMEM possible. */
int
d_move(struct dentry *d, struct dentry *parent, const char *name, size_t len)
{
	char small[DNAME_INLINE], *buf = d_name_prepare(name, len, small);
	struct dentry *old;

	if (!buf)
		return -ENOMEM;
	spin_lock(&dcache_lock);
	old = d_relink_locked(d, parent, buf, len);
	spin_unlock(&dcache_lock);
	dput(old);
	return 0;
}

/* RENAME_EXCHANGE: a and b swap places. */
int
d_exchange(struct dentry *a, struct dentry *b)
{
	char sa[DNAME_INLINE], sb[DNAME_INLINE];
	char *na = d_name_prepare(b->name, b->len, sa), *nb = d_name_prepare(a->name, a->len, sb);
	struct dentry *pa, *pb;
	size_t la = b->len, lb = a->len;

	if (!na || !nb) {
		if (na && na != sa)
			kfree(na);
		if (nb && nb != sb)
			kfree(nb);
		return -ENOMEM;
	}
	spin_lock(&dcache_lock);
	pa = a->parent;
	pb = b->parent;
	d_relink_locked(a, pb, na, la);
	d_relink_locked(b, pa, nb, lb);
	spin_unlock(&dcache_lock);
	dput(pa);
	dput(pb);
	return 0;
}

/* Copy d's name out under the lock (a rename may change it). */
void
d_name_copy(struct dentry *d, char *buf, size_t size)
{
	spin_lock(&dcache_lock);
	strlcpy(buf, d->name, size);
	spin_unlock(&dcache_lock);
}

/* Take dcache_lock (for callers that walk parents, like rename). */
void
dcache_lock_acquire(void)
{
	spin_lock(&dcache_lock);
}

/* Release dcache_lock. */
void
dcache_lock_release(void)
{
	spin_unlock(&dcache_lock);
}

/*
 * If a is a proper ancestor of d, the child of a on the way down to d (d
 * itself if it is a's child); otherwise NULL.  => dcache_lock held.
 */
struct dentry *
d_ancestor_child_locked(struct dentry *a, struct dentry *d)
{
	for (; d->parent != d; d = d->parent)
		if (d->parent == a)
			return d;
	return NULL;
}

/* The parent of d, referenced (read under the lock: rename moves dentries). */
struct dentry *
d_get_parent(struct dentry *d)
{
	struct dentry *p;

	spin_lock(&dcache_lock);
	p = d->parent;
	dget_locked(p);
	spin_unlock(&dcache_lock);
	return p;
}

/* Free the unused dentries of sb (it is being unmounted).  => how many. */
unsigned
d_prune_sb(struct super_block *sb)
{
	struct list_node victims = LIST_INIT(victims);
	struct list_node *n, *next;
	unsigned count = 0;

	spin_lock(&dcache_lock);
	for (n = lru.next; n != &lru; n = next) {
		struct dentry *d = list_entry(n, struct dentry, lru_node);
		next = n->next;
		if (d->sb != sb)
			continue;
		list_remove(&d->lru_node);
		nr_unused--;
		d_detach_locked(d);
		list_push_back(&victims, &d->lru_node);
	}
	spin_unlock(&dcache_lock);
	while ((n = list_pop_front(&victims)) != NULL) {
		struct dentry *d = list_entry(n, struct dentry, lru_node);
		struct dentry *parent = d->parent == d ? NULL : d->parent;
		d_free(d);
		dput(parent);
		count++;
	}
	return count;
}

/* The name now means something else (a rename replaced it): unhash d for good. */
void
d_drop(struct dentry *d)
{
	spin_lock(&dcache_lock);
	unhash_locked(d);
	d->flags |= D_DEAD;
	spin_unlock(&dcache_lock);
}
