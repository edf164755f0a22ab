// SPDX-License-Identifier: MIT
/*
 * The A20 line and the BIOS memory map.
 *
 * A20.  The 8086 had 20 address lines, so FFFF:0010 wrapped around to
 * 0000:0000, and some programs counted on it.  The IBM AT, with 24 lines,
 * kept the wrap-around by gating line 20 through a spare pin of the keyboard
 * controller; it starts out masked.  Until it is opened every odd megabyte is
 * a copy of the even one below, and the kernel at 1 MiB would land on top of
 * the first 64 KiB.  Three ways to open it, tried in order of politeness:
 * asking the BIOS (int 15h AX=2401h), the keyboard controller's output port
 * (command 0xD1, then a value with bit 1 set), and the "fast A20" bit 1 of
 * system control port 0x92.  Whether it worked is checked, not assumed: write
 * different values at an address and at the same address plus 1 MiB; if the
 * first changed, the two are one memory cell and A20 is still masked.
 *
 * The memory map.  int 15h EAX=E820h returns one range per call (base,
 * length, type: 1 usable, 2 reserved, 3 ACPI, 4 ACPI NVS, 5 bad) and a
 * continuation value in EBX until it returns 0.  Old BIOSes without it
 * still answer int 15h AX=E801h (memory above 1 MiB, in two pieces) and
 * int 12h (conventional memory below 640 KiB).
 */
#include "bios/bios.h"
#include "lib/string.h"

#define A20_PROBE   0x7E00u         /* free once stage 1 has jumped */
#define MIB         0x100000u
#define KBC_DATA    0x60
#define KBC_STATUS  0x64
#define KBC_IN_FULL 0x02
#define KBC_WRITE_OUTPUT 0xD1
#define SYS_CTRL_A  0x92
#define SMAP        0x534D4150      /* "SMAP" */

bool
a20_is_on(void)
{
	volatile uint32_t *lo = (volatile uint32_t *)A20_PROBE;
	volatile uint32_t *hi = (volatile uint32_t *)(A20_PROBE + MIB);
	uint32_t save_lo = *lo, save_hi = *hi;
	bool on;

	*lo = 0x4B45454C;
	*hi = ~0x4B45454Cu;
	on = *lo == 0x4B45454C;
	*hi = save_hi;                  /* in this order: if they alias, lo wins */
	*lo = save_lo;
	return on;
}

static void
a20_bios(bool on)
{
	struct bios_regs r = { .eax = on ? 0x2401 : 0x2400 };

	bios_int(0x15, &r);
}

static void
kbc_wait(void)
{
	for (int spin = 0; spin < 100000 && (inb(KBC_STATUS) & KBC_IN_FULL); spin++)
		;
}

static void
a20_kbc(bool on)
{
	kbc_wait();
	outb(KBC_STATUS, KBC_WRITE_OUTPUT);
	kbc_wait();
	outb(KBC_DATA, on ? 0xDF : 0xDD);   /* bit 1: A20; bit 0: keep the CPU running */
	kbc_wait();
}

static void
a20_fast(bool on)
{
	uint8_t v = inb(SYS_CTRL_A);

	v = on ? (v | 0x02) : (v & ~0x02);
	outb(SYS_CTRL_A, v & ~0x01);        /* bit 0 would reset the machine */
}

static const struct a20_method {
	const char *name;
	void (*set)(bool on);
} a20_methods[] = {
	{ "the BIOS (int 15h AX=2401h)", a20_bios },
	{ "the keyboard controller", a20_kbc },
	{ "port 0x92 (fast A20)", a20_fast },
};

/* Some gates take a moment: look a few times. */
static bool
a20_wait(bool want)
{
	for (int i = 0; i < 1000; i++)
		if (a20_is_on() == want)
			return true;
	return false;
}

int
a20_enable(void)
{
	if (a20_is_on()) {
		con_printf("a20: already enabled\n");
		return 0;
	}
	for (unsigned i = 0; i < ARRAY_SIZE(a20_methods); i++) {
		a20_methods[i].set(true);
		if (a20_wait(true)) {
			con_printf("a20: enabled by %s\n", a20_methods[i].name);
			return 0;
		}
	}
	con_printf("a20: cannot enable the A20 line\n");
	return -1;
}

