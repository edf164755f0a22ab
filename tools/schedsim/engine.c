// SPDX-License-Identifier: MIT
/*
 * The event loop of schedsim: one CPU, jobs arriving, computing, sleeping
 * on I/O and on locks, and a policy choosing who runs.
 *
 * Each turn of the loop finds the earliest future event (an arrival, the
 * end of an I/O, the end of the running job's computation, the next tick
 * while something runs), moves the clock there, charging the running job,
 * and handles what happens at that instant in a fixed order: the running
 * job's step, I/O completions, arrivals, the tick, then preemption and
 * dispatch.  Zero-time operations (taking and releasing locks, finishing)
 * happen while the job is on the CPU, as they would in a real program.
 *
 * Locks hand over directly to the best waiter on release, as Keel's mutex
 * does.  With inheritance on, a job that blocks on a lock lends its
 * priority to the holder until the holder releases it (one level deep: a
 * holder that itself waits for another lock does not pass it on; each job
 * here holds at most one lock at a time).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim.h"

static void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p) {
		perror("schedsim");
		exit(2);
	}
	return p;
}

struct job *
sim_job_of(struct sched_entity *se)
{
	return container_of(se, struct job, se);
}

void
sim_init(struct sim *s, const struct trace *tr, const struct sim_policy *pol)
{
	memset(s, 0, sizeof(*s));
	s->tr = tr;
	s->pol = pol;
	s->jobs = xcalloc(tr->njobs, sizeof(struct job));
	s->io_heap = xcalloc(tr->njobs, sizeof(struct job *));
	list_init(&s->ready);
	for (int k = 0; k < SIM_MAX_LOCKS; k++)
		list_init(&s->locks[k].waiters);
	for (int i = 0; i < tr->njobs; i++) {
		struct job *j = &s->jobs[i];

		j->spec = &tr->jobs[i];
		j->idx = i;
		j->state = J_FUTURE;
		j->eff_prio = j->spec->prio;
		j->woke_at = SIM_NONE;
		list_init(&j->node);
		sched_entity_init(&j->se);
	}
	sim_keel_params(&s->params, false, true);
	pol->init(s);
}

void
sim_record_gantt(struct sim *s)
{
	s->segcap = 64;
	s->segs = xcalloc(s->segcap, sizeof(struct seg));
}

void
sim_free(struct sim *s)
{
	free(s->jobs);
	free(s->io_heap);
	free(s->segs);
}

/* ---------------------------------------------------------------- I/O heap */

static bool
heap_less(struct sim *s, int a, int b)
{
	return s->io_heap[a]->wake_at < s->io_heap[b]->wake_at;
}

static void
heap_swap(struct sim *s, int a, int b)
{
	struct job *t = s->io_heap[a];

	s->io_heap[a] = s->io_heap[b];
	s->io_heap[b] = t;
}

static void
heap_push(struct sim *s, struct job *j)
{
	int i = s->nio++;

	s->io_heap[i] = j;
	for (; i > 0 && heap_less(s, i, (i - 1) / 2); i = (i - 1) / 2)
		heap_swap(s, i, (i - 1) / 2);
}

static struct job *
heap_pop(struct sim *s)
{
	struct job *top = s->io_heap[0];
	int i = 0;

	s->io_heap[0] = s->io_heap[--s->nio];
	for (;;) {
		int l = 2 * i + 1, r = l + 1, m = i;

		if (l < s->nio && heap_less(s, l, m))
			m = l;
		if (r < s->nio && heap_less(s, r, m))
			m = r;
		if (m == i)
			return top;
		heap_swap(s, i, m);
		i = m;
	}
}

/* ---------------------------------------------------------------- time */

static void
seg_add(struct sim *s, int job, uint64_t start, uint64_t end)
{
	struct seg *last = s->nsegs ? &s->segs[s->nsegs - 1] : NULL;

	if (last && last->job == job && last->end == start) {
		last->end = end;
		return;
	}
	if (s->nsegs == s->segcap) {
		s->segcap *= 2;
		s->segs = realloc(s->segs, s->segcap * sizeof(struct seg));
		if (!s->segs) {
			perror("schedsim");
			exit(2);
		}
	}
	s->segs[s->nsegs++] = (struct seg){ job, start, end };
}

/* Move the clock to t, charging the running job. */
static void
advance(struct sim *s, uint64_t t)
{
	uint64_t dt = t - s->now;

	if (!dt)
		return;
	if (s->segs)
		seg_add(s, s->curr ? s->curr->idx : -1, s->now, t);
	s->area += dt * (uint64_t)s->in_system;
	if (s->curr) {
		s->curr->left -= dt;
		s->curr->cpu += dt;
		s->busy += dt;
	}
	s->now = t;
}

static uint64_t
next_event(const struct sim *s)
{
	uint64_t t = SIM_NONE;

	if (s->next_arrival < s->tr->njobs)
		t = s->tr->jobs[s->next_arrival].arrival;
	if (s->nio && s->io_heap[0]->wake_at < t)
		t = s->io_heap[0]->wake_at;
	if (s->curr) {
		t = MIN(t, s->now + s->curr->left);
		if (s->pol->tick)
			t = MIN(t, (s->now / SIM_TICK + 1) * SIM_TICK);
	}
	return t;
}

/* ---------------------------------------------------------------- jobs */

