/* SPDX-License-Identifier: MIT */
/*
 * The test pattern of the scratch disks: every 512-byte sector holds 64
 * words naming a tag (which disk, or which test wrote it), the sector
 * number and the word's index, so a sector read from the wrong place, a
 * word out of order or a stale write shows at once.  The host tool
 * tools/diskpattern.c writes the same pattern into the disk images, and
 * checks the kernel's writes after the run.  Pure C.
 */
#pragma once

#include "lib/compiler.h"

#define BLK_PATTERN_WORDS 64

static inline uint64_t
blk_pattern_word(uint8_t tag, uint64_t sector, unsigned i)
{
	return (uint64_t)tag << 56 | (sector & 0xFFFFFFFFFFull) << 12 | (uint64_t)(i & 0x3F) << 4 | 0x5;
}

static inline void
blk_pattern_fill(void *buf, uint8_t tag, uint64_t sector, uint32_t count)
{
	uint64_t *w = buf;

	for (uint32_t s = 0; s < count; s++)
		for (unsigned i = 0; i < BLK_PATTERN_WORDS; i++)
			*w++ = blk_pattern_word(tag, sector + s, i);
}

/* => the index of the first sector that differs, or count if all match. */
static inline uint32_t
blk_pattern_check(const void *buf, uint8_t tag, uint64_t sector, uint32_t count)
{
	const uint64_t *w = buf;

	for (uint32_t s = 0; s < count; s++)
		for (unsigned i = 0; i < BLK_PATTERN_WORDS; i++)
			if (*w++ != blk_pattern_word(tag, sector + s, i))
				return s;
	return count;
}
