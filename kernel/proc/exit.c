// SPDX-License-Identifier: MIT
/*
 * Process death and cleanup: exit, exit_group, wait4, waitid.
 *
 * A thread that exits leaves its process; the last thread to leave ends the
 * process: it closes the files, releases the address space, hands its
 * children to init, becomes a zombie and tells its parent (the exit signal,
 * normally SIGCHLD, and a wakeup of the parent's wait).  The zombie is only
 * a pid and a status.  wait4() in the parent collects it and frees it; a
 * parent that ignores SIGCHLD (or set SA_NOCLDWAIT) gets its children
 * reaped without waiting, as POSIX allows.
 *
 * exit_group() (what exit(3) calls) ends every thread: it marks the process
 * and wakes the other threads, which leave on their way back to user mode.
 */
#include "proc/proc.h"
#include "proc/syscalls.h"
#include "proc/internal.h"
#include "proc/futex.h"
#include "arch/arch.h"
#include "core/panic.h"
#include "core/printk.h"
#include "fs/vfs.h"
#include "mm/slab.h"
#include "mm/usercopy.h"
#include "mm/vm.h"
#include "sched/timer.h"
#include "uapi/errno.h"
#include "uapi/wait.h"

/* => proc_tree_lock held.  Children go to init, which may have zombies to reap. */
static void
reparent_children(struct proc *p)
{
	bool zombies = false;

	while (!list_empty(&p->children)) {
		struct proc *c = list_entry(p->children.next, struct proc, sibling);

		list_remove(&c->sibling);
		c->parent = init_proc;
		WRITE_ONCE(c->ppid, init_proc->pid);
		list_push_back(&init_proc->children, &c->sibling);
		zombies |= c->state == P_ZOMBIE;
	}
	if (zombies)
		waitq_wake_all(&init_proc->child_wait);
}

static bool
parent_reaps_automatically(struct proc *parent)
{
	const struct ksigaction *ka = &parent->sighand->action[SIGCHLD];

	return ka->handler == SIG_IGN || (ka->flags & SA_NOCLDWAIT);
}

static void
release_resources(struct proc *p, struct thread *t)
{
	struct mm *mm;

	ktimer_cancel(&p->itimer_real);
	spin_lock(&proc_tree_lock);
	mm = p->mm;
	p->mm = NULL;
	t->mm = NULL;
	spin_unlock(&proc_tree_lock);
	mm_activate(NULL);
	if (mm)
		mm_put(mm);
	files_put(p->files);
	fs_ctx_put(p->fs);
	t->files = NULL;
	t->fs = NULL;
	p->vfork_done = true;
	waitq_wake_all(&p->vfork_wait);
}

/*
 * The last thread is leaving: p becomes a zombie.
 *
 * The moment p is P_ZOMBIE and the lock is dropped, the parent may reap
 * it on another CPU and free it; and the parent itself may exit and be
 * reaped.  So everything read from p happens under the lock, p gives up
 * its signal handlers there, and the parent is pinned by a reference
 * until the SIGCHLD and the wake-up have been delivered.
 */
static void
proc_die(struct proc *p, int status)
{
	struct thread *t = current();
	struct proc *parent;
	struct sighand *sh;
	struct ksiginfo info = { .signo = 0 };
	bool autoreap;

	if (p == init_proc)
		panic("init (pid 1) exited with status %#x", status);
	release_resources(p, t);
	info.signo = p->exit_signal;
	info.pid = p->pid;
	info.uid = p->cred.uid;
	if (WIFEXITED(status)) {
		info.code = CLD_EXITED;
		info.status = WEXITSTATUS(status);
	} else {
		info.code = (status & W_COREFLAG) ? CLD_DUMPED : CLD_KILLED;
		info.status = WTERMSIG(status);
	}
	spin_lock(&proc_tree_lock);
	reparent_children(p);
	sh = p->sighand;
	p->sighand = NULL;
	p->exit_status = status;
	p->state = P_ZOMBIE;
	parent = p->parent;
	proc_get(parent);
	autoreap = parent_reaps_automatically(parent);
	if (autoreap) {
		list_remove(&p->sibling);
		list_remove(&p->all_node);
	}
	spin_unlock(&proc_tree_lock);

	sighand_put(sh);
	if (info.signo && !autoreap)
		signal_send(parent, info.signo, &info);
	waitq_wake_all(&parent->child_wait);
	proc_put(parent);
	if (autoreap)
		proc_put(p);
}

