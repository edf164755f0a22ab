/* SPDX-License-Identifier: MIT */
/*
 * Virtio 1.0 over PCI: the transport (virtio_pci.c) and split virtqueues
 * (virtqueue.c), shared by the virtio device drivers (virtio_blk.c).
 *
 * A virtio device is a PCI function of vendor 0x1AF4 whose registers are
 * described by vendor-specific PCI capabilities, each naming a BAR, an
 * offset and a length:
 *   common cfg   feature bits, device status, queue set-up (one at a time,
 *                chosen by queue_select)
 *   notify       where the driver writes a queue number to say "look at
 *                the ring"
 *   ISR          one byte; reading it acknowledges a legacy INTx interrupt
 *   device cfg   the device type's own fields (a disk's capacity)
 *
 * A virtqueue is three arrays in guest memory the device reads and writes
 * by DMA: descriptors (address, length, flags, next: chains of buffers),
 * the available ring (heads of chains the driver offers) and the used ring
 * (heads the device has finished, with how many bytes it wrote).
 */
#pragma once

#include "lib/compiler.h"
#include "sync/spinlock.h"
#include "drivers/pci.h"

#define VIRTIO_VENDOR 0x1AF4

/* Device status bits, in the order the driver sets them. */
#define VIRTIO_STATUS_ACKNOWLEDGE  1
#define VIRTIO_STATUS_DRIVER       2
#define VIRTIO_STATUS_DRIVER_OK    4
#define VIRTIO_STATUS_FEATURES_OK  8
#define VIRTIO_STATUS_NEEDS_RESET  64
#define VIRTIO_STATUS_FAILED       128

#define VIRTIO_F_VERSION_1   32      /* a virtio 1.0 device, little-endian fields */
#define VIRTIO_MSI_NO_VECTOR 0xFFFF

struct virtio_pci {
	struct pci_dev *pdev;
	volatile uint8_t *common;        /* common configuration structure */
	volatile uint8_t *notify_base;
	uint32_t notify_mult;            /* bytes between queues' notify registers */
	volatile uint8_t *isr;
	volatile uint8_t *device;        /* device-specific configuration */
	uint32_t device_len;
	uint64_t features;               /* negotiated */
	bool msix;                       /* MSI-X in use: queues name a vector */
};

/* Find and map the capabilities.  => 0, or -ENODEV for a legacy-only device. */
int virtio_pci_init(struct virtio_pci *vp, struct pci_dev *pdev);
/*
 * Reset, acknowledge, and agree on features: the device's offer masked by
 * `wanted` (VERSION_1 is always required).  => 0 or -errno.
 */
int virtio_negotiate(struct virtio_pci *vp, uint64_t wanted);
/* Last step of initialization: the driver is ready. */
void virtio_driver_ok(struct virtio_pci *vp);
/* Give up on the device (status FAILED). */
void virtio_fail(struct virtio_pci *vp);
/* Read the INTx status (acknowledges the interrupt): bit 0 queue, bit 1 config. */
uint8_t virtio_isr(struct virtio_pci *vp);
/* Device configuration fields, read consistently (generation counter). */
uint64_t virtio_cfg_read64(struct virtio_pci *vp, unsigned off);
uint32_t virtio_cfg_read32(struct virtio_pci *vp, unsigned off);

/* ---------------------------------------------------------------- virtqueue */

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
} __packed;

#define VIRTQ_DESC_F_NEXT  1
#define VIRTQ_DESC_F_WRITE 2          /* the device writes this buffer */
#define VIRTQ_USED_F_NO_NOTIFY 1

struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];
} __packed;

struct virtq_used_elem {
	uint32_t id;
	uint32_t len;
} __packed;

struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct virtq_used_elem ring[];
} __packed;

/* One buffer of a request: linear memory, and whether the device writes it. */
struct virtq_buf {
	void *addr;
	uint32_t len;
	bool device_writes;
};

/*
 * A split virtqueue.  Locks: [q] lock (taken in interrupt context too; a
 * leaf, held only around ring updates), [I] set up once.
 */
struct virtq {
	struct spinlock lock;
	uint16_t index;                  /* [I] queue number */
	uint16_t size;                   /* [I] descriptors, a power of two */
	struct virtq_desc *desc;         /* [q] */
	struct virtq_avail *avail;       /* [q] */
	struct virtq_used *used;         /* [q] read by us, written by the device */
	void **cookie;                   /* [q] per chain head: the caller's token */
	uint16_t free_head, nfree;       /* [q] free descriptors, linked by next */
	uint16_t last_used;              /* [q] next used entry to look at */
	volatile uint16_t *notify;       /* [I] */
};

/*
 * Create queue `index` with at most max_size descriptors, and tell the
 * device where it is (virtio_pci.c); its completions interrupt MSI-X entry
 * `msix_entry` when MSI-X is on.  => the queue or ERR_PTR(-errno).
 */
struct virtq *virtio_setup_queue(struct virtio_pci *vp, uint16_t index, uint16_t max_size,
				 uint16_t msix_entry);
/* The rings in DMA memory, all descriptors free (virtqueue.c).  NULL: no memory. */
struct virtq *virtq_alloc(uint16_t index, uint16_t size);
void virtq_free(struct virtq *q);
/*
 * => q->lock held.  Put a chain of n buffers on the available ring with
 * cookie as its token.  => 0, or -EBUSY when there are not enough free
 * descriptors now.  The device is not told until virtq_kick_locked().
 */
int virtq_add_locked(struct virtq *q, const struct virtq_buf *bufs, int n, void *cookie);
/* => q->lock held.  The descriptor the next chain will start at. */
static inline uint16_t
virtq_next_head_locked(const struct virtq *q)
{
	return q->free_head;
}
/* => q->lock held.  Notify the device, unless it asked not to be. */
void virtq_kick_locked(struct virtq *q);
/*
 * => q->lock held.  Take the next finished chain: its cookie (and the head
 * descriptor index in *head, the bytes written in *len), or NULL.
 */
void *virtq_pop_used_locked(struct virtq *q, uint16_t *head, uint32_t *len);
