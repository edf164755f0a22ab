// SPDX-License-Identifier: MIT
/*
 * Starting the other CPUs, and the inter-processor interrupts they use.
 *
 * At power-on only the bootstrap processor runs; the others (application
 * processors, found in the ACPI MADT) wait for the INIT-SIPI-SIPI sequence
 * from a local APIC: INIT resets the target, and each STARTUP IPI makes it
 * begin executing in real mode at the page its vector names.  The page
 * holds ap_boot.S, which brings the CPU up to long mode and calls
 * ap_entry() on a stack prepared for it here.  That page must be mapped 1:1
 * when paging turns on, so the APs start on a small page table that maps
 * it and shares the kernel's upper half; ap_entry() switches to the real
 * kernel tables at once.
 *
 * IPIs: reschedule (a thread was woken for that CPU), call-function (run
 * a function there and wait: TLB shootdown, membarrier; smp_call.c), halt
 * (a panic stops everyone, by NMI).
 */
#include "arch/arch.h"
#include "arch/smp.h"
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/clock.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/trap.h"
#include "core/printk.h"
#include "lib/string.h"
#include "mm/kmap.h"
#include "mm/pmm.h"
#include "mm/slab.h"

#define AP_BASE 0x8000
#define AP_VECTOR (AP_BASE >> 12)

extern const char ap_boot_start[], ap_boot_end[], ap_boot_params[];
void arch_syscall_cpu_init(void);

struct ap_params {
	uint64_t cr3, stack, cpu, entry;
};

struct smp_hooks smp_hooks;
static volatile uint64_t online_mask = 1;   /* [a] bit n: CPU n is running */

uint64_t
smp_online_mask(void)
{
	return online_mask;
}

/* A temporary PML4: the trampoline page 1:1, and the kernel half. */
static paddr_t
trampoline_tables(void)
{
	paddr_t pml4 = pmm_alloc_zeroed(0), pdpt = pmm_alloc_zeroed(0), pd = pmm_alloc_zeroed(0);
	pte_t *t, *k = phys_to_virt(kmap_root());

	if (!pml4 || !pdpt || !pd || pml4 >= (4ull << 30))
		return 0;
	t = phys_to_virt(pml4);
	for (int i = 256; i < 512; i++)
		t[i] = k[i];
	t[0] = pdpt | PTE_P | PTE_W;
	((pte_t *)phys_to_virt(pdpt))[0] = pd | PTE_P | PTE_W;
	((pte_t *)phys_to_virt(pd))[0] = 0 | PTE_P | PTE_W | PTE_PS;   /* 0-2 MiB */
	return pml4;
}

/* The C entry of an application processor. */
static __noreturn void
ap_entry(struct cpu *c)
{
	paging_switch_root(kmap_root());
	paging_cpu_init();
	percpu_init(c, c->id);
	gdt_cpu_init(c, c->ist_stacks);
	trap_cpu_init();
	arch_syscall_cpu_init();
	fpu_cpu_init();
	lapic_cpu_init();
	c->apic_id = lapic_id();
	if (smp_hooks.cpu_start)
		smp_hooks.cpu_start(c);     /* the scheduler: idle thread, tick */
	__atomic_or_fetch(&online_mask, 1ull << c->id, __ATOMIC_SEQ_CST);
	c->online = true;
	arch_irq_enable();
	smp_hooks.cpu_idle();
	for (;;)
		arch_wait_for_interrupt();
}

static int
prepare_cpu(struct cpu *c, unsigned id, uint32_t apic_id)
{
	memset(c, 0, sizeof(*c));
	c->id = id;
	c->apic_id = apic_id;
	c->boot_stack = kstack_alloc();
	if (!c->boot_stack)
		return -1;
	for (int i = 0; i < 3; i++) {
		c->ist_stacks[i] = kmalloc(IST_STACK_SIZE);
		if (!c->ist_stacks[i])
			return -1;
	}
	c->tss = kzalloc(sizeof(struct tss));
	return c->tss ? 0 : -1;
}

static bool
start_one(struct cpu *c, paddr_t cr3)
{
	struct ap_params *p = phys_to_virt(AP_BASE + (ap_boot_params - ap_boot_start));

	p->cr3 = cr3;
	p->stack = (uint64_t)c->boot_stack + KSTACK_SIZE;
	p->cpu = (uint64_t)c;
	p->entry = (uint64_t)ap_entry;
	lapic_send_init(c->apic_id);
	clock_udelay(10000);
	for (int sipi = 0; sipi < 2 && !c->online; sipi++) {
		lapic_send_sipi(c->apic_id, AP_VECTOR);
		for (int i = 0; i < 2000 && !c->online; i++)
			clock_udelay(100);
	}
	return c->online;
}

void
smp_start_aps(unsigned max_cpus)
{
	uint32_t self = lapic_id();
	paddr_t cr3;

	smp_call_init();
	if (acpi.ncpus <= 1 || max_cpus <= 1)
		return;
	cr3 = trampoline_tables();
	if (!cr3) {
		pr_warn("smp: no memory for the start-up page tables; one CPU only\n");
		return;
	}
	memcpy(phys_to_virt(AP_BASE), ap_boot_start, (size_t)(ap_boot_end - ap_boot_start));
	for (unsigned i = 0; i < acpi.ncpus && ncpus < MIN(max_cpus, (unsigned)CPU_MAX); i++) {
		struct cpu *c = &cpus[ncpus];

		if (acpi.cpu_apic_id[i] == self)
			continue;
		if (prepare_cpu(c, ncpus, acpi.cpu_apic_id[i]) < 0) {
			pr_warn("smp: no memory for CPU %u\n", ncpus);
			break;
		}
		if (!start_one(c, cr3)) {
			pr_warn("smp: CPU with APIC id %u did not start\n", acpi.cpu_apic_id[i]);
			continue;
		}
		ncpus++;
	}
	pr_info("smp: %u CPUs online\n", ncpus);
}

void
smp_send_ipi(unsigned cpu, int vector)
{
	lapic_send_ipi(cpus[cpu].apic_id, vector);
}

void
smp_halt_others(void)
{
	for (unsigned i = 0; i < ncpus; i++)
		if (i != this_cpu()->id && cpus[i].online)
			lapic_send_nmi(cpus[i].apic_id);
}
