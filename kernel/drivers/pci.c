// SPDX-License-Identifier: MIT
/*
 * PCI enumeration, configuration space and the driver registry.
 *
 * Configuration space is reached through two I/O ports (the "legacy"
 * mechanism #1): write an address to CONFIG_ADDRESS (0xCF8),
 *
 *   bit 31 enable | bus << 16 | device << 11 | function << 8 | offset & 0xFC
 *
 * then move 32 bits through CONFIG_DATA (0xCFC); narrower accesses use the
 * low bits of the offset as a byte lane of 0xCFC.  The two steps must not
 * interleave with another CPU's, so one spinlock covers them.  (PCIe also
 * maps configuration space into memory, ECAM, described by ACPI's MCFG;
 * Keel does not need the extended 4 KiB space, so it keeps to the ports,
 * which every PC has.)
 *
 * Enumeration is a depth-first walk.  Bus 0 hangs off the host bridge; a
 * function whose header type is 1 is a PCI-to-PCI bridge, and the bus
 * behind it (its secondary bus number, assigned by the firmware) is walked
 * in turn.  If function 0 of the host bridge at 00:00 is multi-function,
 * each function is the host bridge of another root bus.  A bus is visited
 * at most once, so a badly programmed bridge cannot make the walk loop.
 *
 * BAR sizes are found the standard way: with decoding switched off, write
 * all ones to the BAR, read back which address bits stuck at zero (those
 * are the size), and put the old value back.
 *
 * Locks, in order: pci_mutex (device and driver lists; held across probe,
 * which may sleep) -> pci_cfg_lock (the 0xCF8 address latch; leaf).
 */
#include "drivers/pci.h"
#include "arch/arch.h"
#include "core/printk.h"
#include "lib/format.h"
#include "lib/string.h"
#include "arch/x86_64/acpi.h"
#include "uapi/errno.h"
#include "mm/kmap.h"
#include "mm/slab.h"
#include "sync/mutex.h"
#include "sync/spinlock.h"

#define CONFIG_ADDRESS 0xCF8
#define CONFIG_DATA    0xCFC
#define CONFIG_ENABLE  0x80000000u

#define HEADER_MULTIFUNCTION 0x80
#define HEADER_TYPE_BRIDGE   0x01
#define HEADER_TYPE_CARDBUS  0x02
#define PCI_MAX_BUS   256
#define PCI_MAX_DEV   32
#define PCI_MAX_FN    8
#define PCI_MAX_CAPS  48     /* a capability list longer than this is looping */

/* The CONFIG_ADDRESS latch and the data access after it.  Leaf. */
static struct spinlock pci_cfg_lock = SPINLOCK_INIT("pci_cfg");
/* The lists below; held across probes.  Before blkdev_mutex and every driver lock. */
static struct mutex pci_mutex = MUTEX_INIT(pci_mutex);
static struct list_node pci_devices = LIST_INIT(pci_devices);   /* [pci_mutex] */
static struct list_node pci_drivers = LIST_INIT(pci_drivers);   /* [pci_mutex] */
static uint64_t buses_seen[PCI_MAX_BUS / 64];                   /* [pci_mutex] */

static uint32_t
cfg_addr(uint8_t bus, uint8_t dev, uint8_t fn, unsigned off)
{
	return CONFIG_ENABLE | (uint32_t)bus << 16 | (uint32_t)(dev & 31) << 11 |
	       (uint32_t)(fn & 7) << 8 | (off & 0xFC);
}

uint32_t
pci_cfg_read(uint8_t bus, uint8_t dev, uint8_t fn, unsigned off)
{
	uint32_t v;

	spin_lock(&pci_cfg_lock);
	arch_outl(CONFIG_ADDRESS, cfg_addr(bus, dev, fn, off));
	v = arch_inl(CONFIG_DATA);
	spin_unlock(&pci_cfg_lock);
	return v;
}

void
pci_cfg_write(uint8_t bus, uint8_t dev, uint8_t fn, unsigned off, uint32_t v)
{
	spin_lock(&pci_cfg_lock);
	arch_outl(CONFIG_ADDRESS, cfg_addr(bus, dev, fn, off));
	arch_outl(CONFIG_DATA, v);
	spin_unlock(&pci_cfg_lock);
}

uint32_t
pci_read32(const struct pci_dev *d, unsigned off)
{
	return pci_cfg_read(d->bus, d->dev, d->fn, off);
}

uint16_t
pci_read16(const struct pci_dev *d, unsigned off)
{
	return (uint16_t)(pci_read32(d, off) >> ((off & 2) * 8));
}

