/* SPDX-License-Identifier: MIT */
/*
 * The test initramfs (built by tests/data/mkcpio.sh with GNU cpio, see
 * mk/fs.mk), linked into the kernel so the ktests can unpack a real
 * archive without a boot loader.
 */
	.section .rodata
	.balign 16
	.global ktest_cpio_start, ktest_cpio_end
ktest_cpio_start:
	.incbin TEST_CPIO
ktest_cpio_end:
	.section .note.GNU-stack, "", @progbits
