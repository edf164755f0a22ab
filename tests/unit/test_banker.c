// SPDX-License-Identifier: MIT
// The Banker's algorithm (tools/banker): the textbook five-process,
// three-resource example, refused requests, and a randomized check that
// processes whose requests go through the banker never deadlock, while the
// same workload without it does.
// UNIT_SRCS: tools/banker/banker.c
// UNIT_CFLAGS: -I.
#include <stdint.h>
#include "unit.h"
#include "tools/banker/banker.h"
#include "uapi/errno.h"

/*
 * The classic example: resources A, B, C with 10, 5 and 7 units; five
 * processes P0..P4 holding `alloc` with maximum claims `max`, which leaves
 * (3, 3, 2) available.
 */
static const int total[3] = { 10, 5, 7 };
static const int alloc[5][3] = { { 0, 1, 0 }, { 2, 0, 0 }, { 3, 0, 2 }, { 2, 1, 1 }, { 0, 0, 2 } };
static const int max[5][3] = { { 7, 5, 3 }, { 3, 2, 2 }, { 9, 0, 2 }, { 2, 2, 2 }, { 4, 3, 3 } };

static void
textbook(struct banker *b)
{
	CHECK_EQ(banker_init(b, 5, 3, total), 0);
	for (int p = 0; p < 5; p++) {
		CHECK_EQ(banker_claim(b, p, max[p]), 0);
		CHECK_EQ(banker_request(b, p, alloc[p]), 0);
	}
}

/* Replay a safe sequence by hand: each in turn must fit, then give back. */
static bool
order_is_safe(const struct banker *b, const int *order)
{
	int work[BANKER_MAX_RES];
	bool seen[BANKER_MAX_PROC] = { false };

	memcpy(work, b->avail, sizeof(work));
	for (int i = 0; i < b->nproc; i++) {
		int p = order[i];

		if (p < 0 || p >= b->nproc || seen[p])
			return false;
		seen[p] = true;
		for (int r = 0; r < b->nres; r++) {
			if (banker_need(b, p, r) > work[r])
				return false;
			work[r] += b->alloc[p][r];
		}
	}
	return true;
}

TEST(textbook_state_is_safe)
{
	struct banker b;
	int order[5];
	/* One safe sequence the textbook gives. */
	const int book[5] = { 1, 3, 4, 2, 0 };

	textbook(&b);
	CHECK_EQ(b.avail[0], 3);
	CHECK_EQ(b.avail[1], 3);
	CHECK_EQ(b.avail[2], 2);
	CHECK(banker_safe(&b, order));
	CHECK(order_is_safe(&b, order));
	CHECK(order_is_safe(&b, book));
	CHECK_EQ(order[0], 1);          /* only P1 and P3 fit at first; P1 comes first */
}

TEST(textbook_requests)
{
	struct banker b;
	int order[5];
	const int p1[3] = { 1, 0, 2 }, p4[3] = { 3, 3, 0 }, p0[3] = { 0, 2, 0 };

	textbook(&b);
	/* P1 asks for (1,0,2): free, and still safe. */
	CHECK_EQ(banker_request(&b, 1, p1), 0);
	CHECK_EQ(b.avail[0], 2);
	CHECK_EQ(b.avail[1], 3);
	CHECK_EQ(b.avail[2], 0);
	CHECK(banker_safe(&b, order));
	CHECK(order_is_safe(&b, order));
	/* P4 asks for (3,3,0): not that much free, it waits. */
	CHECK_EQ(banker_request(&b, 4, p4), -EAGAIN);
	/* P0 asks for (0,2,0): free, but the state after would be unsafe. */
	CHECK_EQ(banker_request(&b, 0, p0), -EDEADLK);
	CHECK_EQ(b.avail[1], 3);        /* refused: nothing changed */
	CHECK_EQ(b.alloc[0][1], 1);
	CHECK(banker_safe(&b, NULL));
}

TEST(an_unsafe_state_is_detected)
{
	struct banker b;

	textbook(&b);
	/* Force P0's (0,2,0) past the banker: the safety algorithm says no. */
	b.alloc[0][1] += 2;
	b.avail[1] -= 2;
	b.alloc[1][0] += 1;
	b.alloc[1][2] += 2;
	b.avail[0] -= 1;
	b.avail[2] -= 2;
	CHECK(!banker_safe(&b, NULL));
}

