// SPDX-License-Identifier: MIT
/*
 * Thread life cycle: creation, the first run, exit, join and reaping.
 *
 * A new thread's stack is built to look as if it had called
 * context_switch() itself: six saved registers and a return address pointing
 * at thread_entry_asm, which calls thread_start(arg, fn).  So the first switch
 * to it needs no special case.
 *
 * A thread cannot free the stack it is running on.  An exiting thread marks
 * itself DEAD and switches away for good.  Only when the next thread on that
 * CPU is running, and the dead one's stack is certainly idle, is its death
 * announced (sched_post_switch): its joiner wakes and frees it, or, for a
 * detached thread, the idle loop's reaper does.
 */
#include "sched/sched.h"
#include "sched/internal.h"
#include "arch/arch.h"
#include "core/panic.h"
#include "lib/string.h"
#include "mm/kmap.h"
#include "mm/slab.h"

extern char bsp_stack[], bsp_stack_top[];
void thread_entry_asm(void);

/*
 * Protects the all-threads list, tid allocation, the dead list and the
 * hung detector's fields of each thread.  A leaf but for the console lock
 * (the hung detector prints while it holds it).
 */
static struct spinlock all_lock = SPINLOCK_INIT("threads");
static struct list_node all_threads = LIST_INIT(all_threads);   /* [all_lock] */
static struct list_node dead_threads = LIST_INIT(dead_threads); /* [all_lock] */
static int next_tid = 1;                                        /* [all_lock] */
/* Protects every thread's `gone` flag, for thread_join().  Leaf. */
static struct spinlock join_lock = SPINLOCK_INIT("join");
static unsigned nthreads;                                       /* [all_lock] */
static struct thread boot_threads[CPU_MAX];
static struct waitq reaper_wq = WAITQ_INIT(reaper_wq);

unsigned
sched_nr_threads(void)
{
	return nthreads;
}

int
sched_last_tid(void)
{
	return READ_ONCE(next_tid) - 1;
}

static void
thread_register(struct thread *t, bool with_tid)
{
	spin_lock(&all_lock);
	if (with_tid)
		t->tid = next_tid++;
	list_push_back(&all_threads, &t->all_node);
	nthreads++;
	spin_unlock(&all_lock);
}

struct thread *
thread_adopt_boot_context(unsigned cpu, void *stack)
{
	struct thread *t = &boot_threads[cpu];

	memset(t, 0, sizeof(*t));
	list_init(&t->rq_node);
	waitq_init(&t->join_wq);
	t->tid = 0;
	t->state = T_RUNNABLE;
	t->on_cpu = true;
	t->on_rq = true;
	t->cpu = cpu;
	sched_fork_params(t, NULL);
	sync_task_init(&t->sync, t);
	strlcpy(t->name, "idle", sizeof(t->name));
	t->kstack = stack ? stack : bsp_stack;
	t->kstack_top = stack ? (uint64_t)stack + KSTACK_SIZE : (uint64_t)bsp_stack_top;
	thread_register(t, false);
	return t;
}

/* The C side of a new thread's first instructions. */
__noreturn void thread_entry(void *arg, void (*fn)(void *));
void
thread_entry(void *arg, void (*fn)(void *))
{
	/* We arrive holding the run-queue lock that __schedule() took. */
	sched_finish_switch();
	spin_unlock(&this_cpu()->rq->lock);
	arch_irq_enable();
	sched_post_switch();
	fn(arg);
	thread_exit(0);
}

static void thread_free(struct thread *t);

static struct thread *
thread_new(void (*fn)(void *), void *arg, const char *name, bool detached)
{
	struct thread *t = kzalloc(sizeof(*t));
	uint64_t *sp;

	if (!t)
		return NULL;
	t->kstack = kstack_alloc();
	if (!t->kstack) {
		kfree(t);
		return NULL;
	}
	t->kstack_top = (uint64_t)t->kstack + KSTACK_SIZE;
	strlcpy(t->name, name, sizeof(t->name));
	list_init(&t->rq_node);
	waitq_init(&t->join_wq);
	t->fn = fn;
	t->arg = arg;
	t->detached = detached;
	t->state = T_RUNNABLE;
	t->cpu = this_cpu()->id;
	sync_task_init(&t->sync, t);
	sched_fork_params(t, current());

	/*
	 * The frame context_switch() pops: r15 r14 r13 r12 rbx rbp, then ret.
	 * It sits below the space a user thread's trap frame takes at the top.
	 */
	sp = (uint64_t *)(t->kstack_top - TRAP_FRAME_SPACE);
	/* After the ret, rsp is 16-byte aligned, as the call it makes needs. */
	*--sp = (uint64_t)thread_entry_asm;
	*--sp = 0;                              /* rbp */
	*--sp = 0;                              /* rbx */
	*--sp = (uint64_t)fn;                   /* r12 */
	*--sp = (uint64_t)arg;                  /* r13 */
	*--sp = 0;                              /* r14 */
	*--sp = 0;                              /* r15 */
	t->ksp = (uint64_t)sp;
	thread_register(t, true);
	return t;
}

