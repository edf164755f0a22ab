// SPDX-License-Identifier: MIT
/*
 * Workloads for schedsim.  A simulation is only as good as its workload
 * (garbage in, garbage out), so each trace says what it models:
 *
 *   worked     four jobs small enough to schedule by hand on paper
 *   batch      CPU-bound jobs all present at time 0, the setting in which
 *              SJF is provably optimal for mean waiting time
 *   cpu        CPU-bound jobs arriving over time
 *   io         I/O-bound jobs: short bursts of computing between long
 *              sleeps, like an editor or a shell
 *   mix        CPU hogs and interactive jobs together, the case MLFQ is for
 *   poisson    Poisson arrivals with exponential service times, the M/M/1
 *              queue of queueing theory
 *   inversion  three real-time jobs and a lock (priority inversion)
 *   gamer      a hog beside a job that sleeps just before its quantum ends
 *   stream     a hog under a steady stream of new short jobs (starvation)
 *
 * Random traces use a seeded generator (splitmix64), so every run of the
 * same seed prints the same numbers.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim.h"

uint64_t
rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
double
rng_uniform(uint64_t *state)
{
	return (double)(rng_next(state) >> 11) * 0x1.0p-53;
}

/* Exponentially distributed with the given mean (inverse transform), >= 1. */
uint64_t
rng_exp(uint64_t *state, double mean)
{
	double x = -log1p(-rng_uniform(state)) * mean;

	return x < 1 ? 1 : (uint64_t)llround(x);
}

static uint64_t
uniform_ms(uint64_t *rng, double lo, double hi)
{
	return (uint64_t)llround((lo + (hi - lo) * rng_uniform(rng)) * MSEC);
}

/* ---------------------------------------------------------------- building */

static void *
xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (!p) {
		perror("schedsim");
		exit(2);
	}
	return p;
}

static struct trace *
trace_new(const char *name, const char *about, int cap)
{
	struct trace *tr = xrealloc(NULL, sizeof(*tr));

	tr->name = name;
	tr->about = about;
	tr->jobs = xrealloc(NULL, cap * sizeof(struct job_spec));
	tr->njobs = 0;
	return tr;
}

/* Jobs are added in order of arrival, which the engine relies on. */
static struct job_spec *
job_add(struct trace *tr, const char *name, uint64_t arrival, int prio)
{
	struct job_spec *j = &tr->jobs[tr->njobs];

	if (tr->njobs && arrival < tr->jobs[tr->njobs - 1].arrival) {
		fprintf(stderr, "schedsim: %s: jobs out of order\n", tr->name);
		exit(2);
	}
	tr->njobs++;
	memset(j, 0, sizeof(*j));
	snprintf(j->name, sizeof(j->name), "%s", name);
	j->arrival = arrival;
	j->prio = prio;
	j->policy = SCHED_POLICY_NORMAL;
	return j;
}

static void
op_add(struct job_spec *j, int kind, int lock, uint64_t t)
{
	/* Grow in powers of two. */
	if ((j->nops & (j->nops - 1)) == 0)
		j->ops = xrealloc(j->ops, (j->nops ? 2 * j->nops : 1) * sizeof(struct op));
	j->ops[j->nops++] = (struct op){ (uint8_t)kind, (uint8_t)lock, t };
}

static void cpu(struct job_spec *j, uint64_t t) { op_add(j, OP_CPU, 0, t); }
static void io(struct job_spec *j, uint64_t t) { op_add(j, OP_IO, 0, t); }
static void lock(struct job_spec *j, int k) { op_add(j, OP_LOCK, k, 0); }
static void unlock(struct job_spec *j, int k) { op_add(j, OP_UNLOCK, k, 0); }

void
trace_free(struct trace *tr)
{
	for (int i = 0; i < tr->njobs; i++)
		free(tr->jobs[i].ops);
	free(tr->jobs);
	free(tr);
}

uint64_t
trace_cpu_of(const struct job_spec *j)
{
	uint64_t t = 0;

	for (int i = 0; i < j->nops; i++)
		if (j->ops[i].kind == OP_CPU)
			t += j->ops[i].t;
	return t;
}

