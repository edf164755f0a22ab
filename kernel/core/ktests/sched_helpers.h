/* SPDX-License-Identifier: MIT */
/* Small helpers shared by the scheduling and synchronization ktests. */
#pragma once

#include "sched/sched.h"
#include "arch/x86_64/clock.h"

/* A thread with its policy and CPUs set before it first runs. */
static inline struct thread *
kt_spawn(void (*fn)(void *), void *arg, const char *name, int policy, int prio, uint64_t mask)
{
	struct thread *t = thread_prepare(fn, arg, name, false);

	if (!t)
		return NULL;
	if (sched_setscheduler(t, policy, prio) || sched_set_affinity(t, mask)) {
		thread_discard(t);
		return NULL;
	}
	thread_start_running(t);
	return t;
}

/* The calling thread back to a normal policy on every CPU. */
static inline void
kt_restore_self(void)
{
	sched_setscheduler(current(), SCHED_POLICY_NORMAL, 0);
	sched_set_affinity(current(), ~0ull);
}

/* CPU time the running thread has used, up to now. */
static inline uint64_t
kt_cpu_time_ns(void)
{
	unsigned long f = arch_irq_save();
	struct thread *t = current();
	uint64_t ns = t->run_ns + (clock_ns() - t->last_start_ns);

	arch_irq_restore(f);
	return ns;
}

/* Compute (never sleeping) until the running thread has used ns of CPU. */
static inline void
kt_burn_cpu(uint64_t ns)
{
	uint64_t end = kt_cpu_time_ns() + ns;

	while (kt_cpu_time_ns() < end)
		__asm__ __volatile__("" ::: "memory");
}

/* The CPU the scenario tests put their threads on: the last one. */
static inline unsigned
kt_test_cpu(void)
{
	return ncpus - 1;
}

/* An event log: each event gets the next sequence number. */
static inline int
kt_event(volatile int *seq)
{
	return __atomic_add_fetch(seq, 1, __ATOMIC_SEQ_CST);
}
