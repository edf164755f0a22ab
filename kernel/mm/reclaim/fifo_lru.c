// SPDX-License-Identifier: MIT
/*
 * The two textbook baselines, FIFO and LRU, on one queue.
 *
 * FIFO evicts the page resident longest, whatever its use: cheap, blind to
 * references, and the standard example of Belady's anomaly (more frames
 * can mean more faults).  LRU evicts the page referenced longest ago; it is
 * a stack algorithm (the pages a cache of c frames holds are always among
 * those a cache of c+1 holds), so it never shows the anomaly.  Its price is
 * list motion on every hit, which is what clock and CAR avoid: in a kernel
 * the MMU sees hits, not software, so Keel's LRU sees only the references
 * its caller reports.  Both are here mainly for the laboratory's tables.
 */
#include "mm/reclaim/internal.h"
#include "uapi/errno.h"

struct queue_state {
	struct list_node q;   /* front: oldest (FIFO) or least recently used */
};

static struct queue_state *
queue_of(const struct reclaim *r)
{
	return r->priv;
}

static int
queue_init(struct reclaim *r)
{
	struct queue_state *s = reclaim_zalloc(r, sizeof(*s));

	if (!s)
		return -ENOMEM;
	list_init(&s->q);
	r->priv = s;
	return 0;
}

static void
queue_destroy(struct reclaim *r)
{
	reclaim_free(r, r->priv);
}

static void
fifo_access(struct reclaim *r, struct reclaim_entry *e)
{
	e->referenced = 1;   /* noted, and ignored */
}

static void
lru_access(struct reclaim *r, struct reclaim_entry *e)
{
	e->referenced = 1;
	reclaim_list_move(&queue_of(r)->q, e, RECLAIM_LIST_T1);
}

static void
queue_insert(struct reclaim *r, struct reclaim_entry *e)
{
	e->referenced = 0;
	reclaim_list_add(&queue_of(r)->q, e, RECLAIM_LIST_T1);
}

static struct reclaim_entry *
queue_victim(struct reclaim *r, uint64_t incoming)
{
	return reclaim_first_unpinned(r, &queue_of(r)->q);
}

static void
queue_remove(struct reclaim *r, struct reclaim_entry *e)
{
	reclaim_list_del(e);
}

static const char *
queue_check(const struct reclaim *r)
{
	return reclaim_check_list(&queue_of(r)->q, r->resident, RECLAIM_LIST_T1,
				  "queue: list does not hold the resident entries");
}

static void
queue_sizes(const struct reclaim *r, struct reclaim_stats *st)
{
	st->t1 = r->resident;
}

const struct reclaim_policy reclaim_fifo = {
	.name = "fifo",
	.desc = "first in, first out",
	.init = queue_init,
	.destroy = queue_destroy,
	.access = fifo_access,
	.insert = queue_insert,
	.victim = queue_victim,
	.evicted = queue_remove,
	.remove = queue_remove,
	.check = queue_check,
	.sizes = queue_sizes,
};

const struct reclaim_policy reclaim_lru = {
	.name = "lru",
	.desc = "least recently used (moves the page on every reported hit)",
	.init = queue_init,
	.destroy = queue_destroy,
	.access = lru_access,
	.insert = queue_insert,
	.victim = queue_victim,
	.evicted = queue_remove,
	.remove = queue_remove,
	.check = queue_check,
	.sizes = queue_sizes,
};
