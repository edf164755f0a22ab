// SPDX-License-Identifier: MIT
/*
 * The call-function IPI: run a function on other CPUs and wait for it.
 *
 * One request at a time, under a mutex: the caller fills the request,
 * sets one pending bit per target, sends the IPI, and spins until every
 * target has run the function in its interrupt handler and cleared its
 * bit.  The caller spins with interrupts on and holds no spinlock (the
 * rule of the call), so a target that is itself spinning for a lock can
 * always be answered: it is never waiting for the caller.  A target that
 * is busy with interrupts off answers as soon as it turns them on.
 *
 * Users: membarrier(2)'s expedited commands (kernel/proc/membarrier.c)
 * and the ktest smp_call_function_runs_everywhere.
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
	irq_set_handler(VEC_IPI_CALL, call_ipi, NULL);
}

uint64_t
smp_call_function(uint64_t mask, void (*fn)(void *arg), void *arg)
{
	uint64_t online = smp_online_mask();

	mutex_lock(&call_lock);
	/* Our own CPU is left out: the caller runs fn itself if it needs to. */
	mask &= online & ~(1ull << this_cpu()->id);
	if (mask) {
		call.fn = fn;
		call.arg = arg;
		__atomic_store_n(&call.pending, mask, __ATOMIC_SEQ_CST);
		for (unsigned i = 0; i < ncpus; i++)
			if (mask & (1ull << i))
				smp_send_ipi(i, VEC_IPI_CALL);
		while (__atomic_load_n(&call.pending, __ATOMIC_ACQUIRE))
			arch_cpu_relax();
	}
	mutex_unlock(&call_lock);
	return mask;
}
