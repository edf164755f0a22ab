/* SPDX-License-Identifier: MIT */
/*
 * Threads and the scheduler.
 *
 * A thread is a kernel stack plus saved registers; every user process has
 * at least one (1:1 threading), and the kernel has its own.  Threads are
 * RUNNABLE (on a run queue, or running), SLEEPING (on a wait queue; a signal
 * may cut the sleep short), BLOCKED (sleeping, deaf to signals), STOPPED
 * (job control) or DEAD.
 *
 *          create            schedule()             sleep
 *   (new) -------> RUNNABLE <----------> running --------> SLEEPING
 *                     ^                    |                   |
 *                     |                    | exit              | wake
 *                     +--------------------|-------------------+
 *                                          v
 *                                        DEAD  -- join/reap --> freed
 */
#pragma once

#include "lib/compiler.h"
#include "lib/list.h"
#include "sched/policy.h"
#include "sync/pi.h"
#include "sync/spinlock.h"
#include "sync/waitqueue.h"
#include "arch/arch.h"

enum thread_state {
	T_RUNNABLE,
	T_SLEEPING,     /* interruptible */
	T_BLOCKED,      /* uninterruptible */
	T_STOPPED,
	T_DEAD,
};

#define THREAD_NAME_MAX 16

struct mm;
struct proc;
struct files;
struct fs_ctx;
struct cred;

/*
 * Locks: [r] the run queue lock of the thread's CPU, [I] set at creation,
 * [s] only the thread itself, [j] join_lock, [a] atomic.
 */
struct thread {
	uint64_t ksp;                 /* [r] saved stack pointer while switched out */
	void *kstack;                 /* [I] lowest address of the kernel stack */
	uint64_t kstack_top;          /* [I] */
	int tid;                      /* [I] */
	char name[THREAD_NAME_MAX];   /* [s] */
	volatile int state;           /* [r] enum thread_state */
	bool on_rq;                   /* [r] queued, running, or on its way to a queue */
	bool on_cpu;                  /* [r] its registers are live on a CPU */
	bool migrate;                 /* [r] must leave its CPU at the next switch */
	struct list_node rq_node;     /* [r] on rq->dead or rq->moving */
	struct sched_entity se;       /* [r] policy state: class, level, account */
	uint8_t base_policy;          /* [r] what sched_setscheduler set ... */
	uint8_t base_rt_prio;         /* [r] ... se.policy may be lent (PI) */
	uint8_t pi_prio;              /* [r] real-time priority lent by PI, 0 none */
	uint64_t affinity;            /* [r] cpumask: bit n, may run on CPU n */
	unsigned cpu;                 /* [r] CPU it last ran on (or is queued on) */
	uint64_t run_ns;              /* [r] CPU time used */
	uint64_t last_start_ns;       /* [r] */
	uint64_t nr_switches;         /* [r] */
	uint64_t nr_migrations;       /* [r] moves to another CPU's queue */
	uint64_t utime_ticks;         /* [r] ticks that found it in user mode */
	uint64_t stime_ticks;         /* [r] ticks that found it in the kernel */
	uint64_t hung_switches;       /* [all_lock] nr_switches at the hung detector's last look */
	uint64_t hung_since_ns;       /* [all_lock] when that look first saw this count */
	bool hung_reported;           /* [all_lock] named on the console for this sleep */
	bool hung_watch;              /* [s] judged though no process's thread (hung.c) */
	struct sync_task sync;        /* sync/'s per-thread state: PI, lock checker */

	void (*fn)(void *);           /* [I] */
	void *arg;                    /* [I] */
	bool detached;                /* [I] nobody will join: free at exit */
	bool gone;                    /* [join_lock] dead and off every CPU */
	int exit_code;                /* [j] */
	struct waitq join_wq;         /* woken at exit */
	struct list_node all_node;    /* [all_threads_lock] */

	/* Wakeup bookkeeping for timed and interruptible sleeps. */
	bool timed_out;               /* [r] */
	volatile bool sig_pending;    /* [a] set by the signal code */
	int preempt_saved;            /* [s] */