TEST(bad_calls_are_refused)
{
	struct banker b;
	const int big[3] = { 11, 0, 0 }, neg[3] = { -1, 0, 0 }, one[3] = { 1, 0, 0 };
	const int beyond[3] = { 5, 0, 0 };

	CHECK_EQ(banker_init(&b, 0, 3, total), -EINVAL);
	CHECK_EQ(banker_init(&b, 5, BANKER_MAX_RES + 1, total), -EINVAL);
	CHECK_EQ(banker_init(&b, 2, 1, neg), -EINVAL);
	textbook(&b);
	CHECK_EQ(banker_claim(&b, 0, big), -EINVAL);        /* more than exists */
	CHECK_EQ(banker_claim(&b, 0, one), -EINVAL);        /* less than it holds */
	CHECK_EQ(banker_claim(&b, 5, one), -EINVAL);
	CHECK_EQ(banker_request(&b, 1, beyond), -EINVAL);   /* beyond its claim */
	CHECK_EQ(banker_request(&b, 1, neg), -EINVAL);
	CHECK_EQ(banker_request(&b, -1, one), -EINVAL);
	CHECK_EQ(banker_release(&b, 4, one), -EINVAL);      /* P4 holds no A */
	CHECK_EQ(banker_release(&b, 1, one), 0);
	CHECK_EQ(b.avail[0], 4);
	CHECK_EQ(banker_finish(&b, 2), 0);
	CHECK_EQ(b.avail[0], 7);
	CHECK_EQ(b.avail[2], 4);
	CHECK_EQ(banker_need(&b, 2, 0), 0);
}

/* ---------------------------------------------------------------- random */

static uint64_t rng = 0x5eed;

static unsigned
rnd(unsigned n)
{
	rng = rng * 6364136223846793005ull + 1442695040888963407ull;
	return (unsigned)(rng >> 33) % n;
}

/* Grant whenever the units are free: no avoidance at all. */
static int
naive_request(struct banker *b, int p, const int *req)
{
	for (int r = 0; r < b->nres; r++)
		if (req[r] > b->avail[r])
			return -EAGAIN;
	for (int r = 0; r < b->nres; r++) {
		b->alloc[p][r] += req[r];
		b->avail[r] -= req[r];
	}
	return 0;
}

/*
 * One try of process p: finish if it holds its whole claim, else ask for a
 * random part of what it still needs (or again for what it was refused).
 * => true if it got anywhere.
 */
static bool
try_step(struct banker *b, int p, int (*request)(struct banker *, int, const int *),
	 int pending[][BANKER_MAX_RES], bool *waiting, int *unsafe_grants)
{
	bool all = true;

	for (int r = 0; r < b->nres; r++)
		all &= banker_need(b, p, r) == 0;
	if (all) {
		CHECK_EQ(banker_finish(b, p), 0);
		return true;
	}
	if (!waiting[p]) {
		bool any = false;

		for (int r = 0; r < b->nres; r++) {
			pending[p][r] = (int)rnd(banker_need(b, p, r) + 1);
			any |= pending[p][r] > 0;
		}
		for (int r = 0; !any && r < b->nres; r++)
			if (banker_need(b, p, r) > 0)
				pending[p][r] = 1, any = true;   /* ask for something */
	}
	if (request(b, p, pending[p]) != 0) {
		waiting[p] = true;
		return false;
	}
	waiting[p] = false;
	*unsafe_grants += !banker_safe(b, NULL);
	return true;
}

/*
 * Five processes with random claims over three resources each acquire
 * their whole claim piece by piece, then finish.  => false on deadlock:
 * no unfinished process can take a step.
 */
static bool
workload(int (*request)(struct banker *, int, const int *), int *unsafe_grants)
{
	struct banker b;
	int tot[3], claim[3], pending[5][BANKER_MAX_RES];
	bool waiting[5] = { false }, finished[5] = { false };
	int left = 5;

	for (int r = 0; r < 3; r++)
		tot[r] = 3 + (int)rnd(6);
	banker_init(&b, 5, 3, tot);
	for (int p = 0; p < 5; p++) {
		for (int r = 0; r < 3; r++)
			claim[r] = (int)rnd(tot[r] + 1);
		CHECK_EQ(banker_claim(&b, p, claim), 0);
	}
	while (left) {
		int start = (int)rnd(5), p = -1;

		for (int i = 0; i < 5 && p < 0; i++) {
			int q = (start + i) % 5;

			if (finished[q])
				continue;
			if (try_step(&b, q, request, pending, waiting, unsafe_grants))
				p = q;
		}
		if (p < 0)
			return false;
		/* banker_finish() drops the claim: that is how a finish shows. */
		if (b.max[p][0] == 0 && b.max[p][1] == 0 && b.max[p][2] == 0) {
			finished[p] = true;
			left--;
		}
	}
	for (int r = 0; r < 3; r++)
		CHECK_EQ(b.avail[r], tot[r]);
	return true;
}

TEST(random_workloads_never_deadlock_under_the_banker)
{
	int deadlocks = 0, naive_deadlocks = 0, unsafe = 0, naive_unsafe = 0;

	for (int round = 0; round < 3000; round++)
		deadlocks += !workload(banker_request, &unsafe);
	for (int round = 0; round < 3000; round++)
		naive_deadlocks += !workload(naive_request, &naive_unsafe);
	printf("  3000 random workloads: %d deadlocks with the banker (%d unsafe grants), "
	       "%d without it\n", deadlocks, unsafe, naive_deadlocks);
	CHECK_EQ(deadlocks, 0);
	CHECK_EQ(unsafe, 0);
	/* The harness can see a deadlock: granting blindly runs into them. */
	CHECK(naive_deadlocks > 0);
}
