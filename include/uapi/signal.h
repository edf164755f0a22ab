/* SPDX-License-Identifier: MIT */
/* Linux x86-64 signal numbers, flags and codes. */
#pragma once

#define SIGHUP     1
#define SIGINT     2
#define SIGQUIT    3
#define SIGILL     4
#define SIGTRAP    5
#define SIGABRT    6
#define SIGBUS     7
#define SIGFPE     8
#define SIGKILL    9
#define SIGUSR1   10
#define SIGSEGV   11
#define SIGUSR2   12
#define SIGPIPE   13
#define SIGALRM   14
#define SIGTERM   15
#define SIGSTKFLT 16
#define SIGCHLD   17
#define SIGCONT   18
#define SIGSTOP   19
#define SIGTSTP   20
#define SIGTTIN   21
#define SIGTTOU   22
#define SIGURG    23
#define SIGXCPU   24
#define SIGXFSZ   25
#define SIGVTALRM 26
#define SIGPROF   27
#define SIGWINCH  28
#define SIGIO     29
#define SIGPWR    30
#define SIGSYS    31
#define SIGRTMIN  32
#define SIGRTMAX  64

#define SIG_DFL 0
#define SIG_IGN 1

#define SA_NOCLDSTOP 0x00000001
#define SA_NOCLDWAIT 0x00000002
#define SA_SIGINFO   0x00000004
#define SA_RESTORER  0x04000000
#define SA_ONSTACK   0x08000000
#define SA_RESTART   0x10000000
#define SA_NODEFER   0x40000000
#define SA_RESETHAND 0x80000000

#define SIG_BLOCK   0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

#define SS_ONSTACK    1
#define SS_DISABLE    2
#define SS_AUTODISARM (1u << 31)
#define MINSIGSTKSZ   2048

/* si_code values */
#define SI_USER    0
#define SI_KERNEL  0x80
#define SI_QUEUE   (-1)
#define SI_TIMER   (-2)
#define SI_TKILL   (-6)
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define BUS_ADRALN  1
#define BUS_ADRERR  2
#define ILL_ILLOPC  1
#define ILL_ILLOPN  2
#define ILL_PRVOPC  5
#define FPE_INTDIV  1
#define FPE_INTOVF  2
#define FPE_FLTDIV  3
#define TRAP_BRKPT  1
#define CLD_EXITED    1
#define CLD_KILLED    2
#define CLD_DUMPED    3
#define CLD_TRAPPED   4
#define CLD_STOPPED   5
#define CLD_CONTINUED 6

#include <stdint.h>

/* siginfo_t as the kernel writes it: 128 bytes. */
struct siginfo_k {
	int32_t si_signo;
	int32_t si_errno;
	int32_t si_code;
	int32_t _pad0;
	union {
		struct {                 /* kill, SIGCHLD */
			int32_t si_pid;
			uint32_t si_uid;
			int32_t si_status;
			int32_t _pad1;
			int64_t si_utime, si_stime;
		};
		struct {                 /* SIGSEGV, SIGBUS, SIGILL, SIGFPE */
			uint64_t si_addr;
		};
		struct {                 /* sigqueue, timers */
			int32_t si_tid_or_pid;
			int32_t si_overrun_or_uid;
			uint64_t si_value;
		};
		uint8_t _bytes[112];
	};
};

struct sigaltstack_k {
	uint64_t ss_sp;
	int32_t ss_flags;
	int32_t _pad;
	uint64_t ss_size;
};

/* The sigaction layout the rt_sigaction system call takes (kernel_sigaction). */
struct ksigaction {
	uint64_t handler;          /* SIG_DFL (0), SIG_IGN (1) or an address */
	uint64_t flags;            /* SA_* */
	uint64_t restorer;         /* where the handler returns: calls rt_sigreturn */
	uint64_t mask;             /* blocked while the handler runs */
};
