// SPDX-License-Identifier: MIT
/* Per-CPU blocks and GS-base installation.  See percpu.h. */
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/cpu.h"

struct cpu cpus[CPU_MAX];
unsigned ncpus = 1;

STATIC_ASSERT(offsetof(struct cpu, self) == CPU_OFF_SELF, "cpu.self");
STATIC_ASSERT(offsetof(struct cpu, kstack_top) == CPU_OFF_KSTACK_TOP, "cpu.kstack_top");
STATIC_ASSERT(offsetof(struct cpu, user_rsp) == CPU_OFF_USER_RSP, "cpu.user_rsp");
STATIC_ASSERT(offsetof(struct cpu, current) == CPU_OFF_CURRENT, "cpu.current");

void
percpu_init(struct cpu *c, unsigned id)
{
	c->self = c;
	c->id = id;
	wrmsr(MSR_GS_BASE, (uint64_t)c);
	/* The user's GS base until the first swapgs to user mode. */
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}
