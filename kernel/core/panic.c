// SPDX-License-Identifier: MIT
/*
 * panic() and the backtrace it prints.
 *
 * The backtrace follows the frame-pointer chain (the kernel is built with
 * -fno-omit-frame-pointer): each frame starts with the caller's saved %rbp,
 * and the word above it is the return address.  Addresses are named through
 * the symbol table that tools/gensyms.sh generates at link time.
 */
#include "core/panic.h"
#include "core/printk.h"
#include "arch/arch.h"
#include "arch/smp.h"
#include "arch/x86_64/trap.h"
#include "lib/format.h"

extern const uint64_t ksyms_count;
extern const uint64_t ksyms_addrs[];
extern const uint32_t ksyms_offs[];
extern const char ksyms_names[];
extern char __text_start[], __text_end[];

static volatile int panicking;

const char *
ksym_lookup(uint64_t addr, uint64_t *offset)
{
	uint64_t lo = 0, hi = ksyms_count;

	if (hi == 0 || addr < ksyms_addrs[0] || addr >= (uint64_t)__text_end)
		return NULL;
	/* Binary search for the last symbol at or below addr. */
	while (hi - lo > 1) {
		uint64_t mid = (lo + hi) / 2;
		if (ksyms_addrs[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*offset = addr - ksyms_addrs[lo];
	return ksyms_names + ksyms_offs[lo];
}

static bool
kernel_stack_addr(uint64_t a)
{
	return a >= DIRECT_MAP_BASE && (a & 7) == 0;
}

unsigned
backtrace_collect(uint64_t rbp, uint64_t lo, uint64_t hi, uint64_t *ret, unsigned max)
{
	unsigned n = 0;

	while (n < max && rbp >= lo && hi >= 16 && rbp <= hi - 16 && (rbp & 7) == 0) {
		uint64_t next = ((const uint64_t *)rbp)[0];

		if (!(ret[n] = ((const uint64_t *)rbp)[1]))
			break;
		n++;
		if (next <= rbp)
			break;          /* frames must move up the stack */
		rbp = next;
	}
	return n;
}

/*
 * Printed frame by frame rather than collected first: on a damaged stack
 * the frames before the bad one still reach the console.
 */
void
backtrace_print(uint64_t rbp)
{
	if (!rbp)
		rbp = arch_frame_pointer();
	printk(KERN_EMERG "backtrace:\n");
	for (int depth = 0; depth < 32 && kernel_stack_addr(rbp); depth++) {
		uint64_t ret = ((uint64_t *)rbp)[1], off = 0;
		/*
		 * Look up ret - 1: after a call to a noreturn function the return
		 * address may already belong to the next function.
		 */
		const char *name = ksym_lookup(ret - 1, &off);

		if (!ret)
			break;
		printk(KERN_EMERG "  [<%016llx>] %s+0x%llx\n", (unsigned long long)ret,
		       name ? name : "?", (unsigned long long)off + 1);
		if (((uint64_t *)rbp)[0] <= rbp)
			break;  /* frames must move up the stack */
		rbp = ((uint64_t *)rbp)[0];
	}
}

static __noreturn void
panic_finish(void)
{
	printk(KERN_EMERG "Keel halted.\n");
	arch_qemu_exit(QEMU_EXIT_PANIC);
}

bool
panic_in_progress(void)
{
	return __atomic_load_n(&panicking, __ATOMIC_RELAXED);
}

static void
panic_begin(void)
{
	arch_irq_disable();
	if (__atomic_exchange_n(&panicking, 1, __ATOMIC_SEQ_CST)) {
		/* A panic inside panic, or on a second CPU: stop here, quietly. */
		arch_halt_forever();
	}
	smp_halt_others();
	printk_panic_mode();
}

void
panic(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	panic_begin();
	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk(KERN_EMERG "panic: %s\n", msg);
	backtrace_print(0);
	panic_finish();
}

void
panic_frame(const struct trap_frame *tf, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	panic_begin();
	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk(KERN_EMERG "panic: %s\n", msg);
	trap_frame_print(tf);
	backtrace_print(tf->rbp);
	panic_finish();
}
