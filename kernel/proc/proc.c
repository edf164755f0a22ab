// SPDX-License-Identifier: MIT
/*
 * The process table and the glue between processes and the layers below.
 *
 * Every live thread of every process is in a hash table by tid; a
 * process's pid is its first thread's tid, so a pid lookup is a tid lookup
 * that must land on a main thread... except that the main thread may have
 * exited while others run on, so processes are also on their own list.
 *
 * At boot proc_init() installs the hooks that let lower layers call up
 * without naming this one: the scheduler's switch hook (address space, FPU
 * and TLS registers follow the thread), the trap path's user-fault and
 * return-to-user upcalls (signals), and the file system's upcalls
 * (SIGPIPE, the tty's process-group signals).
 */
#include "proc/proc.h"
#include "proc/internal.h"
#include "arch/arch.h"
#include "arch/x86_64/trap.h"
#include "core/panic.h"
#include "core/printk.h"
#include "fs/vfs.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "mm/vm.h"
#include "sched/timer.h"
#include "uapi/errno.h"

#define TID_HASH 256

struct spinlock proc_tree_lock = SPINLOCK_INIT("proc_tree");
struct proc *init_proc;                                 /* [I] */
static struct list_node tid_hash[TID_HASH];             /* [T] of proc_thread */
struct list_node all_procs = LIST_INIT(all_procs);      /* [T] */

static struct list_node *
bucket(int tid)
{
	return &tid_hash[(unsigned)tid % TID_HASH];
}

struct thread *
thread_find_locked(int tid)
{
	list_for_each(n, bucket(tid)) {
		struct proc_thread *pt = list_entry(n, struct proc_thread, hash_node);
		if (pt->thread->tid == tid && !pt->exiting)
			return pt->thread;
	}
	return NULL;
}

struct proc *
proc_find_locked(int pid)
{
	list_for_each(n, &all_procs) {
		struct proc *p = list_entry(n, struct proc, all_node);
		if (p->pid == pid)
			return p;
	}
	return NULL;
}

void
proc_get(struct proc *p)
{
	__atomic_add_fetch(&p->refs, 1, __ATOMIC_RELAXED);
}

void
proc_put(struct proc *p)
{
	if (__atomic_sub_fetch(&p->refs, 1, __ATOMIC_ACQ_REL) == 0) {
		sigpending_drop(&p->shared_pending, ~0ull);
		kfree(p->exe_path);
		kfree(p);
	}
}

struct proc *
proc_alloc(void)
{
	struct proc *p = kzalloc(sizeof(*p));

	if (!p)
		return NULL;
	list_init(&p->children);
	list_init(&p->sibling);
	list_init(&p->all_node);
	list_init(&p->threads);
	waitq_init(&p->child_wait);
	waitq_init(&p->stop_wait);
	waitq_init(&p->vfork_wait);
	waitq_init(&p->exec_wait);
	p->refs = 1;
	p->start_ns = time_ns();
	sigpending_init(&p->shared_pending);
	ktimer_init(&p->itimer_real, proc_itimer_fire, p);
	return p;
}

/* Attach per-thread process state to t and link it into p.  => tree lock held. */
struct proc_thread *
proc_thread_new(struct thread *t, struct proc *p)
{
	struct proc_thread *pt = kzalloc(sizeof(*pt));

	if (!pt)
		return NULL;
	pt->thread = t;
	pt->proc = p;
	list_init(&pt->node);
	list_init(&pt->hash_node);
	pt->altstack_flags = SS_DISABLE;
	sigpending_init(&pt->pending);
	fpu_init_state(&pt->fpu);
	t->proc = p;
	t->proc_data = pt;
	proc_thread_bind(t, p);
	return pt;
}

/* Point the thread's per-layer views at the process's resources. */
void
proc_thread_bind(struct thread *t, struct proc *p)
{
	t->mm = p->mm;
	t->files = p->files;
	if (t->files)
		files_thread_enter(t->files);
	t->fs = p->fs;
	t->cred = &p->cred;
}

