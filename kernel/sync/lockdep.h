/* SPDX-License-Identifier: MIT */
/*
 * The lock-order checker ("lockdep-lite"), in debug builds.
 *
 * Every lock belongs to a class: its name (the one given at init, so all
 * run-queue locks are one class, all "waitq" locks another) and its kind,
 * spinning or sleeping.  The checker keeps, per CPU, the spinlocks held
 * and, per thread, the sleeping locks held; when a lock of class B is
 * taken while one of class A is held it records the edge A -> B, with the
 * return addresses of the acquisition that first showed it.  If B already
 * reaches A through recorded edges, taking B now closes a cycle: two CPUs
 * doing the two orders at once could deadlock, even if this run never did.
 * The report names both classes, prints where each edge of the opposing
 * path was first seen and the backtrace of this acquisition, and counts
 * one report; the ktest runner fails any test that leaves a report behind
 * (a test that provokes one on purpose takes it with
 * lockdep_take_reports()).  Each cycle is reported once.
 *
 * Ranked locks (sync/rank.h) are also checked against the rank order on
 * every acquisition.  Locks of one class may nest without a report (the
 * checker cannot tell two run queues apart), so their order is the
 * caller's to keep (address order).
 *
 * Without KEEL_DEBUG every call compiles to nothing.
 */
#pragma once

#include "lib/compiler.h"

struct spinlock;

#define LOCKDEP_HELD_MAX 16

/* Locks a thread holds (sleeping) or a CPU holds (spinning), innermost last. */
struct lockdep_held {
	unsigned n;
	uint16_t cls[LOCKDEP_HELD_MAX];
};

/* What a sleeping lock carries for the checker. */
struct lockdep_map {
	const char *name;
	uint16_t cls;                /* class + 1, 0 until first use */
};

#ifdef KEEL_DEBUG
void lockdep_spin_acquire(struct spinlock *l, bool try);
void lockdep_spin_release(struct spinlock *l);
void lockdep_sleep_acquire(struct lockdep_map *m);
void lockdep_sleep_release(struct lockdep_map *m);
/* Reports since the last call; resets the count. */
unsigned lockdep_take_reports(void);
#define LOCKDEP_ENABLED 1
#else
static inline void lockdep_spin_acquire(struct spinlock *l, bool try) {}
static inline void lockdep_spin_release(struct spinlock *l) {}
static inline void lockdep_sleep_acquire(struct lockdep_map *m) {}
static inline void lockdep_sleep_release(struct lockdep_map *m) {}
static inline unsigned lockdep_take_reports(void) { return 0; }
#define LOCKDEP_ENABLED 0
#endif
