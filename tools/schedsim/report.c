// SPDX-License-Identifier: MIT
/*
 * What schedsim prints: per-policy summary rows (mean and 95th percentile
 * of turnaround, response and waiting time, and the latency from each
 * wakeup to running), per-job tables, and Gantt charts.
 *
 *   turnaround  finish - arrival
 *   response    first run - arrival
 *   waiting     time spent ready but not running (in the ready queue)
 *   wake        time from becoming runnable (arrival or end of an I/O)
 *               to running, averaged over every wakeup: what a user at
 *               a keyboard feels
 *   switches    how many times a job was put on the CPU; each would cost a
 *               context switch, which the simulator does not charge
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim.h"

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Mean and nearest-rank 95th percentile of v[0..n), sorting v. */
static void
mean_p95(double *v, int n, double *mean, double *p95)
{
	double sum = 0;

	if (!n) {
		*mean = *p95 = NAN;
		return;
	}
	for (int i = 0; i < n; i++)
		sum += v[i];
	qsort(v, n, sizeof(double), cmp_double);
	*mean = sum / n;
	*p95 = v[(int)ceil(0.95 * n) - 1];
}

void
sim_summarize(const struct sim *s, struct summary *m)
{
	int n = s->tr->njobs, k = 0, w = 0;
	double *turn = calloc(n, sizeof(double)), *resp = calloc(n, sizeof(double));
	double *wait = calloc(n, sizeof(double)), *wake = calloc(n, sizeof(double));

	if (!turn || !resp || !wait || !wake) {
		perror("schedsim");
		exit(2);
	}
	for (int i = 0; i < n; i++) {
		const struct job *j = &s->jobs[i];

		if (j->state != J_DONE)
			continue;
		turn[k] = (double)(j->finish - j->spec->arrival) / MSEC;
		resp[k] = (double)(j->first_run - j->spec->arrival) / MSEC;
		wait[k] = (double)j->wait / MSEC;
		k++;
		if (j->nwakes)
			wake[w++] = (double)j->wake_lat_sum / j->nwakes / MSEC;
	}
	mean_p95(turn, k, &m->turn_mean, &m->turn_p95);
	mean_p95(resp, k, &m->resp_mean, &m->resp_p95);
	mean_p95(wait, k, &m->wait_mean, &m->wait_p95);
	mean_p95(wake, w, &m->wake_mean, &m->wake_p95);
	m->util = s->now ? (double)s->busy / s->now : 0;
	m->switches = s->nswitch;
	free(turn);
	free(resp);
	free(wait);
	free(wake);
}

void
report_header(const struct trace *tr)
{
	printf("\ntrace %s: %s\n", tr->name, tr->about);
	printf("  %-12s %17s %17s %17s %17s\n", "", "turnaround (ms)", "response (ms)",
	       "waiting (ms)", "wake->run (ms)");
	printf("  %-12s %8s %8s %8s %8s %8s %8s %8s %8s %9s\n", "policy", "mean", "p95", "mean",
	       "p95", "mean", "p95", "mean", "p95", "switches");
}

void
report_row(const char *policy, const struct summary *m)
{
	printf("  %-12s %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f %8.2f %8.2f %9llu\n", policy,
	       m->turn_mean, m->turn_p95, m->resp_mean, m->resp_p95, m->wait_mean, m->wait_p95,
	       m->wake_mean, m->wake_p95, (unsigned long long)m->switches);
}

/* One line per job: the numbers a hand execution produces. */
void
report_jobs(const struct sim *s)
{
	double tw = 0;

	printf("    %-6s %7s %7s %7s %7s %10s %7s %8s\n", "job", "arrive", "burst", "start",
	       "finish", "turnaround", "waiting", "response");
	for (int i = 0; i < s->tr->njobs; i++) {
		const struct job *j = &s->jobs[i];

		printf("    %-6s %7.1f %7.1f %7.1f %7.1f %10.1f %7.1f %8.1f\n", j->spec->name,
		       (double)j->spec->arrival / MSEC, (double)trace_cpu_of(j->spec) / MSEC,
		       (double)j->first_run / MSEC, (double)j->finish / MSEC,
		       (double)(j->finish - j->spec->arrival) / MSEC, (double)j->wait / MSEC,
		       (double)(j->first_run - j->spec->arrival) / MSEC);
		tw += (double)j->wait / MSEC;
	}
	printf("    mean waiting time %.2f ms\n", tw / s->tr->njobs);
}

/*
 * A Gantt chart: one character per `unit` of time, the first letter of the
 * job that ran most of it ('.' idle), a time scale, and the stretches.
 */
void
report_gantt(const struct sim *s, uint64_t unit)
{
	int width = (int)((s->now + unit - 1) / unit);
	char *bar = malloc(width + 1), *axis = malloc(width + 8);

	if (!bar || !axis) {
		perror("schedsim");
		exit(2);
	}
	memset(bar, '.', width);
	bar[width] = 0;
	for (int i = 0; i < s->nsegs; i++) {
		const struct seg *g = &s->segs[i];

		for (uint64_t t = g->start; t < g->end; t += unit)
			if (g->job >= 0 && (g->end - t) * 2 >= unit)
				bar[t / unit] = s->tr->jobs[g->job].name[0];
	}
	memset(axis, ' ', width + 7);
	axis[width + 7] = 0;
	for (int t = 0; t <= width; t += 5) {
		char num[8];
		int len = snprintf(num, sizeof(num), "%d", (int)(t * unit / MSEC));

		memcpy(axis + t, num, len);
	}
	for (int i = width + 6; i >= 0 && axis[i] == ' '; i--)
		axis[i] = 0;
	printf("    |%s|\n     %s\n    ", bar, axis);
	for (int i = 0; i < s->nsegs; i++) {
		const struct seg *g = &s->segs[i];

		printf("%s %g-%g%s", g->job < 0 ? "idle" : s->tr->jobs[g->job].name,
		       (double)g->start / MSEC, (double)g->end / MSEC,
		       i + 1 < s->nsegs ? ", " : "\n");
	}
	free(bar);
	free(axis);
}
