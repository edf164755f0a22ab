/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the user-level thread tests (t_uthread*.c): run a
 * uthread program and fail the test if the library reports an error, and a
 * producer/consumer run used in both N:1 and M:N mode.
 */
#pragma once

#include "uthread/uthread.h"

/* uthread_main with these settings; FAILs unless it returns 0. */
void ut_uthread_run(int workers, unsigned preempt_us, void *(*fn)(void *), void *arg, void **res);
uthread_t ut_uthread_spawn(void *(*fn)(void *), void *arg);	/* FAILs on error */
void *ut_uthread_join(uthread_t t);				/* FAILs on error */

/* Producers and consumers through a bounded buffer guarded by a uthread
 * mutex and two condition variables; FAILs unless every item is consumed
 * exactly once. */
void ut_pc_run(int workers, unsigned preempt_us);
