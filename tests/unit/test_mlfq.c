// SPDX-License-Identifier: MIT
// The scheduling policy (sched/policy.c, mlfq.c, rt.c): MLFQ levels, the
// allotment, boosting, nice, and the real-time classes.  A small driver runs
// tasks one millisecond at a time with a tick every millisecond, as the
// kernel would at keel.hz=1000; parameters are the kernel's, in ms.
// UNIT_SRCS: kernel/sched/policy.c kernel/sched/mlfq.c kernel/sched/rt.c
#include "unit.h"
#include "sched/policy_class.h"
#include "uapi/errno.h"

struct task {
	struct sched_entity se;
	int burst;          /* ms of CPU per wakeup; 0: never blocks */
	int sleep;          /* ms asleep after each burst */
	bool exits;         /* leaves after its first burst */
	int left;           /* CPU left in this burst */
	long wake_at;       /* when it (next) becomes runnable; -1 never */
	bool is_new;        /* its first wakeup is SCHEDQ_NEW */
	long woke;          /* when it last woke, -1 once it has run since */
	long max_latency;   /* longest wait from a wakeup to running */
	long last_run, max_gap;
	long ran;           /* ms of CPU in all */
};

static struct sched_params P;
static struct schedq q;
static long now;
static char trace[4096];     /* one letter per ms: who ran ('.' idle) */

static struct task *
T(struct sched_entity *se)
{
	return container_of(se, struct task, se);
}

/* The kernel's parameters, in milliseconds; a fresh queue at time 0. */
static void
setup(void)
{
	for (int l = 0; l < MLFQ_LEVELS; l++)
		P.quantum[l] = sched_params_default.quantum[l] / 1000000;
	P.boost_period = sched_params_default.boost_period / 1000000;
	P.rr_quantum = sched_params_default.rr_quantum / 1000000;
	P.reset_on_sleep = false;
	schedq_init(&q, &P);
	now = 0;
	memset(trace, 0, sizeof(trace));
}

static void
task_init(struct task *t, int burst, int sleep)
{
	memset(t, 0, sizeof(*t));
	sched_entity_init(&t->se);
	t->burst = burst;
	t->sleep = sleep;
	t->wake_at = 0;
	t->is_new = true;
	t->woke = -1;
	t->last_run = -1;
}

static void
preempt(void)
{
	schedq_put_prev(&q, now, SCHEDQ_PREEMPT);
	schedq_pick_next(&q, now);
}

static void
wake(struct task *t)
{
	t->wake_at = -1;
	t->left = t->burst;
	t->woke = now;
	CHECK_EQ(schedq_enqueue(&q, &t->se, now, t->is_new ? SCHEDQ_NEW : SCHEDQ_WAKEUP), 0);
	t->is_new = false;
	if (schedq_preempt_check(&q))
		preempt();
}

static void
note_run(struct task *t, int idx)
{
	if (t->woke >= 0 && now - t->woke > t->max_latency)
		t->max_latency = now - t->woke;
	t->woke = -1;
	if (t->last_run >= 0 && now - t->last_run > t->max_gap)
		t->max_gap = now - t->last_run;
	t->last_run = now;
	t->ran++;
	if (now < (long)sizeof(trace) - 1)
		trace[now] = 'A' + idx % 26;
}

/* The running task used its burst: it sleeps, or leaves. */
static void
burst_done(struct task *t)
{
	schedq_put_prev(&q, now, SCHEDQ_SLEEP);
	t->wake_at = t->exits ? -1 : now + t->sleep;
}

/* Run the tasks for ms milliseconds. */
static void
run(struct task *ts, int n, long ms)
{
	for (long end = now + ms; now < end;) {
		struct sched_entity *se;

		for (int i = 0; i < n; i++)
			if (ts[i].wake_at == now)
				wake(&ts[i]);
		if (!q.curr)
			schedq_pick_next(&q, now);
		se = q.curr;
		if (se)
			note_run(T(se), (int)(T(se) - ts));
		else if (now < (long)sizeof(trace) - 1)
			trace[now] = '.';
		now++;
		if (se && T(se)->burst && --T(se)->left == 0)
			burst_done(T(se));
		if (schedq_tick(&q, now))
			preempt();
	}
}

