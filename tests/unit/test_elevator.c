// SPDX-License-Identifier: MIT
// The C-LOOK elevator: sweep order from the head, the wrap to the next
// sweep, barriers as walls, and overlapping requests kept in order.
// UNIT_SRCS: kernel/block/elevator.c
#include "unit.h"
#include "block/internal.h"

static struct blk_request rqs[16];

static struct blk_request *
mk(int i, uint64_t lba, uint32_t count, bool barrier)
{
	struct blk_request *r = &rqs[i];

	memset(r, 0, sizeof(*r));
	r->lba = lba;
	r->count = count;
	r->barrier = barrier;
	r->private = (void *)(long)i;
	list_init(&r->node);
	return r;
}

/* The queue as the ids of its requests, in order. */
static void
order(struct list_node *q, int *out, int *n)
{
	*n = 0;
	list_for_each(p, q)
		out[(*n)++] = (int)(long)list_entry(p, struct blk_request, node)->private;
}

#define CHECK_ORDER(q, ...)                                                   \
	do {                                                                  \
		int want[] = { __VA_ARGS__ }, got[16], n;                     \
		order(q, got, &n);                                            \
		CHECK_EQ(n, (int)(sizeof(want) / sizeof(want[0])));           \
		for (int i = 0; i < n && i < (int)(sizeof(want) / sizeof(want[0])); i++) \
			CHECK_EQ(got[i], want[i]);                            \
	} while (0)

TEST(sweeps_up_from_the_head_then_wraps)
{
	struct list_node q;

	list_init(&q);
	elv_insert(&q, mk(0, 500, 8, false), 100);
	elv_insert(&q, mk(1, 50, 8, false), 100);     /* behind the head: next sweep */
	elv_insert(&q, mk(2, 200, 8, false), 100);
	elv_insert(&q, mk(3, 10, 8, false), 100);
	elv_insert(&q, mk(4, 100, 8, false), 100);
	CHECK_ORDER(&q, 4, 2, 0, 3, 1);
}

TEST(barrier_is_a_wall)
{
	struct list_node q;

	list_init(&q);
	elv_insert(&q, mk(0, 500, 8, false), 0);
	elv_insert(&q, mk(1, 0, 0, true), 0);         /* flush */
	elv_insert(&q, mk(2, 100, 8, false), 0);      /* sorts before 0, but after the flush */
	elv_insert(&q, mk(3, 50, 8, false), 0);
	CHECK_ORDER(&q, 0, 1, 3, 2);
}

TEST(overlapping_requests_keep_their_order)
{
	struct list_node q;

	list_init(&q);
	elv_insert(&q, mk(0, 100, 16, false), 0);     /* a write of 100..115 */
	elv_insert(&q, mk(1, 300, 8, false), 0);
	elv_insert(&q, mk(2, 96, 8, false), 0);       /* 96..103 overlaps: stays behind 0 */
	elv_insert(&q, mk(3, 20, 8, false), 0);       /* no overlap: goes first */
	CHECK_ORDER(&q, 3, 0, 2, 1);
}
