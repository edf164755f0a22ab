/* SPDX-License-Identifier: MIT */
/* Between mutex.c and pi.c: the PI bookkeeping of a contended mutex. */
#pragma once

#include "sync/mutex.h"

/* All => m->lock held; they take pi_lock. */
void pi_enqueue(struct mutex *m, struct mutex_waiter *w);
void pi_dequeue(struct mutex *m, struct mutex_waiter *w);
/* Take the first waiter off and make it the owner's successor.  => its thread */
void *pi_handoff(struct mutex *m);
/* The next contended mutex a dying thread still owns, or NULL. */
struct mutex *pi_first_held(struct sync_task *st);
