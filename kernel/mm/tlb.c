// SPDX-License-Identifier: MIT
/*
 * TLB shootdown.
 *
 * Each CPU caches translations in its TLB.  After a PTE loses a permission
 * or changes frame, every CPU that may hold the old translation must drop
 * it, or it keeps using the old page: the CPU that made the change runs
 * INVLPG, and the others are sent an IPI asking them to do the same, and
 * the changer waits until all have.  Only CPUs that have the address space
 * loaded (cpu->active_mm) can hold its translations; kernel mappings may
 * be cached everywhere.  Gaining a permission needs no shootdown: a stale,
 * weaker entry only causes a spurious fault, which the fault path retries.
 *
 * The IPI is the call-function IPI (smp_call_function, arch/x86_64/
 * smp_call.c): the flush runs in each target's interrupt handler and the
 * sender waits for all.  Calls are serialized by a mutex, never a
 * spinlock: the sender waits with interrupts enabled, so two CPUs shooting
 * at each other both still answer.
 */
#include "mm/tlb.h"
#include "mm/vm.h"
#include "arch/x86_64/pcid.h"
#include "arch/arch.h"
#include "arch/smp.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/trap.h"
#include "sync/mutex.h"

#define FULL_FLUSH_PAGES 32

struct flush_req {
	const void *mm;               /* NULL: kernel range, flush everywhere */
	uint64_t start, end;
};
static uint64_t shootdowns;           /* [a] */

static void
flush_local(const void *mm, uint64_t start, uint64_t end)
{
	if (mm && this_cpu()->active_mm != mm)
		return;
	if ((end - start) / PAGE_SIZE > FULL_FLUSH_PAGES && mm) {
		paging_flush_all();
		return;
	}
	for (uint64_t va = start; va < end; va += PAGE_SIZE)
		paging_flush_page(va);
}

static void
flush_on_this_cpu(void *arg)
{
	const struct flush_req *req = arg;

	flush_local(req->mm, req->start, req->end);
}

uint64_t
tlb_cpus_using(const struct mm *mm)
{
	uint64_t mask = 0, online = smp_online_mask();

	for (unsigned i = 0; i < ncpus; i++)
		if ((online & (1ull << i)) && (!mm || READ_ONCE(cpus[i].active_mm) == mm))
			mask |= 1ull << i;
	return mask;
}

void
tlb_flush_range(struct mm *mm, uint64_t start, uint64_t end)
{
	uint64_t mask;

	start = ALIGN_DOWN(start, PAGE_SIZE);
	end = ALIGN_UP(end, PAGE_SIZE);
	if (mm)
		tlb_ctx_bump(&mm->tlb);   /* CPUs with mm cached but not loaded (pcid.c) */
	flush_local(mm, start, end);
	if (ncpus == 1 || !(mask = tlb_cpus_using(mm) & ~(1ull << this_cpu()->id)))
		return;
	struct flush_req req = { mm, start, end };
	smp_call_function(mask, flush_on_this_cpu, &req);
	__atomic_add_fetch(&shootdowns, 1, __ATOMIC_RELAXED);
}

uint64_t
tlb_shootdown_count(void)
{
	return shootdowns;
}
