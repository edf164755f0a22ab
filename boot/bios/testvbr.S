/* SPDX-License-Identifier: MIT */
/*
 * A partition boot sector for testing Keel's MBR (tests/stages/30-boot.sh).
 *
 * A classic MBR loads the active partition's first sector to 0x7C00 and
 * jumps to it with %dl = the boot drive and %ds:%si = that partition's
 * entry in the relocated partition table.  This sector checks both and
 * reports through QEMU's isa-debug-exit device (port 0xf4; QEMU exits with
 * value * 2 + 1): 0x10 -> 33 if the entry is an active one whose first
 * sector is the LBA this sector was loaded from, 0x11 -> 35 if not.
 */
	.code16
	.text
	.globl _start
_start:
	cli
	movb $0x11, %al               /* guilty until proven innocent */
	cmpb $0x80, %dl               /* a hard disk */
	jne 1f
	cmpb $0x80, (%si)             /* the entry says active */
	jne 1f
	movl 8(%si), %ebx             /* its first sector is where we were told */
	cmpl %cs:expected_lba, %ebx    /* linked at 0x7C00 */
	jne 1f
	movb $0x10, %al
1:	outb %al, $0xf4
2:	hlt
	jmp 2b

expected_lba:	.long 2048

	.org 510
	.word 0xAA55
