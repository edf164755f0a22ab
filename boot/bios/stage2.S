/* SPDX-License-Identifier: MIT */
/*
 * Keel's stage 2, first part: its header, the switch from real mode to
 * 32-bit protected mode, and the way back for BIOS calls.
 *
 * Stage 1 loads this image at 0x8000 and jumps to 0x0000:0x8008 in real
 * mode, the boot drive in %dl.  The rest of stage 2 is C compiled for 32-bit
 * protected mode, flat segments, paging off (boot/bios/main.c).  The BIOS,
 * though, only works in real mode, and stage 2 needs it throughout (disk
 * reads, the screen, the keyboard, the memory map).  bios_int() therefore
 * drops back: 32-bit protected mode -> 16-bit protected mode (a 16-bit code
 * segment, so the next instructions decode as 16-bit) -> clear CR0.PE ->
 * a far jump loads a real-mode CS -> the registers are loaded from a
 * struct bios_regs, `int N` runs with interrupts on, the registers are saved
 * back -> CR0.PE set again -> a far jump into the 32-bit code segment.
 *
 * Everything that runs in real mode (this file's .text16) and the stack sit
 * below 64 KiB, so segment 0 reaches them and %esp means the same in both
 * modes.  Interrupts stay off in protected mode: no IDT is ever loaded, the
 * BIOS's real-mode vector table stays in place for the next BIOS call.
 */
#define CODE32 0x08
#define DATA32 0x10
#define CODE16 0x18
#define DATA16 0x20
#define STACK_TOP 0x7C00
#define REGS_WORDS 10            /* sizeof(struct bios_regs) / 4 */

/* Offsets in struct bios_regs (boot/bios/bios.h). */
#define R_EAX 0
#define R_EBX 4
#define R_ECX 8
#define R_EDX 12
#define R_ESI 16
#define R_EDI 20
#define R_EBP 24
#define R_EFLAGS 28
#define R_DS 32
#define R_ES 34

	.section .header, "awx"
	.code16
	.globl stage2_header
stage2_header:
	.ascii "Keel"                /* stage 1 checks this */
	.word __stage2_sectors       /* and loads this many sectors */
	.word 1                      /* header version */

	/* 0x8008: from stage 1. */
real_entry:
	cli
	xorw %ax, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl $STACK_TOP, %esp
	movb %dl, boot_drive
	lgdtl gdt_desc
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl $CODE32, $pm_entry

	.code32
pm_entry:
	movw $DATA32, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movw %ax, %ss
	movl $__bss_start, %edi      /* the image on disk has no .bss */
	movl $__bss_end, %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb
	movzbl boot_drive, %eax
	pushl %eax
	call stage2_main
1:	hlt
	jmp 1b

/*
 * void bios_int(int intno, struct bios_regs *r): run BIOS interrupt intno
 * with the registers in *r, and store the registers it returns there.
 */
	.section .text16, "awx"
	.globl bios_int
bios_int:
	pushl %ebp
	pushl %ebx
	pushl %esi
	pushl %edi
	movl 20(%esp), %eax
	movb %al, int_no             /* patch the int instruction below */
	movl 24(%esp), %esi
	movl %esi, caller_regs
	movl $rm_regs, %edi
	movl $REGS_WORDS, %ecx
	rep movsl
	ljmp $CODE16, $pm16

	.code16
pm16:
	movw $DATA16, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl %cr0, %eax
	andl $~1, %eax
	movl %eax, %cr0
	ljmp $0, $rm16
rm16:
	xorw %ax, %ax
	movw %ax, %ds
	movw %ax, %ss
	movw %ax, %fs
	movw %ax, %gs
	movw rm_regs + R_ES, %es
	pushw rm_regs + R_DS
	movl rm_regs + R_EAX, %eax
	movl rm_regs + R_EBX, %ebx
	movl rm_regs + R_ECX, %ecx
	movl rm_regs + R_EDX, %edx
	movl rm_regs + R_ESI, %esi
	movl rm_regs + R_EDI, %edi
	movl rm_regs + R_EBP, %ebp
	popw %ds
	sti
	.byte 0xCD                   /* int imm8 */
int_no:	.byte 0
	cli
	movl %eax, %cs:rm_regs + R_EAX
	movl %ebx, %cs:rm_regs + R_EBX
	movl %ecx, %cs:rm_regs + R_ECX
	movl %edx, %cs:rm_regs + R_EDX
	movl %esi, %cs:rm_regs + R_ESI
	movl %edi, %cs:rm_regs + R_EDI
	movl %ebp, %cs:rm_regs + R_EBP
	movw %ds, %cs:rm_regs + R_DS
	movw %es, %cs:rm_regs + R_ES
	pushfl
	popl %cs:rm_regs + R_EFLAGS
	xorw %ax, %ax
	movw %ax, %ds
	lgdtl gdt_desc               /* in case the BIOS loaded its own */
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl $CODE32, $pm32_back

	.code32
pm32_back:
	movw $DATA32, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movw %ax, %ss
	movl caller_regs, %edi
	movl $rm_regs, %esi
	movl $REGS_WORDS, %ecx
	rep movsl
	popl %edi
	popl %esi
	popl %ebx
	popl %ebp
	ret

	.balign 8
gdt:
	.quad 0
	.quad 0x00CF9A000000FFFF     /* 0x08: 32-bit code, base 0, 4 GiB */
	.quad 0x00CF92000000FFFF     /* 0x10: 32-bit data, base 0, 4 GiB */
	.quad 0x00009A000000FFFF     /* 0x18: 16-bit code, base 0, 64 KiB */
	.quad 0x000092000000FFFF     /* 0x20: 16-bit data, base 0, 64 KiB */
gdt_end:
gdt_desc:
	.word gdt_end - gdt - 1
	.long gdt

	.globl boot_drive
boot_drive:	.byte 0
	.balign 4
caller_regs:	.long 0
rm_regs:	.fill REGS_WORDS, 4, 0
