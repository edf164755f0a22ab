// SPDX-License-Identifier: MIT
/*
 * /proc/PID: one process seen from outside, in the formats Linux's tools
 * (ps, top, free, pidof, killall) parse: stat's fields in order, status's
 * "Name:\tvalue" lines, maps' address ranges.
 */
#include "proc/procfs.h"
#include "proc/proc.h"
#include "proc/internal.h"
#include "arch/arch.h"
#include "fs/vfs.h"
#include "lib/avl.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "mm/vm.h"
#include "sched/timer.h"
#include "uapi/errno.h"
#include "uapi/stat.h"

/* A snapshot of what the generators print, taken under the tree lock. */
struct snap {
	int pid, ppid, pgid, sid, nthreads;
	char comm[PROC_COMM_LEN];
	char state;
	struct cred cred;
	uint64_t sigpnd, shdpnd, sigblk, sigign, sigcgt;
	uint64_t utime, stime, cutime, cstime, start;
	struct sched_thread_info sched;   /* the first thread's: priority, nice, CPU */
	struct mm *mm;
	struct fs_ctx *fs;
	int tty_pgrp;
};

static char
state_letter(struct proc *p)
{
	char s = 'S';

	if (p->state == P_ZOMBIE)
		return 'Z';
	if (p->stopped)
		return 'T';
	list_for_each(n, &p->threads) {
		struct thread *t = list_entry(n, struct proc_thread, node)->thread;
		if (t->state == T_RUNNABLE)
			return 'R';
		if (t->state == T_BLOCKED)
			s = 'D';
	}
	return s;
}

static void
signal_masks(struct proc *p, struct snap *s)
{
	/* A zombie has given up its handlers (see proc_die). */
	for (int sig = 1; p->sighand && sig <= NSIG_K; sig++) {
		uint64_t h = p->sighand->action[sig].handler, bit = 1ull << (sig - 1);
		if (h == SIG_IGN)
			s->sigign |= bit;
		else if (h != SIG_DFL)
			s->sigcgt |= bit;
	}
	s->shdpnd = p->shared_pending.set;
	list_for_each(n, &p->threads) {
		struct proc_thread *pt = list_entry(n, struct proc_thread, node);
		s->sigpnd |= pt->pending.set;
		if (pt->proc->pid == pt->thread->tid || !s->sigblk)
			s->sigblk = pt->sigmask;
	}
}

/* Fill s for pid; takes references to mm and fs when want_mm.  => 0 or -ESRCH */
static int
snapshot(int pid, struct snap *s, bool want_mm)
{
	struct proc *p;

	memset(s, 0, sizeof(*s));
	spin_lock(&proc_tree_lock);
	p = proc_find_locked(pid);
	if (!p) {
		spin_unlock(&proc_tree_lock);
		return -ESRCH;
	}
	s->pid = p->pid;
	s->ppid = p == init_proc || !p->parent ? 0 : p->parent->pid;
	s->pgid = p->pgid;
	s->sid = p->sid;
	s->nthreads = (int)p->nthreads;
	memcpy(s->comm, p->comm, sizeof(s->comm));
	s->state = state_letter(p);
	s->cred = p->cred;
	if (p->state == P_ALIVE)
		signal_masks(p, s);
	s->utime = p->utime_ns;
	s->stime = p->stime_ns;
	list_for_each(n, &p->threads) {
		uint64_t u, st;

		proc_thread_times(list_entry(n, struct proc_thread, node)->thread, &u, &st);
		s->utime += u;
		s->stime += st;
	}
	if (!list_empty(&p->threads))
		sched_thread_info(list_first_entry_or_null(&p->threads, struct proc_thread,
							   node)->thread, &s->sched);
	s->cutime = p->cutime_ns;
	s->cstime = p->cstime_ns;
	s->start = p->start_ns;
	if (want_mm && p->mm) {
		s->mm = p->mm;
		mm_get(s->mm);
	}
	if (want_mm && p->fs) {
		s->fs = p->fs;
		fs_ctx_get(s->fs);
	}
	spin_unlock(&proc_tree_lock);
	return 0;
}

