/* SPDX-License-Identifier: MIT */
/* Linux's time structures on x86-64 (64-bit fields throughout). */
#pragma once

struct timespec {
	long tv_sec;
	long tv_nsec;
};

struct timeval {
	long tv_sec;
	long tv_usec;
};

#define NSEC_PER_SEC  1000000000L
#define NSEC_PER_USEC 1000L
#define USEC_PER_SEC  1000000L

struct itimerval_k {
	struct timeval it_interval;
	struct timeval it_value;
};

struct timezone_k {
	int tz_minuteswest, tz_dsttime;
};

struct tms_k {
	long tms_utime, tms_stime, tms_cutime, tms_cstime;
};

#define ITIMER_REAL    0
#define ITIMER_VIRTUAL 1
#define ITIMER_PROF    2

#define CLOCK_REALTIME           0
#define CLOCK_MONOTONIC          1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID  3
#define CLOCK_MONOTONIC_RAW      4
#define CLOCK_REALTIME_COARSE    5
#define CLOCK_MONOTONIC_COARSE   6
#define CLOCK_BOOTTIME           7
#define TIMER_ABSTIME            1
