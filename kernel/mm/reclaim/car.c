// SPDX-License-Identifier: MIT
/*
 * CAR, CLOCK with Adaptive Replacement (Bansal and Modha, FAST 2004).
 *
 * ARC's idea with CLOCK's cost.  ARC must move a page on every hit, which
 * in a kernel means software seeing every reference; CLOCK only needs the
 * referenced bit the MMU sets.  CAR keeps ARC's four lists and its target
 * p, but T1 and T2 are clocks, and a hit only sets the page's bit:
 *
 *     T1  clock of pages seen once "recently"    B1  their ghosts
 *     T2  clock of pages seen twice or more      B2  their ghosts
 *
 * The promotion ARC does on a hit happens lazily, when the T1 hand passes a
 * page whose bit is set: the page moves to T2.  The T2 hand gives second
 * chances inside T2.  Which hand moves is ARC's rule: T1's if T1 holds at
 * least max(1, p) pages, else T2's.  A refault on a ghost adapts p exactly
 * as ARC does (up on B1, down on B2) and puts the page in T2.
 *
 * Mapping of the paper's pseudo-code onto Keel's interface:
 *   cache hit                   car_access(): set the referenced bit.
 *   replace()                   car_victim() finds the page, leaving it at
 *                               the head of its clock; car_evicted() makes
 *                               it the MRU ghost of B1 or B2.
 *   directory replacement and   car_insert(): drop the LRU ghost of B1 if
 *   the history hit/miss cases  |T1|+|B1| = c, else of B2 if the directory
 *                               holds 2c; then put the page in T1 (miss) or
 *                               adapt p and put it in T2 (ghost hit).
 * The bounds are ARC's: |T1|+|T2| <= c, |T1|+|B1| <= c, all four <= 2c.
 *
 * Pinned pages are passed over by both hands without touching their bits.
 */
#include "mm/reclaim/internal.h"
#include "uapi/errno.h"

enum { T1 = 0, T2 = 1 };

struct car_state {
	struct list_node t[2];       /* clocks: front = head (under the hand) */
	size_t len[2];
	struct ghost_table ghosts;   /* B1, B2: front = LRU */
	size_t c;
	size_t p;                    /* target size of T1 */
};

static struct car_state *
car_of(const struct reclaim *r)
{
	return r->priv;
}

static int
car_init(struct reclaim *r)
{
	size_t c = r->params.capacity;
	size_t nghosts = c + 1;   /* c+1 between an eviction and an insertion */
	struct car_state *s = reclaim_zalloc(r, sizeof(*s) + reclaim_ghost_bytes(nghosts));

	if (!s)
		return -ENOMEM;
	list_init(&s->t[T1]);
	list_init(&s->t[T2]);
	reclaim_ghost_init(&s->ghosts, s + 1, nghosts);
	s->c = c;
	r->priv = s;
	return 0;
}

static void
car_destroy(struct reclaim *r)
{
	reclaim_free(r, r->priv);
}

static void
car_access(struct reclaim *r, struct reclaim_entry *e)
{
	e->referenced = 1;
}

static void
car_add(struct car_state *s, int list, struct reclaim_entry *e)
{
	reclaim_list_add(&s->t[list], e, (uint8_t)(list + 1));
	s->len[list]++;
}

static void
car_insert(struct reclaim *r, struct reclaim_entry *e)
{
	struct car_state *s = car_of(r);
	struct ghost_table *g = &s->ghosts;
	size_t b1 = reclaim_ghost_len(g, GHOST_B1), b2 = reclaim_ghost_len(g, GHOST_B2);
	int hit = reclaim_ghost_find(g, e->key);

	e->referenced = 0;
	if (hit < 0) {
		/* Cache directory replacement, then the tail of T1. */
		if (s->len[T1] + b1 >= s->c)
			reclaim_ghost_drop_lru(g, GHOST_B1);
		else if (s->len[T1] + s->len[T2] + b1 + b2 >= 2 * s->c)
			reclaim_ghost_drop_lru(g, GHOST_B2);
		car_add(s, T1, e);
		return;
	}
	reclaim_count_ghost_hit(r, hit);
	if (hit == GHOST_B1) {
		s->p = MIN(s->p + MAX(b2 / b1, (size_t)1), s->c);
	} else {
		size_t delta = MAX(b1 / b2, (size_t)1);

		s->p = s->p > delta ? s->p - delta : 0;
	}
	reclaim_ghost_forget(g, e->key);
	car_add(s, T2, e);
}

