/* SPDX-License-Identifier: MIT */
/*
 * Loading the kernel's ELF file, shared by Keel's two boot loaders (the UEFI
 * loader and the BIOS stage 2) and tested on the host.
 *
 * A loader reads the whole file into memory, asks elf_inspect() where its
 * segments go, makes that physical range available (UEFI allocates it, the
 * BIOS loader checks it against the E820 map), and calls elf_load() to copy
 * the file's bytes there and clear the rest (.bss).  Pure C: addresses are
 * physical, and the caller says where that physical range can be written.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where the image goes: [lo, hi) physical, page aligned, and its entries. */
struct elf_span {
	uint64_t lo, hi;
	uint64_t entry32;       /* e_entry: the 32-bit multiboot entry */
	uint64_t entry64;       /* from the Keel entry header; 0 if none */
	unsigned nload;         /* PT_LOAD segments */
};

/*
 * Check a 64-bit x86 executable and compute its span.  Returns 0, or a
 * negative number with *why set to a short explanation.
 */
int elf_inspect(const void *file, size_t size, struct elf_span *span, const char **why);

/*
 * Copy every PT_LOAD segment to its physical address and zero the bytes
 * between its file size and memory size.  Physical address p is written at
 * dst + (p - dst_phys).  elf_inspect() must have accepted the file.
 */
void elf_load(const void *file, size_t size, uint8_t *dst, uint64_t dst_phys);
