// SPDX-License-Identifier: MIT
/*
 * membarrier(2): a memory barrier on other threads' behalf.
 *
 * Some concurrent algorithms (RCU in user space, asymmetric locks, garbage
 * collectors) put a compiler-only barrier on their hot path and make the
 * rare slow path pay for ordering: it calls membarrier(), and when that
 * returns, every other thread concerned has executed a full memory barrier
 * since the call began.  A thread that is not running gets its barrier
 * from the switch that will bring it back (a context switch orders memory);
 * a thread running on another CPU gets one from an IPI (smp_call_function)
 * whose handler executes MFENCE.  That is the whole mechanism.
 *
 *   QUERY                        the commands below, as a bit mask
 *   GLOBAL, GLOBAL_EXPEDITED     every CPU but this one is interrupted
 *   REGISTER_GLOBAL_EXPEDITED    accepted (every process is a target anyway)
 *   PRIVATE_EXPEDITED            the CPUs running this address space; the
 *                                process must have registered (else EPERM)
 *   REGISTER_PRIVATE_EXPEDITED   registers; a fork inherits it, exec clears it
 *
 * Linux's GLOBAL waits for an RCU grace period instead of interrupting;
 * the promise to the caller is the same.  SYNC_CORE and RSEQ commands are
 * not implemented (EINVAL, and QUERY leaves them out).
 */
#include "proc/proc.h"
#include "proc/syscalls.h"
#include "arch/arch.h"
#include "arch/smp.h"
#include "mm/tlb.h"
#include "mm/vm.h"
#include "uapi/errno.h"

enum {
	MB_QUERY = 0,
	MB_GLOBAL = 1 << 0,
	MB_GLOBAL_EXPEDITED = 1 << 1,
	MB_REGISTER_GLOBAL_EXPEDITED = 1 << 2,
	MB_PRIVATE_EXPEDITED = 1 << 3,
	MB_REGISTER_PRIVATE_EXPEDITED = 1 << 4,
};
#define MB_SUPPORTED (MB_GLOBAL | MB_GLOBAL_EXPEDITED | MB_REGISTER_GLOBAL_EXPEDITED | \
		      MB_PRIVATE_EXPEDITED | MB_REGISTER_PRIVATE_EXPEDITED)

static void
full_barrier(void *arg)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);   /* MFENCE */
}

long
sys_membarrier(int cmd, unsigned flags, int cpu_id)
{
	struct mm *mm = current_proc()->mm;

	if (flags)
		return -EINVAL;
	switch (cmd) {
	case MB_QUERY:
		return MB_SUPPORTED;
	case MB_REGISTER_GLOBAL_EXPEDITED:
		return 0;
	case MB_REGISTER_PRIVATE_EXPEDITED:
		__atomic_store_n(&mm->membarrier_private, true, __ATOMIC_RELEASE);
		return 0;
	case MB_PRIVATE_EXPEDITED:
		if (!__atomic_load_n(&mm->membarrier_private, __ATOMIC_ACQUIRE))
			return -EPERM;
		smp_call_function(tlb_cpus_using(mm), full_barrier, NULL);
		full_barrier(NULL);
		return 0;
	case MB_GLOBAL:
	case MB_GLOBAL_EXPEDITED:
		smp_call_function(tlb_cpus_using(NULL), full_barrier, NULL);
		full_barrier(NULL);
		return 0;
	default:
		return -EINVAL;
	}
}
