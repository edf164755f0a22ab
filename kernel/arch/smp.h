/* SPDX-License-Identifier: MIT */
/*
 * Multiprocessor support seen from generic code: start the other CPUs and
 * poke them with inter-processor interrupts.
 */
#pragma once

#include "lib/compiler.h"

struct cpu;

/* What each new CPU runs, installed by the scheduler (which sits above arch). */
struct smp_hooks {
	void (*cpu_start)(struct cpu *c);   /* per-CPU scheduler set-up, on the new CPU */
	__noreturn void (*cpu_idle)(void);  /* its idle loop */
};
extern struct smp_hooks smp_hooks;

/* Start up to max_cpus CPUs from the MADT (INIT-SIPI-SIPI). */
void smp_start_aps(unsigned max_cpus);
uint64_t smp_online_mask(void);
void smp_send_ipi(unsigned cpu, int vector);
/*
 * Run fn(arg) with interrupts off on each online CPU in mask: the caller's
 * own CPU directly, the others in their IPI handler.  Returns when all
 * have finished.  => the CPUs that ran it.  May sleep; call it from a
 * thread holding no spinlock; fn must not sleep.
 */
uint64_t smp_call_function(uint64_t mask, void (*fn)(void *arg), void *arg);
void smp_call_init(void);   /* its IPI handler; smp_start_aps() calls it */
/* A panic: stop every other CPU (by NMI, which nothing can mask). */
void smp_halt_others(void);
