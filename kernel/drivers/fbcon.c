// SPDX-License-Identifier: MIT
/*
 * Framebuffer text console.  Under UEFI there is no VGA text mode: the
 * screen is a linear framebuffer (the GOP's), a grid of pixels in memory,
 * and text is drawn one 8x16 glyph at a time from a built-in font
 * (generated at build time by tools/pf2font from GRUB's ascii.pf2).
 *
 * The console keeps a shadow copy of the characters on screen.  Scrolling
 * moves the shadow up one row and redraws only the cells whose character
 * changed, so it never reads the framebuffer (reads from video memory are
 * slow on real hardware, and the mapping is uncached) and mostly skips the
 * blank tails of lines.
 *
 * Pixels are 16, 24 or 32 bits with red, green and blue at the bit
 * positions the loader reported.  Writes arrive under the printk lock, which
 * serializes them; the ktest below draws into ordinary memory through the
 * same code.
 */
#include "drivers/fbcon.h"
#include "core/ktest.h"
#include "core/printk.h"
#include "lib/string.h"
#include "mm/kmap.h"
#include "mm/slab.h"
#include "uapi/errno.h"

#include "fbfont.h"     /* generated: fbcon_font[128][16] */

#define GLYPH_W 8
#define GLYPH_H 16
#define FB_MAX_BYTES (256u << 20)

struct fbcon {
	uint8_t *fb;                /* the pixels, mapped */
	uint32_t width, height, pitch, bytespp;
	uint32_t cols, rows;
	uint32_t row, col;          /* the cursor */
	uint32_t fg, bg;            /* pixel values */
	uint8_t *cells;             /* the shadow: cols * rows characters */
};

static struct fbcon screen;

/* A grey level (0..255) as a pixel value for the loader's colour fields. */
static uint32_t
fb_grey(const struct boot_fb *fb, uint8_t v)
{
	const struct boot_fb_field *f[3] = { &fb->red, &fb->green, &fb->blue };
	uint32_t px = 0;

	for (int i = 0; i < 3; i++)
		if (f[i]->size)
			px |= (uint32_t)(v >> (8 - MIN(f[i]->size, 8))) << f[i]->pos;
	return px;
}

static void
put_pixel(struct fbcon *fc, uint8_t *p, uint32_t px)
{
	switch (fc->bytespp) {
	case 4:
		*(volatile uint32_t *)p = px;
		break;
	case 3:
		p[0] = px;
		p[1] = px >> 8;
		p[2] = px >> 16;
		break;
	default:
		*(volatile uint16_t *)p = px;
		break;
	}
}

static void
draw_cell(struct fbcon *fc, uint32_t row, uint32_t col, uint8_t c)
{
	const uint8_t *glyph = fbcon_font[c & 0x7f];
	uint8_t *line = fc->fb + (uint64_t)row * GLYPH_H * fc->pitch +
			col * GLYPH_W * fc->bytespp;

	for (int y = 0; y < GLYPH_H; y++, line += fc->pitch)
		for (int x = 0; x < GLYPH_W; x++)
			put_pixel(fc, line + x * fc->bytespp,
				  (glyph[y] & (0x80 >> x)) ? fc->fg : fc->bg);
}

static void
set_cell(struct fbcon *fc, uint32_t row, uint32_t col, uint8_t c)
{
	uint8_t *cell = &fc->cells[row * fc->cols + col];

	if (*cell != c) {
		*cell = c;
		draw_cell(fc, row, col, c);
	}
}

/* Move every row up by one; redraw only what changed. */
static void
scroll(struct fbcon *fc)
{
	for (uint32_t r = 0; r + 1 < fc->rows; r++)
		for (uint32_t c = 0; c < fc->cols; c++)
			set_cell(fc, r, c, fc->cells[(r + 1) * fc->cols + c]);
	for (uint32_t c = 0; c < fc->cols; c++)
		set_cell(fc, fc->rows - 1, c, ' ');
	fc->row = fc->rows - 1;
}

static void
newline(struct fbcon *fc)
{
	fc->col = 0;
	if (++fc->row == fc->rows)
		scroll(fc);
}