/* Load the job's current operation. */
static void
load_op(struct job *j)
{
	j->left = j->pc < j->spec->nops ? j->spec->ops[j->pc].t : 0;
}

static void
next_op(struct job *j)
{
	j->pc++;
	load_op(j);
}

static void
make_ready(struct sim *s, struct job *j, bool is_new)
{
	j->state = J_READY;
	j->ready_since = s->now;
	j->woke_at = s->now;
	s->pol->ready(s, j, is_new);
}

/* The running job leaves the CPU. */
static void
stop_running(struct sim *s, enum sim_stop why)
{
	struct job *j = s->curr;

	if (why == STOP_PREEMPT) {
		j->state = J_READY;
		j->ready_since = s->now;
	}
	s->pol->stop(s, j, why);
	s->curr = NULL;
}

static void
lend_prio(struct sim *s, struct job *j, int prio)
{
	j->eff_prio = prio;
	if (s->pol->set_prio)
		s->pol->set_prio(s, j, prio);
}

/* => true if j (running) got lock k; otherwise it now sleeps on it. */
static bool
lock_take(struct sim *s, struct job *j, int k)
{
	struct sim_lock *l = &s->locks[k];

	if (!l->holder) {
		l->holder = j;
		return true;
	}
	stop_running(s, STOP_SLEEP);
	j->state = J_LOCKWAIT;
	j->blocked_since = s->now;
	list_push_back(&l->waiters, &j->node);
	if (s->inherit && l->holder->eff_prio < j->eff_prio)
		lend_prio(s, l->holder, j->eff_prio);
	return false;
}

static void
lock_release(struct sim *s, struct job *j, int k)
{
	struct sim_lock *l = &s->locks[k];
	struct job *best = NULL;

	l->holder = NULL;
	if (j->eff_prio != j->spec->prio)
		lend_prio(s, j, j->spec->prio);
	list_for_each(n, &l->waiters) {
		struct job *w = list_entry(n, struct job, node);

		if (!best || w->eff_prio > best->eff_prio)
			best = w;
	}
	if (!best)
		return;
	list_remove(&best->node);
	l->holder = best;
	best->lock_wait += s->now - best->blocked_since;
	next_op(best);
	make_ready(s, best, false);
}

static void
finish(struct sim *s, struct job *j)
{
	stop_running(s, STOP_SLEEP);
	j->state = J_DONE;
	j->finish = s->now;
	s->in_system--;
	s->ndone++;
}

/*
 * The running job carries on through its script until it has computing to
 * do, or sleeps, or ends.
 */
static void
step(struct sim *s)
{
	struct job *j = s->curr;

	for (;;) {
		const struct op *op;

		if (j->pc >= j->spec->nops) {
			finish(s, j);
			return;
		}
		op = &j->spec->ops[j->pc];
		switch (op->kind) {
		case OP_CPU:
			if (j->left)
				return;
			break;
		case OP_IO:
			stop_running(s, STOP_SLEEP);
			j->state = J_IO;
			j->wake_at = s->now + j->left;
			heap_push(s, j);
			return;
		case OP_LOCK:
			if (!lock_take(s, j, op->lock))
				return;
			break;
		case OP_UNLOCK:
			lock_release(s, j, op->lock);
			break;
		}
		next_op(j);
	}
}

static void
note_dispatch(struct sim *s, struct job *j)
{
	uint64_t waited = s->now - j->ready_since;

	j->wait += waited;
	j->max_gap = MAX(j->max_gap, waited);
	if (!j->started) {
		j->started = true;
		j->first_run = s->now;
	}
	if (j->woke_at != SIM_NONE) {
		j->wake_lat_sum += waited;
		j->wake_lat_max = MAX(j->wake_lat_max, waited);
		j->nwakes++;
		j->woke_at = SIM_NONE;
	}
	j->level_sum += j->se.level;
	j->ndispatch++;
	j->slice_start = s->now;
	s->nswitch++;
}

static void
dispatch(struct sim *s)
{
	while (!s->curr) {
		struct job *j = s->pol->pick(s);

		if (!j)
			return;
		j->state = J_RUNNING;
		note_dispatch(s, j);
		s->curr = j;
		/* Its first operation may block or end it: then pick again. */
		step(s);
	}
}

static void
arrive(struct sim *s, struct job *j)
{
	s->next_arrival++;
	s->in_system++;
	j->pc = 0;
	load_op(j);
	make_ready(s, j, true);
}

void
sim_run(struct sim *s)
{
	while (s->ndone < s->tr->njobs) {
		uint64_t t = next_event(s);
		bool resched = false;

		if (t == SIM_NONE) {
			s->stuck = true;     /* everyone left waits for a lock */
			return;
		}
		advance(s, t);
		if (s->curr && !s->curr->left)
			step(s);
		while (s->nio && s->io_heap[0]->wake_at == s->now) {
			struct job *j = heap_pop(s);

			next_op(j);
			make_ready(s, j, false);
		}
		while (s->next_arrival < s->tr->njobs &&
		       s->tr->jobs[s->next_arrival].arrival == s->now)
			arrive(s, &s->jobs[s->next_arrival]);
		if (s->curr && s->pol->tick && s->now % SIM_TICK == 0 && s->now != s->last_tick) {
			s->last_tick = s->now;
			resched = s->pol->tick(s);
		}
		if (s->curr && (resched || s->pol->preempts(s)))
			stop_running(s, STOP_PREEMPT);
		dispatch(s);
	}
}
