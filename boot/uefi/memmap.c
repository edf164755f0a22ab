// SPDX-License-Identifier: MIT
/*
 * EFI memory map to E820 ranges.
 *
 * UEFI describes memory with a dozen types, most of which say who is using
 * the memory *while the firmware runs*.  After ExitBootServices the boot
 * services' code and data and the loader's own memory are free for the
 * kernel (it keeps what it needs: its image, the information block and the
 * modules are listed separately and reserved).  Runtime services memory must
 * stay untouched, ACPI tables keep their E820 types, and anything unknown is
 * reserved, the safe default.
 */
#include "uefi/memmap.h"
#include "arch/bootinfo.h"

uint32_t
efi_memory_e820_type(uint32_t efi_type)
{
	switch (efi_type) {
	case EFI_LOADER_CODE:
	case EFI_LOADER_DATA:
	case EFI_BOOT_SERVICES_CODE:
	case EFI_BOOT_SERVICES_DATA:
	case EFI_CONVENTIONAL_MEMORY:
		return MEM_USABLE;
	case EFI_ACPI_RECLAIM_MEMORY:
		return MEM_ACPI_RECLAIM;
	case EFI_ACPI_MEMORY_NVS:
		return MEM_ACPI_NVS;
	case EFI_UNUSABLE_MEMORY:
		return MEM_BAD;
	default:
		return MEM_RESERVED;
	}
}

unsigned
efi_memmap_to_mb2(struct mb2_builder *b, const void *map, uint64_t map_size,
		  uint64_t desc_size)
{
	uint64_t run_base = 0, run_len = 0;
	uint32_t run_type = 0;
	unsigned n = 0;

	if (desc_size < sizeof(struct efi_memory_descriptor))
		return 0;
	for (uint64_t off = 0; off + desc_size <= map_size; off += desc_size) {
		const struct efi_memory_descriptor *d =
			(const void *)((const uint8_t *)map + off);
		uint64_t base = d->physical_start, len = d->number_of_pages * EFI_PAGE_SIZE;
		uint32_t type = efi_memory_e820_type(d->type);

		if (len == 0)
			continue;
		if (run_len && type == run_type && base == run_base + run_len) {
			run_len += len;
			continue;
		}
		if (run_len) {
			mb2_mmap_add(b, run_base, run_len, run_type);
			n++;
		}
		run_base = base;
		run_len = len;
		run_type = type;
	}
	if (run_len) {
		mb2_mmap_add(b, run_base, run_len, run_type);
		n++;
	}
	return n;
}
