/* SPDX-License-Identifier: MIT */
/*
 * FPU and SSE state for user threads.  The kernel itself never uses these
 * registers (it is built with -mgeneral-regs-only), so a user thread's
 * FPU state stays in the CPU across system calls and interrupts; it needs
 * saving only when another user thread takes the CPU.  The 512-byte
 * FXSAVE format is also what signal frames carry.
 */
#pragma once

#include "lib/compiler.h"

#define FPU_STATE_SIZE 512

struct fpu_state {
	uint8_t data[FPU_STATE_SIZE];
} __aligned(16);

void fpu_cpu_init(void);
/* A fresh state: x87 and SSE at their reset values. */
void fpu_init_state(struct fpu_state *s);
void fpu_save(struct fpu_state *s);
void fpu_restore(const struct fpu_state *s);
