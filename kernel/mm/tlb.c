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
 * Shootdowns are serialized by a mutex, never a spinlock: the sender waits
 * with interrupts enabled, so two CPUs shooting at each other both still
 * answer.
 */
#include "mm/tlb.h"
#include "arch/arch.h"
#include "arch/smp.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/trap.h"
#include "sync/mutex.h"

#define FULL_FLUSH_PAGES 32

static struct mutex shootdown_lock = MUTEX_INIT(shootdown_lock);  /* one at a time */
static struct {
	const void *mm;               /* NULL: kernel range, flush everywhere */
	uint64_t start, end;
	volatile uint64_t pending;    /* [a] CPUs yet to answer */
} req;
static uint64_t shootdowns;

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
tlb_ipi(struct trap_frame *tf, void *data)
{
	flush_local(req.mm, req.start, req.end);
	__atomic_and_fetch(&req.pending, ~(1ull << this_cpu()->id), __ATOMIC_SEQ_CST);
}

void
tlb_init(void)
{
	irq_set_handler(VEC_IPI_TLB, tlb_ipi, NULL);
}

static uint64_t
targets(const void *mm)
{
	uint64_t mask = 0, online = smp_online_mask();
	unsigned self = this_cpu()->id;

	for (unsigned i = 0; i < ncpus; i++)
		if (i != self && (online & (1ull << i)) &&
		    (!mm || READ_ONCE(cpus[i].active_mm) == mm))
			mask |= 1ull << i;
	return mask;
}

void
tlb_flush_range(const void *mm, uint64_t start, uint64_t end)
{
	uint64_t mask;

	start = ALIGN_DOWN(start, PAGE_SIZE);
	end = ALIGN_UP(end, PAGE_SIZE);
	flush_local(mm, start, end);
	if (ncpus == 1 || !(mask = targets(mm)))
		return;
	mutex_lock(&shootdown_lock);
	req.mm = mm;
	req.start = start;
	req.end = end;
	__atomic_store_n(&req.pending, mask, __ATOMIC_SEQ_CST);
	for (unsigned i = 0; i < ncpus; i++)
		if (mask & (1ull << i))
			smp_send_ipi(i, VEC_IPI_TLB);
	while (__atomic_load_n(&req.pending, __ATOMIC_ACQUIRE))
		arch_cpu_relax();
	shootdowns++;
	mutex_unlock(&shootdown_lock);
}

uint64_t
tlb_shootdown_count(void)
{
	return shootdowns;
}
