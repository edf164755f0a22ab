/* SPDX-License-Identifier: MIT */
/*
 * Lock ranks: the fixed part of the lock order, as numbers.
 *
 * A lock with a rank may be taken only while every ranked lock held has a
 * lower rank (locks of the same class may nest: two run queues in address
 * order).  Unranked locks (rank 0) are ordered by what the kernel does:
 * the lock checker (lockdep.c) learns "A was held while B was taken" and
 * reports the first acquisition that contradicts it.  docs/locking.md
 * lists every lock with what it protects.
 */
#pragma once

enum lock_rank {
	LOCK_RANK_NONE = 0,          /* ordered by the learned graph only */
	LOCK_RANK_MUTEX_INNER = 10,  /* a mutex's, rwlock's or semaphore's own spinlock */
	LOCK_RANK_PI = 20,           /* pi_lock: the priority-inheritance graph */
	LOCK_RANK_WAITQ = 30,        /* a wait queue's list of sleepers */
	LOCK_RANK_RQ = 40,           /* a CPU's run queue */
	LOCK_RANK_TIMER = 50,        /* the kernel timer list */
};
