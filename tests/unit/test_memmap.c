// SPDX-License-Identifier: MIT
// Memory-map normalization: sorting, overlaps, merging, junk entries.
// UNIT_SRCS: kernel/mm/memmap.c
#include "unit.h"
#include "mm/memmap.h"

TEST(sorted_disjoint_unchanged)
{
	struct mem_range r[BOOT_MAX_MMAP] = {
		{ 0, 0x9fc00, MEM_USABLE },
		{ 0xf0000, 0x10000, MEM_RESERVED },
		{ 0x100000, 0x7ee0000, MEM_USABLE },
	};
	unsigned n = memmap_normalize(r, 3, BOOT_MAX_MMAP);

	CHECK_EQ(n, 3);
	CHECK_EQ(r[2].base, 0x100000);
	CHECK_EQ(memmap_total(r, n, MEM_USABLE), 0x9fc00 + 0x7ee0000);
}

TEST(unsorted_overlapping_reserved_wins)
{
	struct mem_range r[BOOT_MAX_MMAP] = {
		{ 0x100000, 0x1000000, MEM_USABLE },     /* 1M..17M */
		{ 0, 0xa0000, MEM_USABLE },
		{ 0x800000, 0x100000, MEM_RESERVED },    /* hole at 8M..9M */
		{ 0x1000000, 0x200000, MEM_USABLE },     /* overlaps the end, extends it */
		{ 0x500000, 0, MEM_USABLE },              /* empty: dropped */
	};
	unsigned n = memmap_normalize(r, 5, BOOT_MAX_MMAP);

	CHECK_EQ(n, 4);
	CHECK_EQ(r[0].base, 0);
	CHECK_EQ(r[1].base, 0x100000);
	CHECK_EQ(r[1].len, 0x700000);
	CHECK_EQ(r[2].type, MEM_RESERVED);
	CHECK_EQ(r[3].base, 0x900000);
	CHECK_EQ(r[3].base + r[3].len, 0x1200000);
	for (unsigned i = 1; i < n; i++)
		CHECK(r[i - 1].base + r[i - 1].len <= r[i].base);
}

TEST(adjacent_same_type_merges_and_bad_beats_all)
{
	struct mem_range r[BOOT_MAX_MMAP] = {
		{ 0x2000, 0x1000, MEM_USABLE },
		{ 0x1000, 0x1000, MEM_USABLE },
		{ 0x1800, 0x100, MEM_BAD },
		{ 0x1800, 0x100, MEM_ACPI_NVS },
		{ ~0ull - 10, 100, MEM_USABLE },   /* wraps: dropped */
	};
	unsigned n = memmap_normalize(r, 5, BOOT_MAX_MMAP);

	CHECK_EQ(n, 3);
	CHECK_EQ(r[0].base, 0x1000);
	CHECK_EQ(r[0].len, 0x800);
	CHECK_EQ(r[1].type, MEM_BAD);
	CHECK_EQ(r[2].base, 0x1900);
	CHECK_EQ(r[2].base + r[2].len, 0x3000);
}
