/* SPDX-License-Identifier: MIT */
/*
 * ATA (IDE) disks through the legacy task-file registers, with PIO or
 * bus-master DMA transfers.  ata.c runs the commands, ata_dma.c drives the
 * DMA engine, ata_probe.c finds the drives.  Internal to those files,
 * except ata_init(), ata_set_dma() and the counters for tests.
 */
#pragma once

#include "lib/compiler.h"
#include "lib/list.h"
#include "block/blk.h"
#include "sched/timer.h"
#include "sync/spinlock.h"

/* Task-file registers, offsets from the command block base (0x1F0, 0x170). */
#define ATA_REG_DATA     0
#define ATA_REG_ERROR    1
#define ATA_REG_FEATURES 1
#define ATA_REG_COUNT    2
#define ATA_REG_LBA0     3
#define ATA_REG_LBA1     4
#define ATA_REG_LBA2     5
#define ATA_REG_DEVICE   6
#define ATA_REG_STATUS   7       /* reading it acknowledges the interrupt */
#define ATA_REG_COMMAND  7
/* Control block (0x3F6, 0x376). */
#define ATA_REG_ALTSTATUS 0      /* status without the acknowledge */
#define ATA_REG_CONTROL   0

#define ATA_SR_BSY  0x80
#define ATA_SR_DRDY 0x40
#define ATA_SR_DF   0x20
#define ATA_SR_DRQ  0x08
#define ATA_SR_ERR  0x01

#define ATA_CTL_NIEN 0x02        /* interrupts off */
#define ATA_CTL_SRST 0x04        /* software reset of both drives */
#define ATA_DEV_LBA  0x40
#define ATA_DEV_OBS  0xA0        /* bits 7 and 5: obsolete, set by convention */
#define ATA_DEV_SLAVE 0x10

#define ATA_CMD_READ         0x20
#define ATA_CMD_READ_EXT     0x24
#define ATA_CMD_WRITE        0x30
#define ATA_CMD_WRITE_EXT    0x34
#define ATA_CMD_READ_DMA     0xC8
#define ATA_CMD_READ_DMA_EXT 0x25
#define ATA_CMD_WRITE_DMA    0xCA
#define ATA_CMD_WRITE_DMA_EXT 0x35
#define ATA_CMD_FLUSH        0xE7
#define ATA_CMD_FLUSH_EXT    0xEA
#define ATA_CMD_IDENTIFY     0xEC

#define ATA_SECTOR_WORDS 256
#define ATA_CMD_MAX_SECTORS 256  /* per command: count register 0 means 256 */

struct ata_drive;
struct trap_frame;
struct ata_prd;

/*
 * One IDE channel: two drives behind one set of registers and one
 * interrupt line, so one command at a time.  Locks: [c] lock (taken in the
 * interrupt handler and the watchdog timer; leaf), [I] set at probe.
 */
struct ata_channel {
	char name[8];                  /* [I] "ata0" */
	uint16_t io, ctl;              /* [I] command and control block ports */
	struct spinlock lock;
	struct ata_drive *drive[2];    /* [I] master, slave (NULL if absent) */
	struct blk_request *cur;       /* [c] the command in progress */
	struct ata_drive *cur_drive;   /* [c] */
	struct list_node waiting;      /* [c] the other drive's request, waiting */
	uint64_t lba;                  /* [c] next sector to move */
	uint32_t left;                 /* [c] sectors left in the request */
	uint32_t cmd_left;             /* [c] sectors left in the current command */
	unsigned seg;                  /* [c] position in cur->seg */
	uint32_t seg_off;              /* [c] */
	bool cmd_dma;                  /* [c] the current command moves data by DMA */
	uint32_t cmd_sectors;          /* [c] sectors in the current DMA command */
	uint16_t bm;                   /* [I] bus-master IDE registers; 0: PIO only */
	struct ata_prd *prdt;          /* [c] DMA: physical region descriptor table */
	uint64_t dma_cmds;             /* [c] DMA commands issued (tests) */
	uint64_t deadline_ns;          /* [c] when the current command is overdue */
	struct ktimer watchdog;        /* fails a command the drive never finishes */
	uint64_t irqs, timeouts;       /* [c] counters */
};

struct ata_drive {
	struct blkdev disk;
	struct ata_channel *ch;        /* [I] */
	uint8_t slave;                 /* [I] 0 master, 1 slave */
	bool lba48;                    /* [I] 48-bit LBA commands supported */
	bool flush, flush_ext;         /* [I] FLUSH CACHE (EXT) supported */
	bool dma_capable;              /* [I] drive and channel can do bus-master DMA */
	bool use_dma;                  /* [c] and should (ata_set_dma) */
	char model[41];                /* [I] */
};

/* ata.c */
extern const struct blk_ops ata_ops;
void ata_irq(struct trap_frame *tf, void *arg);
void ata_channel_init(struct ata_channel *ch);
/* Poll until BSY clears: the status, or -ETIMEDOUT.  May run in interrupt context. */
int ata_wait_idle(struct ata_channel *ch);
void ata_delay400(struct ata_channel *ch);

/* ata_dma.c: bus-master DMA, on a channel with ch->bm */
int ata_dma_setup(struct ata_channel *ch);
/* => ch->lock held.  Can this request's memory be reached by the controller? */
bool ata_dma_reachable(const struct blk_request *rq);
/* => ch->lock held.  Describe the next n sectors and arm the engine. */
int ata_dma_prepare_locked(struct ata_channel *ch, uint32_t n, bool to_memory);
void ata_dma_start_locked(struct ata_channel *ch, bool to_memory);
/* => ch->lock held.  The DMA command's interrupt: stop the engine.  => 0, -EIO, or 1 (not ours). */
int ata_dma_finish_locked(struct ata_channel *ch);
/* Use DMA on the IDE disk d (when it can), or PIO.  => 0 or -EOPNOTSUPP. */
int ata_set_dma(struct blkdev *d, bool on);
/* DMA commands issued on the channel of the IDE disk d. */
uint64_t ata_dma_commands(struct blkdev *d);

/* ata_probe.c */
void ata_init(void);
/* Interrupts handled by the channel of the IDE disk d (0 if not an IDE disk). */
uint64_t ata_interrupts(struct blkdev *d);
