// SPDX-License-Identifier: MIT
/*
 * Checks and helpers shared by every test: how a failure is reported, how a
 * test waits for its children, drops privileges, and reads and writes whole
 * files.  Everything here reports trouble through FAIL, so a test body can
 * stay a straight list of steps.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "errname.h"
#include "utest.h"

const char *ut_self;
volatile sig_atomic_t ut_sig_count[65];

/* Write the message to the result pipe, or to stderr when a helper runs
 * outside the runner. */
static void
report(const char *prefix, const char *fmt, va_list ap)
{
	char msg[512];
	int n = 0;
	int fd = fcntl(UT_RESULT_FD, F_GETFD) >= 0 ? UT_RESULT_FD : 2;

	if (prefix)
		n = snprintf(msg, sizeof(msg), "%s", prefix);
	vsnprintf(msg + n, sizeof(msg) - n - 2, fmt, ap);
	n = strlen(msg);
	msg[n++] = '\n';
	if (write(fd, msg, n) < 0)
		_exit(3);
}

void
ut_fail(const char *file, int line, const char *fmt, ...)
{
	char prefix[128];
	va_list ap;
	const char *base = strrchr(file, '/');

	snprintf(prefix, sizeof(prefix), "%s:%d: ", base ? base + 1 : file, line);
	va_start(ap, fmt);
	report(prefix, fmt, ap);
	va_end(ap);
	_exit(1);
}

void
ut_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(NULL, fmt, ap);
	va_end(ap);
	_exit(UT_SKIP_STATUS);
}

const char *
ut_errname(int err)
{
	return errname(err);
}

pid_t
ut_fork(void)
{
	pid_t pid = fork();

	if (pid < 0)
		FAIL("fork: %s", errname(errno));
	return pid;
}

int
ut_wait(pid_t pid)
{
	int status;
	pid_t r;

	do
		r = waitpid(pid, &status, 0);
	while (r < 0 && errno == EINTR);
	if (r != pid)
		FAIL("waitpid(%d): %s", (int)pid, errname(errno));
	return status;
}

void
ut_wait_exit(pid_t pid, int code)
{
	int st = ut_wait(pid);

	if (WIFSIGNALED(st))
		FAIL("child %d died of signal %d (%s), expected exit %d", (int)pid,
		     WTERMSIG(st), strsignal(WTERMSIG(st)), code);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != code)
		FAIL("child %d: wait status %#x, expected exit %d", (int)pid, st, code);
}

void
ut_wait_signal(pid_t pid, int sig)
{
	int st = ut_wait(pid);

	if (!WIFSIGNALED(st) || WTERMSIG(st) != sig)
		FAIL("child %d: wait status %#x, expected death by signal %d (%s)",
		     (int)pid, st, sig, strsignal(sig));
}

void
ut_need_root(void)
{
	if (geteuid() != 0)
		SKIP("needs root");
}

void
ut_become_nobody(void)
{
	ut_need_root();
	CHECK_OK(setgroups(0, NULL));
	CHECK_OK(setgid(UT_NOBODY));
	CHECK_OK(setuid(UT_NOBODY));
}

/* Tests that die of SIGQUIT or SIGSEGV on purpose must not leave core files
 * behind.  A zero RLIMIT_CORE stops file dumps; a non-dumpable process is
 * not dumped even through a core_pattern pipe.  Either may be missing on a
 * young kernel, which is harmless there. */
void
ut_no_core(void)
{
	struct rlimit rl = { 0, 0 };

	setrlimit(RLIMIT_CORE, &rl);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

void
ut_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			FAIL("write(%d, %zu bytes): %s", fd, len, n < 0 ? errname(errno) : "0");
		p += n;
		len -= n;
	}
}

void
ut_read_exact(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			FAIL("read(%d): %s", fd, errname(errno));
		if (n == 0)
			FAIL("read(%d): end of file with %zu bytes still expected", fd, len);
		p += n;
		len -= n;
	}
}

void
ut_write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		FAIL("open %s: %s", path, errname(errno));
	ut_write_all(fd, text, strlen(text));
	close(fd);
}

size_t
ut_read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	size_t got = 0;
	ssize_t n;

	if (fd < 0)
		FAIL("open %s: %s", path, errname(errno));
	while (got + 1 < size && (n = read(fd, buf + got, size - 1 - got)) > 0)
		got += n;
	buf[got] = 0;
	close(fd);
	return got;
}

long long
ut_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void
ut_msleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void
count_signal(int sig)
{
	ut_sig_count[sig]++;
}

void
ut_catch(int sig, int flags)
{
	struct sigaction sa = { 0 };

	sa.sa_handler = count_signal;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	CHECK_OK(sigaction(sig, &sa, NULL));
}
