// SPDX-License-Identifier: MIT
/*
 * PCI interrupts: MSI-X, MSI, and the legacy INTx pins.
 *
 * INTx (the original PCI way): each function has a pin, INTA-INTD, wired on
 * the board to an interrupt controller input.  On QEMU's pc machine the
 * PIIX3 south bridge routes the pins to ISA IRQs, and the BIOS writes the
 * IRQ it chose into the function's Interrupt Line register.  Keel routes
 * that ISA IRQ through the I/O APIC with ioapic_route_isa()'s lookup of
 * ACPI's interrupt source overrides: QEMU's MADT declares IRQs 5, 9, 10 and
 * 11 level-triggered, active-high (the PIIX inverts the active-low PCI
 * line).  An IRQ the MADT says nothing about ("conforms to the bus") gets
 * the PCI default instead: level-triggered, active-low.  Pins are shared
 * wires, so several functions may use one IRQ: each GSI gets a chain of
 * handlers, all called on every interrupt, and each handler asks its own
 * device whether it was the one (virtio's ISR register, for example).
 * Level-triggered means the line stays asserted until the device is told
 * the interrupt was seen, so a handler must always acknowledge its device.
 * FIXME: on chipsets that wire PCI pins straight to I/O APIC inputs 16-23
 * (QEMU's q35) the Interrupt Line register names only the 8259 route; the
 * real GSI comes from ACPI's _PRT, which needs an AML interpreter Keel does
 * not have.  There, devices must use MSI or MSI-X (virtio always can).
 *
 * MSI and MSI-X (preferred): the function raises an interrupt by writing a
 * message to an address the CPU's local APIC decodes (arch_msi_message), so
 * no pins, no sharing and no I/O APIC.  MSI has one address/data pair in
 * its capability; MSI-X has a table of them in a BAR, one per interrupt
 * source.  Their vectors come from a small pool (VEC_MSI_FIRST..LAST),
 * above the vectors that the GSIs of a PC's I/O APIC (0-23) use.
 *
 * A message also names the CPU it goes to, so unlike a shared pin it can be
 * aimed.  Keel deals devices out to the CPUs in turn, the boot CPU first,
 * so a machine with one disk takes its interrupts where the pin-routed
 * ones (the serial line, INTx devices) go.  Aiming the disk at the other
 * CPU of a two-CPU machine instead made the benchmark's directory rows
 * slower, not faster, in alternating boots (docs/performance.md has the
 * numbers; why is not settled: with both virtual CPUs busy, QEMU's device
 * emulation threads get less of a two-core host).
 * `irqaffinity=` on the command line (Linux's word: a CPU list such as
 * "0", "1,3" or "0-2") limits the rotation to the CPUs it names.  Devices
 * are probed after the other CPUs are up (core/main.c), so every CPU named
 * here can take interrupts; one that is not online gets CPU 0.
 *
 * Locks: pci_irq_lock protects the INTx chains, the vector pool and the
 * CPU rotation; the chain walk in interrupt context takes it too (leaf).
 */
#include "drivers/pci.h"
#include "arch/arch.h"
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/percpu.h"
#include "arch/smp.h"
#include "core/cmdline.h"
#include "core/printk.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/kmap.h"
#include "sync/spinlock.h"
#include "uapi/errno.h"

#define VEC_MSI_FIRST (VEC_IRQ_BASE + 48)      /* GSIs 48-63 do not exist on a PC */
#define VEC_MSI_LAST  (VEC_IRQ_BASE + VEC_IRQ_COUNT - 1)
#define INTX_GSIS     24
#define INTX_CHAIN    8

/* MSI capability */
#define MSI_CTRL          2
#define MSI_CTRL_ENABLE   (1u << 0)
#define MSI_CTRL_MME_MASK (7u << 4)
#define MSI_CTRL_64BIT    (1u << 7)
#define MSI_ADDR_LO       4
#define MSI_ADDR_HI       8
#define MSI_DATA_32       8
#define MSI_DATA_64       12

/* MSI-X capability and table entries */
#define MSIX_CTRL             2
#define MSIX_CTRL_TABLE_SIZE  0x7FF
#define MSIX_CTRL_FUNC_MASK   (1u << 14)
#define MSIX_CTRL_ENABLE      (1u << 15)
#define MSIX_TABLE            4
#define MSIX_BIR_MASK         7u
#define MSIX_ENTRY_SIZE       16
#define MSIX_ENTRY_ADDR_LO    0
#define MSIX_ENTRY_ADDR_HI    4
#define MSIX_ENTRY_DATA       8
#define MSIX_ENTRY_CTRL       12
#define MSIX_ENTRY_MASKED     1u

/* MPS INTI flags, as ACPI's overrides carry them. */
#define MPS_POLARITY(f) ((f) & 3)
#define MPS_TRIGGER(f)  (((f) >> 2) & 3)
#define MPS_CONFORMS    0
#define MPS_ACTIVE_LOW  3
#define MPS_LEVEL       3

