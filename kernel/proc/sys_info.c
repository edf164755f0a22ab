// SPDX-License-Identifier: MIT
/*
 * Small process and system information calls: uname, sysinfo, resource
 * limits and usage, times, arch_prctl (the thread pointer), prctl, and the
 * scheduler's yield and CPU number.
 */
#include "proc/proc.h"
#include "proc/internal.h"
#include "proc/syscalls.h"
#include "arch/arch.h"
#include "lib/string.h"
#include "mm/pmm.h"
#include "mm/usercopy.h"
#include "mm/vm.h"
#include "sched/timer.h"
#include "uapi/errno.h"
#include "uapi/time.h"

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004
#define PR_SET_PDEATHSIG 1
#define PR_GET_PDEATHSIG 2
#define PR_SET_NAME 15
#define PR_GET_NAME 16

struct utsname_k {
	char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

struct sysinfo_k {
	int64_t uptime;
	uint64_t loads[3];
	uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	uint16_t procs, pad;
	uint64_t totalhigh, freehigh;
	uint32_t mem_unit;
	char _f[0];
};

static char hostname[65] = "keel";
static char domainname[65] = "(none)";

long
sys_uname(struct utsname_k *ubuf)
{
	struct utsname_k u;

	memset(&u, 0, sizeof(u));
	strlcpy(u.sysname, "Linux", sizeof(u.sysname));   /* programs test for "Linux" */
	strlcpy(u.nodename, hostname, sizeof(u.nodename));
	/* The release says "keel" after a version that C libraries accept. */
	strlcpy(u.release, "6.1.0-keel", sizeof(u.release));
	strlcpy(u.version, "#1 SMP Keel", sizeof(u.version));
	strlcpy(u.machine, "x86_64", sizeof(u.machine));
	strlcpy(u.domainname, domainname, sizeof(u.domainname));
	return copy_to_user(ubuf, &u, sizeof(u)) ? -EFAULT : 0;
}

static long
set_name(char *dst, size_t size, const char *uname, int len)
{
	char buf[65];

	if (current()->cred->euid != 0)
		return -EPERM;
	if (len < 0 || len > 64)
		return -EINVAL;
	if (copy_from_user(buf, uname, (size_t)len))
		return -EFAULT;
	buf[len] = '\0';
	strlcpy(dst, buf, size);
	return 0;
}

const char *
proc_hostname(void)
{
	return hostname;
}

long
sys_sethostname(const char *uname, int len)
{
	return set_name(hostname, sizeof(hostname), uname, len);
}

long
sys_setdomainname(const char *uname, int len)
{
	return set_name(domainname, sizeof(domainname), uname, len);
}

long
sys_sysinfo(struct sysinfo_k *uinfo)
{
	struct sysinfo_k si;
	struct pmm_stats st;
	unsigned n = 0;

	memset(&si, 0, sizeof(si));
	pmm_stats(&st);
	spin_lock(&proc_tree_lock);
	list_for_each(it, &all_procs)
		n++;
	spin_unlock(&proc_tree_lock);
	si.uptime = (int64_t)(time_ns() / 1000000000);
	si.totalram = st.total_pages;
	si.freeram = st.free_pages;
	si.procs = (uint16_t)n;
	si.mem_unit = PAGE_SIZE;
	return copy_to_user(uinfo, &si, sizeof(si)) ? -EFAULT : 0;
}

/* ---- resource limits ---- */

static long
do_prlimit(struct proc *p, unsigned res, const struct rlimit *newl, struct rlimit *oldl)
{
	if (res >= RLIM_NLIMITS)
		return -EINVAL;
	if (newl) {
		if (newl->rlim_cur > newl->rlim_max)
			return -EINVAL;
		if (newl->rlim_max > p->rlim[res].rlim_max && current()->cred->euid != 0)
			return -EPERM;
	}
	spin_lock(&proc_tree_lock);
	if (oldl)
		*oldl = p->rlim[res];
	if (newl)
		p->rlim[res] = *newl;
	spin_unlock(&proc_tree_lock);
	return 0;
}

long
sys_getrlimit(unsigned res, struct rlimit *ulim)
{
	struct rlimit l;
	long r = do_prlimit(current_proc(), res, NULL, &l);

	return r ? r : copy_to_user(ulim, &l, sizeof(l)) ? -EFAULT : 0;
}

long
sys_setrlimit(unsigned res, const struct rlimit *ulim)
{
	struct rlimit l;

	if (copy_from_user(&l, ulim, sizeof(l)))
		return -EFAULT;
	return do_prlimit(current_proc(), res, &l, NULL);
}

long
sys_prlimit64(int pid, unsigned res, const struct rlimit *unew, struct rlimit *uold)
{
	struct rlimit nl, ol;
	struct proc *p;
	long r;

	if (unew && copy_from_user(&nl, unew, sizeof(nl)))
		return -EFAULT;
	spin_lock(&proc_tree_lock);
	p = pid == 0 ? current_proc() : proc_find_locked(pid);
	if (p)
		proc_get(p);
	spin_unlock(&proc_tree_lock);
	if (!p)
		return -ESRCH;
	if (p != current_proc() && current()->cred->euid != 0 &&
	    current()->cred->uid != p->cred.uid)
		r = -EPERM;
	else
		r = do_prlimit(p, res, unew ? &nl : NULL, &ol);
	proc_put(p);
	if (!r && uold && copy_to_user(uold, &ol, sizeof(ol)))
		return -EFAULT;
	return r;
}

/* ---- usage and times ---- */

static void
ns_to_tv(uint64_t ns, struct timeval *tv)
{
	tv->tv_sec = (int64_t)(ns / 1000000000);
	tv->tv_usec = (int64_t)(ns % 1000000000 / 1000);
}

/*
 * A thread's CPU time, split into user and system time in the proportion
 * the tick found it in each mode (sampling, as Linux does).
 */
void
proc_thread_times(struct thread *t, uint64_t *user, uint64_t *sys)
{
	uint64_t total = thread_cpu_time_ns(t), ut = t->utime_ticks, st = t->stime_ticks;

	uint64_t d = ut + st;

	/* total * ut / d without a 128-bit division (the remainder part stays small). */
	*user = d ? total / d * ut + total % d * ut / d : total;
	*sys = total - *user;
}

/* CPU time of p, user and system, in one snapshot: exited threads plus the live ones. */
void
proc_times(struct proc *p, uint64_t *user, uint64_t *sys)
{
	uint64_t u, s;

	spin_lock(&proc_tree_lock);
	*user = p->utime_ns;
	*sys = p->stime_ns;
	list_for_each(n, &p->threads) {
		proc_thread_times(list_entry(n, struct proc_thread, node)->thread, &u, &s);
		*user += u;
		*sys += s;
	}
	spin_unlock(&proc_tree_lock);
}

long
sys_getrusage(int who, struct rusage_k *uru)
{
	struct proc *p = current_proc();
	struct rusage_k ru;

	memset(&ru, 0, sizeof(ru));
	switch (who) {
	case RUSAGE_SELF: {
		uint64_t u, s;
		proc_times(p, &u, &s);
		ns_to_tv(u, &ru.ru_utime);
		ns_to_tv(s, &ru.ru_stime);
		ru.ru_maxrss = p->mm ? (int64_t)(p->mm->rss * 4) : 0;
		break;
	}
	case RUSAGE_THREAD: {
		uint64_t u, s;
		proc_thread_times(current(), &u, &s);
		ns_to_tv(u, &ru.ru_utime);
		ns_to_tv(s, &ru.ru_stime);
		break;
	}
	case RUSAGE_CHILDREN:
		ns_to_tv(p->cutime_ns, &ru.ru_utime);
		ns_to_tv(p->cstime_ns, &ru.ru_stime);
		break;
	default:
		return -EINVAL;
	}
	return copy_to_user(uru, &ru, sizeof(ru)) ? -EFAULT : 0;
}

long
sys_times(struct tms_k *ubuf)
{
	struct proc *p = current_proc();
	const uint64_t tick = 10000000;   /* clock ticks of 1/100 s (AT_CLKTCK) */
	uint64_t u, s;
	struct tms_k t;

	proc_times(p, &u, &s);
	t = (struct tms_k){ (long)(u / tick), (long)(s / tick), (long)(p->cutime_ns / tick),
			    (long)(p->cstime_ns / tick) };

	if (ubuf && copy_to_user(ubuf, &t, sizeof(t)))
		return -EFAULT;
	return (long)(time_ns() / tick);
}

/* ---- thread pointer, prctl, scheduling bits ---- */

long
sys_arch_prctl(int code, uint64_t addr)
{
	struct proc_thread *pt = pt_of(current());

	switch (code) {
	case ARCH_SET_FS:
		if (addr >= USER_TOP)
			return -EPERM;
		pt->fs_base = addr;
		arch_set_user_tls(pt->fs_base, arch_user_gs_base());
		return 0;
	case ARCH_SET_GS:
		if (addr >= USER_TOP)
			return -EPERM;
		pt->gs_base = addr;
		arch_set_user_tls(pt->fs_base, addr);
		return 0;
	case ARCH_GET_FS:
		return put_user(pt->fs_base, (uint64_t *)addr) ? -EFAULT : 0;
	case ARCH_GET_GS:
		return put_user(arch_user_gs_base(), (uint64_t *)addr) ? -EFAULT : 0;
	default:
		return -EINVAL;
	}
}

long
sys_prctl(int option, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct proc *p = current_proc();
	char name[PROC_COMM_LEN];

	switch (option) {
	case PR_SET_NAME:
		if (strncpy_from_user(name, (const char *)a2, sizeof(name)) == -EFAULT)
			return -EFAULT;
		name[sizeof(name) - 1] = '\0';
		strlcpy(p->comm, name, sizeof(p->comm));
		return 0;
	case PR_GET_NAME:
		return copy_to_user((void *)a2, p->comm, sizeof(p->comm)) ? -EFAULT : 0;
	default:
		return -EINVAL;
	}
}

long
sys_sched_yield(void)
{
	sched_yield();
	return 0;
}

long
sys_getcpu(unsigned *ucpu, unsigned *unode, void *unused)
{
	unsigned cpu = this_cpu()->id, node = 0;

	if (ucpu && put_user(cpu, ucpu))
		return -EFAULT;
	if (unode && put_user(node, unode))
		return -EFAULT;
	return 0;
}

long
sys_personality(unsigned persona)
{
	/* Only Linux's own personality exists; 0xffffffff queries it. */
	return persona == 0 || persona == 0xffffffff ? 0 : -EINVAL;
}
