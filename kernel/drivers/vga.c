// SPDX-License-Identifier: MIT
/*
 * VGA text-mode console.  The screen is 80x25 cells at physical 0xB8000,
 * each a character byte and an attribute byte.  Keel mirrors the console
 * here so a machine with a screen shows the same log as the serial port.
 * The hardware cursor is not moved: that would need port I/O from a driver
 * for little gain.
 */
#include "drivers/vga.h"
#include "arch/arch.h"
#include "core/printk.h"
#include "lib/string.h"

#define VGA_PHYS 0xB8000
#define COLS 80
#define ROWS 25
#define ATTR 0x07     /* light grey on black */

static volatile uint16_t *screen;
static int row, col;

static void
scroll(void)
{
	for (int i = 0; i < (ROWS - 1) * COLS; i++)
		screen[i] = screen[i + COLS];
	for (int i = (ROWS - 1) * COLS; i < ROWS * COLS; i++)
		screen[i] = (ATTR << 8) | ' ';
	row = ROWS - 1;
}

static void
vga_putc(char c)
{
	if (c == '\n') {
		col = 0;
		row++;
	} else if (c == '\r') {
		col = 0;
	} else if (c == '\b') {
		if (col)
			col--;
	} else {
		screen[row * COLS + col] = (ATTR << 8) | (uint8_t)c;
		if (++col == COLS) {
			col = 0;
			row++;
		}
	}
	if (row == ROWS)
		scroll();
}

static void
vga_write(struct console *con, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		vga_putc(s[i]);
}

static struct console vga_console = { .name = "vga", .write = vga_write };

void
vga_init(void)
{
	screen = phys_to_virt(VGA_PHYS);
	for (int i = 0; i < ROWS * COLS; i++)
		screen[i] = (ATTR << 8) | ' ';
	console_register(&vga_console);
}