static void
snap_release(struct snap *s)
{
	if (s->mm)
		mm_put(s->mm);
	if (s->fs)
		fs_ctx_put(s->fs);
}

#define TICKS(ns) ((unsigned long long)((ns) / 10000000))   /* USER_HZ = 100 */

static void
vm_sizes(struct mm *mm, uint64_t *vsize, uint64_t *data, uint64_t *stack, uint64_t *exe)
{
	*vsize = *data = *stack = *exe = 0;
	if (!mm)
		return;
	mutex_lock(&mm->lock);
	for (struct avl_node *n = avl_first(&mm->vmas); n; n = avl_next(n)) {
		struct vma *v = avl_entry(n, struct vma, node);
		uint64_t len = v->end - v->start;
		*vsize += len;
		if (v->flags & VM_STACK || v->flags & VM_GROWSDOWN)
			*stack += len;
		else if ((v->prot & VM_EXEC) && v->file)
			*exe += len;
		else if (v->prot & VM_WRITE)
			*data += len;
	}
	mutex_unlock(&mm->lock);
}

static int
show_stat(struct seqbuf *sb, int pid)
{
	struct snap s;
	uint64_t vsize, data, stack, exe, rss;
	int r = snapshot(pid, &s, true);

	if (r)
		return r;
	vm_sizes(s.mm, &vsize, &data, &stack, &exe);
	rss = s.mm ? s.mm->rss : 0;
	/*
	 * Fields 1-13: pid (comm) state ppid pgrp session tty_nr tpgid flags
	 * minflt cminflt majflt cmajflt; 14-22: utime stime cutime cstime
	 * priority nice num_threads itrealvalue starttime; 23-30: vsize rss
	 * rsslim startcode endcode startstack kstkesp kstkeip; 31-38: signal
	 * blocked sigignore sigcatch wchan nswap cnswap exit_signal; 39-44:
	 * processor rt_priority policy delayacct_blkio_ticks guest_time
	 * cguest_time.  Times in USER_HZ ticks.
	 */
	r = seq_printf(sb,
		"%d (%s) %c %d %d %d 0 -1 4194560 0 0 0 0 "
		"%llu %llu %llu %llu %d %d %d 0 %llu "
		"%llu %llu 18446744073709551615 0 0 0 0 0 "
		"%llu %llu %llu %llu 0 0 0 17 "
		"%u %d %d 0 0 0\n",
		s.pid, s.comm, s.state, s.ppid, s.pgid, s.sid,
		TICKS(s.utime), TICKS(s.stime), TICKS(s.cutime), TICKS(s.cstime),
		s.sched.linux_prio, s.sched.nice, s.nthreads, TICKS(s.start),
		(unsigned long long)vsize, (unsigned long long)rss,
		(unsigned long long)s.sigpnd, (unsigned long long)s.sigblk,
		(unsigned long long)s.sigign, (unsigned long long)s.sigcgt,
		s.sched.cpu, s.sched.rt_prio, s.sched.policy);
	snap_release(&s);
	return r;
}