/* => proc_tree_lock held */
void
proc_thread_link_locked(struct proc_thread *pt)
{
	list_push_back(&pt->proc->threads, &pt->node);
	list_push_back(bucket(pt->thread->tid), &pt->hash_node);
	pt->proc->nthreads++;
}

/* => proc_tree_lock held */
void
proc_thread_unlink_locked(struct proc_thread *pt)
{
	list_remove(&pt->node);
	list_remove(&pt->hash_node);
	pt->proc->nthreads--;
	pt->exiting = true;
}

/* The scheduler's switch hook: per-thread CPU state follows the thread. */
static void
proc_switch(struct thread *prev, struct thread *next)
{
	struct proc_thread *pp = pt_of(prev), *np = pt_of(next);

	if (pp) {
		fpu_save(&pp->fpu);
		pp->gs_base = arch_user_gs_base();
	}
	mm_activate_lazy(next->mm);
	if (np) {
		fpu_restore(&np->fpu);
		arch_set_user_tls(np->fs_base, np->gs_base);
	}
}

static void
proc_thread_free(struct thread *t)
{
	struct proc_thread *pt = pt_of(t);

	if (pt) {
		t->proc_data = NULL;
		sigpending_drop(&pt->pending, ~0ull);
		kfree(pt);
	}
}

/*
 * A fault that will kill its process (no handler) is worth a line on the
 * console, as on Linux ("segfault at ..."): the shell says only "Segmentation
 * fault".  At most ten lines in any five seconds, so a crashing loop cannot
 * flood the log.
 */
static void
report_fatal_fault(const struct trap_frame *tf, int sig)
{
	static uint64_t window_start;   /* [a] racy by design: a rate limit, not a count */
	static unsigned in_window;
	struct thread *t = current();
	uint64_t now = time_ns();

	if (t->proc->sighand->action[sig].handler != SIG_DFL)
		return;
	if (now - window_start > 5000000000ull) {
		window_start = now;
		in_window = 0;
	}
	if (++in_window > 10)
		return;
	pr_info("%s[%d]: %s at %llx ip %llx sp %llx error %llx (vector %llu)\n",
		t->proc->comm, t->proc->pid, sig == SIGSEGV ? "segfault" : "fatal fault",
		(unsigned long long)(tf->vector == T_PF ? t->fault_addr : 0),
		(unsigned long long)tf->rip, (unsigned long long)tf->rsp,
		(unsigned long long)tf->error, (unsigned long long)tf->vector);
}

/* A fault in user mode that the fault path could not resolve. */
static void
user_fault(struct trap_frame *tf)
{
	struct thread *t = current();

	switch (tf->vector) {
	case T_PF:
		if (t->fault_bus)
			signal_force_fault(SIGBUS, BUS_ADRERR, t->fault_addr);
		else
			signal_force_fault(SIGSEGV, t->fault_accerr ? SEGV_ACCERR : SEGV_MAPERR,
					   t->fault_addr);
		break;
	case T_DE:
		signal_force_fault(SIGFPE, FPE_INTDIV, tf->rip);
		break;
	case T_UD:
		/* Linux reports an undefined opcode as an illegal operand. */
		signal_force_fault(SIGILL, ILL_ILLOPN, tf->rip);
		break;
	case T_BP:
	case T_DB:
		signal_force_fault(SIGTRAP, TRAP_BRKPT, tf->rip);
		break;
	case T_MF:
	case T_XM:
		signal_force_fault(SIGFPE, FPE_FLTDIV, tf->rip);
		break;
	case T_AC:
		signal_force_fault(SIGBUS, BUS_ADRALN, tf->rip);
		break;
	default:   /* #GP, #SS, #NP: Linux reports SIGSEGV from the kernel */
		signal_force_fault(SIGSEGV, SI_KERNEL, 0);
		break;
	}
	if (tf->vector == T_PF || tf->vector == T_GP || tf->vector == T_SS || tf->vector == T_NP)
		report_fatal_fault(tf, tf->vector == T_PF && t->fault_bus ? SIGBUS : SIGSEGV);
	signal_return_to_user(tf);
}

