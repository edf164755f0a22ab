// SPDX-License-Identifier: MIT
/*
 * The host stand-ins for the few kernel services pure code uses: panic,
 * printk and spinlocks (single-threaded here, but still checked for
 * balance), plus the test runner's main().
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "sync/spinlock.h"

#define MAX_TESTS 512

static struct unit_test tests[MAX_TESTS];
static int ntests;
int unit_failed;
static const char *prog;

void
unit_register(const char *name, void (*fn)(void))
{
	if (ntests < MAX_TESTS)
		tests[ntests++] = (struct unit_test){ name, fn };
}

void panic(const char *fmt, ...) __attribute__((noreturn));
void
panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("panic: ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	fflush(stdout);
	abort();
}

int printk(const char *fmt, ...);
int
printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	if (fmt[0] == '\001')
		fmt += 2;
	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

void spin_init(struct spinlock *l, const char *name) { memset(l, 0, sizeof(*l)); l->name = name; }
void spin_lock(struct spinlock *l)
{
	if (l->next != l->serving)
		panic("host spin_lock: %s already held", l->name);
	l->next++;
}
void spin_unlock(struct spinlock *l)
{
	if (l->next == l->serving)
		panic("host spin_unlock: %s not held", l->name);
	l->serving++;
}
bool spin_trylock(struct spinlock *l)
{
	if (l->next != l->serving)
		return false;
	l->next++;
	return true;
}
bool spin_holding(const struct spinlock *l) { return l->next != l->serving; }

int
main(int argc, char **argv)
{
	int failures = 0;
	const char *base = strrchr(argv[0], '/');

	prog = base ? base + 1 : argv[0];
	if (strncmp(prog, "test_", 5) == 0)
		prog += 5;
	for (int i = 0; i < ntests; i++) {
		if (argc > 1 && strstr(tests[i].name, argv[1]) == NULL)
			continue;
		unit_failed = 0;
		tests[i].fn();
		printf("%s unit/%s/%s\n", unit_failed ? "FAIL" : "PASS", prog, tests[i].name);
		failures += unit_failed;
	}
	return failures ? 1 : 0;
}
