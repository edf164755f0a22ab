// SPDX-License-Identifier: MIT
/*
 * Signal handling: rt_sigaction and its flags (SA_SIGINFO, SA_NODEFER,
 * SA_RESETHAND, SA_ONSTACK with sigaltstack, sa_mask), the blocked mask
 * (rt_sigprocmask), pending signals (rt_sigpending), and waiting for them
 * (rt_sigsuspend, rt_sigtimedwait).  Delivery, default actions and faults
 * are in t_sigdeliver.c.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "utest.h"

static volatile sig_atomic_t depth, max_depth, calls;

/* Raise the signal again from inside its first run, once. */
static void
reraise_once(int sig)
{
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	if (calls++ == 0)
		raise(sig);
	depth--;
}

static void
install(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa = { 0 };

	sa.sa_handler = fn;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	CHECK_OK(sigaction(sig, &sa, NULL));
}

TEST(sigaction_installs_handler, "a handler installed with sigaction runs when the signal comes")
{
	ut_catch(SIGUSR1, 0);
	CHECK_OK(raise(SIGUSR1));
	CHECK_EQ(ut_sig_count[SIGUSR1], 1);
	CHECK_OK(kill(getpid(), SIGUSR1));
	CHECK_EQ(ut_sig_count[SIGUSR1], 2);	/* delivered before kill returned */
}

TEST(sigaction_returns_old, "sigaction reports the previous action")
{
	struct sigaction old;

	CHECK_OK(sigaction(SIGUSR2, NULL, &old));
	CHECK(old.sa_handler == SIG_DFL);
	signal(SIGUSR2, SIG_IGN);
	CHECK_OK(sigaction(SIGUSR2, NULL, &old));
	CHECK(old.sa_handler == SIG_IGN);
}

TEST(sigaction_errors, "SIGKILL/SIGSTOP cannot be caught, bad numbers are EINVAL, bad pointers EFAULT")
{
	struct sigaction sa = { 0 };

	sa.sa_handler = SIG_IGN;
	CHECK_ERR(sigaction(SIGKILL, &sa, NULL), EINVAL);
	CHECK_ERR(sigaction(SIGSTOP, &sa, NULL), EINVAL);
	CHECK_ERR(syscall(SYS_rt_sigaction, 0, NULL, NULL, 8), EINVAL);
	CHECK_ERR(syscall(SYS_rt_sigaction, 65, NULL, NULL, 8), EINVAL);
	CHECK_ERR(syscall(SYS_rt_sigaction, SIGUSR1, NULL, NULL, 4), EINVAL);
	CHECK_ERR(syscall(SYS_rt_sigaction, SIGUSR1, UT_BAD_PTR, NULL, 8), EFAULT);
	CHECK_OK(sigaction(SIGKILL, NULL, &sa));	/* reading is fine */
}

static volatile int got_signo, got_code, got_pid, got_uid;

static void
record_info(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_signo = sig;
	got_code = si->si_code;
	got_pid = si->si_pid;
	got_uid = si->si_uid;
}

TEST(sa_siginfo_from_kill, "an SA_SIGINFO handler learns the sender: SI_USER, pid, uid")
{
	struct sigaction sa = { 0 };

	sa.sa_sigaction = record_info;
	sa.sa_flags = SA_SIGINFO;
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
	pid_t parent = getpid();
	pid_t pid = ut_fork();
	if (pid == 0) {
		kill(parent, SIGUSR1);
		_exit(0);
	}
	ut_wait_exit(pid, 0);
	while (got_signo == 0)
		ut_msleep(1);
	CHECK_EQ(got_signo, SIGUSR1);
	CHECK_EQ(got_code, SI_USER);
	CHECK_EQ(got_pid, pid);
	CHECK_EQ(got_uid, getuid());
}

static volatile int got_value;

static void
record_value(int sig, siginfo_t *si, void *uc)
{
	record_info(sig, si, uc);
	got_value = si->si_value.sival_int;
}

