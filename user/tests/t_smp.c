// SPDX-License-Identifier: MIT
/*
 * Parallel stress from user space, for a kernel on several CPUs: many
 * processes and threads doing the same things at once, where a missing
 * lock shows up as a wrong final state and a lost wakeup as a hang.  Each
 * test checks what must hold at the end (every exit code collected, every
 * byte through a pipe in order, the directory holding exactly the files it
 * should, a counter exactly N) and arms a watchdog, so a hang fails with
 * a message naming what hung instead of a bare timeout.
 *
 * Also here: affinity as seen from inside (getcpu, by the system call and
 * by musl's sched_getcpu, and field 39 of /proc/self/stat), the per-CPU
 * lines of /proc/stat, the load average rising under load, and busybox top
 * reading all of it.  Every test runs on one CPU too (stage 40 and the
 * host run it on two, tests/stages/45-smp.sh on four).
 *
 * The amounts of work are small on purpose: four virtual CPUs on a busy
 * two-core host can run ten times slower than usual (a virtual CPU holding
 * a spinlock gets descheduled by the host while the others spin), and the
 * watchdogs must catch hangs, not slowness.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "smp_util.h"
#include "utest.h"

#define MAX_CPUS 64

/* ------------------------------------------------------- fork/exec/exit */

HELPER(smp_exit_code)
{
	return argc > 1 ? atoi(argv[1]) : 99;
}

/* One worker: rounds of fork + exec of a helper that exits with a known code. */
static void
storm_worker(int w, int rounds)
{
	for (int i = 0; i < rounds; i++) {
		int code = (w * 37 + i) % 200;
		pid_t pid = ut_fork();

		if (pid == 0) {
			char arg[16];

			snprintf(arg, sizeof(arg), "%d", code);
			if (i % 2)
				execl(ut_self, ut_self, "--helper=smp_exit_code", arg, (char *)NULL);
			_exit(code);        /* every other round: exit without exec */
		}
		ut_wait_exit(pid, code);
	}
	_exit(0);
}

TEST(smp_fork_exec_exit_storm, "4 workers fork, exec and reap 10 children each; every exit code arrives")
{
	pid_t w[4];

	smp_watchdog(8, "the fork/exec/exit storm");
	for (int i = 0; i < 4; i++)
		if ((w[i] = ut_fork()) == 0)
			storm_worker(i, 10);
	for (int i = 0; i < 4; i++)
		ut_wait_exit(w[i], 0);
}

/* ------------------------------------------------ pipes between CPUs */

#define PIPE_BYTES (128 * 1024)
#define PINGS 200

static unsigned char
pattern(size_t i)
{
	return (unsigned char)(i * 131 + (i >> 9));
}

TEST(smp_pipe_between_pinned_cpus, "a pipe carries 128 KiB in order, and 200 ping-pongs, between processes pinned to different CPUs")
{
	int cpu[MAX_CPUS], n = smp_cpus(cpu, MAX_CPUS), data[2], ping[2], pong[2];
	int a = cpu[0], b = cpu[n - 1];
	unsigned char buf[4096];
	pid_t pid;

	smp_watchdog(8, "the pipe transfer");
	CHECK_OK(pipe(data));
	CHECK_OK(pipe(ping));
	CHECK_OK(pipe(pong));
	if ((pid = ut_fork()) == 0) {
		smp_pin(b);
		CHECK_EQ(smp_getcpu_syscall(), b);
		for (size_t off = 0; off < PIPE_BYTES; off += sizeof(buf)) {
			for (size_t i = 0; i < sizeof(buf); i++)
				buf[i] = pattern(off + i);
			ut_write_all(data[1], buf, sizeof(buf));
		}
		for (int i = 0; i < PINGS; i++) {
			char c;

			ut_read_exact(ping[0], &c, 1);
			c++;
			ut_write_all(pong[1], &c, 1);
		}
		_exit(smp_getcpu_syscall() == b ? 0 : 2);
	}
	smp_pin(a);
	close(data[1]);
	for (size_t off = 0; off < PIPE_BYTES;) {
		ssize_t got = read(data[0], buf, sizeof(buf));

		CHECK(got > 0);
		for (ssize_t i = 0; i < got; i++)
			if (buf[i] != pattern(off + i))
				FAIL("byte %zu is %u, expected %u", off + i, buf[i], pattern(off + i));
		off += got;
	}
	for (int i = 0; i < PINGS; i++) {
		char c = (char)i, r;

		ut_write_all(ping[1], &c, 1);
		ut_read_exact(pong[0], &r, 1);
		CHECK_EQ(r, (char)(i + 1));
	}
	CHECK_EQ(smp_getcpu_syscall(), a);
	ut_wait_exit(pid, 0);
}

