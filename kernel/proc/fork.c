// SPDX-License-Identifier: MIT
/*
 * Process and thread birth: fork, vfork, clone.
 *
 * All three are one operation with different sharing.  The new thread gets
 * a kernel stack whose top holds a copy of the caller's saved user
 * registers with rax = 0, so when it first runs it "returns" from the same
 * system call as its parent, with 0 instead of a pid.  What it shares is
 * chosen resource by resource:
 *
 *   CLONE_VM       same address space        (else a copy-on-write copy)
 *   CLONE_FILES    same descriptor table     (else a copy)
 *   CLONE_FS       same root, cwd and umask  (else a copy)
 *   CLONE_SIGHAND  same signal handlers      (else a copy)
 *   CLONE_THREAD   same process: a new thread, not a new process
 *
 * vfork() shares the address space and suspends the parent until the child
 * calls execve() or exits, so the child may borrow the parent's memory.
 */
#include "proc/proc.h"
#include "proc/syscalls.h"
#include "proc/internal.h"
#include "arch/arch.h"
#include "arch/x86_64/trap.h"
#include "fs/vfs.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "mm/usercopy.h"
#include "mm/vm.h"
#include "syscall/syscall.h"
#include "uapi/errno.h"
#include "uapi/sched.h"

#define CLONE_SUPPORTED (CSIGNAL | CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | \
			 CLONE_VFORK | CLONE_PARENT | CLONE_THREAD | CLONE_SYSVSEM | \
			 CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | \
			 CLONE_CHILD_SETTID | CLONE_DETACHED)

static struct trap_frame *
frame_of(struct thread *t)
{
	return (struct trap_frame *)(t->kstack_top - TRAP_FRAME_SIZE);
}

/* First run of a forked or cloned thread. */
void
proc_user_thread_entry(void *unused)
{
	struct trap_frame *tf = frame_of(current());

	signal_return_to_user(tf);
	arch_enter_user(tf);
}

static int
check_flags(uint64_t flags)
{
	if (flags & ~(uint64_t)CLONE_SUPPORTED)
		return -EINVAL;
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	return 0;
}

/* Give a new process its own or shared resources, per the flags. */
static int
copy_resources(struct proc *np, struct proc *p, uint64_t flags)
{
	if (flags & CLONE_VM) {
		mm_get(p->mm);
		np->mm = p->mm;
	} else if (!(np->mm = mm_fork(p->mm))) {
		return -ENOMEM;
	}
	if (flags & CLONE_FILES) {
		files_get(p->files);
		np->files = p->files;
	} else if (!(np->files = files_dup(p->files))) {
		return -ENOMEM;
	}
	if (flags & CLONE_FS) {
		fs_ctx_get(p->fs);
		np->fs = p->fs;
	} else if (!(np->fs = fs_ctx_dup(p->fs))) {
		return -ENOMEM;
	}
	if (flags & CLONE_SIGHAND) {
		__atomic_add_fetch(&p->sighand->refs, 1, __ATOMIC_RELAXED);
		np->sighand = p->sighand;
	} else if (!(np->sighand = sighand_copy(p->sighand))) {
		return -ENOMEM;
	}
	return 0;
}

static void
release_resources(struct proc *np)
{
	if (np->mm)
		mm_put(np->mm);
	if (np->files)
		files_put(np->files);
	if (np->fs)
		fs_ctx_put(np->fs);
	if (np->sighand)
		sighand_put(np->sighand);
}

/* A new process for thread t, a child of p.  => NULL on no memory. */
static struct proc *
new_process(struct thread *t, struct proc *p, uint64_t flags, int *err)
{
	struct proc *np = proc_alloc();

	if (!np) {
		*err = -ENOMEM;
		return NULL;
	}
	np->pid = t->tid;
	if ((*err = copy_resources(np, p, flags))) {
		release_resources(np);
		proc_put(np);
		return NULL;
	}
	np->cred = p->cred;
	memcpy(np->rlim, p->rlim, sizeof(np->rlim));
	memcpy(np->comm, p->comm, sizeof(np->comm));
	np->exit_signal = (int)(flags & CSIGNAL);
	if (p->exe_path && (np->exe_path = kmalloc(strlen(p->exe_path) + 1)))
		strlcpy(np->exe_path, p->exe_path, strlen(p->exe_path) + 1);
	return np;
}

/* => proc_tree_lock held */
static void
link_process(struct proc *np, struct proc *p, uint64_t flags)
{
	struct proc *parent = (flags & CLONE_PARENT) && p != init_proc ? p->parent : p;

	np->parent = parent;
	np->ppid = parent->pid;
	np->pgid = p->pgid;
	np->sid = p->sid;
	list_push_back(&parent->children, &np->sibling);
	list_push_back(&all_procs, &np->all_node);
}

/* Registers, TLS and FPU of the new thread, copied from the caller. */
static void
init_child_thread(struct thread *t, struct proc_thread *npt, uint64_t flags,
		  uint64_t newsp, uint64_t tls)
{
	struct proc_thread *cur = pt_of(current());
	struct trap_frame *tf = frame_of(t);

	*tf = *syscall_user_frame();
	tf->rax = 0;
	if (newsp)
		tf->rsp = newsp;
	npt->fs_base = (flags & CLONE_SETTLS) ? tls : cur->fs_base;
	npt->gs_base = arch_user_gs_base();
	npt->sigmask = cur->sigmask;
	fpu_save(&npt->fpu);   /* the caller's live FPU registers */
	t->full_restore = true;
}

static int
set_tids(struct thread *t, struct proc *np, uint64_t flags, int *ptid, int *ctid)
{
	int tid = t->tid;

	if ((flags & CLONE_PARENT_SETTID) && put_user(tid, ptid))
		return -EFAULT;
	if (flags & CLONE_CHILD_SETTID) {
		if (!user_range_ok((uint64_t)ctid, sizeof(int)) ||
		    vm_write_remote(np->mm, (uint64_t)ctid, &tid, sizeof(tid)))
			return -EFAULT;
	}
	if (flags & CLONE_CHILD_CLEARTID)
		pt_of(t)->clear_child_tid = (uint64_t)ctid;
	return 0;
}

static long
do_clone(uint64_t flags, uint64_t newsp, int *ptid, int *ctid, uint64_t tls)
{
	struct proc *p = current_proc(), *np;
	struct proc_thread *npt;
	struct thread *t;
	int err = 0, tid;

	if ((err = check_flags(flags)))
		return err;
	t = thread_prepare(proc_user_thread_entry, NULL, p->comm, true);
	if (!t)
		return -ENOMEM;
	np = (flags & CLONE_THREAD) ? p : new_process(t, p, flags, &err);
	if (!np)
		goto fail_thread;
	spin_lock(&proc_tree_lock);
	npt = proc_thread_new(t, np);
	if (!npt) {
		spin_unlock(&proc_tree_lock);
		err = -ENOMEM;
		goto fail_proc;
	}
	if (np != p)
		link_process(np, p, flags);
	proc_thread_link_locked(npt);
	spin_unlock(&proc_tree_lock);
	init_child_thread(t, npt, flags, newsp, tls);
	if ((err = set_tids(t, np, flags, ptid, ctid)))
		pt_of(t)->clear_child_tid = 0;   /* FIXME: unwinding a linked child */
	tid = t->tid;
	np->vfork_done = false;
	thread_start_running(t);
	if (flags & CLONE_VFORK) {
		spin_lock(&proc_tree_lock);
		waitq_wait_event(&np->vfork_wait, &proc_tree_lock, np->vfork_done, false);
		spin_unlock(&proc_tree_lock);
	}
	return tid;
fail_proc:
	if (np != p) {
		release_resources(np);
		proc_put(np);
	}
fail_thread:
	thread_discard(t);
	return err;
}

long
sys_clone(uint64_t flags, uint64_t newsp, int *ptid, int *ctid, uint64_t tls)
{
	return do_clone(flags, newsp, ptid, ctid, tls);
}

long
sys_fork(void)
{
	return do_clone(SIGCHLD, 0, NULL, NULL, 0);
}

long
sys_vfork(void)
{
	return do_clone(CLONE_VM | CLONE_VFORK | SIGCHLD, 0, NULL, NULL, 0);
}
