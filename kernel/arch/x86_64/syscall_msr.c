// SPDX-License-Identifier: MIT
/*
 * Programming the SYSCALL/SYSRET MSRs on each CPU.
 *
 *   STAR[47:32]  kernel CS for SYSCALL (SS is that + 8)
 *   STAR[63:48]  base for SYSRET: CS = base + 16, SS = base + 8 (RPL 3)
 *   LSTAR        the 64-bit entry point
 *   SFMASK       RFLAGS bits cleared on entry: IF (no interrupt before the
 *                stack switch), TF, DF (the ABI wants it clear), AC, NT
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/layout.h"

void syscall_entry(void);
void arch_syscall_cpu_init(void);

void
arch_syscall_cpu_init(void)
{
	wrmsr(MSR_STAR, ((uint64_t)GDT_UCODE32 << 48) | ((uint64_t)GDT_KCODE << 32));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	wrmsr(MSR_SFMASK, RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC | RFLAGS_NT);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}
