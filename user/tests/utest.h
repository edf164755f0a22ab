/* SPDX-License-Identifier: MIT */
/*
 * The user-space test suite: registration, checks and small helpers.
 *
 * Each test is one function registered with
 *
 *	TEST(pipe_eof_after_close, "read returns 0 once every writer has closed") { ... }
 *
 * The macro places a pointer to a descriptor in the "utests" section; the
 * linker gathers them all into one table (__start_utests..__stop_utests), so
 * adding a test needs no central list.  The runner (main.c) runs each test
 * in a forked child inside a fresh temporary directory and judges it by the
 * child's exit status alone: 0 passes, UT_SKIP_STATUS skips, anything else
 * (a failed check, a crash, a timeout) fails.  A failed check writes its
 * reason to the result pipe at fd UT_RESULT_FD and exits, so a check may
 * fail in any process the test forks: the reason still reaches the runner.
 *
 * Programs the suite needs to exec are "helpers" inside the same binary:
 * HELPER(name) registers a main-like function that runs when the binary is
 * started as `usertests --helper=name args...`.
 */
#pragma once

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

struct utest {
	const char *name;
	const char *desc;
	void (*fn)(void);
	unsigned flags;
	const char *file;	/* the runner orders tests by file, then line */
	int line;
};

/* Flags of a test. */
#define UT_LAST 1u		/* run after every other test (the leak check) */
#define UT_LONG 2u		/* a long run (fsx): its limit is UT_LONG_FACTOR times -t */
#define UT_LONG_FACTOR 12

struct uhelper {
	const char *name;
	int (*fn)(int argc, char **argv);
};

#define TEST_FLAGS(tname, tdesc, tflags)					\
	static void utest_fn_##tname(void);					\
	static const struct utest utest_##tname = {				\
		#tname, tdesc, utest_fn_##tname, tflags, __FILE__, __LINE__ };	\
	static const struct utest *const utest_ptr_##tname			\
		__attribute__((used, section("utests"))) = &utest_##tname;	\
	static void utest_fn_##tname(void)

#define TEST(tname, tdesc) TEST_FLAGS(tname, tdesc, 0)

#define HELPER(hname)								\
	static int uhelper_fn_##hname(int argc, char **argv);			\
	static const struct uhelper uhelper_##hname = { #hname, uhelper_fn_##hname }; \
	static const struct uhelper *const uhelper_ptr_##hname			\
		__attribute__((used, section("uhelpers"))) = &uhelper_##hname;	\
	static int uhelper_fn_##hname(int argc __attribute__((unused)),	\
				      char **argv __attribute__((unused)))

/* The result pipe sits high so tests that count on the lowest free fd are
 * undisturbed. */
#define UT_RESULT_FD	200
#define UT_SKIP_STATUS	77

/* The unprivileged identity tests switch to (Linux's "nobody"). */
#define UT_NOBODY	65534

_Noreturn void ut_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
_Noreturn void ut_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *ut_errname(int err);

#define FAIL(...) ut_fail(__FILE__, __LINE__, __VA_ARGS__)
#define SKIP(...) ut_skip(__VA_ARGS__)

#define CHECK(cond)								\
	do {									\
		if (!(cond))							\
			FAIL("check failed: %s", #cond);			\
	} while (0)

#define CHECK_EQ(a, b)								\
	do {									\
		long long ut_a_ = (long long)(a), ut_b_ = (long long)(b);	\
		if (ut_a_ != ut_b_)						\
			FAIL("%s is %lld, expected %lld (%s)", #a, ut_a_, ut_b_, #b); \
	} while (0)

/* Evaluates to the (non-negative) result of a call that must succeed. */
#define CHECK_OK(expr)								\
	({									\
		long ut_r_ = (long)(expr);					\
		if (ut_r_ < 0)							\
			FAIL("%s failed: %s", #expr, ut_errname(errno));	\
		ut_r_;								\
	})

/* A call that must fail with -1 and this errno. */
#define CHECK_ERR(expr, err)							\
	do {									\
		errno = 0;							\
		long ut_r_ = (long)(expr);					\
		int ut_e_ = errno;						\
		if (ut_r_ != -1 || ut_e_ != (err))				\
			FAIL("%s returned %ld (errno %s), expected -1 (%s)",	\
			     #expr, ut_r_, ut_errname(ut_e_), ut_errname(err)); \
	} while (0)

/* The path of this binary, for exec tests; set by the runner. */
extern const char *ut_self;

/* Processes. */
pid_t ut_fork(void);
int ut_wait(pid_t pid);				/* the raw wait status */
void ut_wait_exit(pid_t pid, int code);		/* must exit with this code */
void ut_wait_signal(pid_t pid, int sig);	/* must die of this signal */
void ut_need_root(void);			/* SKIP unless root */
void ut_become_nobody(void);			/* SKIP unless root; then uid/gid 65534 */
void ut_no_core(void);				/* never write a core file */

/* Files. */
void ut_write_file(const char *path, const char *text);
size_t ut_read_file(const char *path, char *buf, size_t size);	/* NUL-terminated */
void ut_write_all(int fd, const void *buf, size_t len);
void ut_read_exact(int fd, void *buf, size_t len);

/* Time. */
long long ut_now_ns(void);			/* CLOCK_MONOTONIC */
void ut_msleep(int ms);

/* Signals: a handler that counts deliveries per signal number. */
extern volatile sig_atomic_t ut_sig_count[65];
void ut_catch(int sig, int flags);		/* install the counting handler */

/* The leak check (t_leak.c): asked for by --leak-check, with a baseline
 * taken before the first test. */
extern int ut_leak_requested;
/* Seconds each test may run (usertests -t; 10 unless told): a slow machine
 * gets more, and a test's own watchdogs scale with it. */
unsigned ut_timeout(void);
void ut_leak_baseline(void);
int ut_leak_final(char *why, size_t size);

/* An address that is never mapped: the first page. */
#define UT_BAD_PTR ((void *)8)
