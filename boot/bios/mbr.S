/* SPDX-License-Identifier: MIT */
/*
 * Keel's stage 1: the master boot record, the 512 bytes the BIOS runs.
 *
 * After POST the BIOS walks its boot order; for a hard disk it reads sector
 * 0 (LBA 0) to 0x7C00 and, if the last two bytes are 0x55 0xAA, jumps there
 * in 16-bit real mode with the drive number in %dl.  Bytes 446..509 are the
 * partition table, so code and data must fit in the first 446 bytes.
 *
 *   1. Move out of the way: copy these 512 bytes to 0x0600 and continue
 *      there, because 0x7C00 is where a partition's boot sector (or Keel's
 *      stage 2, at 0x8000 up) goes next.
 *   2. Find out how to read the disk: the int 13h extensions (AH=41h says
 *      whether AH=42h, reading by 64-bit LBA, is there), or else the old
 *      cylinder/head/sector call AH=02h, with the geometry from AH=08h.
 *   3. If sector 1 starts with Keel's stage 2 header ("Keel", then the
 *      number of sectors), load that many sectors from sector 1 to 0x8000
 *      and jump to 0x0000:0x8008 with the drive in %dl.  Stage 2 lives in
 *      the gap before the first partition (which starts at sector 2048).
 *   4. Otherwise behave like a classic MBR: find the active partition
 *      (status 0x80), load its first sector to 0x7C00, check for 0xAA55 and
 *      jump there with %dl the drive and %ds:%si the partition's entry.
 *
 * Failures print "Disk read error" or "No operating system" on the screen
 * (int 10h; a BIOS with serial console redirection copies it to the serial
 * port) and halt.  A flag byte at offset 432 makes the MBR
 * (and stage 2) use CHS reads even when the extensions are there, so the
 * old path can be tested on a BIOS that has both.
 */
#define RELOC        0x0600
#define PART_TABLE   (RELOC + 446)
#define STAGE2_SEG   0x0800           /* stage 2 at 0x8000 */
#define STAGE2_ENTRY 0x8008
#define STAGE2_MAGIC 0x6c65654b       /* "Keel" */
#define STAGE2_MAX   192              /* sectors: 0x8000..0x20000 */
#define VBR_SEG      0x07C0
#define MBR_FLAG_CHS 0x01             /* read by CHS even with the extensions */

	.code16
	.text
	.globl _start
_start:
	cli
	xorw %ax, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw $0x7C00, %sp
	cld
	movw $0x7C00, %si
	movw $RELOC, %di
	movw $256, %cx
	rep movsw
	ljmp $0, $relocated          /* linked at 0x600: lands in the copy */

relocated:
	sti
	movb %dl, drive
	testb $MBR_FLAG_CHS, mbr_flags
	jnz use_chs
	movb $0x41, %ah              /* extensions present? */
	movw $0x55AA, %bx
	int $0x13
	jc use_chs
	cmpw $0xAA55, %bx
	jne use_chs
	testb $1, %cl                /* bit 0: the packet calls (AH=42h) */
	jz use_chs
	movb $1, use_lba
	jmp find_stage2
use_chs:
	movb $0x08, %ah              /* geometry: CL[5:0] sectors, DH last head */
	movb drive, %dl
	xorw %di, %di
	int $0x13
	jc disk_error
	andw $0x3F, %cx
	movw %cx, sectors
	movzbw %dh, %ax
	incw %ax
	movw %ax, heads

find_stage2:
	movl $1, %eax
	movw $STAGE2_SEG, %bx
	movw %bx, %es
	call read_sector
	cmpl $STAGE2_MAGIC, STAGE2_SEG * 16
	jne find_active
	movw STAGE2_SEG * 16 + 4, %cx
	jcxz find_active
	cmpw $STAGE2_MAX, %cx
	ja find_active
1:	decw %cx                     /* sector 1 is in; read the rest */
	jz 2f
	incl %eax
	addw $0x20, %bx
	movw %bx, %es
	call read_sector
	jmp 1b
2:	movb drive, %dl
	ljmp $0, $STAGE2_ENTRY

find_active:
	movw $PART_TABLE, %si
	movw $4, %cx
3:	cmpb $0x80, (%si)
	je 4f
	addw $16, %si
	loop 3b
	jmp no_os
4:	movl 8(%si), %eax            /* the partition's first sector (LBA) */
	movw $VBR_SEG, %bx
	movw %bx, %es
	call read_sector
	cmpw $0xAA55, 0x7DFE
	jne no_os
	movb drive, %dl
	ljmp $0, $0x7C00

/* Read sector %eax to %es:0.  Keeps every register. */
read_sector:
	pushal
	cmpb $0, use_lba
	je 5f
	movl %eax, dap_lba
	movw %es, dap_seg
	movw $dap, %si
	movb $0x42, %ah
	jmp 6f
5:	xorl %edx, %edx              /* LBA -> cylinder, head, sector */
	movzwl sectors, %ecx
	divl %ecx                    /* eax = track, edx = sector - 1 */
	incw %dx
	movw %dx, %cx
	xorl %edx, %edx
	movzwl heads, %ebx
	divl %ebx                    /* eax = cylinder, edx = head */
	movb %dl, %dh
	movb %al, %ch                /* cylinder bits 0-7 */
	shlb $6, %ah
	orb %ah, %cl                 /* cylinder bits 8-9 over the sector */
	xorw %bx, %bx
	movw $0x0201, %ax            /* read one sector */
6:	movb drive, %dl
	int $0x13
	jc disk_error
	popal
	ret

disk_error:
	movw $msg_disk, %si
	jmp fatal
no_os:
	movw $msg_no_os, %si
fatal:
	lodsb
	testb %al, %al
	jz 8f
	movb $0x0E, %ah              /* teletype output */
	xorw %bx, %bx
	int $0x10
	jmp fatal
8:	hlt
	jmp 8b

msg_disk:	.asciz "Disk read error\r\n"
msg_no_os:	.asciz "No operating system\r\n"

drive:		.byte 0
use_lba:	.byte 0
sectors:	.word 0
heads:		.word 0
	.balign 4
dap:		.byte 16, 0          /* disk address packet for AH=42h */
		.word 1              /* sectors */
		.word 0              /* offset */
dap_seg:	.word 0              /* segment */
dap_lba:	.long 0, 0

	/*
	 * Flags tools/mkdisk.sh may set; stage 2 reads them from 0x0600 + 432.
	 * Bytes 440..445 (the disk signature) are left to the partitioning tool.
	 */
	.org 432                     /* fails to assemble if the code is too big */
mbr_flags:	.byte 0

	.org 446
partition_table:
	.fill 64, 1, 0
	.word 0xAA55
