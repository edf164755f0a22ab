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
