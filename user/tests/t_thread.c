// SPDX-License-Identifier: MIT
/*
 * Threads: musl's pthread_create is clone(CLONE_VM | CLONE_FS | CLONE_FILES
 * | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS |
 * CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID), and pthread_join waits on the
 * futex the kernel clears and wakes at thread exit.  These tests check what
 * each flag promises: one address space, one fd table, one pid, a tid and
 * TLS per thread, exit_group ending them all.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "utest.h"

static void *
return_arg_plus_one(void *arg)
{
	return (void *)((uintptr_t)arg + 1);
}

TEST(pthread_create_join, "a thread runs and pthread_join returns its result")
{
	pthread_t t;
	void *r;

	CHECK_EQ(pthread_create(&t, NULL, return_arg_plus_one, (void *)41), 0);
	CHECK_EQ(pthread_join(t, &r), 0);
	CHECK_EQ((uintptr_t)r, 42);
}

/*
 * Thousands of short threads on two CPUs: each creation wakes the new
 * thread on the creator's CPU or the other one, each exit wakes the
 * joiner, so switches at the end of system calls, preemption and
 * migration all meet.  A scheduler that chose its CPU's queue with
 * interrupts still on once ran one thread on two CPUs at a time here (a
 * kernel panic in about one boot in five: the window is a few
 * instructions wide).
 */
TEST(pthread_create_join_storm, "3000 threads created and joined in a row each return their own value")
{
	for (uintptr_t i = 0; i < 3000; i++) {
		pthread_t t;
		void *r;

		CHECK_EQ(pthread_create(&t, NULL, return_arg_plus_one, (void *)i), 0);
		CHECK_EQ(pthread_join(t, &r), 0);
		CHECK_EQ((uintptr_t)r, i + 1);
	}
}

static void *
report_ids(void *arg)
{
	pid_t *ids = arg;

	ids[0] = getpid();
	ids[1] = gettid();
	return NULL;
}

TEST(thread_ids, "threads share the pid and each has its own tid")
{
	pid_t ids[2];
	pthread_t t;

	CHECK_EQ(pthread_create(&t, NULL, report_ids, ids), 0);
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_EQ(ids[0], getpid());
	CHECK(ids[1] != gettid());
	CHECK(ids[1] > 0);
}

static void *
open_a_file(void *arg)
{
	*(int *)arg = open("/", O_RDONLY);
	return NULL;
}

TEST(thread_shares_memory_and_fds, "a thread's writes and opened fds are visible to the process")
{
	pthread_t t;
	int fd = -1;

	CHECK_EQ(pthread_create(&t, NULL, open_a_file, &fd), 0);
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK(fd >= 0);
	CHECK_OK(fcntl(fd, F_GETFD));
	CHECK_OK(close(fd));
}

struct blocked_read {
	int fd;
	volatile int started;
	char byte;
	long got;
	int err;            /* the reader's errno: each thread has its own */
};

static void *
read_one_byte(void *arg)
{
	struct blocked_read *b = arg;

	b->started = 1;
	b->got = read(b->fd, &b->byte, 1);
	b->err = errno;
	return NULL;
}

/*
 * The threads share one table, so the read must hold its own reference
 * to the file: the close takes the descriptor away, not the open pipe.
 * A round where the close came before the read started (EBADF) proves
 * nothing, so it is tried again.
 */
TEST(read_keeps_file_closed_by_another_thread,
     "a read blocked on a pipe completes with the data after another thread closes its fd")
{
	for (int round = 0; round < 20; round++) {
		struct blocked_read b = { .got = -2 };
		pthread_t t;
		int p[2];

		CHECK_OK(pipe(p));
		b.fd = p[0];
		CHECK_EQ(pthread_create(&t, NULL, read_one_byte, &b), 0);
		while (!b.started)
			sched_yield();
		usleep(50000);
		CHECK_OK(close(p[0]));
		CHECK_EQ(write(p[1], "k", 1), 1);
		CHECK_EQ(pthread_join(t, NULL), 0);
		close(p[1]);
		if (b.got == -1 && b.err == EBADF)
			continue;
		CHECK_EQ(b.got, 1);
		CHECK_EQ(b.byte, 'k');
		return;
	}
	CHECK(!"the reader never blocked before the close");
}

