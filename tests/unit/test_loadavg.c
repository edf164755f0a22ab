// SPDX-License-Identifier: MIT
// The load averages (sched/loadavg.c), driven by simulated 5-second
// samples: they rise towards a steady load at the rates exp(-t/60),
// exp(-t/300) and exp(-t/900) predict, settle exactly on it, and decay to
// 0.00 on an idle machine.
// UNIT_SRCS: kernel/sched/loadavg.c
#include "unit.h"
#include "sched/loadavg.h"

/* ex(x) without libm: a short series for x/1024, then squared ten times. */
static double
ex(double x)
{
	double y = x / 1024, r = 1 + y + y * y / 2 + y * y * y / 6;

	for (int i = 0; i < 10; i++)
		r *= r;
	return r;
}

static double
dabs(double x)
{
	return x < 0 ? -x : x;
}

/* The average as a double, and as /proc/loadavg prints it. */
static double
val(unsigned long avg)
{
	return (double)avg / LOADAVG_ONE;
}

static void
fmt(unsigned long avg, char *buf, size_t n)
{
	unsigned long w, h;

	loadavg_split(avg, &w, &h);
	snprintf(buf, n, "%lu.%02lu", w, h);
}

/* seconds of a steady load of n */
static void
run(struct loadavg *la, unsigned n, int seconds)
{
	for (int t = 0; t < seconds; t += LOADAVG_PERIOD_S)
		loadavg_sample(la, n);
}

TEST(constants_are_exp_of_the_period)
{
	CHECK(dabs(LOADAVG_EXP_1 - LOADAVG_ONE * ex(-5.0 / 60)) < 1);
	CHECK(dabs(LOADAVG_EXP_5 - LOADAVG_ONE * ex(-5.0 / 300)) < 1);
	CHECK(dabs(LOADAVG_EXP_15 - LOADAVG_ONE * ex(-5.0 / 900)) < 1);
}

TEST(idle_machine_reads_zero)
{
	struct loadavg la = { { 0, 0, 0 } };
	char b[16];

	run(&la, 0, 3600);
	fmt(la.avg[0], b, sizeof(b));
	CHECK_STR(b, "0.00");
	CHECK_EQ(la.avg[2], 0);
}

/* One sample of 3 spinning threads already shows: 3 * (1 - exp(-1/12)) = 0.24. */
TEST(first_busy_sample_is_visible)
{
	struct loadavg la = { { 0, 0, 0 } };
	char b[16];

	loadavg_sample(&la, 3);
	fmt(la.avg[0], b, sizeof(b));
	CHECK_STR(b, "0.24");
	CHECK(la.avg[1] > 0 && la.avg[2] > 0);
	CHECK(la.avg[0] > la.avg[1] && la.avg[1] > la.avg[2]);
}

/* After t seconds of load n from zero, each average is n(1 - exp(-t/T)). */
TEST(rise_follows_the_exponential)
{
	struct loadavg la = { { 0, 0, 0 } };
	const double tc[3] = { 60, 300, 900 };

	run(&la, 3, 300);
	for (int i = 0; i < 3; i++) {
		double want = 3 * (1 - ex(-300.0 / tc[i]));

		if (dabs(val(la.avg[i]) - want) > 0.02) {
			printf("  avg[%d] = %.3f, expected %.3f\n", i, val(la.avg[i]), want);
			CHECK(0);
		}
	}
}

TEST(steady_load_settles_exactly)
{
	struct loadavg la = { { 0, 0, 0 } };
	char b[16];

	run(&la, 1, 6 * 3600);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(la.avg[i], LOADAVG_ONE);
	fmt(la.avg[2], b, sizeof(b));
	CHECK_STR(b, "1.00");
	run(&la, 4, 6 * 3600);
	fmt(la.avg[0], b, sizeof(b));
	CHECK_STR(b, "4.00");
}

/* From a steady 2, a minute of idleness leaves 2 exp(-1) = 0.74 in the 1-minute average. */
TEST(decay_after_the_load_goes)
{
	struct loadavg la = { { 0, 0, 0 } };

	run(&la, 2, 6 * 3600);
	run(&la, 0, 60);
	CHECK(dabs(val(la.avg[0]) - 2 * ex(-1.0)) < 0.02);
	CHECK(val(la.avg[1]) > val(la.avg[0]));     /* the longer averages forget slower */
	CHECK(val(la.avg[2]) > val(la.avg[1]));
	run(&la, 0, 3 * 3600);
	CHECK_EQ(la.avg[0], 0);
	CHECK_EQ(la.avg[2], 0);
}

TEST(split_rounds_hundredths)
{
	unsigned long w, h;

	loadavg_split(LOADAVG_ONE * 3 / 2, &w, &h);
	CHECK_EQ(w, 1);
	CHECK_EQ(h, 50);
	loadavg_split(LOADAVG_ONE - 1, &w, &h);     /* 0.9995 shows as 1.00 */
	CHECK_EQ(w, 1);
	CHECK_EQ(h, 0);
}
