/* SPDX-License-Identifier: MIT */
/*
 * PCI: the bus every disk controller of a PC sits on.
 *
 * Each PCI function has 256 bytes of configuration space: who it is
 * (vendor, device, class), where its registers are (the BARs), which
 * interrupt pin it uses, and a linked list of capabilities (MSI, MSI-X,
 * vendor-specific ones such as virtio's).  pci_init() walks every bus
 * reachable from the host bridge, following PCI-to-PCI bridges, records
 * each function it finds and logs it lspci-style.  Drivers register a
 * table of IDs; each matching function is handed to the driver's probe.
 *
 * Interrupts: pci_irq_setup() gives a driver one interrupt vector for a
 * function, by MSI-X or MSI when the function has it, else by its legacy
 * INTx pin (see pci_irq.c for the routing rules).
 */
#pragma once

#include "lib/compiler.h"
#include "lib/list.h"
#include "arch/x86_64/trap.h"

/* Configuration-space registers (type 0 and type 1 headers). */
#define PCI_VENDOR_ID      0x00
#define PCI_DEVICE_ID      0x02
#define PCI_COMMAND        0x04
#define PCI_STATUS         0x06
#define PCI_REVISION       0x08
#define PCI_PROG_IF        0x09
#define PCI_SUBCLASS       0x0A
#define PCI_CLASS          0x0B
#define PCI_HEADER_TYPE    0x0E
#define PCI_BAR0           0x10
#define PCI_SECONDARY_BUS  0x19    /* type 1 (bridge) */
#define PCI_CAP_PTR        0x34
#define PCI_INTERRUPT_LINE 0x3C
#define PCI_INTERRUPT_PIN  0x3D

#define PCI_CMD_IO          (1u << 0)
#define PCI_CMD_MEMORY      (1u << 1)
#define PCI_CMD_BUS_MASTER  (1u << 2)
#define PCI_CMD_INTX_OFF    (1u << 10)
#define PCI_STATUS_CAP_LIST (1u << 4)

/* Capability IDs. */
#define PCI_CAP_MSI    0x05
#define PCI_CAP_VENDOR 0x09
#define PCI_CAP_MSIX   0x11

#define PCI_ANY 0xFFFF
#define PCI_NUM_BARS 6

struct pci_bar {
	uint64_t base;      /* bus address: an I/O port or a physical address */
	uint64_t size;      /* 0: not implemented */
	bool io;            /* I/O space rather than memory */
	bool is64;          /* a 64-bit memory BAR (uses the next slot too) */
	bool prefetch;
};

enum pci_irq_mode { PCI_IRQ_NONE, PCI_IRQ_INTX, PCI_IRQ_MSI, PCI_IRQ_MSIX };

/*
 * One PCI function.  Locks: [I] set by enumeration, then read-only;
 * [d] owned by the bound driver.
 */
struct pci_dev {
	uint8_t bus, dev, fn;                 /* [I] */
	uint16_t vendor, device;              /* [I] */
	uint8_t class_code, subclass, prog_if, revision;  /* [I] */
	uint8_t header_type;                  /* [I] without the multi-function bit */
	uint8_t irq_line, irq_pin;            /* [I] pin 1-4 = INTA-INTD, 0 = none */
	uint8_t msi_cap, msix_cap;            /* [I] config offsets, 0 if absent */
	struct pci_bar bar[PCI_NUM_BARS];     /* [I] */
	const struct pci_driver *driver;      /* [pci_lock] */
	void *driver_data;                    /* [d] */
	enum pci_irq_mode irq_mode;           /* [d] */
	int irq_vector;                       /* [d] */
	int irq_cpu;                          /* [d] the CPU its messages go to (MSI) */
	char irq_label[32];                   /* [d] its row in /proc/interrupts */
	struct list_node node;                /* [pci_lock] on the device list */
};

/* An ID table entry: PCI_ANY matches any vendor or device; class_mask 0 any class. */
struct pci_id {
	uint16_t vendor, device;
	uint32_t class_code;     /* class << 16 | subclass << 8 | prog_if */
	uint32_t class_mask;
};

struct pci_driver {
	const char *name;
	const struct pci_id *ids;     /* ends with an all-zero entry */
	/* Take the function; 0 if the driver bound to it, -errno otherwise. */
	int (*probe)(struct pci_dev *pdev, const struct pci_id *id);
	struct list_node node;        /* [pci_lock] */
};

/* Enumerate every bus and log what is there; then probe registered drivers. */
void pci_init(void);
/* Add a driver and probe it against the functions found so far. */
void pci_register_driver(struct pci_driver *drv);
/* Call fn on every function found; stops when fn returns non-zero. */
int pci_for_each_dev(int (*fn)(struct pci_dev *pdev, void *arg), void *arg);
/* The n-th function found, in bus order, or NULL. */
struct pci_dev *pci_find(uint16_t vendor, uint16_t device, unsigned n);

/* Configuration-space access (legacy 0xCF8/0xCFC mechanism). */
uint8_t pci_read8(const struct pci_dev *d, unsigned off);
uint16_t pci_read16(const struct pci_dev *d, unsigned off);
uint32_t pci_read32(const struct pci_dev *d, unsigned off);
void pci_write8(const struct pci_dev *d, unsigned off, uint8_t v);
void pci_write16(const struct pci_dev *d, unsigned off, uint16_t v);
void pci_write32(const struct pci_dev *d, unsigned off, uint32_t v);

/* Set command bits: memory and I/O decoding, bus mastering (DMA). */
void pci_enable(struct pci_dev *d, uint16_t cmd_bits);
/* First capability with id after offset `after` (0: from the start); 0 if none. */
uint8_t pci_find_cap(const struct pci_dev *d, uint8_t id, uint8_t after);
/* Map a memory BAR (uncached).  NULL if it is absent, I/O, or mapping failed. */
void *pci_map_bar(struct pci_dev *d, int bar);

/* pci_irq_setup flags */
#define PCI_IRQ_ALLOW_MSI  0x1   /* try MSI-X, then MSI, before INTx */

/*
 * Give the function one interrupt: handler fn(tf, data) runs on its vector
 * with interrupts off.  With MSI-X, table entry 0 carries it.  `name` (a
 * driver's name, e.g. "virtio-blk") labels it in /proc/interrupts.  Returns
 * the mode used (> 0), or -errno when there is no way to interrupt.
 */
int pci_irq_setup(struct pci_dev *d, const char *name, irq_handler_t fn, void *data,
		  unsigned flags);
/* Printable name of a mode, for logs. */
const char *pci_irq_mode_name(enum pci_irq_mode m);

/* Internal to drivers/pci*.c: raw config access by address. */
uint32_t pci_cfg_read(uint8_t bus, uint8_t dev, uint8_t fn, unsigned off);
void pci_cfg_write(uint8_t bus, uint8_t dev, uint8_t fn, unsigned off, uint32_t v);
