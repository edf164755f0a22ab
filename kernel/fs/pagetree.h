/* SPDX-License-Identifier: MIT */
/*
 * A page tree: a sparse array from page index to pointer, shaped like a
 * page table (512-way nodes, as many levels as the largest index needs).
 * ramfs keeps each file's data pages in one, so a file with a byte at
 * offset 1 TiB costs three small nodes and one page, not a terabyte:
 * holes are missing leaves and read as zeros.  Pure C; the caller
 * serializes calls on one tree.
 */
#pragma once

#include "lib/compiler.h"

#define PT_SHIFT  9
#define PT_FANOUT (1u << PT_SHIFT)
#define PT_MAX_HEIGHT 5            /* 2^45 pages: well past any file size */

struct page_tree {
	void **root;                /* a node of PT_FANOUT slots, or NULL */
	unsigned height;            /* levels; 0 when empty */
	uint64_t count;             /* items stored */
};

void *pt_lookup(const struct page_tree *t, uint64_t index);
/* Store item (non-NULL) at a free index.  => 0, -ENOMEM, -EFBIG. */
int pt_insert(struct page_tree *t, uint64_t index, void *item);
/* Remove the item at index; => it, or NULL when there was none.  Nodes stay. */
void *pt_remove(struct page_tree *t, uint64_t index);
/* Remove every item at index >= from, calling drop(item, arg) on each; free empty nodes. */
void pt_truncate(struct page_tree *t, uint64_t from, void (*drop)(void *item, void *arg),
		 void *arg);
/* Next index >= from holding an item, or UINT64_MAX. */
uint64_t pt_next(const struct page_tree *t, uint64_t from);
