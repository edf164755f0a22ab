/* SPDX-License-Identifier: MIT */
/*
 * Spinlocks: ticket locks that disable interrupts while held.
 *
 * A ticket lock hands the lock out in arrival order (take a number, wait
 * until it is served), so a waiting CPU is never overtaken forever: bounded
 * waiting, which a plain xchg lock does not give.  Interrupts stay off while
 * a spinlock is held, because an interrupt handler that wanted the same lock
 * on the same CPU would spin forever.  irq_push_off()/irq_pop_off() nest, so
 * taking two locks and releasing them turns interrupts back on only at the
 * end, and only if they were on at the start.
 *
 * Debug builds record the holder, catch a CPU taking a lock it holds, and
 * feed every acquisition to the lock-order checker (sync/lockdep.h); a
 * lock may carry a rank from sync/rank.h.
 */
#pragma once

#include "lib/compiler.h"
#include "sync/annotate.h"
#include "sync/rank.h"

struct cpu;

struct CAPABILITY("spinlock") spinlock {
	volatile uint32_t next;     /* [a] next ticket to hand out */
	volatile uint32_t serving;  /* [a] ticket now allowed in */
	struct cpu *holder;         /* [l] debug: CPU inside, or NULL */
	const char *name;           /* [I] also the lock checker's class */
	uint16_t ld_cls;            /* [a] lock checker: class + 1, 0 until first use */
	uint8_t rank;               /* [I] enum lock_rank, 0 unranked */
};

#define SPINLOCK_INIT(n) { .next = 0, .serving = 0, .holder = NULL, .name = (n) }
#define SPINLOCK_INIT_RANK(n, r) { .next = 0, .serving = 0, .holder = NULL, .name = (n), .rank = (r) }

void spin_init(struct spinlock *l, const char *name);
void spin_init_rank(struct spinlock *l, const char *name, enum lock_rank rank);
void spin_lock(struct spinlock *l) ACQUIRE(l);
void spin_unlock(struct spinlock *l) RELEASE(l);
bool spin_trylock(struct spinlock *l) TRY_ACQUIRE(true, l);
/* True when this CPU holds l (debug aid for assertions). */
bool spin_holding(const struct spinlock *l);

/* Interrupt-disable nesting, per CPU. */
void irq_push_off(void);
void irq_pop_off(void);

/*
 * Break a lock that the current CPU holds and will never release: only for
 * panic(), which must print even if it interrupted printk.
 */
void spin_force_init(struct spinlock *l);