/* --------------------------------------- one directory, many processes */

#define DIR_WORKERS 4
#define DIR_FILES   12

/* Create w.N, rename it to r.W.N, unlink the even ones; and keep replacing "shared". */
static void
dir_worker(int w)
{
	char a[64], b[64], rec[64], tmp[32];

	for (int i = 0; i < DIR_FILES; i++) {
		snprintf(a, sizeof(a), "w.%d.%d", w, i);
		snprintf(b, sizeof(b), "r.%d.%d", w, i);
		ut_write_file(a, a);
		CHECK_OK(rename(a, b));
		if (i % 2 == 0)
			CHECK_OK(unlink(b));
		/* A whole record from one writer, swapped in by rename: never torn. */
		snprintf(tmp, sizeof(tmp), "tmp.%d", w);
		snprintf(rec, sizeof(rec), "writer %d round %02d end", w, i);
		ut_write_file(tmp, rec);
		CHECK_OK(rename(tmp, "shared"));
	}
	_exit(0);
}

TEST(smp_dir_create_rename_unlink, "4 processes create, rename and unlink in one directory; the final listing is exact")
{
	pid_t pid[DIR_WORKERS];
	char name[64], text[64];
	struct dirent *e;
	int count = 0, w, i, round;
	DIR *d;

	smp_watchdog(8, "the directory workers");
	for (w = 0; w < DIR_WORKERS; w++)
		if ((pid[w] = ut_fork()) == 0)
			dir_worker(w);
	for (w = 0; w < DIR_WORKERS; w++)
		ut_wait_exit(pid[w], 0);
	d = opendir(".");
	CHECK(d != NULL);
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    !strcmp(e->d_name, "shared"))
			continue;
		if (sscanf(e->d_name, "r.%d.%d", &w, &i) != 2 || i % 2 == 0)
			FAIL("unexpected entry %s", e->d_name);
		snprintf(name, sizeof(name), "w.%d.%d", w, i);
		ut_read_file(e->d_name, text, sizeof(text));
		CHECK(!strcmp(text, name));       /* the content followed the rename */
		count++;
	}
	closedir(d);
	CHECK_EQ(count, DIR_WORKERS * DIR_FILES / 2);
	ut_read_file("shared", text, sizeof(text));
	if (sscanf(text, "writer %d round %d end", &w, &round) != 2 || round != DIR_FILES - 1)
		FAIL("shared holds \"%s\": not one writer's last whole record", text);
}

/* ---------------------------------------------- pthreads: mutex, condvar */

#define MTX_THREADS 8
#define MTX_ROUNDS  2000

static pthread_mutex_t mtx = PTHREAD_MUTEX_INITIALIZER;
static long mtx_count;
static volatile int mtx_inside, mtx_overlap;

static void *
mtx_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < MTX_ROUNDS; i++) {
		pthread_mutex_lock(&mtx);
		if (__atomic_add_fetch(&mtx_inside, 1, __ATOMIC_SEQ_CST) != 1)
			mtx_overlap = 1;
		mtx_count++;
		__atomic_sub_fetch(&mtx_inside, 1, __ATOMIC_SEQ_CST);
		pthread_mutex_unlock(&mtx);
	}
	return NULL;
}

