/* SPDX-License-Identifier: MIT */
/* The generic file ioctls every descriptor understands (Linux's numbers). */
#pragma once

#define FIONREAD  0x541B      /* bytes ready to read (int *) */
#define FIONBIO   0x5421      /* set or clear O_NONBLOCK (int *) */
#define FIONCLEX  0x5450      /* clear close-on-exec */
#define FIOCLEX   0x5451      /* set close-on-exec */
#define FIOASYNC  0x5452
