/* SPDX-License-Identifier: MIT */
/*
 * Sleeping reader-writer locks, with writer preference.
 *
 * Any number of readers, or one writer.  Writer preference: once a writer
 * waits, new readers wait behind it, so a steady stream of readers cannot
 * starve writers.  The price is the reverse: a steady stream of writers
 * starves readers, and a thread that takes the read lock twice may
 * deadlock (a writer arriving between the two makes the second wait for
 * the writer, which waits for the first).  When the last reader leaves a
 * waiting writer is woken; when a writer leaves, the next waiting writer
 * goes first, and only if there is none are all waiting readers woken.
 * No priority inheritance: a reader set has no single owner to lend to.
 */
#pragma once

#include "lib/compiler.h"
#include "sync/lockdep.h"
#include "sync/spinlock.h"
#include "sync/waitqueue.h"

struct rwlock {
	struct spinlock lock;      /* protects the counts below; rank MUTEX_INNER */
	unsigned readers;          /* [lock] readers inside */
	void *writer;              /* [lock] the writer inside, or NULL */
	unsigned writers_waiting;  /* [lock] */
	struct waitq read_wq;      /* readers waiting */
	struct waitq write_wq;     /* writers waiting */
	struct lockdep_map ld;
};

void rwlock_init(struct rwlock *rw, const char *name);
void rw_read_lock(struct rwlock *rw);
void rw_read_unlock(struct rwlock *rw);
void rw_write_lock(struct rwlock *rw);
void rw_write_unlock(struct rwlock *rw);
bool rw_read_trylock(struct rwlock *rw);
bool rw_write_trylock(struct rwlock *rw);