/* Advance list's hand: its head goes to the tail of `to`. */
static void
car_advance(struct car_state *s, int list, int to)
{
	struct reclaim_entry *e = reclaim_entry_of(s->t[list].next);

	s->len[list]--;
	list_remove(&e->link);
	car_add(s, to, e);
}

/*
 * replace(): sweep until a page with a clear bit is under the hand of the
 * clock ARC's rule picks.  pin[l] counts the pinned heads stepped over in a
 * row on list l since it last gained an entry; when it reaches |l| the
 * whole clock is pinned and the other one must serve.
 */
static struct reclaim_entry *
car_victim(struct reclaim *r, uint64_t incoming)
{
	struct car_state *s = car_of(r);
	size_t pin[2] = { 0, 0 };

	for (;;) {
		bool ok1 = s->len[T1] > pin[T1], ok2 = s->len[T2] > pin[T2];
		int l;
		struct reclaim_entry *e;

		if (!ok1 && !ok2)
			return NULL;
		if (s->len[T1] >= MAX(s->p, (size_t)1))
			l = ok1 ? T1 : T2;
		else
			l = ok2 ? T2 : T1;
		e = reclaim_entry_of(s->t[l].next);
		r->stats.scanned++;
		if (reclaim_pinned(r, e)) {
			pin[l]++;
			car_advance(s, l, l);
			continue;
		}
		pin[l] = 0;
		if (!e->referenced)
			return e;
		/* Second chance: in T1 it earns promotion to T2. */
		e->referenced = 0;
		if (l == T1)
			pin[T2] = 0;
		car_advance(s, l, T2);
	}
}

static void
car_evicted(struct reclaim *r, struct reclaim_entry *e)
{
	struct car_state *s = car_of(r);
	struct ghost_table *g = &s->ghosts;
	int from = e->list - 1;

	s->len[from]--;
	reclaim_list_del(e);
	reclaim_ghost_make_room(g, s->len[T1], s->c);
	(void)reclaim_ghost_add(g, from == T1 ? GHOST_B1 : GHOST_B2, e->key);
}

static void
car_remove(struct reclaim *r, struct reclaim_entry *e)
{
	car_of(r)->len[e->list - 1]--;
	reclaim_list_del(e);
}

static const char *
car_check_no_ghost_resident(const struct ghost_table *g, const struct list_node *h)
{
	list_for_each(pos, h) {
		if (reclaim_ghost_find(g, list_entry(pos, struct reclaim_entry, link)->key) >= 0)
			return "car: a resident page also has a ghost";
	}
	return NULL;
}

static const char *
car_check(const struct reclaim *r)
{
	const struct car_state *s = car_of(r);
	const struct ghost_table *g = &s->ghosts;
	size_t t1 = s->len[T1], t2 = s->len[T2];
	size_t b1 = reclaim_ghost_len(g, GHOST_B1), b2 = reclaim_ghost_len(g, GHOST_B2);
	const char *why;

	if ((why = reclaim_check_list(&s->t[T1], t1, RECLAIM_LIST_T1, "car: T1 list/count")) ||
	    (why = reclaim_check_list(&s->t[T2], t2, RECLAIM_LIST_T2, "car: T2 list/count")) ||
	    (why = reclaim_ghost_check(g)) ||
	    (why = car_check_no_ghost_resident(g, &s->t[T1])) ||
	    (why = car_check_no_ghost_resident(g, &s->t[T2])))
		return why;
	if (t1 + t2 != r->resident)
		return "car: |T1| + |T2| != resident";
	if (t1 + t2 > s->c)
		return "car: |T1| + |T2| > c";
	if (t1 + b1 > s->c)
		return "car: |T1| + |B1| > c";
	if (t1 + t2 + b1 + b2 > 2 * s->c)
		return "car: |T1| + |T2| + |B1| + |B2| > 2c";
	if (s->p > s->c)
		return "car: p > c";
	return NULL;
}

static void
car_sizes(const struct reclaim *r, struct reclaim_stats *st)
{
	const struct car_state *s = car_of(r);

	st->t1 = s->len[T1];
	st->t2 = s->len[T2];
	st->b1 = reclaim_ghost_len(&s->ghosts, GHOST_B1);
	st->b2 = reclaim_ghost_len(&s->ghosts, GHOST_B2);
	st->p = s->p;
}

const struct reclaim_policy reclaim_car = {
	.name = "car",
	.desc = "CLOCK with adaptive replacement: ARC's lists as clocks",
	.init = car_init,
	.destroy = car_destroy,
	.access = car_access,
	.insert = car_insert,
	.victim = car_victim,
	.evicted = car_evicted,
	.remove = car_remove,
	.check = car_check,
	.sizes = car_sizes,
};
