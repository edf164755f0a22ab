/* SPDX-License-Identifier: MIT */
/*
 * The firmware's memory map in the kernel's terms (E820 types, the numbers
 * kernel/arch/bootinfo.h uses).  Pure C, tested on the host.
 */
#pragma once

#include "common/mb2.h"
#include "uefi/efi.h"

/* The E820 type for an EFI memory type, once boot services are gone. */
uint32_t efi_memory_e820_type(uint32_t efi_type);

/*
 * Append the map (map_size bytes of descriptors, desc_size apart) to b's open
 * memory-map tag, merging neighbours of the same E820 type.  Returns the
 * number of ranges added.
 */
unsigned efi_memmap_to_mb2(struct mb2_builder *b, const void *map, uint64_t map_size,
			   uint64_t desc_size);