TEST(smp_pthread_mutex_threads, "8 threads take one futex-based mutex 2000 times each: exclusive, nothing lost")
{
	pthread_t t[MTX_THREADS];

	smp_watchdog(8, "the mutex workers");
	for (int i = 0; i < MTX_THREADS; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, mtx_worker, NULL), 0);
	for (int i = 0; i < MTX_THREADS; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	CHECK_EQ(mtx_overlap, 0);
	CHECK_EQ(mtx_count, (long)MTX_THREADS * MTX_ROUNDS);
}

/* A bounded buffer, two condvars, producers and consumers on every CPU. */
#define BB_SIZE  8
#define BB_ITEMS 500    /* per producer */
#define BB_PAIRS 3

static struct {
	pthread_mutex_t m;
	pthread_cond_t not_full, not_empty;
	long buf[BB_SIZE];
	int head, count, producers_left;
	long sum_in, sum_out, taken;
} bb = { .m = PTHREAD_MUTEX_INITIALIZER, .not_full = PTHREAD_COND_INITIALIZER,
	 .not_empty = PTHREAD_COND_INITIALIZER };

static void *
bb_producer(void *arg)
{
	long base = (long)arg * 1000000;

	for (long i = 1; i <= BB_ITEMS; i++) {
		pthread_mutex_lock(&bb.m);
		while (bb.count == BB_SIZE)
			pthread_cond_wait(&bb.not_full, &bb.m);
		bb.buf[(bb.head + bb.count++) % BB_SIZE] = base + i;
		bb.sum_in += base + i;
		pthread_cond_signal(&bb.not_empty);
		pthread_mutex_unlock(&bb.m);
	}
	pthread_mutex_lock(&bb.m);
	bb.producers_left--;
	pthread_cond_broadcast(&bb.not_empty);
	pthread_mutex_unlock(&bb.m);
	return NULL;
}

static void *
bb_consumer(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&bb.m);
	for (;;) {
		while (bb.count == 0 && bb.producers_left)
			pthread_cond_wait(&bb.not_empty, &bb.m);
		if (bb.count == 0)
			break;
		bb.sum_out += bb.buf[bb.head];
		bb.head = (bb.head + 1) % BB_SIZE;
		bb.count--;
		bb.taken++;
		pthread_cond_signal(&bb.not_full);
	}
	pthread_mutex_unlock(&bb.m);
	return NULL;
}

TEST(smp_pthread_condvar_buffer, "3 producers and 3 consumers pass 1500 items through an 8-slot buffer: none lost, none twice")
{
	pthread_t p[BB_PAIRS], c[BB_PAIRS];

	smp_watchdog(8, "the bounded buffer (a lost condvar wakeup?)");
	bb.producers_left = BB_PAIRS;
	for (long i = 0; i < BB_PAIRS; i++) {
		CHECK_EQ(pthread_create(&c[i], NULL, bb_consumer, NULL), 0);
		CHECK_EQ(pthread_create(&p[i], NULL, bb_producer, (void *)i), 0);
	}
	for (int i = 0; i < BB_PAIRS; i++) {
		CHECK_EQ(pthread_join(p[i], NULL), 0);
		CHECK_EQ(pthread_join(c[i], NULL), 0);
	}
	CHECK_EQ(bb.taken, (long)BB_PAIRS * BB_ITEMS);
	CHECK_EQ(bb.sum_out, bb.sum_in);
	CHECK_EQ(bb.count, 0);
}

/* ------------------------------------------------------------- affinity */

