// SPDX-License-Identifier: MIT
/* Bit-array helpers; see bitmap.h.  Whole words are skipped when full. */
#include "lib/bitmap.h"

void
bitmap_set_range(uint64_t *b, size_t start, size_t count)
{
	for (size_t i = start; i < start + count; i++)
		bitmap_set(b, i);
}

void
bitmap_clear_range(uint64_t *b, size_t start, size_t count)
{
	for (size_t i = start; i < start + count; i++)
		bitmap_clear(b, i);
}

size_t
bitmap_find_clear_run(const uint64_t *b, size_t nbits, size_t from, size_t count)
{
	size_t run = 0;

	if (count == 0)
		return from;
	for (size_t i = from; i < nbits; i++) {
		if (run == 0 && i % 64 == 0 && b[i / 64] == ~0ull) {
			i += 63;        /* a full word cannot start a run */
			continue;
		}
		if (bitmap_test(b, i)) {
			run = 0;
			continue;
		}
		if (++run == count)
			return i + 1 - count;
	}
	return (size_t)-1;
}

size_t
bitmap_count_set(const uint64_t *b, size_t nbits)
{
	size_t n = 0;

	for (size_t i = 0; i < nbits; i++)
		n += bitmap_test(b, i);
	return n;
}
