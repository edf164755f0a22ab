// SPDX-License-Identifier: MIT
/*
 * The poll engine: sleeping on many wait queues at once.
 *
 * A wait queue entry names a thread; a waker unlinks the entry and makes
 * the thread runnable.  poll_run puts one entry for the calling thread on
 * every queue the scanned files named (poll_wait), then sleeps.  Any wake
 * on any of them ends the sleep; the files are scanned again and, if
 * nothing is ready after all, the woken entries are linked back in and the
 * thread sleeps again.
 *
 * No wake-up may be lost between the scan that found nothing and the
 * sleep.  The scan runs with the thread RUNNABLE (a .poll operation may
 * take a mutex and sleep on it), so a wake arriving after the scan would
 * find nobody asleep.  But it still unlinks our entry from its queue, and
 * that is the evidence: after marking itself SLEEPING, the thread checks
 * whether any entry is unlinked (poll_triggered) and, if so, scans again
 * instead of sleeping.  A wake after that check finds the thread SLEEPING
 * and wakes it normally.
 *
 * Each entry holds a reference to its file, so the queue (inside a pipe,
 * a terminal...) outlives the entry even if another thread closes the
 * descriptor meanwhile.
 */
#include "ipc/poll.h"
#include "fs/fs.h"
#include "mm/slab.h"
#include "sched/sched.h"
#include "sched/timer.h"
#include "uapi/errno.h"

#define POLL_INLINE 8
#define POLL_CHUNK 100

struct poll_entry {
	struct wait_entry we;
	struct waitq *wq;
	struct file *file;
};

struct poll_chunk {
	struct poll_chunk *next;
	unsigned n;
	struct poll_entry e[POLL_CHUNK];
};

struct poll_table {
	bool collecting;
	int error;
	unsigned ninline;
	struct poll_entry inline_e[POLL_INLINE];
	struct poll_chunk *chunks;
};

/* A free entry of the table, from the inline array or a new chunk. */
static struct poll_entry *
new_entry(struct poll_table *pt)
{
	struct poll_chunk *c = pt->chunks;

	if (pt->ninline < POLL_INLINE)
		return &pt->inline_e[pt->ninline++];
	if (!c || c->n == POLL_CHUNK) {
		c = kmalloc(sizeof(*c));
		if (!c)
			return NULL;
		c->n = 0;
		c->next = pt->chunks;
		pt->chunks = c;
	}
	return &c->e[c->n++];
}

/* Queue the caller on wq, holding a reference to f. */
void
poll_wait(struct file *f, struct waitq *wq, struct poll_table *pt)
{
	struct poll_entry *e;

	if (!pt || !pt->collecting)
		return;
	e = new_entry(pt);
	if (!e) {
		pt->error = -ENOMEM;
		return;
	}
	e->wq = wq;
	e->file = f;
	file_get(f);
	e->we.thread = current();
	e->we.exclusive = false;
	list_init(&e->we.node);
	spin_lock(&wq->lock);
	list_push_back(&wq->waiters, &e->we.node);
	spin_unlock(&wq->lock);
}

/* Call fn on every entry of pt. */
static bool
for_each_entry(struct poll_table *pt, bool (*fn)(struct poll_entry *e))
{
	for (unsigned i = 0; i < pt->ninline; i++)
		if (fn(&pt->inline_e[i]))
			return true;
	for (struct poll_chunk *c = pt->chunks; c; c = c->next)
		for (unsigned i = 0; i < c->n; i++)
			if (fn(&c->e[i]))
				return true;
	return false;
}

/* Was this entry woken (unlinked by a waker)? */
static bool
entry_woken(struct poll_entry *e)
{
	bool woken;

	spin_lock(&e->wq->lock);
	woken = !list_linked(&e->we.node);
	spin_unlock(&e->wq->lock);
	return woken;
}

/* Queue an entry again if a wake-up took it off its queue. */
static bool
entry_rearm(struct poll_entry *e)
{
	spin_lock(&e->wq->lock);
	if (!list_linked(&e->we.node))
		list_push_back(&e->wq->waiters, &e->we.node);
	spin_unlock(&e->wq->lock);
	return false;
}

/* Take an entry off its queue and drop its file. */
static bool
entry_free(struct poll_entry *e)
{
	spin_lock(&e->wq->lock);
	if (list_linked(&e->we.node))
		list_remove(&e->we.node);
	spin_unlock(&e->wq->lock);
	file_put(e->file);
	return false;
}

/* Free all entries and chunks. */
static void
poll_table_free(struct poll_table *pt)
{
	for_each_entry(pt, entry_free);
	while (pt->chunks) {
		struct poll_chunk *c = pt->chunks;
		pt->chunks = c->next;
		kfree(c);
	}
}

/*
 * Sleep until an entry is woken, a signal arrives or the deadline (0:
 * none) passes.  Nothing is lost if a wake already happened: see above.
 */
static void
poll_sleep(struct poll_table *pt, uint64_t deadline)
{
	uint64_t now = time_ns();

	if (deadline && now >= deadline)
		return;
	sched_set_state(T_SLEEPING);
	if (for_each_entry(pt, entry_woken)) {
		sched_set_state(T_RUNNABLE);
		return;
	}
	sync_sched->block(deadline ? deadline - now : 0, true);
}

/* Scan, sleep, scan again, until something is ready, time is up, or a signal. */
int
poll_run(int (*scan)(void *arg, struct poll_table *pt), void *arg, int64_t timeout_ns,
	 int64_t *left_ns)
{
	struct poll_table *pt = kzalloc(sizeof(*pt));
	uint64_t deadline = timeout_ns > 0 ? time_ns() + (uint64_t)timeout_ns : 0;
	int n;

	if (!pt)
		return -ENOMEM;
	pt->collecting = timeout_ns != 0;
	for (;;) {
		n = scan(arg, pt);
		pt->collecting = false;
		if (n == 0 && pt->error)
			n = pt->error;
		if (n != 0 || timeout_ns == 0)
			break;
		if (current()->sig_pending) {
			n = -ERESTARTNOHAND;
			break;
		}
		if (deadline && time_ns() >= deadline)
			break;
		poll_sleep(pt, deadline);
		for_each_entry(pt, entry_rearm);
	}
	if (left_ns)
		*left_ns = !deadline ? timeout_ns : (int64_t)(deadline > time_ns() ?
							       deadline - time_ns() : 0);
	poll_table_free(pt);
	kfree(pt);
	return n;
}
