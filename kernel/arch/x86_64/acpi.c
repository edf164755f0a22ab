// SPDX-License-Identifier: MIT
/*
 * ACPI table parser.
 *
 * Every table starts with the same 36-byte header (signature, length,
 * revision, checksum, OEM ids) and is valid only if all its bytes sum to
 * zero.  A table that fails its checksum is skipped with a count, never
 * trusted: firmware bugs and corrupt tables must not crash the kernel.  The
 * one piece of AML Keel reads is the \_S5 package in the DSDT, which gives the
 * sleep type to write for power-off; it is found by a byte scan, the
 * well-known shortcut that avoids a full AML interpreter.
 */
#include "arch/x86_64/acpi.h"
#include "lib/string.h"

struct acpi_info acpi;

struct __packed rsdp {
	char sig[8];
	uint8_t checksum;
	char oem[6];
	uint8_t revision;
	uint32_t rsdt;
	uint32_t length;     /* revision >= 2 from here */
	uint64_t xsdt;
	uint8_t xchecksum;
	uint8_t reserved[3];
};

struct __packed sdt_header {
	char sig[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem[6];
	char oem_table[8];
	uint32_t oem_rev;
	uint32_t creator;
	uint32_t creator_rev;
};

struct __packed gas {          /* generic address structure */
	uint8_t space, bit_width, bit_offset, access_size;
	uint64_t addr;
};

struct __packed fadt {
	struct sdt_header h;
	uint32_t facs, dsdt;
	uint8_t reserved, preferred_pm;
	uint16_t sci_int;
	uint32_t smi_cmd;
	uint8_t acpi_enable, acpi_disable, s4bios, pstate;
	uint32_t pm1a_evt, pm1b_evt, pm1a_cnt, pm1b_cnt, pm2_cnt, pm_tmr;
	uint32_t gpe0, gpe1;
	uint8_t pm1_evt_len, pm1_cnt_len, pm2_cnt_len, pm_tmr_len;
	uint8_t gpe0_len, gpe1_len, gpe1_base, cst_cnt;
	uint16_t p_lvl2_lat, p_lvl3_lat, flush_size, flush_stride;
	uint8_t duty_offset, duty_width, day_alarm, mon_alarm, century;
	uint16_t iapc_boot_arch;
	uint8_t reserved2;
	uint32_t flags;
	struct gas reset_reg;
	uint8_t reset_value;
	uint8_t reserved3[3];
	uint64_t x_facs, x_dsdt;
};

#define MADT_LAPIC        0
#define MADT_IOAPIC       1
#define MADT_ISO          2
#define MADT_LAPIC_ADDR   5
#define MADT_X2APIC       9
#define MADT_PCAT_COMPAT  1
#define LAPIC_ENABLED     1
#define LAPIC_ONLINE_CAP  2

uint8_t
acpi_checksum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += b[i];
	return sum;
}

static bool
rsdp_valid(const struct rsdp *r)
{
	if (memcmp(r->sig, "RSD PTR ", 8) != 0 || acpi_checksum(r, 20) != 0)
		return false;
	if (r->revision >= 2 && r->length >= sizeof(*r) &&
	    acpi_checksum(r, sizeof(*r)) != 0)
		return false;
	return true;
}

static uint64_t
scan_rsdp(acpi_map_fn map, uint64_t start, size_t len)
{
	const uint8_t *p = map(start, len);

	if (!p)
		return 0;
	for (size_t off = 0; off + sizeof(struct rsdp) <= len; off += 16)
		if (rsdp_valid((const struct rsdp *)(p + off)))
			return start + off;
	return 0;
}

uint64_t
acpi_find_rsdp(acpi_map_fn map)
{
	const uint16_t *ebda_seg = map(0x40E, 2);
	uint64_t r = 0;

	if (ebda_seg && *ebda_seg)
		r = scan_rsdp(map, (uint64_t)*ebda_seg << 4, 1024);
	if (!r)
		r = scan_rsdp(map, 0xE0000, 0x20000);
	return r;
}