static void
upcall_sigpipe(void)
{
	struct ksiginfo info = { .signo = SIGPIPE, .code = SI_KERNEL };

	signal_send_thread(current(), SIGPIPE, &info);
}

static int
upcall_signal_pgrp(int pgid, int sig)
{
	struct ksiginfo info = { .signo = sig, .code = SI_KERNEL };

	return signal_send_pgrp(pgid, sig, &info);
}

static void
upcall_realtime(struct timespec *ts)
{
	uint64_t ns = time_realtime_ns();

	ts->tv_sec = (long)(ns / 1000000000);
	ts->tv_nsec = (long)(ns % 1000000000);
}

/* ppoll/pselect6: a mask until the call returns, like sigsuspend's. */
static void
upcall_temp_sigmask(uint64_t mask)
{
	struct thread *t = current();
	struct proc_thread *pt = pt_of(t);

	spin_lock(&proc_tree_lock);
	if (!pt->restore_sigmask) {
		pt->saved_sigmask = pt->sigmask;
		pt->restore_sigmask = true;
	}
	pt->sigmask = mask & ~((1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)));
	signal_recalc(t);
	spin_unlock(&proc_tree_lock);
}

/* The descriptor limit of the current process (RLIMIT_NOFILE). */
static unsigned
upcall_nofile_limit(void)
{
	struct proc *p = current_proc();

	return p ? (unsigned)MIN(p->rlim[RLIMIT_NOFILE].rlim_cur, (uint64_t)FILES_LIMIT_MAX) :
		   FILES_LIMIT_MAX;
}

static int upcall_pgrp(void) { return current_proc() ? current_proc()->pgid : 0; }
static int upcall_sid(void) { return current_proc() ? current_proc()->sid : 0; }
static int upcall_pid(void) { return current_proc() ? current_proc()->pid : 0; }
static bool
upcall_is_leader(void)
{
	struct proc *p = current_proc();

	return p && p->sid == p->pid;
}

/*
 * CLOSE_RANGE_UNSHARE.  A table is the process's: its threads use it
 * without a reference each, and exit drops the process's one reference.
 * So the copy replaces the process's table and the caller's view of it
 * together, and only in a process of one thread (the caller is busy here,
 * so no thread can appear meanwhile).  With more threads the table stays
 * shared; Linux would give the calling thread a table of its own, which
 * Keel's per-process tables cannot express.  Before, the caller took a
 * copy alone and dropped the process's reference: the other process's
 * exit then freed the table this process still used.
 */
static int
upcall_unshare_files(void)
{
	struct thread *t = current();
	struct proc *p = current_proc();
	struct files *old, *mine;

	if (!p || !p->files || !files_shared(p->files) || READ_ONCE(p->nthreads) > 1)
		return 0;
	if (!(mine = files_dup(p->files)))
		return -ENOMEM;
	spin_lock(&proc_tree_lock);
	old = p->files;
	p->files = mine;
	t->files = mine;
	spin_unlock(&proc_tree_lock);
	files_thread_enter(mine);
	files_thread_leave(old);
	files_put(old);
	return 0;
}

