// SPDX-License-Identifier: MIT
/*
 * osbench's driver: options, the timed-loop engine and the output format
 * (described in osbench.h).
 *
 * Timing.  Every measurement reads CLOCK_MONOTONIC.  Per-operation metrics
 * run in growing batches until one batch lasts --target seconds (0.3 s by
 * default), so clock resolution and start-up costs vanish into many
 * operations and the small batches serve as warm-up; then that batch size
 * runs twice more and the fastest of the three is reported.  The fastest,
 * because under QEMU the host's other work (another virtual CPU, another
 * user) can only add time to a batch, never take it away.  A slow kernel
 * runs fewer iterations in the same time, which is fair because the metric
 * is time per operation.  Fixed-size metrics (page faults over 64 MiB, a
 * 1,000-file directory) also take the best of three rounds; the 64 MiB of
 * sequential I/O runs once.  `make bench` repeats whole runs across boots.
 *
 * Failures.  A failing call prints "error <metric> <reason>" and the run
 * goes on with the next metric, so one missing system call costs one row of
 * the table, not the whole run.
 */
#include "osbench.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct osb_opts osb = {
	.target_s = 0.3,
	.max_iters = 1L << 24,
	.reps = 3,
};

/*
 * Every metric osbench reports, in order; `osbench --list` prints them so
 * tests can check that a run accounted for each one (with a metric, error
 * or skip line).
 */
static const char *const osb_names[] = {
	"syscall_null", "syscall_unknown", "read_zero_1b", "write_null_1b", "signal_handler",
	"fork_exit_wait", "fork_exec_wait", "pipe_pingpong", "pipe_pingpong_pinned",
	"thread_create_join", "futex_pingpong", "condvar_pingpong",
	"fault_zero_page", "fault_cow_page", "mmap_munmap_1m",
	"file_create_write_unlink", "stat", "open_close",
	"seq_write_fsync", "seq_read_cached", "seq_read_uncached",
	"dir_create", "dir_scan", "dir_unlink",
	"cpu_2proc_1cpu", "cpu_2proc_free", "cpu_parallel_2p",
};

static char osb_why[160];

/* The ends of the batch being timed; t1 == 0 until osb_clock_stop(). */
static double osb_t0, osb_t1;

double
osb_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/*
 * A name passes --only=PREFIX when one starts with the other, so a group
 * asking about its common prefix ("seq_") runs for --only=seq_read_cached.
 */
int
osb_filtered(const char *name)
{
	size_t n;

	if (!osb.only)
		return 0;
	n = strlen(name) < strlen(osb.only) ? strlen(name) : strlen(osb.only);
	return strncmp(name, osb.only, n) != 0;
}

void
osb_metric(const char *name, double value, const char *unit)
{
	printf("metric %s %.4f %s\n", name, value, unit);
	fflush(stdout);
}

