/* SPDX-License-Identifier: MIT */
/*
 * The first instructions Keel runs, and the headers that get it loaded.
 *
 * Two ways in:
 *
 * _start32, the multiboot entry.  A multiboot loader (QEMU -kernel, GRUB,
 * Keel's own BIOS stage 2) enters it in 32-bit protected mode, paging off,
 * with the magic in %eax and the physical address of its information block
 * in %ebx.  Long mode needs paging, so this trampoline builds a throw-away
 * set of page tables that map the first 4 GiB three times: at 0 (identity,
 * so the next instruction after paging turns on still has a mapping), at
 * -2 GiB (where the kernel is linked) and at the start of the direct map.
 * Then it sets EFER.LME, turns on paging, far-jumps into a 64-bit code
 * segment and finally jumps to the higher half.
 *
 * _start64, the long-mode entry, for Keel's UEFI loader (boot/uefi/).  UEFI
 * firmware runs in long mode with the low memory identity mapped, and going
 * back to 32-bit protected mode only to climb into long mode again would be
 * a detour.  The loader finds this entry through the "Keel entry header"
 * below and jumps to it after ExitBootServices with the multiboot 2 magic in
 * %eax and its multiboot 2 information block in %ebx (the register choice of
 * the multiboot 2 spec's EFI amd64 entry).  _start64 builds the same boot
 * page tables, switches %cr3 to them (safe: the code runs in the identity-
 * mapped low 4 GiB under both the firmware's tables and these), loads the
 * boot GDT and joins the 32-bit path at start64_low.
 *
 * core/main.c replaces the boot tables with the real ones as soon as it knows
 * how much memory there is.
 *
 *   boot_pml4[0]   -> boot_pdpt_lo[0..3] -> boot_pd[0..3]  (2 MiB pages)
 *   boot_pml4[256] -> boot_pdpt_lo  (the direct map, 0xffff800000000000)
 *   boot_pml4[511] -> boot_pdpt_hi[510,511] -> boot_pd[0,1]
 */
#include "arch/x86_64/layout.h"

#define MB1_MAGIC     0x1BADB002
#define MB1_FLAGS     0x00000003   /* page-align modules, give memory info */
#define MB2_MAGIC     0xE85250D6
#define MB2_ARCH_I386 0

#define CR0_PE   (1 << 0)
#define CR0_WP   (1 << 16)
#define CR0_PG   (1 << 31)
#define CR4_PAE  (1 << 5)
#define MSR_EFER 0xC0000080
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)
#define PTE_P    0x1
#define PTE_W    0x2
#define PTE_PS   0x80
#define CR4_LA57 (1 << 12)

/*
 * Fill the boot page tables (see the diagram above).  Expanded once in
 * 32-bit and once in 64-bit code: the instructions it uses (32-bit registers,
 * 32-bit addresses) mean the same in both.  Clobbers eax, ecx, edi.
 */
.macro BUILD_BOOT_TABLES
	/* boot_pd[0..3]: 2048 2 MiB pages covering 0..4 GiB. */
	movl $boot_pd, %edi
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $21, %eax
	orl $(PTE_P | PTE_W | PTE_PS), %eax
	movl %eax, (%edi, %ecx, 8)
	movl %ecx, %eax
	shrl $11, %eax                  /* high half of the 64-bit entry */
	movl %eax, 4(%edi, %ecx, 8)
	incl %ecx
	cmpl $2048, %ecx
	jne 1b

	/* boot_pdpt_lo[i] = boot_pd + i*4096 for i in 0..3 */
	movl $boot_pdpt_lo, %edi
	movl $boot_pd + (PTE_P | PTE_W), %eax
	movl %eax, 0(%edi)
	addl $4096, %eax
	movl %eax, 8(%edi)
	addl $4096, %eax
	movl %eax, 16(%edi)
	addl $4096, %eax
	movl %eax, 24(%edi)

	/* boot_pdpt_hi[510] = boot_pd[0], [511] = boot_pd[1]: -2 GiB -> 0 */
	movl $boot_pdpt_hi, %edi
	movl $boot_pd + (PTE_P | PTE_W), %eax
	movl %eax, 510 * 8(%edi)
	addl $4096, %eax
	movl %eax, 511 * 8(%edi)

	movl $boot_pml4, %edi
	movl $boot_pdpt_lo + (PTE_P | PTE_W), %eax
	movl %eax, 0(%edi)
	movl $boot_pdpt_hi + (PTE_P | PTE_W), %eax
	movl %eax, 511 * 8(%edi)
	/* The direct map's first 4 GiB, so phys_to_virt() works from kmain on. */
	movl $boot_pdpt_lo + (PTE_P | PTE_W), %eax
	movl %eax, 256 * 8(%edi)
.endm

	.section .multiboot, "a"
	.align 4
mb1_header:
	.long MB1_MAGIC
	.long MB1_FLAGS
	.long -(MB1_MAGIC + MB1_FLAGS)

	.align 8