static int
show_status(struct seqbuf *sb, int pid)
{
	struct snap s;
	uint64_t vsize, data, stack, exe, rss;
	int r = snapshot(pid, &s, true);
	static const char *const names[] = {
		['R'] = "R (running)", ['S'] = "S (sleeping)", ['D'] = "D (disk sleep)",
		['T'] = "T (stopped)", ['Z'] = "Z (zombie)",
	};

	if (r)
		return r;
	vm_sizes(s.mm, &vsize, &data, &stack, &exe);
	rss = s.mm ? s.mm->rss * 4 : 0;
	r = seq_printf(sb, "Name:\t%s\nUmask:\t0022\nState:\t%s\nTgid:\t%d\nNgid:\t0\n"
		       "Pid:\t%d\nPPid:\t%d\nTracerPid:\t0\n"
		       "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\nFDSize:\t64\nGroups:\t\n",
		       s.comm, names[(unsigned char)s.state], s.pid, s.pid, s.ppid,
		       s.cred.uid, s.cred.euid, s.cred.suid, s.cred.fsuid,
		       s.cred.gid, s.cred.egid, s.cred.sgid, s.cred.fsgid);
	if (!r && s.mm)
		r = seq_printf(sb, "VmPeak:\t%8llu kB\nVmSize:\t%8llu kB\nVmLck:\t       0 kB\n"
			       "VmRSS:\t%8llu kB\nVmData:\t%8llu kB\nVmStk:\t%8llu kB\n"
			       "VmExe:\t%8llu kB\n",
			       (unsigned long long)vsize >> 10, (unsigned long long)vsize >> 10,
			       (unsigned long long)rss, (unsigned long long)data >> 10,
			       (unsigned long long)stack >> 10, (unsigned long long)exe >> 10);
	if (!r)
		r = seq_printf(sb, "Threads:\t%d\nSigQ:\t0/4096\nSigPnd:\t%016llx\n"
			       "ShdPnd:\t%016llx\nSigBlk:\t%016llx\nSigIgn:\t%016llx\n"
			       "SigCgt:\t%016llx\nCpus_allowed_list:\t0-%u\n",
			       s.nthreads, (unsigned long long)s.sigpnd,
			       (unsigned long long)s.shdpnd, (unsigned long long)s.sigblk,
			       (unsigned long long)s.sigign, (unsigned long long)s.sigcgt,
			       ncpus - 1);
	snap_release(&s);
	return r;
}

static int
show_statm(struct seqbuf *sb, int pid)
{
	struct snap s;
	uint64_t vsize, data, stack, exe;
	int r = snapshot(pid, &s, true);

	if (r)
		return r;
	vm_sizes(s.mm, &vsize, &data, &stack, &exe);
	r = seq_printf(sb, "%llu %llu 0 %llu 0 %llu 0\n", (unsigned long long)vsize >> 12,
		       (unsigned long long)(s.mm ? s.mm->rss : 0), (unsigned long long)exe >> 12,
		       (unsigned long long)(data + stack) >> 12);
	snap_release(&s);
	return r;
}

static int
show_comm(struct seqbuf *sb, int pid)
{
	struct snap s;
	int r = snapshot(pid, &s, false);

	return r ? r : seq_printf(sb, "%s\n", s.comm);
}

/* Copy [start, end) of another process's memory into sb (cmdline, environ). */
static int
show_user_range(struct seqbuf *sb, int pid, bool env)
{
	struct snap s;
	uint64_t start, end;
	char *buf;
	int r = snapshot(pid, &s, true);

	if (r)
		return r;
	if (!s.mm) {
		snap_release(&s);
		return 0;
	}
	start = env ? s.mm->env_start : s.mm->arg_start;
	end = env ? s.mm->env_end : s.mm->arg_end;
	end = MIN(end, start + PROCFS_MAX_TEXT / 2);
	buf = end > start ? kmalloc(end - start) : NULL;
	if (buf && vm_read_remote(s.mm, start, buf, end - start) == 0)
		r = seq_write(sb, buf, end - start);
	kfree(buf);
	snap_release(&s);
	return r;
}

static int show_cmdline(struct seqbuf *sb, int pid) { return show_user_range(sb, pid, false); }
static int show_environ(struct seqbuf *sb, int pid) { return show_user_range(sb, pid, true); }

static int
show_maps(struct seqbuf *sb, int pid)
{
	struct snap s;
	int r = snapshot(pid, &s, true);

	if (r || !s.mm) {
		snap_release(&s);
		return r;
	}
	mutex_lock(&s.mm->lock);
	for (struct avl_node *n = avl_first(&s.mm->vmas); n && !r; n = avl_next(n)) {
		struct vma *v = avl_entry(n, struct vma, node);
		const char *name = (v->flags & VM_HEAP) ? "[heap]" :
				   (v->flags & (VM_STACK | VM_GROWSDOWN)) ? "[stack]" : "";

		r = seq_printf(sb, "%012llx-%012llx %c%c%c%c %08llx 00:00 0%s%s\n",
			       (unsigned long long)v->start, (unsigned long long)v->end,
			       (v->prot & VM_READ) ? 'r' : '-', (v->prot & VM_WRITE) ? 'w' : '-',
			       (v->prot & VM_EXEC) ? 'x' : '-', (v->flags & VM_SHARED) ? 's' : 'p',
			       (unsigned long long)(v->pgoff << 12), *name ? "                   " : "",
			       name);
	}
	mutex_unlock(&s.mm->lock);
	snap_release(&s);
	return r;
}

static int
show_smaps_rollup(struct seqbuf *sb, int pid)
{
	struct snap s;
	uint64_t vsize, data, stack, exe;
	int r = snapshot(pid, &s, true);

	if (r)
		return r;
	vm_sizes(s.mm, &vsize, &data, &stack, &exe);
	r = seq_printf(sb, "00000000-ffffffffffff ---p 00000000 00:00 0 [rollup]\n"
		       "Rss:            %8llu kB\nPss:            %8llu kB\n",
		       (unsigned long long)(s.mm ? s.mm->rss * 4 : 0),
		       (unsigned long long)(s.mm ? s.mm->rss * 4 : 0));
	snap_release(&s);
	return r;
}

static long
put_link(const char *target, char *buf, size_t size)
{
	size_t n = MIN(strlen(target), size);

	memcpy(buf, target, n);
	return (long)n;
}

static long
exe_link(int pid, int fd, char *buf, size_t size)
{
	struct proc *p;
	long r = -ENOENT;

	spin_lock(&proc_tree_lock);
	p = proc_find_locked(pid);
	if (p && p->exe_path)
		r = put_link(p->exe_path, buf, size);
	spin_unlock(&proc_tree_lock);
	return r;
}

static long
dir_link(int pid, char *buf, size_t size, bool root)
{
	struct snap s;
	char *path;
	long r = snapshot(pid, &s, true);

	if (r)
		return r;
	path = kmalloc(PATH_MAX_PROC);
	r = !path ? -ENOMEM : !s.fs ? -ENOENT : fs_ctx_path(s.fs, root, path, PATH_MAX_PROC);
	if (r == 0)
		r = put_link(path, buf, size);
	kfree(path);
	snap_release(&s);
	return r;
}

static long cwd_link(int pid, int fd, char *buf, size_t size) { return dir_link(pid, buf, size, false); }
static long root_link(int pid, int fd, char *buf, size_t size) { return dir_link(pid, buf, size, true); }

const struct procfs_entry procfs_pid_entries[] = {
	{ "cmdline", S_IFREG | 0444, .show = show_cmdline },
	{ "comm", S_IFREG | 0644, .show = show_comm },
	{ "cwd", S_IFLNK | 0777, .link = cwd_link },
	{ "environ", S_IFREG | 0400, .show = show_environ },
	{ "exe", S_IFLNK | 0777, .link = exe_link },
	{ "fd", S_IFDIR | 0500, .dir_kind = PROCFS_DIR_FD },
	{ "maps", S_IFREG | 0444, .show = show_maps },
	{ "root", S_IFLNK | 0777, .link = root_link },
	{ "smaps_rollup", S_IFREG | 0444, .show = show_smaps_rollup },
	{ "stat", S_IFREG | 0444, .show = show_stat },
	{ "statm", S_IFREG | 0444, .show = show_statm },
	{ "status", S_IFREG | 0444, .show = show_status },
};
const size_t procfs_pid_nentries = ARRAY_SIZE(procfs_pid_entries);
