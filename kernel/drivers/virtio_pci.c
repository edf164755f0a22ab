// SPDX-License-Identifier: MIT
/*
 * The virtio 1.0 PCI transport ("modern" interface).  See virtio.h.
 *
 * Initialization follows the specification's order (section 3.1):
 *   reset (status 0) -> ACKNOWLEDGE -> DRIVER -> read the device's feature
 *   bits, write the subset we use -> FEATURES_OK, and read it back (the
 *   device may refuse the subset) -> set up the virtqueues -> DRIVER_OK.
 * Feature bits are 64 wide but the registers 32: a select register picks
 * which half the window shows.
 *
 * A transitional device (QEMU's default virtio-blk-pci) also has the old
 * "legacy" registers in I/O BAR 0; Keel uses only the modern capabilities
 * and refuses a device that lacks them.
 */
#include "drivers/virtio.h"
#include "arch/arch.h"
#include "core/printk.h"
#include "mm/kmap.h"
#include "uapi/errno.h"

/* Vendor capability fields. */
#define VCAP_CFG_TYPE    3
#define VCAP_BAR         4
#define VCAP_OFFSET      8
#define VCAP_LENGTH      12
#define VCAP_NOTIFY_MULT 16

#define VIRTIO_PCI_CAP_COMMON 1
#define VIRTIO_PCI_CAP_NOTIFY 2
#define VIRTIO_PCI_CAP_ISR    3
#define VIRTIO_PCI_CAP_DEVICE 4

/* Common configuration registers. */
#define VCC_DEVICE_FEATURE_SELECT 0x00
#define VCC_DEVICE_FEATURE        0x04
#define VCC_DRIVER_FEATURE_SELECT 0x08
#define VCC_DRIVER_FEATURE        0x0C
#define VCC_MSIX_CONFIG           0x10
#define VCC_DEVICE_STATUS         0x14
#define VCC_CONFIG_GENERATION     0x15
#define VCC_QUEUE_SELECT          0x16
#define VCC_QUEUE_SIZE            0x18
#define VCC_QUEUE_MSIX_VECTOR     0x1A
#define VCC_QUEUE_ENABLE          0x1C
#define VCC_QUEUE_NOTIFY_OFF      0x1E
#define VCC_QUEUE_DESC            0x20
#define VCC_QUEUE_DRIVER          0x28
#define VCC_QUEUE_DEVICE          0x30

#define RESET_SPINS 1000000

static inline void
w8(volatile uint8_t *base, unsigned off, uint8_t v)
{
	*(volatile uint8_t *)(base + off) = v;
}

static inline void
w16(volatile uint8_t *base, unsigned off, uint16_t v)
{
	*(volatile uint16_t *)(base + off) = v;
}

static inline void
w32(volatile uint8_t *base, unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(base + off) = v;
}

static inline uint8_t
r8(volatile uint8_t *base, unsigned off)
{
	return *(volatile uint8_t *)(base + off);
}

static inline uint16_t
r16(volatile uint8_t *base, unsigned off)
{
	return *(volatile uint16_t *)(base + off);
}

static inline uint32_t
r32(volatile uint8_t *base, unsigned off)
{
	return *(volatile uint32_t *)(base + off);
}

/* Map the region a vendor capability describes.  NULL if it is unusable. */
static volatile uint8_t *
map_cap(struct pci_dev *d, uint8_t cap, void *bars[PCI_NUM_BARS], uint32_t *len)
{
	uint8_t bar = pci_read8(d, cap + VCAP_BAR);
	uint32_t off = pci_read32(d, cap + VCAP_OFFSET);

	*len = pci_read32(d, cap + VCAP_LENGTH);
	if (bar >= PCI_NUM_BARS || d->bar[bar].io || off > d->bar[bar].size ||
	    *len > d->bar[bar].size - off)
		return NULL;
	if (!bars[bar])
		bars[bar] = pci_map_bar(d, bar);
	return bars[bar] ? (volatile uint8_t *)bars[bar] + off : NULL;
}

int
virtio_pci_init(struct virtio_pci *vp, struct pci_dev *d)
{
	void *bars[PCI_NUM_BARS] = { 0 };
	uint32_t len;

	vp->pdev = d;
	for (uint8_t cap = pci_find_cap(d, PCI_CAP_VENDOR, 0); cap;
	     cap = pci_find_cap(d, PCI_CAP_VENDOR, cap)) {
		uint8_t type = pci_read8(d, cap + VCAP_CFG_TYPE);

		if (type == VIRTIO_PCI_CAP_COMMON && !vp->common) {
			vp->common = map_cap(d, cap, bars, &len);
		} else if (type == VIRTIO_PCI_CAP_NOTIFY && !vp->notify_base) {
			vp->notify_base = map_cap(d, cap, bars, &len);
			vp->notify_mult = pci_read32(d, cap + VCAP_NOTIFY_MULT);
		} else if (type == VIRTIO_PCI_CAP_ISR && !vp->isr) {
			vp->isr = map_cap(d, cap, bars, &len);
		} else if (type == VIRTIO_PCI_CAP_DEVICE && !vp->device) {
			vp->device = map_cap(d, cap, bars, &vp->device_len);
		}
	}
	if (!vp->common || !vp->notify_base || !vp->isr || !vp->device) {
		pr_warn("virtio %02x:%02x.%x: no virtio 1.0 capabilities (legacy-only device); skipped\n",
			d->bus, d->dev, d->fn);
		return -ENODEV;
	}
	return 0;
}

