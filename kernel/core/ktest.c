// SPDX-License-Identifier: MIT
/* The in-kernel test runner.  See ktest.h. */
#include "core/ktest.h"
#include "arch/arch.h"
#include "arch/x86_64/clock.h"
#include "lib/string.h"
#include "sched/sched.h"
#include "sync/lockdep.h"

extern const struct ktest __ktest_start[], __ktest_end[];

/* Does name match one comma-separated pattern of filter? */
static bool
selected(const struct ktest *t, const char *filter)
{
	const char *p = filter;

	if (strcmp(filter, "all") == 0)
		return !(t->flags & KTEST_EXPECT_PANIC);
	while (*p) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n && p[n - 1] == '*') {
			if (strncmp(t->name, p, n - 1) == 0 && !(t->flags & KTEST_EXPECT_PANIC))
				return true;
		} else if (strlen(t->name) == n && strncmp(t->name, p, n) == 0) {
			return true;
		}
		p += n + (end ? 1 : 0);
	}
	return false;
}

void
ktest_run(const char *filter)
{
	unsigned pass = 0, fail = 0;

	printk("ktest: running \"%s\"\n", filter);
	WRITE_ONCE(current()->hung_watch, true);  /* a test stuck asleep gets named (sched/hung.c) */
	for (const struct ktest *t = __ktest_start; t < __ktest_end; t++) {
		uint64_t start;
		int r;

		if (!selected(t, filter))
			continue;
		printk("ktest: RUN  %s: %s\n", t->name, t->desc);
		start = clock_ns();
		r = t->fn();
		/* A lock-order report the test did not take itself fails it. */
		if (lockdep_take_reports()) {
			printk(KERN_ERR "ktest:   the lock-order checker reported a problem\n");
			r = -1;
		}
		if (r == 0) {
			pass++;
			printk("ktest: PASS %s (%llu ms)\n", t->name,
			       (unsigned long long)((clock_ns() - start) / 1000000));
		} else {
			fail++;
			printk("ktest: FAIL %s\n", t->name);
		}
	}
	printk("ktest: %u passed, %u failed\n", pass, fail);
	arch_qemu_exit(fail || pass == 0 ? QEMU_EXIT_FAIL : QEMU_EXIT_PASS);
}
