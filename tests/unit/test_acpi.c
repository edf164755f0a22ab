// SPDX-License-Identifier: MIT
// The ACPI parser on tables captured from QEMU's pc machine (-m 256M), and
// on corrupted copies of them.
// UNIT_SRCS: kernel/arch/x86_64/acpi.c kernel/lib/string.c
// UNIT_CFLAGS: -fno-builtin -Dmemcpy=k_memcpy -Dmemmove=k_memmove -Dmemset=k_memset -Dmemcmp=k_memcmp -Dmemchr=k_memchr -Dstrlen=k_strlen -Dstrnlen=k_strnlen -Dstrcmp=k_strcmp -Dstrncmp=k_strncmp -Dstrchr=k_strchr -Dstrrchr=k_strrchr -Dstrstr=k_strstr -Dstrlcpy=k_strlcpy -Dstrlcat=k_strlcat
#define _GNU_SOURCE
#include <stdio.h>
#include "unit.h"
#include "arch/x86_64/acpi.h"

/* Two captured windows of guest physical memory. */
static unsigned char low[4096];    /* 0xF5000: the RSDP lives here */
static unsigned char high[8192];   /* 0xFFE0000: RSDT, FADT, MADT, HPET, DSDT */
#define LOW_BASE  0xF5000ull
#define HIGH_BASE 0xFFE0000ull

static void
load(const char *path, unsigned char *buf, size_t n)
{
	FILE *f = fopen(path, "rb");

	if (!f || fread(buf, 1, n, f) != n) {
		printf("cannot read %s\n", path);
		exit(1);
	}
	fclose(f);
}

static const void *
map(uint64_t pa, size_t len)
{
	if (pa >= LOW_BASE && pa + len <= LOW_BASE + sizeof(low))
		return low + (pa - LOW_BASE);
	if (pa >= HIGH_BASE && pa + len <= HIGH_BASE + sizeof(high))
		return high + (pa - HIGH_BASE);
	/* The EBDA pointer and the BIOS area outside the capture read as zeros. */
	static unsigned char zeros[0x20000];
	if (len <= sizeof(zeros))
		return zeros;
	return NULL;
}

/* The whole BIOS area 0xE0000-0xFFFFF, zero apart from the captured page. */
static const void *
map_bios_area(uint64_t pa, size_t len)
{
	static unsigned char bios[0x20000];

	if (pa >= 0xE0000 && pa + len <= 0x100000) {
		memset(bios, 0, sizeof(bios));
		memcpy(bios + (LOW_BASE - 0xE0000), low, sizeof(low));
		return bios + (pa - 0xE0000);
	}
	return map(pa, len);
}

static void
fresh(void)
{
	load("tests/unit/data/qemu-pc-acpi-f5000.bin", low, sizeof(low));
	load("tests/unit/data/qemu-pc-acpi-ffe0000.bin", high, sizeof(high));
}

static uint64_t
find_rsdp(void)
{
	for (size_t off = 0; off < sizeof(low); off += 16)
		if (memcmp(low + off, "RSD PTR ", 8) == 0)
			return LOW_BASE + off;
	return 0;
}

TEST(qemu_tables_parse)
{
	struct acpi_info a;

	fresh();
	acpi_parse(&a, find_rsdp(), map);
	CHECK(a.found);
	CHECK(a.has_madt);
	CHECK_EQ(a.lapic_addr, 0xFEE00000);
	CHECK_EQ(a.ncpus, 1);
	CHECK_EQ(a.nioapics, 1);
	CHECK_EQ(a.ioapics[0].addr, 0xFEC00000);
	CHECK_EQ(a.ioapics[0].gsi_base, 0);
	CHECK(a.nisos >= 1);
	CHECK_EQ(acpi_isa_irq_to_gsi(&a, 0, NULL), 2);   /* PIT: IRQ 0 -> GSI 2 */
	CHECK_EQ(acpi_isa_irq_to_gsi(&a, 4, NULL), 4);
	CHECK(a.has_fadt);
	CHECK_EQ(a.pm1a_cnt, 0x604);
	CHECK(a.has_s5);
	CHECK_EQ(a.slp_typa, 0);
	CHECK(a.has_hpet);
	CHECK_EQ(a.hpet_addr, 0xFED00000);
	CHECK_EQ(a.nbad, 0);
}

TEST(rsdp_search)
{
	fresh();
	CHECK_EQ(acpi_find_rsdp(map_bios_area), find_rsdp());
}

TEST(bad_checksum_table_is_skipped)
{
	struct acpi_info a;
	unsigned char *madt;

	fresh();
	madt = memmem(high, sizeof(high), "APIC", 4);
	CHECK(madt != NULL);
	madt[40] ^= 0xFF;   /* corrupt the local APIC address */
	acpi_parse(&a, find_rsdp(), map);
	CHECK(a.found);
	CHECK(!a.has_madt);
	CHECK_EQ(a.nbad, 1);
	CHECK(a.has_fadt);
}

TEST(corrupt_rsdp_means_no_acpi)
{
	struct acpi_info a;
	uint64_t r;

	fresh();
	r = find_rsdp();
	low[r - LOW_BASE + 8] ^= 1;   /* checksum byte */
	acpi_parse(&a, r, map);
	CHECK(!a.found);
	CHECK(!a.has_madt);
	acpi_parse(&a, 0, map);
	CHECK(!a.found);
}

TEST(madt_with_zero_length_entry_terminates)
{
	struct acpi_info a;
	unsigned char *madt;
	uint32_t len;

	fresh();
	madt = memmem(high, sizeof(high), "APIC", 4);
	memcpy(&len, madt + 4, 4);
	madt[44 + 1] = 0;   /* first entry's length: 0 */
	/* Re-balance the checksum so the table is still "valid". */
	unsigned char sum = 0;
	for (uint32_t i = 0; i < len; i++)
		sum += madt[i];
	madt[9] -= sum;
	acpi_parse(&a, find_rsdp(), map);
	CHECK(a.has_madt);
	CHECK_EQ(a.ncpus, 0);
}