void
proc_exit_thread(int status)
{
	struct thread *t = current();
	struct proc_thread *pt = pt_of(t);
	struct proc *p = t->proc;
	uint64_t utime, stime;
	bool last;

	if (pt->robust_list && t->mm)
		futex_exit_robust(pt->robust_list, t->tid);
	if (pt->clear_child_tid && t->mm) {
		int zero = 0;
		if (!copy_to_user((void *)pt->clear_child_tid, &zero, sizeof(zero)))
			futex_wake_addr(t->mm, pt->clear_child_tid, 1);
	}
	proc_thread_times(t, &utime, &stime);
	spin_lock(&proc_tree_lock);
	proc_thread_unlink_locked(pt);
	last = p->nthreads == 0;
	/*
	 * A thread that leaves others behind lets go of the address space
	 * here, in the same critical section that makes it no longer count:
	 * from the moment the lock drops, the last thread may free the page
	 * tables, and a switch back to this thread (proc_switch loads
	 * next->mm) must not load them again.  Until mm_activate(NULL)
	 * below, this CPU's active_mm still names them, so mm_unlazy's IPI
	 * reaches it.
	 */
	if (!last)
		t->mm = NULL;
	if (t->files)
		files_thread_leave(t->files);    /* done with descriptors */
	p->utime_ns += utime;
	p->stime_ns += stime;
	if (p->exec_thread && p->nthreads == 1)
		waitq_wake_all(&p->exec_wait);
	spin_unlock(&proc_tree_lock);
	if (last)
		proc_die(p, p->group_exit ? p->group_exit_status : status);
	else
		mm_activate(NULL);   /* the others keep the address space */
	thread_exit(0);
}

void
proc_exit_group(int status)
{
	struct proc *p = current_proc();

	spin_lock(&proc_tree_lock);
	if (!p->group_exit) {
		p->group_exit = true;
		p->group_exit_status = status;
		list_for_each(n, &p->threads) {
			struct proc_thread *pt = list_entry(n, struct proc_thread, node);
			if (pt->thread != current()) {
				pt->thread->sig_pending = true;
				sched_wake_interruptible(pt->thread);
			}
		}
	}
	status = p->group_exit_status;
	spin_unlock(&proc_tree_lock);
	proc_exit_thread(status);
}

long
sys_exit(int code)
{
	proc_exit_thread(W_EXITCODE(code & 0xff, 0));
}

long
sys_exit_group(int code)
{
	proc_exit_group(W_EXITCODE(code & 0xff, 0));
}

/* ---- wait ---- */

struct wait_req {
	int idtype;          /* P_ALL, P_PID, P_PGID */
	int id;
	int options;
	/* results */
	int pid, status, code, sig;
	uint32_t uid;
	uint64_t utime_ns, stime_ns;
};

static bool
wait_matches(const struct wait_req *w, const struct proc *c)
{
	switch (w->idtype) {
	case P_PID: return c->pid == w->id;
	case P_PGID: return c->pgid == w->id;
	default: return true;
	}
}

/* Collect a zombie: it disappears.  => proc_tree_lock held. */
static void
reap_locked(struct proc *me, struct proc *c, struct wait_req *w)
{
	w->pid = c->pid;
	w->status = c->exit_status;
	w->uid = c->cred.uid;
	w->code = WIFEXITED(c->exit_status) ? CLD_EXITED :
		  (c->exit_status & W_COREFLAG) ? CLD_DUMPED : CLD_KILLED;
	w->sig = WIFEXITED(c->exit_status) ? WEXITSTATUS(c->exit_status) : WTERMSIG(c->exit_status);
	w->utime_ns = c->utime_ns + c->cutime_ns;
	w->stime_ns = c->stime_ns + c->cstime_ns;
	if (!(w->options & WNOWAIT)) {
		me->cutime_ns += w->utime_ns;
		me->cstime_ns += w->stime_ns;
		list_remove(&c->sibling);
		list_remove(&c->all_node);
	}
}

