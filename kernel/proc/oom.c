// SPDX-License-Identifier: MIT
/*
 * The out-of-memory killer: when reclaim can free nothing and no swap is
 * left, memory comes back only if a process goes.  mm/ decides when
 * (mm/kswapd.c); this file decides who, because only the process layer
 * knows processes.
 *
 * The victim is the live process holding the most memory, resident and
 * swapped (its address space's footprint), which frees the most at once
 * and is usually the one that ran away.  Init (pid 1) and kernel threads
 * are never chosen.  While an earlier victim is still dying nobody else is
 * killed: its memory is about to come back.  The victim gets SIGKILL,
 * which cannot be caught, and the console says so.
 */
#include "proc/proc.h"
#include "proc/internal.h"
#include "core/printk.h"
#include "lib/string.h"
#include "mm/vm.h"
#include "uapi/errno.h"

static int
oom_kill(void)
{
	struct proc *victim = NULL;
	uint64_t best = 0, pages = 0;
	bool dying = false;
	char comm[PROC_COMM_LEN];
	int pid = 0;

	spin_lock(&proc_tree_lock);
	list_for_each(n, &all_procs) {
		struct proc *p = list_entry(n, struct proc, all_node);
		uint64_t size;

		if (p->state != P_ALIVE || !p->mm || p->pid == 1)
			continue;
		if (p->group_exit) {
			dying = true;
			continue;
		}
		size = vm_mm_footprint(p->mm);
		if (size > best) {
			best = size;
			victim = p;
		}
	}
	if (victim && !dying) {
		struct ksiginfo info = { .signo = SIGKILL, .code = SI_KERNEL };

		pid = victim->pid;
		pages = best;
		memcpy(comm, victim->comm, sizeof(comm));
		signal_send_locked(victim, SIGKILL, &info);
	}
	spin_unlock(&proc_tree_lock);
	if (dying)
		return 0;
	if (!pid)
		return -ESRCH;
	pr_err("Out of memory: killed process %d (%s), %llu kB in memory and swap\n", pid,
	       comm, (unsigned long long)(pages * 4));
	return 1;
}

void
proc_oom_init(void)
{
	vm_set_oom_killer(oom_kill);
}
