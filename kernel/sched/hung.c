// SPDX-License-Identifier: MIT
/*
 * Two watches for a kernel that has stopped making progress, so that a
 * machine that merely goes quiet says who is stuck and where.
 *
 * The hung-task detector: a kernel thread that looks, every few seconds,
 * for threads of processes stuck in an uninterruptible sleep, and puts each
 * one's name and kernel backtrace on the console, once.  An uninterruptible
 * sleep waits for something the kernel promised will happen: a disk write
 * to finish, a lock to be released.  If the promise is broken, the thread
 * sleeps forever and no signal can free it.  Linux's khungtaskd does the
 * same, with the same knob: /proc/sys/kernel/hung_task_timeout_secs, 120
 * seconds by default, 0 to stop looking.  A thread that is T_BLOCKED at two
 * looks at least the timeout apart, and was not switched in between (its
 * nr_switches did not move), has slept that long.  Kernel threads that
 * wait for work (the reaper, the flusher) sleep the same way while they
 * have nothing to do, so only threads of processes are judged, as Linux
 * leaves out its idle kernel threads, and kernel threads that ask for it
 * (hung_watch): the kernel's test runner does, so that a test stuck on
 * the disk names the wait instead of leaving a silent machine.  A blocked thread's registers are on
 * its own stack, where context_switch left them, rbp and the return
 * address among them, so its frame-pointer chain can be walked from there,
 * staying inside its stack.  The looks run under the thread list's lock,
 * so no thread is freed while it is being read.
 *
 * The soft-lockup watch: the tick checks the CPU it interrupts.  The same
 * thread, found in kernel mode by every tick for 20 seconds without once
 * being switched out, is looping where it should not (with interrupts on,
 * or the tick would not come: a loop with them off needs an NMI watchdog,
 * which Keel does not have).  Linux prints "BUG: soft lockup" after the
 * same 20 seconds; Keel prints that, the place the tick found, and the
 * frames above it.
 */
#include "sched/internal.h"
#include "sched/hung.h"
#include "core/panic.h"
#include "core/printk.h"
#include "sched/timer.h"
#include "sync/mutex.h"
#include "sync/waitqueue.h"

#define NS_PER_SEC 1000000000ull

unsigned hung_task_timeout_s = 120;

/*
 * The detector sleeps here; setting the timeout wakes it to look again.  A
 * wake-up that comes just before it sleeps is lost, and costs only a wait
 * for the next look.
 */
static struct waitq hung_wq = WAITQ_INIT(hung_wq);

/* context_switch's frame: r15 r14 r13 r12 rbx rbp, then the return address. */
#define SWITCH_FRAME_RBP 5
#define SWITCH_FRAME_RET 6

/* t's frames, read only inside its own stack. */
static unsigned
stack_frames(const struct thread *t, uint64_t rbp, uint64_t *ret, unsigned max)
{
	return backtrace_collect(rbp, (uint64_t)t->kstack, t->kstack_top, ret, max);
}

unsigned
hung_backtrace(const struct thread *t, uint64_t *ret, unsigned max)
{
	uint64_t sp = READ_ONCE(t->ksp), lo = (uint64_t)t->kstack;

	if (READ_ONCE(t->on_cpu) || max == 0 || (sp & 7) || sp < lo ||
	    sp + 8 * (SWITCH_FRAME_RET + 1) > t->kstack_top)
		return 0;
	ret[0] = ((const uint64_t *)sp)[SWITCH_FRAME_RET];
	return 1 + stack_frames(t, ((const uint64_t *)sp)[SWITCH_FRAME_RBP], ret + 1, max - 1);
}

/* One line per frame; each address names the call it returns from. */
static void
print_frames(const uint64_t *ret, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint64_t off = 0;
		const char *name = ksym_lookup(ret[i] - 1, &off);

		printk(KERN_ERR "  [<%016llx>] %s+0x%llx\n", (unsigned long long)ret[i],
		       name ? name : "?", (unsigned long long)off + 1);
	}
}

/*
 * A thread asleep on a mutex waits for its owner, who is the one to look
 * at (often a kernel thread, which is not judged itself): name it and show
 * its frames too.  Read without pi_lock, as a snapshot: the thread list's
 * lock, held by the caller, keeps the owner from being freed meanwhile.
 */
const struct thread *
hung_mutex_owner(const struct thread *t, struct mutex **m)
{
	*m = READ_ONCE(t->sync.blocked_on);
	return *m ? READ_ONCE((*m)->owner) : NULL;
}

