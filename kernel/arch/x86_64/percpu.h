/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU data, reached through the GS base.
 *
 * Each CPU's GS base points at its own struct cpu, whose first field points
 * back at itself, so this_cpu() is a single `mov %gs:0`.  The first fields
 * have fixed offsets because the system-call entry (entry/syscall.S) reads
 * them before any C runs.  In user mode the user's GS base is live and the
 * kernel's sits in MSR_KERNEL_GS_BASE; `swapgs` on every kernel entry from
 * user mode and every exit to it exchanges the two.
 *
 * Locks: [I] set once at bring-up, [c] touched only by the owning CPU with
 * interrupts off, [a] atomic.
 */
#pragma once

#define CPU_MAX 64

/* Offsets used by assembly; checked against the struct in percpu.c. */
#define CPU_OFF_SELF       0
#define CPU_OFF_KSTACK_TOP 8
#define CPU_OFF_USER_RSP   16
#define CPU_OFF_CURRENT    24

#ifndef __ASSEMBLY__

#include "lib/compiler.h"

struct thread;
struct tss;
struct runqueue;

struct cpu {
	struct cpu *self;          /* [I] */
	uint64_t kstack_top;       /* [c] rsp0 for the running thread */
	uint64_t user_rsp;         /* [c] syscall entry scratch */
	struct thread *current;    /* [c] the thread running here */
	unsigned id;               /* [I] logical number, 0 = boot CPU */
	uint32_t apic_id;          /* [I] */
	bool online;               /* [a] */

	/* Interrupt-disable nesting for spinlocks (sync/spinlock.c). */
	int noff;                  /* [c] depth of irq_push_off() */
	bool intena;               /* [c] IF before the outermost push */
	int irq_depth;             /* [c] nested interrupt handlers running */
	int preempt_count;         /* [c] >0: no involuntary switch */
	bool need_resched;         /* [c] switch at the next safe point */

	struct thread *idle;       /* [I] runs when nothing else can */
	struct runqueue *rq;       /* [I] this CPU's run queue */
	uint64_t ticks;            /* [c] timer interrupts taken */
	uint64_t irq_count;        /* [c] all interrupts taken */
	uint64_t vec_count[256];   /* [c] interrupts taken, by vector (/proc/interrupts) */

	struct tss *tss;           /* [I] */
	uint64_t gdt[9];           /* [I] see gdt.c for the layout */
	uint8_t *ist_stacks[4];    /* [I] double fault, NMI, machine check */
	void *boot_stack;          /* [I] the stack an AP starts on (its idle stack) */
	void *active_mm;           /* [c] the user address space loaded in CR3 */
	bool halted;               /* [a] stopped by a panic on another CPU */
	int trap_nest;             /* [c] exceptions being handled (ktest) */
};

extern struct cpu cpus[CPU_MAX];
extern unsigned ncpus;

static inline struct cpu *
this_cpu(void)
{
	struct cpu *c;
	__asm__ __volatile__("movq %%gs:0, %0" : "=r"(c));
	return c;
}

static inline struct thread *
current_thread(void)
{
	struct thread *t;
	__asm__ __volatile__("movq %%gs:24, %0" : "=r"(t));
	return t;
}

/* Install c as the running CPU's per-CPU block. */
void percpu_init(struct cpu *c, unsigned id);

#endif /* !__ASSEMBLY__ */