TEST(home_level_follows_nice)
{
	CHECK_EQ(mlfq_home_level(0), 4);
	CHECK_EQ(mlfq_home_level(4), 4);
	CHECK_EQ(mlfq_home_level(5), 5);
	CHECK_EQ(mlfq_home_level(-20), 0);
	CHECK_EQ(mlfq_home_level(-1), 3);
	CHECK_EQ(mlfq_home_level(19), 7);
	CHECK_EQ(mlfq_home_level(99), 7);
	CHECK_EQ(mlfq_home_level(-99), 0);
}

TEST(hog_drops_one_level_per_allotment)
{
	struct task h;
	long spent = 0;

	setup();
	task_init(&h, 0, 0);
	run(&h, 1, 1);
	CHECK_EQ(h.se.level, 4);
	for (int l = 4; l < MLFQ_LEVELS - 1; l++) {
		/* One ms short of the allotment: still there. */
		run(&h, 1, (long)P.quantum[l] - 1 - (l == 4 ? 1 : 0));
		CHECK_EQ(h.se.level, l);
		run(&h, 1, 1);
		CHECK_EQ(h.se.level, l + 1);
		spent += P.quantum[l];
	}
	CHECK_EQ(now, spent);
	run(&h, 1, 500);
	CHECK_EQ(h.se.level, MLFQ_LEVELS - 1);
}

/* A task that blocks after 1 ms keeps its level until 4 ms have added up. */
TEST(short_bursts_keep_level_until_the_allotment_adds_up)
{
	struct task t;

	setup();
	task_init(&t, 1, 9);
	run(&t, 1, 30);          /* three bursts, 3 ms at level 4 */
	CHECK_EQ(t.ran, 3);
	CHECK_EQ(t.se.level, 4);
	CHECK_EQ(t.se.used, 3);
	run(&t, 1, 10);          /* the fourth uses the allotment up */
	CHECK_EQ(t.se.level, 5);
	CHECK_EQ(t.se.used, 0);
}

/*
 * An interactive task (1 ms of CPU every 50 ms) next to a CPU hog: the hog
 * sinks to the bottom, the interactive task stays near the top and, once
 * above the hog, runs the moment it wakes.
 */
TEST(interactive_stays_high_while_hog_sinks)
{
	struct task ts[2];

	setup();
	task_init(&ts[0], 0, 0);
	task_init(&ts[1], 1, 49);
	run(ts, 2, 200);
	CHECK_EQ(ts[0].se.level, MLFQ_LEVELS - 1);
	ts[1].max_latency = 0;
	run(ts, 2, 750);         /* before the first boost */
	CHECK_EQ(q.nr_boosts, 0);
	CHECK_EQ(ts[0].se.level, MLFQ_LEVELS - 1);
	CHECK(ts[1].se.level <= mlfq_home_level(0) + 2);
	CHECK_EQ(ts[1].max_latency, 0);
	CHECK(ts[0].ran > 900);
}

/*
 * Gaming: compute 3 ms (just under the 4 ms top quantum), sleep 1 ms, so as
 * never to use a whole quantum.  Under the allotment rule the gamer sinks
 * like the hog beside it; under the old rule it would stay on top and take
 * three quarters of the CPU.
 */
static long
gamer_share(bool reset_on_sleep, int *gamer_level)
{
	struct task ts[2];

	setup();
	P.reset_on_sleep = reset_on_sleep;
	task_init(&ts[0], 0, 0);
	task_init(&ts[1], 3, 1);
	run(ts, 2, 900);
	*gamer_level = ts[1].se.level;
	return ts[1].ran * 100 / 900;
}

TEST(gaming_the_quantum_does_not_pay)
{
	int fair_level, naive_level;
	long fair = gamer_share(false, &fair_level);
	long naive = gamer_share(true, &naive_level);

	printf("  gamer's share: %ld%% with allotment accounting (level %d), "
	       "%ld%% when a sleep resets it (level %d)\n", fair, fair_level, naive, naive_level);
	CHECK(naive >= 70);
	CHECK_EQ(naive_level, 4);
	CHECK(fair <= 55);
	CHECK(fair_level >= MLFQ_LEVELS - 2);
}

