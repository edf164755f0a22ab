/* SPDX-License-Identifier: MIT */
/*
 * The application processors' first instructions.
 *
 * An AP wakes up from a STARTUP IPI in 16-bit real mode at the start of a
 * page below 1 MiB (vector 0x08: physical 0x8000), like a PC just out of
 * reset.  smp.c copies this code there and fills in the parameters at its
 * end.  It walks the same road the boot CPU took, in one page: load a
 * temporary GDT, enter protected mode, turn on PAE and long mode with a
 * page table that maps this page 1:1 as well as the kernel, jump into
 * 64-bit code, and call ap_entry() in the higher half on its own stack.
 * All addresses inside are computed from the fixed load address, because
 * nothing here may depend on where the kernel image lives.
 */
#define AP_BASE   0x8000
#define ABS(x)    (AP_BASE + (x) - ap_boot_start)
#define CR0_PE    (1 << 0)
#define CR0_WP    (1 << 16)
#define CR0_PG    (1 << 31)
#define CR4_PAE   (1 << 5)
#define MSR_EFER  0xC0000080
#define EFER_SCE  (1 << 0)
#define EFER_LME  (1 << 8)
#define EFER_NXE  (1 << 11)

	.section .rodata
	.code16
	.globl ap_boot_start, ap_boot_end, ap_boot_params
ap_boot_start:
	cli
	cld
	xorw %ax, %ax
	movw %ax, %ds
	lgdtl ABS(ap_gdt_ptr)
	movl %cr0, %eax
	orl $CR0_PE, %eax
	movl %eax, %cr0
	ljmpl $0x08, $ABS(ap_pm32)

	.code32
ap_pm32:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl ABS(ap_param_cr3), %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $(EFER_LME | EFER_NXE | EFER_SCE), %eax
	wrmsr
	movl %cr0, %eax
	orl $(CR0_PG | CR0_WP), %eax
	movl %eax, %cr0
	ljmpl $0x18, $ABS(ap_lm64)

	.code64
ap_lm64:
	movq ABS(ap_param_stack), %rsp
	movq ABS(ap_param_cpu), %rdi
	movq ABS(ap_param_entry), %rax
	xorl %ebp, %ebp
	jmp *%rax

	.align 8
ap_gdt:
	.quad 0
	.quad 0x00CF9A000000FFFF        /* 0x08: 32-bit code */
	.quad 0x00CF92000000FFFF        /* 0x10: data */
	.quad 0x00AF9A000000FFFF        /* 0x18: 64-bit code */
ap_gdt_ptr:
	.word ap_gdt_ptr - ap_gdt - 1
	.long ABS(ap_gdt)

	.align 8
ap_boot_params:
ap_param_cr3:   .quad 0
ap_param_stack: .quad 0
ap_param_cpu:   .quad 0
ap_param_entry: .quad 0
ap_boot_end:
