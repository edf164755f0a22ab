// SPDX-License-Identifier: MIT
/*
 * schedsim --check: what the simulator must show, asserted.  Each check
 * prints "PASS schedsim/<name> (numbers)" or "FAIL ...", and each compares
 * against a number worked out independently of the engine (by hand, by
 * enumeration, by queueing theory) or against another policy, so a broken
 * engine or policy fails rather than agreeing with itself.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "sim.h"
#include "scenarios.h"
#include "checks.h"

static int nfail;

static void __printf(3, 4)
result(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("%s schedsim/%s (", ok ? "PASS" : "FAIL", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(")\n");
	nfail += !ok;
}

/* Mean waiting times worked out on paper for the worked example. */
static void
check_hand_execution(void)
{
	static const double expect[] = { 8.75, 7.75, 6.5, 11.75 };   /* FCFS SJF Prio RR4 */
	double w[WORKED_NPOL];
	bool ok = true;

	section_worked(false, w);
	for (int p = 0; p < 4; p++)
		ok &= fabs(w[p] - expect[p]) < 1e-9;
	result(ok, "hand_execution_matches_worked_example",
	       "mean wait FCFS %.2f SJF %.2f Prio %.2f RR4 %.2f; by hand 8.75 7.75 6.50 11.75",
	       w[0], w[1], w[2], w[3]);
}

/* The least total wait over every order of the batch (all there at 0). */
static uint64_t
best_order_wait(const uint64_t *burst, int n, int k, uint64_t elapsed, unsigned used)
{
	uint64_t best = UINT64_MAX;

	if (k == n)
		return 0;
	for (int i = 0; i < n; i++) {
		if (used & (1u << i))
			continue;
		uint64_t w = elapsed + best_order_wait(burst, n, k + 1, elapsed + burst[i],
						       used | (1u << i));
		best = MIN(best, w);
	}
	return best;
}

/* SJF's mean wait is the least of any non-preemptive order. */
static void
check_sjf_optimal(void)
{
	struct trace *tr = trace_batch();
	struct summary m[16];
	uint64_t burst[16];
	double best;

	section_table(tr, false, m, 16);
	for (int i = 0; i < tr->njobs; i++)
		burst[i] = trace_cpu_of(&tr->jobs[i]);
	best = (double)best_order_wait(burst, tr->njobs, 0, 0, 0) / tr->njobs / MSEC;
	/* table order: FCFS, SJF, Prio-NP, ... */
	result(fabs(m[1].wait_mean - best) < 1e-6 && m[1].wait_mean < m[0].wait_mean &&
	       m[1].wait_mean <= m[2].wait_mean, "sjf_minimizes_mean_wait_batch",
	       "SJF %.2f ms, best of all %d! orders %.2f, FCFS %.2f, Prio-NP %.2f",
	       m[1].wait_mean, tr->njobs, best, m[0].wait_mean, m[2].wait_mean);
	trace_free(tr);
}

static void
check_rr_response(void)
{
	struct trace *tr = trace_mix(MIX_SEED);
	struct summary m[16];
	bool ok = true;

	section_table(tr, false, m, 16);
	for (int p = 4; p < 8; p++)          /* the RR rows */
		ok &= m[p].resp_mean < m[0].resp_mean;
	result(ok, "rr_response_beats_fcfs_mix",
	       "mean response FCFS %.1f ms; RR q=1,5,20,100 ms: %.1f %.1f %.1f %.1f",
	       m[0].resp_mean, m[4].resp_mean, m[5].resp_mean, m[6].resp_mean, m[7].resp_mean);
	trace_free(tr);
}

static void
check_mlfq(void)
{
	struct mlfq_levels lv;
	int home = mlfq_home_level(0);
	double keel, naive, gap, gap_nb;

	section_mlfq_levels(false, &lv);
	result(lv.hog_final == MLFQ_LEVELS - 1 && lv.int_max_mean <= home + 2,
	       "mlfq_demotes_hog_keeps_interactive_high",
	       "hogs end at level %d; interactive jobs run at level %.2f on average, worst %.2f; "
	       "home %d", lv.hog_final, lv.int_mean, lv.int_max_mean, home);

	keel = gamer_share(&pol_keel, false);
	naive = gamer_share(&pol_keel_naive, false);
	result(keel <= 55 && naive >= 90, "mlfq_gaming_does_not_pay",
	       "gamer's CPU share %.1f%% with allotment accounting, %.1f%% if a sleep resets it",
	       keel, naive);

	gap = stream_hog_gap(&pol_keel, false);
	gap_nb = stream_hog_gap(&pol_keel_noboost, false);
	result(gap <= 1000 + 20 && gap_nb >= 4000, "mlfq_boost_prevents_starvation",
	       "hog's longest wait %.0f ms with a 1000 ms boost, %.0f ms without", gap, gap_nb);
}

/* Real time: FIFO first always, RR jobs of one priority in turn. */
static void
check_rt(void)
{
	struct trace *tr = trace_rt();
	struct sim s;
	uint64_t rt_end = 0, normal_start = UINT64_MAX, turn = 0;
	char order[32] = "", *o = order;
	bool turns_ok = true;
	int last = -1;

	run_policy(&s, tr, &pol_keel, true, false);
	for (int i = 0; i < tr->njobs; i++) {
		if (tr->jobs[i].policy == SCHED_POLICY_NORMAL)
			normal_start = MIN(normal_start, s.jobs[i].first_run);
		else
			rt_end = MAX(rt_end, s.jobs[i].finish);
	}
	result(s.jobs[5].wake_lat_max == 0 && normal_start >= rt_end && !s.stuck,
	       "rt_fifo_always_picked_over_normal",
	       "FIFO job's longest wake-to-run %.1f ms; normal jobs first ran at %.0f ms, "
	       "real-time work ended at %.0f ms", (double)s.jobs[5].wake_lat_max / MSEC,
	       (double)normal_start / MSEC, (double)rt_end / MSEC);

	/* The RR jobs' turns, FIFO interruptions left out: R1 R2 R3 R1 ..., 100 ms each. */
	for (int i = 0; i < s.nsegs; i++) {
		int j = s.segs[i].job;

		if (j < 2 || j > 4)
			continue;
		if (j != last) {
			turns_ok &= last < 0 || turn == 100 * MSEC;
			if (o < order + sizeof(order) - 1)
				*o++ = '1' + (j - 2);
			turn = 0;
			last = j;
		}
		turn += s.segs[i].end - s.segs[i].start;
	}
	*o = 0;
	result(turns_ok && turn == 100 * MSEC && strcmp(order, "123123123") == 0,
	       "rt_rr_rotates_equal_priorities", "turn order R%s, 100 ms turns: %s", order,
	       turns_ok ? "yes" : "no");
	sim_free(&s);
	trace_free(tr);
}

static bool
within(double sim, double theory, double tol)
{
	return fabs(sim - theory) <= tol * theory;
}

/*
 * Queueing theory.  Over seeds, the simulated T and L stray up to about
 * 2.5% from theory at these sizes and Wq up to 3.5%; the tolerances leave
 * twice that.
 */
static void
check_mm1(void)
{
	static const double rhos[] = { 0.5, 0.7 };

	for (int i = 0; i < 2; i++) {
		struct mm1_result r;
		char name[48];

		section_mm1(false, MM1_JOBS, rhos[i], POISSON_SEED + i, &r);
		snprintf(name, sizeof(name), "mm1_matches_theory_rho_%.1f", rhos[i]);
		result(within(r.t_fcfs, r.t_theory, 0.05) && within(r.l_fcfs, r.l_theory, 0.05) &&
		       within(r.wq_fcfs, r.wq_theory, 0.08) && within(r.t_rr, r.t_theory, 0.05),
		       name, "T %.2f vs 1/(mu-lambda) = %.2f ms; L %.3f vs %.3f; Wq %.2f vs %.2f; "
		       "RR (processor sharing) T %.2f", r.t_fcfs, r.t_theory, r.l_fcfs, r.l_theory,
		       r.wq_fcfs, r.wq_theory, r.t_rr);
	}
}

/* Without inheritance H's wait grows with the medium work; with it, it is bounded. */
static void
check_inversion(void)
{
	static const int ks[] = { 1, 2, 4, 8 };
	double without[4], with[4];
	bool bounded = true, grows = true;

	section_inversion(false, 4, ks, without, with);
	for (int i = 0; i < 4; i++) {
		bounded &= with[i] <= 4.0;         /* L's whole critical section */
		grows &= without[i] >= 10.0 * ks[i] && (i == 0 || without[i] > without[i - 1]);
	}
	result(bounded && grows, "inversion_bounded_only_with_inheritance",
	       "H waits %.0f/%.0f/%.0f/%.0f ms behind 1/2/4/8 medium jobs without inheritance, "
	       "%.0f/%.0f/%.0f/%.0f ms with", without[0], without[1], without[2], without[3],
	       with[0], with[1], with[2], with[3]);
}

/* The engine loses no work: every job ends, with exactly the CPU time it asked for. */
static void
check_conservation(void)
{
	struct trace *tr[] = { trace_batch(), trace_cpu(), trace_io(IO_SEED), trace_mix(MIX_SEED),
			       trace_poisson(2000, 12.5, 10, POISSON_SEED), trace_inversion(3) };
	const struct sim_policy *pols[] = { &pol_fcfs, &pol_sjf, &pol_prio, &pol_prio_np,
					    &pol_rr[0], &pol_rr[3], &pol_keel };
	int runs = 0, bad = 0;

	for (unsigned t = 0; t < ARRAY_SIZE(tr); t++) {
		for (unsigned p = 0; p < ARRAY_SIZE(pols); p++) {
			struct sim s;

			run_policy(&s, tr[t], pols[p], false, true);
			for (int i = 0; i < tr[t]->njobs; i++)
				bad += s.jobs[i].state != J_DONE ||
				       s.jobs[i].cpu != trace_cpu_of(&tr[t]->jobs[i]);
			bad += s.stuck;
			runs++;
			sim_free(&s);
		}
		trace_free(tr[t]);
	}
	result(!bad, "engine_conserves_work", "%d runs, %d jobs short or stuck", runs, bad);
}

bool
checks_run(void)
{
	check_hand_execution();
	check_sjf_optimal();
	check_rr_response();
	check_mlfq();
	check_rt();
	check_mm1();
	check_inversion();
	check_conservation();
	return nfail == 0;
}
