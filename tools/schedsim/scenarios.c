// SPDX-License-Identifier: MIT
/*
 * The experiments schedsim reports, one function per section.  Each can
 * print its tables and hands its key numbers back, so the checks in
 * checks.c assert on exactly what the report shows.
 *
 * The three classic ways to evaluate a scheduler appear here side by side:
 * hand execution (the worked example, small enough to do on paper),
 * queueing theory (M/M/1, where a formula predicts the answer) and
 * simulation (everything else, where no formula does).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "sim.h"
#include "scenarios.h"

void
run_policy(struct sim *s, const struct trace *tr, const struct sim_policy *pol, bool gantt,
	   bool inherit)
{
	sim_init(s, tr, pol);
	s->inherit = inherit;
	if (gantt)
		sim_record_gantt(s);
	sim_run(s);
	if (s->stuck)
		fprintf(stderr, "schedsim: %s under %s: jobs stuck on locks\n", tr->name, pol->name);
}

/* ---------------------------------------------------------------- worked example */

static double
mean_wait(const struct sim *s)
{
	double w = 0;

	for (int i = 0; i < s->tr->njobs; i++)
		w += (double)s->jobs[i].wait / MSEC;
	return w / s->tr->njobs;
}

/*
 * Hand execution: four jobs under each policy, as a Gantt chart and the
 * table a student would fill in.  => mean waiting times, in the order of
 * WORKED_POLICIES.
 */
void
section_worked(bool print, double mean_waits[WORKED_NPOL])
{
	struct trace *tr = trace_worked();
	struct sim_policy rr4 = pol_rr[0];
	const struct sim_policy *pols[WORKED_NPOL] = { &pol_fcfs, &pol_sjf, &pol_prio, &rr4,
						       &pol_keel };
	struct sim s;

	rr4.name = "RR q=4ms";
	rr4.quantum = 4 * MSEC;
	if (print) {
		printf("\n== Hand execution: the worked example\n");
		printf("jobs (arrival, burst, priority; larger priority runs first):");
		for (int i = 0; i < tr->njobs; i++)
			printf(" %s(%g, %g, %d)", tr->jobs[i].name,
			       (double)tr->jobs[i].arrival / MSEC,
			       (double)trace_cpu_of(&tr->jobs[i]) / MSEC, tr->jobs[i].prio);
		printf("\n");
	}
	for (int p = 0; p < WORKED_NPOL; p++) {
		run_policy(&s, tr, pols[p], true, false);
		mean_waits[p] = mean_wait(&s);
		if (print) {
			printf("\n  %s\n", pols[p]->name);
			report_gantt(&s, MSEC);
			report_jobs(&s);
		}
		sim_free(&s);
	}
	trace_free(tr);
}

/* ---------------------------------------------------------------- tables */

static const struct sim_policy *const table_policies[] = {
	&pol_fcfs, &pol_sjf, &pol_prio_np, &pol_prio, &pol_rr[0], &pol_rr[1], &pol_rr[2],
	&pol_rr[3], &pol_keel,
};

/* Every policy on one trace; => the summaries, in table_policies order. */
int
section_table(const struct trace *tr, bool print, struct summary *out, int max)
{
	int n = (int)ARRAY_SIZE(table_policies);
	struct sim s;

	if (print)
		report_header(tr);
	for (int p = 0; p < n && p < max; p++) {
		run_policy(&s, tr, table_policies[p], false, false);
		sim_summarize(&s, &out[p]);
		if (print)
			report_row(table_policies[p]->name, &out[p]);
		sim_free(&s);
	}
	return n;
}

const char *
table_policy_name(int p)
{
	return table_policies[p]->name;
}

/* ---------------------------------------------------------------- M/M/1 */

/*
 * An M/M/1 queue: Poisson arrivals at rate lambda, exponential service at
 * rate mu, one server.  With rho = lambda/mu < 1, queueing theory gives the
 * mean time in system T = 1/(mu - lambda), the mean wait in the queue
 * Wq = rho/(mu - lambda) and the mean number in system L = rho/(1 - rho)
 * (and Little's law L = lambda T).  Round robin with a small quantum
 * approaches processor sharing, whose mean T is the same 1/(mu - lambda).
 */
void
section_mm1(bool print, int n, double rho, uint64_t seed, struct mm1_result *r)
{
	double service_ms = 10, gap_ms = service_ms / rho;
	double lambda = 1 / gap_ms, mu = 1 / service_ms;
	struct trace *tr = trace_poisson(n, gap_ms, service_ms, seed);
	struct summary m;
	struct sim s;

	r->rho = rho;
	r->t_theory = 1 / (mu - lambda);
	r->wq_theory = rho / (mu - lambda);
	r->l_theory = rho / (1 - rho);
	run_policy(&s, tr, &pol_fcfs, false, false);
	sim_summarize(&s, &m);
	r->t_fcfs = m.turn_mean;
	r->wq_fcfs = m.wait_mean;
	r->l_fcfs = (double)s.area / s.now;
	r->util = m.util;
	sim_free(&s);
	run_policy(&s, tr, &pol_rr[0], false, false);
	sim_summarize(&s, &m);
	r->t_rr = m.turn_mean;
	sim_free(&s);
	trace_free(tr);
	if (!print)
		return;
	printf("\n  M/M/1, rho = %.2f: %d jobs, mean service %.0f ms, mean gap %.2f ms (seed %llu)\n",
	       rho, n, service_ms, gap_ms, (unsigned long long)seed);
	printf("    %-34s %10s %10s %8s\n", "", "simulated", "theory", "error");
	printf("    %-34s %10.2f %10.2f %7.1f%%\n", "T, time in system (ms), FCFS", r->t_fcfs,
	       r->t_theory, 100 * (r->t_fcfs - r->t_theory) / r->t_theory);
	printf("    %-34s %10.2f %10.2f %7.1f%%\n", "Wq, wait in queue (ms), FCFS", r->wq_fcfs,
	       r->wq_theory, 100 * (r->wq_fcfs - r->wq_theory) / r->wq_theory);
	printf("    %-34s %10.3f %10.3f %7.1f%%\n", "L, jobs in system, FCFS", r->l_fcfs,
	       r->l_theory, 100 * (r->l_fcfs - r->l_theory) / r->l_theory);
	printf("    %-34s %10.3f %10.3f\n", "utilization", r->util, rho);
	printf("    %-34s %10.2f %10.2f %7.1f%%\n", "T (ms), RR q=1ms (~ proc. sharing)", r->t_rr,
	       r->t_theory, 100 * (r->t_rr - r->t_theory) / r->t_theory);
}

