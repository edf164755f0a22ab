/* SPDX-License-Identifier: MIT */
/*
 * schedsim: a discrete-event simulator of one CPU, for comparing
 * scheduling policies on workloads.  It is a host program; the MLFQ and
 * real-time policies it runs are the kernel's own code (sched/policy.c,
 * mlfq.c, rt.c), linked in unchanged.
 *
 * A workload (a trace) is a list of jobs.  Each job arrives at a time and
 * then runs a script of operations: compute for t, do I/O for t (it sleeps,
 * the CPU is free), take or release a lock.  Time is an integer count of
 * microseconds; the tables print milliseconds.
 *
 * The engine (engine.c) jumps from event to event: an arrival, the end of
 * an I/O, the end of the running job's computation, and, for the policies
 * that want one, a timer tick every millisecond.  It asks the policy
 * (policies.c) which job to run, tells it when jobs become runnable or
 * stop, and measures each job: when it first ran, how long it waited
 * ready, when it finished.  Switching costs nothing here.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include "lib/list.h"
#include "sched/policy.h"

#define MSEC         1000ull               /* time unit: microseconds */
#define SIM_TICK     (1 * MSEC)            /* like keel.hz=1000 */
#define SIM_NONE     UINT64_MAX
#define SIM_MAX_LOCKS 4

enum op_kind { OP_CPU, OP_IO, OP_LOCK, OP_UNLOCK };

struct op {
	uint8_t kind;     /* enum op_kind */
	uint8_t lock;     /* OP_LOCK, OP_UNLOCK: which lock */
	uint64_t t;       /* OP_CPU, OP_IO: how long */
};

/* What a job is: the trace's part, never changed by a run. */
struct job_spec {
	char name[12];
	uint64_t arrival;
	struct op *ops;
	int nops;
	int prio;         /* static priority, larger runs first; RT priority for keel */
	int nice;         /* for keel's MLFQ */
	int policy;       /* SCHED_POLICY_* for keel; others ignore it */
};

struct trace {
	const char *name;
	const char *about;
	struct job_spec *jobs;   /* sorted by arrival */
	int njobs;
};

enum job_state { J_FUTURE, J_READY, J_RUNNING, J_IO, J_LOCKWAIT, J_DONE };

/* A job during one run. */
struct job {
	const struct job_spec *spec;
	int idx;
	int state;
	int pc;                 /* current op */
	uint64_t left;          /* of the current CPU or I/O op */
	uint64_t wake_at;       /* J_IO: when the I/O completes */
	int eff_prio;           /* prio, raised while it holds a lock a better job wants */
	struct list_node node;  /* ready queue of the simple policies, lock wait lists */
	struct sched_entity se; /* the kernel policy's view */
	uint64_t slice_start;   /* RR: when its turn began */
	/* measurements */
	bool started;
	uint64_t first_run, finish, cpu, wait, lock_wait;
	uint64_t ready_since, blocked_since;
	uint64_t woke_at;       /* became runnable after arrival or I/O; SIM_NONE once run */
	uint64_t wake_lat_sum, wake_lat_max, nwakes;
	uint64_t level_sum, ndispatch;   /* keel: MLFQ level at each dispatch */
	uint64_t last_run_end, max_gap;  /* longest time runnable but not running */
};

struct sim;

enum sim_stop { STOP_SLEEP, STOP_PREEMPT };

/*
 * A policy.  ready: j became runnable (is_new: it just arrived).  pick:
 * take the next job off the queue, NULL for idle.  stop: the running job
 * stops.  preempts: after jobs became ready, should the running one yield
 * to one of them?  tick: periodic, true to preempt the running job (NULL:
 * the policy never preempts on time).  set_prio: the engine lends or
 * returns a priority (NULL: not supported).
 */
struct sim_policy {
	const char *name;
	void (*init)(struct sim *s);
	void (*ready)(struct sim *s, struct job *j, bool is_new);
	struct job *(*pick)(struct sim *s);
	void (*stop)(struct sim *s, struct job *j, enum sim_stop why);
	bool (*preempts)(struct sim *s);
	bool (*tick)(struct sim *s);
	void (*set_prio)(struct sim *s, struct job *j, int prio);
	uint64_t quantum;       /* RR */
};

struct sim_lock {
	struct job *holder;
	struct list_node waiters;
};

/* One stretch of the CPU's time, for Gantt charts. */
struct seg {
	int job;                /* -1: idle */
	uint64_t start, end;
};

struct sim {
	const struct sim_policy *pol;
	const struct trace *tr;
	struct job *jobs;
	int next_arrival, ndone;
	uint64_t now, last_tick;
	struct job *curr;
	struct list_node ready;           /* the simple policies' queue */
	struct schedq q;                  /* the kernel policy's queue */
	struct sched_params params;       /* keel's, in microseconds */
	struct job **io_heap;             /* jobs in I/O, by wake time */
	int nio;
	bool inherit;                     /* priority inheritance on locks */
	struct sim_lock locks[SIM_MAX_LOCKS];
	bool stuck;                       /* jobs left but nothing can happen */
	/* measurements */
	uint64_t busy, nswitch, area;     /* area: integral of jobs in system */
	int in_system;
	struct seg *segs;                 /* NULL unless recording */
	int nsegs, segcap;
};

/* engine.c */
void sim_init(struct sim *s, const struct trace *tr, const struct sim_policy *pol);
void sim_record_gantt(struct sim *s);
void sim_run(struct sim *s);
void sim_free(struct sim *s);
struct job *sim_job_of(struct sched_entity *se);

/* policies.c: the classic ones, and the kernel's */
extern const struct sim_policy pol_fcfs, pol_sjf, pol_prio, pol_prio_np, pol_keel;
extern const struct sim_policy pol_rr[4];
/* keel with the gameable allotment rule, or without boosts */
extern const struct sim_policy pol_keel_naive, pol_keel_noboost;
void sim_keel_params(struct sched_params *p, bool naive, bool boost);

/* workload.c */
uint64_t rng_next(uint64_t *state);
double rng_uniform(uint64_t *state);
uint64_t rng_exp(uint64_t *state, double mean);
struct trace *trace_worked(void);
struct trace *trace_batch(void);
struct trace *trace_cpu(void);
struct trace *trace_io(uint64_t seed);
struct trace *trace_mix(uint64_t seed);
struct trace *trace_poisson(int n, double mean_gap_ms, double mean_service_ms, uint64_t seed);
struct trace *trace_inversion(int nmedium);
struct trace *trace_gamer(void);
struct trace *trace_stream(void);
struct trace *trace_rt(void);
void trace_free(struct trace *tr);
uint64_t trace_cpu_of(const struct job_spec *j);

/* report.c */
struct summary {
	double turn_mean, turn_p95, resp_mean, resp_p95, wait_mean, wait_p95;
	double wake_mean, wake_p95;      /* after each wakeup; NaN if none */
	double util;
	uint64_t switches;               /* dispatches: what switching would cost */
};
void sim_summarize(const struct sim *s, struct summary *out);
void report_header(const struct trace *tr);
void report_row(const char *policy, const struct summary *m);
void report_gantt(const struct sim *s, uint64_t unit);
void report_jobs(const struct sim *s);