/* ---------------------------------------------------------------- traces */

/* Arrival and burst (ms) and static priority of the hand-worked example. */
static const struct { const char *name; int arrival, burst, prio; } worked[] = {
	{ "A", 0, 8, 2 }, { "B", 1, 4, 4 }, { "C", 2, 9, 1 }, { "D", 3, 5, 3 },
};

struct trace *
trace_worked(void)
{
	struct trace *tr = trace_new("worked", "4 CPU-only jobs, small enough to do by hand", 4);

	for (unsigned i = 0; i < ARRAY_SIZE(worked); i++)
		cpu(job_add(tr, worked[i].name, worked[i].arrival * MSEC, worked[i].prio),
		    worked[i].burst * MSEC);
	return tr;
}

struct trace *
trace_batch(void)
{
	static const int burst[] = { 30, 5, 80, 12, 200, 45, 7, 120 };
	static const int prio[] = { 3, 1, 4, 1, 5, 9, 2, 6 };
	struct trace *tr = trace_new("batch", "8 CPU-bound jobs, all there at time 0", 8);
	char name[16];

	for (int i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "J%d", i + 1);
		cpu(job_add(tr, name, 0, prio[i]), burst[i] * MSEC);
	}
	return tr;
}

struct trace *
trace_cpu(void)
{
	static const int burst[] = { 1000, 400, 700, 200, 1200 };
	struct trace *tr = trace_new("cpu", "5 CPU-bound jobs arriving 50 ms apart", 5);
	char name[16];

	for (int i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "C%d", i + 1);
		cpu(job_add(tr, name, i * 50 * MSEC, 5 - i), burst[i] * MSEC);
	}
	return tr;
}

/* An interactive job: ncycles of a short burst, then a sleep. */
static void
interactive(struct job_spec *j, uint64_t *rng, int ncycles, double cpu_lo, double cpu_hi,
	    double io_lo, double io_hi)
{
	for (int c = 0; c < ncycles; c++) {
		cpu(j, uniform_ms(rng, cpu_lo, cpu_hi));
		io(j, uniform_ms(rng, io_lo, io_hi));
	}
	cpu(j, uniform_ms(rng, cpu_lo, cpu_hi));
}

struct trace *
trace_io(uint64_t seed)
{
	struct trace *tr = trace_new("io", "6 I/O-bound jobs: 40 cycles of 1-3 ms CPU, "
				     "10-30 ms I/O", 6);
	uint64_t rng = seed;
	char name[16];

	for (int i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "IO%d", i + 1);
		interactive(job_add(tr, name, i * 5 * MSEC, 2), &rng, 40, 1, 3, 10, 30);
	}
	return tr;
}

struct trace *
trace_mix(uint64_t seed)
{
	static const int hog[] = { 2000, 1500, 2500 };
	struct trace *tr = trace_new("mix", "3 CPU hogs (1.5-2.5 s) and 6 interactive jobs "
				     "(60 cycles of 0.5-1.5 ms CPU, 30-70 ms I/O)", 9);
	uint64_t rng = seed;
	char name[16];

	for (int i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "hog%d", i + 1);
		cpu(job_add(tr, name, i * 5 * MSEC, 1), hog[i] * MSEC);
	}
	for (int i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "int%d", i + 1);
		interactive(job_add(tr, name, (20 + 20 * i) * MSEC, 5), &rng, 60, 0.5, 1.5, 30, 70);
	}
	return tr;
}

struct trace *
trace_poisson(int n, double mean_gap_ms, double mean_service_ms, uint64_t seed)
{
	struct trace *tr = trace_new("poisson", "Poisson arrivals, exponential service (M/M/1)", n);
	uint64_t rng = seed, t = 0;
	char name[16];

	for (int i = 0; i < n; i++) {
		t += rng_exp(&rng, mean_gap_ms * MSEC);
		snprintf(name, sizeof(name), "P%d", i);
		/* Priorities at random, so static priority has something to go by. */
		cpu(job_add(tr, name, t, (int)(rng_next(&rng) % 4)),
		    rng_exp(&rng, mean_service_ms * MSEC));
	}
	return tr;
}

