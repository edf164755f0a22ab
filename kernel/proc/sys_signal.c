// SPDX-License-Identifier: MIT
/*
 * The signal system calls: actions, masks, waiting for signals, sending
 * them, returning from handlers, and the real-time interval timer (alarm,
 * setitimer) that raises SIGALRM.
 */
#include "proc/proc.h"
#include "proc/syscalls.h"
#include "proc/internal.h"
#include "arch/arch.h"
#include "arch/x86_64/trap.h"
#include "lib/string.h"
#include "mm/usercopy.h"
#include "sched/timer.h"
#include "syscall/syscall.h"
#include "uapi/errno.h"
#include "uapi/time.h"

#define SIGBIT(s) (1ull << ((s) - 1))
#define UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))

static bool
valid_sig(int sig)
{
	return sig >= 1 && sig <= NSIG_K;
}

long
sys_rt_sigaction(int sig, const struct ksigaction *uact, struct ksigaction *uold,
		 size_t sigsetsize)
{
	struct proc *p = current_proc();
	struct ksigaction act, old;

	if (sigsetsize != 8 || !valid_sig(sig))
		return -EINVAL;
	if (uact && copy_from_user(&act, uact, sizeof(act)))
		return -EFAULT;
	if (uact && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	spin_lock(&proc_tree_lock);
	old = p->sighand->action[sig];
	if (uact) {
		act.mask &= ~UNBLOCKABLE;
		p->sighand->action[sig] = act;
		/* Setting SIG_IGN (or an ignoring default) discards what is pending. */
		if (act.handler == SIG_IGN || (act.handler == SIG_DFL &&
		    (sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH))) {
			sigpending_drop(&p->shared_pending, SIGBIT(sig));
			list_for_each(n, &p->threads)
				sigpending_drop(&list_entry(n, struct proc_thread, node)->pending,
						SIGBIT(sig));
		}
	}
	spin_unlock(&proc_tree_lock);
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

/* Change this thread's mask.  => proc_tree_lock held. */
static void
set_mask_locked(struct thread *t, uint64_t mask)
{
	pt_of(t)->sigmask = mask & ~UNBLOCKABLE;
	signal_recalc(t);
}

long
sys_rt_sigprocmask(int how, const uint64_t *uset, uint64_t *uold, size_t sigsetsize)
{
	struct thread *t = current();
	uint64_t set = 0, old;

	if (sigsetsize != 8)
		return -EINVAL;
	if (uset && copy_from_user(&set, uset, sizeof(set)))
		return -EFAULT;
	if (uset && how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
		return -EINVAL;
	spin_lock(&proc_tree_lock);
	old = pt_of(t)->sigmask;
	if (uset) {
		uint64_t m = how == SIG_BLOCK ? old | set : how == SIG_UNBLOCK ? old & ~set : set;
		set_mask_locked(t, m);
	}
	spin_unlock(&proc_tree_lock);
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long
sys_rt_sigpending(uint64_t *uset, size_t sigsetsize)
{
	struct thread *t = current();
	uint64_t set;

	if (sigsetsize != 8)
		return -EINVAL;
	spin_lock(&proc_tree_lock);
	set = (pt_of(t)->pending.set | t->proc->shared_pending.set) & pt_of(t)->sigmask;
	spin_unlock(&proc_tree_lock);
	return copy_to_user(uset, &set, sizeof(set)) ? -EFAULT : 0;
}

/* Sleep until a signal arrives (or the timeout, 0 = none). */
static int
sleep_for_signal(uint64_t timeout_ns)
{
	struct waitq nobody;

	waitq_init(&nobody);
	return waitq_sleep(&nobody, NULL, timeout_ns, true);
}

long
sys_rt_sigsuspend(const uint64_t *umask, size_t sigsetsize)
{
	struct thread *t = current();
	struct proc_thread *pt = pt_of(t);
	uint64_t mask;

	if (sigsetsize != 8)
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return -EFAULT;
	spin_lock(&proc_tree_lock);
	pt->saved_sigmask = pt->sigmask;
	pt->restore_sigmask = true;
	set_mask_locked(t, mask);
	spin_unlock(&proc_tree_lock);
	while (!t->sig_pending)
		sleep_for_signal(0);
	return -ERESTARTNOHAND;
}

long
sys_pause(void)
{
	while (!current()->sig_pending)
		sleep_for_signal(0);
	return -ERESTARTNOHAND;
}

/* Take a pending signal from set, whatever the mask.  => proc_tree_lock held. */
static int
take_from_set(struct thread *t, uint64_t set, struct ksiginfo *info)
{
	struct sigpending *sps[2] = { &pt_of(t)->pending, &t->proc->shared_pending };

	for (int i = 0; i < 2; i++) {
		uint64_t m = sps[i]->set & set;
		if (m) {
			int sig = __builtin_ctzll(m) + 1;
			sigpending_take(sps[i], sig, info);
			return sig;
		}
	}
	return 0;
}

long
sys_rt_sigtimedwait(const uint64_t *uset, struct siginfo_k *uinfo,
		    const struct timespec *uts, size_t sigsetsize)
{
	struct thread *t = current();
	struct proc_thread *pt = pt_of(t);
	struct timespec ts;
	struct ksiginfo info;
	uint64_t set, saved, timeout = 0, deadline = 0;
	int sig;

	if (sigsetsize != 8)
		return -EINVAL;
	if (copy_from_user(&set, uset, sizeof(set)))
		return -EFAULT;
	if (uts) {
		if (copy_from_user(&ts, uts, sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
			return -EINVAL;
		timeout = (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
		deadline = time_ns() + timeout;
	}
	set &= ~UNBLOCKABLE;
	for (;;) {
		spin_lock(&proc_tree_lock);
		sig = take_from_set(t, set, &info);
		saved = pt->sigmask;
		if (!sig)
			set_mask_locked(t, saved & ~set);   /* let the set wake us */
		spin_unlock(&proc_tree_lock);
		if (sig)
			break;
		if (uts && (timeout == 0 || time_ns() >= deadline)) {
			sig = -EAGAIN;
		} else {
			int r = sleep_for_signal(uts ? deadline - time_ns() : 0);
			if (r == -ETIMEDOUT)
				sig = -EAGAIN;
		}
		spin_lock(&proc_tree_lock);
		set_mask_locked(t, saved);
		if (sig == 0 && (t->sig_pending && !((pt->pending.set | t->proc->shared_pending.set) & set)))
			sig = -EINTR;
		spin_unlock(&proc_tree_lock);
		if (sig == -EAGAIN)
			return -EAGAIN;
		if (sig == -EINTR)
			return -ERESTARTNOHAND;
	}
	if (uinfo) {
		struct siginfo_k si;
		signal_fill_siginfo(&si, sig, &info);
		if (copy_to_user(uinfo, &si, sizeof(si)))
			return -EFAULT;
	}
	return sig;
}

long
sys_rt_sigreturn(void)
{
	struct trap_frame *tf = syscall_user_frame();
	struct thread *t = current();
	struct proc_thread *pt = pt_of(t);
	struct sigaltstack_k ss;
	uint64_t mask;

	if (arch_restore_sigframe(tf, &mask, &pt->fpu, &ss)) {
		signal_force_fault(SIGSEGV, SI_KERNEL, 0);
		return 0;
	}
	fpu_restore(&pt->fpu);
	spin_lock(&proc_tree_lock);
	set_mask_locked(t, mask);
	spin_unlock(&proc_tree_lock);
	if (!(ss.ss_flags & SS_DISABLE) && ss.ss_size >= MINSIGSTKSZ) {
		pt->altstack_sp = ss.ss_sp;
		pt->altstack_size = ss.ss_size;
		pt->altstack_flags = ss.ss_flags & ~SS_ONSTACK;
	}
	t->full_restore = true;
	return (long)tf->rax;   /* the dispatcher stores this back: unchanged */
}

long
sys_sigaltstack(const struct sigaltstack_k *uss, struct sigaltstack_k *uold)
{
	struct proc_thread *pt = pt_of(current());
	uint64_t sp = syscall_user_frame()->rsp;
	bool on = !(pt->altstack_flags & SS_DISABLE) && sp > pt->altstack_sp &&
		  sp <= pt->altstack_sp + pt->altstack_size;
	struct sigaltstack_k old = { pt->altstack_sp,
				     on ? SS_ONSTACK : (pt->altstack_flags & (int)SS_DISABLE ?
							SS_DISABLE : 0) | (pt->altstack_flags & (int)SS_AUTODISARM),
				     0, pt->altstack_size };
	struct sigaltstack_k ss;

	if (uss) {
		if (copy_from_user(&ss, uss, sizeof(ss)))
			return -EFAULT;
		if (on)
			return -EPERM;
		if (ss.ss_flags & ~(SS_DISABLE | SS_ONSTACK | (int)SS_AUTODISARM))
			return -EINVAL;
		if (ss.ss_flags & SS_DISABLE) {
			pt->altstack_sp = pt->altstack_size = 0;
			pt->altstack_flags = SS_DISABLE;
		} else {
			if (ss.ss_size < MINSIGSTKSZ)
				return -ENOMEM;
			pt->altstack_sp = ss.ss_sp;
			pt->altstack_size = ss.ss_size;
			pt->altstack_flags = ss.ss_flags & (int)SS_AUTODISARM;
		}
	}
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

/* ---- sending ---- */

/* May the current process signal p?  => proc_tree_lock held. */
static bool
may_signal(struct proc *p, int sig)
{
	const struct cred *c = current()->cred;

	if (c->euid == 0 || c->euid == p->cred.uid || c->euid == p->cred.suid ||
	    c->uid == p->cred.uid || c->uid == p->cred.suid)
		return true;
	return sig == SIGCONT && p->sid == current_proc()->sid;
}

static void
user_info(struct ksiginfo *info, int sig, int code)
{
	*info = (struct ksiginfo){ .signo = sig, .code = code,
				   .pid = current_proc()->pid,
				   .uid = current()->cred->uid };
}

static long
kill_one_locked(struct proc *p, int sig, const struct ksiginfo *info)
{
	if (!may_signal(p, sig))
		return -EPERM;
	return signal_send_locked(p, sig, info);
}

static long
kill_many_locked(int pid, int sig, const struct ksiginfo *info)
{
	struct proc *me = current_proc();
	int pgid = pid == 0 ? me->pgid : -pid;
	long r = -ESRCH, e;
	bool any = false;

	list_for_each(n, &all_procs) {
		struct proc *p = list_entry(n, struct proc, all_node);

		if (p->state != P_ALIVE)
			continue;
		if (pid == -1 ? (p == init_proc || p == me) : p->pgid != pgid)
			continue;
		e = kill_one_locked(p, sig, info);
		if (e == 0)
			any = true, r = 0;
		else if (!any)
			r = e;
	}
	return r;
}

long
sys_kill(int pid, int sig)
{
	struct ksiginfo info;
	struct proc *p;
	long r;

	if (sig < 0 || sig > NSIG_K)
		return -EINVAL;
	user_info(&info, sig, SI_USER);
	spin_lock(&proc_tree_lock);
	if (pid > 0) {
		p = proc_find_locked(pid);
		r = p ? kill_one_locked(p, sig, &info) : -ESRCH;
	} else {
		r = kill_many_locked(pid, sig, &info);
	}
	spin_unlock(&proc_tree_lock);
	return r;
}

static long
kill_thread(int tgid, int tid, int sig)
{
	struct ksiginfo info;
	struct thread *t;
	long r;

	if (sig < 0 || sig > NSIG_K || tid <= 0 || tgid == 0 || tgid < -1)
		return -EINVAL;
	user_info(&info, sig, SI_TKILL);
	spin_lock(&proc_tree_lock);
	t = thread_find_locked(tid);
	if (!t || (tgid > 0 && t->proc->pid != tgid))
		r = -ESRCH;
	else if (!may_signal(t->proc, sig))
		r = -EPERM;
	else
		r = 0;
	spin_unlock(&proc_tree_lock);
	if (r == 0 && sig)
		r = signal_send_thread(t, sig, &info);
	return r;
}

/* sigqueue(3): a signal with a value, sent through rt_sigqueueinfo. */
static int
info_from_user(const struct siginfo_k *uinfo, int sig, struct ksiginfo *info, bool self)
{
	struct siginfo_k si;

	if (copy_from_user(&si, uinfo, sizeof(si)))
		return -EFAULT;
	/* Others may not forge kernel- or kill()-made information. */
	if (!self && (si.si_code >= 0 || si.si_code == SI_TKILL))
		return -EPERM;
	*info = (struct ksiginfo){ .signo = sig, .code = si.si_code, .pid = si.si_pid,
				   .uid = si.si_uid, .value = si.si_value };
	return 0;
}

long
sys_rt_sigqueueinfo(int pid, int sig, const struct siginfo_k *uinfo)
{
	struct ksiginfo info;
	struct proc *p;
	long r;

	if (sig < 0 || sig > NSIG_K)
		return -EINVAL;
	if ((r = info_from_user(uinfo, sig, &info, pid == current_proc()->pid)))
		return r;
	spin_lock(&proc_tree_lock);
	p = proc_find_locked(pid);
	r = !p ? -ESRCH : !may_signal(p, sig) ? -EPERM : signal_send_locked(p, sig, &info);
	spin_unlock(&proc_tree_lock);
	return r;
}

long
sys_rt_tgsigqueueinfo(int tgid, int tid, int sig, const struct siginfo_k *uinfo)
{
	struct ksiginfo info;
	struct thread *t;
	long r;

	if (sig < 0 || sig > NSIG_K || tgid <= 0 || tid <= 0)
		return -EINVAL;
	if ((r = info_from_user(uinfo, sig, &info, tgid == current_proc()->pid)))
		return r;
	spin_lock(&proc_tree_lock);
	t = thread_find_locked(tid);
	r = !t || t->proc->pid != tgid ? -ESRCH : !may_signal(t->proc, sig) ? -EPERM : 0;
	spin_unlock(&proc_tree_lock);
	return r ? r : signal_send_thread(t, sig, &info);
}

long
sys_tkill(int tid, int sig)
{
	return kill_thread(-1, tid, sig);
}

long
sys_tgkill(int tgid, int tid, int sig)
{
	if (tgid <= 0)
		return -EINVAL;
	return kill_thread(tgid, tid, sig);
}

/* ---- ITIMER_REAL and alarm ---- */

void
proc_itimer_fire(void *arg)
{
	struct proc *p = arg;
	struct ksiginfo info = { .signo = SIGALRM, .code = SI_TIMER };

	spin_lock(&proc_tree_lock);
	signal_send_locked(p, SIGALRM, &info);
	if (p->itimer_interval_ns && p->state == P_ALIVE)
		ktimer_arm(&p->itimer_real, time_ns() + p->itimer_interval_ns);
	spin_unlock(&proc_tree_lock);
}

static uint64_t
itimer_remaining(struct proc *p)
{
	uint64_t now = time_ns(), d = p->itimer_real.deadline_ns;

	return p->itimer_real.armed && d > now ? d - now : 0;
}

static void
ns_to_tv(uint64_t ns, struct timeval *tv)
{
	tv->tv_sec = (int64_t)(ns / 1000000000);
	tv->tv_usec = (int64_t)(ns % 1000000000 / 1000);
}

/*
 * ITIMER_VIRTUAL counts down in user time and ITIMER_PROF in user plus
 * system time; the tick charges them one tick at a time.
 */
void
proc_itimer_tick(struct thread *t, bool from_user)
{
	static const int sigs[3] = { 0, SIGVTALRM, SIGPROF };
	struct proc *p = t->proc;
	uint64_t tick = 1000000000ull / sched_hz;

	if (!p->itimer_left_ns[ITIMER_VIRTUAL] && !p->itimer_left_ns[ITIMER_PROF])
		return;
	spin_lock(&proc_tree_lock);
	for (int which = ITIMER_VIRTUAL; which <= ITIMER_PROF; which++) {
		uint64_t *left = &p->itimer_left_ns[which];
		if (!*left || (which == ITIMER_VIRTUAL && !from_user))
			continue;
		if (*left > tick) {
			*left -= tick;
			continue;
		}
		*left = p->itimer_reload_ns[which];
		signal_send_locked(p, sigs[which], NULL);
	}
	spin_unlock(&proc_tree_lock);
}

long
sys_getitimer(int which, struct itimerval_k *ucur)
{
	struct proc *p = current_proc();
	struct itimerval_k cur = { 0 };

	if (which == ITIMER_VIRTUAL || which == ITIMER_PROF) {
		ns_to_tv(p->itimer_left_ns[which], &cur.it_value);
		ns_to_tv(p->itimer_reload_ns[which], &cur.it_interval);
	} else if (which == ITIMER_REAL) {
		ns_to_tv(itimer_remaining(p), &cur.it_value);
		ns_to_tv(p->itimer_interval_ns, &cur.it_interval);
	} else {
		return -EINVAL;
	}
	return copy_to_user(ucur, &cur, sizeof(cur)) ? -EFAULT : 0;
}

static int
tv_to_ns(const struct timeval *tv, uint64_t *ns)
{
	if (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000)
		return -EINVAL;
	*ns = (uint64_t)tv->tv_sec * 1000000000 + (uint64_t)tv->tv_usec * 1000;
	return 0;
}

long
sys_setitimer(int which, const struct itimerval_k *unew, struct itimerval_k *uold)
{
	struct proc *p = current_proc();
	struct itimerval_k nv = { 0 }, old = { 0 };
	uint64_t value, interval;

	if (which != ITIMER_REAL && which != ITIMER_VIRTUAL && which != ITIMER_PROF)
		return -EINVAL;
	if (unew && copy_from_user(&nv, unew, sizeof(nv)))
		return -EFAULT;
	if (tv_to_ns(&nv.it_value, &value) || tv_to_ns(&nv.it_interval, &interval))
		return -EINVAL;
	if (which != ITIMER_REAL) {
		ns_to_tv(p->itimer_left_ns[which], &old.it_value);
		ns_to_tv(p->itimer_reload_ns[which], &old.it_interval);
		p->itimer_left_ns[which] = value;
		p->itimer_reload_ns[which] = interval;
		return uold && copy_to_user(uold, &old, sizeof(old)) ? -EFAULT : 0;
	}
	ns_to_tv(itimer_remaining(p), &old.it_value);
	ns_to_tv(p->itimer_interval_ns, &old.it_interval);
	ktimer_cancel(&p->itimer_real);
	p->itimer_interval_ns = interval;
	if (value)
		ktimer_arm(&p->itimer_real, time_ns() + value);
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long
sys_alarm(unsigned seconds)
{
	struct proc *p = current_proc();
	uint64_t left = itimer_remaining(p);

	ktimer_cancel(&p->itimer_real);
	p->itimer_interval_ns = 0;
	if (seconds)
		ktimer_arm(&p->itimer_real, time_ns() + (uint64_t)seconds * 1000000000);
	/* Round up: a pending alarm never reports 0 seconds left. */
	return (long)((left + 999999999) / 1000000000);
}