static _Thread_local int tls_value = 5;

static void *
touch_tls(void *arg)
{
	(void)arg;
	if (tls_value != 5)
		return (void *)1;
	tls_value = 99;
	return (void *)(uintptr_t)(tls_value == 99 ? 0 : 2);
}

TEST(thread_local_storage, "each thread has its own copy of a _Thread_local variable")
{
	pthread_t t;
	void *r;

	tls_value = 7;
	CHECK_EQ(pthread_create(&t, NULL, touch_tls, NULL), 0);
	CHECK_EQ(pthread_join(t, &r), 0);
	CHECK(r == NULL);
	CHECK_EQ(tls_value, 7);
}

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *
add_many(void *arg)
{
	(void)arg;
	for (int i = 0; i < 20000; i++) {
		pthread_mutex_lock(&counter_lock);
		counter++;
		pthread_mutex_unlock(&counter_lock);
	}
	return NULL;
}

TEST(pthread_mutex_counts, "four threads adding under a mutex lose no increment")
{
	pthread_t t[4];

	for (int i = 0; i < 4; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, add_many, NULL), 0);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	CHECK_EQ(counter, 80000);
}

static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int ready_flag;

static void *
signal_ready(void *arg)
{
	(void)arg;
	ut_msleep(20);
	pthread_mutex_lock(&counter_lock);
	ready_flag = 1;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&counter_lock);
	return NULL;
}

TEST(pthread_cond_wakes, "pthread_cond_wait sleeps until another thread signals")
{
	pthread_t t;

	CHECK_EQ(pthread_create(&t, NULL, signal_ready, NULL), 0);
	pthread_mutex_lock(&counter_lock);
	while (!ready_flag)
		CHECK_EQ(pthread_cond_wait(&cv, &counter_lock), 0);
	pthread_mutex_unlock(&counter_lock);
	CHECK_EQ(pthread_join(t, NULL), 0);
}

static void *
block_forever(void *arg)
{
	char c;

	read(*(int *)arg, &c, 1);
	return NULL;
}

TEST(exit_group_ends_all_threads, "exit from one thread ends the whole process with its status")
{
	pid_t pid = ut_fork();

	if (pid == 0) {
		static int p[2];
		pthread_t t;

		CHECK_OK(pipe(p));
		for (int i = 0; i < 3; i++)
			pthread_create(&t, NULL, block_forever, &p[0]);
		exit(5);
	}
	ut_wait_exit(pid, 5);
}

static void *
exit_later(void *arg)
{
	(void)arg;
	ut_msleep(20);
	exit(8);
}

TEST(main_thread_exit_leaves_others, "after the main thread's pthread_exit the others run on")
{
	pid_t pid = ut_fork();

	if (pid == 0) {
		pthread_t t;

		pthread_create(&t, NULL, exit_later, NULL);
		pthread_exit(NULL);
	}
	ut_wait_exit(pid, 8);
}

/* Busy for a while: the exits below land at different moments each round. */
static void
spin(unsigned n)
{
	for (volatile unsigned i = 0; i < n; i++)
		;
}

static void *
spin_then_exit(void *arg)
{
	spin((unsigned)(uintptr_t)arg);
	syscall(SYS_exit, 0);	/* this thread alone */
	return NULL;
}

/*
 * Threads leaving one by one while the process as a whole ends, on every
 * CPU at once.  The last one out frees the address space; a thread that
 * left before it must not take the page tables back if it is switched in
 * once more on its way out (the kernel would load freed page tables and
 * the machine would reset).  Even rounds end with exit_group, odd rounds
 * with the main thread leaving first, so either kind of thread is last.
 */
TEST(thread_exits_race_process_exit, "threads exiting while the process exits: 200 rounds, each with the right status")
{
	for (unsigned round = 0; round < 200; round++) {
		pid_t pid = ut_fork();

		if (pid == 0) {
			pthread_t t;

			for (unsigned i = 0; i < 3; i++)
				pthread_create(&t, NULL, spin_then_exit,
					       (void *)(uintptr_t)((round * 7 + i * 13) % 32 * 400));
			spin(round % 32 * 400);
			if (round & 1)
				syscall(SYS_exit, 0);
			exit(5);
		}
		ut_wait_exit(pid, round & 1 ? 0 : 5);
	}
}

