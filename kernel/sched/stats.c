// SPDX-License-Identifier: MIT
/*
 * Scheduler counters for procfs and tests: a thread's state, priority,
 * CPU and times, and each CPU's user, system and idle ticks.  The tick
 * attributes each of its periods to the thread it interrupted (user or
 * system) or to idle; run_ns is measured exactly at every switch.  See the
 * table in sched.h for which file shows what.
 *
 * The load averages live here too: CPU 0's tick samples the number of
 * active threads every LOADAVG_PERIOD_S seconds (sched_count_active, in
 * thread.c, walks every thread) and loadavg.c does the arithmetic.  Only
 * that tick writes them; readers may see one average updated and the next
 * not yet, which is harmless for numbers that change this slowly.
 */
#include "sched/sched.h"
#include "sched/internal.h"
#include "sched/loadavg.h"
#include "lib/string.h"
#include "uapi/errno.h"

static char
state_char(const struct thread *t)
{
	switch (t->state) {
	case T_RUNNABLE: return 'R';
	case T_SLEEPING: return 'S';
	case T_BLOCKED:  return 'D';
	case T_STOPPED:  return 'T';
	default:         return 'Z';
	}
}

/* Linux's /proc "prio": 20 + nice for normal threads, -1 - rt_prio for real time. */
static int
linux_prio(const struct sched_entity *se)
{
	return se->policy == SCHED_POLICY_NORMAL ? 20 + se->nice : -1 - se->rt_prio;
}

void
sched_thread_info(struct thread *t, struct sched_thread_info *out)
{
	struct runqueue *rq = lock_thread_rq(t);

	out->tid = t->tid;
	strlcpy(out->name, t->name, sizeof(out->name));
	out->state = state_char(t);
	out->running = t->on_cpu;
	out->policy = t->base_policy;
	out->rt_prio = t->base_rt_prio;
	out->eff_rt_prio = t->se.rt_prio;
	out->nice = t->se.nice;
	out->level = t->se.level;
	out->linux_prio = linux_prio(&t->se);
	out->cpu = t->cpu;
	out->affinity = t->affinity;
	out->run_ns = t->run_ns;
	out->utime_ticks = t->utime_ticks;
	out->stime_ticks = t->stime_ticks;
	out->nr_switches = t->nr_switches;
	out->nr_migrations = t->nr_migrations;
	spin_unlock(&rq->lock);
}

int
sched_cpu_stat(unsigned cpu, struct sched_cpu_stat *out)
{
	struct runqueue *rq;

	if (cpu >= ncpus || cpu >= CPU_MAX)
		return -EINVAL;
	rq = &runqueues[cpu];
	spin_lock(&rq->lock);
	*out = rq->stat;
	out->nr_queued = schedq_nr_queued(&rq->sq);
	spin_unlock(&rq->lock);
	return 0;
}

static struct loadavg loadavg;   /* written only by CPU 0's tick */
static uint64_t next_sample_ns;  /* [CPU 0's tick] */

/*
 * By the clock, not by counting ticks: a virtual CPU starved by a busy
 * host misses ticks (they coalesce), and a count of them would stretch
 * the period.  A late sample is simply taken late; none is made up.
 */
void
sched_loadavg_tick(uint64_t now)
{
	unsigned running, blocked;
	struct loadavg la = loadavg;

	if (now < next_sample_ns)
		return;
	next_sample_ns = now + LOADAVG_PERIOD_S * 1000000000ull;
	if (now < LOADAVG_PERIOD_S * 1000000000ull)
		return;                  /* the first period starts at boot */

	sched_count_active(&running, &blocked);
	loadavg_sample(&la, running + blocked);
	for (int i = 0; i < 3; i++)
		WRITE_ONCE(loadavg.avg[i], la.avg[i]);
}

void
sched_loadavg(unsigned long avg[3])
{
	for (int i = 0; i < 3; i++)
		avg[i] = READ_ONCE(loadavg.avg[i]);
}
