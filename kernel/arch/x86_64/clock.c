// SPDX-License-Identifier: MIT
/*
 * Calibration and the tick.  See clock.h.
 *
 * The HPET main counter runs at 10^15 / period_fs Hz.  The PIT fallback uses
 * channel 2, whose gate and output are wired to port 0x61, in mode 0
 * (interrupt on terminal count): load a count, raise the gate, poll until
 * OUT2 goes high.  Both give a known interval during which the TSC and the
 * APIC timer are read.  The interval is 50 ms; longer is more accurate under
 * emulation, where each instruction's timing wobbles.
 */
#include "arch/x86_64/clock.h"
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/trap.h"
#include "core/printk.h"

#define CAL_MS 50

#define HPET_CAP     0x000
#define HPET_CONFIG  0x010
#define HPET_COUNTER 0x0F0
#define HPET_ENABLE  1

#define PIT_HZ       1193182
#define PIT_CH2      0x42
#define PIT_CMD      0x43
#define PIT_GATE     0x61
#define GATE_ON      0x01
#define SPEAKER_ON   0x02
#define OUT2_HIGH    0x20

struct clock_info clock_info;
static uint64_t tsc_at_boot;
static uint64_t ns_mult;          /* ns = (tsc * ns_mult) >> 32 */
static void (*tick_fn)(bool user);
static volatile uint64_t *hpet;

static uint64_t hpet_read(uint64_t reg) { return hpet[reg / 8]; }

/* Wait CAL_MS on the HPET; returns false if there is none to use. */
static bool
hpet_wait(void)
{
	uint64_t period_fs, start, target;

	if (!acpi.has_hpet || !acpi.hpet_addr)
		return false;
	if (!hpet)
		hpet = fixmap_map(acpi.hpet_addr, 1024);
	if (!hpet)
		return false;
	period_fs = hpet_read(HPET_CAP) >> 32;
	if (period_fs == 0 || period_fs > 100000000)
		return false;   /* the spec caps the period at 100 ns */
	hpet[HPET_CONFIG / 8] |= HPET_ENABLE;
	start = hpet_read(HPET_COUNTER);
	target = start + CAL_MS * 1000000000000ull / period_fs;
	while (hpet_read(HPET_COUNTER) < target)
		cpu_pause();
	return true;
}

static void
pit_wait(void)
{
	uint16_t count = PIT_HZ * CAL_MS / 1000;

	outb(PIT_GATE, (inb(PIT_GATE) & ~SPEAKER_ON) | GATE_ON);
	outb(PIT_CMD, 0xB0);                 /* channel 2, lo/hi byte, mode 0 */
	outb(PIT_CH2, count & 0xFF);
	outb(PIT_CH2, count >> 8);
	outb(PIT_GATE, inb(PIT_GATE) & ~GATE_ON);   /* restart the count */
	outb(PIT_GATE, inb(PIT_GATE) | GATE_ON);
	while (!(inb(PIT_GATE) & OUT2_HIGH))
		cpu_pause();
}

void
clock_calibrate(void)
{
	uint64_t t0, t1;
	uint32_t apic_ticks;
	bool used_hpet;

	/* Time the PIT or HPET wait directly; start the APIC count just before. */
	lapic_timer_start_count();
	t0 = rdtsc();
	used_hpet = hpet_wait();
	if (!used_hpet) {
		lapic_timer_start_count();
		t0 = rdtsc();
		pit_wait();
	}
	t1 = rdtsc();
	apic_ticks = lapic_timer_elapsed();
	lapic_timer_stop();

	clock_info.reference = used_hpet ? "HPET" : "PIT";
	clock_info.tsc_hz = (t1 - t0) * 1000 / CAL_MS;
	clock_info.lapic_hz = (uint64_t)apic_ticks * 1000 / CAL_MS;
	ns_mult = (1000000000ull << 32) / clock_info.tsc_hz;
	tsc_at_boot = t0;
}

uint64_t
clock_ns(void)
{
	uint64_t d = rdtsc() - tsc_at_boot;

	return (uint64_t)(((unsigned __int128)d * ns_mult) >> 32);
}

void
clock_udelay(uint64_t us)
{
	uint64_t end = clock_ns() + us * 1000;

	while (clock_ns() < end)
		cpu_pause();
}

static void
tick_irq(struct trap_frame *tf, void *data)
{
	if (tick_fn)
		tick_fn(trap_from_user(tf));
}

void
clock_start_tick(unsigned hz, void (*tick)(bool user))
{
	tick_fn = tick;
	clock_info.tick_hz = hz;
	irq_set_handler(VEC_TIMER, tick_irq, NULL);
	lapic_timer_periodic(VEC_TIMER, (uint32_t)(clock_info.lapic_hz / hz));
}
