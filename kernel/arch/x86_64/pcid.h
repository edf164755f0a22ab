/* SPDX-License-Identifier: MIT */
/* Tagged TLBs: loading an address space with a PCID (arch/x86_64/pcid.c). */
#pragma once

#include "lib/compiler.h"

/*
 * What the TLB code needs to know about one address space: an id that is
 * never reused (a freed address space's tag must not match a new one), and
 * a count of the shootdowns it has had, so a CPU that was away can tell
 * whether its tagged entries went stale meanwhile.
 */
struct tlb_ctx {
	uint64_t id;                  /* [I] unique for the life of the system */
	uint64_t gen;                 /* [a] bumped before every shootdown */
};

/* Numbers that show the PCID cache at work (summed over CPUs). */
struct pcid_stats {
	uint64_t kept;                /* loads that kept the tagged entries */
	uint64_t stale;               /* the tag was cached, but a shootdown was missed */
	uint64_t missed;              /* no tag cached: a slot was taken over */
};

/* Decide at boot, before paging_cpu_init: use PCIDs if the CPU has them and want. */
void pcid_choose(bool want);
bool pcid_enabled(void);
/* On each CPU (paging_cpu_init): set CR4.PCIDE if PCIDs are in use. */
void pcid_cpu_init(void);
void tlb_ctx_init(struct tlb_ctx *ctx);
/* A shootdown of ctx's space begins: CPUs that have it cached but not loaded
 * must flush it when they load it next.  Call after changing the PTEs. */
void tlb_ctx_bump(struct tlb_ctx *ctx);
/* Load page tables root on this CPU, tagged with ctx (NULL: the kernel's own
 * tables).  Interrupts off. */
void pcid_load(paddr_t root, struct tlb_ctx *ctx);
void pcid_get_stats(struct pcid_stats *out);