/* ---------------------------------------------------------------- inversion */

/* => H's time blocked on the lock, in ms. */
double
inversion_wait(int nmedium, bool inherit, bool print)
{
	struct trace *tr = trace_inversion(nmedium);
	struct sim s;
	double w;

	run_policy(&s, tr, &pol_keel, print, inherit);
	w = (double)s.jobs[1].lock_wait / MSEC;
	if (print) {
		printf("\n  %d medium job%s, %s inheritance: H waits %.1f ms for the lock\n",
		       nmedium, nmedium == 1 ? "" : "s", inherit ? "with" : "without", w);
		report_gantt(&s, MSEC);
	}
	sim_free(&s);
	trace_free(tr);
	return w;
}

void
section_inversion(bool print, int nk, const int *ks, double *without, double *with)
{
	if (print) {
		printf("\n== Priority inversion (Keel's SCHED_FIFO, inheritance through "
		       "schedq_set_policy)\n");
		printf("L (prio 10) takes a lock at 1 ms for a 4 ms critical section; H (prio 30)\n"
		       "arrives at 2 ms, needs the lock at 3 ms; medium jobs (prio 20, 10 ms each)\n"
		       "arrive at 3 ms.\n");
		inversion_wait(2, false, true);
		inversion_wait(2, true, true);
		printf("\n    %-14s %22s %22s\n", "medium jobs", "H's wait, no inherit.",
		       "with inheritance");
	}
	for (int i = 0; i < nk; i++) {
		without[i] = inversion_wait(ks[i], false, false);
		with[i] = inversion_wait(ks[i], true, false);
		if (print)
			printf("    %-14d %19.1f ms %19.1f ms\n", ks[i], without[i], with[i]);
	}
}

/* ---------------------------------------------------------------- MLFQ */

/* The mix trace under Keel: how the levels of hogs and interactive jobs differ. */
void
section_mlfq_levels(bool print, struct mlfq_levels *r)
{
	struct trace *tr = trace_mix(MIX_SEED);
	struct sim s;

	run_policy(&s, tr, &pol_keel, false, false);
	r->hog_final = 0;
	r->int_mean = 0;
	r->int_max_mean = 0;
	if (print)
		printf("\n  Keel MLFQ on the mix trace: levels (0 top, %d bottom; nice 0 starts at %d)\n"
		       "    %-6s %12s %12s %14s\n", MLFQ_LEVELS - 1, mlfq_home_level(0), "job",
		       "final level", "mean level", "wake->run ms");
	for (int i = 0; i < tr->njobs; i++) {
		const struct job *j = &s.jobs[i];
		double mean = (double)j->level_sum / j->ndispatch;
		bool hog = strncmp(j->spec->name, "hog", 3) == 0;

		if (hog) {
			r->hog_final = MAX(r->hog_final, (int)j->se.level);
		} else {
			r->int_mean += mean / 6;
			r->int_max_mean = fmax(r->int_max_mean, mean);
		}
		if (print)
			printf("    %-6s %12d %12.2f %14.2f\n", j->spec->name, j->se.level, mean,
			       (double)j->wake_lat_sum / j->nwakes / MSEC);
	}
	sim_free(&s);
	trace_free(tr);
}

/* => the gamer's share of the CPU over its lifetime, in percent. */
double
gamer_share(const struct sim_policy *pol, bool print)
{
	struct trace *tr = trace_gamer();
	struct sim s;
	double share;

	run_policy(&s, tr, pol, false, false);
	share = 100.0 * s.jobs[1].cpu / (s.jobs[1].finish - s.jobs[1].spec->arrival);
	if (print)
		printf("    %-22s gamer had %5.1f%% of the CPU while it ran; final level %d\n",
		       pol->name, share, s.jobs[1].se.level);
	sim_free(&s);
	trace_free(tr);
	return share;
}

/* => the hog's longest stretch runnable but not running, in ms. */
double
stream_hog_gap(const struct sim_policy *pol, bool print)
{
	struct trace *tr = trace_stream();
	struct sim s;
	double gap;

	run_policy(&s, tr, pol, false, false);
	gap = (double)s.jobs[0].max_gap / MSEC;
	if (print)
		printf("    %-22s hog's longest wait for the CPU: %7.1f ms\n", pol->name, gap);
	sim_free(&s);
	trace_free(tr);
	return gap;
}