/* Map a whole table after checking its header; NULL if it is unusable. */
static const struct sdt_header *
map_table(struct acpi_info *a, uint64_t phys, acpi_map_fn map)
{
	const struct sdt_header *h = map(phys, sizeof(*h));

	if (!h || h->length < sizeof(*h) || h->length > (1u << 24))
		return NULL;
	h = map(phys, h->length);
	if (!h)
		return NULL;
	if (acpi_checksum(h, h->length) != 0) {
		a->nbad++;
		return NULL;
	}
	a->ntables++;
	return h;
}

static void
madt_entry(struct acpi_info *a, const uint8_t *e)
{
	switch (e[0]) {
	case MADT_LAPIC:
		/* flags at e[4]: usable if enabled or online-capable */
		if ((e[4] & (LAPIC_ENABLED | LAPIC_ONLINE_CAP)) && a->ncpus < ACPI_MAX_CPUS)
			a->cpu_apic_id[a->ncpus++] = e[3];
		break;
	case MADT_IOAPIC:
		if (a->nioapics < ACPI_MAX_IOAPICS) {
			struct acpi_ioapic *io = &a->ioapics[a->nioapics++];
			io->id = e[2];
			memcpy(&io->addr, e + 4, 4);
			memcpy(&io->gsi_base, e + 8, 4);
		}
		break;
	case MADT_ISO:
		if (a->nisos < ACPI_MAX_ISOS) {
			struct acpi_iso *iso = &a->isos[a->nisos++];
			iso->source = e[3];
			memcpy(&iso->gsi, e + 4, 4);
			memcpy(&iso->flags, e + 8, 2);
		}
		break;
	case MADT_LAPIC_ADDR:
		memcpy(&a->lapic_addr, e + 4, 8);
		break;
	default:
		break;
	}
}

static void
parse_madt(struct acpi_info *a, const struct sdt_header *h)
{
	const uint8_t *p = (const uint8_t *)h, *end = p + h->length;
	uint32_t lapic, flags;

	if (h->length < sizeof(*h) + 8)
		return;
	memcpy(&lapic, p + sizeof(*h), 4);
	memcpy(&flags, p + sizeof(*h) + 4, 4);
	a->has_madt = true;
	a->lapic_addr = lapic;
	a->pcat_compat = flags & MADT_PCAT_COMPAT;
	for (p += sizeof(*h) + 8; p + 2 <= end; p += p[1]) {
		if (p[1] < 2 || p + p[1] > end)
			break;  /* a zero or overlong entry would loop or overrun */
		madt_entry(a, p);
	}
}

/*
 * Find \_S5 in AML: NameOp(0x08) "_S5_" PackageOp(0x12) PkgLength NumElements
 * then SLP_TYPa and SLP_TYPb as ZeroOp(0), OneOp(1) or BytePrefix(0x0A) n.
 */
static const uint8_t *
aml_int(const uint8_t *p, const uint8_t *end, uint8_t *out)
{
	if (p >= end)
		return NULL;
	if (*p == 0x0A && p + 1 < end) {
		*out = p[1];
		return p + 2;
	}
	if (*p == 0x00 || *p == 0x01) {
		*out = *p;
		return p + 1;
	}
	return NULL;
}

static void
parse_s5(struct acpi_info *a, const struct sdt_header *dsdt)
{
	const uint8_t *p = (const uint8_t *)dsdt + sizeof(*dsdt);
	const uint8_t *end = (const uint8_t *)dsdt + dsdt->length;

	for (; p + 8 < end; p++) {
		if (memcmp(p, "_S5_", 4) != 0 || p[4] != 0x12)
			continue;
		p += 5;
		p += ((*p >> 6) & 3) + 1;   /* PkgLength: lead byte + extra bytes */
		p++;                        /* NumElements */
		p = aml_int(p, end, &a->slp_typa);
		if (p && aml_int(p, end, &a->slp_typb)) {
			a->has_s5 = true;
			return;
		}
		return;
	}
}