struct thread *
thread_prepare(void (*fn)(void *), void *arg, const char *name, bool detached)
{
	return thread_new(fn, arg, name, detached);
}

/* Free a prepared thread that never ran. */
void
thread_discard(struct thread *t)
{
	thread_free(t);
}

/* Make t runnable, on the best CPU for it. */
void
thread_start_running(struct thread *t)
{
	sched_start_new(t);
}

struct thread *
thread_create(void (*fn)(void *), void *arg, const char *name)
{
	struct thread *t = thread_new(fn, arg, name, false);

	if (t)
		thread_start_running(t);
	return t;
}

struct thread *
thread_create_detached(void (*fn)(void *), void *arg, const char *name)
{
	struct thread *t = thread_new(fn, arg, name, true);

	if (t)
		thread_start_running(t);
	return t;
}

void
thread_exit(int code)
{
	struct thread *t = current();

	if (t->tid == 0)
		panic("thread_exit: the idle thread cannot exit");
	t->exit_code = code;
	/* Contended locks it still owns pass to their waiters (marked owner-died). */
	pi_task_exit(&t->sync);
	arch_irq_disable();
	t->state = T_DEAD;
	/* sched_post_switch() announces the death once we are off the CPU. */
	schedule();
	panic("thread_exit: a dead thread ran again");
}

static void
thread_free(struct thread *t)
{
	if (sched_hooks.thread_free)
		sched_hooks.thread_free(t);
	spin_lock(&all_lock);
	list_remove(&t->all_node);
	nthreads--;
	spin_unlock(&all_lock);
	kstack_free(t->kstack);
	kfree(t);
}

int
thread_join(struct thread *t)
{
	int code;

	spin_lock(&join_lock);
	waitq_wait_event(&t->join_wq, &join_lock, t->gone, false);
	spin_unlock(&join_lock);
	code = t->exit_code;
	thread_free(t);
	return code;
}

/*
 * t is DEAD and its stack is no longer in use: hand it to its joiner, or to
 * the reaper if it is detached.  Runs without the run-queue lock.
 */
void
thread_announce_death(struct thread *t)
{
	if (t->detached) {
		spin_lock(&all_lock);
		list_remove(&t->all_node);
		list_push_back(&dead_threads, &t->all_node);
		spin_unlock(&all_lock);
		waitq_wake_one(&reaper_wq);
		return;
	}
	spin_lock(&join_lock);
	t->gone = true;
	spin_unlock(&join_lock);
	waitq_wake_all(&t->join_wq);
}

/*
 * The reaper frees detached threads once they are dead and off their CPU.
 * Freeing a stack unmaps it, which may wait for other CPUs (a TLB
 * shootdown), so it is done here and not in the idle loop, which must
 * never sleep.
 */
static void
reaper(void *unused)
{
	for (;;) {
		struct thread *t;

		spin_lock(&all_lock);
		waitq_wait_event(&reaper_wq, &all_lock, !list_empty(&dead_threads), false);
		t = list_entry(dead_threads.next, struct thread, all_node);
		list_remove(&t->all_node);
		list_push_back(&all_threads, &t->all_node);
		spin_unlock(&all_lock);
		thread_free(t);
	}
}

void
thread_reaper_start(void)
{
	if (!thread_create_detached(reaper, NULL, "reaper"))
		panic("cannot start the reaper thread");
}

/*
 * For the load average and /proc/stat: threads runnable or running (the
 * idle threads aside), and threads of user processes in an uninterruptible
 * sleep.  Kernel threads that wait for work (the reaper, the flusher) sleep
 * uninterruptibly too, but they are idle, not waiting on a resource, so
 * they are left out, as Linux leaves out its TASK_IDLE threads.
 */
void
sched_count_active(unsigned *running, unsigned *blocked)
{
	unsigned r = 0, b = 0;

	spin_lock(&all_lock);
	list_for_each(n, &all_threads) {
		struct thread *t = list_entry(n, struct thread, all_node);
		int st = READ_ONCE(t->state);

		if (st == T_RUNNABLE && t->tid != 0)
			r++;
		else if (st == T_BLOCKED && t->proc)
			b++;
	}
	spin_unlock(&all_lock);
	*running = r;
	*blocked = b;
}

void
thread_for_each(void (*fn)(struct thread *t, void *arg), void *arg)
{
	spin_lock(&all_lock);
	list_for_each(n, &all_threads)
		fn(list_entry(n, struct thread, all_node), arg);
	spin_unlock(&all_lock);
}
