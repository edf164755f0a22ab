// SPDX-License-Identifier: MIT
/*
 * Signals: generation and delivery.
 *
 * Generation (kill, a fault, a child's death, a timer, ^C on the tty)
 * marks the signal pending, either for the whole process (any thread that
 * does not block it may take it) or for one thread (faults, tkill).  Then
 * a thread that can take it is woken if it sleeps interruptibly, so a
 * blocked read() returns early with -ERESTARTSYS.
 *
 * Delivery happens on the way back to user mode (signal_return_to_user),
 * the only point where a thread's user registers are saved and consistent.
 * The thread takes its lowest-numbered unblocked pending signal and:
 *   - ignores it (SIG_IGN, or a default action of "ignore");
 *   - performs the default action: terminate, terminate with "core",
 *     stop (job control: every thread sleeps until SIGCONT), continue;
 *   - or runs the handler: the user registers and the signal mask are saved
 *     in a frame on the user stack (arch/x86_64/sigframe.c), the registers
 *     are aimed at the handler, and the handler's return calls rt_sigreturn,
 *     which restores everything from the frame.
 * A system call that a signal interrupted is restarted or fails with EINTR
 * here too, as its return code and the handler's SA_RESTART say.
 *
 * Locking: all signal state is under proc_tree_lock (see proc.h).
 */
#include "proc/proc.h"
#include "proc/internal.h"
#include "arch/arch.h"
#include "arch/x86_64/trap.h"
#include "core/printk.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "uapi/errno.h"

#define VEC_SYSCALL 0x100
#define NR_restart_syscall 219
#define SIGBIT(s) (1ull << ((s) - 1))
#define STOP_SIGS (SIGBIT(SIGSTOP) | SIGBIT(SIGTSTP) | SIGBIT(SIGTTIN) | SIGBIT(SIGTTOU))
#define UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))
#define SYNC_SIGS (SIGBIT(SIGSEGV) | SIGBIT(SIGBUS) | SIGBIT(SIGILL) | SIGBIT(SIGFPE) | \
		   SIGBIT(SIGTRAP) | SIGBIT(SIGSYS))

enum dfl { D_TERM, D_CORE, D_STOP, D_CONT, D_IGN };

static enum dfl
default_action(int sig)
{
	switch (sig) {
	case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS:
	case SIGFPE: case SIGSEGV: case SIGXCPU: case SIGXFSZ: case SIGSYS:
		return D_CORE;
	case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
		return D_STOP;
	case SIGCONT:
		return D_CONT;
	case SIGCHLD: case SIGURG: case SIGWINCH:
		return D_IGN;
	default:
		return D_TERM;
	}
}

struct sighand *
sighand_copy(struct sighand *old)
{
	struct sighand *sh = kzalloc(sizeof(*sh));

	if (!sh)
		return NULL;
	sh->refs = 1;
	if (old) {
		spin_lock(&proc_tree_lock);
		memcpy(sh->action, old->action, sizeof(sh->action));
		spin_unlock(&proc_tree_lock);
	}
	return sh;
}

void
sighand_put(struct sighand *sh)
{
	if (sh && __atomic_sub_fetch(&sh->refs, 1, __ATOMIC_ACQ_REL) == 0)
		kfree(sh);
}

void
signal_reset_on_exec(struct proc *p)
{
	spin_lock(&proc_tree_lock);
	for (int s = 1; s <= NSIG_K; s++) {
		struct ksigaction *ka = &p->sighand->action[s];
		if (ka->handler != SIG_IGN)
			ka->handler = SIG_DFL;
		ka->flags = 0;
		ka->restorer = 0;
		ka->mask = 0;
	}
	spin_unlock(&proc_tree_lock);
}

static bool
sig_ignored(struct proc *p, int sig)
{
	const struct ksigaction *ka = &p->sighand->action[sig];

	if (sig == SIGKILL || sig == SIGSTOP)
		return false;
	return ka->handler == SIG_IGN ||
	       (ka->handler == SIG_DFL && default_action(sig) == D_IGN);
}

/* Recompute t->sig_pending.  => proc_tree_lock held */
void
signal_recalc(struct thread *t)
{
	struct proc_thread *pt = pt_of(t);
	struct proc *p = t->proc;
	uint64_t pend = (pt->pending.set | p->shared_pending.set) & ~pt->sigmask;

	__atomic_store_n(&t->sig_pending, pend || p->group_exit || p->stopped ||
			 pt->kill_for_exec, __ATOMIC_SEQ_CST);
}

bool
signal_pending_unblocked(struct thread *t)
{
	return t->sig_pending;
}

#define RTQ_MAX 1024   /* queued real-time signals per set (RLIMIT_SIGPENDING-like) */

struct sigqueue_entry {
	struct list_node node;
	struct ksiginfo info;
};

void
sigpending_init(struct sigpending *sp)
{
	sp->set = 0;
	sp->nrt = 0;
	list_init(&sp->rtq);
}

/* Forget pending signals in mask (queued real-time ones too). */
void
sigpending_drop(struct sigpending *sp, uint64_t mask)
{
	sp->set &= ~mask;
	list_for_each_safe(n, &sp->rtq) {
		struct sigqueue_entry *q = list_entry(n, struct sigqueue_entry, node);
		if (mask & SIGBIT(q->info.signo)) {
			list_remove(n);
			kfree(q);
			sp->nrt--;
		}
	}
}

/* Take one instance of sig.  => false if none was pending. */
bool
sigpending_take(struct sigpending *sp, int sig, struct ksiginfo *info)
{
	bool more = false, found = false;

	if (!(sp->set & SIGBIT(sig)))
		return false;
	if (sig < SIGRTMIN) {
		sp->set &= ~SIGBIT(sig);
		*info = sp->info[sig];
		return true;
	}
	list_for_each_safe(n, &sp->rtq) {
		struct sigqueue_entry *q = list_entry(n, struct sigqueue_entry, node);
		if (q->info.signo != sig)
			continue;
		if (found) {
			more = true;
			break;
		}
		*info = q->info;
		list_remove(n);
		kfree(q);
		sp->nrt--;
		found = true;
	}
	if (!more)
		sp->set &= ~SIGBIT(sig);
	return found;
}

static void
queue(struct sigpending *sp, int sig, const struct ksiginfo *info)
{
	struct ksiginfo ki = info ? *info : (struct ksiginfo){ .code = SI_KERNEL };
	struct sigqueue_entry *q;

	ki.signo = sig;
	if (sig < SIGRTMIN) {
		if (sp->set & SIGBIT(sig))
			return;   /* standard signals do not queue: one is pending already */
		sp->set |= SIGBIT(sig);
		sp->info[sig] = ki;
		return;
	}
	if (sp->nrt >= RTQ_MAX || !(q = kmalloc(sizeof(*q))))
		return;   /* as Linux, past the limit a real-time signal is dropped */
	q->info = ki;
	list_push_back(&sp->rtq, &q->node);
	sp->nrt++;
	sp->set |= SIGBIT(sig);
}

static void
wake_thread(struct thread *t)
{
	signal_recalc(t);
	if (t->sig_pending)
		sched_wake_interruptible(t);
}

/* SIGCONT and SIGKILL resume a stopped process; stop signals cancel SIGCONT. */
static void
stop_cont_effects(struct proc *p, int sig)
{
	if (sig == SIGCONT || sig == SIGKILL) {
		sigpending_drop(&p->shared_pending, STOP_SIGS);
		list_for_each(n, &p->threads)
			sigpending_drop(&list_entry(n, struct proc_thread, node)->pending, STOP_SIGS);
		if (p->stopped) {
			p->stopped = false;
			p->report_cont = sig == SIGCONT;
			p->report_stop = false;
			if (p->parent && sig == SIGCONT)
				waitq_wake_all(&p->parent->child_wait);
		}
		waitq_wake_all(&p->stop_wait);
	} else if (SIGBIT(sig) & STOP_SIGS) {
		sigpending_drop(&p->shared_pending, SIGBIT(SIGCONT));
	}
}

int
signal_send_locked(struct proc *p, int sig, const struct ksiginfo *info)
{
	if (sig < 0 || sig > NSIG_K)
		return -EINVAL;
	if (sig == 0 || p->state != P_ALIVE || p->group_exit)
		return 0;
	stop_cont_effects(p, sig);
	if (sig_ignored(p, sig))
		return 0;
	if (sig == SIGKILL) {
		p->group_exit = true;
		p->group_exit_status = SIGKILL;
	}
	queue(&p->shared_pending, sig, info);
	/* Wake every thread that could take it; the first to run wins. */
	list_for_each(n, &p->threads)
		wake_thread(list_entry(n, struct proc_thread, node)->thread);
	return 0;
}

int
signal_send(struct proc *p, int sig, const struct ksiginfo *info)
{
	int r;

	spin_lock(&proc_tree_lock);
	r = signal_send_locked(p, sig, info);
	spin_unlock(&proc_tree_lock);
	return r;
}

int
signal_send_thread(struct thread *t, int sig, const struct ksiginfo *info)
{
	struct proc *p = t->proc;

	if (sig < 0 || sig > NSIG_K)
		return -EINVAL;
	spin_lock(&proc_tree_lock);
	if (sig && p->state == P_ALIVE && !pt_of(t)->exiting) {
		stop_cont_effects(p, sig);
		if (!sig_ignored(p, sig)) {
			if (sig == SIGKILL) {
				p->group_exit = true;
				p->group_exit_status = SIGKILL;
			}
			queue(&pt_of(t)->pending, sig, info);
			wake_thread(t);
		}
	}
	spin_unlock(&proc_tree_lock);
	return 0;
}

