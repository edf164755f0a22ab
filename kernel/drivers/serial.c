// SPDX-License-Identifier: MIT
/*
 * 16550 UART driver for COM1 (I/O ports 0x3F8-0x3FF).
 *
 * Output polls the transmit-holding-register-empty bit: the console must
 * work from any context, panic included, so it never sleeps.  Input arrives
 * by interrupt (IRQ 4) once the tty asks for it.
 */
#include "drivers/serial.h"
#include "arch/arch.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/trap.h"
#include "core/printk.h"

#define COM1 0x3F8
#define REG_DATA 0
#define REG_IER  1      /* interrupt enable */
#define REG_FCR  2      /* FIFO control */
#define REG_LCR  3      /* line control */
#define REG_MCR  4      /* modem control */
#define REG_LSR  5      /* line status */
#define REG_DLL  0      /* divisor latch, when LCR.DLAB */
#define REG_DLM  1
#define LCR_8N1  0x03
#define LCR_DLAB 0x80
#define LSR_DATA 0x01
#define LSR_THRE 0x20
#define MCR_DTR_RTS_OUT2 0x0B
#define IER_RX   0x01
#define COM1_IRQ 4

static bool present;
static void (*rx_fn)(char c);

static void
serial_write(struct console *con, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}

static void
serial_write_raw(struct console *con, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		serial_putc(s[i]);
}

static struct console serial_console = {
	.name = "ttyS0", .write = serial_write, .write_raw = serial_write_raw,
};

void
serial_init(void)
{
	arch_outb(COM1 + REG_IER, 0);
	arch_outb(COM1 + REG_LCR, LCR_DLAB);
	arch_outb(COM1 + REG_DLL, 1);             /* 115200 baud */
	arch_outb(COM1 + REG_DLM, 0);
	arch_outb(COM1 + REG_LCR, LCR_8N1);
	arch_outb(COM1 + REG_FCR, 0xC7);          /* enable and clear FIFOs */
	arch_outb(COM1 + REG_MCR, MCR_DTR_RTS_OUT2);
	/* No UART answers 0xFF on the line status register. */
	present = arch_inb(COM1 + REG_LSR) != 0xFF;
	if (present)
		console_register(&serial_console);
}

void
serial_putc(char c)
{
	if (!present)
		return;
	for (int spin = 0; spin < 100000; spin++)
		if (arch_inb(COM1 + REG_LSR) & LSR_THRE)
			break;
	arch_outb(COM1 + REG_DATA, (uint8_t)c);
}

int
serial_getc(void)
{
	if (!present || !(arch_inb(COM1 + REG_LSR) & LSR_DATA))
		return -1;
	return arch_inb(COM1 + REG_DATA);
}

static void
serial_irq(struct trap_frame *tf, void *data)
{
	int c;

	while ((c = serial_getc()) >= 0)
		if (rx_fn)
			rx_fn((char)c);
}

void
serial_enable_rx_irq(void (*fn)(char c))
{
	rx_fn = fn;
	irq_set_handler(VEC_IRQ_BASE + COM1_IRQ, "ttyS0", serial_irq, NULL);
	ioapic_route_isa(COM1_IRQ, VEC_IRQ_BASE + COM1_IRQ);
	arch_outb(COM1 + REG_IER, IER_RX);
}
