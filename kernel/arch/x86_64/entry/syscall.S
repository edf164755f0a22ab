/* SPDX-License-Identifier: MIT */
/*
 * The SYSCALL entry point.
 *
 * SYSCALL jumps here in ring 0 with the user's RIP in RCX and RFLAGS in
 * R11, interrupts off (SFMASK), and the user's stack and GS still live.
 * The entry swaps in the kernel GS, switches to this thread's kernel stack
 * (per-CPU kstack_top), and builds the same struct trap_frame that
 * interrupts build, so signals, fork and exec see one format.  The system
 * call number stays in the frame's rax and is copied to its error slot
 * (Linux's orig_rax) so a call can be restarted after a signal.
 *
 * The way back is SYSRET when it is safe, IRETQ otherwise.  SYSRET loads
 * RIP from RCX and RFLAGS from R11, so it cannot restore those two
 * registers (sigreturn needs that), and on Intel CPUs a non-canonical RCX
 * makes SYSRET fault in ring 0 with the user's stack pointer, a classic
 * hole: so SYSRET only to a RIP below the top of user space.
 */
#include "arch/x86_64/layout.h"
#include "arch/x86_64/percpu.h"

#define VEC_SYSCALL 0x100
#define USER_CS (GDT_UCODE | 3)
#define USER_SS (GDT_UDATA | 3)
#define SYSRET_RIP_LIMIT 0x00007FFFFFFFF000

	.text
	.globl syscall_entry
syscall_entry:
	swapgs
	movq %rsp, %gs:CPU_OFF_USER_RSP
	movq %gs:CPU_OFF_KSTACK_TOP, %rsp
	pushq $USER_SS
	pushq %gs:CPU_OFF_USER_RSP
	pushq %r11                      /* rflags */
	pushq $USER_CS
	pushq %rcx                      /* rip */
	pushq %rax                      /* error slot: the call number (orig_rax) */
	pushq $VEC_SYSCALL
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
	sti
	movq %rsp, %rdi
	xorl %ebp, %ebp
	call syscall_dispatch           /* returns non-zero when IRETQ is needed */
	cli
	testl %eax, %eax
	jnz syscall_iret
	/* SYSRET path: only back to a canonical user RIP. */
	movq 17 * 8(%rsp), %rcx         /* rip */
	movq $SYSRET_RIP_LIMIT, %rax
	cmpq %rax, %rcx
	jae syscall_iret
	movq 19 * 8(%rsp), %r11         /* rflags */
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	addq $8, %rsp                   /* r11: replaced by rflags */
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	addq $8, %rsp                   /* rcx: replaced by rip */
	popq %rbx
	popq %rax
	movq 5 * 8(%rsp), %rsp          /* user rsp (skip vector, error, rip, cs, rflags) */
	swapgs
	sysretq

syscall_iret:
	jmp trap_return

/*
 * Enter user mode for the first time: the caller built a trap frame at
 * rdi; unwind into it as if returning from an interrupt.
 */
	.globl arch_enter_user
arch_enter_user:
	cli
	movq %rdi, %rsp
	jmp trap_return