/* A task that always blocks between two ticks is still charged. */
TEST(charged_without_ticks)
{
	struct task t;

	setup();
	task_init(&t, 0, 0);
	schedq_enqueue(&q, &t.se, 0, SCHEDQ_NEW);
	for (int i = 0; i < 4; i++) {
		CHECK(schedq_pick_next(&q, 10 * i) == &t.se);
		schedq_put_prev(&q, 10 * i + 1, SCHEDQ_SLEEP);   /* 1 ms, no tick */
		schedq_enqueue(&q, &t.se, 10 * i + 5, SCHEDQ_WAKEUP);
	}
	CHECK_EQ(t.se.sum_exec, 4);
	CHECK_EQ(t.se.level, 5);
}

/*
 * Starvation: new 3 ms jobs arrive every 3 ms and keep the top level busy.
 * Without boosts the hog never runs again once it has sunk; with them it
 * runs at least once per boost period.
 */
#define STREAM_MS 5000
static struct task stream[1 + STREAM_MS / 3];

static long
hog_max_gap(uint64_t boost_period)
{
	int n = 1 + STREAM_MS / 3;

	setup();
	P.boost_period = boost_period;
	task_init(&stream[0], 0, 0);
	for (int i = 1; i < n; i++) {
		task_init(&stream[i], 3, 0);
		stream[i].exits = true;
		stream[i].wake_at = 3 * (i - 1);
	}
	run(stream, n, STREAM_MS);
	/* A gap still open at the end counts too. */
	return MAX(stream[0].max_gap, now - stream[0].last_run);
}

TEST(boost_prevents_starvation)
{
	long without = hog_max_gap(0);
	long with = hog_max_gap(1000);

	printf("  hog's longest wait: %ld ms without boosts, %ld ms with a 1000 ms boost\n",
	       without, with);
	CHECK(without >= STREAM_MS - 100);
	CHECK(with <= 1000 + 20);
}

TEST(boost_sends_sleepers_home_when_they_wake)
{
	struct task a, b;

	setup();
	task_init(&a, 0, 0);
	task_init(&b, 0, 0);
	run(&a, 1, 300);
	CHECK_EQ(a.se.level, MLFQ_LEVELS - 1);
	schedq_put_prev(&q, now, SCHEDQ_SLEEP);      /* a sleeps across a boost */
	a.wake_at = -1;
	b.wake_at = now;
	run(&b, 1, 702);
	CHECK_EQ(q.nr_boosts, 1);                    /* at 1000 ms */
	CHECK_EQ(b.se.level, 4);
	CHECK_EQ(b.se.used, 2);
	CHECK_EQ(a.se.level, MLFQ_LEVELS - 1);       /* not yet: it is asleep */
	schedq_enqueue(&q, &a.se, now, SCHEDQ_WAKEUP);
	CHECK_EQ(a.se.level, 4);
	CHECK_EQ(a.se.used, 0);
}

TEST(preempted_task_resumes_first_among_equals)
{
	struct task a, b, c;

	setup();
	task_init(&a, 0, 0);
	task_init(&b, 0, 0);
	task_init(&c, 0, 0);
	schedq_set_nice(NULL, &c.se, -20);
	schedq_enqueue(&q, &a.se, 0, SCHEDQ_NEW);
	schedq_enqueue(&q, &b.se, 0, SCHEDQ_NEW);
	CHECK(schedq_pick_next(&q, 0) == &a.se);
	CHECK(!schedq_tick(&q, 1));
	schedq_enqueue(&q, &c.se, 2, SCHEDQ_NEW);    /* level 0 beats level 4 */
	CHECK(schedq_preempt_check(&q));
	schedq_put_prev(&q, 2, SCHEDQ_PREEMPT);
	CHECK(schedq_pick_next(&q, 2) == &c.se);
	schedq_put_prev(&q, 3, SCHEDQ_SLEEP);
	CHECK(schedq_pick_next(&q, 3) == &a.se);     /* a before b */
	CHECK(schedq_tick(&q, 5));                   /* a's 4 ms are up */
	schedq_put_prev(&q, 5, SCHEDQ_PREEMPT);
	CHECK(schedq_pick_next(&q, 5) == &b.se);     /* a went to the tail */
	CHECK_EQ(a.se.level, 5);
}

