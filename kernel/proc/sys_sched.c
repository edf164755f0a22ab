// SPDX-License-Identifier: MIT
/*
 * Scheduling system calls: policy and real-time priority
 * (sched_setscheduler and friends), nice values (setpriority,
 * getpriority) and affinity (sched_setaffinity, sched_getaffinity).
 *
 * This file finds the target and decides whether the caller may touch
 * it; the change itself is the scheduler's (sched/params.c).  Targets are
 * looked up and changed under proc_tree_lock, so a thread cannot exit
 * halfway; user memory is copied before the lock is taken or after it is
 * dropped.  A pid of 0 means the calling thread.  As on Linux, the sched_*
 * calls act on one thread (a tid), setpriority on whole processes.
 *
 * Permissions, as Linux's with every RLIMIT_RTPRIO and RLIMIT_NICE at 0:
 * uid 0 may do anything; anyone else may change only threads whose real or
 * effective uid is the caller's effective uid, may not choose a real-time
 * policy, and may only lower priority (raise nice).
 */
#include "proc/proc.h"
#include "proc/internal.h"
#include "lib/string.h"
#include "mm/usercopy.h"
#include "uapi/errno.h"
#include "uapi/time.h"

#define SCHED_RESET_ON_FORK 0x40000000
#define PRIO_PROCESS 0
#define PRIO_PGRP    1
#define PRIO_USER    2
#define CPUMASK_BYTES 8        /* Keel's cpumask: 64 CPUs */

struct sched_param_k {
	int sched_priority;
};

long sys_sched_setscheduler(int pid, int policy, const struct sched_param_k *uparam);
long sys_sched_setparam(int pid, const struct sched_param_k *uparam);
long sys_sched_getscheduler(int pid);
long sys_sched_getparam(int pid, struct sched_param_k *uparam);
long sys_sched_get_priority_max(int policy);
long sys_sched_get_priority_min(int policy);
long sys_sched_rr_get_interval(int pid, struct timespec *uts);
long sys_setpriority(int which, int who, int prio);
long sys_getpriority(int which, int who);
long sys_sched_setaffinity(int pid, size_t len, const uint8_t *umask);
long sys_sched_getaffinity(int pid, size_t len, uint8_t *umask);

static const struct cred *
my_cred(void)
{
	return &current_proc()->cred;
}

static bool
is_root(void)
{
	return my_cred()->euid == 0;
}

/* May the caller change threads of p?  => proc_tree_lock held */
static bool
may_change(const struct proc *p)
{
	const struct cred *me = my_cred();

	return me->euid == 0 || me->euid == p->cred.uid || me->euid == p->cred.euid;
}

/* The thread a sched_* call names.  => proc_tree_lock held */
static struct thread *
target_locked(int pid)
{
	if (pid < 0)
		return NULL;
	return pid == 0 ? current() : thread_find_locked(pid);
}

static bool
policy_known(int policy)
{
	return policy == SCHED_POLICY_NORMAL || policy == SCHED_POLICY_FIFO ||
	       policy == SCHED_POLICY_RR;
}

/* policy -1: keep the thread's policy (sched_setparam). */
static long
set_sched(int pid, int policy, const struct sched_param_k *uparam)
{
	struct sched_param_k param;
	struct thread *t;
	int old_policy, old_prio;
	long r;

	if (!uparam || pid < 0)
		return -EINVAL;
	if (copy_from_user(&param, uparam, sizeof(param)))
		return -EFAULT;
	spin_lock(&proc_tree_lock);
	t = target_locked(pid);
	if (!t) {
		r = -ESRCH;
		goto out;
	}
	sched_getscheduler(t, &old_policy, &old_prio);
	if (policy < 0)
		policy = old_policy;
	r = -EINVAL;
	if (!policy_known(policy))
		goto out;
	r = -EPERM;
	if (!may_change(t->proc))
		goto out;
	if (!is_root() && policy != SCHED_POLICY_NORMAL && param.sched_priority > 0)
		goto out;      /* RLIMIT_RTPRIO 0: no real time without privilege */
	r = sched_setscheduler(t, policy, param.sched_priority);
out:
	spin_unlock(&proc_tree_lock);
	return r;
}

long
sys_sched_setscheduler(int pid, int policy, const struct sched_param_k *uparam)
{
	if (policy < 0)
		return -EINVAL;
	return set_sched(pid, policy & ~SCHED_RESET_ON_FORK, uparam);
}

long
sys_sched_setparam(int pid, const struct sched_param_k *uparam)
{
	return set_sched(pid, -1, uparam);
}

/* Read a thread's base policy and priority.  => 0 or -ESRCH */
static long
get_sched(int pid, int *policy, int *prio)
{
	struct thread *t;

	if (pid < 0)
		return -EINVAL;
	spin_lock(&proc_tree_lock);
	t = target_locked(pid);
	if (t)
		sched_getscheduler(t, policy, prio);
	spin_unlock(&proc_tree_lock);
	return t ? 0 : -ESRCH;
}

long
sys_sched_getscheduler(int pid)
{
	int policy, prio;
	long r = get_sched(pid, &policy, &prio);

	return r ? r : policy;
}

long
sys_sched_getparam(int pid, struct sched_param_k *uparam)
{
	struct sched_param_k param = { 0 };
	int policy;
	long r;

	if (!uparam)
		return -EINVAL;
	r = get_sched(pid, &policy, &param.sched_priority);
	if (r)
		return r;
	return copy_to_user(uparam, &param, sizeof(param)) ? -EFAULT : 0;
}

