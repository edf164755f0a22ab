/* SPDX-License-Identifier: MIT */
/* Scheduler internals shared by sched.c and thread.c. */
#pragma once

#include "sched/sched.h"

struct runqueue {
	struct spinlock lock;        /* protects everything here; see sched.c */
	struct list_node queue;      /* RUNNABLE threads waiting for this CPU */
	unsigned nr_queued;
	struct thread *idle;         /* [I] */
	struct thread *last;         /* thread that ran before the current one */
	struct list_node dead;       /* DEAD threads switched out, to announce */
};

void context_switch(uint64_t *save_sp, uint64_t load_sp);
void rq_enqueue_locked(struct runqueue *rq, struct thread *t);
void sched_finish_switch(void);
struct thread *thread_adopt_boot_context(unsigned cpu, void *stack);
void sched_start_new(struct thread *t);
void sched_post_switch(void);
void thread_announce_death(struct thread *t);
