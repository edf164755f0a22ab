// SPDX-License-Identifier: MIT
/*
 * Clocks and sleeping: clock_gettime and friends, nanosleep.
 *
 * CLOCK_MONOTONIC is the TSC since boot; CLOCK_REALTIME adds the wall-clock
 * time read from the CMOS real-time clock at boot (or set later by root).
 * A sleep interrupted by a signal reports the time left (nanosleep) and is
 * restarted with that remainder when the handler allows it.
 */
#include "proc/proc.h"
#include "proc/syscalls.h"
#include "arch/arch.h"
#include "mm/usercopy.h"
#include "sched/timer.h"
#include "uapi/errno.h"
#include "uapi/time.h"

void
time_set_boot_epoch(uint64_t unix_seconds)
{
	time_set_realtime_ns(unix_seconds * 1000000000ull);
}

static uint64_t
realtime_ns(void)
{
	return time_realtime_ns();
}

static int
clock_read(int id, uint64_t *ns)
{
	switch (id) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		*ns = realtime_ns();
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		*ns = time_ns();
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID:
	{
		uint64_t u, s;
		proc_times(current_proc(), &u, &s);
		*ns = u + s;
		return 0;
	}
	case CLOCK_THREAD_CPUTIME_ID:
		*ns = thread_cpu_time_ns(current());
		return 0;
	default:
		return -EINVAL;
	}
}

static struct timespec
to_ts(uint64_t ns)
{
	return (struct timespec){ (int64_t)(ns / 1000000000), (int64_t)(ns % 1000000000) };
}

long
sys_clock_gettime(int id, struct timespec *uts)
{
	struct timespec ts;
	uint64_t ns;
	int r = clock_read(id, &ns);

	if (r)
		return r;
	ts = to_ts(ns);
	return copy_to_user(uts, &ts, sizeof(ts)) ? -EFAULT : 0;
}

long
sys_clock_getres(int id, struct timespec *uts)
{
	struct timespec ts = { 0, 1 };
	uint64_t ns;

	if (clock_read(id, &ns))
		return -EINVAL;
	if (id == CLOCK_REALTIME_COARSE || id == CLOCK_MONOTONIC_COARSE)
		ts.tv_nsec = 1000000000 / sched_hz;
	if (uts && copy_to_user(uts, &ts, sizeof(ts)))
		return -EFAULT;
	return 0;
}

long
sys_clock_settime(int id, const struct timespec *uts)
{
	struct timespec ts;

	if (id != CLOCK_REALTIME)
		return -EINVAL;
	if (current()->cred->euid != 0)
		return -EPERM;
	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
		return -EINVAL;
	time_set_realtime_ns((uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec);
	return 0;
}

long
sys_gettimeofday(struct timeval *utv, struct timezone_k *utz)
{
	uint64_t ns = realtime_ns();
	struct timeval tv = { (int64_t)(ns / 1000000000), (int64_t)(ns % 1000000000 / 1000) };
	struct timezone_k tz = { 0, 0 };

	if (utv && copy_to_user(utv, &tv, sizeof(tv)))
		return -EFAULT;
	if (utz && copy_to_user(utz, &tz, sizeof(tz)))
		return -EFAULT;
	return 0;
}

long
sys_time(int64_t *ut)
{
	int64_t t = (int64_t)(realtime_ns() / 1000000000);

	if (ut && put_user(t, ut))
		return -EFAULT;
	return t;
}

static int
ts_from_user(const struct timespec *uts, uint64_t *ns)
{
	struct timespec ts;

	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
		return -EINVAL;
	*ns = (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
	return 0;
}

/* Sleep until the monotonic deadline; => 0 or -EINTR. */
static int
sleep_until(uint64_t deadline)
{
	for (;;) {
		uint64_t now = time_ns();
		int r;

		if (now >= deadline)
			return 0;
		r = sched_sleep_ns(deadline - now, true);
		if (r == -EINTR)
			return -EINTR;
	}
}

static long
do_nanosleep(int clock, int flags, const struct timespec *ureq, struct timespec *urem)
{
	uint64_t req, now, deadline, base;
	int r;

	if ((r = ts_from_user(ureq, &req)))
		return r;
	if ((r = clock_read(clock, &now)) ||
	    clock == CLOCK_THREAD_CPUTIME_ID || clock == CLOCK_PROCESS_CPUTIME_ID)
		return r ? r : -EINVAL;
	base = time_ns();
	deadline = (flags & TIMER_ABSTIME) ? base + (req > now ? req - now : 0) : base + req;
	if (sleep_until(deadline) == 0)
		return 0;
	if (!(flags & TIMER_ABSTIME) && urem) {
		uint64_t left = deadline > time_ns() ? deadline - time_ns() : 0;
		struct timespec rem = to_ts(left);
		if (copy_to_user(urem, &rem, sizeof(rem)))
			return -EFAULT;
	}
	/*
	 * A handler makes this EINTR (sleeps are never restarted after one);
	 * a signal without a handler (SIGCONT, a stop) restarts the sleep
	 * through restart_syscall with the same deadline.
	 */
	pt_of(current())->restart_deadline = deadline;
	pt_of(current())->restart_urem = (uint64_t)urem;
	return -ERESTART_RESTARTBLOCK;
}

long
sys_restart_syscall(void)
{
	struct proc_thread *pt = pt_of(current());
	uint64_t deadline = pt->restart_deadline;

	if (!deadline)
		return -EINTR;
	if (sleep_until(deadline) == 0) {
		pt->restart_deadline = 0;
		return 0;
	}
	if (pt->restart_urem) {
		uint64_t left = deadline > time_ns() ? deadline - time_ns() : 0;
		struct timespec rem = to_ts(left);
		if (copy_to_user((void *)pt->restart_urem, &rem, sizeof(rem)))
			return -EFAULT;
	}
	return -ERESTART_RESTARTBLOCK;
}

long
sys_nanosleep(const struct timespec *ureq, struct timespec *urem)
{
	return do_nanosleep(CLOCK_MONOTONIC, 0, ureq, urem);
}

long
sys_clock_nanosleep(int clock, int flags, const struct timespec *ureq,
		    struct timespec *urem)
{
	long r = do_nanosleep(clock, flags, ureq, urem);

	/* clock_nanosleep returns the error number instead of setting errno. */
	return r;
}
