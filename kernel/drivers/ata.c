// SPDX-License-Identifier: MIT
/*
 * ATA commands with interrupt-driven PIO.
 *
 * IDE is the register-level interface of the PC/AT's disk: the driver
 * writes a sector address and count into the task-file registers, then a
 * command, and the drive raises its interrupt line each time it is ready
 * to move one sector through the 16-bit data port.  So the CPU copies
 * every byte itself ("programmed I/O"), but it does not wait for the disk:
 * between sectors it runs other threads, and the interrupt handler moves
 * the next sector.  A request's life on its channel:
 *
 *   idle --start--> READ:  command; each interrupt: status, 256 words in
 *                   WRITE: command, wait DRQ, first sector out;
 *                          each interrupt: next sector out, or done
 *                   FLUSH: command; the interrupt says done
 *        <--finish-- last sector / error bit / watchdog after 5 s of silence
 *
 * With bus-master DMA (ata_dma.c) the controller moves the data and the
 * one interrupt comes at the end of the command; the state machine is the
 * same with one step per command instead of one per sector.
 *
 * A request longer than one command allows (256 sectors) is issued as
 * several commands in a row.  Sector numbers are LBAs: 28-bit commands
 * when the range fits below 128 GiB (fewer register writes), 48-bit ones
 * above.  Nothing here speaks CHS.
 *
 * Both drives of a channel share its registers and its interrupt, so a
 * channel runs one command at a time; a request for the other drive waits
 * on the channel's list (the block layer gives each drive one request in
 * flight, so that list holds at most one).
 *
 * The waits for BSY and DRQ around a command are polled, but short: the
 * drive accepts a command in microseconds; the long wait, for the medium,
 * is the interrupt's.
 *
 * Lock: ch->lock, a leaf, taken by submit, the interrupt and the watchdog.
 * Finished requests are handed to the block layer after it is dropped.
 */
#include "drivers/ata.h"
#include "arch/arch.h"
#include "core/printk.h"
#include "uapi/errno.h"

#define ATA_POLL_SPINS   2000000
#define ATA_WATCHDOG_NS  5000000000ull
#define LBA28_LIMIT      (1ull << 28)

static uint8_t
inb_reg(struct ata_channel *ch, unsigned reg)
{
	return arch_inb((uint16_t)(ch->io + reg));
}

static void
outb_reg(struct ata_channel *ch, unsigned reg, uint8_t v)
{
	arch_outb((uint16_t)(ch->io + reg), v);
}

/* Each alternate-status read takes ~100 ns on real buses: four make the 400 ns rule. */
void
ata_delay400(struct ata_channel *ch)
{
	for (int i = 0; i < 4; i++)
		arch_inb((uint16_t)(ch->ctl + ATA_REG_ALTSTATUS));
}

int
ata_wait_idle(struct ata_channel *ch)
{
	for (int i = 0; i < ATA_POLL_SPINS; i++) {
		uint8_t st = arch_inb((uint16_t)(ch->ctl + ATA_REG_ALTSTATUS));

		if (!(st & ATA_SR_BSY))
			return st;
		arch_cpu_relax();
	}
	return -ETIMEDOUT;
}

/* Wait for the drive to ask for data (DRQ) on a write.  => 0 or -EIO. */
static int
wait_drq(struct ata_channel *ch)
{
	int st = ata_wait_idle(ch);

	if (st < 0 || (st & (ATA_SR_ERR | ATA_SR_DF)) || !(st & ATA_SR_DRQ))
		return -EIO;
	return 0;
}

/* The next 512 bytes of the request's memory, advancing the position. */
static void *
next_sector_buf(struct ata_channel *ch)
{
	struct blk_seg *s = &ch->cur->seg[ch->seg];
	void *p = (char *)s->buf + ch->seg_off;

	ch->seg_off += BLK_SECTOR_SIZE;
	if (ch->seg_off == s->len) {
		ch->seg++;
		ch->seg_off = 0;
	}
	ch->lba++;
	ch->left--;
	ch->cmd_left--;
	return p;
}

