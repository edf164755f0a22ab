// SPDX-License-Identifier: MIT
/*
 * CART, CAR with Temporal filtering (Bansal and Modha, FAST 2004).
 *
 * CAR promotes a page to the frequency clock T2 when it is referenced
 * twice while in T1, however close together the two references were.  Two
 * references a few instructions apart (a page touched by one loop
 * iteration, then again by the next) say nothing about long-term use.
 * CART gives each resident page a filter bit:
 *
 *     S  short-term utility: so far only re-referenced within a short window
 *     L  long-term utility: re-referenced after a long time, or refaulted
 *        from the history
 *
 * A page enters T1 as S.  When the T1 hand finds it referenced, it goes
 * round T1 again, and turns L only if T1 is at least min(p + 1, |B1|) long
 * at that moment, i.e. the reference came after a long stay.  Only L pages
 * move to T2; only S pages are evicted from T1.  A refault from either
 * ghost list returns as L (to the tail of T1; the T1 hand then passes it to
 * T2).  Pages referenced in T2 come back to T1.  Two targets adapt:
 *
 *     p  target size of T1, as in CAR, moved by ghost hits with steps
 *        nS/|B1| (up) and nL/|B2| (down);
 *     q  target size of B1, which decides which ghost list loses its LRU
 *        entry when the history is full (|B1|+|B2| = c+1).
 *
 * nS and nL count the resident S and L pages.  Mapping onto the interface:
 * cart_access() sets the bit; cart_victim() runs the two sweeps of the
 * paper's replace() and names the page at the head of T1 (if |T1| >=
 * max(1, p)) or of T2; cart_evicted() makes it the MRU ghost of B1 or B2;
 * cart_insert() does the history replacement and the hit/miss cases.
 *
 * Pinned pages take part in the sweeps (they only move between lists), but
 * are never named: one found at the head is moved to its clock's tail and
 * the sweep starts over.
 */
#include "mm/reclaim/internal.h"
#include "uapi/errno.h"

enum { T1 = 0, T2 = 1 };

struct cart_state {
	struct list_node t[2];       /* clocks: front = head (under the hand) */
	size_t len[2];
	struct ghost_table ghosts;   /* B1, B2: front = LRU */
	size_t c;
	size_t p;                    /* target size of T1 */
	size_t q;                    /* target size of B1 */
	size_t ns, nl;               /* resident pages with filter S, L */
};

static struct cart_state *
cart_of(const struct reclaim *r)
{
	return r->priv;
}

