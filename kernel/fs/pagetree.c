// SPDX-License-Identifier: MIT
/*
 * Page trees (see pagetree.h).  A tree of height h covers indexes below
 * 512^h; inserting a larger index adds levels on top, the old root
 * becoming slot 0 of the new one.  Nodes are whole 4 KiB blocks of 512
 * pointers, allocated zeroed, so an empty slot is simply NULL.
 */
#include "fs/pagetree.h"
#include "mm/slab.h"
#include "uapi/errno.h"

/* How many indexes a tree of this height covers. */
static uint64_t
span(unsigned height)
{
	return 1ull << (PT_SHIFT * height);
}

/* The slot of index in a node at this level (1: leaves). */
static unsigned
slot(uint64_t index, unsigned level)
{
	return (unsigned)(index >> (PT_SHIFT * (level - 1))) & (PT_FANOUT - 1);
}

/* The item at index, or NULL (a hole). */
void *
pt_lookup(const struct page_tree *t, uint64_t index)
{
	void **node = t->root;

	if (index >= span(t->height))
		return NULL;
	for (unsigned level = t->height; node && level > 1; level--)
		node = node[slot(index, level)];
	return node ? node[slot(index, 1)] : NULL;
}

/* A zeroed node of PT_FANOUT slots. */
static void **
node_new(void)
{
	return kzalloc(PT_FANOUT * sizeof(void *));
}

/* Add levels until index fits. */
static int
grow(struct page_tree *t, uint64_t index)
{
	while (index >= span(t->height)) {
		void **n;

		if (t->height == PT_MAX_HEIGHT)
			return -EFBIG;
		if (!t->root) {
			t->height++;
			continue;
		}
		n = node_new();
		if (!n)
			return -ENOMEM;
		n[0] = t->root;
		t->root = n;
		t->height++;
	}
	return 0;
}

/* Store item at index, growing the tree and making nodes as needed. */
int
pt_insert(struct page_tree *t, uint64_t index, void *item)
{
	void **node;
	int r = grow(t, index);

	if (r)
		return r;
	if (t->height == 0)
		t->height = 1;
	if (!t->root && !(t->root = node_new()))
		return -ENOMEM;
	node = t->root;
	for (unsigned level = t->height; level > 1; level--) {
		void **next = node[slot(index, level)];
		if (!next) {
			next = node_new();
			if (!next)
				return -ENOMEM;
			node[slot(index, level)] = next;
		}
		node = next;
	}
	node[slot(index, 1)] = item;
	t->count++;
	return 0;
}

/* Take the item at index out; empty nodes are left for pt_truncate. */
void *
pt_remove(struct page_tree *t, uint64_t index)
{
	void **node = t->root, *item;

	if (index >= span(t->height))
		return NULL;
	for (unsigned level = t->height; node && level > 1; level--)
		node = node[slot(index, level)];
	if (!node || !(item = node[slot(index, 1)]))
		return NULL;
	node[slot(index, 1)] = NULL;
	t->count--;
	return item;
}

/* Drop items >= from below node (covering [base, base + span(level))).  => node now empty. */
static bool
trunc_node(struct page_tree *t, void **node, unsigned level, uint64_t base, uint64_t from,
	   void (*drop)(void *, void *), void *arg)
{
	uint64_t step = span(level - 1);
	bool empty = true;

	for (unsigned i = 0; i < PT_FANOUT; i++) {
		uint64_t lo = base + i * step;
		if (!node[i])
			continue;
		if (lo + step <= from) {
			empty = false;      /* wholly below the cut: keep */
			continue;
		}
		if (level == 1) {
			drop(node[i], arg);
			node[i] = NULL;
			t->count--;
		} else if (trunc_node(t, node[i], level - 1, lo, from, drop, arg)) {
			kfree(node[i]);
			node[i] = NULL;
		} else {
			empty = false;
		}
	}
	return empty;
}

/* Drop every item at index >= from. */
void
pt_truncate(struct page_tree *t, uint64_t from, void (*drop)(void *item, void *arg), void *arg)
{
	if (!t->root || from >= span(t->height))
		return;
	if (trunc_node(t, t->root, t->height, 0, from, drop, arg)) {
		kfree(t->root);
		t->root = NULL;
		t->height = 0;
	}
}

/* The first index >= from with an item below node, or UINT64_MAX. */
static uint64_t
next_in(void **node, unsigned level, uint64_t base, uint64_t from)
{
	uint64_t step = span(level - 1);

	for (unsigned i = 0; i < PT_FANOUT; i++) {
		uint64_t lo = base + i * step, r;
		if (!node[i] || lo + step <= from)
			continue;
		if (level == 1)
			return lo;
		r = next_in(node[i], level - 1, lo, from);
		if (r != UINT64_MAX)
			return r;
	}
	return UINT64_MAX;
}

/* The first index >= from holding an item (SEEK_DATA's question). */
uint64_t
pt_next(const struct page_tree *t, uint64_t from)
{
	if (!t->root || from >= span(t->height))
		return UINT64_MAX;
	return next_in(t->root, t->height, 0, from);
}
