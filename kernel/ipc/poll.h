/* SPDX-License-Identifier: MIT */
/*
 * Waiting for any of several files: the engine under poll, ppoll, select
 * and pselect6.
 *
 * A file's .poll operation does two things: it reports which POLL* events
 * are ready now, and it calls poll_wait() on each wait queue an event
 * would be announced on.  poll_run() scans a set of files with a
 * poll_table that collects those queues the first time round; if nothing
 * is ready it sleeps until one of them is woken (or a signal arrives, or
 * the time runs out), and scans again.  A driver therefore needs nothing
 * special: wake its queues with waitq_wake_all() whenever readiness may
 * have changed.  (Use wake_all, not wake_one: a poller queued first would
 * otherwise swallow the one wake-up meant for a reader.)
 */
#pragma once

#include "lib/compiler.h"
#include "sync/waitqueue.h"

struct file;
struct poll_table;

/* Register the poller on wq (no-op when pt is NULL or done collecting).  f is the file polled. */
void poll_wait(struct file *f, struct waitq *wq, struct poll_table *pt);

/*
 * scan(arg, pt) polls every file of the set and returns how many are
 * ready, or -errno.  timeout_ns: 0 = just look, < 0 = no limit.
 * => scan's count, 0 on timeout, -ERESTARTNOHAND when a signal came first,
 * or scan's error.  *left_ns (may be NULL) gets the time not used.
 */
int poll_run(int (*scan)(void *arg, struct poll_table *pt), void *arg, int64_t timeout_ns,
	     int64_t *left_ns);
