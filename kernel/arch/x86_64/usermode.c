// SPDX-License-Identifier: MIT
/*
 * Entering user mode and the per-thread user registers the kernel keeps:
 * the TLS bases (FS for the C library's thread pointer, GS rarely) that
 * live in MSRs and must follow the thread across switches.
 */
#include "arch/arch.h"
#include "arch/x86_64/trap.h"
#include "lib/string.h"

#define USER_CS (GDT_UCODE | 3)
#define USER_SS (GDT_UDATA | 3)

void arch_set_user_tls(uint64_t fs_base, uint64_t gs_base);
uint64_t arch_user_gs_base(void);
void arch_user_frame_init(struct trap_frame *tf, uint64_t rip, uint64_t rsp);

void
arch_set_user_tls(uint64_t fs_base, uint64_t gs_base)
{
	wrmsr(MSR_FS_BASE, fs_base);
	/* In the kernel the user's GS base waits in KERNEL_GS_BASE (swapgs). */
	wrmsr(MSR_KERNEL_GS_BASE, gs_base);
}

uint64_t
arch_user_gs_base(void)
{
	return rdmsr(MSR_KERNEL_GS_BASE);
}

/* A clean frame for a program's first instruction (exec). */
void
arch_user_frame_init(struct trap_frame *tf, uint64_t rip, uint64_t rsp)
{
	memset(tf, 0, sizeof(*tf));
	tf->rip = rip;
	tf->rsp = rsp;
	tf->cs = USER_CS;
	tf->ss = USER_SS;
	tf->rflags = RFLAGS_IF | 0x2;   /* bit 1 is always set */
	tf->vector = 0x100;             /* as if returning from a system call */
}
