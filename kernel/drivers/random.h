/* SPDX-License-Identifier: MIT */
/*
 * The kernel's random numbers: a ChaCha20-based generator seeded at boot
 * from RDSEED/RDRAND (when the CPU has them) and timing jitter, used for
 * /dev/random, /dev/urandom, getrandom(2) and the kernel itself (AT_RANDOM
 * for exec, ...).
 */
#pragma once

#include "lib/compiler.h"

struct file_ops;

/* Seed the generator (after the clocks are calibrated, before any user). */
void random_init(void);
/* n random bytes.  Never blocks; safe from any thread (not from interrupts). */
void random_get_bytes(void *buf, size_t n);
/* Stir bytes into the state (they need not be secret or random). */
void random_add_entropy(const void *buf, size_t n);
/* One ChaCha20 block: key (8 words), words 12..15 of the state, 16 words out. */
void chacha20_block(const uint32_t key[8], const uint32_t iv[4], uint32_t out[16]);

/* /dev/random and /dev/urandom (the same generator, as on Linux since 5.6). */
extern const struct file_ops random_fops;

long sys_getrandom(void *buf, size_t count, unsigned flags);
