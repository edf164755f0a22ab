// SPDX-License-Identifier: MIT
/*
 * The signal frame: what a handler finds on its stack, in Linux's x86-64
 * layout (C libraries and debuggers read it directly).
 *
 *   higher addresses   [ the interrupted stack, minus a 128-byte red zone ]
 *                      [ FPU/SSE state (FXSAVE, 512 bytes, 64-aligned)    ]
 *                      [ struct rt_sigframe:                              ]
 *                      [   siginfo                                        ]
 *                      [   ucontext: flags, link, altstack, sigcontext    ]
 *                      [            (all registers), the old signal mask  ]
 *   handler's %rsp ->  [   pretcode: the restorer, the handler's return   ]
 *
 * The handler is entered as a function call: rdi = signal number,
 * rsi = &siginfo, rdx = &ucontext, and %rsp + 8 is 16-byte aligned.  When it
 * returns it lands in the C library's restorer, which calls rt_sigreturn;
 * arch_restore_sigframe() then reloads every register from the frame, so a
 * handler may change the interrupted context by editing the ucontext.
 * Nothing read back is trusted: segment selectors are forced to the user
 * ones and only the user-settable RFLAGS bits are taken.
 */
#include "arch/arch.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/trap.h"
#include "lib/string.h"
#include "mm/usercopy.h"
#include "uapi/errno.h"
#include "uapi/signal.h"

struct sigcontext_k {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate;
	uint64_t reserved1[8];
};

struct ucontext_k {
	uint64_t uc_flags;
	uint64_t uc_link;
	struct sigaltstack_k uc_stack;
	struct sigcontext_k uc_mcontext;
	uint64_t uc_sigmask;
};

struct rt_sigframe_k {
	uint64_t pretcode;
	struct ucontext_k uc;
	struct siginfo_k info;
};

#define UC_SIGCONTEXT_SS 0x2
#define RED_ZONE 128
#define USER_CS (GDT_UCODE | 3)
#define USER_SS (GDT_UDATA | 3)
#define RFLAGS_USER (RFLAGS_CF | (1ul << 2) | (1ul << 4) | (1ul << 6) | (1ul << 7) | \
		     RFLAGS_TF | RFLAGS_DF | (1ul << 11) | RFLAGS_AC | RFLAGS_RF)

int arch_setup_sigframe(struct trap_frame *tf, int sig, const struct ksigaction *ka,
			const struct siginfo_k *si, uint64_t oldmask, uint64_t sp,
			const struct fpu_state *fpu, uint64_t ss_sp, uint64_t ss_size,
			int ss_flags);
int arch_restore_sigframe(struct trap_frame *tf, uint64_t *mask, struct fpu_state *fpu,
			  struct sigaltstack_k *ss);

static void
save_regs(struct sigcontext_k *sc, const struct trap_frame *tf)
{
	sc->r8 = tf->r8; sc->r9 = tf->r9; sc->r10 = tf->r10; sc->r11 = tf->r11;
	sc->r12 = tf->r12; sc->r13 = tf->r13; sc->r14 = tf->r14; sc->r15 = tf->r15;
	sc->rdi = tf->rdi; sc->rsi = tf->rsi; sc->rbp = tf->rbp; sc->rbx = tf->rbx;
	sc->rdx = tf->rdx; sc->rax = tf->rax; sc->rcx = tf->rcx; sc->rsp = tf->rsp;
	sc->rip = tf->rip; sc->eflags = tf->rflags;
	sc->cs = USER_CS;
	sc->ss = USER_SS;
	sc->err = tf->vector < 32 ? tf->error : 0;
	sc->trapno = tf->vector < 32 ? tf->vector : 0;
	sc->cr2 = tf->vector == T_PF ? read_cr2() : 0;
}