uint8_t
pci_read8(const struct pci_dev *d, unsigned off)
{
	return (uint8_t)(pci_read32(d, off) >> ((off & 3) * 8));
}

/* Narrow writes read-modify-write the dword; fine for the registers Keel writes. */
static void
write_lane(const struct pci_dev *d, unsigned off, uint32_t v, uint32_t mask)
{
	unsigned shift = (off & 3) * 8;
	uint32_t old;

	spin_lock(&pci_cfg_lock);
	arch_outl(CONFIG_ADDRESS, cfg_addr(d->bus, d->dev, d->fn, off));
	old = arch_inl(CONFIG_DATA);
	arch_outl(CONFIG_DATA, (old & ~(mask << shift)) | (v & mask) << shift);
	spin_unlock(&pci_cfg_lock);
}

void
pci_write32(const struct pci_dev *d, unsigned off, uint32_t v)
{
	pci_cfg_write(d->bus, d->dev, d->fn, off, v);
}

void
pci_write16(const struct pci_dev *d, unsigned off, uint16_t v)
{
	/* The status register next to command is write-one-to-clear: keep it 0. */
	if ((off & ~3u) == PCI_COMMAND)
		pci_cfg_write(d->bus, d->dev, d->fn, PCI_COMMAND, v);
	else
		write_lane(d, off, v, 0xFFFF);
}

void
pci_write8(const struct pci_dev *d, unsigned off, uint8_t v)
{
	write_lane(d, off, v, 0xFF);
}

void
pci_enable(struct pci_dev *d, uint16_t cmd_bits)
{
	pci_write16(d, PCI_COMMAND, pci_read16(d, PCI_COMMAND) | cmd_bits);
}

