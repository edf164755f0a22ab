/* SPDX-License-Identifier: MIT */
/*
 * Lock annotations for clang's -Wthread-safety.  With gcc they expand to
 * nothing.  Functions say which locks they need (REQUIRES), take (ACQUIRE)
 * or drop (RELEASE); struct fields carry [x] tags in comments instead,
 * because clang 14 cannot check guarded_by on C struct fields.
 */
#pragma once

#if defined(__clang__)
#define TSA(x) __attribute__((x))
#else
#define TSA(x)
#endif

#define CAPABILITY(x)        TSA(capability(x))
#define REQUIRES(...)        TSA(requires_capability(__VA_ARGS__))
#define ACQUIRE(...)         TSA(acquire_capability(__VA_ARGS__))
#define RELEASE(...)         TSA(release_capability(__VA_ARGS__))
#define TRY_ACQUIRE(...)     TSA(try_acquire_capability(__VA_ARGS__))
#define EXCLUDES(...)        TSA(locks_excluded(__VA_ARGS__))
#define NO_THREAD_SAFETY_ANALYSIS TSA(no_thread_safety_analysis)