static void
fbcon_putc(struct fbcon *fc, char ch)
{
	uint8_t c = (uint8_t)ch;

	if (c == '\n') {
		newline(fc);
	} else if (c == '\r') {
		fc->col = 0;
	} else if (c == '\b') {
		if (fc->col)
			fc->col--;
	} else if (c == '\t') {
		do
			fbcon_putc(fc, ' ');
		while (fc->col % 8);
	} else {
		set_cell(fc, fc->row, fc->col, c >= 0x20 && c < 0x7f ? c : '?');
		if (++fc->col == fc->cols)
			newline(fc);
	}
}

static void
fbcon_clear(struct fbcon *fc)
{
	memset(fc->cells, 0, (size_t)fc->cols * fc->rows);   /* 0: forces the draw */
	for (uint32_t r = 0; r < fc->rows; r++)
		for (uint32_t c = 0; c < fc->cols; c++)
			set_cell(fc, r, c, ' ');
	fc->row = fc->col = 0;
}

/* Check the geometry and fill in fc; the caller maps fc->fb.  0 or -EINVAL. */
static int
fbcon_setup(struct fbcon *fc, const struct boot_fb *fb)
{
	uint32_t bytespp = fb->bpp / 8;

	if (fb->bpp != 16 && fb->bpp != 24 && fb->bpp != 32) {
		pr_warn("fbcon: %u bits per pixel is not supported (only 16, 24, 32)\n", fb->bpp);
		return -EINVAL;
	}
	if (fb->width < GLYPH_W || fb->height < GLYPH_H || fb->pitch < fb->width * bytespp ||
	    (uint64_t)fb->pitch * fb->height > FB_MAX_BYTES) {
		pr_warn("fbcon: bad framebuffer geometry %ux%u, pitch %u\n", fb->width,
			fb->height, fb->pitch);
		return -EINVAL;
	}
	if (!fb->red.size && !fb->green.size && !fb->blue.size) {
		pr_warn("fbcon: the loader gave no colour layout; indexed colour is not supported\n");
		return -EINVAL;
	}
	*fc = (struct fbcon){
		.width = fb->width, .height = fb->height, .pitch = fb->pitch,
		.bytespp = bytespp, .cols = fb->width / GLYPH_W, .rows = fb->height / GLYPH_H,
		.fg = fb_grey(fb, 0xaa), .bg = fb_grey(fb, 0),
	};
	return 0;
}

static void
fbcon_write(struct console *con, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fbcon_putc(&screen, s[i]);
}

static struct console fb_console = { .name = "fbcon", .write = fbcon_write };

int
fbcon_init(const struct boot_fb *fb)
{
	int err;

	if (!fb->addr) {
		pr_info("fbcon: no framebuffer from the boot loader; the console is serial only\n");
		return -ENODEV;
	}
	err = fbcon_setup(&screen, fb);
	if (err)
		return err;
	screen.cells = kmalloc((size_t)screen.cols * screen.rows);
	if (!screen.cells)
		goto out_nomem;
	screen.fb = kva_map_phys(fb->addr, (size_t)fb->pitch * fb->height);
	if (!screen.fb)
		goto out_free_cells;
	fbcon_clear(&screen);
	console_register(&fb_console);
	pr_info("fbcon: %ux%u framebuffer at %#llx, %ux%u text\n", fb->width, fb->height,
		(unsigned long long)fb->addr, screen.cols, screen.rows);
	return 0;

out_free_cells:
	kfree(screen.cells);
out_nomem:
	pr_warn("fbcon: no memory for the framebuffer console\n");
	return -ENOMEM;
}

/* ------------------------------------------------------------------ tests */

static uint32_t
read_pixel(const struct fbcon *fc, const uint8_t *p)
{
	switch (fc->bytespp) {
	case 4: return *(const uint32_t *)p;
	case 3: return p[0] | p[1] << 8 | (uint32_t)p[2] << 16;
	default: return *(const uint16_t *)p;
	}
}

