// SPDX-License-Identifier: MIT
/*
 * I/O APIC: a table of redirection entries, one per input pin (GSI), each
 * naming a vector, a destination CPU, trigger mode and polarity.  It is
 * programmed through two windowed registers, an index (IOREGSEL) and a data
 * port (IOWIN).  ISA interrupts are edge-triggered, active-high, and map
 * one-to-one to GSIs unless the MADT has an interrupt source override (the
 * PIT's IRQ 0 usually arrives on GSI 2).
 */
#include "arch/x86_64/apic.h"
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/trap.h"
#include "core/printk.h"

#define IOREGSEL 0x00
#define IOWIN    0x10
#define IOAPIC_VER 0x01
#define IOREDTBL(n) (0x10 + 2 * (n))
#define DEFAULT_IOAPIC 0xFEC00000u

struct ioapic {
	volatile uint32_t *regs;
	uint32_t gsi_base;
	uint32_t pins;
};

static struct ioapic ioapics[ACPI_MAX_IOAPICS];
static unsigned nioapics;

static uint32_t
io_read(struct ioapic *io, uint32_t reg)
{
	io->regs[IOREGSEL / 4] = reg;
	return io->regs[IOWIN / 4];
}

static void
io_write(struct ioapic *io, uint32_t reg, uint32_t v)
{
	io->regs[IOREGSEL / 4] = reg;
	io->regs[IOWIN / 4] = v;
}

static void
ioapic_add(uint32_t addr, uint32_t gsi_base)
{
	struct ioapic *io = &ioapics[nioapics];

	io->regs = fixmap_map(addr, 4096);
	if (!io->regs)
		return;
	io->gsi_base = gsi_base;
	io->pins = ((io_read(io, IOAPIC_VER) >> 16) & 0xFF) + 1;
	for (uint32_t i = 0; i < io->pins; i++) {
		io_write(io, IOREDTBL(i), IOAPIC_MASKED);
		io_write(io, IOREDTBL(i) + 1, 0);
	}
	nioapics++;
}

void
ioapic_init(void)
{
	for (unsigned i = 0; i < acpi.nioapics; i++)
		ioapic_add(acpi.ioapics[i].addr, acpi.ioapics[i].gsi_base);
	if (nioapics == 0) {
		pr_warn("ioapic: none in the MADT; assuming one at %#x\n", DEFAULT_IOAPIC);
		ioapic_add(DEFAULT_IOAPIC, 0);
	}
}

static struct ioapic *
find(uint32_t gsi)
{
	for (unsigned i = 0; i < nioapics; i++)
		if (gsi >= ioapics[i].gsi_base && gsi < ioapics[i].gsi_base + ioapics[i].pins)
			return &ioapics[i];
	return NULL;
}

int
ioapic_route(uint32_t gsi, int vector, uint32_t apic_id, uint32_t flags)
{
	struct ioapic *io = find(gsi);
	uint32_t pin;

	if (!io)
		return -1;
	pin = gsi - io->gsi_base;
	io_write(io, IOREDTBL(pin) + 1, apic_id << 24);
	io_write(io, IOREDTBL(pin), (uint32_t)vector | flags);
	return 0;
}

void
ioapic_mask(uint32_t gsi, bool masked)
{
	struct ioapic *io = find(gsi);
	uint32_t pin, v;

	if (!io)
		return;
	pin = gsi - io->gsi_base;
	v = io_read(io, IOREDTBL(pin));
	io_write(io, IOREDTBL(pin), masked ? v | IOAPIC_MASKED : v & ~IOAPIC_MASKED);
}

int
ioapic_route_isa(uint8_t irq, int vector)
{
	uint16_t mps;
	uint32_t gsi = acpi_isa_irq_to_gsi(&acpi, irq, &mps), flags = 0;

	/* MPS INTI flags: polarity 3 = active low, trigger 3 = level. */
	if ((mps & 3) == 3)
		flags |= IOAPIC_LOW;
	if (((mps >> 2) & 3) == 3)
		flags |= IOAPIC_LEVEL;
	return ioapic_route(gsi, vector, lapic_id(), flags);
}
