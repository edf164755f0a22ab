// SPDX-License-Identifier: MIT
/*
 * Clocks and sleeping: clock_gettime/clock_getres/gettimeofday/time,
 * nanosleep and clock_nanosleep (relative and absolute, interrupted with
 * the time left), and the CPU-time accounting of times, getrusage and the
 * CPU-time clocks.  Time is only checked against generous lower bounds
 * (a 50 ms sleep takes at least 50 ms): never how fast anything is.
 */
#define _GNU_SOURCE
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#include "utest.h"

static long long
ts_ns(const struct timespec *ts)
{
	return ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

/* Spin until this process has used at least ms of CPU time. */
static void
burn_cpu(int ms)
{
	struct timespec ts;

	do
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	while (ts_ns(&ts) < ms * 1000000LL);
}

TEST(clock_monotonic_never_backwards, "CLOCK_MONOTONIC never goes backwards")
{
	struct timespec a, b;

	CHECK_OK(clock_gettime(CLOCK_MONOTONIC, &a));
	for (int i = 0; i < 10000; i++) {
		CHECK_OK(clock_gettime(CLOCK_MONOTONIC, &b));
		CHECK(ts_ns(&b) >= ts_ns(&a));
		CHECK(b.tv_nsec >= 0 && b.tv_nsec < 1000000000);
		a = b;
	}
}

TEST(clock_realtime_agrees, "CLOCK_REALTIME, gettimeofday and time tell the same time")
{
	struct timespec ts;
	struct timeval tv;

	CHECK_OK(clock_gettime(CLOCK_REALTIME, &ts));
	CHECK_OK(gettimeofday(&tv, NULL));
	time_t t = time(NULL);
	CHECK(ts.tv_sec > 1600000000);	/* after 2020: the clock was set */
	CHECK(tv.tv_sec - ts.tv_sec >= 0 && tv.tv_sec - ts.tv_sec <= 2);
	CHECK(t - tv.tv_sec >= 0 && t - tv.tv_sec <= 2);
	CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000);
	CHECK_EQ(syscall(SYS_time, NULL) / 10, time(NULL) / 10);
}

TEST(clock_getres_sane, "clock_getres reports a resolution between 1 ns and 10 ms")
{
	clockid_t ids[] = { CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
			    CLOCK_THREAD_CPUTIME_ID, CLOCK_BOOTTIME };
	struct timespec res;

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		CHECK_OK(clock_getres(ids[i], &res));
		CHECK_EQ(res.tv_sec, 0);
		CHECK(res.tv_nsec >= 1 && res.tv_nsec <= 10000000);
	}
	CHECK_OK(clock_getres(CLOCK_MONOTONIC, NULL));
}

TEST(clock_bad_args, "an unknown clock is EINVAL, an unmapped result EFAULT")
{
	struct timespec ts;

	CHECK_ERR(syscall(SYS_clock_gettime, 12345, &ts), EINVAL);
	CHECK_ERR(syscall(SYS_clock_getres, 12345, &ts), EINVAL);
	CHECK_ERR(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, UT_BAD_PTR), EFAULT);
	CHECK_ERR(syscall(SYS_gettimeofday, UT_BAD_PTR, NULL), EFAULT);
}

TEST(nanosleep_sleeps_at_least, "nanosleep(50 ms) takes at least 50 ms")
{
	struct timespec ts = { 0, 50 * 1000000 };

	long long t0 = ut_now_ns();
	CHECK_OK(nanosleep(&ts, NULL));
	CHECK(ut_now_ns() - t0 >= 50000000LL);
}

TEST(nanosleep_bad_args, "nanosleep rejects tv_nsec out of range and negative seconds (EINVAL)")
{
	struct timespec ts = { 0, 1000000000 };

	CHECK_ERR(nanosleep(&ts, NULL), EINVAL);
	ts = (struct timespec){ -1, 0 };
	CHECK_ERR(nanosleep(&ts, NULL), EINVAL);
	CHECK_ERR(syscall(SYS_nanosleep, UT_BAD_PTR, NULL), EFAULT);
}

static void
on_alarm(int sig)
{
	(void)sig;
}

TEST(nanosleep_interrupted_reports_rest, "a signal ends nanosleep with EINTR and the time left")
{
	struct itimerval it = { { 0, 0 }, { 0, 50000 } };
	struct timespec ts = { 5, 0 }, rem = { 0, 0 };

	signal(SIGALRM, on_alarm);
	CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
	CHECK_ERR(nanosleep(&ts, &rem), EINTR);
	CHECK(ts_ns(&rem) > 0 && ts_ns(&rem) < 5000000000LL);
}

TEST(clock_nanosleep_absolute, "clock_nanosleep with TIMER_ABSTIME wakes at or after the deadline")
{
	struct timespec now, deadline;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_nsec += 30 * 1000000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL), 0);
	clock_gettime(CLOCK_MONOTONIC, &now);
	CHECK(ts_ns(&now) >= ts_ns(&deadline));
	deadline = (struct timespec){ 0, 0 };	/* in the past: returns at once */
	CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL), 0);
}

TEST(clock_nanosleep_errors, "clock_nanosleep returns its error (not -1): EINVAL for bad clocks")
{
	struct timespec ts = { 0, 1000 };

	CHECK_EQ(clock_nanosleep(12345, 0, &ts, NULL), EINVAL);
	ts.tv_nsec = -1;
	CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL), EINVAL);
}

TEST(cpu_time_clocks_advance, "the process and thread CPU clocks advance while computing")
{
	struct timespec p, t;

	burn_cpu(30);
	CHECK_OK(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &p));
	CHECK_OK(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t));
	CHECK(ts_ns(&p) >= 30000000LL);
	CHECK(ts_ns(&t) > 0);
}

TEST(times_counts_cpu, "times() returns a tick count and charges CPU time to the process")
{
	struct tms t;

	burn_cpu(100);
	clock_t c = times(&t);
	CHECK(c != (clock_t)-1);
	CHECK(t.tms_utime + t.tms_stime > 0);
}

TEST(getrusage_self_and_children, "getrusage reports the caller's and reaped children's CPU time")
{
	struct rusage ru;

	pid_t pid = ut_fork();
	if (pid == 0) {
		burn_cpu(50);
		_exit(0);
	}
	ut_wait_exit(pid, 0);
	CHECK_OK(getrusage(RUSAGE_CHILDREN, &ru));
	CHECK(ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec +
	      ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec >= 40000);
	CHECK_OK(getrusage(RUSAGE_SELF, &ru));
	CHECK(ru.ru_utime.tv_usec < 1000000);
	CHECK_ERR(getrusage(42, &ru), EINVAL);
	CHECK_ERR(syscall(SYS_getrusage, RUSAGE_SELF, UT_BAD_PTR), EFAULT);
}