TEST(smp_affinity_seen_by_getcpu, "pinned to each CPU in turn, getcpu (syscall and sched_getcpu) and /proc/self/stat field 39 name it")
{
	int cpu[MAX_CPUS], n = smp_cpus(cpu, MAX_CPUS);
	cpu_set_t got;

	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < n; i++) {
			smp_pin(cpu[i]);
			CHECK_EQ(smp_getcpu_syscall(), cpu[i]);
			sched_yield();
			CHECK_EQ(sched_getcpu(), cpu[i]);
			ut_msleep(2);
			CHECK_EQ(smp_stat_processor(0), cpu[i]);
			CHECK_EQ(smp_getcpu_syscall(), cpu[i]);
			CHECK_OK(sched_getaffinity(0, sizeof(got), &got));
			CHECK_EQ(CPU_COUNT(&got), 1);
			CHECK(CPU_ISSET(cpu[i], &got));
		}
	}
}

/* A pinned child inherits its parent's mask and stays on the CPU while it works. */
TEST(smp_affinity_inherited_and_kept, "a forked child keeps its parent's one-CPU mask through work, sleeps and yields")
{
	int cpu[MAX_CPUS], n = smp_cpus(cpu, MAX_CPUS), want = cpu[n - 1];
	pid_t pid;

	smp_pin(want);
	if ((pid = ut_fork()) == 0) {
		volatile unsigned long x = 0;

		for (int i = 0; i < 200; i++) {
			for (int k = 0; k < 20000; k++)
				x += k;
			if (smp_getcpu_syscall() != want)
				FAIL("step %d ran on CPU %d, pinned to %d", i, smp_getcpu_syscall(), want);
			if (i % 20 == 0)
				ut_msleep(1);
			else if (i % 5 == 0)
				sched_yield();
		}
		_exit(0);
	}
	ut_wait_exit(pid, 0);
}

/* ---------------------------------------------------- /proc and top */

/* Each cpuN line: user nice system idle ...; => their sum, -1 if the line is missing. */
static long long
proc_stat_cpu_sum(const char *text, int cpu)
{
	char key[16];
	const char *p;
	long long v[4];

	snprintf(key, sizeof(key), "\ncpu%d ", cpu);
	p = strstr(text, key);
	if (!p || sscanf(p + strlen(key), "%lld %lld %lld %lld", &v[0], &v[1], &v[2], &v[3]) != 4)
		return -1;
	return v[0] + v[1] + v[2] + v[3];
}

TEST(smp_proc_stat_per_cpu, "/proc/stat has a cpuN line for every CPU, and every CPU's ticks advance")
{
	static char before[8192], after[8192];
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	CHECK(n >= 1);
	ut_read_file("/proc/stat", before, sizeof(before));
	CHECK(!strncmp(before, "cpu ", 4));
	ut_msleep(100);
	ut_read_file("/proc/stat", after, sizeof(after));
	for (int c = 0; c < n; c++) {
		long long a = proc_stat_cpu_sum(before, c), b = proc_stat_cpu_sum(after, c);

		if (a < 0 || b < 0)
			FAIL("no cpu%d line in /proc/stat", c);
		if (b <= a)
			FAIL("cpu%d: %lld ticks, then %lld 100 ms later", c, a, b);
	}
	CHECK(proc_stat_cpu_sum(after, (int)n) < 0);    /* and no line for a CPU that is not there */
}

/*
 * The sum of every row of /proc/interrupts over ncpu columns, or -1 when
 * the header does not name exactly ncpu CPUs.  Linux's ERR: and MIS: rows
 * have one number, not one per CPU; the scan stops at the first word.
 */
static long long
proc_interrupts_sum(const char *text, int ncpu)
{
	const char *p = strchr(text, '\n');
	long long sum = 0;
	int cols = 0;

	for (const char *q = text; p && q < p; q++)
		if (!strncmp(q, "CPU", 3) && (q == text || q[-1] == ' '))
			cols++;
	if (!p || cols != ncpu)
		return -1;
	while (p && *++p) {
		const char *colon = strchr(p, ':'), *eol = strchr(p, '\n');
		char *end;

		if (!colon || (eol && colon > eol))
			return -1;
		p = colon + 1;
		for (int c = 0; c < ncpu; c++, p = end) {
			unsigned long long v = strtoull(p, &end, 10);

			if (end == p)
				break;
			sum += (long long)v;
		}
		p = strchr(p, '\n');
	}
	return sum;
}

