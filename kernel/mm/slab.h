/* SPDX-License-Identifier: MIT */
/*
 * The slab allocator: caches of equal-size objects carved from whole pages,
 * and kmalloc() on top of a set of size classes.  The cache logic is pure C
 * over a page provider, so host tests run it under sanitizers.
 */
#pragma once

#include "lib/compiler.h"
#include "lib/list.h"

#define SLAB_PAGE 4096
#define KMALLOC_MAX_SLAB 1024   /* larger requests get whole pages */

struct kmem_cache;

/* Where slabs get their pages: one aligned 4 KiB page at a time. */
struct slab_pages {
	void *(*alloc)(void);
	void (*free)(void *page);
};
void slab_set_pages(const struct slab_pages *p);

struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align);
void kmem_cache_destroy(struct kmem_cache *c);
void *kmem_cache_alloc(struct kmem_cache *c) __must_check;
void kmem_cache_free(struct kmem_cache *c, void *obj);
/* The cache an object came from (its slab header says). */
struct kmem_cache *kmem_cache_of(const void *obj);

struct kmem_cache_stats {
	const char *name;
	size_t size;           /* object size */
	size_t active;         /* objects handed out */
	size_t slabs;          /* pages held */
	size_t empty_slabs;    /* pages held with no object in use (kept for reuse) */
};
/* Fill up to n entries with every cache's counters; returns how many. */
unsigned kmem_cache_stats_all(struct kmem_cache_stats *out, unsigned n);

/* General-purpose allocation, any size. */
void kmalloc_init(void);
void *kmalloc(size_t size) __must_check;
void *kzalloc(size_t size) __must_check;
void kfree(const void *p);

/* Totals for leak checks: live objects and pages held by the allocator. */
struct kmalloc_stats {
	size_t objects;        /* live slab objects, all caches */
	size_t slab_pages;     /* pages held by slabs */
	size_t large_pages;    /* pages of large kmalloc blocks */
	size_t empty_pages;    /* slab pages kept empty for reuse: reclaimable */
};
void kmalloc_stats(struct kmalloc_stats *st);

/*
 * Large blocks (over KMALLOC_MAX_SLAB) come from the page allocator; the
 * kernel provides these two, the host tests their own.
 */
void *kmalloc_large(size_t size);
/* Kernel only: connect the slab allocator to the frame allocator. */
void kmalloc_kernel_init(void);
void kfree_large(const void *p);
size_t kmalloc_large_pages(void);
