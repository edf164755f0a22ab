/* SPDX-License-Identifier: MIT */
/*
 * The two scheduling classes behind policy.c's front: the multi-level
 * feedback queue (mlfq.c) and real time (rt.c).  Each keeps its own lists
 * in the schedq and answers the same questions: queue, unqueue, pick the
 * best, charge running time (=> true when the task's turn is over), and how
 * good is the best queued task.  Only policy.c and the unit tests use this.
 */
#pragma once

#include "sched/policy.h"

void mlfq_init(struct schedq *q);
void mlfq_enqueue(struct schedq *q, struct sched_entity *se, bool head);
void mlfq_dequeue(struct schedq *q, struct sched_entity *se);
struct sched_entity *mlfq_pick(struct schedq *q);
/* The best queued task other than skip; skip itself if it is alone. */
struct sched_entity *mlfq_pick_skip(struct schedq *q, const struct sched_entity *skip);
bool mlfq_charge(struct schedq *q, struct sched_entity *se, uint64_t delta);
/* Level of the best queued normal task, or -1. */
int mlfq_best_level(const struct schedq *q);
/* Put se at its home level with a fresh allotment (se not queued). */
void mlfq_go_home(struct sched_entity *se, uint64_t now);
/* Move every queued normal task, and the running one, home. */
void mlfq_boost(struct schedq *q, uint64_t now);

void rt_init(struct schedq *q);
void rt_enqueue(struct schedq *q, struct sched_entity *se, bool head);
void rt_dequeue(struct schedq *q, struct sched_entity *se);
struct sched_entity *rt_pick(struct schedq *q);
bool rt_charge(struct schedq *q, struct sched_entity *se, uint64_t delta);
/* Priority of the best queued real-time task, or 0. */
int rt_best_prio(const struct schedq *q);
