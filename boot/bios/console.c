// SPDX-License-Identifier: MIT
/*
 * Stage 2's console: every character goes to the screen and to COM1, so the
 * menu works on a machine with a monitor and on a serial line alike.  Keys
 * come from the BIOS keyboard buffer (int 16h) or COM1's receiver.
 *
 * The screen is written directly (80x25 text mode, a character and an
 * attribute byte per cell at 0xB8000) rather than through int 10h: a BIOS
 * with serial console redirection (SeaBIOS under `qemu -nographic`) copies
 * int 10h output to the serial port, and every line would then appear
 * twice there.
 */
#include <stdarg.h>
#include "bios/bios.h"
#include "lib/format.h"

#define COM1     0x3F8
#define UART_THR 0      /* transmit holding (DLAB=0) */
#define UART_RBR 0      /* receive buffer */
#define UART_DLL 0      /* divisor latch, low (DLAB=1) */
#define UART_DLM 1
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LSR_DATA 0x01
#define LSR_THRE 0x20

#define VGA_TEXT  0xB8000u
#define VGA_COLS  80
#define VGA_ROWS  25
#define VGA_ATTR  0x0700          /* light grey on black */
#define CRTC_ADDR 0x3D4
#define CRTC_DATA 0x3D5
#define CRTC_CURSOR_HI 0x0E
#define CRTC_CURSOR_LO 0x0F

static volatile uint16_t *const screen = (volatile uint16_t *)VGA_TEXT;
static unsigned row, col;

void
con_init(void)
{
	struct bios_regs r = { .eax = 0x0003 };     /* 80x25 colour text, cleared */

	bios_int(0x10, &r);
	row = col = 0;
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, 0x80);                /* DLAB: set the divisor */
	outb(COM1 + UART_DLL, 1);                   /* 115200 baud */
	outb(COM1 + UART_DLM, 0);
	outb(COM1 + UART_LCR, 0x03);                /* 8 bits, no parity, 1 stop */
	outb(COM1 + UART_FCR, 0xC7);                /* FIFOs on and cleared */
	outb(COM1 + UART_MCR, 0x03);                /* DTR, RTS */
}

static void
serial_putc(char c)
{
	for (int spin = 0; spin < 100000 && !(inb(COM1 + UART_LSR) & LSR_THRE); spin++)
		;
	outb(COM1 + UART_THR, (uint8_t)c);
}

static void
screen_scroll(void)
{
	for (unsigned i = 0; i < (VGA_ROWS - 1) * VGA_COLS; i++)
		screen[i] = screen[i + VGA_COLS];
	for (unsigned i = (VGA_ROWS - 1) * VGA_COLS; i < VGA_ROWS * VGA_COLS; i++)
		screen[i] = VGA_ATTR | ' ';
	row = VGA_ROWS - 1;
}

static void
screen_putc(char c)
{
	unsigned pos;

	if (c == '\n') {
		col = 0;
		row++;
	} else if (c == '\r') {
		col = 0;
	} else {
		screen[row * VGA_COLS + col] = VGA_ATTR | (uint8_t)c;
		if (++col == VGA_COLS) {
			col = 0;
			row++;
		}
	}
	if (row == VGA_ROWS)
		screen_scroll();
	pos = row * VGA_COLS + col;                  /* the blinking cursor follows */
	outb(CRTC_ADDR, CRTC_CURSOR_HI);
	outb(CRTC_DATA, pos >> 8);
	outb(CRTC_ADDR, CRTC_CURSOR_LO);
	outb(CRTC_DATA, pos & 0xFF);
}

void
con_putc(char c)
{
	if (c == '\n')
		serial_putc('\r');
	screen_putc(c);
	serial_putc(c);
}

void
con_printf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (const char *p = buf; *p; p++)
		con_putc(*p);
}

/* An ASCII key (Enter is '\r'), or -1 if none is waiting. */
int
con_getkey(void)
{
	struct bios_regs r = { .eax = 0x0100 };     /* int 16h AH=01h: peek */

	if (inb(COM1 + UART_LSR) & LSR_DATA)
		return inb(COM1 + UART_RBR);
	bios_int(0x16, &r);
	if (r.eflags & EFLAGS_ZF)
		return -1;
	r.eax = 0x0000;                             /* AH=00h: take it */
	bios_int(0x16, &r);
	return r.eax & 0xFF;
}

/* int 15h AH=86h waits CX:DX microseconds with interrupts on. */
void
bios_sleep_ms(unsigned ms)
{
	uint32_t us = ms * 1000;
	struct bios_regs r = { .eax = 0x8600, .ecx = us >> 16, .edx = us & 0xFFFF };

	bios_int(0x15, &r);
}
