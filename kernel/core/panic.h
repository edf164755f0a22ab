/* SPDX-License-Identifier: MIT */
/*
 * panic(): the one way the kernel stops on a broken invariant.  It prints the
 * message, the registers when a trap frame is at hand, and a symbolized
 * backtrace, then halts the other CPUs and leaves QEMU with a failure status.
 * User input must never reach it: bad input gets an errno.
 */
#pragma once

#include "lib/compiler.h"

struct trap_frame;

__noreturn void panic(const char *fmt, ...) __printf(1, 2);
__noreturn void panic_frame(const struct trap_frame *tf, const char *fmt, ...) __printf(2, 3);

bool panic_in_progress(void);
/* Print a backtrace starting at frame pointer rbp (0: the caller's). */
void backtrace_print(uint64_t rbp);
/*
 * The return addresses up the frame-pointer chain from rbp, innermost
 * first, at most max, reading only frames that lie inside [lo, hi) (a
 * thread's stack, or all of the direct map).  Stops at a zero return
 * address or a frame that does not move up the stack.
 */
unsigned backtrace_collect(uint64_t rbp, uint64_t lo, uint64_t hi, uint64_t *ret, unsigned max);
/* Name of the function containing addr, and the offset into it; NULL if none. */
const char *ksym_lookup(uint64_t addr, uint64_t *offset);

#define KASSERT(c)                                                          \
	do {                                                                \
		if (unlikely(!(c)))                                         \
			panic("assertion failed: %s (%s:%d)", #c, __FILE__, \
			      __LINE__);                                    \
	} while (0)