struct intx_handler {
	irq_handler_t fn;
	void *data;
};

static struct spinlock pci_irq_lock = SPINLOCK_INIT("pci_irq");
static struct intx_handler intx_chain[INTX_GSIS][INTX_CHAIN];   /* [pci_irq_lock] */
static int next_msi_vector = VEC_MSI_FIRST;                     /* [pci_irq_lock] */
static unsigned msi_devices;    /* [pci_irq_lock] devices given a CPU so far */

const char *
pci_irq_mode_name(enum pci_irq_mode m)
{
	static const char *const names[] = { "none", "INTx", "MSI", "MSI-X" };

	return m <= PCI_IRQ_MSIX ? names[m] : "?";
}

/* The CPUs `irqaffinity=` allows (every online CPU without it, or if it names none). */
static uint64_t
irq_cpu_mask(void)
{
	uint64_t online = smp_online_mask(), mask = 0;
	const char *s = cmdline_get(&kernel_cmdline, "irqaffinity");

	while (s && *s) {
		const char *end;
		unsigned long long lo = kstrtoull(s, &end, 10), hi = lo;

		if (end == s)
			break;
		if (*end == '-')
			hi = kstrtoull(end + 1, &end, 10);
		for (unsigned long long c = lo; c <= hi && c < 64; c++)
			mask |= 1ull << c;
		s = *end == ',' ? end + 1 : "";
	}
	return mask & online ? mask & online : online;
}

/* A vector from the pool and the CPU to aim it at (see the top of the file). */
static int
msi_vector_alloc(unsigned *cpu)
{
	uint64_t mask = irq_cpu_mask();
	unsigned n = 0, k;
	int v = -ENOSPC;

	for (uint64_t m = mask; m; m &= m - 1)
		n++;

	spin_lock(&pci_irq_lock);
	if (next_msi_vector <= VEC_MSI_LAST) {
		v = next_msi_vector++;
		k = msi_devices++ % n;                  /* the k-th allowed CPU */
		while (k--)
			mask &= mask - 1;               /* drop the lowest allowed CPU */
		*cpu = (unsigned)__builtin_ctzll(mask);
	}
	spin_unlock(&pci_irq_lock);
	return v;
}

static int
setup_msix(struct pci_dev *d, int vector, unsigned cpu)
{
	uint16_t ctrl = pci_read16(d, d->msix_cap + MSIX_CTRL);
	uint32_t table = pci_read32(d, d->msix_cap + MSIX_TABLE);
	unsigned bir = table & MSIX_BIR_MASK, n = (ctrl & MSIX_CTRL_TABLE_SIZE) + 1;
	volatile uint32_t *ent;
	uint64_t addr;
	uint32_t data;

	if (bir >= PCI_NUM_BARS || d->bar[bir].io || !d->bar[bir].size)
		return -ENXIO;
	pci_enable(d, PCI_CMD_MEMORY);
	ent = kva_map_phys(d->bar[bir].base + (table & ~MSIX_BIR_MASK), n * MSIX_ENTRY_SIZE);
	if (!ent)
		return -ENOMEM;
	arch_msi_message(vector, cpu, &addr, &data);
	/* Every entry masked but the first, which carries our one vector. */
	for (unsigned i = 1; i < n; i++)
		ent[i * 4 + MSIX_ENTRY_CTRL / 4] = MSIX_ENTRY_MASKED;
	ent[MSIX_ENTRY_ADDR_LO / 4] = (uint32_t)addr;
	ent[MSIX_ENTRY_ADDR_HI / 4] = (uint32_t)(addr >> 32);
	ent[MSIX_ENTRY_DATA / 4] = data;
	ent[MSIX_ENTRY_CTRL / 4] = 0;
	pci_write16(d, d->msix_cap + MSIX_CTRL,
		    (ctrl | MSIX_CTRL_ENABLE) & ~MSIX_CTRL_FUNC_MASK);
	return 0;
}

static int
setup_msi(struct pci_dev *d, int vector, unsigned cpu)
{
	uint16_t ctrl = pci_read16(d, d->msi_cap + MSI_CTRL);
	uint64_t addr;
	uint32_t data;

	arch_msi_message(vector, cpu, &addr, &data);
	pci_write32(d, d->msi_cap + MSI_ADDR_LO, (uint32_t)addr);
	if (ctrl & MSI_CTRL_64BIT) {
		pci_write32(d, d->msi_cap + MSI_ADDR_HI, (uint32_t)(addr >> 32));
		pci_write16(d, d->msi_cap + MSI_DATA_64, (uint16_t)data);
	} else {
		pci_write16(d, d->msi_cap + MSI_DATA_32, (uint16_t)data);
	}
	/* One message only (multiple message enable = 0). */
	pci_write16(d, d->msi_cap + MSI_CTRL, (ctrl & ~MSI_CTRL_MME_MASK) | MSI_CTRL_ENABLE);
	return 0;
}

