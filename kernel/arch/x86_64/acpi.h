/* SPDX-License-Identifier: MIT */
/*
 * ACPI table discovery: what Keel needs from the firmware's tables.
 *
 *   RSDP -> RSDT (32-bit pointers) or XSDT (64-bit) -> MADT, FADT, HPET, MCFG
 *
 * The parser is pure C over a caller-supplied map function (physical address
 * to pointer), so host unit tests run it on captured table bytes.
 */
#pragma once

#include "lib/compiler.h"

#define ACPI_MAX_CPUS    64
#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_ISOS    24

struct acpi_ioapic {
	uint8_t id;
	uint32_t addr;
	uint32_t gsi_base;
};

/* An interrupt source override: ISA IRQ `source` is really GSI `gsi`. */
struct acpi_iso {
	uint8_t source;
	uint32_t gsi;
	uint16_t flags;    /* MPS INTI flags: polarity bits 0-1, trigger bits 2-3 */
};

struct acpi_info {
	bool found;                 /* an RSDP with a good checksum */
	uint8_t revision;
	char oem[7];

	bool has_madt;
	uint64_t lapic_addr;
	bool pcat_compat;           /* legacy 8259s present */
	unsigned ncpus;
	uint8_t cpu_apic_id[ACPI_MAX_CPUS];
	unsigned nioapics;
	struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
	unsigned nisos;
	struct acpi_iso isos[ACPI_MAX_ISOS];

	bool has_fadt;
	uint32_t pm1a_cnt, pm1b_cnt;   /* I/O ports */
	uint32_t pm_tmr_blk;
	uint8_t century;               /* CMOS index, 0 if none */
	uint8_t reset_space;           /* 1 = I/O port */
	uint64_t reset_addr;
	uint8_t reset_value;
	bool has_s5;
	uint8_t slp_typa, slp_typb;    /* from \_S5 in the DSDT */

	bool has_hpet;
	uint64_t hpet_addr;

	bool has_mcfg;
	uint64_t mcfg_base;
	uint8_t mcfg_bus_start, mcfg_bus_end;

	unsigned ntables;              /* tables with good checksums */
	unsigned nbad;                 /* tables skipped for bad checksums */
};

typedef const void *(*acpi_map_fn)(uint64_t phys, size_t len);

/* Look for the RSDP in the EBDA and the BIOS area (0xE0000-0xFFFFF). */
uint64_t acpi_find_rsdp(acpi_map_fn map);
/* Parse everything reachable from the RSDP at rsdp_phys; never fails hard. */
void acpi_parse(struct acpi_info *out, uint64_t rsdp_phys, acpi_map_fn map);
/* Sum of len bytes (a valid table sums to 0). */
uint8_t acpi_checksum(const void *p, size_t len);
/* ISA IRQ -> GSI and flags, through the overrides (identity otherwise). */
uint32_t acpi_isa_irq_to_gsi(const struct acpi_info *a, uint8_t irq, uint16_t *flags);

extern struct acpi_info acpi;
