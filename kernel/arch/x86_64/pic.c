// SPDX-License-Identifier: MIT
/*
 * The 8259A programmable interrupt controllers.
 *
 * At power-on the master PIC delivers IRQ 0-7 on vectors 8-15, right on top
 * of the CPU's exception vectors (8 is the double fault).  Even though Keel
 * uses the I/O APIC instead, the PICs must be reprogrammed (ICW1-ICW4) to a
 * harmless range before they are masked, because a masked PIC can still
 * raise a spurious IRQ 7 or 15, and that must not look like an exception.
 * A spurious IRQ shows as "not in service" in the ISR register and must not
 * be acknowledged (the master still needs an EOI for a spurious IRQ 15,
 * since the slave's cascade line really fired).
 */
#include "arch/x86_64/pic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap.h"

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xA0
#define PIC2_DATA 0xA1
#define ICW1_INIT 0x10
#define ICW1_ICW4 0x01
#define ICW4_8086 0x01
#define OCW3_READ_ISR 0x0B
#define PIC_EOI   0x20

void
pic_init_and_mask(void)
{
	outb(PIC1_CMD, ICW1_INIT | ICW1_ICW4); io_wait();
	outb(PIC2_CMD, ICW1_INIT | ICW1_ICW4); io_wait();
	outb(PIC1_DATA, VEC_PIC_BASE); io_wait();        /* ICW2: vector offset */
	outb(PIC2_DATA, VEC_PIC_BASE + 8); io_wait();
	outb(PIC1_DATA, 1 << 2); io_wait();               /* ICW3: slave on IRQ2 */
	outb(PIC2_DATA, 2); io_wait();                    /* ICW3: cascade id */
	outb(PIC1_DATA, ICW4_8086); io_wait();
	outb(PIC2_DATA, ICW4_8086); io_wait();
	outb(PIC1_DATA, 0xFF);                            /* mask everything */
	outb(PIC2_DATA, 0xFF);
}

static uint8_t
pic_isr(uint16_t cmd)
{
	outb(cmd, OCW3_READ_ISR);
	return inb(cmd);
}

void
pic_spurious_or_eoi(int irq)
{
	if (irq == 7 && !(pic_isr(PIC1_CMD) & 0x80))
		return;
	if (irq == 15 && !(pic_isr(PIC2_CMD) & 0x80)) {
		outb(PIC1_CMD, PIC_EOI);
		return;
	}
	if (irq >= 8)
		outb(PIC2_CMD, PIC_EOI);
	outb(PIC1_CMD, PIC_EOI);
}
