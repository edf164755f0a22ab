// SPDX-License-Identifier: MIT
/*
 * Bus-master IDE DMA (the PIIX's "BMIDE" registers, SFF-8038i).
 *
 * With PIO, the CPU copies every sector through the data port and takes an
 * interrupt per sector.  With bus-master DMA, the controller copies: the
 * driver writes a table of physical memory regions (PRDs: a 32-bit
 * address, a byte count, and an end-of-table bit), points the controller at
 * it, issues READ DMA or WRITE DMA, and starts the engine; one interrupt
 * comes when the whole command is done.  The CPU is free meanwhile, and
 * there is one interrupt per command instead of one per sector.
 *
 * The controller's rules: the table and every region are below 4 GiB, a
 * region does not cross a 64 KiB boundary, and counts are even (a count of
 * 0 means 64 KiB).  A request whose memory lies above 4 GiB goes by PIO.
 *
 * Registers, per channel (primary at BAR4 + 0, secondary at + 8):
 *   +0 command   bit 0 start, bit 3 direction (1: device to memory)
 *   +2 status    bit 0 active, bit 1 error, bit 2 interrupt (write 1 to clear)
 *   +4 PRDT      physical address of the table
 *
 * Keel leaves the drive's transfer mode and the PIIX timings as the
 * firmware set them; QEMU needs neither.
 */
#include "drivers/ata.h"
#include "arch/arch.h"
#include "mm/pmm.h"
#include "uapi/errno.h"

#define BM_CMD          0
#define BM_STATUS       2
#define BM_PRDT         4
#define BM_CMD_START    0x01
#define BM_CMD_TO_MEM   0x08
#define BM_ST_ACTIVE    0x01
#define BM_ST_ERROR     0x02
#define BM_ST_IRQ       0x04
#define PRD_EOT         0x8000
#define PRD_MAX         (PAGE_SIZE / sizeof(struct ata_prd))
#define DMA_LIMIT       (1ull << 32)
#define BOUNDARY        0x10000ull

struct ata_prd {
	uint32_t addr;
	uint16_t count;          /* bytes; 0 means 64 KiB */
	uint16_t flags;
} __packed;

int
ata_dma_setup(struct ata_channel *ch)
{
	paddr_t pa = pmm_alloc_zeroed(0);

	if (!pa)
		return -ENOMEM;
	if (pa + PAGE_SIZE > DMA_LIMIT) {
		pmm_free(pa, 0);
		return -ENOMEM;
	}
	ch->prdt = phys_to_virt(pa);
	return 0;
}

bool
ata_dma_reachable(const struct blk_request *rq)
{
	for (unsigned i = 0; i < rq->nseg; i++)
		if (virt_to_phys(rq->seg[i].buf) + rq->seg[i].len > DMA_LIMIT)
			return false;
	return true;
}

int
ata_dma_prepare_locked(struct ata_channel *ch, uint32_t n, bool to_memory)
{
	uint32_t bytes = n * BLK_SECTOR_SIZE, off = ch->seg_off;
	unsigned seg = ch->seg, k = 0;

	while (bytes > 0) {
		const struct blk_seg *s = &ch->cur->seg[seg];
		paddr_t pa = virt_to_phys(s->buf) + off;
		uint64_t len = MIN((uint64_t)MIN(bytes, s->len - off), BOUNDARY - pa % BOUNDARY);

		if (k == PRD_MAX)
			return -EIO;
		ch->prdt[k++] = (struct ata_prd){ (uint32_t)pa, (uint16_t)len, 0 };
		bytes -= (uint32_t)len;
		off += (uint32_t)len;
		if (off == s->len) {
			seg++;
			off = 0;
		}
	}
	ch->prdt[k - 1].flags = PRD_EOT;
	arch_wmb();
	arch_outl((uint16_t)(ch->bm + BM_PRDT), (uint32_t)virt_to_phys(ch->prdt));
	arch_outb((uint16_t)(ch->bm + BM_CMD), to_memory ? BM_CMD_TO_MEM : 0);
	arch_outb((uint16_t)(ch->bm + BM_STATUS), BM_ST_ERROR | BM_ST_IRQ);   /* clear */
	ch->cmd_sectors = n;
	return 0;
}

void
ata_dma_start_locked(struct ata_channel *ch, bool to_memory)
{
	arch_outb((uint16_t)(ch->bm + BM_CMD), (to_memory ? BM_CMD_TO_MEM : 0) | BM_CMD_START);
	ch->dma_cmds++;
}

/* Move the request's position on by the sectors the command moved. */
static void
advance(struct ata_channel *ch, uint32_t n)
{
	uint32_t bytes = n * BLK_SECTOR_SIZE;

	ch->lba += n;
	ch->left -= n;
	while (bytes > 0) {
		uint32_t step = MIN(bytes, ch->cur->seg[ch->seg].len - ch->seg_off);

		bytes -= step;
		ch->seg_off += step;
		if (ch->seg_off == ch->cur->seg[ch->seg].len) {
			ch->seg++;
			ch->seg_off = 0;
		}
	}
}

int
ata_dma_finish_locked(struct ata_channel *ch)
{
	uint8_t st = arch_inb((uint16_t)(ch->bm + BM_STATUS));
	uint8_t ata_st;

	if (!(st & BM_ST_IRQ))
		return 1;                       /* not this channel's command yet */
	arch_outb((uint16_t)(ch->bm + BM_CMD), 0);                       /* stop */
	ata_st = arch_inb((uint16_t)(ch->io + ATA_REG_STATUS));          /* acknowledge */
	arch_outb((uint16_t)(ch->bm + BM_STATUS), BM_ST_ERROR | BM_ST_IRQ);
	if ((st & BM_ST_ERROR) || (ata_st & (ATA_SR_ERR | ATA_SR_DF)))
		return -EIO;
	advance(ch, ch->cmd_sectors);
	ch->cmd_left = 0;
	return 0;
}

int
ata_set_dma(struct blkdev *d, bool on)
{
	struct ata_drive *drv;

	if (d->parent)
		d = d->parent;
	if (d->ops != &ata_ops)
		return -EOPNOTSUPP;
	drv = d->driver_data;
	if (on && !drv->dma_capable)
		return -EOPNOTSUPP;
	spin_lock(&drv->ch->lock);
	drv->use_dma = on;
	spin_unlock(&drv->ch->lock);
	return 0;
}

uint64_t
ata_dma_commands(struct blkdev *d)
{
	struct ata_channel *ch;
	uint64_t n;

	if (d->parent)
		d = d->parent;
	if (d->ops != &ata_ops)
		return 0;
	ch = ((struct ata_drive *)d->driver_data)->ch;
	spin_lock(&ch->lock);
	n = ch->dma_cmds;
	spin_unlock(&ch->lock);
	return n;
}
