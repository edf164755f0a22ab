// SPDX-License-Identifier: MIT
/*
 * The call-function IPI: run a function on a set of CPUs and wait for it.
 *
 * One request at a time, under a mutex: the caller runs the function
 * itself if its own CPU is in the set, then fills the request,
 * sets one pending bit per target, sends the IPI, and spins until every
 * target has run the function in its interrupt handler and cleared its
 * bit.  The caller spins with interrupts on and holds no spinlock (the
 * rule of the call), so a target that is itself spinning for a lock can
 * always be answered: it is never waiting for the caller.  A target that
 * is busy with interrupts off answers as soon as it turns them on.
 *
 * Users: TLB shootdown (kernel/mm/tlb.c), membarrier(2)'s expedited
 * commands (kernel/proc/membarrier.c) and the ktest
 * smp_call_function_runs_everywhere.
 */
#include "arch/arch.h"
#include "arch/smp.h"
#include "arch/x86_64/trap.h"
#include "sync/mutex.h"

static struct mutex call_lock = MUTEX_INIT(call_lock);  /* one request at a time; a leaf */
static struct {
	void (*fn)(void *arg);
	void *arg;
	volatile uint64_t pending;    /* [a] CPUs yet to run fn */
} call;                               /* [call_lock] except pending */

static void
call_ipi(struct trap_frame *tf, void *data)
{
	call.fn(call.arg);
	__atomic_and_fetch(&call.pending, ~(1ull << this_cpu()->id), __ATOMIC_SEQ_CST);
}

void
smp_call_init(void)
{
	irq_set_handler(VEC_IPI_CALL, "ipi-call", call_ipi, NULL);
}

uint64_t
smp_call_function(uint64_t mask, void (*fn)(void *arg), void *arg)
{
	uint64_t others;
	unsigned long flags;

	mutex_lock(&call_lock);
	mask &= smp_online_mask();
	/*
	 * Our own CPU runs fn here, with interrupts off as a handler would;
	 * the rest are asked.  Doing both without a chance to migrate in
	 * between means every CPU in the mask is covered even if the caller
	 * moves while it waits.
	 */
	flags = arch_irq_save();
	others = mask & ~(1ull << this_cpu()->id);
	if (mask != others)
		fn(arg);
	arch_irq_restore(flags);
	if (others) {
		call.fn = fn;
		call.arg = arg;
		__atomic_store_n(&call.pending, others, __ATOMIC_SEQ_CST);
		for (unsigned i = 0; i < ncpus; i++)
			if (others & (1ull << i))
				smp_send_ipi(i, VEC_IPI_CALL);
		while (__atomic_load_n(&call.pending, __ATOMIC_ACQUIRE))
			arch_cpu_relax();
	}
	mutex_unlock(&call_lock);
	return mask;
}