uint8_t
pci_find_cap(const struct pci_dev *d, uint8_t id, uint8_t after)
{
	uint8_t pos;

	if (!(pci_read16(d, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	pos = after ? pci_read8(d, after + 1) : pci_read8(d, PCI_CAP_PTR);
	for (int n = 0; n < PCI_MAX_CAPS && pos >= 0x40; n++) {
		pos &= 0xFC;
		if (pci_read8(d, pos) == id)
			return pos;
		pos = pci_read8(d, pos + 1);
	}
	return 0;
}

void *
pci_map_bar(struct pci_dev *d, int bar)
{
	struct pci_bar *b = &d->bar[bar];

	if (bar < 0 || bar >= PCI_NUM_BARS || b->io || b->size == 0 || b->base == 0)
		return NULL;
	pci_enable(d, PCI_CMD_MEMORY);
	return kva_map_phys(b->base, b->size);
}

/* ------------------------------------------------------------ BAR sizing */

/* Decode BAR i of d (switching decoding off around the sizing); next slot index. */
static int
bar_probe(struct pci_dev *d, int i)
{
	unsigned off = PCI_BAR0 + 4 * i;
	uint32_t lo = pci_read32(d, off), mask, hi_mask = 0xFFFFFFFF;
	struct pci_bar *b = &d->bar[i];

	pci_write32(d, off, 0xFFFFFFFF);
	mask = pci_read32(d, off);
	pci_write32(d, off, lo);
	if (mask == 0 || mask == 0xFFFFFFFF)
		return i + 1;                   /* not implemented */
	if (lo & 1) {                           /* I/O space */
		b->io = true;
		b->base = lo & ~3u;
		b->size = (uint16_t)(~(mask & ~3u) + 1);
		return i + 1;
	}
	b->prefetch = lo & 8;
	b->base = lo & ~0xFu;
	if (((lo >> 1) & 3) == 2 && i + 1 < PCI_NUM_BARS) {   /* 64-bit */
		uint32_t hi = pci_read32(d, off + 4);

		b->is64 = true;
		pci_write32(d, off + 4, 0xFFFFFFFF);
		hi_mask = pci_read32(d, off + 4);
		pci_write32(d, off + 4, hi);
		b->base |= (uint64_t)hi << 32;
	}
	b->size = ~(((uint64_t)hi_mask << 32) | (mask & ~0xFu)) + 1;
	if (!b->is64)
		b->size &= 0xFFFFFFFF;
	return b->is64 ? i + 2 : i + 1;
}

static void
bars_probe(struct pci_dev *d)
{
	int nbars = d->header_type == 0 ? 6 : d->header_type == HEADER_TYPE_BRIDGE ? 2 : 0;
	uint16_t cmd = pci_read16(d, PCI_COMMAND);

	pci_write16(d, PCI_COMMAND, cmd & ~(PCI_CMD_IO | PCI_CMD_MEMORY));
	for (int i = 0; i < nbars;)
		i = bar_probe(d, i);
	pci_write16(d, PCI_COMMAND, cmd);
}

/* ------------------------------------------------------------ logging */

static const struct {
	uint8_t cls, sub;
	const char *name;
} class_names[] = {
	{ 0x01, 0x00, "SCSI storage controller" }, { 0x01, 0x01, "IDE interface" },
	{ 0x01, 0x06, "SATA controller" }, { 0x01, 0x08, "Non-Volatile memory controller" },
	{ 0x01, 0xFF, "Mass storage controller" }, { 0x02, 0x00, "Ethernet controller" },
	{ 0x02, 0xFF, "Network controller" }, { 0x03, 0x00, "VGA compatible controller" },
	{ 0x03, 0xFF, "Display controller" }, { 0x04, 0xFF, "Multimedia controller" },
	{ 0x06, 0x00, "Host bridge" }, { 0x06, 0x01, "ISA bridge" },
	{ 0x06, 0x04, "PCI bridge" }, { 0x06, 0x80, "Bridge" }, { 0x06, 0xFF, "Bridge" },
	{ 0x07, 0xFF, "Communication controller" }, { 0x08, 0xFF, "System peripheral" },
	{ 0x0C, 0x03, "USB controller" }, { 0x0C, 0xFF, "Serial bus controller" },
	{ 0x00, 0xFF, "Unclassified device" },
};

static const char *
class_name(uint8_t cls, uint8_t sub)
{
	for (size_t i = 0; i < ARRAY_SIZE(class_names); i++)
		if (class_names[i].cls == cls && (class_names[i].sub == sub || class_names[i].sub == 0xFF))
			return class_names[i].name;
	return "Device";
}

static void
log_dev(const struct pci_dev *d)
{
	char line[200];
	size_t n;

	n = (size_t)ksnprintf(line, sizeof(line), "%s [%02x%02x]: %04x:%04x rev %02x",
			      class_name(d->class_code, d->subclass), d->class_code,
			      d->subclass, d->vendor, d->device, d->revision);
	if (d->irq_pin && n < sizeof(line))
		n += (size_t)ksnprintf(line + n, sizeof(line) - n, " irq %u (INT%c)",
				       d->irq_line, 'A' + d->irq_pin - 1);
	for (int i = 0; i < PCI_NUM_BARS && n < sizeof(line); i++) {
		const struct pci_bar *b = &d->bar[i];

		if (b->size)
			n += (size_t)ksnprintf(line + n, sizeof(line) - n, " bar%d %s %#llx/%#llx",
					       i, b->io ? "io" : b->is64 ? "mem64" : "mem",
					       (unsigned long long)b->base,
					       (unsigned long long)b->size);
	}
	pr_info("pci %02x:%02x.%x %s\n", d->bus, d->dev, d->fn, line);
}

/* ------------------------------------------------------------ enumeration */

static void scan_bus(uint8_t bus);

static struct pci_dev *
dev_read(uint8_t bus, uint8_t dev, uint8_t fn)
{
	struct pci_dev *d = kzalloc(sizeof(*d));
	uint32_t id, class;

	if (!d)
		return NULL;
	d->bus = bus;
	d->dev = dev;
	d->fn = fn;
	id = pci_read32(d, PCI_VENDOR_ID);
	d->vendor = (uint16_t)id;
	d->device = (uint16_t)(id >> 16);
	class = pci_read32(d, PCI_REVISION);
	d->revision = (uint8_t)class;
	d->prog_if = (uint8_t)(class >> 8);
	d->subclass = (uint8_t)(class >> 16);
	d->class_code = (uint8_t)(class >> 24);
	d->header_type = pci_read8(d, PCI_HEADER_TYPE) & 0x7F;
	if (d->header_type != HEADER_TYPE_CARDBUS) {
		d->irq_line = pci_read8(d, PCI_INTERRUPT_LINE);
		d->irq_pin = pci_read8(d, PCI_INTERRUPT_PIN);
		if (d->irq_pin > 4)
			d->irq_pin = 0;
	}
	d->msi_cap = pci_find_cap(d, PCI_CAP_MSI, 0);
	d->msix_cap = pci_find_cap(d, PCI_CAP_MSIX, 0);
	list_init(&d->node);
	bars_probe(d);
	return d;
}

static void
scan_fn(uint8_t bus, uint8_t dev, uint8_t fn)
{
	struct pci_dev *d = dev_read(bus, dev, fn);

	if (!d) {
		pr_err("pci: out of memory at %02x:%02x.%x\n", bus, dev, fn);
		return;
	}
	list_push_back(&pci_devices, &d->node);
	log_dev(d);
	if (d->header_type == HEADER_TYPE_BRIDGE)
		scan_bus(pci_read8(d, PCI_SECONDARY_BUS));
}

static bool
fn_present(uint8_t bus, uint8_t dev, uint8_t fn)
{
	return (pci_cfg_read(bus, dev, fn, PCI_VENDOR_ID) & 0xFFFF) != 0xFFFF;
}

static void
scan_bus(uint8_t bus)
{
	uint64_t bit = 1ull << (bus % 64);

	if (buses_seen[bus / 64] & bit)
		return;
	buses_seen[bus / 64] |= bit;
	for (uint8_t dev = 0; dev < PCI_MAX_DEV; dev++) {
		if (!fn_present(bus, dev, 0))
			continue;
		scan_fn(bus, dev, 0);
		if (!(pci_cfg_read(bus, dev, 0, PCI_HEADER_TYPE & ~3u) >> 16 & HEADER_MULTIFUNCTION))
			continue;
		for (uint8_t fn = 1; fn < PCI_MAX_FN; fn++)
			if (fn_present(bus, dev, fn))
				scan_fn(bus, dev, fn);
	}
}

/* ------------------------------------------------------------ drivers */

static bool
id_match(const struct pci_id *id, const struct pci_dev *d)
{
	uint32_t class = (uint32_t)d->class_code << 16 | (uint32_t)d->subclass << 8 | d->prog_if;

	return (id->vendor == PCI_ANY || id->vendor == d->vendor) &&
	       (id->device == PCI_ANY || id->device == d->device) &&
	       (class & id->class_mask) == (id->class_code & id->class_mask);
}

static bool
id_empty(const struct pci_id *id)
{
	return !id->vendor && !id->device && !id->class_code && !id->class_mask;
}

/* => pci_mutex held.  Offer d to drv; true if it bound. */
static bool
try_bind(struct pci_driver *drv, struct pci_dev *d)
{
	for (const struct pci_id *id = drv->ids; !id_empty(id); id++) {
		int r;

		if (!id_match(id, d))
			continue;
		r = drv->probe(d, id);
		if (r == 0) {
			d->driver = drv;
			pr_info("pci %02x:%02x.%x: bound to %s\n", d->bus, d->dev, d->fn, drv->name);
			return true;
		}
		if (r != -ENODEV)
			pr_warn("pci %02x:%02x.%x: %s probe failed (%d)\n", d->bus, d->dev, d->fn,
				drv->name, r);
	}
	return false;
}

void
pci_register_driver(struct pci_driver *drv)
{
	mutex_lock(&pci_mutex);
	list_push_back(&pci_drivers, &drv->node);
	list_for_each(n, &pci_devices) {
		struct pci_dev *d = list_entry(n, struct pci_dev, node);

		if (!d->driver)
			try_bind(drv, d);
	}
	mutex_unlock(&pci_mutex);
}

void
pci_init(void)
{
	unsigned count = 0;

	mutex_lock(&pci_mutex);
	/* A multi-function host bridge at 00:00 means one root bus per function. */
	if (pci_cfg_read(0, 0, 0, PCI_HEADER_TYPE & ~3u) >> 16 & HEADER_MULTIFUNCTION) {
		for (uint8_t fn = 0; fn < PCI_MAX_FN; fn++)
			if (fn_present(0, 0, fn))
				scan_bus(fn);
	} else {
		scan_bus(0);
	}
	list_for_each(n, &pci_devices)
		count++;
	mutex_unlock(&pci_mutex);
	pr_info("pci: %u functions%s\n", count, acpi.has_mcfg ? " (ECAM present; using the ports)" : "");
}

int
pci_for_each_dev(int (*fn)(struct pci_dev *pdev, void *arg), void *arg)
{
	int r = 0;

	mutex_lock(&pci_mutex);
	list_for_each(n, &pci_devices) {
		r = fn(list_entry(n, struct pci_dev, node), arg);
		if (r)
			break;
	}
	mutex_unlock(&pci_mutex);
	return r;
}

struct pci_dev *
pci_find(uint16_t vendor, uint16_t device, unsigned nth)
{
	struct pci_dev *found = NULL;

	mutex_lock(&pci_mutex);
	list_for_each(n, &pci_devices) {
		struct pci_dev *d = list_entry(n, struct pci_dev, node);

		if ((vendor == PCI_ANY || d->vendor == vendor) &&
		    (device == PCI_ANY || d->device == device) && nth-- == 0) {
			found = d;
			break;
		}
	}
	mutex_unlock(&pci_mutex);
	return found;
}
