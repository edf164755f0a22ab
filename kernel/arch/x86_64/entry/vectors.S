/* SPDX-License-Identifier: MIT */
/*
 * Interrupt and exception entry stubs.
 *
 * Every vector gets a stub that makes the stack look the same: vectors whose
 * exception has no error code push a zero in its place, then every stub
 * pushes its vector number and jumps to trap_common, which saves the general
 * registers to complete a struct trap_frame (arch/x86_64/trap.h) and calls
 * trap_dispatch().
 *
 * GS: coming from user mode, the user's GS base is live, so trap_common does
 * swapgs on entry and again before iretq.  The decision uses the saved CS,
 * which is right for every vector that cannot arrive in the few instructions
 * of the system-call path that run in kernel mode with the user's GS.  NMI,
 * machine check and double fault can, so their stubs use paranoid_common,
 * which asks the GS base MSR itself.
 */
#include "arch/x86_64/layout.h"

#define HAS_ERROR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)
#define PARANOID(v)  ((v) == 2 || (v) == 8 || (v) == 18)

.macro SAVE_REGS
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
.endm

.macro RESTORE_REGS
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
.endm

	.text
	.align 16
trap_common:
	SAVE_REGS
	cld
	testb $3, 18 * 8(%rsp)          /* saved CS: from user mode? */
	jz 1f
	swapgs
1:	movq %rsp, %rdi
	/* A frame for the backtrace that links to the interrupted code. */
	pushq 17 * 8(%rsp)               /* saved rip */
	pushq %rbp
	movq %rsp, %rbp
	call trap_dispatch
	addq $16, %rsp
	.globl trap_return
trap_return:
	testb $3, 18 * 8(%rsp)
	jz 2f
	cli
	swapgs
2:	RESTORE_REGS
	addq $16, %rsp                  /* vector and error code */
	iretq

	.align 16
paranoid_common:
	SAVE_REGS
	cld
	/* Kernel GS bases are kernel addresses (sign bit set). */
	xorl %ebx, %ebx
	movl $0xC0000101, %ecx          /* MSR_GS_BASE */
	rdmsr
	testl %edx, %edx
	js 1f
	swapgs
	movl $1, %ebx                   /* remember to swap back */
1:	movq %rsp, %rdi
	pushq 17 * 8(%rsp)
	pushq %rbp
	movq %rsp, %rbp
	call trap_dispatch
	addq $16, %rsp
	testl %ebx, %ebx
	jz 2f
	swapgs
2:	RESTORE_REGS
	addq $16, %rsp
	iretq

/* One stub per vector. */
.macro STUB v
	.align 16
vector_\v:
	.if !HAS_ERROR(\v)
	pushq $0
	.endif
	pushq $\v
	.if PARANOID(\v)
	jmp paranoid_common
	.else
	jmp trap_common
	.endif
.endm

.altmacro
.macro STUBS from, to
	STUB %\from
	.if \to-\from
	STUBS %(\from+1), \to
	.endif
.endm
	STUBS 0, 63
	STUBS 64, 127
	STUBS 128, 191
	STUBS 192, 255

/* Table of stub addresses for idt.c. */
.macro ADDR v
	.quad vector_\v
.endm
.macro ADDRS from, to
	ADDR %\from
	.if \to-\from
	ADDRS %(\from+1), \to
	.endif
.endm
	.section .rodata
	.align 8
	.globl trap_vectors
trap_vectors:
	ADDRS 0, 63
	ADDRS 64, 127
	ADDRS 128, 191
	ADDRS 192, 255