	struct mm *mm;                /* [s] user address space, NULL for kernel threads */
	struct proc *proc;            /* [I] owning process, NULL for kernel threads */
	void *proc_data;              /* [s] per-thread state of the process layer */
	uint64_t fault_addr;          /* [s] last unresolved user fault, for siginfo */
	bool fault_accerr;            /* [s] it was a protection fault */
	bool fault_bus;               /* [s] the backing object has no page there (SIGBUS) */
	bool full_restore;            /* [s] return to user by IRETQ (all registers) */
	bool in_syscall;              /* [s] between system-call entry and exit */

	/* Per-thread views of process state, for the layers below proc/. */
	struct files *files;          /* [s] open file table (fs/) */
	struct fs_ctx *fs;            /* [s] root, cwd, umask (fs/) */
	struct cred *cred;            /* [s] the identity it acts with (sched/cred.h) */
};

#define HZ_DEFAULT 250
extern unsigned sched_hz;

/* Bring-up: the boot context becomes this CPU's idle thread. */
void sched_init(void);
/* Start the tick and make the scheduler preempt (after sched_init). */
void sched_start(void);
__noreturn void sched_idle_loop(void);
/* The thread that frees dead detached threads (after the first thread exists). */
void thread_reaper_start(void);

/* Create a kernel thread; it becomes runnable at once.  NULL: no memory. */
struct thread *thread_create(void (*fn)(void *), void *arg, const char *name);
/* Like thread_create but nobody joins: resources go at exit. */
struct thread *thread_create_detached(void (*fn)(void *), void *arg, const char *name);
/*
 * Two-step creation for threads that need set-up before their first run
 * (user threads get their register frame): prepare, then start.
 */
struct thread *thread_prepare(void (*fn)(void *), void *arg, const char *name,
			      bool detached);
void thread_start_running(struct thread *t);
/* Free a thread from thread_prepare() that was never started. */
void thread_discard(struct thread *t);
__noreturn void thread_exit(int code);
/* Bytes reserved at the top of every kernel stack for a user trap frame. */
#define TRAP_FRAME_SPACE 192
/* Wait for t to exit, free it, return its exit code. */
int thread_join(struct thread *t);

static inline struct thread *
current(void)
{
	return current_thread();
}

/* Give up the CPU; prev keeps its state (RUNNABLE: requeued, else it sleeps). */
void schedule(void);
void sched_yield(void);
/* Make a sleeping or blocked thread runnable.  true if it was asleep. */
bool sched_wake(struct thread *t);
/* Wake t only if its sleep is interruptible (signals). */
bool sched_wake_interruptible(struct thread *t);
/* Set the current thread's state before a sleep (with the wait set up). */
void sched_set_state(int state);
/*
 * Give up the CPU after setting the state to T_SLEEPING or T_BLOCKED (with
 * whatever wakes us already arranged).  timeout_ns 0: none.
 * => 0 when woken, -ETIMEDOUT, or -EINTR for a pending signal.
 */
int sched_block(uint64_t timeout_ns, bool interruptible);
/* Sleep for ns nanoseconds; -EINTR if a signal cut it short. */
int sched_sleep_ns(uint64_t ns, bool interruptible);

/* Disable or re-enable involuntary switches on this CPU. */
void preempt_disable(void);
void preempt_enable(void);
/* Switch now if a wakeup asked this CPU to (the end of a system call). */
void sched_preempt_point(void);

/* Upcalls the process layer installs (it sits above sched/). */
struct sched_hooks {
	/* Switch user address spaces (and per-thread CPU state) between threads. */
	void (*switch_mm)(struct thread *prev, struct thread *next);
	/* A thread's memory is about to be freed: release what proc hung on it. */
	void (*thread_free)(struct thread *t);
	/* A tick interrupted t (interval timers of the process). */
	void (*tick)(struct thread *t, bool from_user);
};
extern struct sched_hooks sched_hooks;

/* CPU time used by t, including the current run if it is running now. */
uint64_t thread_cpu_time_ns(struct thread *t);

/* Counters for tests and /proc. */
uint64_t sched_jiffies(void);
unsigned sched_nr_threads(void);
/* The tid (and so pid) most recently handed out. */
int sched_last_tid(void);
/* Called from the tick on every CPU; user: the tick interrupted user mode. */
void sched_tick(bool user);