/*
 * A spinner that yields to the holder of its lock: the holder has sunk to
 * a lower level, and the yield must still let it run, once.
 */
TEST(yield_lets_a_lower_level_task_run_once)
{
	struct task hi, lo, other;

	setup();
	task_init(&hi, 0, 0);
	task_init(&lo, 0, 0);
	task_init(&other, 0, 0);
	lo.se.level = 8;
	schedq_enqueue(&q, &hi.se, 0, SCHEDQ_NEW);
	schedq_enqueue(&q, &lo.se, 0, SCHEDQ_WAKEUP);
	CHECK(schedq_pick_next(&q, 0) == &hi.se);
	schedq_yield(&q, 1);
	CHECK(schedq_pick_next(&q, 1) == &lo.se);    /* passed over */
	CHECK(hi.se.level < lo.se.level);
	schedq_put_prev(&q, 2, SCHEDQ_PREEMPT);
	CHECK(schedq_pick_next(&q, 2) == &hi.se);    /* once only */
	schedq_enqueue(&q, &other.se, 3, SCHEDQ_NEW); /* same level as hi */
	schedq_yield(&q, 3);
	CHECK(schedq_pick_next(&q, 3) == &other.se); /* its own level first */
	schedq_put_prev(&q, 4, SCHEDQ_SLEEP);
	schedq_dequeue(&q, &lo.se);
	CHECK(schedq_pick_next(&q, 4) == &hi.se);
	schedq_yield(&q, 5);                         /* alone: runs on */
	CHECK(schedq_pick_next(&q, 5) == &hi.se);
}

TEST(nice_moves_the_level_with_home)
{
	struct task t;

	setup();
	task_init(&t, 0, 0);
	run(&t, 1, 4 + 8);
	CHECK_EQ(t.se.level, 6);
	schedq_set_nice(&q, &t.se, 10);              /* home 4 -> 6, still two below */
	CHECK_EQ(t.se.level, 8);
	schedq_set_nice(&q, &t.se, -20);
	CHECK_EQ(t.se.level, 2);
	schedq_set_nice(&q, &t.se, 50);
	CHECK_EQ(t.se.nice, 19);
	CHECK_EQ(t.se.level, 9);
}

TEST(bad_calls_get_errors)
{
	struct task t, u;

	setup();
	task_init(&t, 0, 0);
	task_init(&u, 0, 0);
	CHECK_EQ(schedq_dequeue(&q, &t.se), -ENOENT);
	CHECK_EQ(schedq_enqueue(&q, &t.se, 0, SCHEDQ_NEW), 0);
	CHECK_EQ(schedq_enqueue(&q, &t.se, 0, SCHEDQ_NEW), -EBUSY);
	CHECK(schedq_pick_next(&q, 0) == &t.se);
	CHECK_EQ(schedq_enqueue(&q, &t.se, 0, SCHEDQ_WAKEUP), -EBUSY);
	CHECK_EQ(schedq_dequeue(&q, &t.se), -EBUSY);
	CHECK_EQ(schedq_set_policy(&q, &u.se, SCHED_POLICY_FIFO, 0), -EINVAL);
	CHECK_EQ(schedq_set_policy(&q, &u.se, SCHED_POLICY_RR, 100), -EINVAL);
	CHECK_EQ(schedq_set_policy(&q, &u.se, SCHED_POLICY_NORMAL, 3), -EINVAL);
	CHECK_EQ(schedq_set_policy(&q, &u.se, 7, 0), -EINVAL);
	CHECK_EQ(u.se.policy, SCHED_POLICY_NORMAL);
	CHECK_EQ(schedq_enqueue(&q, &u.se, 1, SCHEDQ_NEW), 0);
	CHECK_EQ(schedq_dequeue(&q, &u.se), 0);
	CHECK_EQ(schedq_nr_queued(&q), 0);
	/* Picking without putting the running task back keeps it, preempted. */
	CHECK(schedq_pick_next(&q, 2) == &t.se);
}

