// SPDX-License-Identifier: MIT
/*
 * Platform bring-up on the boot CPU: firmware tables, interrupt controllers,
 * clocks.  Every step has a fallback with a clear message, because a machine
 * without an HPET or with a broken MADT should still boot.
 */
#include "arch/arch.h"
#include "arch/platform.h"
#include "arch/bootinfo.h"
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/clock.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/pic.h"
#include "arch/x86_64/trap.h"
#include "core/printk.h"

static uint64_t direct_limit;

/* ACPI tables are in RAM or firmware ranges, all covered by the direct map. */
static const void *
acpi_map(uint64_t pa, size_t len)
{
	if (pa + len < pa || pa + len > direct_limit)
		return NULL;
	return phys_to_virt(pa);
}

static void
acpi_setup(const struct boot_info *bi)
{
	uint64_t rsdp = bi->rsdp ? bi->rsdp : acpi_find_rsdp(acpi_map);

	acpi_parse(&acpi, rsdp, acpi_map);
	if (!acpi.found) {
		pr_warn("acpi: no RSDP found; using default interrupt controllers, PIT timing\n");
		return;
	}
	pr_info("acpi: RSDP rev %u oem %s, %u tables%s\n", acpi.revision, acpi.oem,
		acpi.ntables, acpi.nbad ? " (some with bad checksums skipped)" : "");
	if (!acpi.has_madt)
		pr_warn("acpi: no MADT; assuming one CPU and the default APIC addresses\n");
	else
		pr_info("acpi: MADT: %u CPUs, %u I/O APICs, %u overrides\n",
			acpi.ncpus, acpi.nioapics, acpi.nisos);
	if (!acpi.has_fadt || !acpi.has_s5)
		pr_warn("acpi: no FADT or \\_S5; power-off falls back to QEMU ports\n");
	if (!acpi.has_hpet)
		pr_warn("acpi: no HPET; calibrating against the PIT\n");
}

void
arch_platform_init(const struct boot_info *bi, uint64_t direct_map_end)
{
	direct_limit = direct_map_end;
	acpi_setup(bi);
	pic_init_and_mask();
	if (!arch_cpu_has(CPU_FEAT_APIC))
		pr_warn("apic: CPUID says no local APIC; trying anyway\n");
	lapic_init(acpi.lapic_addr);
	lapic_cpu_init();
	cpus[0].apic_id = lapic_id();
	ioapic_init();
	clock_calibrate();
	pr_info("clock: TSC %llu.%03llu MHz, APIC timer %llu kHz (measured against the %s)\n",
		(unsigned long long)(clock_info.tsc_hz / 1000000),
		(unsigned long long)(clock_info.tsc_hz / 1000 % 1000),
		(unsigned long long)(clock_info.lapic_hz / 1000), clock_info.reference);
}

void
arch_cpu_early_init(void)
{
	percpu_init(&cpus[0], 0);
	cpus[0].online = true;
}

void arch_syscall_cpu_init(void);

void
arch_cpu_tables_init(void)
{
	gdt_cpu_init(&cpus[0], NULL);
	trap_init();
	trap_cpu_init();
	arch_syscall_cpu_init();
	fpu_cpu_init();
}