int
signal_send_pgrp(int pgid, int sig, const struct ksiginfo *info)
{
	int found = 0;

	spin_lock(&proc_tree_lock);
	list_for_each(n, &all_procs) {
		struct proc *p = list_entry(n, struct proc, all_node);
		if (p->pgid == pgid && p->state == P_ALIVE) {
			signal_send_locked(p, sig, info);
			found++;
		}
	}
	spin_unlock(&proc_tree_lock);
	return found ? 0 : -ESRCH;
}

/* A fault the program cannot ignore or block: unblock and reset if needed. */
void
signal_force_fault(int sig, int code, uint64_t addr)
{
	struct thread *t = current();
	struct proc_thread *pt = pt_of(t);
	struct ksigaction *ka = &t->proc->sighand->action[sig];
	struct ksiginfo info = { .signo = sig, .code = code, .addr = addr };

	spin_lock(&proc_tree_lock);
	if ((pt->sigmask & SIGBIT(sig)) || ka->handler == SIG_IGN) {
		pt->sigmask &= ~SIGBIT(sig);
		ka->handler = SIG_DFL;
	}
	sigpending_drop(&pt->pending, SIGBIT(sig));
	queue(&pt->pending, sig, &info);
	signal_recalc(t);
	spin_unlock(&proc_tree_lock);
}

/* Take the next deliverable signal.  => proc_tree_lock held; 0 if none. */
static int
dequeue(struct thread *t, struct ksiginfo *info)
{
	struct proc_thread *pt = pt_of(t);
	struct proc *p = t->proc;
	struct sigpending *sp;
	uint64_t mine = pt->pending.set & ~pt->sigmask;
	uint64_t shared = p->shared_pending.set & ~pt->sigmask;
	uint64_t pick;
	int sig;

	if (!mine && !shared)
		return 0;
	/* SIGKILL first, then faults, then the thread's own, then the process's. */
	if ((mine | shared) & SIGBIT(SIGKILL)) {
		pick = SIGBIT(SIGKILL);
		sp = (mine & pick) ? &pt->pending : &p->shared_pending;
	} else if (mine) {
		pick = (mine & SYNC_SIGS) ? (mine & SYNC_SIGS) : mine;
		sp = &pt->pending;
	} else {
		pick = shared;
		sp = &p->shared_pending;
	}
	sig = __builtin_ctzll(pick) + 1;
	sigpending_take(sp, sig, info);
	return sig;
}

/* Job control: sleep until SIGCONT or SIGKILL. */
static void
do_stop(struct proc *p)
{
	spin_lock(&proc_tree_lock);
	while (p->stopped && !p->group_exit)
		waitq_sleep(&p->stop_wait, &proc_tree_lock, 0, false);
	signal_recalc(current());
	spin_unlock(&proc_tree_lock);
}

/* The default action of sig.  => proc_tree_lock held; returns with it released. */
static void
default_action_unlock(struct proc *p, int sig)
{
	struct ksiginfo ci = { .signo = SIGCHLD, .code = CLD_STOPPED, .pid = p->pid,
			       .uid = p->cred.uid, .status = sig };
	struct proc *parent = p->parent;

	switch (default_action(sig)) {
	case D_IGN:
	case D_CONT:
		spin_unlock(&proc_tree_lock);
		return;
	case D_STOP:
		if (!p->stopped) {
			p->stopped = true;
			p->stop_sig = sig;
			p->report_stop = true;
			list_for_each(n, &p->threads)
				wake_thread(list_entry(n, struct proc_thread, node)->thread);
			if (parent && parent != p) {
				if (!(parent->sighand->action[SIGCHLD].flags & SA_NOCLDSTOP))
					signal_send_locked(parent, SIGCHLD, &ci);
				waitq_wake_all(&parent->child_wait);
			}
		}
		spin_unlock(&proc_tree_lock);
		do_stop(p);
		return;
	case D_CORE:
		spin_unlock(&proc_tree_lock);
		proc_exit_group(sig | W_COREFLAG);
	case D_TERM:
		spin_unlock(&proc_tree_lock);
		proc_exit_group(sig);
	}
}

/* The interrupted system call: restart it, or fail it with EINTR. */
static void
syscall_restart(struct trap_frame *tf, const struct ksigaction *ka)
{
	long r = (long)tf->rax;

	if (tf->vector != VEC_SYSCALL)
		return;
	switch (r) {
	case -ERESTARTNOHAND:
	case -ERESTART_RESTARTBLOCK:
		if (ka) {
			tf->rax = (uint64_t)-EINTR;
			return;
		}
		break;
	case -ERESTARTSYS:
		if (ka && !(ka->flags & SA_RESTART)) {
			tf->rax = (uint64_t)-EINTR;
			return;
		}
		break;
	case -ERESTARTNOINTR:
		break;
	default:
		return;
	}
	tf->rax = r == -ERESTART_RESTARTBLOCK ? NR_restart_syscall : tf->error;
	tf->rip -= 2;   /* the syscall instruction is two bytes */
	tf->vector = 0; /* restart once, not again on a later pass */
}

