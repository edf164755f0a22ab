// SPDX-License-Identifier: MIT
/*
 * Signal delivery: the default actions (terminate, core, stop, continue,
 * ignore), signals the CPU raises for a faulting instruction (SIGSEGV,
 * SIGBUS, SIGFPE, SIGILL with si_addr and si_code), timers (alarm,
 * setitimer), and what a signal does to a blocked system call: EINTR
 * without SA_RESTART, a transparent restart with it.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "utest.h"

/* A child that waits for signals forever. */
static pid_t
sleeper(void)
{
	pid_t pid = ut_fork();

	if (pid == 0) {
		ut_no_core();
		for (;;)
			pause();
	}
	return pid;
}

TEST(default_action_terminate, "SIGTERM, SIGHUP, SIGUSR1 and SIGALRM terminate by default")
{
	int sigs[] = { SIGTERM, SIGHUP, SIGUSR1, SIGALRM, SIGINT };

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		pid_t pid = sleeper();
		CHECK_OK(kill(pid, sigs[i]));
		ut_wait_signal(pid, sigs[i]);
	}
}

TEST(default_action_core, "SIGQUIT and SIGABRT terminate (with a core action) by default")
{
	int sigs[] = { SIGQUIT, SIGABRT };

	for (size_t i = 0; i < 2; i++) {
		pid_t pid = sleeper();
		CHECK_OK(kill(pid, sigs[i]));
		ut_wait_signal(pid, sigs[i]);
	}
}

TEST(default_action_ignore, "SIGCHLD, SIGURG and SIGWINCH are ignored by default")
{
	pid_t pid = sleeper();
	int st;

	CHECK_OK(kill(pid, SIGCHLD));
	CHECK_OK(kill(pid, SIGURG));
	CHECK_OK(kill(pid, SIGWINCH));
	ut_msleep(20);
	CHECK_EQ(waitpid(pid, &st, WNOHANG), 0);	/* still alive */
	kill(pid, SIGKILL);
	ut_wait_signal(pid, SIGKILL);
}

TEST(default_action_stop_continue, "SIGTSTP stops, SIGCONT resumes; SIGKILL ends even a stopped process")
{
	int st;
	pid_t pid = sleeper();

	CHECK_OK(kill(pid, SIGTSTP));
	CHECK_EQ(waitpid(pid, &st, WUNTRACED), pid);
	CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTSTP);
	CHECK_OK(kill(pid, SIGCONT));
	CHECK_EQ(waitpid(pid, &st, WCONTINUED), pid);
	CHECK(WIFCONTINUED(st));
	CHECK_OK(kill(pid, SIGSTOP));
	CHECK_EQ(waitpid(pid, &st, WUNTRACED), pid);
	CHECK_OK(kill(pid, SIGKILL));
	ut_wait_signal(pid, SIGKILL);
}

TEST(sigkill_cannot_be_blocked, "SIGKILL kills a process that blocks and ignores everything it can")
{
	pid_t pid = ut_fork();

	if (pid == 0) {
		sigset_t all;

		sigfillset(&all);
		sigprocmask(SIG_BLOCK, &all, NULL);
		for (int s = 1; s < 32; s++)
			signal(s, SIG_IGN);
		for (;;)
			pause();
	}
	ut_msleep(10);
	CHECK_OK(kill(pid, SIGKILL));
	ut_wait_signal(pid, SIGKILL);
}

/* ---- faults: the handler reports si_code and si_addr through exit */

static volatile void *fault_addr;
static volatile int fault_code;
static sigjmp_buf fault_jmp;

static void
on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	fault_addr = si->si_addr;
	fault_code = si->si_code;
	siglongjmp(fault_jmp, 1);
}

static void
catch_fault(int sig)
{
	struct sigaction sa = { 0 };

	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO;
	CHECK_OK(sigaction(sig, &sa, NULL));
}

TEST(sigsegv_unmapped_maperr, "a read of unmapped memory: SIGSEGV, SEGV_MAPERR, si_addr = the address")
{
	volatile char *volatile bad = (volatile char *)0x1234;

	catch_fault(SIGSEGV);
	if (sigsetjmp(fault_jmp, 1) == 0) {
		(void)*bad;
		FAIL("no fault");
	}
	CHECK(fault_addr == (void *)0x1234);
	CHECK_EQ(fault_code, SEGV_MAPERR);
}

TEST(sigsegv_readonly_accerr, "a write to a read-only page: SIGSEGV, SEGV_ACCERR, si_addr = the address")
{
	char *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED);
	catch_fault(SIGSEGV);
	if (sigsetjmp(fault_jmp, 1) == 0) {
		*(volatile char *)(p + 100) = 1;
		FAIL("no fault");
	}
	CHECK(fault_addr == p + 100);
	CHECK_EQ(fault_code, SEGV_ACCERR);
}

TEST(sigsegv_default_kills, "an uncaught SIGSEGV kills the process with that signal")
{
	pid_t pid = ut_fork();

	if (pid == 0) {
		volatile int *volatile bad = (int *)16;

		ut_no_core();
		*bad = 1;
		_exit(0);
	}
	ut_wait_signal(pid, SIGSEGV);
}

