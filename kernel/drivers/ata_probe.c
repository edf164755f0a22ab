// SPDX-License-Identifier: MIT
/*
 * Finding IDE drives.
 *
 * The IDE controller is a PCI function of class 01:01.  Its programming
 * interface byte says, per channel, whether it sits at the legacy ISA
 * addresses ("compatibility mode": 0x1F0/0x3F6 on IRQ 14 for the primary
 * channel, 0x170/0x376 on IRQ 15 for the secondary) or at the addresses in
 * its BARs with the PCI interrupt ("native mode").  QEMU's PIIX3 uses
 * compatibility mode.
 *
 * On each channel, each of the two drives is asked to IDENTIFY itself,
 * with the channel's interrupt masked (nIEN) and the answer polled:
 *   status 0xFF     nothing on the bus (pulled-up, floating lines)
 *   status 0        no drive in that position
 *   LBA1/LBA2 != 0  a packet device (ATAPI CD-ROM) or SATA signature: skipped
 *   ERR             not an ATA disk
 * otherwise 256 words of identity follow: the model name, LBA support, the
 * 28- and 48-bit capacities, write cache and cache flush support.  Drives
 * that only speak CHS (before ATA-1's LBA became universal) are skipped.
 * When the controller has bus-master registers (BAR 4) and the drive
 * supports DMA, data moves by DMA (ata_dma.c); otherwise by PIO.
 */
#include "drivers/ata.h"
#include "drivers/pci.h"
#include "arch/arch.h"
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/apic.h"
#include "core/printk.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/pmm.h"
#include "mm/slab.h"
#include "uapi/errno.h"

#define SD_MAJOR 8
#define SD_MINORS 16

/* IDENTIFY words. */
#define ID_MODEL        27    /* 20 words, bytes swapped in each */
#define ID_CAPS         49
#define ID_CAPS_LBA     (1u << 9)
#define ID_CAPS_DMA     (1u << 8)
#define ID_LBA28        60    /* 2 words */
#define ID_CMDSET2      83
#define ID_CMDSET_LBA48 (1u << 10)
#define ID_FLUSH        (1u << 12)
#define ID_FLUSH_EXT    (1u << 13)
#define ID_CMDSET_EN1   85
#define ID_WCACHE_ON    (1u << 5)
#define ID_LBA48        100   /* 4 words */

#define PROGIF_PRIMARY_NATIVE   0x01
#define PROGIF_SECONDARY_NATIVE 0x04
#define BMIDE_BAR               4     /* bus-master IDE registers, 8 per channel */

static unsigned sd_count;     /* [pci_mutex] */

/* Ask drive `slave` of ch to identify itself (polled).  => 0 or -ENODEV. */
static int
identify(struct ata_channel *ch, int slave, uint16_t id[256])
{
	int st;

	arch_outb((uint16_t)(ch->io + ATA_REG_DEVICE), ATA_DEV_OBS | (slave ? ATA_DEV_SLAVE : 0));
	ata_delay400(ch);
	for (unsigned r = ATA_REG_COUNT; r <= ATA_REG_LBA2; r++)
		arch_outb((uint16_t)(ch->io + r), 0);
	arch_outb((uint16_t)(ch->io + ATA_REG_COMMAND), ATA_CMD_IDENTIFY);
	ata_delay400(ch);
	if (arch_inb((uint16_t)(ch->io + ATA_REG_STATUS)) == 0)
		return -ENODEV;
	st = ata_wait_idle(ch);
	if (st < 0 || arch_inb((uint16_t)(ch->io + ATA_REG_LBA1)) ||
	    arch_inb((uint16_t)(ch->io + ATA_REG_LBA2)))
		return -ENODEV;
	for (int i = 0; i < 100000 && !(st & (ATA_SR_DRQ | ATA_SR_ERR)); i++)
		st = arch_inb((uint16_t)(ch->ctl + ATA_REG_ALTSTATUS));
	if (!(st & ATA_SR_DRQ) || (st & ATA_SR_ERR))
		return -ENODEV;
	arch_insw((uint16_t)(ch->io + ATA_REG_DATA), id, 256);
	arch_inb((uint16_t)(ch->io + ATA_REG_STATUS));
	return 0;
}

