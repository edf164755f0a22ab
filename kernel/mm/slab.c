// SPDX-License-Identifier: MIT
/*
 * Slab caches.
 *
 * Each slab is one 4 KiB page: a small header at the start, then as many
 * objects as fit.  Free objects inside a slab form a singly linked list
 * threaded through the objects themselves, so the free list costs no memory.
 * Because slabs are page-aligned, the slab of any object is found by
 * rounding its address down to the page, which is how kmem_cache_free() and
 * kfree() find the header without a search.
 *
 * A cache keeps slabs on three lists: partial (some objects free), full and
 * empty.  Allocation takes from a partial slab first, so memory fills up
 * densely; an empty slab beyond the first is returned to the page provider
 * at once, so an idle cache holds at most one empty page.
 *
 * Locking: each cache has its own spinlock, taken with interrupts off so
 * interrupt handlers may allocate.  Lock order: cache locks are leaves,
 * except that they are held across the page provider (the pmm lock).
 */
#include "mm/slab.h"
#include "lib/string.h"
#include "sync/spinlock.h"
#include "core/panic.h"

#define SLAB_MAGIC 0x51ab51ab

struct slab {
	uint32_t magic;
	uint32_t inuse;           /* objects handed out */
	struct kmem_cache *cache;
	void *freelist;           /* first free object */
	struct list_node node;    /* on one of the cache's lists */
};

struct kmem_cache {
	struct spinlock lock;     /* protects everything below */
	const char *name;         /* [I] */
	size_t size;              /* [I] object size, aligned */
	size_t first;             /* [I] offset of the first object */
	unsigned per_slab;        /* [I] */
	struct list_node partial, full, empty;
	size_t active;            /* objects handed out */
	size_t nslabs;
	struct list_node all;     /* on the global cache list */
};

static struct slab_pages pages;
static struct kmem_cache cache_of_caches;
static struct list_node caches = LIST_INIT(caches);
/* Protects the global cache list.  Lock order: before any cache lock. */
static struct spinlock caches_lock = SPINLOCK_INIT("slab-caches");

void
slab_set_pages(const struct slab_pages *p)
{
	pages = *p;
}

static void
cache_setup(struct kmem_cache *c, const char *name, size_t size, size_t align)
{
	if (align < sizeof(void *))
		align = sizeof(void *);
	memset(c, 0, sizeof(*c));
	spin_init(&c->lock, name);
	c->name = name;
	c->size = ALIGN_UP(MAX(size, sizeof(void *)), align);
	c->first = ALIGN_UP(sizeof(struct slab), align);
	c->per_slab = (unsigned)((SLAB_PAGE - c->first) / c->size);
	list_init(&c->partial);
	list_init(&c->full);
	list_init(&c->empty);
	spin_lock(&caches_lock);
	list_push_back(&caches, &c->all);
	spin_unlock(&caches_lock);
}

struct kmem_cache *
kmem_cache_create(const char *name, size_t size, size_t align)
{
	struct kmem_cache *c;

	if (size == 0 || size > SLAB_PAGE / 2 || (align & (align - 1)))
		return NULL;
	if (!cache_of_caches.per_slab)
		cache_setup(&cache_of_caches, "kmem_cache", sizeof(struct kmem_cache), 8);
	c = kmem_cache_alloc(&cache_of_caches);
	if (c)
		cache_setup(c, name, size, align);
	return c;
}

static struct slab *
slab_new(struct kmem_cache *c)
{
	struct slab *s = pages.alloc();
	char *obj;

	if (!s)
		return NULL;
	s->magic = SLAB_MAGIC;
	s->inuse = 0;
	s->cache = c;
	s->freelist = NULL;
	/* Thread the free list front to back, so allocation walks upward. */
	obj = (char *)s + c->first + (size_t)(c->per_slab - 1) * c->size;
	for (unsigned i = 0; i < c->per_slab; i++, obj -= c->size) {
		*(void **)obj = s->freelist;
		s->freelist = obj;
	}
	c->nslabs++;
	return s;
}

void *
kmem_cache_alloc(struct kmem_cache *c)
{
	struct slab *s;
	void *obj;

	spin_lock(&c->lock);
	if (!list_empty(&c->partial)) {
		s = list_entry(c->partial.next, struct slab, node);
	} else if (!list_empty(&c->empty)) {
		s = list_entry(c->empty.next, struct slab, node);
		list_remove(&s->node);
		list_push_front(&c->partial, &s->node);
	} else {
		s = slab_new(c);
		if (!s) {
			spin_unlock(&c->lock);
			return NULL;
		}
		list_push_front(&c->partial, &s->node);
	}
	obj = s->freelist;
	s->freelist = *(void **)obj;
	s->inuse++;
	c->active++;
	if (s->inuse == c->per_slab) {
		list_remove(&s->node);
		list_push_front(&c->full, &s->node);
	}
	spin_unlock(&c->lock);
	return obj;
}

