/* SPDX-License-Identifier: MIT */
/*
 * osbench: an lmbench-style benchmark of the operations an OS exists for.
 * One static binary runs unchanged on Linux and on Keel; `make bench`
 * boots both in the same QEMU machine and compares what it prints.
 *
 * Output, one line per result, nothing else on stdout between the start
 * and done lines:
 *
 *	osbench: start <mode>
 *	metric <name> <value> <unit>	a measurement
 *	error <name> <reason>		a call failed; the run goes on
 *	skip <name> <reason>		not attempted, on request (--no-drop-caches)
 *	osbench: done
 *
 * Units: "us" is microseconds per operation, "ms" milliseconds, "MiB/s"
 * throughput, "x" a ratio of two of the run's own times.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Run options, set once by main(). */
struct osb_opts {
	int smoke;		/* few iterations, small sizes: seconds in all */
	int no_drop_caches;	/* never write /proc/sys/vm/drop_caches */
	double target_s;	/* a timed loop runs until a batch takes this long */
	long max_iters;		/* and never runs a batch larger than this */
	int reps;		/* rounds of a measurement; the fastest counts */
	const char *self;	/* path of this binary, for the execve benchmark */
	const char *only;	/* run only metrics whose name starts with this */
};
extern struct osb_opts osb;

/* Monotonic time in seconds. */
double osb_now(void);

/* Report a result, a failure or a deliberate skip (see the format above). */
void osb_metric(const char *name, double value, const char *unit);
void osb_error(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void osb_skip(const char *name, const char *reason);

/* True when --only excludes @name; lets a group skip its set-up too. */
int osb_filtered(const char *name);

/*
 * Failure reasons.  A benchmark body that fails calls osb_fail("fork") (which
 * records "fork: <strerror(errno)>") or osb_failmsg("...") and returns -1; the
 * caller reports the recorded reason with osb_error_why().
 */
int osb_fail(const char *call);
int osb_failmsg(const char *msg);
void osb_error_why(const char *name);

/*
 * A timed loop: fn(ctx, n) performs the operation n times and returns 0, or
 * -1 after osb_fail().  osb_time_loop() runs growing batches (1, then at
 * least twice the last, sized from its time) until a batch lasts
 * osb.target_s (or reaches osb.max_iters), runs that size osb.reps times
 * in all and reports the fastest time per operation in microseconds.
 * A batch is timed from the call to the return, unless fn moves the ends
 * with osb_clock_start() after its set-up and osb_clock_stop() before its
 * tear-down (a child process or thread that only serves the measurement).
 */
typedef int (*osb_loop_fn)(void *ctx, long n);
void osb_time_loop(const char *name, osb_loop_fn fn, void *ctx);
void osb_clock_start(void);
void osb_clock_stop(void);

/* Wait for child @pid and insist that it exited with status 0 (b_proc.c).
 * => 0, or -1 after osb_fail()/osb_failmsg() naming @what. */
int osb_reap(pid_t pid, const char *what);

/* Sizes that shrink in --smoke mode. */
size_t osb_size(size_t full, size_t smoke);

/* The benchmark groups, one per file. */
void osb_run_sys(void);		/* b_sys.c:    syscalls, 1-byte I/O, signals */
void osb_run_proc(void);	/* b_proc.c:   fork, exec, pipes */
void osb_run_thread(void);	/* b_thread.c: threads, futex, condvar */
void osb_run_mem(void);		/* b_mem.c:    page faults, mmap */
void osb_run_file(void);	/* b_file.c:   files, stat, sequential I/O */
void osb_run_dir(void);		/* b_dir.c:    directories */
void osb_run_cpu(void);		/* b_cpu.c:    two CPU-bound processes on one CPU and on all */
