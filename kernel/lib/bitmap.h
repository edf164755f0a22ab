/* SPDX-License-Identifier: MIT */
/* Bit arrays: set, clear, test, and search for runs of clear bits.  Pure C. */
#pragma once

#include "lib/compiler.h"

#define BITS_PER_WORD 64
#define BITMAP_WORDS(n) (((n) + BITS_PER_WORD - 1) / BITS_PER_WORD)

static inline void bitmap_set(uint64_t *b, size_t i) { b[i / 64] |= 1ull << (i % 64); }
static inline void bitmap_clear(uint64_t *b, size_t i) { b[i / 64] &= ~(1ull << (i % 64)); }
static inline bool bitmap_test(const uint64_t *b, size_t i) { return b[i / 64] >> (i % 64) & 1; }

void bitmap_set_range(uint64_t *b, size_t start, size_t count);
void bitmap_clear_range(uint64_t *b, size_t start, size_t count);
/*
 * First index >= from of a run of count clear bits within nbits, or
 * (size_t)-1 if there is none.
 */
size_t bitmap_find_clear_run(const uint64_t *b, size_t nbits, size_t from, size_t count);
size_t bitmap_count_set(const uint64_t *b, size_t nbits);
