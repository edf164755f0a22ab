// SPDX-License-Identifier: MIT
/*
 * Power-off, reset and the QEMU test exit.
 *
 * ACPI power-off (S5) writes SLP_TYPa | SLP_EN to the PM1a control register
 * (and SLP_TYPb to PM1b if present); the sleep type comes from \_S5 in the
 * DSDT.  Reset tries the FADT reset register, then the PCI reset control
 * port 0xCF9, then the keyboard controller's reset line, and finally a triple
 * fault, which resets every PC.
 */
#include "arch/arch.h"
#include "arch/x86_64/acpi.h"
#include "core/printk.h"

#define SLP_EN        (1u << 13)
#define DEBUG_EXIT    0xF4
#define RESET_CF9     0xCF9
#define KBC_CMD       0x64
#define KBC_RESET     0xFE

void
arch_halt_forever(void)
{
	for (;;) {
		cli();
		hlt();
	}
}

void
arch_poweroff(void)
{
	cli();
	if (acpi.has_fadt && acpi.pm1a_cnt && acpi.has_s5) {
		outw(acpi.pm1a_cnt, (uint16_t)((acpi.slp_typa << 10) | SLP_EN));
		if (acpi.pm1b_cnt)
			outw(acpi.pm1b_cnt, (uint16_t)((acpi.slp_typb << 10) | SLP_EN));
	}
	/* Older QEMU machine types and Bochs honour these. */
	outw(0x604, 0x2000);
	outw(0xB004, 0x2000);
	printk(KERN_EMERG "power-off failed; halting\n");
	arch_halt_forever();
}

void
arch_reboot(void)
{
	struct desc_ptr none = { 0, 0 };

	cli();
	if (acpi.reset_space == 1 && acpi.reset_addr)
		outb((uint16_t)acpi.reset_addr, acpi.reset_value);
	outb(RESET_CF9, 0x02);
	outb(RESET_CF9, 0x06);
	outb(KBC_CMD, KBC_RESET);
	/* Triple fault: an empty IDT and an exception. */
	lidt(&none);
	__asm__ __volatile__("int3");
	arch_halt_forever();
}

void
arch_qemu_exit(int code)
{
	outl(DEBUG_EXIT, (uint32_t)code);
	/* No debug-exit device: a failure must not look like a clean power-off. */
	if (code == QEMU_EXIT_PASS)
		arch_poweroff();
	arch_halt_forever();
}
