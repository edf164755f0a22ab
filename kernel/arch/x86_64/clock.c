// SPDX-License-Identifier: MIT
/*
 * Calibration and the tick.  See clock.h.
 *
 * The HPET main counter runs at 10^15 / period_fs Hz.  The PIT fallback uses
 * channel 2, whose gate and output are wired to port 0x61, in mode 0
 * (interrupt on terminal count): load a count, raise the gate, poll until
 * OUT2 goes high.  Both give a known interval during which the TSC and the
 * APIC timer are read: three rounds of 25 ms, the best of which counts
 * (see clock_calibrate for why the best is the slowest).
 */
#include "arch/x86_64/clock.h"
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/trap.h"
#include "core/printk.h"

#define CAL_MS 25                 /* one round */
#define CAL_ROUNDS 3

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
static void (*tick_fn)(bool user, uint64_t pc, uint64_t fp);
static volatile uint64_t *hpet;

static uint64_t hpet_read(uint64_t reg) { return hpet[reg / 8]; }

/* One measurement: TSC and APIC-timer counts over ref_ns of the reference. */
struct cal_round {
	uint64_t tsc, ref_ns;
	uint32_t apic;
};

static bool
hpet_usable(uint64_t *period_fs)
{
	if (!acpi.has_hpet || !acpi.hpet_addr)
		return false;
	if (!hpet)
		hpet = fixmap_map(acpi.hpet_addr, 1024);
	if (!hpet)
		return false;
	*period_fs = hpet_read(HPET_CAP) >> 32;
	if (*period_fs == 0 || *period_fs > 100000000)
		return false;   /* the spec caps the period at 100 ns */
	hpet[HPET_CONFIG / 8] |= HPET_ENABLE;
	return true;
}

/*
 * About CAL_MS on the HPET.  The interval is what the counter says passed
 * between the two TSC reads beside it, so a pause of the virtual CPU before
 * the round starts costs nothing.
 */
static void
hpet_round(uint64_t period_fs, struct cal_round *r)
{
	uint32_t a0 = lapic_timer_elapsed();
	uint64_t h0 = hpet_read(HPET_COUNTER), t0 = rdtsc(), h1;
	uint64_t target = h0 + CAL_MS * 1000000000000ull / period_fs;

	while ((h1 = hpet_read(HPET_COUNTER)) < target)
		cpu_pause();
	r->tsc = rdtsc() - t0;
	r->apic = lapic_timer_elapsed() - a0;
	r->ref_ns = (h1 - h0) * period_fs / 1000000;
}

/* CAL_MS on the PIT, which cannot be read as cheaply: the interval is nominal. */
static void
pit_round(struct cal_round *r)
{
	uint16_t count = PIT_HZ * CAL_MS / 1000;
	uint32_t a0;
	uint64_t t0;

	outb(PIT_GATE, (inb(PIT_GATE) & ~SPEAKER_ON) | GATE_ON);
	outb(PIT_CMD, 0xB0);                 /* channel 2, lo/hi byte, mode 0 */
	outb(PIT_CH2, count & 0xFF);
	outb(PIT_CH2, count >> 8);
	a0 = lapic_timer_elapsed();
	t0 = rdtsc();
	outb(PIT_GATE, inb(PIT_GATE) & ~GATE_ON);   /* restart the count */
	outb(PIT_GATE, inb(PIT_GATE) | GATE_ON);
	while (!(inb(PIT_GATE) & OUT2_HIGH))
		cpu_pause();
	r->tsc = rdtsc() - t0;
	r->apic = lapic_timer_elapsed() - a0;
	r->ref_ns = CAL_MS * 1000000ull;
}

/*
 * Under emulation the virtual CPU can be paused by the host at any moment,
 * for milliseconds or, on a busy host, seconds.  A pause inside a round
 * makes the TSC and the APIC timer look faster than they are, never slower
 * (every clock here follows the host's time, but the reference's reads
 * bracket the pause only where they happen to fall).  So take a few rounds
 * and keep the one that gives the slowest TSC.
 */
void
clock_calibrate(void)
{
	struct cal_round best = { 0 }, r;
	uint64_t period_fs = 0;
	bool used_hpet = hpet_usable(&period_fs);

	lapic_timer_start_count();
	for (int i = 0; i < CAL_ROUNDS; i++) {
		if (used_hpet)
			hpet_round(period_fs, &r);
		else
			pit_round(&r);
		/* r.tsc / r.ref_ns < best.tsc / best.ref_ns, without dividing */
		if (i == 0 || (unsigned __int128)r.tsc * best.ref_ns <
			      (unsigned __int128)best.tsc * r.ref_ns)
			best = r;
	}
	lapic_timer_stop();

	clock_info.reference = used_hpet ? "HPET" : "PIT";
	clock_info.tsc_hz = best.tsc * 1000000000ull / best.ref_ns;
	clock_info.lapic_hz = (uint64_t)best.apic * 1000000000ull / best.ref_ns;
	ns_mult = (1000000000ull << 32) / clock_info.tsc_hz;
	tsc_at_boot = rdtsc();
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
		tick_fn(trap_from_user(tf), tf->rip, tf->rbp);
}

void
clock_start_tick(unsigned hz, void (*tick)(bool user, uint64_t pc, uint64_t fp))
{
	tick_fn = tick;
	clock_info.tick_hz = hz;
	irq_set_handler(VEC_TIMER, "lapic-timer", tick_irq, NULL);
	lapic_timer_periodic(VEC_TIMER, (uint32_t)(clock_info.lapic_hz / hz));
}