int
arch_setup_sigframe(struct trap_frame *tf, int sig, const struct ksigaction *ka,
		    const struct siginfo_k *si, uint64_t oldmask, uint64_t sp,
		    const struct fpu_state *fpu, uint64_t ss_sp, uint64_t ss_size, int ss_flags)
{
	struct rt_sigframe_k f;
	uint64_t fp_addr, frame;

	if (!(ka->flags & SA_RESTORER))
		return -EFAULT;
	if (sp == tf->rsp)
		sp -= RED_ZONE;
	fp_addr = ALIGN_DOWN(sp - FPU_STATE_SIZE, 64);
	frame = ALIGN_DOWN(fp_addr - sizeof(f), 16) - 8;
	memset(&f, 0, sizeof(f));
	f.pretcode = ka->restorer;
	f.uc.uc_flags = UC_SIGCONTEXT_SS;
	f.uc.uc_stack.ss_sp = ss_sp;
	f.uc.uc_stack.ss_size = ss_size;
	f.uc.uc_stack.ss_flags = ss_flags;
	save_regs(&f.uc.uc_mcontext, tf);
	f.uc.uc_mcontext.oldmask = oldmask;
	f.uc.uc_mcontext.fpstate = fp_addr;
	f.uc.uc_sigmask = oldmask;
	f.info = *si;
	if (copy_to_user((void *)fp_addr, fpu, FPU_STATE_SIZE) ||
	    copy_to_user((void *)frame, &f, sizeof(f)))
		return -EFAULT;

	tf->rdi = (uint64_t)sig;
	tf->rsi = frame + offsetof(struct rt_sigframe_k, info);
	tf->rdx = frame + offsetof(struct rt_sigframe_k, uc);
	tf->rax = 0;
	tf->rsp = frame;
	tf->rip = ka->handler;
	tf->cs = USER_CS;
	tf->ss = USER_SS;
	tf->rflags &= ~(RFLAGS_DF | RFLAGS_TF | RFLAGS_AC);
	return 0;
}

/* Only MXCSR bits the CPU accepts; anything else would fault in FXRSTOR. */
static void
sanitize_fpu(struct fpu_state *fpu)
{
	uint32_t mxcsr, mask;

	memcpy(&mxcsr, fpu->data + 24, 4);
	memcpy(&mask, fpu->data + 28, 4);
	if (mask == 0)
		mask = 0xFFBF;
	mxcsr &= mask;
	memcpy(fpu->data + 24, &mxcsr, 4);
}

int
arch_restore_sigframe(struct trap_frame *tf, uint64_t *mask, struct fpu_state *fpu,
		      struct sigaltstack_k *ss)
{
	struct ucontext_k uc;
	uint64_t frame = tf->rsp - 8;
	struct sigcontext_k *sc = &uc.uc_mcontext;

	if (copy_from_user(&uc, (void *)(frame + offsetof(struct rt_sigframe_k, uc)), sizeof(uc)))
		return -EFAULT;
	if (sc->fpstate && copy_from_user(fpu, (void *)sc->fpstate, FPU_STATE_SIZE))
		return -EFAULT;
	sanitize_fpu(fpu);
	tf->r8 = sc->r8; tf->r9 = sc->r9; tf->r10 = sc->r10; tf->r11 = sc->r11;
	tf->r12 = sc->r12; tf->r13 = sc->r13; tf->r14 = sc->r14; tf->r15 = sc->r15;
	tf->rdi = sc->rdi; tf->rsi = sc->rsi; tf->rbp = sc->rbp; tf->rbx = sc->rbx;
	tf->rdx = sc->rdx; tf->rax = sc->rax; tf->rcx = sc->rcx; tf->rsp = sc->rsp;
	tf->rip = sc->rip;
	tf->rflags = (tf->rflags & ~RFLAGS_USER) | (sc->eflags & RFLAGS_USER) | RFLAGS_IF;
	tf->cs = USER_CS;
	tf->ss = USER_SS;
	tf->vector = 0;   /* not a system call any more: never restart it */
	*mask = uc.uc_sigmask;
	*ss = uc.uc_stack;
	return 0;
}
