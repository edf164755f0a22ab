// SPDX-License-Identifier: MIT
/*
 * The bounded-buffer producer/consumer run shared by the N:1 and M:N tests:
 * two producers put 2000 numbered items each into a 4-slot buffer, three
 * consumers take them out, and every number must come out exactly once.
 * The buffer is the textbook monitor: one mutex, a "not full" and a "not
 * empty" condition variable, and every wait in a loop (wake-ups may be
 * spurious, and another consumer may have been faster).
 */
#include <stdint.h>
#include <string.h>

#include "utest.h"
#include "uthread_test.h"

#define PC_SLOTS	4
#define PC_PRODUCERS	2
#define PC_CONSUMERS	3
#define PC_ITEMS	2000	/* per producer */

static struct {
	struct uthread_mutex lock;
	struct uthread_cond not_full, not_empty;
	int buf[PC_SLOTS];
	int head, count;
	int producers_left;
	unsigned char seen[PC_PRODUCERS * PC_ITEMS];
} pc;

static void *
producer(void *arg)
{
	int base = (intptr_t)arg * PC_ITEMS;

	for (int i = 0; i < PC_ITEMS; i++) {
		CHECK_EQ(uthread_mutex_lock(&pc.lock), 0);
		while (pc.count == PC_SLOTS)
			CHECK_EQ(uthread_cond_wait(&pc.not_full, &pc.lock), 0);
		pc.buf[(pc.head + pc.count++) % PC_SLOTS] = base + i;
		uthread_cond_signal(&pc.not_empty);
		CHECK_EQ(uthread_mutex_unlock(&pc.lock), 0);
	}
	CHECK_EQ(uthread_mutex_lock(&pc.lock), 0);
	pc.producers_left--;
	uthread_cond_broadcast(&pc.not_empty);	/* consumers may be waiting for the end */
	CHECK_EQ(uthread_mutex_unlock(&pc.lock), 0);
	return NULL;
}

static void *
consumer(void *arg)
{
	long taken = 0;

	(void)arg;
	CHECK_EQ(uthread_mutex_lock(&pc.lock), 0);
	for (;;) {
		while (pc.count == 0 && pc.producers_left > 0)
			CHECK_EQ(uthread_cond_wait(&pc.not_empty, &pc.lock), 0);
		if (pc.count == 0)
			break;
		int v = pc.buf[pc.head];

		pc.head = (pc.head + 1) % PC_SLOTS;
		pc.count--;
		pc.seen[v]++;
		taken++;
		uthread_cond_signal(&pc.not_full);
	}
	CHECK_EQ(uthread_mutex_unlock(&pc.lock), 0);
	return (void *)taken;
}

static void *
pc_main(void *arg)
{
	uthread_t p[PC_PRODUCERS], c[PC_CONSUMERS];
	long total = 0;

	(void)arg;
	for (intptr_t i = 0; i < PC_CONSUMERS; i++)
		c[i] = ut_uthread_spawn(consumer, NULL);
	for (intptr_t i = 0; i < PC_PRODUCERS; i++)
		p[i] = ut_uthread_spawn(producer, (void *)i);
	for (int i = 0; i < PC_PRODUCERS; i++)
		ut_uthread_join(p[i]);
	for (int i = 0; i < PC_CONSUMERS; i++)
		total += (intptr_t)ut_uthread_join(c[i]);
	CHECK_EQ(total, PC_PRODUCERS * PC_ITEMS);
	return NULL;
}

void
ut_pc_run(int workers, unsigned preempt_us)
{
	memset(&pc, 0, sizeof(pc));
	pc.producers_left = PC_PRODUCERS;
	ut_uthread_run(workers, preempt_us, pc_main, NULL, NULL);
	for (int v = 0; v < PC_PRODUCERS * PC_ITEMS; v++)
		if (pc.seen[v] != 1)
			FAIL("item %d consumed %d times (workers %d, preempt %u us)", v, pc.seen[v],
			     workers, preempt_us);
}
