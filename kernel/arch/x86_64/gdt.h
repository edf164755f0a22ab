/* SPDX-License-Identifier: MIT */
/* GDT and TSS set-up, per CPU.  See gdt.c for the descriptor layout. */
#pragma once

#include "lib/compiler.h"

struct cpu;

#define IST_STACK_SIZE 8192
/* IST slots (1-based, as the IDT gate encodes them). */
#define IST_DF  1
#define IST_NMI 2
#define IST_MC  3

struct __packed tss {
	uint32_t reserved0;
	uint64_t rsp0, rsp1, rsp2;
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
};

/* Load this CPU's GDT and TSS.  ist: three IST stacks, or NULL on the BSP. */
void gdt_cpu_init(struct cpu *c, uint8_t *ist[3]);
/* Kernel stack used on entry from user mode. */
void tss_set_rsp0(struct cpu *c, uint64_t rsp0);