TEST(sigfpe_integer_divide, "integer division by zero: SIGFPE with FPE_INTDIV")
{
	volatile int zero = 0, x = 7;

	catch_fault(SIGFPE);
	if (sigsetjmp(fault_jmp, 1) == 0) {
		x = x / zero;
		FAIL("no fault");
	}
	CHECK_EQ(fault_code, FPE_INTDIV);
	CHECK(fault_addr != NULL);
}

extern const char ut_ud2_at[];

TEST(sigill_ud2, "an undefined opcode: SIGILL, ILL_ILLOPN, si_addr = the instruction")
{
	catch_fault(SIGILL);
	if (sigsetjmp(fault_jmp, 1) == 0) {
		__asm__ volatile(".globl ut_ud2_at\nut_ud2_at: ud2");
		FAIL("no fault");
	}
	CHECK_EQ(fault_code, ILL_ILLOPN);
	CHECK(fault_addr == ut_ud2_at);
}

TEST(sigbus_past_end_of_file, "touching a file mapping past the end of the file: SIGBUS, BUS_ADRERR")
{
	ut_write_file("f", "short");
	int fd = CHECK_OK(open("f", O_RDONLY));
	char *p = mmap(NULL, 2 * 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED);
	CHECK_EQ(p[0], 's');
	catch_fault(SIGBUS);
	if (sigsetjmp(fault_jmp, 1) == 0) {
		(void)*(volatile char *)(p + 4096);
		FAIL("no fault");
	}
	CHECK(fault_addr == p + 4096);
	CHECK_EQ(fault_code, BUS_ADRERR);
}

static char *fix_page;

static void
fix_protection(int sig)
{
	(void)sig;
	mprotect(fix_page, 4096, PROT_READ | PROT_WRITE);
}

TEST(fault_handler_returns_to_retry, "a SIGSEGV handler that fixes the page lets the access retry")
{
	volatile char *page;

	page = fix_page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(fix_page != MAP_FAILED);
	signal(SIGSEGV, fix_protection);
	page[5] = 42;	/* faults once, then succeeds */
	CHECK_EQ(page[5], 42);
}

/* ---- timers */

TEST(alarm_delivers_sigalrm, "alarm(1) delivers SIGALRM; alarm returns the seconds left")
{
	ut_catch(SIGALRM, 0);
	CHECK_EQ(alarm(100), 0);
	unsigned left = alarm(1);
	CHECK(left >= 99 && left <= 100);
	while (ut_sig_count[SIGALRM] == 0)
		pause();
	CHECK_EQ(alarm(0), 0);
}

TEST(setitimer_real_repeats, "an ITIMER_REAL with an interval fires repeatedly; getitimer reads it")
{
	struct itimerval it = { { 0, 10000 }, { 0, 10000 } }, cur;

	ut_catch(SIGALRM, 0);
	CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
	CHECK_OK(getitimer(ITIMER_REAL, &cur));
	CHECK_EQ(cur.it_interval.tv_usec, 10000);
	while (ut_sig_count[SIGALRM] < 3)
		pause();
	it = (struct itimerval){ { 0, 0 }, { 0, 0 } };
	CHECK_OK(setitimer(ITIMER_REAL, &it, &cur));
	CHECK(cur.it_value.tv_usec > 0 || cur.it_value.tv_sec > 0);
	CHECK_ERR(setitimer(42, &it, NULL), EINVAL);
}

TEST(setitimer_virtual_counts_cpu, "ITIMER_VIRTUAL fires after user CPU time, not wall time")
{
	struct itimerval it = { { 0, 0 }, { 0, 20000 } };

	ut_catch(SIGVTALRM, 0);
	CHECK_OK(setitimer(ITIMER_VIRTUAL, &it, NULL));
	while (ut_sig_count[SIGVTALRM] == 0)
		;	/* spin: only running counts */
}

/* ---- interrupted system calls */

static void
nothing(int sig)
{
	(void)sig;
}

static void
repeat_alarm(int flags)
{
	struct sigaction sa = { 0 };
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } };

	sa.sa_handler = nothing;
	sa.sa_flags = flags;
	CHECK_OK(sigaction(SIGALRM, &sa, NULL));
	CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
}

TEST(eintr_without_sa_restart, "a handler without SA_RESTART makes a blocked read fail with EINTR")
{
	char c;
	int p[2];

	CHECK_OK(pipe(p));
	repeat_alarm(0);
	CHECK_ERR(read(p[0], &c, 1), EINTR);
}

TEST(sa_restart_restarts_read, "with SA_RESTART a blocked read survives signals and gets its data")
{
	char c = 0;
	int p[2];

	CHECK_OK(pipe(p));
	pid_t pid = ut_fork();
	if (pid == 0) {
		ut_msleep(150);
		ut_write_all(p[1], "r", 1);
		_exit(0);
	}
	repeat_alarm(SA_RESTART);
	CHECK_EQ(read(p[0], &c, 1), 1);
	CHECK_EQ(c, 'r');
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &off, NULL);
	ut_wait_exit(pid, 0);
}

TEST(eintr_wait_and_pause, "pause and a blocking wait4 return EINTR when a handler runs")
{
	pid_t pid = sleeper();
	int st;

	repeat_alarm(0);
	CHECK_ERR(pause(), EINTR);
	CHECK_ERR(waitpid(pid, &st, 0), EINTR);
	kill(pid, SIGKILL);
	ut_wait_signal(pid, SIGKILL);
}
