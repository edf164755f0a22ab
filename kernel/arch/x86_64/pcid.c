// SPDX-License-Identifier: MIT
/*
 * Process-context identifiers: keeping TLB entries across %cr3 loads.
 *
 * Without PCIDs, every load of %cr3 throws away the TLB's non-global
 * entries, so each switch between processes starts with a cold TLB.  With
 * CR4.PCIDE set, the low 12 bits of %cr3 name the address space (the PCID)
 * and each TLB entry is tagged with the PCID it was made under; setting
 * bit 63 in the value loaded asks the CPU to keep the entries of the PCID
 * being loaded instead of flushing them.
 *
 * There are 4095 PCIDs and no limit on processes, so PCIDs are a per-CPU
 * cache, not a per-process name (the scheme Linux uses):
 *
 *   - each CPU has PCID_SLOTS slots, PCIDs 1..PCID_SLOTS; slot s remembers
 *     which address space (tlb_ctx.id, never reused) last used PCID s+1
 *     here, and that space's shootdown count (tlb_ctx.gen) at that time;
 *   - loading a space whose id is in a slot, with an unchanged count,
 *     keeps the entries (bit 63 set): nothing happened to them meanwhile;
 *   - if the count moved, a shootdown ran while this CPU had the space
 *     cached but not loaded, so it was not asked to flush (shootdowns go
 *     only to CPUs with the space loaded: mm/tlb.c); the load flushes;
 *   - a space in no slot takes a slot round-robin, and its load flushes
 *     whatever the previous owner left under that PCID;
 *   - the kernel's own tables use PCID 0 and are always loaded flushing
 *     (this is rare: kernel threads borrow the last user space, vm.c).
 *
 * The race to get right is a load against a shootdown on another CPU.
 * The loader publishes cpu->active_mm, then (after a full fence) reads the
 * count; the shooter bumps the count (a full barrier), then reads the
 * active_mm of every CPU.  Either the shooter sees this CPU and sends it
 * the flush, or this CPU sees the new count and flushes on load.
 *
 * Kernel mappings are global (PTE_G): they are in every PCID at once and
 * INVLPG removes them from all, so a kernel-range shootdown needs no PCID
 * work.  INVPCID is not needed: a PCID other than the loaded one is never
 * flushed eagerly, only on its next load.
 */
#include "arch/x86_64/pcid.h"
#include "arch/arch.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/paging.h"

#define PCID_SLOTS   6
#define CR3_NOFLUSH  (1ull << 63)

struct pcid_slot {
	uint64_t id;                  /* tlb_ctx.id of the space, 0 for none */
	uint64_t gen;                 /* its count when last loaded here */
};

/* One CPU's cache.  [c]: only that CPU, with interrupts off. */
struct pcid_cpu {
	struct pcid_slot slot[PCID_SLOTS];
	unsigned next;                /* the slot to take over next */
	struct pcid_stats stats;
};

static struct pcid_cpu pcid_cpu[CPU_MAX];
static bool use_pcid;                 /* [I] chosen at boot */
static uint64_t next_id = 1;          /* [a] */

void
pcid_choose(bool want)
{
	use_pcid = want && arch_cpu_has(CPU_FEAT_PCID);
}

bool
pcid_enabled(void)
{
	return use_pcid;
}

void
pcid_cpu_init(void)
{
	/* CR4.PCIDE may only be set while the current PCID is 0. */
	if (use_pcid) {
		write_cr3(read_cr3() & PTE_ADDR);
		write_cr4(read_cr4() | CR4_PCIDE);
	}
}

void
tlb_ctx_init(struct tlb_ctx *ctx)
{
	ctx->id = __atomic_fetch_add(&next_id, 1, __ATOMIC_RELAXED);
	ctx->gen = 0;
}

void
tlb_ctx_bump(struct tlb_ctx *ctx)
{
	if (use_pcid)     /* only tagged entries can outlive a switch */
		__atomic_add_fetch(&ctx->gen, 1, __ATOMIC_SEQ_CST);
}

/* The slot holding id, or a slot taken over for it (then *fresh is set). */
static unsigned
slot_for(struct pcid_cpu *pc, uint64_t id, bool *fresh)
{
	unsigned s;

	for (s = 0; s < PCID_SLOTS; s++)
		if (pc->slot[s].id == id) {
			*fresh = false;
			return s;
		}
	s = pc->next;
	pc->next = (s + 1) % PCID_SLOTS;
	pc->slot[s].id = id;
	*fresh = true;
	return s;
}

void
pcid_load(paddr_t root, struct tlb_ctx *ctx)
{
	struct pcid_cpu *pc = &pcid_cpu[this_cpu()->id];
	uint64_t gen, cr3;
	unsigned s;
	bool fresh;

	if (!use_pcid || !ctx) {
		if (read_cr3() != root)     /* other tables, or a PCID other than 0 */
			write_cr3(root);
		return;
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);   /* active_mm is published first */
	gen = __atomic_load_n(&ctx->gen, __ATOMIC_RELAXED);
	s = slot_for(pc, ctx->id, &fresh);
	cr3 = root | (s + 1);
	if (!fresh && read_cr3() == cr3) {
		/* Loaded all along (a kernel thread borrowed it): every shootdown
		 * reached this CPU, so the entries are current. */
		pc->slot[s].gen = gen;
		pc->stats.kept++;
		return;
	}
	if (fresh) {
		pc->stats.missed++;
	} else if (pc->slot[s].gen != gen) {
		pc->stats.stale++;
	} else {
		pc->stats.kept++;
		cr3 |= CR3_NOFLUSH;
	}
	pc->slot[s].gen = gen;
	write_cr3(cr3);
}

void
pcid_get_stats(struct pcid_stats *out)
{
	*out = (struct pcid_stats){ 0 };
	for (unsigned i = 0; i < ncpus; i++) {
		out->kept += READ_ONCE(pcid_cpu[i].stats.kept);
		out->stale += READ_ONCE(pcid_cpu[i].stats.stale);
		out->missed += READ_ONCE(pcid_cpu[i].stats.missed);
	}
}