static void
set_status(struct virtio_pci *vp, uint8_t bits)
{
	w8(vp->common, VCC_DEVICE_STATUS, r8(vp->common, VCC_DEVICE_STATUS) | bits);
}

static int
reset(struct virtio_pci *vp)
{
	w8(vp->common, VCC_DEVICE_STATUS, 0);
	for (int i = 0; i < RESET_SPINS; i++) {
		if (r8(vp->common, VCC_DEVICE_STATUS) == 0)
			return 0;
		arch_cpu_relax();
	}
	return -ETIMEDOUT;
}

int
virtio_negotiate(struct virtio_pci *vp, uint64_t wanted)
{
	uint64_t offered;

	if (reset(vp))
		return -ETIMEDOUT;
	set_status(vp, VIRTIO_STATUS_ACKNOWLEDGE);
	set_status(vp, VIRTIO_STATUS_DRIVER);
	w32(vp->common, VCC_DEVICE_FEATURE_SELECT, 0);
	offered = r32(vp->common, VCC_DEVICE_FEATURE);
	w32(vp->common, VCC_DEVICE_FEATURE_SELECT, 1);
	offered |= (uint64_t)r32(vp->common, VCC_DEVICE_FEATURE) << 32;
	if (!(offered & (1ull << VIRTIO_F_VERSION_1)))
		return -ENODEV;
	vp->features = offered & (wanted | 1ull << VIRTIO_F_VERSION_1);
	w32(vp->common, VCC_DRIVER_FEATURE_SELECT, 0);
	w32(vp->common, VCC_DRIVER_FEATURE, (uint32_t)vp->features);
	w32(vp->common, VCC_DRIVER_FEATURE_SELECT, 1);
	w32(vp->common, VCC_DRIVER_FEATURE, (uint32_t)(vp->features >> 32));
	set_status(vp, VIRTIO_STATUS_FEATURES_OK);
	if (!(r8(vp->common, VCC_DEVICE_STATUS) & VIRTIO_STATUS_FEATURES_OK))
		return -ENODEV;
	/* Configuration-change interrupts are not used. */
	if (vp->msix)
		w16(vp->common, VCC_MSIX_CONFIG, VIRTIO_MSI_NO_VECTOR);
	return 0;
}

void
virtio_driver_ok(struct virtio_pci *vp)
{
	set_status(vp, VIRTIO_STATUS_DRIVER_OK);
}

void
virtio_fail(struct virtio_pci *vp)
{
	set_status(vp, VIRTIO_STATUS_FAILED);
}

uint8_t
virtio_isr(struct virtio_pci *vp)
{
	return r8(vp->isr, 0);
}

/* Re-read until the generation counter shows no change happened meanwhile. */
uint64_t
virtio_cfg_read64(struct virtio_pci *vp, unsigned off)
{
	uint8_t gen;
	uint64_t v;

	if (off + 8 > vp->device_len)
		return 0;
	do {
		gen = r8(vp->common, VCC_CONFIG_GENERATION);
		v = r32(vp->device, off) | (uint64_t)r32(vp->device, off + 4) << 32;
	} while (gen != r8(vp->common, VCC_CONFIG_GENERATION));
	return v;
}

uint32_t
virtio_cfg_read32(struct virtio_pci *vp, unsigned off)
{
	if (off + 4 > vp->device_len)
		return 0;
	return r32(vp->device, off);
}

/* A 64-bit register as two 32-bit writes, low half first. */
static void
w64(volatile uint8_t *base, unsigned off, uint64_t v)
{
	w32(base, off, (uint32_t)v);
	w32(base, off + 4, (uint32_t)(v >> 32));
}

struct virtq *
virtio_setup_queue(struct virtio_pci *vp, uint16_t index, uint16_t max_size,
		   uint16_t msix_entry)
{
	uint16_t size;
	struct virtq *q;

	w16(vp->common, VCC_QUEUE_SELECT, index);
	size = r16(vp->common, VCC_QUEUE_SIZE);
	if (size == 0 || r16(vp->common, VCC_QUEUE_ENABLE))
		return ERR_PTR(-ENODEV);
	while (size > max_size)
		size /= 2;                      /* sizes are powers of two */
	q = virtq_alloc(index, size);
	if (!q)
		return ERR_PTR(-ENOMEM);
	w16(vp->common, VCC_QUEUE_SIZE, size);
	w64(vp->common, VCC_QUEUE_DESC, virt_to_phys(q->desc));
	w64(vp->common, VCC_QUEUE_DRIVER, virt_to_phys(q->avail));
	w64(vp->common, VCC_QUEUE_DEVICE, virt_to_phys(q->used));
	q->notify = (volatile uint16_t *)(vp->notify_base +
			(uint32_t)r16(vp->common, VCC_QUEUE_NOTIFY_OFF) * vp->notify_mult);
	if (vp->msix) {
		w16(vp->common, VCC_QUEUE_MSIX_VECTOR, msix_entry);
		if (r16(vp->common, VCC_QUEUE_MSIX_VECTOR) != msix_entry) {
			virtq_free(q);
			return ERR_PTR(-EIO);      /* the device could not take the vector */
		}
	}
	w16(vp->common, VCC_QUEUE_ENABLE, 1);
	return q;
}