long
sys_sched_get_priority_max(int policy)
{
	if (!policy_known(policy))
		return -EINVAL;
	return policy == SCHED_POLICY_NORMAL ? 0 : SCHED_RT_PRIO_MAX;
}

long
sys_sched_get_priority_min(int policy)
{
	if (!policy_known(policy))
		return -EINVAL;
	return policy == SCHED_POLICY_NORMAL ? 0 : SCHED_RT_PRIO_MIN;
}

long
sys_sched_rr_get_interval(int pid, struct timespec *uts)
{
	struct timespec ts;
	struct thread *t;
	uint64_t ns = 0;

	if (pid < 0)
		return -EINVAL;
	spin_lock(&proc_tree_lock);
	t = target_locked(pid);
	if (t)
		ns = sched_rr_interval_ns(t);
	spin_unlock(&proc_tree_lock);
	if (!t)
		return -ESRCH;
	ts.tv_sec = (long)(ns / 1000000000ull);
	ts.tv_nsec = (long)(ns % 1000000000ull);
	return copy_to_user(uts, &ts, sizeof(ts)) ? -EFAULT : 0;
}

/* The nice value a process shows: its first thread's. */
static int
proc_nice(struct proc *p)
{
	struct proc_thread *pt = list_first_entry_or_null(&p->threads, struct proc_thread, node);

	return pt ? sched_get_nice(pt->thread) : 0;
}

/* Does p fall under (which, who)?  => proc_tree_lock */
static bool
prio_match(struct proc *p, int which, int who)
{
	if (p->state != P_ALIVE)
		return false;
	switch (which) {
	case PRIO_PROCESS: return p->pid == (who ? who : current_proc()->pid);
	case PRIO_PGRP:    return p->pgid == (who ? who : current_proc()->pgid);
	default:           return p->cred.uid == (who ? (uid_t)who : my_cred()->uid);
	}
}

static long
set_one_nice(struct proc *p, int nice)
{
	if (!may_change(p))
		return -EPERM;
	if (nice < proc_nice(p) && !is_root())
		return -EACCES;         /* RLIMIT_NICE 0: only root raises priority */
	list_for_each(n, &p->threads)
		sched_set_nice(list_entry(n, struct proc_thread, node)->thread, nice);
	return 0;
}

long
sys_setpriority(int which, int who, int prio)
{
	long r = -ESRCH, e;

	if (which < PRIO_PROCESS || which > PRIO_USER || who < 0)
		return -EINVAL;
	prio = MAX(SCHED_NICE_MIN, MIN(SCHED_NICE_MAX, prio));
	spin_lock(&proc_tree_lock);
	list_for_each(n, &all_procs) {
		struct proc *p = list_entry(n, struct proc, all_node);

		if (!prio_match(p, which, who))
			continue;
		e = set_one_nice(p, prio);
		if (r == -ESRCH || e)
			r = e;
	}
	spin_unlock(&proc_tree_lock);
	return r;
}

/* The kernel's getpriority returns 20 - nice (1..40) so it is never negative. */
long
sys_getpriority(int which, int who)
{
	int best = SCHED_NICE_MAX + 1;

	if (which < PRIO_PROCESS || which > PRIO_USER || who < 0)
		return -EINVAL;
	spin_lock(&proc_tree_lock);
	list_for_each(n, &all_procs) {
		struct proc *p = list_entry(n, struct proc, all_node);

		if (prio_match(p, which, who))
			best = MIN(best, proc_nice(p));
	}
	spin_unlock(&proc_tree_lock);
	return best > SCHED_NICE_MAX ? -ESRCH : 20 - best;
}

long
sys_sched_setaffinity(int pid, size_t len, const uint8_t *umask)
{
	uint8_t buf[CPUMASK_BYTES] = { 0 };
	uint64_t mask;
	struct thread *t;
	long r;

	if (pid < 0)
		return -EINVAL;
	/* Longer masks are fine as long as the CPUs past 64 are not asked for. */
	if (copy_from_user(buf, umask, MIN(len, sizeof(buf))))
		return -EFAULT;
	memcpy(&mask, buf, sizeof(mask));
	spin_lock(&proc_tree_lock);
	t = target_locked(pid);
	if (!t)
		r = -ESRCH;
	else if (!may_change(t->proc))
		r = -EPERM;
	else if (t == current())
		r = 0;              /* below, without proc_tree_lock: it may yield */
	else
		r = sched_set_affinity(t, mask);
	spin_unlock(&proc_tree_lock);
	if (r == 0 && t == current())
		r = sched_set_affinity(t, mask);
	return r;
}

long
sys_sched_getaffinity(int pid, size_t len, uint8_t *umask)
{
	uint64_t mask = 0;
	struct thread *t;

	if (pid < 0 || len < CPUMASK_BYTES || (len & 7))
		return -EINVAL;
	spin_lock(&proc_tree_lock);
	t = target_locked(pid);
	if (t)
		mask = sched_get_affinity(t);
	spin_unlock(&proc_tree_lock);
	if (!t)
		return -ESRCH;
	if (copy_to_user(umask, &mask, sizeof(mask)) || clear_user(umask + 8, len - 8))
		return -EFAULT;
	return CPUMASK_BYTES;   /* the size of the kernel's mask, as Linux returns */
}