/* One pass over the children.  => pid found, 0 if none ready, -ECHILD. */
static int
wait_scan_locked(struct proc *me, struct wait_req *w, struct proc **reaped)
{
	bool any = false;

	list_for_each(n, &me->children) {
		struct proc *c = list_entry(n, struct proc, sibling);

		if (!wait_matches(w, c))
			continue;
		any = true;
		if (c->state == P_ZOMBIE && (w->options & WEXITED)) {
			reap_locked(me, c, w);
			if (!(w->options & WNOWAIT))
				*reaped = c;
			return w->pid;
		}
		if (c->state == P_ALIVE && c->stopped && c->report_stop &&
		    (w->options & WUNTRACED)) {
			if (!(w->options & WNOWAIT))
				c->report_stop = false;
			w->pid = c->pid;
			w->status = W_STOPCODE(c->stop_sig);
			w->code = CLD_STOPPED;
			w->sig = c->stop_sig;
			w->uid = c->cred.uid;
			return w->pid;
		}
		if (c->report_cont && (w->options & WCONTINUED)) {
			if (!(w->options & WNOWAIT))
				c->report_cont = false;
			w->pid = c->pid;
			w->status = W_CONTINUED;
			w->code = CLD_CONTINUED;
			w->sig = SIGCONT;
			w->uid = c->cred.uid;
			return w->pid;
		}
	}
	return any ? 0 : -ECHILD;
}

static int
do_wait(struct wait_req *w)
{
	struct proc *me = current_proc(), *reaped = NULL;
	int r;

	spin_lock(&proc_tree_lock);
	for (;;) {
		r = wait_scan_locked(me, w, &reaped);
		if (r != 0 || (w->options & WNOHANG))
			break;
		if (waitq_sleep(&me->child_wait, &proc_tree_lock, 0, true)) {
			r = -ERESTARTSYS;
			break;
		}
	}
	spin_unlock(&proc_tree_lock);
	if (reaped)
		proc_put(reaped);
	return r;
}

static void
ns_to_timeval(uint64_t ns, struct timeval *tv)
{
	tv->tv_sec = (int64_t)(ns / 1000000000);
	tv->tv_usec = (int64_t)(ns % 1000000000 / 1000);
}

static int
put_rusage(struct rusage_k *uru, const struct wait_req *w)
{
	struct rusage_k ru = { 0 };

	if (!uru)
		return 0;
	ns_to_timeval(w->utime_ns, &ru.ru_utime);
	ns_to_timeval(w->stime_ns, &ru.ru_stime);
	return copy_to_user(uru, &ru, sizeof(ru));
}

long
sys_wait4(int pid, int *ustatus, int options, struct rusage_k *uru)
{
	struct wait_req w = { .options = options | WEXITED };
	int r;

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WALL | __WCLONE | __WNOTHREAD))
		return -EINVAL;
	if (pid < -1) {
		w.idtype = P_PGID;
		w.id = -pid;
	} else if (pid == 0) {
		w.idtype = P_PGID;
		w.id = current_proc()->pgid;
	} else if (pid > 0) {
		w.idtype = P_PID;
		w.id = pid;
	}
	r = do_wait(&w);
	if (r > 0 && ustatus && put_user(w.status, ustatus))
		return -EFAULT;
	if (r > 0 && put_rusage(uru, &w))
		return -EFAULT;
	return r;
}

long
sys_waitid(int idtype, int id, struct siginfo_k *uinfo, int options, struct rusage_k *uru)
{
	struct wait_req w = { .idtype = idtype, .id = id, .options = options };
	struct siginfo_k si = { 0 };
	int r;

	if (idtype != P_ALL && idtype != P_PID && idtype != P_PGID)
		return -EINVAL;
	if (!(options & (WEXITED | WSTOPPED | WCONTINUED)) ||
	    (options & ~(WNOHANG | WEXITED | WSTOPPED | WCONTINUED | WNOWAIT |
			 __WALL | __WCLONE | __WNOTHREAD)))
		return -EINVAL;
	if (options & WSTOPPED)
		w.options |= WUNTRACED;
	r = do_wait(&w);
	if (r < 0)
		return r;
	if (r > 0) {
		si.si_signo = SIGCHLD;
		si.si_code = w.code;
		si.si_pid = w.pid;
		si.si_uid = w.uid;
		si.si_status = w.sig;
	}
	if (uinfo && copy_to_user(uinfo, &si, sizeof(si)))
		return -EFAULT;
	if (r > 0 && put_rusage(uru, &w))
		return -EFAULT;
	return 0;
}