static volatile pid_t usr1_tid;

static void
note_tid(int sig)
{
	(void)sig;
	usr1_tid = gettid();
}

static void *
wait_for_signal(void *arg)
{
	*(pid_t *)arg = gettid();
	while (usr1_tid == 0)
		ut_msleep(1);
	return NULL;
}

TEST(tgkill_targets_thread, "tgkill delivers the signal to the named thread")
{
	volatile pid_t tid = 0;
	pthread_t t;

	signal(SIGUSR1, note_tid);
	CHECK_EQ(pthread_create(&t, NULL, wait_for_signal, (void *)&tid), 0);
	while (tid == 0)
		ut_msleep(1);
	CHECK_OK(syscall(SYS_tgkill, getpid(), tid, SIGUSR1));
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_EQ(usr1_tid, tid);
	CHECK_ERR(syscall(SYS_tgkill, getpid(), tid + 100000, SIGUSR1), ESRCH);
	CHECK_ERR(syscall(SYS_tgkill, getpid(), gettid(), 1000), EINVAL);
	CHECK_ERR(syscall(SYS_tkill, 0, SIGUSR1), EINVAL);
}

static void *
exec_from_thread(void *arg)
{
	char *argv[] = { "x", "--helper=exit", "6", NULL };

	(void)arg;
	execve(ut_self, argv, (char *[]){ NULL });
	return NULL;
}

HELPER(exit)
{
	return argc > 1 ? atoi(argv[1]) : 0;
}

TEST(exec_from_thread_keeps_pid, "exec in a non-main thread ends the others and keeps the pid")
{
	pid_t pid = ut_fork();

	if (pid == 0) {
		pthread_t t;

		pthread_create(&t, NULL, exec_from_thread, NULL);
		for (;;)
			pause();
	}
	ut_wait_exit(pid, 6);	/* waitpid(pid) found it: the pid was kept */
}

TEST(clone_flag_rules, "CLONE_THREAD needs CLONE_SIGHAND, which needs CLONE_VM (else EINVAL)")
{
	CHECK_ERR(syscall(SYS_clone, CLONE_THREAD | SIGCHLD, 0, 0, 0, 0), EINVAL);
	CHECK_ERR(syscall(SYS_clone, CLONE_SIGHAND | SIGCHLD, 0, 0, 0, 0), EINVAL);
}

TEST(clone_raw_fork, "clone with only SIGCHLD behaves as fork")
{
	long pid = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);

	if (pid == 0)
		_exit(17);
	CHECK(pid > 0);
	ut_wait_exit(pid, 17);
}

/* The tid-reporting flags, seen without threads: a fork-like clone with a
 * shared page for the child's word.  (CLONE_CHILD_CLEARTID matters only
 * when the address space outlives the thread, i.e. for threads: Linux
 * clears the word only then, and pthread_join above depends on it.) */
TEST(clone_settid_flags, "CLONE_PARENT_SETTID and CLONE_CHILD_SETTID store the new tid")
{
	volatile int *ctid = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
				  -1, 0);
	int ptid = 0;

	CHECK(ctid != MAP_FAILED);
	long pid = syscall(SYS_clone, CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | SIGCHLD, 0, &ptid,
			   ctid, 0);
	if (pid == 0)
		_exit(*ctid == getpid() ? 0 : 1);
	CHECK(pid > 0);
	CHECK_EQ(ptid, pid);
	ut_wait_exit(pid, 0);
	CHECK_EQ(*ctid, pid);
}

TEST(sched_yield_returns, "sched_yield returns 0")
{
	CHECK_EQ(sched_yield(), 0);
}

TEST(set_tid_address_returns_tid, "set_tid_address returns the caller's tid")
{
	static int word;

	pid_t pid = ut_fork();
	if (pid == 0)
		_exit(syscall(SYS_set_tid_address, &word) == getpid() ? 0 : 1);
	ut_wait_exit(pid, 0);
}
