/* SPDX-License-Identifier: MIT */
/*
 * The Banker's algorithm (Dijkstra, 1965): deadlock avoidance by refusing
 * any allocation that could lead to deadlock.
 *
 * The life of a process, as the algorithm sees it:
 *
 *   claim    before asking for anything, declare the most of each
 *            resource it may ever hold at once (its maximum claim)
 *   request  ask for some units; they are granted only if they are free
 *            and the state after the grant is still safe, otherwise the
 *            process waits and asks again later
 *   assign   a granted request is assigned (allocated) at once
 *   release  give units back; at the end, everything (banker_finish)
 *
 * A state is safe when there is an order in which every process could get
 * its whole remaining claim (need = claim - allocation) and finish: the
 * first from what is free now, the next from that plus what the first gave
 * back, and so on (banker_safe() finds such an order).  Staying in safe
 * states guarantees somebody can always finish, so no deadlock.  An unsafe
 * state is not yet a deadlock, only a state from which the banker can no
 * longer promise to avoid one.
 *
 * This is a small host library for teaching and tests; Keel's kernel does
 * not use it (docs/deadlock.md says why).  Functions return 0 or a
 * negative errno, as the kernel's do.
 */
#pragma once

#include <stdbool.h>

#define BANKER_MAX_PROC 16
#define BANKER_MAX_RES  8

struct banker {
	int nproc, nres;
	int total[BANKER_MAX_RES];                  /* units of each resource */
	int avail[BANKER_MAX_RES];                  /* free now */
	int max[BANKER_MAX_PROC][BANKER_MAX_RES];   /* claims */
	int alloc[BANKER_MAX_PROC][BANKER_MAX_RES]; /* held */
};

/* => 0, -EINVAL for sizes out of range or a negative total. */
int banker_init(struct banker *b, int nproc, int nres, const int *total);
/*
 * Declare p's maximum claim.  => -EINVAL if it exceeds the totals or what
 * p already holds, or is negative.
 */
int banker_claim(struct banker *b, int p, const int *max);
/*
 * p asks for req.  => 0 granted (and assigned); -EINVAL if it exceeds p's
 * remaining claim; -EAGAIN if the units are not free now; -EDEADLK if
 * granting would leave an unsafe state.  A refused request changes nothing.
 */
int banker_request(struct banker *b, int p, const int *req);
/* => 0, -EINVAL if p does not hold that much. */
int banker_release(struct banker *b, int p, const int *rel);
/* p ends: it releases everything and its claim goes. */
int banker_finish(struct banker *b, int p);
/*
 * The safety algorithm.  order (if not NULL) gets a safe sequence of all
 * processes when there is one.  => true if the state is safe.
 */
bool banker_safe(const struct banker *b, int *order);
/* How much more of resource r process p may still ask for. */
int banker_need(const struct banker *b, int p, int r);
