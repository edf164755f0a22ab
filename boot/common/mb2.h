/* SPDX-License-Identifier: MIT */
/*
 * Building a multiboot 2 information block, the form in which Keel's UEFI
 * loader hands the machine to the kernel (kernel/arch/x86_64/multiboot.c
 * reads it back).  The block is a header (total size, reserved) followed by
 * tags, each 8-byte aligned: a type, a size, and the type's payload.
 *
 * The builder writes into a caller's buffer and never allocates, because the
 * UEFI loader must be able to rebuild the memory-map tag after a failed
 * ExitBootServices, when allocating is no longer allowed.  Pure C.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MB2_BOOT_MAGIC 0x36D76289

enum {
	MB2_TAG_END = 0, MB2_TAG_CMDLINE = 1, MB2_TAG_LOADER_NAME = 2,
	MB2_TAG_MODULE = 3, MB2_TAG_MMAP = 6, MB2_TAG_FRAMEBUFFER = 8,
	MB2_TAG_ACPI_OLD = 14, MB2_TAG_ACPI_NEW = 15,
};

struct mb2_builder {
	uint8_t *buf;
	uint32_t cap, len;
	uint32_t mmap_tag;      /* offset of the open memory-map tag, 0 if none */
	bool overflow;          /* something did not fit: the block is unusable */
};

/* A direct-colour framebuffer (multiboot 2 framebuffer type 1, RGB). */
struct mb2_fb {
	uint64_t addr;
	uint32_t pitch, width, height;
	uint8_t bpp;
	uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

void mb2_begin(struct mb2_builder *b, void *buf, uint32_t cap);
void mb2_add_string(struct mb2_builder *b, uint32_t type, const char *s);
void mb2_add_module(struct mb2_builder *b, uint32_t start, uint32_t end, const char *name);
void mb2_add_framebuffer(struct mb2_builder *b, const struct mb2_fb *fb);
/* A copy of the ACPI RSDP: 20 bytes for revision 0 (tag 14), else its length (tag 15). */
void mb2_add_rsdp(struct mb2_builder *b, const void *rsdp);

/*
 * The memory map is built last, one range at a time.  To build it again from
 * a newer map, copy the builder before mb2_mmap_begin() and start over from
 * the copy: nothing before that point is touched.
 */
void mb2_mmap_begin(struct mb2_builder *b);
void mb2_mmap_add(struct mb2_builder *b, uint64_t base, uint64_t len, uint32_t type);

/* Close the block with the end tag.  Returns its size, or 0 if it overflowed. */
uint32_t mb2_finish(struct mb2_builder *b);