TEST(sigqueue_carries_value, "sigqueue delivers SI_QUEUE with the value attached")
{
	struct sigaction sa = { 0 };

	sa.sa_sigaction = record_value;
	sa.sa_flags = SA_SIGINFO;
	CHECK_OK(sigaction(SIGRTMIN, &sa, NULL));
	CHECK_OK(sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = 1234 }));
	CHECK_EQ(got_signo, SIGRTMIN);
	CHECK_EQ(got_code, SI_QUEUE);
	CHECK_EQ(got_value, 1234);
	CHECK_EQ(got_pid, getpid());
}

TEST(handler_blocks_own_signal, "while a handler runs its own signal is blocked (no nesting)")
{
	install(SIGUSR1, reraise_once, 0);
	raise(SIGUSR1);
	CHECK_EQ(max_depth, 1);	/* the re-raise waited for the handler to return */
	CHECK_EQ(calls, 2);
}

TEST(sa_nodefer_nests, "with SA_NODEFER a handler can be re-entered by its own signal")
{
	install(SIGUSR1, reraise_once, SA_NODEFER);
	raise(SIGUSR1);
	CHECK_EQ(max_depth, 2);
	CHECK_EQ(calls, 2);
}

TEST(sa_resethand_once, "SA_RESETHAND restores the default action after one delivery")
{
	struct sigaction old;

	ut_catch(SIGUSR1, SA_RESETHAND);
	raise(SIGUSR1);
	CHECK_EQ(ut_sig_count[SIGUSR1], 1);
	CHECK_OK(sigaction(SIGUSR1, NULL, &old));
	CHECK(old.sa_handler == SIG_DFL);
}

static volatile int usr2_pending_in_handler;

static void
check_mask_in_handler(int sig)
{
	sigset_t now;

	(void)sig;
	sigprocmask(SIG_BLOCK, NULL, &now);
	raise(SIGUSR2);	/* blocked by sa_mask: stays pending */
	usr2_pending_in_handler = sigismember(&now, SIGUSR2) && ut_sig_count[SIGUSR2] == 0;
}

TEST(sa_mask_blocks_during_handler, "sa_mask signals are blocked while the handler runs")
{
	struct sigaction sa = { 0 };

	ut_catch(SIGUSR2, 0);
	sa.sa_handler = check_mask_in_handler;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
	raise(SIGUSR1);
	CHECK(usr2_pending_in_handler);
	CHECK_EQ(ut_sig_count[SIGUSR2], 1);	/* delivered once the handler returned */
}

static char *altstack;
static volatile int on_alt;

static void
check_stack(int sig)
{
	char here;

	(void)sig;
	on_alt = &here >= altstack && &here < altstack + SIGSTKSZ * 4;
}

TEST(sa_onstack_uses_altstack, "an SA_ONSTACK handler runs on the sigaltstack")
{
	stack_t ss = { 0 }, cur;

	altstack = malloc(SIGSTKSZ * 4);
	ss.ss_sp = altstack;
	ss.ss_size = SIGSTKSZ * 4;
	CHECK_OK(sigaltstack(&ss, NULL));
	CHECK_OK(sigaltstack(NULL, &cur));
	CHECK(cur.ss_sp == altstack && cur.ss_size == SIGSTKSZ * 4 && cur.ss_flags == 0);
	install(SIGUSR1, check_stack, SA_ONSTACK);
	raise(SIGUSR1);
	CHECK(on_alt);
	install(SIGUSR1, check_stack, 0);
	raise(SIGUSR1);
	CHECK(!on_alt);
}

TEST(sigaltstack_errors, "sigaltstack: too small is ENOMEM, unknown flags EINVAL")
{
	static char small[512];
	stack_t ss = { .ss_sp = small, .ss_size = sizeof(small) };

	CHECK_ERR(sigaltstack(&ss, NULL), ENOMEM);
	ss.ss_size = SIGSTKSZ;
	ss.ss_flags = 0x1234;
	CHECK_ERR(sigaltstack(&ss, NULL), EINVAL);
	CHECK_ERR(syscall(SYS_sigaltstack, UT_BAD_PTR, NULL), EFAULT);
}

