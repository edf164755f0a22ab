// SPDX-License-Identifier: MIT
/*
 * Disk scheduling: the order in which waiting requests go to the disk.
 *
 * On a spinning disk, moving the head costs far more than the transfer, so
 * the queue is kept in C-LOOK order: the head sweeps towards higher sector
 * numbers serving requests as it passes them; a request behind the head
 * waits for the next sweep, which starts again from the lowest waiting
 * sector.  Unlike shortest-seek-first, nothing waits longer than one
 * sweep; unlike SCAN, the head never wastes a return trip serving the
 * sectors it has just passed twice.  (An SSD has no head and gains little;
 * a virtio disk keeps dozens of requests in flight and rarely queues at
 * all: the ordering matters most for the IDE disk, one request at a time.)
 *
 * The sort key is the distance ahead of the head, modulo 2^64: a request
 * behind the head gets a huge key and so sorts into the next sweep.
 *
 * A barrier (a cache flush) is a wall: requests queued after it stay after
 * it, so the sort only happens among requests queued since the last one.
 * Requests touching the same sectors also keep their order, so a read
 * queued after a write sees the write, and the later of two writes wins.
 *
 * Pure C: the host unit test runs it (tests/unit/test_elevator.c).
 */
#include "block/internal.h"

static uint64_t
sweep_key(const struct blk_request *rq, uint64_t head)
{
	return rq->lba - head;     /* unsigned: behind the head wraps to the end */
}

static bool
overlaps(const struct blk_request *a, const struct blk_request *b)
{
	uint64_t a_end = a->lba + (a->count ? a->count : 1);
	uint64_t b_end = b->lba + (b->count ? b->count : 1);

	return a->lba < b_end && b->lba < a_end;
}

void
elv_insert(struct list_node *queue, struct blk_request *rq, uint64_t head)
{
	struct list_node *pos = queue->prev, *wall = queue;

	/* The segment we may sort in starts after the last barrier. */
	for (; pos != queue; pos = pos->prev) {
		if (list_entry(pos, struct blk_request, node)->barrier) {
			wall = pos;
			break;
		}
	}
	if (rq->barrier) {
		list_push_back(queue, &rq->node);
		return;
	}
	/* Never ahead of a request touching the same sectors. */
	for (pos = wall->next; pos != queue; pos = pos->next)
		if (overlaps(list_entry(pos, struct blk_request, node), rq))
			wall = pos;
	/* Then the first request after that which sorts after rq. */
	for (pos = wall->next; pos != queue; pos = pos->next) {
		if (sweep_key(list_entry(pos, struct blk_request, node), head) >
		    sweep_key(rq, head))
			break;
	}
	list_insert_between(&rq->node, pos->prev, pos);
}