void
signal_fill_siginfo(struct siginfo_k *si, int sig, const struct ksiginfo *info)
{
	memset(si, 0, sizeof(*si));
	si->si_signo = sig;
	si->si_code = info->code;
	si->si_errno = info->errno_;
	switch (sig) {
	case SIGSEGV: case SIGBUS: case SIGILL: case SIGFPE: case SIGTRAP:
		if (info->code > 0 && info->code < SI_KERNEL) {
			si->si_addr = info->addr;
			break;
		}
		__attribute__((fallthrough));   /* sent by kill() */
	default:
		si->si_pid = info->pid;
		si->si_uid = info->uid;
		if (sig == SIGCHLD)
			si->si_status = info->status;
		if (info->code == SI_QUEUE || info->code == SI_TIMER)
			si->si_value = info->value;
	}
}

/* Run the handler for sig.  => proc_tree_lock held; released on return. */
static void
run_handler(struct trap_frame *tf, int sig, struct ksigaction *ka,
	    const struct ksiginfo *info)
{
	struct thread *t = current();
	struct proc_thread *pt = pt_of(t);
	struct ksigaction act = *ka;
	struct siginfo_k si;
	uint64_t oldmask = pt->restore_sigmask ? pt->saved_sigmask : pt->sigmask;
	uint64_t sp = tf->rsp;
	bool on_alt;
	int r;

	pt->restore_sigmask = false;
	if (ka->flags & SA_RESETHAND)
		ka->handler = SIG_DFL;
	pt->sigmask |= act.mask | ((act.flags & SA_NODEFER) ? 0 : SIGBIT(sig));
	pt->sigmask &= ~UNBLOCKABLE;
	signal_recalc(t);
	spin_unlock(&proc_tree_lock);

	syscall_restart(tf, &act);
	on_alt = (act.flags & SA_ONSTACK) && !(pt->altstack_flags & SS_DISABLE) &&
		 !(sp > pt->altstack_sp && sp <= pt->altstack_sp + pt->altstack_size);
	if (on_alt)
		sp = pt->altstack_sp + pt->altstack_size;
	fpu_save(&pt->fpu);
	signal_fill_siginfo(&si, sig, info);
	r = arch_setup_sigframe(tf, sig, &act, &si, oldmask, sp, &pt->fpu, pt->altstack_sp,
				pt->altstack_size, pt->altstack_flags);
	if (r) {
		/* No room for the frame: the program dies as Linux's would. */
		proc_exit_group(SIGSEGV | W_COREFLAG);
	}
	if (on_alt && (pt->altstack_flags & SS_AUTODISARM))
		pt->altstack_flags = SS_DISABLE, pt->altstack_sp = pt->altstack_size = 0;
	fpu_init_state(&pt->fpu);
	fpu_restore(&pt->fpu);   /* handlers start with a clean FPU */
	t->full_restore = true;
}

void
signal_return_to_user(struct trap_frame *tf)
{
	struct thread *t = current();
	struct proc *p = t->proc;
	struct proc_thread *pt = pt_of(t);
	struct ksiginfo info;
	int sig;

	if (!p)
		return;
	for (;;) {
		if (!t->sig_pending && !pt->restore_sigmask)
			break;
		spin_lock(&proc_tree_lock);
		if (p->group_exit || pt->kill_for_exec) {
			int st = p->group_exit_status;
			spin_unlock(&proc_tree_lock);
			proc_exit_thread(st);
		}
		if (p->stopped) {
			spin_unlock(&proc_tree_lock);
			do_stop(p);
			continue;
		}
		sig = dequeue(t, &info);
		signal_recalc(t);
		if (!sig) {
			spin_unlock(&proc_tree_lock);
			break;
		}
		if (p->sighand->action[sig].handler == SIG_IGN) {
			spin_unlock(&proc_tree_lock);
			continue;
		}
		if (p->sighand->action[sig].handler == SIG_DFL) {
			default_action_unlock(p, sig);
			continue;
		}
		run_handler(tf, sig, &p->sighand->action[sig], &info);
		return;
	}
	syscall_restart(tf, NULL);
	if (pt->restore_sigmask) {
		spin_lock(&proc_tree_lock);
		pt->sigmask = pt->saved_sigmask;
		pt->restore_sigmask = false;
		signal_recalc(t);
		spin_unlock(&proc_tree_lock);
	}
}