static long long
proc_stat_intr(void)
{
	static char buf[65536];
	const char *p;

	ut_read_file("/proc/stat", buf, sizeof(buf));
	p = strstr(buf, "\nintr ");
	return p ? strtoll(p + 6, NULL, 10) : -1;
}

TEST(smp_proc_interrupts_per_cpu, "/proc/interrupts has a column per CPU; its counts and /proc/stat's intr grow")
{
	static char before[65536], after[65536];
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	long long a, b, ia = proc_stat_intr(), ib;

	ut_read_file("/proc/interrupts", before, sizeof(before));
	ut_msleep(100);
	ut_read_file("/proc/interrupts", after, sizeof(after));
	ib = proc_stat_intr();
	a = proc_interrupts_sum(before, (int)n);
	b = proc_interrupts_sum(after, (int)n);
	if (a < 0 || b < 0)
		FAIL("/proc/interrupts does not parse with %ld CPU columns: %.200s", n, before);
	if (b <= a)
		FAIL("/proc/interrupts: %lld interrupts, then %lld 100 ms later", a, b);
	if (ia <= 0 || ib <= ia)
		FAIL("/proc/stat intr: %lld, then %lld 100 ms later", ia, ib);
}

static double
loadavg_1min(void)
{
	char buf[128];
	double v = -1;

	ut_read_file("/proc/loadavg", buf, sizeof(buf));
	CHECK_EQ(sscanf(buf, "%lf", &v), 1);
	return v;
}

/*
 * Four spinning processes: the next 5-second sample counts at least 4
 * active threads, and moves the 1-minute average at least 4 * (1 -
 * exp(-5/60)) = 0.32 of the way from wherever it was, so the new value is
 * at least 0.32 whatever came before.  The wait is for the value to change
 * (a sample), at most 9 s.
 */
TEST(smp_loadavg_rises_under_load, "with 4 spinning processes the next load sample lifts the 1-minute average to 0.30 or more")
{
	double start = loadavg_1min(), now = start;
	long long t0 = ut_now_ns();
	pid_t pid[4];

	for (int i = 0; i < 4; i++)
		if ((pid[i] = ut_fork()) == 0)
			for (;;)
				__asm__ __volatile__("" ::: "memory");
	while (now == start && ut_now_ns() - t0 < 9000000000ll) {
		ut_msleep(100);
		now = loadavg_1min();
	}
	for (int i = 0; i < 4; i++) {
		kill(pid[i], SIGKILL);
		ut_wait_signal(pid[i], SIGKILL);
	}
	if (now == start)
		FAIL("the 1-minute load average stayed at %.2f for 9 s", start);
	if (now < 0.30)
		FAIL("the 1-minute load average went from %.2f to %.2f with 4 spinners", start, now);
}

TEST(smp_busybox_top_batch, "busybox top -b -n 1 prints its header and a line for itself")
{
	static char out[16384];
	int p[2];
	size_t got = 0;
	ssize_t r;
	pid_t pid;

	if (access("/bin/busybox", X_OK) != 0)
		SKIP("no /bin/busybox");
	smp_watchdog(8, "top -b -n 1");
	CHECK_OK(pipe(p));
	if ((pid = ut_fork()) == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		execl("/bin/busybox", "top", "-b", "-n", "1", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	while (got + 1 < sizeof(out) && (r = read(p[0], out + got, sizeof(out) - 1 - got)) > 0)
		got += r;
	out[got] = 0;
	ut_wait_exit(pid, 0);
	if (!strstr(out, "Mem:") || !strstr(out, "Load average:") || !strstr(out, "CPU:"))
		FAIL("no Mem:/CPU:/Load average: header in: %.300s", out);
	if (!strstr(out, "PID") || !strstr(out, "top -b -n 1"))
		FAIL("no process table with top itself in: %.400s", out);
}
