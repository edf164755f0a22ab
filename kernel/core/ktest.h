/* SPDX-License-Identifier: MIT */
/*
 * In-kernel tests.  A test is a function returning 0 for pass, registered
 * with KTEST() into the .ktest section, so tests live beside the code they
 * test and need no central list.  `keel.ktest=all` (or a comma-separated
 * list of names, `prefix*` allowed) runs them at boot; the kernel prints one
 * line per test and a summary, then leaves QEMU with a pass or fail status.
 */
#pragma once

#include "lib/compiler.h"
#include "core/printk.h"

#define KTEST_EXPECT_PANIC 1   /* run only by exact name; passing = panicking */

struct ktest {
	const char *name;
	const char *desc;
	int (*fn)(void);
	int flags;
};

#define KTEST_FLAGS(fn_name, description, fl)                                  \
	static int fn_name(void);                                              \
	static const struct ktest __ktest_##fn_name __section(".ktest") __used \
		__aligned(8) = { #fn_name, description, fn_name, fl };         \
	static int fn_name(void)

#define KTEST(fn_name, description) KTEST_FLAGS(fn_name, description, 0)

/* Fail the running test with a message naming the line. */
#define KT_ASSERT(cond)                                                        \
	do {                                                                   \
		if (!(cond)) {                                                 \
			printk(KERN_ERR "ktest:   assertion failed: %s (%s:%d)\n", \
			       #cond, __FILE__, __LINE__);                     \
			return -1;                                             \
		}                                                              \
	} while (0)

#define KT_EQ(a, b)                                                            \
	do {                                                                   \
		long long __a = (long long)(a), __b = (long long)(b);          \
		if (__a != __b) {                                              \
			printk(KERN_ERR "ktest:   %s == %s failed: %lld != %lld (%s:%d)\n", \
			       #a, #b, __a, __b, __FILE__, __LINE__);          \
			return -1;                                             \
		}                                                              \
	} while (0)

/* Run the tests selected by filter; leaves QEMU with the verdict. */
__noreturn void ktest_run(const char *filter);
