/* SPDX-License-Identifier: MIT */
/*
 * The two pieces of uthread that C cannot write: swapping stacks, and
 * starting a kernel thread on a fresh stack.
 *
 * uth_ctx_switch is the notes' yield(): "save registers on stack,
 * tcb->sp = get_esp(), set_esp(other->sp), restore registers, return".
 * Only what the x86-64 System V ABI makes callee-saved has to survive a call:
 * rbx, rbp, r12-r15, rsp, and the control bits of the x87 control word and
 * MXCSR (rounding mode, exception masks).  The caller of uth_ctx_switch has
 * already saved everything else it cares about, as for any function call.
 * The saved frame, from the saved stack pointer up:
 *
 *	+0  x87 control word (2 bytes)     +32 r13
 *	+8  MXCSR (4 bytes)                +40 r12
 *	+16 r15                            +48 rbx
 *	+24 r14                            +56 rbp
 *	                                   +64 return address
 *
 * A new thread gets a hand-made frame of this shape whose return address is
 * uth_thread_entry and whose rbx is its struct uthread (thread.c).
 */

	.text

/* void uth_ctx_switch(void **save_sp, void *load_sp) */
	.globl	uth_ctx_switch
	.type	uth_ctx_switch, @function
uth_ctx_switch:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$16, %rsp
	stmxcsr	8(%rsp)
	fnstcw	(%rsp)
	movq	%rsp, (%rdi)		/* tcb->sp = rsp */
	movq	%rsi, %rsp		/* rsp = other->sp: now on the other stack */
	ldmxcsr	8(%rsp)
	fldcw	(%rsp)
	addq	$16, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret				/* into the other thread, where it last left */
	.size	uth_ctx_switch, . - uth_ctx_switch

/* The first "return" of a new thread lands here, rsp 16-byte aligned. */
	.globl	uth_thread_entry
	.type	uth_thread_entry, @function
uth_thread_entry:
	movq	%rbx, %rdi
	xorl	%ebp, %ebp		/* the frame-pointer chain ends here */
	call	uth_thread_start	/* never returns */
	ud2
	.size	uth_thread_entry, . - uth_thread_entry

/*
 * long uth_clone(unsigned long flags, void *stack, int *ptid, int *ctid,
 *                void *tls, int (*fn)(void *), void *arg)
 *
 * clone(2) returns twice, and the child returns on the new stack, where no
 * C frame of ours exists: so fn and arg are parked on the new stack before
 * the call and the child pops them there.  The child ends with exit(2),
 * which ends this kernel thread only (exit_group would end the process).
 * The kernel's argument order on x86-64 is flags, stack, ptid, ctid, tls.
 */
	.globl	uth_clone
	.type	uth_clone, @function
uth_clone:
	movq	8(%rsp), %rax		/* arg, the seventh argument */
	andq	$-16, %rsi
	subq	$16, %rsi
	movq	%r9, 0(%rsi)		/* fn */
	movq	%rax, 8(%rsi)		/* arg */
	movq	%rcx, %r10		/* the fourth syscall argument is r10 */
	movl	$56, %eax		/* __NR_clone */
	syscall
	testq	%rax, %rax
	jnz	1f			/* the parent (tid) or an error (-errno) */
	xorl	%ebp, %ebp
	popq	%rax			/* fn */
	popq	%rdi			/* arg; rsp is 16-byte aligned again */
	call	*%rax
	movl	%eax, %edi
	movl	$60, %eax		/* __NR_exit: this thread only */
	syscall
	ud2
1:	ret
	.size	uth_clone, . - uth_clone

	.section .note.GNU-stack, "", @progbits
