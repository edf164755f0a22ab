/* SPDX-License-Identifier: MIT */
/*
 * Processes: the process control block and the calls that make, change and
 * end processes.
 *
 * A process (struct proc) is what owns resources: an address space, open
 * files, a working directory, signal handlers, credentials, a place in the
 * process tree.  It runs as one or more threads (struct thread, sched/),
 * 1:1 with kernel threads.  Threads of one process share those resources by
 * pointing at the same objects; fork() copies them, clone() chooses per
 * resource (CLONE_VM, CLONE_FILES, CLONE_FS, CLONE_SIGHAND, CLONE_THREAD).
 *
 * Life of a process:
 *
 *   fork/clone --> ALIVE --(last thread exits)--> ZOMBIE --(parent waits)--> freed
 *                    |  ^
 *        stop signal |  | SIGCONT
 *                    v  |
 *                  STOPPED (a flag on an ALIVE process: job control)
 *
 * A zombie keeps only its pid, exit status and times until its parent
 * collects them with wait4/waitid.  When a parent dies first its children
 * are orphans and are handed to init (pid 1), which reaps them.
 *
 * Locks: one lock, proc_tree_lock, protects the tree, pid lookups, pgid/sid,
 * thread lists, process state and all signal state (actions, masks, pending
 * sets).  One lock keeps job control and signal delivery simple to reason
 * about; it sits above the scheduler's locks in the lock order and is never
 * held across a sleep.  [T] proc_tree_lock, [I] immutable after creation,
 * [s] only the owning thread.
 */
#pragma once

#include "lib/compiler.h"
#include "lib/list.h"
#include "sched/cred.h"
#include "sched/sched.h"
#include "sched/timer.h"
#include "sync/spinlock.h"
#include "sync/waitqueue.h"
#include "arch/x86_64/fpu.h"
#include "uapi/signal.h"
#include "uapi/resource.h"

struct trap_frame;

#define PROC_COMM_LEN 16
#define NSIG_K 64              /* signals 1..64 */

/* Handlers, shared by threads (CLONE_SIGHAND) and copied by fork. */
struct sighand {
	int refs;                  /* [a] */
	struct ksigaction action[NSIG_K + 1];   /* [T] */
};

/* One pending signal's information (one slot per signal number). */
struct ksiginfo {
	int signo, code, errno_;
	int pid;
	uint32_t uid;
	int status;
	uint64_t addr;             /* faulting address for SIGSEGV, SIGBUS, ... */
	uint64_t value;            /* sigqueue value, timer id */
};

/*
 * Pending signals.  A standard signal is pending or not (a second one
 * before delivery is lost, as POSIX allows); real-time signals queue, each
 * instance with its own information, in order.
 */
struct sigpending {
	uint64_t set;              /* bit n-1: signal n pending [T] */
	struct ksiginfo info[SIGRTMIN];     /* [T] standard signals */
	struct list_node rtq;      /* [T] of struct sigqueue_entry, oldest first */
	unsigned nrt;              /* [T] queued real-time signals */
};

enum proc_state { P_ALIVE, P_ZOMBIE };

struct proc {
	int pid;                           /* [I] = the first thread's tid */
	enum proc_state state;             /* [T] */
	struct proc *parent;               /* [T] */
	int ppid;                          /* [T] to write; parent's pid (0 for init), read
	                                    * without the lock by getppid() */
	struct list_node children;         /* [T] of struct proc, via sibling */
	struct list_node sibling;          /* [T] */
	struct list_node all_node;         /* [T] on the process list */
	int pgid, sid;                     /* [T] */
	struct list_node threads;          /* [T] of struct proc_thread */
	unsigned nthreads;                 /* [T] live threads */

	struct mm *mm;                     /* [T] shared by the threads */
	struct files *files;               /* [T] */
	struct fs_ctx *fs;                 /* [T] */
	struct sighand *sighand;           /* [T] */
	struct cred cred;                  /* [T] */
	struct sigpending shared_pending;  /* [T] process-directed signals */

	int exit_signal;                   /* [I] sent to the parent at exit (SIGCHLD) */
	int exit_status;                   /* [T] wait status (Linux encoding) */
	bool group_exit;                   /* [T] exit_group() or a fatal signal under way */
	int group_exit_status;             /* [T] */
	bool stopped;                      /* [T] job control */
	int stop_sig;                      /* [T] */
	bool report_stop, report_cont;     /* [T] for WUNTRACED / WCONTINUED */
	struct waitq child_wait;           /* the parent's wait4() sleeps here */
	struct waitq stop_wait;            /* stopped threads sleep here */
	struct waitq vfork_wait;           /* a vfork parent waits for exec/exit */
	struct waitq exec_wait;            /* exec waits here for the other threads to go */
	struct thread *exec_thread;        /* [T] the thread running exec, if any */
	bool vfork_done;                   /* [T] */
	bool did_exec;                     /* [T] ran execve (setpgid on it: EACCES) */

