// SPDX-License-Identifier: MIT
/*
 * membarrier(2): the commands and their errors, and the promise itself.
 *
 * The promise is tested with the pattern membarrier(2) is made for: the
 * fast side stores x and loads y with only a compiler barrier between, the
 * slow side stores y, calls membarrier(PRIVATE_EXPEDITED) and loads x.  On
 * x86 a store may pass a later load (the store buffer), so without the
 * call both sides could read 0; with it, never.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "smp_util.h"
#include "utest.h"

#define MB_QUERY                      0
#define MB_GLOBAL                     (1 << 0)
#define MB_PRIVATE_EXPEDITED          (1 << 3)
#define MB_REGISTER_PRIVATE_EXPEDITED (1 << 4)

static long
membarrier(int cmd, unsigned flags)
{
	return syscall(SYS_membarrier, cmd, flags, 0);
}

TEST(membarrier_commands, "membarrier: QUERY lists the commands, PRIVATE_EXPEDITED needs registering (a fork inherits it, exec clears it), bad commands and flags get EINVAL")
{
	long q = CHECK_OK(membarrier(MB_QUERY, 0));
	pid_t pid;

	CHECK(q & MB_GLOBAL);
	CHECK(q & MB_PRIVATE_EXPEDITED);
	CHECK(q & MB_REGISTER_PRIVATE_EXPEDITED);
	CHECK_ERR(membarrier(MB_PRIVATE_EXPEDITED, 0), EPERM);
	CHECK_EQ(membarrier(MB_REGISTER_PRIVATE_EXPEDITED, 0), 0);
	CHECK_EQ(membarrier(MB_PRIVATE_EXPEDITED, 0), 0);
	CHECK_EQ(membarrier(MB_GLOBAL, 0), 0);
	CHECK_ERR(membarrier(1 << 12, 0), EINVAL);
	CHECK_ERR(membarrier(MB_PRIVATE_EXPEDITED, 1), EINVAL);
	CHECK_ERR(membarrier(MB_QUERY, 1), EINVAL);
	if ((pid = ut_fork()) == 0) {
		/* A fork's copy of the address space is registered too ... */
		if (membarrier(MB_PRIVATE_EXPEDITED, 0) != 0)
			_exit(1);
		/* ... and a new program's is not. */
		execl("/proc/self/exe", "usertests", "--helper=membarrier_unregistered", (char *)NULL);
		_exit(2);
	}
	ut_wait_exit(pid, 0);
}

HELPER(membarrier_unregistered)
{
	return membarrier(MB_PRIVATE_EXPEDITED, 0) == -1 && errno == EPERM ? 0 : 3;
}

#define ROUNDS 3000

static struct {
	volatile int x, y, r1, r2;
	int arrived, sense;           /* a two-party spin barrier */
	int cpu[2];
} mb;

static void
meet(int *my_sense)
{
	*my_sense = !*my_sense;
	if (__atomic_add_fetch(&mb.arrived, 1, __ATOMIC_ACQ_REL) == 2) {
		mb.arrived = 0;
		__atomic_store_n(&mb.sense, *my_sense, __ATOMIC_RELEASE);
	} else {
		while (__atomic_load_n(&mb.sense, __ATOMIC_ACQUIRE) != *my_sense)
			;
	}
}

static void *
fast_side(void *arg __attribute__((unused)))
{
	int sense = 0;

	smp_pin(mb.cpu[1]);
	for (int i = 0; i < ROUNDS; i++) {
		meet(&sense);
		mb.x = 1;
		__asm__ __volatile__("" ::: "memory");   /* the compiler's order only */
		mb.r1 = mb.y;
		meet(&sense);                             /* the slow side checks */
		meet(&sense);
	}
	return NULL;
}

TEST(membarrier_orders_the_fast_side, "membarrier(PRIVATE_EXPEDITED) makes a thread that used only a compiler barrier see the store: never both loads 0")
{
	int cpu[8], n = smp_cpus(cpu, 8), sense = 0, both_zero = 0;
	pthread_t t;

	if (n < 2)
		SKIP("one CPU: nothing runs beside the caller");
	mb.cpu[0] = cpu[0];
	mb.cpu[1] = cpu[1];
	smp_watchdog(60, "the membarrier rounds");
	CHECK_EQ(membarrier(MB_REGISTER_PRIVATE_EXPEDITED, 0), 0);
	smp_pin(mb.cpu[0]);
	CHECK_EQ(pthread_create(&t, NULL, fast_side, NULL), 0);
	for (int i = 0; i < ROUNDS; i++) {
		mb.x = mb.y = 0;
		meet(&sense);
		mb.y = 1;
		if (membarrier(MB_PRIVATE_EXPEDITED, 0) != 0)
			FAIL("membarrier failed in round %d: %s", i, ut_errname(errno));
		mb.r2 = mb.x;
		meet(&sense);
		if (mb.r1 == 0 && mb.r2 == 0)
			both_zero++;
		meet(&sense);
	}
	pthread_join(t, NULL);
	CHECK_EQ(both_zero, 0);
}
