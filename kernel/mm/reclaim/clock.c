// SPDX-License-Identifier: MIT
/*
 * CLOCK, or second chance: the classic approximation of LRU.
 *
 * Resident pages sit on a circle with one hand.  A hit only sets the page's
 * referenced bit, as the MMU sets the accessed bit in a PTE, so hits need no
 * lock and no list motion.  To find a victim the hand sweeps: a page with
 * the bit set has it cleared and is passed over (its second chance); the
 * first page found with the bit clear goes.  A page referenced at least once
 * per revolution of the hand therefore stays, which approximates "not used
 * recently".  New pages enter just behind the hand with the bit clear (the
 * convention of the CAR paper), so a page is kept for a second revolution
 * only if it is referenced again.
 *
 * The circle is a list whose front is under the hand: advancing the hand
 * moves the front entry to the back.  Pinned pages are stepped over without
 * touching their bit; when a whole revolution finds only pinned pages there
 * is no victim.
 */
#include "mm/reclaim/internal.h"
#include "uapi/errno.h"

struct clock_state {
	struct list_node ring;   /* front: under the hand; back: just behind */
};

static struct clock_state *
clock_of(const struct reclaim *r)
{
	return r->priv;
}

static int
clock_init(struct reclaim *r)
{
	struct clock_state *s = reclaim_zalloc(r, sizeof(*s));

	if (!s)
		return -ENOMEM;
	list_init(&s->ring);
	r->priv = s;
	return 0;
}

static void
clock_destroy(struct reclaim *r)
{
	reclaim_free(r, r->priv);
}

static void
clock_access(struct reclaim *r, struct reclaim_entry *e)
{
	e->referenced = 1;
}

static void
clock_insert(struct reclaim *r, struct reclaim_entry *e)
{
	e->referenced = 0;
	reclaim_list_add(&clock_of(r)->ring, e, RECLAIM_LIST_T1);
}

static struct reclaim_entry *
clock_victim(struct reclaim *r, uint64_t incoming)
{
	struct clock_state *s = clock_of(r);
	size_t pinned_run = 0;

	for (;;) {
		struct reclaim_entry *e = reclaim_entry_of(s->ring.next);

		r->stats.scanned++;
		if (reclaim_pinned(r, e)) {
			/* A full revolution of pinned pages: nothing can go. */
			if (++pinned_run >= r->resident)
				return NULL;
		} else {
			pinned_run = 0;
			if (!e->referenced)
				return e;
			e->referenced = 0;
		}
		reclaim_list_move(&s->ring, e, RECLAIM_LIST_T1);   /* advance the hand */
	}
}

static void
clock_remove(struct reclaim *r, struct reclaim_entry *e)
{
	reclaim_list_del(e);
}

static const char *
clock_check(const struct reclaim *r)
{
	return reclaim_check_list(&clock_of(r)->ring, r->resident, RECLAIM_LIST_T1,
				  "clock: ring does not hold the resident entries");
}

static void
clock_sizes(const struct reclaim *r, struct reclaim_stats *st)
{
	st->t1 = r->resident;
}

const struct reclaim_policy reclaim_clock = {
	.name = "clock",
	.desc = "second chance: one hand, one referenced bit",
	.init = clock_init,
	.destroy = clock_destroy,
	.access = clock_access,
	.insert = clock_insert,
	.victim = clock_victim,
	.evicted = clock_remove,   /* no history */
	.remove = clock_remove,
	.check = clock_check,
	.sizes = clock_sizes,
};