static void
model_string(char *out, const uint16_t *id)
{
	int n = 0;

	for (int i = 0; i < 20; i++) {
		out[n++] = (char)(id[ID_MODEL + i] >> 8);
		out[n++] = (char)id[ID_MODEL + i];
	}
	while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == 0))
		n--;
	out[n] = 0;
}

/* A drive from its identity, or NULL when it is not a disk Keel can drive. */
static struct ata_drive *
drive_from_identity(struct ata_channel *ch, int slave, const uint16_t *id)
{
	struct ata_drive *d;

	if (!(id[ID_CAPS] & ID_CAPS_LBA))
		return NULL;                          /* CHS-only drive */
	d = kzalloc(sizeof(*d));
	if (!d)
		return NULL;
	d->ch = ch;
	d->slave = (uint8_t)slave;
	d->lba48 = id[ID_CMDSET2] & ID_CMDSET_LBA48;
	d->flush = id[ID_CMDSET2] & ID_FLUSH;
	d->flush_ext = d->lba48 && (id[ID_CMDSET2] & ID_FLUSH_EXT);
	d->dma_capable = ch->bm && ch->prdt && (id[ID_CAPS] & ID_CAPS_DMA);
	d->use_dma = d->dma_capable;
	model_string(d->model, id);
	d->disk.nsectors = d->lba48 ? (uint64_t)id[ID_LBA48] | (uint64_t)id[ID_LBA48 + 1] << 16 |
				      (uint64_t)id[ID_LBA48 + 2] << 32 |
				      (uint64_t)id[ID_LBA48 + 3] << 48
				    : (uint32_t)id[ID_LBA28] | (uint32_t)id[ID_LBA28 + 1] << 16;
	d->disk.write_cache = d->flush && (id[ID_CMDSET_EN1] & ID_WCACHE_ON);
	d->disk.sector_size = BLK_SECTOR_SIZE;
	d->disk.max_inflight = 1;
	d->disk.ops = &ata_ops;
	d->disk.driver_data = d;
	return d;
}

static void
probe_drives(struct ata_channel *ch)
{
	uint16_t *id = kmalloc(512);

	if (!id)
		return;
	for (int slave = 0; slave < 2; slave++)
		if (identify(ch, slave, id) == 0)
			ch->drive[slave] = drive_from_identity(ch, slave, id);
	kfree(id);
}

static void
register_drives(struct ata_channel *ch)
{
	for (int slave = 0; slave < 2; slave++) {
		struct ata_drive *d = ch->drive[slave];
		int r;

		if (!d)
			continue;
		ksnprintf(d->disk.name, sizeof(d->disk.name), "sd%c", 'a' + sd_count);
		d->disk.major = SD_MAJOR;
		d->disk.minor = SD_MINORS * sd_count++;
		pr_info("ata: %s: %s %s \"%s\", %llu sectors, LBA%s, %s%s\n", d->disk.name,
			ch->name, slave ? "slave" : "master", d->model,
			(unsigned long long)d->disk.nsectors, d->lba48 ? "48" : "28",
			d->use_dma ? "DMA" : "PIO", d->disk.write_cache ? ", write cache" : "");
		r = blkdev_register(&d->disk);
		if (r)
			pr_warn("ata: %s: not registered (%d)\n", d->disk.name, r);
	}
}

/* Route the channel's interrupt: ISA IRQ 14/15, or the function's PCI line. */
static int
route_irq(struct ata_channel *ch, struct pci_dev *pdev, int isa_irq)
{
	uint16_t flags;

	if (isa_irq < 0)
		return pci_irq_setup(pdev, "ata", ata_irq, ch, 0) < 0 ? -ENXIO : 0;
	int vector = VEC_IRQ_BASE + (int)acpi_isa_irq_to_gsi(&acpi, (uint8_t)isa_irq, &flags);

	irq_set_handler(vector, "ata", ata_irq, ch);
	return ioapic_route_isa((uint8_t)isa_irq, vector) < 0 ? -ENXIO : 0;
}

