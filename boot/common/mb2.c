// SPDX-License-Identifier: MIT
/*
 * The multiboot 2 information block builder (see mb2.h).  Layouts are the
 * multiboot 2 specification's: every tag starts with u32 type, u32 size
 * (not counting the padding to the next 8-byte boundary).
 */
#include "common/mb2.h"
#include "lib/string.h"

#define MB2_FB_TYPE_RGB 1
#define MB2_MMAP_ENTRY_SIZE 24

static void
put32(struct mb2_builder *b, uint32_t off, uint32_t v)
{
	memcpy(b->buf + off, &v, 4);
}

/* Reserve a tag of `size` bytes (header included); returns its offset or 0. */
static uint32_t
tag_open(struct mb2_builder *b, uint32_t type, uint32_t size)
{
	uint32_t off = b->len;
	uint32_t end = off + ((size + 7) & ~7u);

	if (b->overflow || end > b->cap || end < off) {
		b->overflow = true;
		return 0;
	}
	memset(b->buf + off, 0, end - off);
	put32(b, off, type);
	put32(b, off + 4, size);
	b->len = end;
	return off;
}

void
mb2_begin(struct mb2_builder *b, void *buf, uint32_t cap)
{
	*b = (struct mb2_builder){ .buf = buf, .cap = cap, .len = 8 };
	if (cap < 16) {
		b->overflow = true;
		return;
	}
	memset(buf, 0, 8);
}

void
mb2_add_string(struct mb2_builder *b, uint32_t type, const char *s)
{
	uint32_t n = (uint32_t)strlen(s) + 1;
	uint32_t off = tag_open(b, type, 8 + n);

	if (off)
		memcpy(b->buf + off + 8, s, n);
}

void
mb2_add_module(struct mb2_builder *b, uint32_t start, uint32_t end, const char *name)
{
	uint32_t n = (uint32_t)strlen(name) + 1;
	uint32_t off = tag_open(b, MB2_TAG_MODULE, 16 + n);

	if (!off)
		return;
	put32(b, off + 8, start);
	put32(b, off + 12, end);
	memcpy(b->buf + off + 16, name, n);
}

void
mb2_add_framebuffer(struct mb2_builder *b, const struct mb2_fb *fb)
{
	uint32_t off = tag_open(b, MB2_TAG_FRAMEBUFFER, 38);
	uint8_t *t = b->buf + off;

	if (!off)
		return;
	memcpy(t + 8, &fb->addr, 8);
	put32(b, off + 16, fb->pitch);
	put32(b, off + 20, fb->width);
	put32(b, off + 24, fb->height);
	t[28] = fb->bpp;
	t[29] = MB2_FB_TYPE_RGB;
	t[32] = fb->red_pos;
	t[33] = fb->red_size;
	t[34] = fb->green_pos;
	t[35] = fb->green_size;
	t[36] = fb->blue_pos;
	t[37] = fb->blue_size;
}

void
mb2_add_rsdp(struct mb2_builder *b, const void *rsdp)
{
	const uint8_t *r = rsdp;
	uint32_t len = 20, off;

	/* Revision (byte 15) 2 and later carry their length at byte 20. */
	if (r[15] >= 2)
		memcpy(&len, r + 20, 4);
	if (len < 20 || len > 64)
		len = 20;
	off = tag_open(b, r[15] >= 2 ? MB2_TAG_ACPI_NEW : MB2_TAG_ACPI_OLD, 8 + len);
	if (off)
		memcpy(b->buf + off + 8, r, len);
}

void
mb2_mmap_begin(struct mb2_builder *b)
{
	uint32_t off = tag_open(b, MB2_TAG_MMAP, 16);

	if (!off)
		return;
	put32(b, off + 8, MB2_MMAP_ENTRY_SIZE);
	put32(b, off + 12, 0);                  /* entry version */
	b->mmap_tag = off;
}

void
mb2_mmap_add(struct mb2_builder *b, uint64_t base, uint64_t len, uint32_t type)
{
	uint32_t size, off;

	if (!b->mmap_tag || b->overflow)
		return;
	/* The memory-map tag is the last one open, so it grows in place. */
	memcpy(&size, b->buf + b->mmap_tag + 4, 4);
	off = b->mmap_tag + size;
	if (off + MB2_MMAP_ENTRY_SIZE > b->cap) {
		b->overflow = true;
		return;
	}
	memcpy(b->buf + off, &base, 8);
	memcpy(b->buf + off + 8, &len, 8);
	put32(b, off + 16, type);
	put32(b, off + 20, 0);
	put32(b, b->mmap_tag + 4, size + MB2_MMAP_ENTRY_SIZE);
	b->len = (off + MB2_MMAP_ENTRY_SIZE + 7) & ~7u;
}

uint32_t
mb2_finish(struct mb2_builder *b)
{
	b->mmap_tag = 0;
	if (!tag_open(b, MB2_TAG_END, 8))
		return 0;
	put32(b, 0, b->len);
	return b->len;
}
