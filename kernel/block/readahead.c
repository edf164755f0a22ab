// SPDX-License-Identifier: MIT
/* Read-ahead window and free-behind decisions.  See readahead.h.  Pure C. */
#include "block/readahead.h"

void
ra_init(struct ra_state *ra)
{
	ra->last = RA_NONE;
	ra->next = 0;
	ra->window = 0;
	ra->run = 0;
}

void
ra_access(struct ra_state *ra, uint64_t blk, uint32_t max_window, uint64_t limit,
	  uint64_t *start, uint64_t *end)
{
	*start = *end = 0;
	if (ra->last != RA_NONE && blk == ra->last)
		return;                                  /* the same block again */
	if (ra->last != RA_NONE && blk == ra->last + 1) {
		ra->run++;
		ra->window = ra->window ? MIN(ra->window * 2, max_window) : MIN(RA_INITIAL, max_window);
	} else {
		ra->run = 0;
		ra->window = 0;
		ra->next = blk + 1;
	}
	ra->last = blk;
	if (ra->window == 0)
		return;
	if (ra->next < blk + 1)
		ra->next = blk + 1;
	/* Batch: wait until half of what is in flight ahead has been used. */
	if (ra->next > blk + 1 + ra->window / 2)
		return;
	*start = ra->next;
	*end = MIN(blk + 1 + ra->window, limit);
	if (*start >= *end) {
		*start = *end = 0;
		return;
	}
	ra->next = *end;
}

bool
ra_free_behind(const struct ra_state *ra, uint64_t threshold)
{
	return threshold && ra->run >= threshold;
}