void
osb_error(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("error %s ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

void
osb_skip(const char *name, const char *reason)
{
	printf("skip %s %s\n", name, reason);
	fflush(stdout);
}

int
osb_fail(const char *call)
{
	snprintf(osb_why, sizeof(osb_why), "%s: %s", call, strerror(errno));
	return -1;
}

int
osb_failmsg(const char *msg)
{
	snprintf(osb_why, sizeof(osb_why), "%s", msg);
	return -1;
}

void
osb_error_why(const char *name)
{
	osb_error(name, "%s", osb_why[0] ? osb_why : "failed (no reason recorded)");
	osb_why[0] = '\0';
}

void
osb_clock_start(void)
{
	osb_t0 = osb_now();
}

void
osb_clock_stop(void)
{
	osb_t1 = osb_now();
}

/*
 * The next batch size after @n operations took @dt seconds: aim a little
 * past the target, but never more than 16 times larger (one slow sample
 * must not set up a minute-long batch) and at least twice as large.
 */
static long
osb_next_batch(long n, double dt)
{
	double grow = dt > 0 ? 1.2 * osb.target_s / dt : 16;

	if (grow > 16)
		grow = 16;
	if (grow < 2)
		grow = 2;
	n = (long)(n * grow);
	return n < osb.max_iters ? n : osb.max_iters;
}

/* Run one batch of @n operations; its time (see osb_clock_start) in *dt. */
static int
osb_batch(osb_loop_fn fn, void *ctx, long n, double *dt)
{
	osb_t1 = 0;
	osb_t0 = osb_now();
	if (fn(ctx, n) < 0)
		return -1;
	if (osb_t1 == 0)
		osb_t1 = osb_now();
	*dt = osb_t1 - osb_t0;
	return 0;
}

void
osb_time_loop(const char *name, osb_loop_fn fn, void *ctx)
{
	double dt, best;
	long n = 1;

	if (osb_filtered(name))
		return;
	for (;;) {
		if (osb_batch(fn, ctx, n, &dt) < 0)
			goto fail;
		if (dt >= osb.target_s || n >= osb.max_iters)
			break;
		n = osb_next_batch(n, dt);
	}
	best = dt;
	for (int r = 1; r < osb.reps; r++) {
		if (osb_batch(fn, ctx, n, &dt) < 0)
			goto fail;
		if (dt < best)
			best = dt;
	}
	osb_metric(name, best * 1e6 / n, "us");
	return;
fail:
	osb_error_why(name);
}

size_t
osb_size(size_t full, size_t smoke)
{
	return osb.smoke ? smoke : full;
}

static void
osb_usage(void)
{
	fprintf(stderr,
		"usage: osbench [--smoke] [--no-drop-caches] [--target=SECONDS] [--only=PREFIX]\n"
		"       osbench --list\n"
		"  --smoke           each metric a few iterations on small sizes\n"
		"  --no-drop-caches  report the uncached read as skipped instead of\n"
		"                    writing /proc/sys/vm/drop_caches (for shared hosts)\n"
		"  --target=S        length of one timed batch (default 0.3)\n"
		"  --only=PREFIX     run only the metrics whose names start with PREFIX\n"
		"  --list            print the names of all metrics and exit\n");
	exit(2);
}

static void
osb_parse(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--smoke") == 0) {
			osb.smoke = 1;
			osb.target_s = 0.001;
			osb.max_iters = 8;
			osb.reps = 1;
		} else if (strcmp(a, "--no-drop-caches") == 0) {
			osb.no_drop_caches = 1;
		} else if (strncmp(a, "--target=", 9) == 0) {
			osb.target_s = atof(a + 9);
		} else if (strncmp(a, "--only=", 7) == 0) {
			osb.only = a + 7;
		} else if (strcmp(a, "--list") == 0) {
			for (size_t j = 0; j < sizeof(osb_names) / sizeof(osb_names[0]); j++)
				printf("%s\n", osb_names[j]);
			exit(0);
		} else {
			osb_usage();
		}
	}
}

/*
 * The execve benchmark runs this binary again with --exit-now; argv[0] is
 * the path when it holds a slash (init starts us as /bin/osbench), else
 * /proc/self/exe names it.
 */
static const char *
osb_self_path(const char *argv0)
{
	static char buf[4096];
	ssize_t n;

	if (strchr(argv0, '/'))
		return argv0;
	n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	if (n <= 0)
		return argv0;
	buf[n] = '\0';
	return buf;
}

int
main(int argc, char **argv)
{
	/* The child of the fork+execve benchmark: leave at once. */
	if (argc > 1 && strcmp(argv[1], "--exit-now") == 0)
		_exit(0);

	osb_parse(argc, argv);
	osb.self = osb_self_path(argv[0]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("osbench: start %s\n", osb.smoke ? "smoke" : "full");

	osb_run_sys();
	osb_run_proc();
	osb_run_thread();
	osb_run_mem();
	osb_run_file();
	osb_run_dir();
	osb_run_cpu();

	printf("osbench: done\n");
	return 0;
}
