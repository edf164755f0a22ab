/* SPDX-License-Identifier: MIT */
/*
 * schedsim's experiments (scenarios.c), shared by the report (main.c) and
 * the checks (checks.c).
 */
#pragma once

#include "sim.h"

#define IO_SEED      1
#define MIX_SEED     2
#define POISSON_SEED 3

/* Enough M/M/1 jobs for the sample mean to settle within a few percent. */
#define MM1_JOBS     200000

/* The worked example's policies: FCFS, SJF, Prio, RR q=4ms, Keel MLFQ. */
#define WORKED_NPOL 5

struct mm1_result {
	double rho, util;
	double t_theory, wq_theory, l_theory;
	double t_fcfs, wq_fcfs, l_fcfs;
	double t_rr;
};

struct mlfq_levels {
	int hog_final;          /* deepest final level of a hog */
	double int_mean;        /* interactive jobs' mean level at dispatch */
	double int_max_mean;    /* the worst interactive job's mean level */
};

void run_policy(struct sim *s, const struct trace *tr, const struct sim_policy *pol, bool gantt,
		bool inherit);
void section_worked(bool print, double mean_waits[WORKED_NPOL]);
int section_table(const struct trace *tr, bool print, struct summary *out, int max);
const char *table_policy_name(int p);
void section_mm1(bool print, int n, double rho, uint64_t seed, struct mm1_result *r);
double inversion_wait(int nmedium, bool inherit, bool print);
void section_inversion(bool print, int nk, const int *ks, double *without, double *with);
void section_mlfq_levels(bool print, struct mlfq_levels *r);
double gamer_share(const struct sim_policy *pol, bool print);
double stream_hog_gap(const struct sim_policy *pol, bool print);
