/* SPDX-License-Identifier: MIT */
/*
 * boot_info: what every boot path hands the kernel.  QEMU's -kernel and
 * GRUB (multiboot 1 and 2), Keel's own BIOS loader and its UEFI loader all
 * fill this one structure, so nothing after the first few lines of kmain
 * knows how the machine was booted.
 */
#pragma once

#include "lib/compiler.h"

#define BOOT_MAX_MMAP    128
#define BOOT_MAX_MODULES 8
#define BOOT_CMDLINE_MAX 1024

/* Memory-map entry types; the numbers are E820's. */
enum {
	MEM_USABLE = 1,
	MEM_RESERVED = 2,
	MEM_ACPI_RECLAIM = 3,
	MEM_ACPI_NVS = 4,
	MEM_BAD = 5,
};

struct mem_range {
	uint64_t base;
	uint64_t len;
	uint32_t type;
};

struct boot_module {
	uint64_t start, end;       /* physical, end exclusive */
	char name[64];
};

/*
 * A linear framebuffer (UEFI GOP, VBE) or VGA text mode.  For a direct-colour
 * framebuffer each of red, green and blue is a bit field of a pixel: `size`
 * bits starting at bit `pos`.
 */
struct boot_fb_field {
	uint8_t pos, size;
};

struct boot_fb {
	uint64_t addr;             /* physical; 0 = no framebuffer */
	uint32_t width, height, pitch;
	uint8_t bpp;
	bool text_mode;            /* VGA text at 0xB8000 */
	struct boot_fb_field red, green, blue;
};

struct boot_info {
	const char *loader;        /* the protocol: "multiboot1", "multiboot2" */
	char loader_name[64];      /* who spoke it: "qemu", "GRUB 2.06", "Keel UEFI loader" */
	char cmdline[BOOT_CMDLINE_MAX];
	unsigned nmmap;
	struct mem_range mmap[BOOT_MAX_MMAP];
	unsigned nmodules;
	struct boot_module modules[BOOT_MAX_MODULES];
	struct boot_fb fb;
	uint64_t rsdp;             /* physical address, 0 = search for it */
	uint64_t mb_info_phys, mb_info_len;   /* the loader's block, kept reserved */
};

extern struct boot_info boot_info;

/* Fill boot_info from a multiboot 1 or 2 information block.  false: unknown magic. */
bool multiboot_parse(struct boot_info *bi, uint32_t magic, const void *info,
		     uint64_t info_phys);
/* Log what the loader handed over (the memory map at debug level). */
void boot_info_log(const struct boot_info *bi);
