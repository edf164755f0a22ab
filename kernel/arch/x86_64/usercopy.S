/* SPDX-License-Identifier: MIT */
/*
 * Copying to and from user memory.
 *
 * The kernel touches user memory only through these few instructions.  Each
 * instruction that may fault has an exception-table entry (.extable) naming
 * where to continue if it does: the page-fault handler first tries to page
 * the memory in (the user may simply not have touched it yet); only when the
 * address is really bad does trap_dispatch() jump to the fixup, and the copy
 * reports how much it could not do.  So a bad user pointer becomes -EFAULT,
 * never a kernel crash.
 *
 * The callers (mm/usercopy.c) have already checked that the whole range is
 * below the top of user space, so these never touch kernel memory for the
 * user.
 */

.macro EXTABLE fault, fixup
	.pushsection .extable, "a"
	.balign 8
	.quad \fault, \fixup
	.popsection
.endm

	.text
/*
 * size_t arch_copy_user(void *dst, const void *src, size_t n): bytes NOT copied
 *
 * Eight bytes per step, then the tail.  Emulators (QEMU's TCG) run a
 * string instruction one element at a time, so MOVSQ does a page in an
 * eighth of the steps MOVSB takes; on hardware with fast strings either is
 * fine.  A fault in the MOVSQ part redoes the rest byte by byte, so the
 * copy still stops at exactly the first bad byte.
 */
	.globl arch_copy_user
arch_copy_user:
	movq %rdx, %rcx
	shrq $3, %rcx
	andl $7, %edx
1:	rep movsq
	movl %edx, %ecx
2:	rep movsb
	xorl %eax, %eax
	ret
11:	leaq (%rdx, %rcx, 8), %rcx      /* the rest: whole qwords left plus the tail */
	jmp 2b
12:	movq %rcx, %rax
	ret
	EXTABLE 1b, 11b
	EXTABLE 2b, 12b

/*
 * long arch_strncpy_user(char *dst, const char *usrc, size_t max)
 * Copies up to and including the NUL; returns the length without the NUL,
 * max if no NUL was found within max bytes, or -1 on a fault.
 */
	.globl arch_strncpy_user
arch_strncpy_user:
	xorl %eax, %eax
3:	cmpq %rdx, %rax
	je 5f
4:	movb (%rsi, %rax), %cl
	movb %cl, (%rdi, %rax)
	testb %cl, %cl
	jz 5f
	incq %rax
	jmp 3b
5:	ret
6:	movq $-1, %rax
	ret
	EXTABLE 4b, 6b

/* size_t arch_clear_user(void *dst, size_t n): bytes NOT cleared (as the copy) */
	.globl arch_clear_user
arch_clear_user:
	movq %rsi, %rcx
	shrq $3, %rcx
	andl $7, %esi
	xorl %eax, %eax
7:	rep stosq
	movl %esi, %ecx
8:	rep stosb
	xorl %eax, %eax
	ret
13:	leaq (%rsi, %rcx, 8), %rcx      /* %rax is still 0: the bytes stored */
	jmp 8b
14:	movq %rcx, %rax
	ret
	EXTABLE 7b, 13b
	EXTABLE 8b, 14b

/*
 * int arch_cmpxchg_user32(uint32_t *uaddr, uint32_t *expected, uint32_t new)
 * One atomic compare-and-exchange on a user word (for PI futexes, whose
 * word user space changes at the same time).  0 on success (*expected was
 * there and is now new), 1 if the word held something else (*expected is
 * updated to it), -1 on a fault.
 */
	.globl arch_cmpxchg_user32
arch_cmpxchg_user32:
	movl (%rsi), %eax
9:	lock cmpxchgl %edx, (%rdi)
	movl %eax, (%rsi)
	setnz %al
	movzbl %al, %eax
	ret
10:	movl $-1, %eax
	ret
	EXTABLE 9b, 10b
