// SPDX-License-Identifier: MIT
/*
 * Segments in long mode: the GDT and the per-CPU TSS.
 *
 * Segmentation is mostly off in 64-bit mode (bases and limits are ignored
 * except for FS and GS), but the CPU still needs descriptors for the privilege
 * level of code and stack, and a TSS to find the kernel stack (rsp0) when an
 * interrupt arrives from user mode, and the IST stacks that the double-fault,
 * NMI and machine-check vectors switch to unconditionally.
 *
 * The order of the descriptors is dictated by SYSCALL/SYSRET, which derive
 * the selectors from STAR: kernel CS, then kernel SS = CS + 8; SYSRET to
 * 64-bit loads CS = base + 16 and SS = base + 8 with base = 0x18.
 *
 *   0x00 null   0x08 kernel code   0x10 kernel data   0x18 user code (32-bit)
 *   0x20 user data   0x28 user code (64-bit)   0x30 TSS (two slots)
 *
 * Each CPU has its own GDT copy because the TSS descriptor's busy bit is per
 * CPU.
 */
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/layout.h"
#include "lib/string.h"

#define SEG_P     (1ull << 47)
#define SEG_S     (1ull << 44)   /* code/data, not system */
#define SEG_CODE  (1ull << 43)
#define SEG_RW    (1ull << 41)   /* readable code / writable data */
#define SEG_L     (1ull << 53)   /* 64-bit code */
#define SEG_DB    (1ull << 54)   /* 32-bit default size */
#define SEG_G     (1ull << 55)
#define SEG_DPL3  (3ull << 45)
#define SEG_LIMIT 0x000F00000000FFFFull
#define TSS_AVAIL (9ull << 40)

static struct tss bsp_tss;
static uint8_t bsp_ist[3][IST_STACK_SIZE] __aligned(16);

static uint64_t
tss_desc_low(uint64_t base, uint32_t limit)
{
	return (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | TSS_AVAIL | SEG_P |
	       ((uint64_t)(limit >> 16 & 0xF) << 48) | ((base >> 24 & 0xFF) << 56);
}

static void
gdt_fill(struct cpu *c)
{
	uint64_t *g = c->gdt;
	uint64_t tss = (uint64_t)c->tss;

	g[0] = 0;
	g[1] = SEG_P | SEG_S | SEG_CODE | SEG_RW | SEG_L | SEG_G | SEG_LIMIT;
	g[2] = SEG_P | SEG_S | SEG_RW | SEG_DB | SEG_G | SEG_LIMIT;
	g[3] = SEG_P | SEG_S | SEG_CODE | SEG_RW | SEG_DB | SEG_G | SEG_DPL3 | SEG_LIMIT;
	g[4] = SEG_P | SEG_S | SEG_RW | SEG_DB | SEG_G | SEG_DPL3 | SEG_LIMIT;
	g[5] = SEG_P | SEG_S | SEG_CODE | SEG_RW | SEG_L | SEG_G | SEG_DPL3 | SEG_LIMIT;
	g[6] = tss_desc_low(tss, sizeof(struct tss) - 1);
	g[7] = tss >> 32;
	g[8] = 0;
}

/* Reload CS through a far return, the data segments directly. */
static void
load_segments(void)
{
	__asm__ __volatile__(
		"pushq %[cs]\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movw %w[ds], %%ax\n\t"
		"movw %%ax, %%ds\n\t"
		"movw %%ax, %%es\n\t"
		"movw %%ax, %%ss\n\t"
		: : [cs] "i"(GDT_KCODE), [ds] "r"(GDT_KDATA) : "rax", "memory");
}

void
gdt_cpu_init(struct cpu *c, uint8_t *ist[3])
{
	struct desc_ptr p;

	if (!c->tss)
		c->tss = &bsp_tss;
	memset(c->tss, 0, sizeof(*c->tss));
	for (int i = 0; i < 3; i++) {
		uint8_t *stack = ist ? ist[i] : bsp_ist[i];
		c->ist_stacks[i] = stack;
		c->tss->ist[i] = (uint64_t)(stack + IST_STACK_SIZE);
	}
	c->tss->iomap_base = sizeof(struct tss);
	gdt_fill(c);
	p.limit = sizeof(c->gdt) - 1;
	p.base = (uint64_t)c->gdt;
	lgdt(&p);
	load_segments();
	/* Loading FS/GS selectors would clear the bases; leave them at 0. */
	ltr(GDT_TSS);
}

void
tss_set_rsp0(struct cpu *c, uint64_t rsp0)
{
	c->tss->rsp0 = rsp0;
	c->kstack_top = rsp0;
}
