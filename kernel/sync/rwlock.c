// SPDX-License-Identifier: MIT
/* Sleeping reader-writer locks with writer preference.  See rwlock.h. */
#include "sync/rwlock.h"
#include "core/panic.h"

void
rwlock_init(struct rwlock *rw, const char *name)
{
	spin_init_rank(&rw->lock, "rwlock", LOCK_RANK_MUTEX_INNER);
	rw->readers = 0;
	rw->writer = NULL;
	rw->writers_waiting = 0;
	waitq_init(&rw->read_wq);
	waitq_init(&rw->write_wq);
	rw->ld = (struct lockdep_map){ name, 0 };
}

void
rw_read_lock(struct rwlock *rw)
{
	lockdep_sleep_acquire(&rw->ld);
	spin_lock(&rw->lock);
	/* Writer preference: a waiting writer keeps new readers out. */
	while (rw->writer || rw->writers_waiting)
		waitq_sleep(&rw->read_wq, &rw->lock, 0, false);
	rw->readers++;
	spin_unlock(&rw->lock);
}

bool
rw_read_trylock(struct rwlock *rw)
{
	bool ok;

	spin_lock(&rw->lock);
	ok = !rw->writer && !rw->writers_waiting;
	if (ok)
		rw->readers++;
	spin_unlock(&rw->lock);
	if (ok)
		lockdep_sleep_acquire(&rw->ld);
	return ok;
}

void
rw_read_unlock(struct rwlock *rw)
{
	bool wake;

	lockdep_sleep_release(&rw->ld);
	spin_lock(&rw->lock);
	if (rw->readers == 0)
		panic("rw_read_unlock: no reader inside");
	wake = --rw->readers == 0 && rw->writers_waiting;
	spin_unlock(&rw->lock);
	if (wake)
		waitq_wake_one(&rw->write_wq);
}

void
rw_write_lock(struct rwlock *rw)
{
	void *self = sync_sched->self();

	lockdep_sleep_acquire(&rw->ld);
	spin_lock(&rw->lock);
	if (rw->writer == self)
		panic("rw_write_lock: taken twice by one thread");
	rw->writers_waiting++;
	while (rw->writer || rw->readers)
		waitq_sleep(&rw->write_wq, &rw->lock, 0, false);
	rw->writers_waiting--;
	rw->writer = self;
	spin_unlock(&rw->lock);
}

bool
rw_write_trylock(struct rwlock *rw)
{
	bool ok;

	spin_lock(&rw->lock);
	ok = !rw->writer && !rw->readers;
	if (ok)
		rw->writer = sync_sched->self();
	spin_unlock(&rw->lock);
	if (ok)
		lockdep_sleep_acquire(&rw->ld);
	return ok;
}

void
rw_write_unlock(struct rwlock *rw)
{
	bool writers;

	lockdep_sleep_release(&rw->ld);
	spin_lock(&rw->lock);
	if (rw->writer != sync_sched->self())
		panic("rw_write_unlock: not the writer");
	rw->writer = NULL;
	writers = rw->writers_waiting > 0;
	spin_unlock(&rw->lock);
	if (writers)
		waitq_wake_one(&rw->write_wq);
	else
		waitq_wake_all(&rw->read_wq);
}
