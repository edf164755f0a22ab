/* SPDX-License-Identifier: MIT */
/* Shared inside proc/. */
#pragma once

#include "proc/proc.h"

struct trap_frame;

extern struct list_node all_procs;

struct proc *proc_alloc(void);
void proc_thread_bind(struct thread *t, struct proc *p);
void proc_thread_link_locked(struct proc_thread *pt);
void proc_thread_unlink_locked(struct proc_thread *pt);
void proc_itimer_fire(void *arg);
void proc_itimer_tick(struct thread *t, bool from_user);

/* arch/x86_64/usermode.c */
__noreturn void arch_enter_user(struct trap_frame *tf);
void arch_set_user_tls(uint64_t fs_base, uint64_t gs_base);
uint64_t arch_user_gs_base(void);
void arch_user_frame_init(struct trap_frame *tf, uint64_t rip, uint64_t rsp);

/* Signal-frame layout lives in arch/x86_64/sigframe.c. */
int arch_setup_sigframe(struct trap_frame *tf, int sig, const struct ksigaction *ka,
			const struct siginfo_k *si, uint64_t oldmask, uint64_t sp,
			const struct fpu_state *fpu, uint64_t ss_sp, uint64_t ss_size,
			int ss_flags);
int arch_restore_sigframe(struct trap_frame *tf, uint64_t *mask, struct fpu_state *fpu,
			  struct sigaltstack_k *ss);

/* oom.c: register the OOM killer with mm/. */
void proc_oom_init(void);
