// SPDX-License-Identifier: MIT
/*
 * ARC, the Adaptive Replacement Cache (Megiddo and Modha, FAST 2003).
 *
 * LRU remembers only recency, so one long scan of pages used once flushes
 * pages used over and over.  ARC splits the cache in two LRU lists:
 *
 *     T1  pages referenced once recently        (recency)
 *     T2  pages referenced at least twice        (frequency)
 *
 * and keeps, for each, a ghost list of the keys it evicted lately:
 * B1 behind T1, B2 behind T2.  The ghosts cost a key each, not a page.  A
 * fault on a key in B1 says "T1 was too small: that page would have been a
 * hit had T1 been larger", so the target size p of T1 grows; a fault on a
 * key in B2 says the same of T2, and p shrinks.  Both refaulted pages go to
 * T2, because they have now been seen twice.  The paper's bounds, which
 * arc_check() tests, are
 *
 *     |T1| + |T2| <= c,  |T1| + |B1| <= c,  |T1|+|T2|+|B1|+|B2| <= 2c,
 *     0 <= p <= c.
 *
 * The paper's four cases map onto Keel's interface like this:
 *   Case I   (hit in T1 or T2)     arc_access(): move to the MRU end of T2.
 *   Case II  (ghost hit in B1)     adapt p up,   REPLACE, x to T2 MRU.
 *   Case III (ghost hit in B2)     adapt p down, REPLACE, x to T2 MRU.
 *   Case IV  (miss everywhere)     trim L1 = T1+B1 to c and L1+L2 to 2c by
 *                                  dropping the LRU ghost, REPLACE, x to T1.
 * REPLACE is arc_victim() followed by arc_evicted(); the adaptation happens
 * in arc_victim() when the caller names the incoming key (demand paging, as
 * in the paper: adapt first, then replace), else in arc_insert() when the
 * page arrives (background reclaim, which cannot know the next fault).
 * The trimming of Case IV happens in arc_insert(), after the replacement
 * rather than before; the ghosts dropped are the same ones, because the
 * evicted page joins its ghost list at the MRU end.
 *
 * ARC moves a page on every hit; that is why CAR exists (see car.c).  In
 * the kernel only the references the caller reports count as hits.
 */
#include "mm/reclaim/internal.h"
#include "uapi/errno.h"

enum { T1 = 0, T2 = 1 };

struct arc_state {
	struct list_node t[2];       /* T1, T2: front = LRU, back = MRU */
	size_t len[2];
	struct ghost_table ghosts;   /* B1, B2 */
	size_t c;                    /* capacity */
	size_t p;                    /* target size of T1 */
	uint64_t adapted_key;        /* p was already adapted for this key */
	bool adapted;
};

static struct arc_state *
arc_of(const struct reclaim *r)
{
	return r->priv;
}