static void
write_taskfile(struct ata_channel *ch, struct ata_drive *d, uint64_t lba, uint32_t n, bool ext)
{
	uint8_t dev = ATA_DEV_OBS | ATA_DEV_LBA | (d->slave ? ATA_DEV_SLAVE : 0);

	if (ext) {
		outb_reg(ch, ATA_REG_DEVICE, dev);
		/* 48-bit: each register is a two-deep FIFO, high byte first. */
		outb_reg(ch, ATA_REG_COUNT, (uint8_t)(n >> 8));
		outb_reg(ch, ATA_REG_LBA0, (uint8_t)(lba >> 24));
		outb_reg(ch, ATA_REG_LBA1, (uint8_t)(lba >> 32));
		outb_reg(ch, ATA_REG_LBA2, (uint8_t)(lba >> 40));
	} else {
		outb_reg(ch, ATA_REG_DEVICE, dev | (uint8_t)((lba >> 24) & 0x0F));
	}
	outb_reg(ch, ATA_REG_COUNT, (uint8_t)n);        /* 0 means 256 (65536 for ext) */
	outb_reg(ch, ATA_REG_LBA0, (uint8_t)lba);
	outb_reg(ch, ATA_REG_LBA1, (uint8_t)(lba >> 8));
	outb_reg(ch, ATA_REG_LBA2, (uint8_t)(lba >> 16));
}

/* => ch->lock held.  Start a DMA command for n sectors (ext: 48-bit). */
static int
issue_dma_locked(struct ata_channel *ch, uint32_t n, bool ext)
{
	bool rd = ch->cur->op == BLK_OP_READ;

	if (ata_dma_prepare_locked(ch, n, rd))
		return -EIO;
	outb_reg(ch, ATA_REG_COMMAND, rd ? (ext ? ATA_CMD_READ_DMA_EXT : ATA_CMD_READ_DMA)
					 : (ext ? ATA_CMD_WRITE_DMA_EXT : ATA_CMD_WRITE_DMA));
	ata_dma_start_locked(ch, rd);
	return 0;
}

/* => ch->lock held.  Issue the next command of the current request.  => 0 or -errno. */
static int
issue_locked(struct ata_channel *ch)
{
	struct ata_drive *d = ch->cur_drive;
	struct blk_request *rq = ch->cur;
	uint32_t n = MIN(ch->left, (uint32_t)ATA_CMD_MAX_SECTORS);
	bool ext = d->lba48 && ch->lba + n > LBA28_LIMIT;

	outb_reg(ch, ATA_REG_DEVICE, ATA_DEV_OBS | (d->slave ? ATA_DEV_SLAVE : 0));
	ata_delay400(ch);
	if (ata_wait_idle(ch) < 0)
		return -EIO;
	/* Never cancelled (a callback in flight could deadlock on ch->lock): it just re-arms. */
	ch->deadline_ns = time_ns() + ATA_WATCHDOG_NS;
	ktimer_arm(&ch->watchdog, ch->deadline_ns);
	ch->cmd_dma = false;
	if (rq->op == BLK_OP_FLUSH) {
		outb_reg(ch, ATA_REG_COMMAND, d->flush_ext ? ATA_CMD_FLUSH_EXT : ATA_CMD_FLUSH);
		return 0;
	}
	if (!d->lba48 && ch->lba + n > LBA28_LIMIT)
		return -EIO;
	write_taskfile(ch, d, ch->lba, n, ext);
	ch->cmd_left = n;
	if (d->use_dma && ata_dma_reachable(rq)) {
		ch->cmd_dma = true;
		return issue_dma_locked(ch, n, ext);
	}
	if (rq->op == BLK_OP_READ) {
		outb_reg(ch, ATA_REG_COMMAND, ext ? ATA_CMD_READ_EXT : ATA_CMD_READ);
		return 0;
	}
	outb_reg(ch, ATA_REG_COMMAND, ext ? ATA_CMD_WRITE_EXT : ATA_CMD_WRITE);
	ata_delay400(ch);
	if (wait_drq(ch))
		return -EIO;
	arch_outsw((uint16_t)(ch->io + ATA_REG_DATA), next_sector_buf(ch), ATA_SECTOR_WORDS);
	return 0;
}

/* => ch->lock held.  Make rq the channel's request and issue its first command. */
static int
start_locked(struct ata_channel *ch, struct blk_request *rq)
{
	ch->cur = rq;
	ch->cur_drive = rq->disk->driver_data;
	ch->lba = rq->lba;
	ch->left = rq->count;
	ch->seg = 0;
	ch->seg_off = 0;
	return issue_locked(ch);
}

