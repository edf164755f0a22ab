/* SPDX-License-Identifier: MIT */
/*
 * The trap frame: what the CPU and entry/vectors.S save on the kernel stack
 * when an exception or interrupt arrives, in memory order (lowest address
 * first).  Handlers may change it (a fault handler that corrects a register
 * and restarts the instruction does exactly that); iretq reloads it.
 */
#pragma once

#include "lib/compiler.h"

struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector;
	uint64_t error;      /* the CPU's error code, or 0 */
	/* pushed by the CPU */
	uint64_t rip, cs, rflags, rsp, ss;
};

#define TRAP_FRAME_SIZE (22 * 8)

/* Exception vectors. */
enum {
	T_DE = 0, T_DB = 1, T_NMI = 2, T_BP = 3, T_OF = 4, T_BR = 5, T_UD = 6,
	T_NM = 7, T_DF = 8, T_TS = 10, T_NP = 11, T_SS = 12, T_GP = 13,
	T_PF = 14, T_MF = 16, T_AC = 17, T_MC = 18, T_XM = 19, T_VE = 20,
	T_CP = 21,
};

/* Interrupt vectors above the exceptions. */
#define VEC_PIC_BASE     0x20   /* 8259 remapped here, then masked */
#define VEC_IRQ_BASE     0x30   /* I/O APIC inputs (GSIs) start here */
#define VEC_IRQ_COUNT    64
#define VEC_TIMER        0xE0   /* local APIC timer */
#define VEC_IPI_RESCHED  0xF0
#define VEC_IPI_CALL     0xF2
#define VEC_IPI_HALT     0xF3
#define VEC_SPURIOUS     0xFF

/* Page-fault error code bits. */
#define PF_PRESENT (1u << 0)
#define PF_WRITE   (1u << 1)
#define PF_USER    (1u << 2)
#define PF_RSVD    (1u << 3)
#define PF_INSTR   (1u << 4)

static inline bool
trap_from_user(const struct trap_frame *tf)
{
	return (tf->cs & 3) == 3;
}

/*
 * An exception handler returns true when it dealt with the exception (the
 * frame may have been corrected), false to fall through to the default:
 * a signal for user mode, panic for kernel mode.
 */
typedef bool (*trap_handler_t)(struct trap_frame *tf);
/* Interrupt handlers run with interrupts off; EOI is sent by the caller. */
typedef void (*irq_handler_t)(struct trap_frame *tf, void *data);

void trap_init(void);
void trap_cpu_init(void);
/* Install (or with NULL remove) the handler for exception vector v. */
trap_handler_t trap_set_handler(int v, trap_handler_t fn);
/*
 * Install an interrupt handler on vector v (>= 32); `name` (a string that
 * lives as long as the handler) labels the vector in /proc/interrupts.
 */
void irq_set_handler(int v, const char *name, irq_handler_t fn, void *data);
/* The name of vector v's handler, or NULL when it has none. */
const char *irq_name(int v);
/* Interrupts that CPU `cpu` has taken on vector v since boot. */
uint64_t irq_vec_count(unsigned cpu, int v);
void trap_frame_print(const struct trap_frame *tf);
const char *trap_name(int vector);
/* Set the IST index for a vector's gate (used for DF, NMI, MC). */
void idt_set_ist(int vector, int ist);

/* The C entry point called by entry/vectors.S. */
void trap_dispatch(struct trap_frame *tf);

/*
 * Upcalls for events arch cannot decide alone; the higher layers install
 * them at boot (core/main.c), so arch never calls up by name.
 *   user_fault: an exception from user mode (signals).
 *   preempt:    called on the way out of an interrupt when a reschedule is due.
 */
struct trap_upcalls {
	void (*user_fault)(struct trap_frame *tf);
	void (*preempt)(struct trap_frame *tf);
	void (*return_to_user)(struct trap_frame *tf);
};
extern struct trap_upcalls trap_upcalls;

/* Exception-table entry: a kernel instruction allowed to fault on user memory. */
struct extable_entry {
	uint64_t fault_ip;
	uint64_t fixup_ip;
};