/* The shared handler on a GSI's vector: every device on the wire gets a look. */
static void
intx_dispatch(struct trap_frame *tf, void *arg)
{
	unsigned gsi = (unsigned)(uintptr_t)arg;
	struct intx_handler chain[INTX_CHAIN];

	spin_lock(&pci_irq_lock);
	for (int i = 0; i < INTX_CHAIN; i++)
		chain[i] = intx_chain[gsi][i];
	spin_unlock(&pci_irq_lock);
	for (int i = 0; i < INTX_CHAIN && chain[i].fn; i++)
		chain[i].fn(tf, chain[i].data);
}

/* The I/O APIC flags for a PCI INTx routed through ISA IRQ `line`. */
static uint32_t
intx_flags(uint16_t mps)
{
	uint32_t flags = 0;

	if (MPS_POLARITY(mps) == MPS_CONFORMS || MPS_POLARITY(mps) == MPS_ACTIVE_LOW)
		flags |= IOAPIC_LOW;
	if (MPS_TRIGGER(mps) == MPS_CONFORMS || MPS_TRIGGER(mps) == MPS_LEVEL)
		flags |= IOAPIC_LEVEL;
	return flags;
}

static int
setup_intx(struct pci_dev *d, irq_handler_t fn, void *data)
{
	uint16_t mps = 0;
	uint32_t gsi;
	int slot = -1, vector;
	bool first;

	if (!d->irq_pin || d->irq_line == 0 || d->irq_line >= 16)
		return -ENXIO;
	gsi = acpi_isa_irq_to_gsi(&acpi, d->irq_line, &mps);
	if (gsi >= INTX_GSIS)
		return -ENXIO;
	vector = VEC_IRQ_BASE + (int)gsi;
	spin_lock(&pci_irq_lock);
	for (int i = 0; i < INTX_CHAIN && slot < 0; i++)
		if (!intx_chain[gsi][i].fn)
			slot = i;
	first = slot == 0;
	if (slot >= 0)
		intx_chain[gsi][slot] = (struct intx_handler){ fn, data };
	spin_unlock(&pci_irq_lock);
	if (slot < 0)
		return -EBUSY;
	if (first) {
		irq_set_handler(vector, "pci-intx", intx_dispatch, (void *)(uintptr_t)gsi);
		if (ioapic_route(gsi, vector, lapic_id(), intx_flags(mps)) < 0)
			return -ENXIO;
	}
	pci_write16(d, PCI_COMMAND, pci_read16(d, PCI_COMMAND) & ~PCI_CMD_INTX_OFF);
	d->irq_vector = vector;
	d->irq_cpu = (int)this_cpu()->id;   /* ioapic_route aims at this CPU */
	return PCI_IRQ_INTX;
}

static int
setup_msi_any(struct pci_dev *d, irq_handler_t fn, void *data)
{
	unsigned cpu = 0;
	int vector = msi_vector_alloc(&cpu), r = -ENXIO;
	enum pci_irq_mode mode = PCI_IRQ_NONE;

	if (vector < 0)
		return vector;
	irq_set_handler(vector, d->irq_label, fn, data);
	if (d->msix_cap && (r = setup_msix(d, vector, cpu)) == 0)
		mode = PCI_IRQ_MSIX;
	else if (d->msi_cap && (r = setup_msi(d, vector, cpu)) == 0)
		mode = PCI_IRQ_MSI;
	if (mode == PCI_IRQ_NONE) {
		irq_set_handler(vector, NULL, NULL, NULL);   /* the vector is not reused */
		return r;
	}
	/* With messages on, the INTx pin must stay quiet. */
	pci_write16(d, PCI_COMMAND, pci_read16(d, PCI_COMMAND) | PCI_CMD_INTX_OFF);
	d->irq_vector = vector;
	d->irq_cpu = (int)cpu;
	return mode;
}

int
pci_irq_setup(struct pci_dev *d, const char *name, irq_handler_t fn, void *data,
	      unsigned flags)
{
	int r = -ENXIO;

	ksnprintf(d->irq_label, sizeof(d->irq_label), "%s %02x:%02x.%x", name, d->bus,
		  d->dev, d->fn);
	if ((flags & PCI_IRQ_ALLOW_MSI) && (d->msix_cap || d->msi_cap))
		r = setup_msi_any(d, fn, data);
	if (r < 0)
		r = setup_intx(d, fn, data);
	if (r < 0)
		return r;
	d->irq_mode = (enum pci_irq_mode)r;
	pr_info("pci %02x:%02x.%x: interrupts by %s on vector %#x, CPU %d\n", d->bus, d->dev,
		d->fn, pci_irq_mode_name(d->irq_mode), d->irq_vector, d->irq_cpu);
	return r;
}