/* Does the cell at (row, col) show character c, pixel for pixel? */
static bool
cell_shows(const struct fbcon *fc, uint32_t row, uint32_t col, uint8_t c)
{
	const uint8_t *line = fc->fb + row * GLYPH_H * fc->pitch + col * GLYPH_W * fc->bytespp;

	for (int y = 0; y < GLYPH_H; y++, line += fc->pitch)
		for (int x = 0; x < GLYPH_W; x++)
			if (read_pixel(fc, line + x * fc->bytespp) !=
			    ((fbcon_font[c][y] & (0x80 >> x)) ? fc->fg : fc->bg))
				return false;
	return true;
}

static void
put_str(struct fbcon *fc, const char *s)
{
	while (*s)
		fbcon_putc(fc, *s++);
}

/* A 4x3-cell console: draw, wrap, scroll; the pitch padding stays untouched. */
static int
exercise(struct fbcon *fc, uint32_t fg)
{
	const uint8_t *pad = fc->fb + fc->width * fc->bytespp;

	fbcon_clear(fc);
	KT_EQ(fc->fg, fg);
	put_str(fc, "AB\ncdefg");
	KT_ASSERT(cell_shows(fc, 0, 0, 'A') && cell_shows(fc, 0, 1, 'B'));
	KT_ASSERT(cell_shows(fc, 0, 2, ' ') && !cell_shows(fc, 0, 0, 'B'));
	KT_ASSERT(cell_shows(fc, 1, 0, 'c') && cell_shows(fc, 1, 3, 'f'));
	KT_ASSERT(cell_shows(fc, 2, 0, 'g'));          /* wrapped after four columns */
	put_str(fc, "\nh");                             /* the fourth line scrolls */
	KT_ASSERT(cell_shows(fc, 0, 0, 'c') && cell_shows(fc, 0, 3, 'f'));
	KT_ASSERT(cell_shows(fc, 1, 0, 'g') && cell_shows(fc, 1, 1, ' '));
	KT_ASSERT(cell_shows(fc, 2, 0, 'h') && cell_shows(fc, 2, 1, ' '));
	for (uint32_t y = 0; y < fc->height; y++)
		for (uint32_t i = 0; i < fc->pitch - fc->width * fc->bytespp; i++)
			KT_EQ(pad[y * fc->pitch + i], 0);
	return 0;
}

static int
try_format(uint8_t bpp, struct boot_fb_field r, struct boot_fb_field g,
	   struct boot_fb_field b, uint32_t fg)
{
	struct boot_fb fb = {
		.addr = 1, .width = 4 * GLYPH_W, .height = 3 * GLYPH_H, .bpp = bpp,
		.pitch = 4 * GLYPH_W * (bpp / 8) + 12, .red = r, .green = g, .blue = b,
	};
	struct fbcon fc;
	int ret;

	KT_EQ(fbcon_setup(&fc, &fb), 0);
	fc.fb = kzalloc((size_t)fb.pitch * fb.height);
	fc.cells = kmalloc((size_t)fc.cols * fc.rows);
	ret = fc.fb && fc.cells ? exercise(&fc, fg) : -1;
	kfree(fc.fb);
	kfree(fc.cells);
	return ret;
}

KTEST(fbcon_draws_wraps_scrolls, "the framebuffer console draws the font's pixels, wraps and scrolls")
{
	struct boot_fb_field lo8 = { 0, 8 }, mid8 = { 8, 8 }, hi8 = { 16, 8 };
	struct boot_fb bad = { .addr = 1, .width = 640, .height = 480, .bpp = 8, .pitch = 640 };

	KT_EQ(try_format(32, hi8, mid8, lo8, 0xaaaaaa), 0);          /* GOP BGR */
	KT_EQ(try_format(24, lo8, mid8, hi8, 0xaaaaaa), 0);
	/* 5-6-5: grey 0xaa is 0x15 in five bits, 0x2a in six. */
	KT_EQ(try_format(16, (struct boot_fb_field){ 11, 5 }, (struct boot_fb_field){ 5, 6 },
			 (struct boot_fb_field){ 0, 5 }, 0x15 << 11 | 0x2a << 5 | 0x15), 0);
	KT_EQ(fbcon_setup(&(struct fbcon){ 0 }, &bad), -EINVAL);    /* 8 bpp: refused */
	return 0;
}
