/* SPDX-License-Identifier: MIT */
/*
 * Read-ahead and free-behind policy for one stream of block reads: pure
 * arithmetic, shared by the buffer cache and its host unit test.
 *
 * Read-ahead: when a reader asks for the block right after the previous
 * one, it is probably reading sequentially, so the cache fetches blocks
 * before they are asked for, and the disk works while the reader computes.
 * The window (how far ahead to stay) starts at RA_INITIAL on the first
 * sequential hit and doubles on each further one, up to a maximum; any
 * jump elsewhere closes it.  Blocks are requested in batches: nothing new
 * is issued until the reader has used up half of what is already on the
 * way, so the disk sees a few large requests rather than one per block.
 *
 * Free-behind: a very long sequential run (a backup, a file copy) would
 * flush everything else out of an LRU cache with data that will never be
 * read again.  Past a threshold, blocks behind the reader are released to
 * the cold end of the LRU list, so the stream recycles its own buffers and
 * the rest of the cache survives (most-recently-used replacement, for this
 * stream only).
 */
#pragma once

#include "lib/compiler.h"

#define RA_INITIAL 2
#define RA_NONE    UINT64_MAX

struct ra_state {
	uint64_t last;      /* last block read, RA_NONE before the first */
	uint64_t next;      /* first block not yet requested by read-ahead */
	uint32_t window;    /* blocks to keep ahead of the reader; 0 = off */
	uint64_t run;       /* sequential reads in a row */
};

void ra_init(struct ra_state *ra);
/*
 * The reader asked for block blk.  Update the state and say which blocks
 * to read ahead now: [*start, *end), empty when *start == *end.  Blocks
 * at or past `limit` (the device's end) are never requested.
 */
void ra_access(struct ra_state *ra, uint64_t blk, uint32_t max_window, uint64_t limit,
	       uint64_t *start, uint64_t *end);
/* Should the block just read be freed behind the reader? */
bool ra_free_behind(const struct ra_state *ra, uint64_t threshold);