TEST(fifo_runs_before_every_normal_task_until_it_yields)
{
	struct task ts[4];

	setup();
	for (int i = 0; i < 4; i++)
		task_init(&ts[i], 0, 0);
	schedq_set_nice(NULL, &ts[0].se, -20);       /* the best normal level */
	schedq_set_policy(NULL, &ts[2].se, SCHED_POLICY_FIFO, 1);
	schedq_set_policy(NULL, &ts[3].se, SCHED_POLICY_FIFO, 1);
	run(ts, 4, 1000);
	/* The first FIFO task ran all along: ticks never take it off. */
	CHECK_EQ(ts[2].ran, 1000);
	CHECK_EQ(ts[0].ran + ts[1].ran + ts[3].ran, 0);
	CHECK(!schedq_preempt_check(&q));            /* an equal FIFO task waits */
	CHECK(!schedq_tick(&q, now + 500));
	schedq_yield(&q, now);
	CHECK(schedq_pick_next(&q, now) == &ts[3].se);
	schedq_put_prev(&q, now, SCHEDQ_SLEEP);
	schedq_put_prev(&q, now, SCHEDQ_SLEEP);
	CHECK(schedq_pick_next(&q, now) == &ts[2].se);
	schedq_put_prev(&q, now, SCHEDQ_SLEEP);
	CHECK(schedq_pick_next(&q, now) == &ts[0].se);
	/* A real-time wakeup preempts a normal task. */
	schedq_enqueue(&q, &ts[3].se, now, SCHEDQ_WAKEUP);
	CHECK(schedq_preempt_check(&q));
}

TEST(higher_rt_priority_preempts_and_the_preempted_resumes_first)
{
	struct task a, b, c;

	setup();
	task_init(&a, 0, 0);
	task_init(&b, 0, 0);
	task_init(&c, 0, 0);
	schedq_set_policy(NULL, &a.se, SCHED_POLICY_FIFO, 10);
	schedq_set_policy(NULL, &b.se, SCHED_POLICY_FIFO, 10);
	schedq_set_policy(NULL, &c.se, SCHED_POLICY_FIFO, 99);
	schedq_enqueue(&q, &a.se, 0, SCHEDQ_NEW);
	schedq_enqueue(&q, &b.se, 0, SCHEDQ_NEW);
	CHECK(schedq_pick_next(&q, 0) == &a.se);
	schedq_enqueue(&q, &c.se, 5, SCHEDQ_WAKEUP);
	CHECK(schedq_preempt_check(&q));
	schedq_put_prev(&q, 5, SCHEDQ_PREEMPT);
	CHECK(schedq_pick_next(&q, 5) == &c.se);
	CHECK(!schedq_preempt_check(&q));
	schedq_put_prev(&q, 6, SCHEDQ_SLEEP);
	CHECK(schedq_pick_next(&q, 6) == &a.se);
	CHECK_EQ(rt_best_prio(&q), 10);
}

/* Three RR tasks of one priority take 100 ms turns; a lower one waits. */
TEST(rr_rotates_among_equal_priorities)
{
	struct task ts[4];

	setup();
	for (int i = 0; i < 4; i++) {
		task_init(&ts[i], 0, 0);
		schedq_set_policy(NULL, &ts[i].se, SCHED_POLICY_RR, i < 3 ? 50 : 49);
	}
	run(ts, 4, 600);
	for (int i = 0; i < 600; i++)
		CHECK_EQ(trace[i], "ABC"[(i / 100) % 3]);
	CHECK_EQ(ts[3].ran, 0);
	CHECK_EQ(ts[0].ran, 200);
}

/* Priority inheritance through set_policy: a lent priority, then returned. */
TEST(lent_rt_priority_keeps_the_normal_level)
{
	struct task l, m;

	setup();
	task_init(&l, 0, 0);
	task_init(&m, 0, 0);
	run(&l, 1, 16);
	CHECK_EQ(l.se.level, 6);
	schedq_enqueue(&q, &m.se, now, SCHEDQ_NEW);
	CHECK(schedq_preempt_check(&q));             /* level 4 beats level 6 */
	schedq_set_policy(&q, &l.se, SCHED_POLICY_FIFO, 50);
	CHECK(!schedq_preempt_check(&q));
	schedq_set_policy(&q, &l.se, SCHED_POLICY_NORMAL, 0);
	CHECK_EQ(l.se.level, 6);
	CHECK(schedq_preempt_check(&q));
}
