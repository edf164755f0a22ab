/* SPDX-License-Identifier: MIT */
/*
 * Kernel timers: run a function when a deadline (in nanoseconds since boot)
 * has passed.  They are checked on every tick, so their resolution is one
 * tick (1/sched_hz seconds).  Callbacks run in interrupt context: they must
 * not sleep.
 */
#pragma once

#include "lib/compiler.h"
#include "lib/list.h"

struct ktimer {
	struct list_node node;      /* [timer_lock] sorted by deadline */
	uint64_t deadline_ns;       /* [timer_lock] */
	void (*fn)(void *arg);      /* [I] */
	void *arg;                  /* [I] */
	bool armed;                 /* [timer_lock] */
	bool running;               /* [timer_lock] callback in progress */
};

void ktimer_init(struct ktimer *t, void (*fn)(void *), void *arg);
void ktimer_arm(struct ktimer *t, uint64_t deadline_ns);
/* Returns true if the timer was armed (and now will not fire). */
bool ktimer_cancel(struct ktimer *t);
/* Run the expired timers (from the tick). */
void ktimer_run_expired(uint64_t now_ns);
/* Monotonic nanoseconds since boot. */
uint64_t time_ns(void);
/* Wall-clock time (nanoseconds since 1970), and setting it. */
uint64_t time_realtime_ns(void);
void time_set_realtime_ns(uint64_t ns);