static void
report_owner(const struct thread *t)
{
	struct mutex *m;
	const struct thread *o = hung_mutex_owner(t, &m);
	uint64_t ret[16];
	unsigned n;

	if (!o)
		return;
	n = hung_backtrace(o, ret, 16);
	printk(KERN_ERR "  waiting for mutex %s, held by %s:%d (%s)\n", m->name, o->name, o->tid,
	       READ_ONCE(o->on_cpu) ? "on a CPU" :
	       READ_ONCE(o->state) == T_RUNNABLE ? "runnable, not running" : "asleep");
	print_frames(ret, n);
}

static void
report(const struct thread *t, uint64_t slept_ns)
{
	uint64_t ret[16];
	unsigned n = hung_backtrace(t, ret, 16);

	printk(KERN_ERR "INFO: task %s:%d blocked for more than %llu seconds\n", t->name, t->tid,
	       (unsigned long long)(slept_ns / NS_PER_SEC));
	print_frames(ret, n);
	report_owner(t);
}

bool
hung_judge(struct thread *t, uint64_t now_ns, uint64_t timeout_ns)
{
	uint64_t switches = READ_ONCE(t->nr_switches);

	if (READ_ONCE(t->state) != T_BLOCKED || switches != t->hung_switches) {
		t->hung_switches = switches;
		t->hung_since_ns = now_ns;
		t->hung_reported = false;
		return false;
	}
	if (t->hung_reported || now_ns - t->hung_since_ns < timeout_ns)
		return false;
	t->hung_reported = true;
	report(t, now_ns - t->hung_since_ns);
	return true;
}

struct look {
	uint64_t now_ns, timeout_ns;
};

bool
hung_watched(const struct thread *t)
{
	return t->proc || READ_ONCE(t->hung_watch);
}

static void
judge_process_thread(struct thread *t, void *arg)
{
	const struct look *l = arg;

	if (hung_watched(t))
		hung_judge(t, l->now_ns, l->timeout_ns);
}

/* Look often enough that a stuck thread is named soon after the timeout. */
static uint64_t
look_interval_ns(unsigned timeout_s)
{
	if (timeout_s == 0)
		return 10 * NS_PER_SEC;         /* off: only a change of the knob matters */
	return (timeout_s < 4 ? 1 : MIN(timeout_s / 4, 30u)) * NS_PER_SEC;
}

static void
detector(void *unused)
{
	for (;;) {
		unsigned timeout_s = READ_ONCE(hung_task_timeout_s);

		waitq_sleep(&hung_wq, NULL, look_interval_ns(timeout_s), false);
		timeout_s = READ_ONCE(hung_task_timeout_s);
		if (timeout_s) {
			struct look l = { time_ns(), timeout_s * NS_PER_SEC };

			thread_for_each(judge_process_thread, &l);
		}
	}
}

void
hung_task_set_timeout(unsigned seconds)
{
	WRITE_ONCE(hung_task_timeout_s, seconds);
	waitq_wake_all(&hung_wq);
}

void
hung_task_start(void)
{
	if (!thread_create_detached(detector, NULL, "khungtaskd"))
		pr_warn("hung: cannot start the detector; stuck threads will go unreported\n");
}

/* ------------------------------------------------------------ soft lockups */

#define SOFTLOCKUP_NS (20 * NS_PER_SEC)

static struct lockup_watch watches[CPU_MAX];   /* [c] each CPU's tick, its own */

bool
softlockup_judge(struct lockup_watch *w, struct thread *t, bool in_kernel, uint64_t now_ns,
		 uint64_t thresh_ns)
{
	uint64_t switches = READ_ONCE(t->nr_switches);

	if (!in_kernel || t != w->t || switches != w->switches) {
		*w = (struct lockup_watch){ t, switches, now_ns, false };
		return false;
	}
	if (w->reported || now_ns - w->since_ns < thresh_ns)
		return false;
	w->reported = true;
	return true;
}

void
softlockup_tick(bool user, uint64_t pc, uint64_t fp)
{
	struct cpu *c = this_cpu();
	struct thread *t = c->current;
	struct lockup_watch *w = &watches[c->id];
	uint64_t ret[16], off = 0;
	const char *name;
	unsigned n;

	if (!softlockup_judge(w, t, !user && t != c->idle, time_ns(), SOFTLOCKUP_NS))
		return;
	name = ksym_lookup(pc, &off);
	printk(KERN_ERR "BUG: soft lockup - CPU#%u stuck for %llus! [%s:%d] at %s+0x%llx\n", c->id,
	       (unsigned long long)((time_ns() - w->since_ns) / NS_PER_SEC), t->name, t->tid,
	       name ? name : "?", (unsigned long long)off);
	n = stack_frames(t, fp, ret, 16);
	print_frames(ret, n);
}