static struct slab *
slab_of(const void *obj)
{
	return (struct slab *)ALIGN_DOWN((uintptr_t)obj, SLAB_PAGE);
}

struct kmem_cache *
kmem_cache_of(const void *obj)
{
	struct slab *s = slab_of(obj);

	return s->magic == SLAB_MAGIC ? s->cache : NULL;
}

void
kmem_cache_free(struct kmem_cache *c, void *obj)
{
	struct slab *s = slab_of(obj);
	void *page = NULL;

	if (s->magic != SLAB_MAGIC || s->cache != c ||
	    ((uintptr_t)obj - (uintptr_t)s - c->first) % c->size)
		panic("kmem_cache_free: %p is not an object of %s", obj, c->name);
	spin_lock(&c->lock);
	*(void **)obj = s->freelist;
	s->freelist = obj;
	if (s->inuse-- == c->per_slab) {
		list_remove(&s->node);
		list_push_front(&c->partial, &s->node);
	}
	c->active--;
	if (s->inuse == 0) {
		list_remove(&s->node);
		if (list_empty(&c->empty)) {
			list_push_front(&c->empty, &s->node);
		} else {
			s->magic = 0;
			c->nslabs--;
			page = s;
		}
	}
	spin_unlock(&c->lock);
	if (page)
		pages.free(page);
}

void
kmem_cache_destroy(struct kmem_cache *c)
{
	struct list_node *lists[] = { &c->partial, &c->full, &c->empty };

	spin_lock(&caches_lock);
	list_remove(&c->all);
	spin_unlock(&caches_lock);
	for (size_t i = 0; i < ARRAY_SIZE(lists); i++) {
		struct list_node *n;
		while ((n = list_pop_front(lists[i])) != NULL) {
			struct slab *s = list_entry(n, struct slab, node);
			s->magic = 0;
			pages.free(s);
		}
	}
	kmem_cache_free(&cache_of_caches, c);
}

unsigned
kmem_cache_stats_all(struct kmem_cache_stats *out, unsigned n)
{
	unsigned i = 0;

	spin_lock(&caches_lock);
	list_for_each(it, &caches) {
		struct kmem_cache *c = list_entry(it, struct kmem_cache, all);
		if (i == n)
			break;
		out[i++] = (struct kmem_cache_stats){ c->name, c->size, c->active, c->nslabs,
						      list_empty(&c->empty) ? 0 : 1 };
	}
	spin_unlock(&caches_lock);
	return i;
}

/* ---- kmalloc: size classes over caches ---- */

static const size_t class_sizes[] = { 16, 32, 64, 96, 128, 192, 256, 512, 1024 };
static struct kmem_cache class_caches[ARRAY_SIZE(class_sizes)];
static const char *const class_names[] = {
	"kmalloc-16", "kmalloc-32", "kmalloc-64", "kmalloc-96", "kmalloc-128",
	"kmalloc-192", "kmalloc-256", "kmalloc-512", "kmalloc-1024",
};

void
kmalloc_init(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(class_sizes); i++)
		cache_setup(&class_caches[i], class_names[i], class_sizes[i], 16);
}

void *
kmalloc(size_t size)
{
	if (size == 0)
		size = 1;
	for (size_t i = 0; i < ARRAY_SIZE(class_sizes); i++)
		if (size <= class_sizes[i])
			return kmem_cache_alloc(&class_caches[i]);
	return kmalloc_large(size);
}

void *
kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void
kfree(const void *p)
{
	struct kmem_cache *c;

	if (!p)
		return;
	/* Large blocks are page-aligned; slab objects never are (header first). */
	if (IS_ALIGNED((uintptr_t)p, SLAB_PAGE)) {
		kfree_large(p);
		return;
	}
	c = kmem_cache_of(p);
	if (c)
		kmem_cache_free(c, (void *)p);
}

void
kmalloc_stats(struct kmalloc_stats *st)
{
	struct kmem_cache_stats all[64];
	unsigned n = kmem_cache_stats_all(all, 64);

	memset(st, 0, sizeof(*st));
	for (unsigned i = 0; i < n; i++) {
		st->objects += all[i].active;
		st->slab_pages += all[i].slabs;
		st->empty_pages += all[i].empty_slabs;
	}
	st->large_pages = kmalloc_large_pages();
}
