// SPDX-License-Identifier: MIT
/*
 * AVL tree operations.
 *
 * After an insert or a removal, heights are fixed on the way up from the
 * changed node to the root; wherever the two subtrees differ by two, one
 * rotation (or two, for the zig-zag case) restores the balance:
 *
 *        x                y                      x                 z
 *       / \   rotate     / \                    / \    double     /  \
 *      a   y  left ->   x   c                  a   y   ->        x    y
 *         / \          / \                        /             / \  / \
 *        b   c        a   b                      z             a  b1 b2 c
 */
#include "lib/avl.h"

static int
height(const struct avl_node *n)
{
	return n ? n->height : 0;
}

static void
update(struct avl_node *n)
{
	n->height = MAX(height(n->left), height(n->right)) + 1;
}

static int
balance(const struct avl_node *n)
{
	return height(n->left) - height(n->right);
}

/* Put c where n was under n's parent (or at the root). */
static void
replace_child(struct avl_tree *t, struct avl_node *n, struct avl_node *c)
{
	struct avl_node *p = n->parent;

	if (!p)
		t->root = c;
	else if (p->left == n)
		p->left = c;
	else
		p->right = c;
	if (c)
		c->parent = p;
}

static struct avl_node *
rotate_left(struct avl_tree *t, struct avl_node *x)
{
	struct avl_node *y = x->right;

	replace_child(t, x, y);
	x->right = y->left;
	if (y->left)
		y->left->parent = x;
	y->left = x;
	x->parent = y;
	update(x);
	update(y);
	return y;
}

static struct avl_node *
rotate_right(struct avl_tree *t, struct avl_node *x)
{
	struct avl_node *y = x->left;

	replace_child(t, x, y);
	x->left = y->right;
	if (y->right)
		y->right->parent = x;
	y->right = x;
	x->parent = y;
	update(x);
	update(y);
	return y;
}

/* Walk from n to the root, restoring heights and balance. */
static void
rebalance(struct avl_tree *t, struct avl_node *n)
{
	while (n) {
		int b;

		update(n);
		b = balance(n);
		if (b > 1) {
			if (balance(n->left) < 0)
				rotate_left(t, n->left);
			n = rotate_right(t, n);
		} else if (b < -1) {
			if (balance(n->right) > 0)
				rotate_right(t, n->right);
			n = rotate_left(t, n);
		}
		n = n->parent;
	}
}

struct avl_node *
avl_insert(struct avl_tree *t, struct avl_node *n, avl_cmp_fn cmp)
{
	struct avl_node **link = &t->root, *parent = NULL;

	while (*link) {
		int c = cmp(n, *link);

		parent = *link;
		if (c == 0)
			return parent;
		link = c < 0 ? &parent->left : &parent->right;
	}
	n->left = n->right = NULL;
	n->parent = parent;
	n->height = 1;
	*link = n;
	t->count++;
	rebalance(t, parent);
	return NULL;
}

void
avl_remove(struct avl_tree *t, struct avl_node *n)
{
	struct avl_node *fix;

	if (n->left && n->right) {
		/* Swap in the successor, which has no left child. */
		struct avl_node *s = n->right;
		while (s->left)
			s = s->left;
		fix = s->parent == n ? s : s->parent;
		if (s->parent != n) {
			replace_child(t, s, s->right);
			s->right = n->right;
			s->right->parent = s;
		}
		replace_child(t, n, s);
		s->left = n->left;
		s->left->parent = s;
	} else {
		fix = n->parent;
		replace_child(t, n, n->left ? n->left : n->right);
	}
	t->count--;
	rebalance(t, fix);
}

struct avl_node *
avl_first(const struct avl_tree *t)
{
	struct avl_node *n = t->root;

	while (n && n->left)
		n = n->left;
	return n;
}

struct avl_node *
avl_last(const struct avl_tree *t)
{
	struct avl_node *n = t->root;

	while (n && n->right)
		n = n->right;
	return n;
}

struct avl_node *
avl_next(const struct avl_node *n)
{
	if (n->right) {
		n = n->right;
		while (n->left)
			n = n->left;
		return (struct avl_node *)n;
	}
	while (n->parent && n->parent->right == n)
		n = n->parent;
	return n->parent;
}

struct avl_node *
avl_prev(const struct avl_node *n)
{
	if (n->left) {
		n = n->left;
		while (n->right)
			n = n->right;
		return (struct avl_node *)n;
	}
	while (n->parent && n->parent->left == n)
		n = n->parent;
	return n->parent;
}

struct avl_node *
avl_find(const struct avl_tree *t, const void *key, avl_key_cmp_fn kcmp)
{
	struct avl_node *n = t->root;

	while (n) {
		int c = kcmp(key, n);
		if (c == 0)
			return n;
		n = c < 0 ? n->left : n->right;
	}
	return NULL;
}

struct avl_node *
avl_lower_bound(const struct avl_tree *t, const void *key, avl_key_cmp_fn kcmp)
{
	struct avl_node *n = t->root, *best = NULL;

	while (n) {
		if (kcmp(key, n) <= 0) {
			best = n;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return best;
}

struct avl_node *
avl_floor(const struct avl_tree *t, const void *key, avl_key_cmp_fn kcmp)
{
	struct avl_node *n = t->root, *best = NULL;

	while (n) {
		if (kcmp(key, n) >= 0) {
			best = n;
			n = n->right;
		} else {
			n = n->left;
		}
	}
	return best;
}

static int
check_node(const struct avl_node *n, avl_cmp_fn cmp, size_t *count)
{
	int hl, hr;

	if (!n)
		return 0;
	(*count)++;
	if ((n->left && (n->left->parent != n || cmp(n->left, n) >= 0)) ||
	    (n->right && (n->right->parent != n || cmp(n->right, n) <= 0)))
		return -1;
	hl = check_node(n->left, cmp, count);
	hr = check_node(n->right, cmp, count);
	if (hl < 0 || hr < 0 || hl - hr > 1 || hr - hl > 1 || n->height != MAX(hl, hr) + 1)
		return -1;
	return n->height;
}

bool
avl_check(const struct avl_tree *t, avl_cmp_fn cmp)
{
	size_t count = 0;

	if (t->root && t->root->parent)
		return false;
	return check_node(t->root, cmp, &count) >= 0 && count == t->count;
}
