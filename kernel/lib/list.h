/* SPDX-License-Identifier: MIT */
/*
 * Intrusive circular doubly linked lists.  A struct that lives on a list
 * embeds a struct list_node; the list head is a node that points to itself
 * when empty.  No allocation, O(1) insert and remove.  Pure C.
 */
#pragma once

#include "lib/compiler.h"

struct list_node {
	struct list_node *next, *prev;
};

#define LIST_INIT(name) { &(name), &(name) }

static inline void
list_init(struct list_node *h)
{
	h->next = h->prev = h;
}

static inline bool
list_empty(const struct list_node *h)
{
	return h->next == h;
}

static inline void
list_insert_between(struct list_node *n, struct list_node *prev,
		    struct list_node *next)
{
	n->prev = prev;
	n->next = next;
	prev->next = n;
	next->prev = n;
}

/* Insert at the front (stack order). */
static inline void
list_push_front(struct list_node *h, struct list_node *n)
{
	list_insert_between(n, h, h->next);
}

/* Insert at the back (queue order). */
static inline void
list_push_back(struct list_node *h, struct list_node *n)
{
	list_insert_between(n, h->prev, h);
}

static inline void
list_remove(struct list_node *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = n;
}

/* True when the node is on some list (nodes are self-linked when off). */
static inline bool
list_linked(const struct list_node *n)
{
	return n->next != n;
}

static inline struct list_node *
list_pop_front(struct list_node *h)
{
	struct list_node *n = h->next;

	if (n == h)
		return NULL;
	list_remove(n);
	return n;
}

#define list_entry(n, type, member) container_of(n, type, member)

#define list_first_entry_or_null(h, type, member) \
	(list_empty(h) ? NULL : list_entry((h)->next, type, member))

#define list_for_each(pos, h) \
	for (struct list_node *pos = (h)->next; pos != (h); pos = pos->next)

/* Safe against removal of the current node. */
#define list_for_each_safe(pos, h)                                         \
	for (struct list_node *pos = (h)->next, *pos##_next = pos->next;   \
	     pos != (h); pos = pos##_next, pos##_next = pos->next)