/*
 * L takes the lock for a 4 ms critical section; H, arriving inside it,
 * needs the lock too; nmedium jobs of middle priority, 10 ms each, arrive
 * just after H blocks.  All three kinds are SCHED_FIFO.
 */
struct trace *
trace_inversion(int nmedium)
{
	struct trace *tr = trace_new("inversion", "L (FIFO 10) holds a lock H (FIFO 30) needs; "
				     "medium jobs (FIFO 20) arrive", 2 + nmedium);
	struct job_spec *l, *h;
	char name[16];

	l = job_add(tr, "L", 0, 10);
	cpu(l, 1 * MSEC);
	lock(l, 0);
	cpu(l, 4 * MSEC);       /* the critical section */
	unlock(l, 0);
	cpu(l, 1 * MSEC);
	h = job_add(tr, "H", 2 * MSEC, 30);
	cpu(h, 1 * MSEC);
	lock(h, 0);
	cpu(h, 1 * MSEC);
	unlock(h, 0);
	cpu(h, 1 * MSEC);
	l->policy = h->policy = SCHED_POLICY_FIFO;
	for (int i = 0; i < nmedium; i++) {
		struct job_spec *m;

		snprintf(name, sizeof(name), "M%d", i + 1);
		m = job_add(tr, name, 3 * MSEC, 20);
		m->policy = SCHED_POLICY_FIFO;
		cpu(m, 10 * MSEC);
	}
	return tr;
}

/* A 3 s hog, and a job that computes 3.9 ms and sleeps 0.1 ms, 700 times. */
struct trace *
trace_gamer(void)
{
	struct trace *tr = trace_new("gamer", "a 3 s hog, and a job computing 3.9 ms "
				     "(just under the 4 ms quantum) then sleeping 0.1 ms", 2);
	struct job_spec *g;

	cpu(job_add(tr, "hog", 0, 0), 3000 * MSEC);
	g = job_add(tr, "gamer", 0, 0);
	for (int i = 0; i < 700; i++) {
		cpu(g, 3900);
		io(g, 100);
	}
	cpu(g, 3900);
	return tr;
}

/* A 6 s hog; new 3 ms jobs every 3 ms for 5 s keep the CPU busy at the top. */
struct trace *
trace_stream(void)
{
	int n = 5000 / 3;
	struct trace *tr = trace_new("stream", "a hog under a stream of new 3 ms jobs, "
				     "one every 3 ms for 5 s", 1 + n);
	char name[16];

	cpu(job_add(tr, "hog", 0, 0), 6000 * MSEC);
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "s%d", i);
		cpu(job_add(tr, name, (uint64_t)i * 3 * MSEC, 0), 3 * MSEC);
	}
	return tr;
}

/*
 * Real time over normal: two normal hogs, three SCHED_RR jobs of equal
 * priority (300 ms each, so three 100 ms turns each), and a SCHED_FIFO job
 * above them that wakes every 50 ms for 2 ms.
 */
struct trace *
trace_rt(void)
{
	struct trace *tr = trace_new("rt", "2 normal hogs, 3 SCHED_RR jobs (prio 50), "
				     "a SCHED_FIFO job (prio 60) waking every 50 ms", 6);
	char name[16];
	struct job_spec *j;

	for (int i = 0; i < 2; i++) {
		snprintf(name, sizeof(name), "N%d", i + 1);
		cpu(job_add(tr, name, 0, 0), 500 * MSEC);
	}
	for (int i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "R%d", i + 1);
		j = job_add(tr, name, 0, 50);
		j->policy = SCHED_POLICY_RR;
		cpu(j, 300 * MSEC);
	}
	j = job_add(tr, "F", 10 * MSEC, 60);
	j->policy = SCHED_POLICY_FIFO;
	interactive(j, &(uint64_t){ 0 }, 10, 2, 2, 50, 50);
	return tr;
}