/* Close and reopen the gate with each method, checking with the wrap-around test. */
int
a20_selftest(void)
{
	int failed = 0;

	for (unsigned i = 0; i < ARRAY_SIZE(a20_methods); i++) {
		bool off, on;

		a20_methods[i].set(false);
		off = a20_wait(false);
		a20_methods[i].set(true);
		on = a20_wait(true);
		con_printf("a20-test: %s %s: masked %s, opened %s\n", off && on ? "PASS" : "FAIL",
			   a20_methods[i].name, off ? "yes" : "no", on ? "yes" : "no");
		failed |= !(off && on);
	}
	return failed ? -1 : a20_enable();
}

/* The E801/int 12h fallback: conventional memory and two ranges above 1 MiB. */
static unsigned
e801_read(struct mem_range *out)
{
	struct bios_regs r = { .eax = 0xE801 };
	struct bios_regs low = { 0 };
	uint32_t below16, above16;

	bios_int(0x12, &low);
	bios_int(0x15, &r);
	if (r.eflags & EFLAGS_CF)
		return 0;
	below16 = (r.eax & 0xFFFF) ? (r.eax & 0xFFFF) : (r.ecx & 0xFFFF);   /* KiB */
	above16 = (r.ebx & 0xFFFF) ? (r.ebx & 0xFFFF) : (r.edx & 0xFFFF);   /* 64 KiB */
	out[0] = (struct mem_range){ 0, (uint64_t)(low.eax & 0xFFFF) << 10, MEM_USABLE };
	out[1] = (struct mem_range){ MIB, (uint64_t)below16 << 10, MEM_USABLE };
	out[2] = (struct mem_range){ 16ull * MIB, (uint64_t)above16 << 16, MEM_USABLE };
	con_printf("memory: no E820 map; E801 reports %u KiB + %u x 64 KiB\n", below16, above16);
	return above16 ? 3 : 2;
}

struct __packed e820_entry {
	uint64_t base, len;
	uint32_t type, attr;            /* attr: ACPI 3.0; bit 0 clear = ignore */
};

unsigned
e820_read(struct mem_range *out, unsigned max)
{
	struct e820_entry *e = (struct e820_entry *)BOUNCE_BUF;
	struct bios_regs r;
	uint32_t cont = 0;
	unsigned n = 0;

	do {
		memset(e, 0, sizeof(*e));
		e->attr = 1;                 /* a 20-byte answer leaves it "valid" */
		r = (struct bios_regs){ .eax = 0xE820, .ebx = cont, .ecx = sizeof(*e),
					.edx = SMAP, .edi = OFF(BOUNCE_BUF),
					.es = SEG(BOUNCE_BUF) };
		bios_int(0x15, &r);
		if ((r.eflags & EFLAGS_CF) || r.eax != SMAP)
			break;                   /* no E820, or past the last entry */
		if (e->len && (e->attr & 1) && n < max)
			out[n++] = (struct mem_range){ e->base, e->len, e->type };
		cont = r.ebx;
	} while (cont != 0);
	if (n == 0)
		return e801_read(out);
	for (unsigned i = 0; i < n; i++)
		con_printf("memory: 0x%010llx-0x%010llx type %u\n", (unsigned long long)out[i].base,
			   (unsigned long long)(out[i].base + out[i].len - 1), out[i].type);
	return n;
}

/* Is all of [base, base + len) usable RAM, possibly across adjacent ranges? */
bool
mem_usable(const struct mem_range *map, unsigned n, uint64_t base, uint64_t len)
{
	uint64_t cur = base, end = base + len;
	bool moved = true;

	while (cur < end && moved) {
		moved = false;
		for (unsigned i = 0; i < n; i++) {
			if (map[i].type == MEM_USABLE && map[i].base <= cur &&
			    cur < map[i].base + map[i].len) {
				cur = map[i].base + map[i].len;
				moved = true;
			}
		}
	}
	return cur >= end;
}
