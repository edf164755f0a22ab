// SPDX-License-Identifier: MIT
/*
 * The Banker's algorithm: claims, requests granted only into safe states,
 * and the safety algorithm.  See banker.h for the idea; this file is the
 * arithmetic.  The safety check costs O(n^2 m) for n processes and m
 * resources, paid on every request: one reason kernels avoid it.
 */
#include <string.h>
#include "banker.h"
#include "uapi/errno.h"

static bool
valid_proc(const struct banker *b, int p)
{
	return p >= 0 && p < b->nproc;
}

int
banker_init(struct banker *b, int nproc, int nres, const int *total)
{
	if (nproc < 1 || nproc > BANKER_MAX_PROC || nres < 1 || nres > BANKER_MAX_RES)
		return -EINVAL;
	for (int r = 0; r < nres; r++)
		if (total[r] < 0)
			return -EINVAL;
	memset(b, 0, sizeof(*b));
	b->nproc = nproc;
	b->nres = nres;
	for (int r = 0; r < nres; r++)
		b->total[r] = b->avail[r] = total[r];
	return 0;
}

int
banker_need(const struct banker *b, int p, int r)
{
	return b->max[p][r] - b->alloc[p][r];
}

int
banker_claim(struct banker *b, int p, const int *max)
{
	if (!valid_proc(b, p))
		return -EINVAL;
	for (int r = 0; r < b->nres; r++)
		if (max[r] < b->alloc[p][r] || max[r] > b->total[r])
			return -EINVAL;
	for (int r = 0; r < b->nres; r++)
		b->max[p][r] = max[r];
	return 0;
}

/* Can p's whole remaining need be met from work? */
static bool
need_fits(const struct banker *b, int p, const int *work)
{
	for (int r = 0; r < b->nres; r++)
		if (banker_need(b, p, r) > work[r])
			return false;
	return true;
}

/*
 * Pretend each process in turn asks for all it may still need; one whose
 * need fits in what is free can finish and hand back what it holds.
 * Sweep until nobody else can finish.  Safe iff everybody could.
 */
bool
banker_safe(const struct banker *b, int *order)
{
	int work[BANKER_MAX_RES];
	bool done[BANKER_MAX_PROC] = { false };
	int ndone = 0;
	bool progress = true;

	memcpy(work, b->avail, sizeof(work));
	while (progress) {
		progress = false;
		for (int p = 0; p < b->nproc; p++) {
			if (done[p] || !need_fits(b, p, work))
				continue;
			for (int r = 0; r < b->nres; r++)
				work[r] += b->alloc[p][r];
			done[p] = true;
			if (order)
				order[ndone] = p;
			ndone++;
			progress = true;
		}
	}
	return ndone == b->nproc;
}

static void
assign(struct banker *b, int p, const int *req, int sign)
{
	for (int r = 0; r < b->nres; r++) {
		b->alloc[p][r] += sign * req[r];
		b->avail[r] -= sign * req[r];
	}
}

int
banker_request(struct banker *b, int p, const int *req)
{
	if (!valid_proc(b, p))
		return -EINVAL;
	for (int r = 0; r < b->nres; r++)
		if (req[r] < 0 || req[r] > banker_need(b, p, r))
			return -EINVAL;
	for (int r = 0; r < b->nres; r++)
		if (req[r] > b->avail[r])
			return -EAGAIN;
	/* Assign tentatively, and take it back if the result is unsafe. */
	assign(b, p, req, 1);
	if (!banker_safe(b, NULL)) {
		assign(b, p, req, -1);
		return -EDEADLK;
	}
	return 0;
}

int
banker_release(struct banker *b, int p, const int *rel)
{
	if (!valid_proc(b, p))
		return -EINVAL;
	for (int r = 0; r < b->nres; r++)
		if (rel[r] < 0 || rel[r] > b->alloc[p][r])
			return -EINVAL;
	assign(b, p, rel, -1);
	return 0;
}

int
banker_finish(struct banker *b, int p)
{
	int held[BANKER_MAX_RES];

	if (!valid_proc(b, p))
		return -EINVAL;
	memcpy(held, b->alloc[p], sizeof(held));   /* assign() changes alloc[p] */
	assign(b, p, held, -1);
	memset(b->max[p], 0, sizeof(b->max[p]));
	return 0;
}