TEST(sigprocmask_blocks_then_delivers, "a blocked signal stays pending until it is unblocked")
{
	sigset_t s, pend;

	ut_catch(SIGUSR1, 0);
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	CHECK_OK(sigprocmask(SIG_BLOCK, &s, NULL));
	raise(SIGUSR1);
	CHECK_EQ(ut_sig_count[SIGUSR1], 0);
	CHECK_OK(sigpending(&pend));
	CHECK(sigismember(&pend, SIGUSR1));
	CHECK_OK(sigprocmask(SIG_UNBLOCK, &s, NULL));
	CHECK_EQ(ut_sig_count[SIGUSR1], 1);
	CHECK_OK(sigpending(&pend));
	CHECK(!sigismember(&pend, SIGUSR1));
}

TEST(sigprocmask_kill_stop_unblockable, "SIGKILL and SIGSTOP are silently left out of the mask")
{
	sigset_t all, now;

	sigfillset(&all);
	CHECK_OK(syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, NULL, 8));
	CHECK_OK(sigprocmask(SIG_BLOCK, NULL, &now));
	CHECK(!sigismember(&now, SIGKILL));
	CHECK(!sigismember(&now, SIGSTOP));
	CHECK(sigismember(&now, SIGTERM));
}

TEST(sigprocmask_errors, "a bad 'how' is EINVAL, a bad set size EINVAL, a bad pointer EFAULT")
{
	sigset_t s;

	sigemptyset(&s);
	CHECK_ERR(syscall(SYS_rt_sigprocmask, 7, &s, NULL, 8), EINVAL);
	CHECK_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &s, NULL, 4), EINVAL);
	CHECK_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, UT_BAD_PTR, NULL, 8), EFAULT);
}

TEST(standard_signals_coalesce, "a standard signal sent three times while blocked is delivered once")
{
	sigset_t s;

	ut_catch(SIGUSR1, 0);
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigprocmask(SIG_BLOCK, &s, NULL);
	for (int i = 0; i < 3; i++)
		raise(SIGUSR1);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	CHECK_EQ(ut_sig_count[SIGUSR1], 1);
}

TEST(realtime_signals_queue, "a real-time signal sent three times while blocked is delivered three times")
{
	sigset_t s;

	ut_catch(SIGRTMIN + 1, 0);
	sigemptyset(&s);
	sigaddset(&s, SIGRTMIN + 1);
	sigprocmask(SIG_BLOCK, &s, NULL);
	for (int i = 0; i < 3; i++)
		CHECK_OK(sigqueue(getpid(), SIGRTMIN + 1, (union sigval){ .sival_int = i }));
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	CHECK_EQ(ut_sig_count[SIGRTMIN + 1], 3);
}

TEST(sigsuspend_waits, "sigsuspend swaps in a mask, sleeps until a signal, and restores the mask")
{
	sigset_t block, empty, now;

	ut_catch(SIGUSR1, 0);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, NULL);
	pid_t parent = getpid();
	pid_t pid = ut_fork();
	if (pid == 0) {
		ut_msleep(20);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	sigemptyset(&empty);
	CHECK_ERR(sigsuspend(&empty), EINTR);
	CHECK_EQ(ut_sig_count[SIGUSR1], 1);
	sigprocmask(SIG_BLOCK, NULL, &now);
	CHECK(sigismember(&now, SIGUSR1));
	ut_wait_exit(pid, 0);
}

TEST(sigtimedwait_takes_pending, "sigtimedwait takes a pending blocked signal without running a handler")
{
	sigset_t s;
	siginfo_t si;

	ut_catch(SIGUSR1, 0);
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigprocmask(SIG_BLOCK, &s, NULL);
	raise(SIGUSR1);
	struct timespec ts = { 1, 0 };
	CHECK_EQ(sigtimedwait(&s, &si, &ts), SIGUSR1);
	CHECK_EQ(si.si_signo, SIGUSR1);
	CHECK_EQ(si.si_pid, getpid());
	CHECK_EQ(ut_sig_count[SIGUSR1], 0);
}

TEST(sigtimedwait_timeout, "sigtimedwait with nothing pending times out with EAGAIN")
{
	sigset_t s;
	struct timespec ts = { 0, 20 * 1000000 };

	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigprocmask(SIG_BLOCK, &s, NULL);
	CHECK_ERR(sigtimedwait(&s, NULL, &ts), EAGAIN);
	ts.tv_nsec = 1000000000;
	CHECK_ERR(sigtimedwait(&s, NULL, &ts), EINVAL);
}
