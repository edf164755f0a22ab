// SPDX-License-Identifier: MIT
/*
 * Local APIC in xAPIC (memory-mapped) mode.
 *
 * Each CPU has one at the same physical address; an access reaches the
 * CPU's own.  Registers are 32 bits, 16-byte aligned.  The spurious-vector
 * register's bit 8 enables the APIC; the vector it names is what the APIC
 * delivers when an interrupt vanishes between being signalled and being
 * accepted, and such a spurious interrupt must not be acknowledged.
 */
#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/trap.h"

#define LAPIC_ID       0x020
#define LAPIC_VER      0x030
#define LAPIC_TPR      0x080
#define LAPIC_EOI      0x0B0
#define LAPIC_LDR      0x0D0
#define LAPIC_DFR      0x0E0
#define LAPIC_SVR      0x0F0
#define LAPIC_ESR      0x280
#define LAPIC_ICR_LO   0x300
#define LAPIC_ICR_HI   0x310
#define LAPIC_LVT_TMR  0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERR  0x370
#define LAPIC_TMR_INIT 0x380
#define LAPIC_TMR_CUR  0x390
#define LAPIC_TMR_DIV  0x3E0

#define SVR_ENABLE       (1u << 8)
#define LVT_MASKED       (1u << 16)
#define LVT_PERIODIC     (1u << 17)
#define LVT_NMI          (4u << 8)
#define ICR_FIXED        (0u << 8)
#define ICR_NMI          (4u << 8)
#define ICR_INIT         (5u << 8)
#define ICR_STARTUP      (6u << 8)
#define ICR_PENDING      (1u << 12)
#define ICR_ASSERT       (1u << 14)
#define ICR_LEVEL        (1u << 15)
#define TMR_DIV_16       0x3
#define APIC_BASE_ENABLE (1u << 11)

static volatile uint32_t *lapic;

static inline uint32_t rd(uint32_t reg) { return lapic[reg / 4]; }
static inline void wr(uint32_t reg, uint32_t v) { lapic[reg / 4] = v; (void)lapic[LAPIC_ID / 4]; }

bool
lapic_present(void)
{
	return lapic != NULL;
}

void
lapic_init(uint64_t phys)
{
	if (!phys)
		phys = rdmsr(MSR_APIC_BASE) & ~0xFFFull;
	lapic = fixmap_map(phys, 4096);
}

void
lapic_cpu_init(void)
{
	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE);
	wr(LAPIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
	wr(LAPIC_LVT_TMR, LVT_MASKED);
	wr(LAPIC_LVT_LINT0, LVT_MASKED);
	wr(LAPIC_LVT_LINT1, LVT_NMI);     /* LINT1 carries NMI on PCs */
	wr(LAPIC_LVT_ERR, LVT_MASKED);
	wr(LAPIC_ESR, 0);
	wr(LAPIC_ESR, 0);
	wr(LAPIC_EOI, 0);
	wr(LAPIC_TPR, 0);                 /* accept every priority */
}

uint32_t
lapic_id(void)
{
	return lapic ? rd(LAPIC_ID) >> 24 : 0;
}

void
lapic_eoi(void)
{
	if (lapic)
		wr(LAPIC_EOI, 0);
}

void
lapic_timer_periodic(int vector, uint32_t count)
{
	wr(LAPIC_TMR_DIV, TMR_DIV_16);
	wr(LAPIC_LVT_TMR, LVT_PERIODIC | vector);
	wr(LAPIC_TMR_INIT, count);
}

void
lapic_timer_stop(void)
{
	wr(LAPIC_LVT_TMR, LVT_MASKED);
	wr(LAPIC_TMR_INIT, 0);
}

void
lapic_timer_start_count(void)
{
	wr(LAPIC_TMR_DIV, TMR_DIV_16);
	wr(LAPIC_LVT_TMR, LVT_MASKED);
	wr(LAPIC_TMR_INIT, 0xFFFFFFFF);
}

uint32_t
lapic_timer_elapsed(void)
{
	return 0xFFFFFFFF - rd(LAPIC_TMR_CUR);
}

static void
icr_send(uint32_t apic_id, uint32_t low)
{
	wr(LAPIC_ICR_HI, apic_id << 24);
	wr(LAPIC_ICR_LO, low);
	while (rd(LAPIC_ICR_LO) & ICR_PENDING)
		cpu_pause();
}

void lapic_send_ipi(uint32_t apic_id, int vector) { icr_send(apic_id, ICR_FIXED | ICR_ASSERT | vector); }
void lapic_send_nmi(uint32_t apic_id) { icr_send(apic_id, ICR_NMI | ICR_ASSERT); }
void lapic_send_init(uint32_t apic_id) { icr_send(apic_id, ICR_INIT | ICR_ASSERT | ICR_LEVEL); }
void lapic_send_sipi(uint32_t apic_id, uint8_t page) { icr_send(apic_id, ICR_STARTUP | ICR_ASSERT | page); }
