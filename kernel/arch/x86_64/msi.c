// SPDX-License-Identifier: MIT
/*
 * Message-signalled interrupts on x86.  A PCI device raises an MSI by
 * writing a 32-bit word to an address; on x86 the address window
 * 0xFEE00000-0xFEEFFFFF belongs to the local APICs, and the write becomes
 * an interrupt without passing through the I/O APIC:
 *
 *   address  0xFEE00000 | destination APIC id << 12
 *            (bit 3 redirection hint = 0, bit 2 destination mode = physical)
 *   data     vector in bits 0-7; delivery mode fixed (000) in bits 8-10;
 *            bit 15 trigger mode = edge
 *
 * Which CPU a device's messages go to is the PCI layer's choice
 * (drivers/pci_irq.c); this file only encodes it.
 */
#include "arch/arch.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/percpu.h"

#define MSI_ADDR_BASE     0xFEE00000u
#define MSI_ADDR_DEST(id) ((uint32_t)(id) << 12)
#define MSI_DATA_FIXED    (0u << 8)
#define MSI_DATA_EDGE     (0u << 15)

void
arch_msi_message(int vector, unsigned cpu, uint64_t *addr, uint32_t *data)
{
	if (cpu >= ncpus || !cpus[cpu].online)
		cpu = 0;
	*addr = MSI_ADDR_BASE | MSI_ADDR_DEST(cpus[cpu].apic_id);
	*data = (uint32_t)vector | MSI_DATA_FIXED | MSI_DATA_EDGE;
}