/*
 * => ch->lock held.  The current request is over: move it to `done` with its
 * status, then start the waiting one (failing it too if it cannot start).
 */
static void
finish_locked(struct ata_channel *ch, int status, struct list_node *done)
{
	struct blk_request *rq = ch->cur;

	ch->cur = NULL;
	rq->driver_priv = (void *)(intptr_t)status;
	list_push_back(done, &rq->node);
	while (!ch->cur && !list_empty(&ch->waiting)) {
		rq = list_entry(list_pop_front(&ch->waiting), struct blk_request, node);
		status = start_locked(ch, rq);
		if (status) {
			ch->cur = NULL;
			rq->driver_priv = (void *)(intptr_t)status;
			list_push_back(done, &rq->node);
		}
	}
}

static int
ata_submit(struct blkdev *disk, struct blk_request *rq)
{
	struct ata_drive *d = disk->driver_data;
	struct ata_channel *ch = d->ch;
	int r = 0;

	if (rq->op == BLK_OP_FLUSH && !d->flush)
		return -EOPNOTSUPP;
	spin_lock(&ch->lock);
	if (ch->cur) {
		list_push_back(&ch->waiting, &rq->node);
	} else if ((r = start_locked(ch, rq)) != 0) {
		ch->cur = NULL;
	}
	spin_unlock(&ch->lock);
	return r;
}

const struct blk_ops ata_ops = {
	.submit = ata_submit,
};

/* => ch->lock held.  One interrupt's worth of progress; 1 = request over, else 0 / -errno. */
static int
step_locked(struct ata_channel *ch, uint8_t st)
{
	enum blk_op op = ch->cur->op;
	uint16_t data = (uint16_t)(ch->io + ATA_REG_DATA);
	int r;

	if (ch->cmd_dma) {
		r = ata_dma_finish_locked(ch);
		if (r != 0)
			return r > 0 ? 0 : r;           /* > 0: the engine is not done yet */
		return ch->left == 0 ? 1 : issue_locked(ch);
	}
	if (st & (ATA_SR_ERR | ATA_SR_DF))
		return -EIO;
	if (op == BLK_OP_FLUSH)
		return 1;
	if (op == BLK_OP_READ) {
		if (!(st & ATA_SR_DRQ))
			return -EIO;
		arch_insw(data, next_sector_buf(ch), ATA_SECTOR_WORDS);
	} else if (ch->cmd_left > 0) {
		if (!(st & ATA_SR_DRQ))
			return -EIO;
		arch_outsw(data, next_sector_buf(ch), ATA_SECTOR_WORDS);
		return 0;
	}
	if (ch->left == 0)
		return 1;
	return ch->cmd_left == 0 ? issue_locked(ch) : 0;
}

void
ata_irq(struct trap_frame *tf, void *arg)
{
	struct ata_channel *ch = arg;
	struct list_node done = LIST_INIT(done);
	uint8_t st;
	int r;

	spin_lock(&ch->lock);
	st = inb_reg(ch, ATA_REG_STATUS);          /* acknowledges the interrupt */
	ch->irqs++;
	if (ch->cur && !(st & ATA_SR_BSY)) {
		r = step_locked(ch, st);
		if (r != 0)
			finish_locked(ch, r > 0 ? 0 : r, &done);
	}
	spin_unlock(&ch->lock);
	blk_complete_list(&done);
}

/*
 * The drive never answered: fail the command and reset the channel.  A
 * timer left over from a finished command finds no command past its
 * deadline and does nothing.
 */
static void
ata_watchdog(void *arg)
{
	struct ata_channel *ch = arg;
	struct list_node done = LIST_INIT(done);

	spin_lock(&ch->lock);
	if (ch->cur && time_ns() >= ch->deadline_ns) {
		ch->timeouts++;
		pr_err("%s: command timed out; resetting the channel\n", ch->name);
		arch_outb(ch->ctl, ATA_CTL_SRST);
		ata_delay400(ch);
		arch_outb(ch->ctl, 0);
		ata_wait_idle(ch);
		finish_locked(ch, -EIO, &done);
	}
	spin_unlock(&ch->lock);
	blk_complete_list(&done);
}

void
ata_channel_init(struct ata_channel *ch)
{
	spin_init(&ch->lock, ch->name);
	list_init(&ch->waiting);
	ktimer_init(&ch->watchdog, ata_watchdog, ch);
}