static int
cart_init(struct reclaim *r)
{
	size_t c = r->params.capacity;
	size_t nghosts = c + 1;   /* the paper lets the history reach c+1 */
	struct cart_state *s = reclaim_zalloc(r, sizeof(*s) + reclaim_ghost_bytes(nghosts));

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
cart_destroy(struct reclaim *r)
{
	reclaim_free(r, r->priv);
}

static void
cart_access(struct reclaim *r, struct reclaim_entry *e)
{
	e->referenced = 1;
}

static void
cart_add(struct cart_state *s, int list, struct reclaim_entry *e)
{
	reclaim_list_add(&s->t[list], e, (uint8_t)(list + 1));
	s->len[list]++;
}

static struct reclaim_entry *
cart_head(const struct cart_state *s, int list)
{
	return s->len[list] ? reclaim_entry_of(s->t[list].next) : NULL;
}

/* The head of `list` goes to the tail of `to`, its bit cleared. */
static struct reclaim_entry *
cart_advance(struct cart_state *s, int list, int to)
{
	struct reclaim_entry *e = cart_head(s, list);

	s->len[list]--;
	list_remove(&e->link);
	e->referenced = 0;
	cart_add(s, to, e);
	return e;
}

/* "if (|T2|+|B2|+|T1|-nS >= c) then q = min(q + 1, 2c - |T1|)" */
static void
cart_grow_q(struct cart_state *s)
{
	if (s->len[T2] + reclaim_ghost_len(&s->ghosts, GHOST_B2) + s->len[T1] - s->ns >= s->c)
		s->q = MIN(s->q + 1, 2 * s->c - s->len[T1]);
}

/* History replacement: the paper's rule for which ghost list gives one up. */
static void
cart_drop_ghost(struct cart_state *s)
{
	struct ghost_table *g = &s->ghosts;

	if (reclaim_ghost_len(g, GHOST_B1) > s->q || reclaim_ghost_len(g, GHOST_B2) == 0)
		reclaim_ghost_drop_lru(g, GHOST_B1);
	else
		reclaim_ghost_drop_lru(g, GHOST_B2);
}

static void
cart_insert(struct reclaim *r, struct reclaim_entry *e)
{
	struct cart_state *s = cart_of(r);
	struct ghost_table *g = &s->ghosts;
	int hit = reclaim_ghost_find(g, e->key);

	e->referenced = 0;
	if (hit < 0) {
		if (reclaim_ghost_used(g) >= s->c + 1)
			cart_drop_ghost(s);
		e->filter = RECLAIM_FILTER_S;
		s->ns++;
		cart_add(s, T1, e);
		return;
	}
	reclaim_count_ghost_hit(r, hit);
	if (hit == GHOST_B1) {
		s->p = MIN(s->p + MAX(s->ns / reclaim_ghost_len(g, GHOST_B1), (size_t)1), s->c);
	} else {
		size_t delta = MAX(s->nl / reclaim_ghost_len(g, GHOST_B2), (size_t)1);

		s->p = s->p > delta ? s->p - delta : 0;
	}
	reclaim_ghost_forget(g, e->key);
	e->filter = RECLAIM_FILTER_L;
	s->nl++;
	cart_add(s, T1, e);
	if (hit == GHOST_B2)
		cart_grow_q(s);
}

/*
 * The two sweeps of replace().  First, referenced pages at the head of T2
 * go back to T1.  Then the T1 hand moves on past every page that is
 * referenced (it goes round again, turning L if T1 is long enough) or is L
 * (it moves to T2), so that the head of T1, if any, is an unreferenced S
 * page.  `pin` is reset for a list that gains a page (see cart_victim).
 */
static void
cart_sweep(struct reclaim *r, struct cart_state *s, size_t pin[2])
{
	struct reclaim_entry *e;

	while ((e = cart_head(s, T2)) && e->referenced) {
		r->stats.scanned++;
		cart_advance(s, T2, T1);
		pin[T1] = 0;
		cart_grow_q(s);
	}
	while ((e = cart_head(s, T1)) && (e->filter == RECLAIM_FILTER_L || e->referenced)) {
		r->stats.scanned++;
		if (e->referenced) {
			cart_advance(s, T1, T1);
			if (s->len[T1] >= MIN(s->p + 1, reclaim_ghost_len(&s->ghosts, GHOST_B1)) &&
			    e->filter == RECLAIM_FILTER_S) {
				e->filter = RECLAIM_FILTER_L;
				s->ns--;
				s->nl++;
			}
		} else {
			cart_advance(s, T1, T2);
			pin[T2] = 0;
			s->q = MAX(s->q ? s->q - 1 : 0, s->c - s->len[T1]);
		}
	}
}

/* Any unpinned page at all, when both clocks look fully pinned. */
static struct reclaim_entry *
cart_any_unpinned(struct reclaim *r, struct cart_state *s)
{
	struct reclaim_entry *e = reclaim_first_unpinned(r, &s->t[T1]);

	return e ? e : reclaim_first_unpinned(r, &s->t[T2]);
}

/*
 * pin[l] counts pinned heads of list l moved to its tail since l last
 * gained a page; once it reaches |l| the list is taken to be all pinned
 * and the other serves.  If both are, a plain search settles it.
 */
static struct reclaim_entry *
cart_victim(struct reclaim *r, uint64_t incoming)
{
	struct cart_state *s = cart_of(r);
	size_t pin[2] = { 0, 0 };

	for (;;) {
		struct reclaim_entry *e;
		int l;

		cart_sweep(r, s, pin);
		l = s->len[T1] >= MAX(s->p, (size_t)1) ? T1 : T2;
		if (pin[l] >= s->len[l])
			l = !l;
		if (pin[l] >= s->len[l])
			return cart_any_unpinned(r, s);
		e = cart_head(s, l);
		r->stats.scanned++;
		if (!reclaim_pinned(r, e))
			return e;
		pin[l]++;
		list_remove(&e->link);              /* to the tail of its own clock, */
		list_push_back(&s->t[l], &e->link); /* keeping its bit */
	}
}

static void
cart_forget_resident(struct cart_state *s, struct reclaim_entry *e)
{
	if (e->filter == RECLAIM_FILTER_S)
		s->ns--;
	else
		s->nl--;
	s->len[e->list - 1]--;
	reclaim_list_del(e);
}

static void
cart_evicted(struct reclaim *r, struct reclaim_entry *e)
{
	struct cart_state *s = cart_of(r);
	int from = e->list - 1;

	cart_forget_resident(s, e);
	/* Only reclaim running ahead of faults fills the pool: trim early. */
	if (reclaim_ghost_used(&s->ghosts) == s->ghosts.nrecs)
		cart_drop_ghost(s);
	(void)reclaim_ghost_add(&s->ghosts, from == T1 ? GHOST_B1 : GHOST_B2, e->key);
}

static void
cart_remove(struct reclaim *r, struct reclaim_entry *e)
{
	cart_forget_resident(cart_of(r), e);
}

/* Filter counts agree with the pages, T2 holds only L pages, no ghosts. */
static const char *
cart_check_pages(const struct cart_state *s)
{
	size_t ns = 0;

	for (int l = T1; l <= T2; l++) {
		list_for_each(pos, &s->t[l]) {
			const struct reclaim_entry *e = list_entry(pos, struct reclaim_entry, link);

			if (e->filter == RECLAIM_FILTER_S) {
				if (l == T2)
					return "cart: an S page in T2";
				ns++;
			}
			if (reclaim_ghost_find(&s->ghosts, e->key) >= 0)
				return "cart: a resident page also has a ghost";
		}
	}
	return ns == s->ns ? NULL : "cart: nS does not count the S pages";
}

static const char *
cart_check(const struct reclaim *r)
{
	const struct cart_state *s = cart_of(r);
	const struct ghost_table *g = &s->ghosts;
	size_t t1 = s->len[T1], t2 = s->len[T2];
	const char *why;

	if ((why = reclaim_check_list(&s->t[T1], t1, RECLAIM_LIST_T1, "cart: T1 list/count")) ||
	    (why = reclaim_check_list(&s->t[T2], t2, RECLAIM_LIST_T2, "cart: T2 list/count")) ||
	    (why = reclaim_ghost_check(g)) || (why = cart_check_pages(s)))
		return why;
	if (t1 + t2 != r->resident || s->ns + s->nl != r->resident)
		return "cart: |T1| + |T2| != nS + nL != resident";
	if (t1 + t2 > s->c)
		return "cart: |T1| + |T2| > c";
	if (reclaim_ghost_used(g) > s->c + 1)
		return "cart: |B1| + |B2| > c + 1";
	if (s->p > s->c)
		return "cart: p > c";
	if (s->q > 2 * s->c)
		return "cart: q > 2c";
	return NULL;
}

static void
cart_sizes(const struct reclaim *r, struct reclaim_stats *st)
{
	const struct cart_state *s = cart_of(r);

	st->t1 = s->len[T1];
	st->t2 = s->len[T2];
	st->b1 = reclaim_ghost_len(&s->ghosts, GHOST_B1);
	st->b2 = reclaim_ghost_len(&s->ghosts, GHOST_B2);
	st->p = s->p;
	st->q = s->q;
}

const struct reclaim_policy reclaim_cart = {
	.name = "cart",
	.desc = "CAR with temporal filtering: S/L filter bits, targets p and q",
	.init = cart_init,
	.destroy = cart_destroy,
	.access = cart_access,
	.insert = cart_insert,
	.victim = cart_victim,
	.evicted = cart_evicted,
	.remove = cart_remove,
	.check = cart_check,
	.sizes = cart_sizes,
};
