// SPDX-License-Identifier: MIT
/* ktests for spinlocks, mutexes, condition variables and semaphores. */
#include "core/ktest.h"
#include "arch/arch.h"
#include "sched/sched.h"
#include "sync/mutex.h"
#include "sync/spinlock.h"

#define COUNT_TO 100000
#define NWORKERS 8

static struct mutex count_lock = MUTEX_INIT(count_lock);
static volatile long counter;
static volatile int inside;
static volatile int overlap;
static long done_by[NWORKERS];

static void
counter_thread(void *arg)
{
	long me = (long)arg;

	for (;;) {
		mutex_lock(&count_lock);
		if (inside++)
			overlap = 1;
		if (counter == COUNT_TO) {
			inside--;
			mutex_unlock(&count_lock);
			break;
		}
		counter++;
		done_by[me]++;
		/* Sometimes give up the CPU while holding the lock: real contention. */
		if (counter % 997 == 0)
			sched_yield();
		inside--;
		mutex_unlock(&count_lock);
	}
}

KTEST(sync_mutex_eight_threads, "8 threads count to 100,000 under one mutex, exactly")
{
	struct thread *t[NWORKERS];
	long sum = 0;

	counter = 0;
	overlap = 0;
	for (long i = 0; i < NWORKERS; i++) {
		done_by[i] = 0;
		t[i] = thread_create(counter_thread, (void *)i, "counter");
		KT_ASSERT(t[i]);
	}
	for (int i = 0; i < NWORKERS; i++)
		thread_join(t[i]);
	for (int i = 0; i < NWORKERS; i++)
		sum += done_by[i];
	KT_EQ(counter, COUNT_TO);
	KT_EQ(sum, COUNT_TO);
	KT_EQ(overlap, 0);
	return 0;
}

#define QSIZE 4
#define NITEMS 10000

static struct mutex q_lock = MUTEX_INIT(q_lock);
static struct condvar q_notfull, q_notempty;
static long q[QSIZE];
static int q_head, q_count;
static long consumed_sum;

static void
producer(void *arg)
{
	for (long i = 1; i <= NITEMS; i++) {
		mutex_lock(&q_lock);
		while (q_count == QSIZE)
			cond_wait(&q_notfull, &q_lock);
		q[(q_head + q_count++) % QSIZE] = i;
		cond_signal(&q_notempty);
		mutex_unlock(&q_lock);
	}
}

static void
consumer(void *arg)
{
	for (long n = 0; n < NITEMS; n++) {
		mutex_lock(&q_lock);
		while (q_count == 0)
			cond_wait(&q_notempty, &q_lock);
		consumed_sum += q[q_head];
		q_head = (q_head + 1) % QSIZE;
		q_count--;
		cond_signal(&q_notfull);
		mutex_unlock(&q_lock);
	}
}

KTEST(sync_condvar_producer_consumer, "a bounded buffer with two condvars passes 10,000 items intact")
{
	struct thread *p, *c;

	cond_init(&q_notfull);
	cond_init(&q_notempty);
	q_head = q_count = 0;
	consumed_sum = 0;
	c = thread_create(consumer, NULL, "consumer");
	p = thread_create(producer, NULL, "producer");
	KT_ASSERT(c && p);
	thread_join(p);
	thread_join(c);
	KT_EQ(consumed_sum, (long)NITEMS * (NITEMS + 1) / 2);
	KT_EQ(q_count, 0);
	return 0;
}

static struct semaphore sem_items;
static volatile int sem_got;

static void
sem_waiter(void *arg)
{
	for (int i = 0; i < 3; i++) {
		sem_down(&sem_items);
		__atomic_add_fetch(&sem_got, 1, __ATOMIC_SEQ_CST);
	}
}

KTEST(sync_semaphore_counts, "sem_down waits for sem_up, once per unit")
{
	struct thread *t;

	sem_init(&sem_items, 0);
	sem_got = 0;
	t = thread_create(sem_waiter, NULL, "semwait");
	KT_ASSERT(t);
	sched_sleep_ns(20000000ull, false);
	KT_EQ(sem_got, 0);
	sem_up(&sem_items);
	sem_up(&sem_items);
	sched_sleep_ns(20000000ull, false);
	KT_EQ(sem_got, 2);
	KT_ASSERT(!sem_trydown(&sem_items));
	sem_up(&sem_items);
	thread_join(t);
	KT_EQ(sem_got, 3);
	return 0;
}

KTEST(sync_spinlock_disables_interrupts, "a held spinlock keeps interrupts off; nesting restores them")
{
	struct spinlock a = SPINLOCK_INIT("a"), b = SPINLOCK_INIT("b");

	KT_ASSERT(arch_irqs_enabled());
	spin_lock(&a);
	KT_ASSERT(!arch_irqs_enabled());
	spin_lock(&b);
	spin_unlock(&b);
	KT_ASSERT(!arch_irqs_enabled());   /* still inside a */
	KT_ASSERT(spin_holding(&a));
	KT_ASSERT(!spin_trylock(&a) || (spin_unlock(&a), false));
	spin_unlock(&a);
	KT_ASSERT(arch_irqs_enabled());
	return 0;
}
