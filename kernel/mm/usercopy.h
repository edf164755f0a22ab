/* SPDX-License-Identifier: MIT */
/*
 * The only way the kernel reads or writes user memory.  Every call checks
 * that the range lies in user space and recovers from faults, so a bad
 * pointer from a program costs it -EFAULT and nothing else.
 */
#pragma once

#include "lib/compiler.h"

/* True when [uaddr, uaddr + n) is entirely user space. */
bool user_range_ok(uint64_t uaddr, size_t n);

int copy_from_user(void *dst, const void *usrc, size_t n) __must_check;
int copy_to_user(void *udst, const void *src, size_t n) __must_check;
int clear_user(void *udst, size_t n) __must_check;
/*
 * Copy a NUL-terminated string of at most max-1 bytes plus the NUL.
 * => length, -EFAULT, or -ENAMETOOLONG when no NUL within max bytes.
 */
long strncpy_from_user(char *dst, const char *usrc, size_t max) __must_check;

/*
 * Atomically: if *uaddr == *expected, store newval.  => 0 stored, 1 the word
 * differed (*expected now holds it), -EFAULT.
 */
int cmpxchg_user32(uint32_t *uaddr, uint32_t *expected, uint32_t newval) __must_check;

#define get_user(kvar, uptr) copy_from_user(&(kvar), (uptr), sizeof(kvar))
#define put_user(kval, uptr)                                  \
	({                                                    \
		__typeof__(*(uptr)) __v = (kval);             \
		copy_to_user((uptr), &__v, sizeof(__v));      \
	})
