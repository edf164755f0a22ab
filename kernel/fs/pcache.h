/* SPDX-License-Identifier: MIT */
/*
 * The page cache: a disk file's data, one 4 KiB frame per page of the
 * file, kept per inode in a page tree (fs/pagetree.h).  A file system
 * reads a page into the cache once, and read(), write() and shared
 * mappings all use that one copy; write-back copies dirty pages to the
 * disk.  File data is cached here only, never also in the buffer cache
 * (which keeps metadata): that is Keel's "unified" cache.
 *
 * A page's life:
 *
 *   pcache_add      made (zeroed, clean); the owner fills it from the disk
 *   pcache_dirty    changed by write() or a shared mapping
 *   pcache_clean    written back (the owner's write-back ran)
 *   pcache_truncate / pcache_drop   gone with the file's tail or the inode
 *   pcache_shrink   reclaimed: clean and mapped by nobody
 *
 * References.  The cache holds one reference to each frame; a shared
 * mapping holds another (fs getpage), and a reader copying out of a page
 * with no lock held holds one for the copy.  A page whose frame has other
 * references is "in use": reclaim leaves it, and write-back keeps it dirty
 * (a mapping may write it again at any time, unseen: Keel has no reverse
 * map to collect the hardware dirty bits, so a mapped page is written back
 * whenever its file is, until the mapping goes).
 *
 * Locks.  Each cache has a spinlock for its tree, flags and counts (a
 * leaf).  The owning file system serializes everything else (which page
 * exists, filling it, write-back) with its own lock; pcache_shrink needs
 * only the spinlock, so the VM may call it from reclaim.  Pointers to a
 * struct pcache_page are valid under the owner's lock; outside it, only
 * the frame (data) may be used, through a reference (pcache_get_data).
 */
#pragma once

#include "lib/compiler.h"
#include "lib/list.h"
#include "sync/spinlock.h"
#include "fs/pagetree.h"

#define PCACHE_PAGE_SIZE 4096
#define PCACHE_PIECES 8         /* block-sized pieces of a page: 512-byte blocks at most */

/* Page flags. */
#define PCP_DIRTY 0x1           /* newer than the disk */

/* Locks: [I] immutable, [c] pc->lock, [o] the owner's lock. */
struct pcache_page {
	uint64_t index;                     /* [I] page number in the file */
	void *data;                         /* [I] the frame, by its kernel address */
	unsigned flags;                     /* [c] PCP_* */
	unsigned busy;                      /* [c] owner's holds (find/add .. release) */
	/*
	 * [o] For each block-sized piece, a disk block reserved for it and
	 * not yet linked into the file's block map (0: none).  Only dirty
	 * pages have any; write-back links them.
	 */
	uint32_t reserved[PCACHE_PIECES];
};

struct pcache {
	struct spinlock lock;               /* leaf */
	struct page_tree pages;             /* [c] index -> struct pcache_page */
	uint64_t ndirty;                    /* [c] */
	struct list_node node;              /* [list lock] every cache, for reclaim */
};

void pcache_init(struct pcache *pc);
/*
 * Remove every page (the owner has written back what it wanted), calling
 * drop on each first (NULL: none).  => the owner's lock held.
 */
void pcache_destroy(struct pcache *pc, void (*drop)(struct pcache_page *pg, void *arg),
		    void *arg);

/*
 * The page at index, or NULL, held against reclaim until pcache_release.
 * => the owner's lock held.
 */
struct pcache_page *pcache_find(struct pcache *pc, uint64_t index);
/* A new zeroed clean page at index (none there), held.  NULL: no memory.  => owner's lock. */
struct pcache_page *pcache_add(struct pcache *pc, uint64_t index);
void pcache_release(struct pcache *pc, struct pcache_page *pg);
/* Take one clean page out (a fill that failed).  => owner's lock, pg held by the caller. */
void pcache_remove(struct pcache *pc, struct pcache_page *pg);
/*
 * Remove the pages at index >= from (a truncate), calling drop on each
 * first.  Frames still mapped live on with their mappings.
 */
void pcache_truncate(struct pcache *pc, uint64_t from,
		     void (*drop)(struct pcache_page *pg, void *arg), void *arg);

void pcache_dirty(struct pcache *pc, struct pcache_page *pg);
/* Written back: clean unless something maps it (see above).  => whether it is clean. */
bool pcache_clean(struct pcache *pc, struct pcache_page *pg);
bool pcache_page_in_use(const struct pcache_page *pg);
/* Up to max dirty pages at index >= from, in index order.  => how many. */
unsigned pcache_dirty_batch(struct pcache *pc, uint64_t from, struct pcache_page **out,
			    unsigned max);

/* A reference to a page's frame, for use without the owner's lock; and its release. */
void *pcache_get_data(struct pcache_page *pg);
void pcache_put_data(void *data);
/* The frame's physical address with a reference (for a shared mapping). */
paddr_t pcache_map_page(struct pcache_page *pg);

/* Reclaim up to nr clean, unheld, unused pages of pc.  => how many went.  May not sleep. */
unsigned pcache_shrink(struct pcache *pc, unsigned nr);
/* Pages in every cache, and of those dirty. */
uint64_t pcache_total_pages(void);
uint64_t pcache_dirty_pages(void);
/* Reclaim up to nr pages over all caches, oldest-registered first.  => how many went. */
unsigned pcache_reclaim(unsigned nr);