void
proc_init(void)
{
	for (int i = 0; i < TID_HASH; i++)
		list_init(&tid_hash[i]);
	sched_hooks.switch_mm = proc_switch;
	sched_hooks.thread_free = proc_thread_free;
	sched_hooks.tick = proc_itimer_tick;
	trap_upcalls.user_fault = user_fault;
	trap_upcalls.return_to_user = signal_return_to_user;
	fs_upcalls.sigpipe = upcall_sigpipe;
	fs_upcalls.signal_pgrp = upcall_signal_pgrp;
	fs_upcalls.current_pgrp = upcall_pgrp;
	fs_upcalls.current_sid = upcall_sid;
	fs_upcalls.current_is_session_leader = upcall_is_leader;
	fs_upcalls.realtime = upcall_realtime;
	fs_upcalls.temp_sigmask = upcall_temp_sigmask;
	fs_upcalls.nofile_limit = upcall_nofile_limit;
	fs_upcalls.current_pid = upcall_pid;
	fs_upcalls.unshare_files = upcall_unshare_files;
	proc_oom_init();
}

static void
default_rlimits(struct proc *p)
{
	for (int i = 0; i < RLIM_NLIMITS; i++)
		p->rlim[i] = (struct rlimit){ RLIM_INFINITY, RLIM_INFINITY };
	p->rlim[RLIMIT_STACK] = (struct rlimit){ 8ull << 20, RLIM_INFINITY };
	p->rlim[RLIMIT_NOFILE] = (struct rlimit){ 1024, 4096 };
	p->rlim[RLIMIT_CORE] = (struct rlimit){ 0, RLIM_INFINITY };
	p->rlim[RLIMIT_NPROC] = (struct rlimit){ 4096, 4096 };
	p->rlim[RLIMIT_SIGPENDING] = (struct rlimit){ 4096, 4096 };
	p->rlim[RLIMIT_MEMLOCK] = (struct rlimit){ 8ull << 20, 8ull << 20 };
	p->rlim[RLIMIT_MSGQUEUE] = (struct rlimit){ 819200, 819200 };
}

/* Give init its standard input, output and error: the console. */
static void
open_console(struct files *files)
{
	struct file *f = vfs_open_kernel("/dev/console", 2 /* O_RDWR */, 0);

	if (IS_ERR(f)) {
		pr_warn("init: cannot open /dev/console (%ld); init has no stdin/stdout\n",
			PTR_ERR(f));
		return;
	}
	file_get(f);
	file_get(f);
	if (fd_install(files, f, 0) != 0 || fd_install(files, f, 0) != 1 ||
	    fd_install(files, f, 0) != 2)
		pr_warn("init: console descriptors are not 0, 1 and 2\n");
}

/* Make the calling kernel thread the first process. */
static int
become_init(void)
{
	struct thread *t = current();
	struct proc *p = proc_alloc();
	struct proc_thread *pt;

	if (!p)
		return -ENOMEM;
	p->pid = p->pgid = p->sid = t->tid;
	p->files = files_new();
	p->fs = fs_ctx_new_root();
	p->sighand = sighand_copy(NULL);
	p->mm = mm_create();
	if (!p->files || !p->fs || !p->sighand || !p->mm)
		return -ENOMEM;   /* FIXME: unwind; at boot this is fatal anyway */
	default_rlimits(p);
	strlcpy(p->comm, "init", sizeof(p->comm));
	open_console(p->files);
	spin_lock(&proc_tree_lock);
	pt = proc_thread_new(t, p);
	if (!pt) {
		spin_unlock(&proc_tree_lock);
		return -ENOMEM;
	}
	p->parent = p;    /* pid 1 has no parent; getppid() reports 0 */
	p->ppid = 0;
	list_push_back(&all_procs, &p->all_node);
	proc_thread_link_locked(pt);
	init_proc = p;
	spin_unlock(&proc_tree_lock);
	mm_activate(p->mm);
	return 0;
}

int
proc_start_init(const char *path, char *const argv[], char *const envp[])
{
	struct trap_frame *tf = (struct trap_frame *)(current()->kstack_top - TRAP_FRAME_SIZE);
	int r;

	if (!init_proc && (r = become_init()) < 0)
		return r;
	r = do_execve(path, argv, envp, tf);
	if (r < 0)
		return r;
	arch_enter_user(tf);
}