static void
channel_free(struct ata_channel *ch)
{
	if (ch->prdt)
		pmm_free(virt_to_phys(ch->prdt), 0);
	kfree(ch);
}

static void
channel_setup(struct pci_dev *pdev, int n, uint16_t io, uint16_t ctl, int isa_irq, uint16_t bm)
{
	struct ata_channel *ch = kzalloc(sizeof(*ch));

	if (!ch)
		return;
	ksnprintf(ch->name, sizeof(ch->name), "ata%d", n);
	ch->io = io;
	ch->ctl = ctl;
	ch->bm = bm;
	if (bm && ata_dma_setup(ch) < 0)
		ch->bm = 0;                               /* PIO only */
	ata_channel_init(ch);
	if (arch_inb((uint16_t)(io + ATA_REG_STATUS)) == 0xFF) {
		channel_free(ch);                         /* floating bus: no drives */
		return;
	}
	arch_outb(ctl, ATA_CTL_NIEN);                     /* poll while probing */
	probe_drives(ch);
	if (!ch->drive[0] && !ch->drive[1]) {
		channel_free(ch);
		return;
	}
	if (route_irq(ch, pdev, isa_irq) < 0) {
		pr_warn("%s: no interrupt route; drives unused\n", ch->name);
		return;                                   /* ch stays: a handler may hold it */
	}
	arch_outb(ctl, 0);                                /* interrupts on */
	register_drives(ch);
}

static int
ata_probe(struct pci_dev *pdev, const struct pci_id *id)
{
	static const uint16_t compat_io[2] = { 0x1F0, 0x170 }, compat_ctl[2] = { 0x3F6, 0x376 };
	static const int compat_irq[2] = { 14, 15 };
	static int nchannels;
	struct pci_bar *bmide = &pdev->bar[BMIDE_BAR];
	bool has_bm = bmide->io && bmide->size >= 16;

	pci_enable(pdev, PCI_CMD_IO | (has_bm ? PCI_CMD_BUS_MASTER : 0));
	for (int c = 0; c < 2; c++) {
		bool native = pdev->prog_if & (c ? PROGIF_SECONDARY_NATIVE : PROGIF_PRIMARY_NATIVE);
		struct pci_bar *cmd = &pdev->bar[2 * c], *ctl = &pdev->bar[2 * c + 1];
		uint16_t bm = has_bm ? (uint16_t)(bmide->base + 8 * c) : 0;

		if (!native)
			channel_setup(pdev, nchannels++, compat_io[c], compat_ctl[c], compat_irq[c], bm);
		else if (cmd->io && ctl->io && cmd->size && ctl->size)
			/* Native mode: the control register is at offset 2 of BAR 1/3. */
			channel_setup(pdev, nchannels++, (uint16_t)cmd->base,
				      (uint16_t)(ctl->base + 2), -1, bm);
	}
	return 0;
}

static const struct pci_id ata_ids[] = {
	{ PCI_ANY, PCI_ANY, 0x010100, 0xFFFF00 },    /* any IDE controller */
	{ 0, 0, 0, 0 },
};

static struct pci_driver ata_driver = {
	.name = "ata",
	.ids = ata_ids,
	.probe = ata_probe,
};

void
ata_init(void)
{
	pci_register_driver(&ata_driver);
}

uint64_t
ata_interrupts(struct blkdev *d)
{
	struct ata_channel *ch;
	uint64_t n;

	if (d->parent)
		d = d->parent;
	if (d->ops != &ata_ops)
		return 0;
	ch = ((struct ata_drive *)d->driver_data)->ch;
	spin_lock(&ch->lock);
	n = ch->irqs;
	spin_unlock(&ch->lock);
	return n;
}
