/* SPDX-License-Identifier: MIT */
/* Shared between the files of the block layer; not for drivers or file systems. */
#pragma once

#include "block/blk.h"
#include "sync/spinlock.h"
#include "sync/waitqueue.h"

/*
 * Disk scheduling (elevator.c, pure): insert rq into a disk's queue in
 * C-LOOK order relative to the head position, never ahead of a barrier.
 */
void elv_insert(struct list_node *queue, struct blk_request *rq, uint64_t head);

/* Register partition partno (sectors start..start+count-1) of disk. */
int blkdev_register_partition(struct blkdev *disk, int partno, uint64_t start, uint64_t count);
/* Queue rq without blk_submit()'s checks (tests of the drivers' own checks). */
int blk_submit_unchecked(struct blkdev *d, struct blk_request *rq);

/*
 * A one-shot event a thread sleeps on until an interrupt handler signals
 * it.  The signaller does all its work under lock, so the waiter may free
 * the completion (it usually lives on the waiter's stack) as soon as it
 * sees done.
 */
struct blk_completion {
	struct spinlock lock;      /* protects done; before wq.lock */
	bool done;
	struct waitq wq;
};

void blk_completion_init(struct blk_completion *c);
void blk_completion_signal(struct blk_completion *c);
void blk_completion_wait(struct blk_completion *c);
