/* SPDX-License-Identifier: MIT */
/*
 * context_switch(uint64_t *save_sp, uint64_t load_sp)
 *
 * Switch kernel stacks.  The System V ABI makes rbx, rbp and r12-r15
 * callee-saved: a function call may not change them.  Everything else is
 * already dead at a call, so pushing these six on the old stack, saving the
 * stack pointer, loading the new one and popping six from it is a whole
 * thread switch.  The `ret` then returns into whatever called
 * context_switch() on the new stack, or, for a thread that never ran, into
 * the start address its creator put there.
 *
 *   old stack: ... | ret | rbp | rbx | r12 | r13 | r14 | r15 |  <- *save_sp
 */
	.text
	.globl context_switch
context_switch:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

/*
 * First code of a new kernel thread: r12 holds the C entry, r13 its
 * argument (placed there by thread_create's initial frame).
 */
	.globl thread_entry_asm
thread_entry_asm:
	movq %r13, %rdi
	movq %r12, %rsi
	xorl %ebp, %ebp
	call thread_entry
	ud2