	char comm[PROC_COMM_LEN];          /* [T] the program's name */
	char *exe_path;                    /* [T] kmalloc'ed, for /proc/PID/exe */
	struct rlimit rlim[RLIM_NLIMITS];  /* [T] */
	uint64_t start_ns;                 /* [I] */
	uint64_t utime_ns, stime_ns;       /* [T] of exited threads */
	uint64_t cutime_ns, cstime_ns;     /* [T] of reaped children */
	uint64_t min_flt, maj_flt;

	struct ktimer itimer_real;         /* ITIMER_REAL / alarm() */
	uint64_t itimer_interval_ns;       /* [T] */
	/* ITIMER_VIRTUAL (user time) and ITIMER_PROF (user + system), counted by the tick. */
	uint64_t itimer_left_ns[3];        /* [T] indexed by ITIMER_*; [0] unused */
	uint64_t itimer_reload_ns[3];      /* [T] */
	int refs;                          /* [a] references besides the tree */
};

/* Per-thread process state, hung off struct thread's proc_data. */
struct proc_thread {
	struct thread *thread;             /* [I] */
	struct proc *proc;                 /* [I] */
	struct list_node node;             /* [T] in proc->threads */
	struct list_node hash_node;        /* [T] in the tid hash */
	uint64_t sigmask;                  /* [T] blocked signals */
	uint64_t saved_sigmask;            /* [s] restored after sigsuspend/pselect */
	bool restore_sigmask;              /* [s] */
	struct sigpending pending;         /* [T] thread-directed signals */
	uint64_t altstack_sp, altstack_size;
	int altstack_flags;                /* [s] SS_DISABLE, SS_AUTODISARM */
	uint64_t set_child_tid;            /* [s] */
	uint64_t clear_child_tid;          /* [s] written 0 and futex-woken at exit */
	uint64_t robust_list, robust_len;  /* [s] */
	uint64_t fs_base, gs_base;         /* [s] user TLS bases */
	bool exiting;                      /* [s] */
	bool kill_for_exec;                /* [T] another thread is exec'ing: leave */
	uint64_t restart_deadline;         /* [s] an interrupted sleep, for restart_syscall */
	uint64_t restart_urem;             /* [s] where to report its remaining time */
	struct fpu_state fpu;              /* [s] saved while switched out */
};

extern struct proc *init_proc;
extern struct spinlock proc_tree_lock;

static inline struct proc_thread *
pt_of(struct thread *t)
{
	return t->proc_data;
}

static inline struct proc *
current_proc(void)
{
	return current()->proc;
}

/* Bring-up: hooks into sched/, fs/ and the trap path. */
void proc_init(void);
/*
 * Turn the calling kernel thread into pid 1 and exec path in it.  Returns
 * only on failure (-errno); on success the thread leaves for user mode.
 */
int proc_start_init(const char *path, char *const argv[], char *const envp[]);

/* Lookups.  => proc_tree_lock held. */
struct proc *proc_find_locked(int pid);
struct thread *thread_find_locked(int tid);
void proc_get(struct proc *p);
void proc_put(struct proc *p);

/* Signals (proc/signal.c).  The _locked forms need proc_tree_lock. */
int signal_send(struct proc *p, int sig, const struct ksiginfo *info);
int signal_send_locked(struct proc *p, int sig, const struct ksiginfo *info);
int signal_send_thread(struct thread *t, int sig, const struct ksiginfo *info);
int signal_send_pgrp(int pgid, int sig, const struct ksiginfo *info);
/* A fault or trap in user mode becomes a signal to the faulting thread. */
void signal_force_fault(int sig, int code, uint64_t addr);
/* Deliver pending signals before returning to user mode. */
void signal_return_to_user(struct trap_frame *tf);
bool signal_pending_unblocked(struct thread *t);
void signal_fill_siginfo(struct siginfo_k *si, int sig, const struct ksiginfo *info);
/* Pending-set primitives.  => proc_tree_lock held */
void sigpending_init(struct sigpending *sp);
void sigpending_drop(struct sigpending *sp, uint64_t mask);
bool sigpending_take(struct sigpending *sp, int sig, struct ksiginfo *info);
void signal_recalc(struct thread *t);
void sighand_put(struct sighand *sh);
struct sighand *sighand_copy(struct sighand *old);
/* exec: handlers go back to default, ignored signals stay ignored. */
void signal_reset_on_exec(struct proc *p);

/* Exit (proc/exit.c). */
__noreturn void proc_exit_thread(int status);
__noreturn void proc_exit_group(int status);
/* Wait status encodings (Linux). */
#define W_EXITCODE(ret, sig) (((ret) << 8) | (sig))
#define W_STOPCODE(sig)      (((sig) << 8) | 0x7f)
#define W_CONTINUED          0xffff
#define W_COREFLAG           0x80

/* Exec (proc/exec.c). */
int do_execve(const char *path, char *const kargv[], char *const kenvp[],
	      struct trap_frame *tf);

/* Thread start for clone/fork children: enter user mode with the copied frame. */
void proc_user_thread_entry(void *unused);
struct proc_thread *proc_thread_new(struct thread *t, struct proc *p);

void proc_times(struct proc *p, uint64_t *user, uint64_t *sys);
const char *proc_hostname(void);
void proc_thread_times(struct thread *t, uint64_t *user, uint64_t *sys);