/*
 * Scheduling parameters (params.c).  These change the thread's base
 * policy; priority inheritance may lend it a higher one for a while
 * (sync/pi.h), and the getters report the base.  Permission checks are
 * the caller's (proc/sys_sched.c); these check only the values.
 */
/* policy SCHED_POLICY_*; rt_prio 1..99 for FIFO and RR, 0 for normal.  => 0, -EINVAL */
int sched_setscheduler(struct thread *t, int policy, int rt_prio);
void sched_getscheduler(struct thread *t, int *policy, int *rt_prio);
/* nice is clamped to -20..19. */
void sched_set_nice(struct thread *t, int nice);
int sched_get_nice(struct thread *t);
/*
 * Allow t only on the CPUs in mask (bit n: CPU n).  A queued thread moves
 * at once, a running one at its next switch (the calling thread before
 * this returns).  => 0, or -EINVAL if no allowed CPU is online.
 */
int sched_set_affinity(struct thread *t, uint64_t mask);
uint64_t sched_get_affinity(struct thread *t);
/* The SCHED_RR turn, in nanoseconds (0 for other policies). */
uint64_t sched_rr_interval_ns(struct thread *t);
/* CPUs that are running (bit n: CPU n). */
uint64_t sched_online_mask(void);

/*
 * Counters for procfs (stats.c).  Everything is a snapshot taken under the
 * run-queue lock; times in nanoseconds, or ticks of 1/sched_hz seconds.
 *
 *   /proc/PID/stat  state, priority, nice, last CPU, utime, stime:
 *                   sched_thread_info()
 *   /proc/stat      "cpuN user nice system idle" lines: sched_cpu_stat()
 *                   (user and system ticks, idle ticks), ctxt from the
 *                   nr_switches sum
 *   /proc/PID/sched policy, level, run time, switches, migrations
 */
struct sched_thread_info {
	int tid;
	char name[THREAD_NAME_MAX];
	char state;               /* R running or runnable, S sleeping, D blocked, T stopped, Z dead */
	bool running;             /* on a CPU at this moment */
	int policy;               /* base policy, SCHED_POLICY_* */
	int rt_prio;              /* base real-time priority, 0 for normal */
	int eff_rt_prio;          /* what it runs with now (PI may lend more) */
	int nice;
	int level;                /* MLFQ level, 0 the highest */
	int linux_prio;           /* /proc's "prio" field: 0..39 normal (20 + nice), -2..-100 RT */
	unsigned cpu;             /* CPU it last ran on */
	uint64_t affinity;
	uint64_t run_ns;          /* CPU time, measured at every switch */
	uint64_t utime_ticks, stime_ticks;
	uint64_t nr_switches, nr_migrations;
};
void sched_thread_info(struct thread *t, struct sched_thread_info *out);

struct sched_cpu_stat {
	uint64_t user_ticks;      /* ticks that found a thread in user mode (nice <= 0) */
	uint64_t nice_ticks;      /* ... a thread of positive nice in user mode */
	uint64_t system_ticks;    /* ... in the kernel (not idle) */
	uint64_t idle_ticks;      /* ... running the idle thread */
	uint64_t nr_switches;     /* context switches on this CPU */
	uint64_t nr_migrations;   /* threads pulled or pushed to this CPU's queue */
	uint64_t nr_balance_moves;/* of those, moved by the periodic balance */
	unsigned nr_queued;       /* waiting to run now */
	bool online;
};
/* => 0, or -EINVAL for a CPU that does not exist. */
int sched_cpu_stat(unsigned cpu, struct sched_cpu_stat *out);

/*
 * Load averages (sched/loadavg.h): every 5 s the tick counts the threads
 * that are runnable or running, plus user threads in an uninterruptible
 * sleep, and folds the count into the 1, 5 and 15-minute averages.
 * sched_loadavg() gives them in units of 1/2048 (LOADAVG_ONE).
 */
void sched_loadavg(unsigned long avg[3]);
/* Threads of user processes now runnable or running, and in an uninterruptible sleep. */
void sched_count_active(unsigned *running, unsigned *blocked);
