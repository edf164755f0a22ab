/* SPDX-License-Identifier: MIT */
/* Linux time structures and clock ids (x86-64). */
#pragma once

#include <stdint.h>
#include "uapi/resource.h"

struct timespec_k {
	int64_t tv_sec;
	int64_t tv_nsec;
};

struct itimerval_k {
	struct timeval_k it_interval;
	struct timeval_k it_value;
};

struct timezone_k {
	int32_t tz_minuteswest, tz_dsttime;
};

struct tms_k {
	int64_t tms_utime, tms_stime, tms_cutime, tms_cstime;
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