mb2_header:
	.long MB2_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	/* information request: cmdline(1), modules(3), mmap(6), fb(8), acpi(14,15) */
	.align 8
	.word 1, 1                       /* optional: boot without any of them */
	.long 8 + 4 * 6
	.long 1, 3, 6, 8, 14, 15
	/* module alignment: page-align modules */
	.align 8
	.word 6, 0
	.long 8
	/* end tag */
	.align 8
	.word 0, 0
	.long 8
mb2_header_end:

	/*
	 * The Keel entry header: how Keel's UEFI loader finds _start64.  Like a
	 * multiboot header it sits 8-byte aligned in the first 32 KiB of the
	 * file: a signature, a version, and the physical address of the
	 * long-mode entry.
	 */
	.align 8
	.globl keel_entry_header
keel_entry_header:
	.ascii "KEELENTR"
	.long 1                          /* version */
	.long 0
	.quad _start64

	.section .boot.text, "ax"
	.code32
	.globl _start32
_start32:
	cli
	cld
	movl $boot_stack32_top, %esp
	movl %eax, boot_magic
	movl %ebx, boot_info_phys

	/* No CPUID long-mode bit: nothing can be done; say so on COM1. */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	testl $(1 << 29), %edx
	jz no_long_mode

	BUILD_BOOT_TABLES

	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $boot_pml4, %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $(EFER_LME | EFER_NXE), %eax
	wrmsr
	movl %cr0, %eax
	orl $(CR0_PG | CR0_PE | CR0_WP), %eax
	movl %eax, %cr0

	lgdt boot_gdt_ptr
	ljmp $GDT_KCODE, $start64_low

no_long_mode:
	movl $msg_no_lm, %esi
	movw $0x3F8, %dx
2:	lodsb
	testb %al, %al
	jz 3f
	outb %al, %dx
	jmp 2b
3:	hlt
	jmp 3b

	.code64
	.globl _start64
_start64:
	cli
	cld
	movl $boot_stack32_top, %esp    /* zero-extends into %rsp */
	movl %eax, boot_magic
	movl %ebx, boot_info_phys

	/* 5-level paging cannot be turned off in long mode; these tables are 4-level. */
	movq %cr4, %rax
	testl $CR4_LA57, %eax
	jnz no_4level

	BUILD_BOOT_TABLES

	movl $boot_pml4, %eax
	movq %rax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_NXE, %eax
	wrmsr
	movq %cr0, %rax
	orl $CR0_WP, %eax
	movq %rax, %cr0

	/* The firmware's GDT lives in memory Keel will reuse: load the boot GDT. */
	lgdt boot_gdt_ptr64
	pushq $GDT_KCODE
	pushq $start64_low
	lretq

no_4level:
	movl $msg_la57, %esi
	movw $0x3F8, %dx
5:	lodsb
	testb %al, %al
	jz 6f
	outb %al, %dx
	jmp 5b
6:	hlt
	jmp 6b

start64_low:
	movw $GDT_KDATA, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movabs $start64_high, %rax
	jmp *%rax

	.section .boot.data, "aw"
	.align 16
boot_gdt:
	.quad 0
	.quad 0x00AF9A000000FFFF        /* 0x08: 64-bit kernel code */
	.quad 0x00CF92000000FFFF        /* 0x10: kernel data */
boot_gdt_end:
boot_gdt_ptr:
	.word boot_gdt_end - boot_gdt - 1
	.long boot_gdt
	/* In long mode lgdt reads a 64-bit base. */
	.align 8
	.word 0, 0, 0
boot_gdt_ptr64:
	.word boot_gdt_end - boot_gdt - 1
	.quad boot_gdt
	.globl boot_magic, boot_info_phys
boot_magic:
	.long 0
boot_info_phys:
	.long 0
msg_no_lm:
	.asciz "Keel needs a 64-bit (long mode) CPU.\r\n"
msg_la57:
	.asciz "Keel: entered with 5-level paging on; Keel uses 4-level tables.\r\n"

	.section .boot.bss, "aw", @nobits
	.align 4096
	.globl boot_pml4
boot_pml4:	.skip 4096
boot_pdpt_lo:	.skip 4096
boot_pdpt_hi:	.skip 4096
boot_pd:	.skip 4 * 4096
boot_stack32:	.skip 1024
boot_stack32_top:

	.text
start64_high:
	movabs $bsp_stack_top, %rsp
	xorl %ebp, %ebp
	movl boot_magic, %edi
	movl boot_info_phys, %esi
	call kmain
4:	cli
	hlt
	jmp 4b

	.bss
	.align 4096
	/* Left unmapped by mm/kmap.c: a boot-stack overflow faults here. */
bsp_stack_guard:
	.skip 4096
	.globl bsp_stack, bsp_stack_top
bsp_stack:
	.skip KSTACK_SIZE
bsp_stack_top:
