// SPDX-License-Identifier: MIT
/*
 * From the SYSCALL instruction to a handler and back.
 *
 * The entry (arch/x86_64/entry/syscall.S) saved the user's registers in a
 * trap frame; the call number is in rax and the arguments in rdi, rsi,
 * rdx, r10, r8, r9 (r10, not rcx: SYSCALL overwrote rcx with the return
 * address).  The result goes back in rax.  An unknown number gets -ENOSYS
 * and one log line per number, never more, so a program probing for calls
 * cannot flood the console.
 */
#include "syscall/syscall.h"
#include "syscall/internal.h"
#include "arch/arch.h"
#include "arch/x86_64/trap.h"
#include "core/printk.h"
#include "lib/bitmap.h"
#include "sched/sched.h"
#include "uapi/errno.h"

#define LOG_LIMIT 1024

/* Numbers already reported; a benign race only risks a duplicate line. */
static uint64_t reported[BITMAP_WORDS(LOG_LIMIT)];

struct trap_frame *
syscall_user_frame(void)
{
	return (struct trap_frame *)(current()->kstack_top - TRAP_FRAME_SIZE);
}

static long
unknown(uint64_t nr)
{
	size_t bit = nr < LOG_LIMIT ? nr : LOG_LIMIT - 1;

	if (!bitmap_test(reported, bit)) {
		const char *name = nr < NR_SYSCALLS ? syscall_table[nr].name : NULL;
		bitmap_set(reported, bit);
		pr_warn("syscall: %s%s%s(%llu) not implemented: -ENOSYS (pid %d)\n",
			name ? "" : "unknown", name ? name : "", name ? " " : " ",
			(unsigned long long)nr, current()->tid);
	}
	return -ENOSYS;
}

long
syscall_dispatch(struct trap_frame *tf)
{
	uint64_t nr = tf->rax;
	struct thread *t = current();
	long ret;

	t->in_syscall = true;
	if (nr < NR_SYSCALLS && syscall_table[nr].fn)
		ret = syscall_table[nr].fn(tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9);
	else
		ret = unknown(nr);
	t->in_syscall = false;
	tf->rax = (uint64_t)ret;
	/* A wakeup on this CPU during the call asked for a switch (resched_cpu). */
	sched_preempt_point();
	if (trap_upcalls.return_to_user)
		trap_upcalls.return_to_user(tf);
	if (t->full_restore) {
		t->full_restore = false;
		return 1;
	}
	return 0;
}
