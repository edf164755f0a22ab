// SPDX-License-Identifier: MIT
/* FXSAVE-based FPU context for user threads.  See fpu.h. */
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/cpu.h"
#include "lib/string.h"

#define MXCSR_DEFAULT 0x1F80   /* all exceptions masked, round to nearest */

static struct fpu_state pristine;

void
fpu_cpu_init(void)
{
	uint32_t mxcsr = MXCSR_DEFAULT;

	write_cr0((read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE);
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	__asm__ __volatile__("fninit; ldmxcsr %0" :: "m"(mxcsr));
	__asm__ __volatile__("fxsave64 %0" : "=m"(pristine));
}

void
fpu_init_state(struct fpu_state *s)
{
	memcpy(s, &pristine, sizeof(*s));
}

void
fpu_save(struct fpu_state *s)
{
	__asm__ __volatile__("fxsave64 %0" : "=m"(*s));
}

void
fpu_restore(const struct fpu_state *s)
{
	__asm__ __volatile__("fxrstor64 %0" :: "m"(*s));
}
