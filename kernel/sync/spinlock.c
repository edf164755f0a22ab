// SPDX-License-Identifier: MIT
/* Ticket spinlocks and interrupt-disable nesting.  See spinlock.h. */
#include "sync/spinlock.h"
#include "arch/arch.h"
#include "core/panic.h"
#include "sync/lockdep.h"

void
spin_init(struct spinlock *l, const char *name)
{
	l->next = 0;
	l->serving = 0;
	l->holder = NULL;
	l->name = name;
	l->ld_cls = 0;
	l->rank = LOCK_RANK_NONE;
}

void
spin_init_rank(struct spinlock *l, const char *name, enum lock_rank rank)
{
	spin_init(l, name);
	l->rank = (uint8_t)rank;
}

/*
 * irq_push_off/irq_pop_off are like cli/sti except that they nest: it takes
 * as many pops as pushes to undo them, and interrupts come back on only if
 * they were on before the first push.
 */
void
irq_push_off(void)
{
	unsigned long flags = arch_irq_save();
	struct cpu *c = this_cpu();

	if (c->noff == 0)
		c->intena = flags & RFLAGS_IF;
	c->noff++;
}

void
irq_pop_off(void)
{
	struct cpu *c = this_cpu();

	if (arch_irqs_enabled())
		panic("irq_pop_off: interrupts enabled");
	if (c->noff < 1)
		panic("irq_pop_off: unbalanced");
	c->noff--;
	if (c->noff == 0 && c->intena)
		arch_irq_enable();
}

bool
spin_holding(const struct spinlock *l)
{
	return l->holder == this_cpu() && l->serving != l->next;
}

void
spin_lock(struct spinlock *l) NO_THREAD_SAFETY_ANALYSIS
{
	uint32_t ticket;

	irq_push_off();
#ifdef KEEL_DEBUG
	if (spin_holding(l))
		panic("spin_lock: recursion on %s", l->name ? l->name : "?");
#endif
	lockdep_spin_acquire(l, false);
	ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
	while (__atomic_load_n(&l->serving, __ATOMIC_ACQUIRE) != ticket)
		arch_cpu_relax();
	l->holder = this_cpu();
}

bool
spin_trylock(struct spinlock *l) NO_THREAD_SAFETY_ANALYSIS
{
	uint32_t serving;

	irq_push_off();
	serving = __atomic_load_n(&l->serving, __ATOMIC_RELAXED);
	/* Take a ticket only if it would be served at once. */
	if (__atomic_compare_exchange_n(&l->next, &serving, serving + 1, false,
					__ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		l->holder = this_cpu();
		lockdep_spin_acquire(l, true);
		return true;
	}
	irq_pop_off();
	return false;
}

void
spin_unlock(struct spinlock *l) NO_THREAD_SAFETY_ANALYSIS
{
#ifdef KEEL_DEBUG
	if (!spin_holding(l))
		panic("spin_unlock: %s not held", l->name ? l->name : "?");
#endif
	lockdep_spin_release(l);
	l->holder = NULL;
	__atomic_store_n(&l->serving, l->serving + 1, __ATOMIC_RELEASE);
	irq_pop_off();
}

void
spin_force_init(struct spinlock *l)
{
	uint8_t rank = l->rank;

	spin_init(l, l->name);
	l->rank = rank;
}
