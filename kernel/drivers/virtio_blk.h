/* SPDX-License-Identifier: MIT */
/* virtio-blk disks (vda, vdb, ...): see virtio_blk.c. */
#pragma once

#include "lib/compiler.h"

struct blkdev;

/* Register the PCI driver; each virtio disk found becomes a block device. */
void virtio_blk_init(void);
/* Interrupts the disk under d has handled (0 if it is not a virtio disk). */
uint64_t virtio_blk_interrupts(struct blkdev *d);
/*
 * Fault injection for the watchdog's test: the disk under d ignores its
 * next n interrupts, as if they were lost.  => the completions its
 * watchdog collected so far (0 if it is not a virtio disk).
 */
uint64_t virtio_blk_lose_interrupts(struct blkdev *d, unsigned n);
/* The same for the driver's next n notifications of the device.  => the stalls seen so far. */
uint64_t virtio_blk_lose_kicks(struct blkdev *d, unsigned n);
