/* SPDX-License-Identifier: MIT */
/*
 * Intrusive AVL trees: balanced binary search trees where the heights of a
 * node's two subtrees differ by at most one, so lookups, inserts and removals
 * are O(log n).  A struct that lives in a tree embeds a struct avl_node;
 * the caller supplies the ordering.  Pure C, unit tested on the host.
 */
#pragma once

#include "lib/compiler.h"

struct avl_node {
	struct avl_node *left, *right, *parent;
	int height;
};

struct avl_tree {
	struct avl_node *root;
	size_t count;
};

/* <0, 0, >0 as a orders before, equal to, or after b. */
typedef int (*avl_cmp_fn)(const struct avl_node *a, const struct avl_node *b);

#define AVL_INIT { NULL, 0 }

static inline void avl_init(struct avl_tree *t) { t->root = NULL; t->count = 0; }

/* Insert n; returns the existing equal node (and does not insert) or NULL. */
struct avl_node *avl_insert(struct avl_tree *t, struct avl_node *n, avl_cmp_fn cmp);
void avl_remove(struct avl_tree *t, struct avl_node *n);
struct avl_node *avl_first(const struct avl_tree *t);
struct avl_node *avl_last(const struct avl_tree *t);
struct avl_node *avl_next(const struct avl_node *n);
struct avl_node *avl_prev(const struct avl_node *n);
/* Check balance, heights and parent links (tests). */
bool avl_check(const struct avl_tree *t, avl_cmp_fn cmp);

#define avl_entry(n, type, member) container_of(n, type, member)

/*
 * Search helpers take a key compare: kcmp(key, node) < 0 when key is before
 * node.  avl_find: the equal node.  avl_lower_bound: the first node not
 * before key.  avl_floor: the last node not after key.
 */
typedef int (*avl_key_cmp_fn)(const void *key, const struct avl_node *n);
struct avl_node *avl_find(const struct avl_tree *t, const void *key, avl_key_cmp_fn kcmp);
struct avl_node *avl_lower_bound(const struct avl_tree *t, const void *key, avl_key_cmp_fn kcmp);
struct avl_node *avl_floor(const struct avl_tree *t, const void *key, avl_key_cmp_fn kcmp);
