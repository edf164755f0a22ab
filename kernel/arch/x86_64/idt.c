// SPDX-License-Identifier: MIT
/*
 * The interrupt descriptor table: 256 gates, one per vector, each pointing at
 * its stub in entry/vectors.S.
 *
 * All gates are interrupt gates, so the CPU clears IF on entry: a handler
 * runs with interrupts masked and is never interrupted by another device
 * interrupt.  Only NMI and machine check can nest into a running handler;
 * they do not depend on IF, and they get their own IST stacks so that they
 * find a good stack even when they arrive at the worst moment (the double
 * fault, too, which usually means the current stack is gone).
 *
 * Only vector 3 (int3) is reachable by `int n` from user mode (DPL 3), as
 * on Linux; everything else from user mode would be a #GP.
 */
#include "arch/x86_64/trap.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/layout.h"

struct __packed idt_gate {
	uint16_t off_lo;
	uint16_t sel;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t off_mid;
	uint32_t off_hi;
	uint32_t zero;
};

#define GATE_INTERRUPT 0x8E   /* present, DPL 0, 64-bit interrupt gate */
#define GATE_DPL3      0x60

static struct idt_gate idt[256] __aligned(16);
extern const uint64_t trap_vectors[256];

static void
idt_set(int v, uint64_t addr, uint8_t attr, int ist)
{
	idt[v] = (struct idt_gate){
		.off_lo = addr & 0xFFFF,
		.sel = GDT_KCODE,
		.ist = ist,
		.type_attr = attr,
		.off_mid = (addr >> 16) & 0xFFFF,
		.off_hi = addr >> 32,
	};
}

void
idt_set_ist(int vector, int ist)
{
	idt[vector].ist = ist;
}

void
trap_init(void)
{
	for (int v = 0; v < 256; v++)
		idt_set(v, trap_vectors[v], GATE_INTERRUPT, 0);
	idt[T_BP].type_attr |= GATE_DPL3;
	idt_set_ist(T_DF, IST_DF);
	idt_set_ist(T_NMI, IST_NMI);
	idt_set_ist(T_MC, IST_MC);
}

/* Load the shared IDT on this CPU. */
void
trap_cpu_init(void)
{
	struct desc_ptr p = { sizeof(idt) - 1, (uint64_t)idt };

	lidt(&p);
}