static void
parse_fadt(struct acpi_info *a, const struct sdt_header *h, acpi_map_fn map)
{
	struct fadt f = { 0 };
	uint64_t dsdt_phys;
	const struct sdt_header *dsdt;

	memcpy(&f, h, MIN(sizeof(f), (size_t)h->length));
	a->has_fadt = true;
	a->pm1a_cnt = f.pm1a_cnt;
	a->pm1b_cnt = f.pm1b_cnt;
	a->pm_tmr_blk = f.pm_tmr;
	a->century = f.century;
	if (h->length >= offsetof(struct fadt, reset_value) + 1) {
		a->reset_space = f.reset_reg.space;
		a->reset_addr = f.reset_reg.addr;
		a->reset_value = f.reset_value;
	}
	dsdt_phys = f.dsdt;
	if (h->length >= offsetof(struct fadt, x_dsdt) + 8 && f.x_dsdt)
		dsdt_phys = f.x_dsdt;
	if (dsdt_phys && (dsdt = map_table(a, dsdt_phys, map)) != NULL)
		parse_s5(a, dsdt);
}

static void
parse_table(struct acpi_info *a, uint64_t phys, acpi_map_fn map)
{
	const struct sdt_header *h = map_table(a, phys, map);

	if (!h)
		return;
	if (memcmp(h->sig, "APIC", 4) == 0) {
		parse_madt(a, h);
	} else if (memcmp(h->sig, "FACP", 4) == 0) {
		parse_fadt(a, h, map);
	} else if (memcmp(h->sig, "HPET", 4) == 0 && h->length >= sizeof(*h) + 20) {
		const uint8_t *b = (const uint8_t *)h + sizeof(*h);
		a->has_hpet = true;
		memcpy(&a->hpet_addr, b + 8, 8);   /* event timer block, GAS address */
	} else if (memcmp(h->sig, "MCFG", 4) == 0 && h->length >= sizeof(*h) + 8 + 16) {
		const uint8_t *b = (const uint8_t *)h + sizeof(*h) + 8;
		a->has_mcfg = true;
		memcpy(&a->mcfg_base, b, 8);
		a->mcfg_bus_start = b[10];
		a->mcfg_bus_end = b[11];
	}
}

void
acpi_parse(struct acpi_info *a, uint64_t rsdp_phys, acpi_map_fn map)
{
	const struct rsdp *r;
	const struct sdt_header *root;
	bool x;
	size_t entsz;

	memset(a, 0, sizeof(*a));
	if (!rsdp_phys || !(r = map(rsdp_phys, sizeof(*r))) || !rsdp_valid(r))
		return;
	a->found = true;
	a->revision = r->revision;
	memcpy(a->oem, r->oem, 6);
	x = r->revision >= 2 && r->xsdt;
	root = map_table(a, x ? r->xsdt : r->rsdt, map);
	if (!root && x)
		root = map_table(a, r->rsdt, map), x = false;
	if (!root)
		return;
	entsz = x ? 8 : 4;
	for (size_t off = sizeof(*root); off + entsz <= root->length; off += entsz) {
		uint64_t phys = 0;
		memcpy(&phys, (const uint8_t *)root + off, entsz);
		parse_table(a, phys, map);
	}
}

uint32_t
acpi_isa_irq_to_gsi(const struct acpi_info *a, uint8_t irq, uint16_t *flags)
{
	for (unsigned i = 0; i < a->nisos; i++) {
		if (a->isos[i].source == irq) {
			if (flags)
				*flags = a->isos[i].flags;
			return a->isos[i].gsi;
		}
	}
	if (flags)
		*flags = 0;
	return irq;
}