static int
arc_init(struct reclaim *r)
{
	size_t c = r->params.capacity;
	/* Between an eviction and the insertion it makes room for, c+1 ghosts. */
	size_t nghosts = c + 1;
	struct arc_state *s = reclaim_zalloc(r, sizeof(*s) + reclaim_ghost_bytes(nghosts));

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
arc_destroy(struct reclaim *r)
{
	reclaim_free(r, r->priv);
}

/* Case II/III: a ghost hit in `list` moves the target p towards it. */
static void
arc_adapt(struct arc_state *s, int list)
{
	size_t b1 = reclaim_ghost_len(&s->ghosts, GHOST_B1);
	size_t b2 = reclaim_ghost_len(&s->ghosts, GHOST_B2);

	if (list == GHOST_B1) {
		size_t delta = MAX(b2 / b1, (size_t)1);

		s->p = MIN(s->p + delta, s->c);
	} else {
		size_t delta = MAX(b1 / b2, (size_t)1);

		s->p = s->p > delta ? s->p - delta : 0;
	}
}

/* Case I: a hit, in T1 or T2, makes the page frequent and most recent. */
static void
arc_access(struct reclaim *r, struct reclaim_entry *e)
{
	struct arc_state *s = arc_of(r);

	e->referenced = 1;
	s->len[e->list - 1]--;
	reclaim_list_move(&s->t[T2], e, RECLAIM_LIST_T2);
	s->len[T2]++;
}

/* Case IV's directory replacement: room in the history for one more page. */
static void
arc_trim_history(struct arc_state *s)
{
	size_t b1 = reclaim_ghost_len(&s->ghosts, GHOST_B1);
	size_t b2 = reclaim_ghost_len(&s->ghosts, GHOST_B2);

	if (s->len[T1] + b1 >= s->c)
		reclaim_ghost_drop_lru(&s->ghosts, GHOST_B1);
	else if (s->len[T1] + s->len[T2] + b1 + b2 >= 2 * s->c)
		reclaim_ghost_drop_lru(&s->ghosts, GHOST_B2);
}

static void
arc_insert(struct reclaim *r, struct reclaim_entry *e)
{
	struct arc_state *s = arc_of(r);
	int g = reclaim_ghost_find(&s->ghosts, e->key);

	e->referenced = 0;
	if (g >= 0) {
		reclaim_count_ghost_hit(r, g);
		if (!s->adapted || s->adapted_key != e->key)
			arc_adapt(s, g);
		reclaim_ghost_forget(&s->ghosts, e->key);
		reclaim_list_add(&s->t[T2], e, RECLAIM_LIST_T2);
		s->len[T2]++;
	} else {
		arc_trim_history(s);
		reclaim_list_add(&s->t[T1], e, RECLAIM_LIST_T1);
		s->len[T1]++;
	}
	s->adapted = false;
}

/* REPLACE(x, p): the LRU page of T1 if T1 exceeds its target, else of T2. */
static struct reclaim_entry *
arc_victim(struct reclaim *r, uint64_t incoming)
{
	struct arc_state *s = arc_of(r);
	struct reclaim_entry *e;
	bool in_b2 = false, from_t1;

	if (incoming != RECLAIM_KEY_NONE) {
		int g = reclaim_ghost_find(&s->ghosts, incoming);

		if (g >= 0 && (!s->adapted || s->adapted_key != incoming)) {
			arc_adapt(s, g);
			s->adapted = true;
			s->adapted_key = incoming;
		}
		in_b2 = g == GHOST_B2;
	}
	from_t1 = s->len[T1] >= 1 &&
		  ((in_b2 && s->len[T1] == s->p) || s->len[T1] > s->p);
	/* Pinned pages are passed over: the least recent unpinned one goes. */
	e = reclaim_first_unpinned(r, &s->t[from_t1 ? T1 : T2]);
	if (!e)
		e = reclaim_first_unpinned(r, &s->t[from_t1 ? T2 : T1]);
	return e;
}

/* The page left: its key becomes the MRU ghost behind its list. */
static void
arc_evicted(struct reclaim *r, struct reclaim_entry *e)
{
	struct arc_state *s = arc_of(r);
	int from = e->list - 1;
	struct ghost_table *g = &s->ghosts;

	s->len[from]--;
	reclaim_list_del(e);
	reclaim_ghost_make_room(g, s->len[T1], s->c);
	(void)reclaim_ghost_add(g, from == T1 ? GHOST_B1 : GHOST_B2, e->key);
}

static void
arc_remove(struct reclaim *r, struct reclaim_entry *e)
{
	arc_of(r)->len[e->list - 1]--;
	reclaim_list_del(e);
}

/* No resident page may also have a ghost. */
static const char *
arc_check_no_ghost_resident(const struct ghost_table *g, const struct list_node *h)
{
	list_for_each(pos, h) {
		if (reclaim_ghost_find(g, list_entry(pos, struct reclaim_entry, link)->key) >= 0)
			return "arc: a resident page also has a ghost";
	}
	return NULL;
}

static const char *
arc_check(const struct reclaim *r)
{
	const struct arc_state *s = arc_of(r);
	const struct ghost_table *g = &s->ghosts;
	size_t t1 = s->len[T1], t2 = s->len[T2];
	size_t b1 = reclaim_ghost_len(g, GHOST_B1), b2 = reclaim_ghost_len(g, GHOST_B2);
	const char *why;

	if ((why = reclaim_check_list(&s->t[T1], t1, RECLAIM_LIST_T1, "arc: T1 list/count")) ||
	    (why = reclaim_check_list(&s->t[T2], t2, RECLAIM_LIST_T2, "arc: T2 list/count")) ||
	    (why = reclaim_ghost_check(g)) ||
	    (why = arc_check_no_ghost_resident(g, &s->t[T1])) ||
	    (why = arc_check_no_ghost_resident(g, &s->t[T2])))
		return why;
	if (t1 + t2 != r->resident)
		return "arc: |T1| + |T2| != resident";
	if (t1 + t2 > s->c)
		return "arc: |T1| + |T2| > c";
	if (t1 + b1 > s->c)
		return "arc: |T1| + |B1| > c";
	if (t1 + t2 + b1 + b2 > 2 * s->c)
		return "arc: |T1| + |T2| + |B1| + |B2| > 2c";
	if (s->p > s->c)
		return "arc: p > c";
	return NULL;
}

static void
arc_sizes(const struct reclaim *r, struct reclaim_stats *st)
{
	const struct arc_state *s = arc_of(r);

	st->t1 = s->len[T1];
	st->t2 = s->len[T2];
	st->b1 = reclaim_ghost_len(&s->ghosts, GHOST_B1);
	st->b2 = reclaim_ghost_len(&s->ghosts, GHOST_B2);
	st->p = s->p;
}

const struct reclaim_policy reclaim_arc = {
	.name = "arc",
	.desc = "adaptive replacement cache: T1/T2 LRU lists, B1/B2 ghosts, target p",
	.init = arc_init,
	.destroy = arc_destroy,
	.access = arc_access,
	.insert = arc_insert,
	.victim = arc_victim,
	.evicted = arc_evicted,
	.remove = arc_remove,
	.check = arc_check,
	.sizes = arc_sizes,
};
