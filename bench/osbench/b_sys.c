// SPDX-License-Identifier: MIT
/*
 * The cheapest trips into the kernel: a system call that does nearly
 * nothing (getppid), one the kernel does not know (number 1000, which must
 * fail with ENOSYS), a 1-byte read of /dev/zero and write to /dev/null
 * (the file-descriptor path down to a trivial driver), and delivery of a
 * signal to a handler in this process (kill, frame set-up, sigreturn).
 */
#include "osbench.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define OSB_UNKNOWN_SYSCALL 1000

static int
osb_getppid(void *ctx, long n)
{
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	return 0;
}

static int
osb_unknown(void *ctx, long n)
{
	for (long i = 0; i < n; i++) {
		if (syscall(OSB_UNKNOWN_SYSCALL) != -1 || errno != ENOSYS)
			return osb_failmsg("syscall(1000) did not fail with ENOSYS");
	}
	return 0;
}

/* ctx points at an open descriptor; read or write one byte n times. */
static int
osb_read1(void *ctx, long n)
{
	int fd = *(int *)ctx;
	char c;

	for (long i = 0; i < n; i++) {
		if (read(fd, &c, 1) != 1)
			return osb_fail("read /dev/zero");
	}
	return 0;
}

static int
osb_write1(void *ctx, long n)
{
	int fd = *(int *)ctx;
	char c = 'x';

	for (long i = 0; i < n; i++) {
		if (write(fd, &c, 1) != 1)
			return osb_fail("write /dev/null");
	}
	return 0;
}

/* Open @path and time @fn on it, or report why it would not open. */
static void
osb_dev_io(const char *name, const char *path, int flags, osb_loop_fn fn)
{
	int fd;

	if (osb_filtered(name))
		return;
	fd = open(path, flags);
	if (fd < 0) {
		osb_error(name, "open %s: %s", path, strerror(errno));
		return;
	}
	osb_time_loop(name, fn, &fd);
	close(fd);
}

static volatile sig_atomic_t osb_sig_count;

static void
osb_on_usr1(int sig)
{
	osb_sig_count++;
}

static int
osb_signal(void *ctx, long n)
{
	pid_t self = getpid();

	osb_sig_count = 0;
	for (long i = 0; i < n; i++) {
		if (kill(self, SIGUSR1) < 0)
			return osb_fail("kill");
	}
	if (osb_sig_count != n)
		return osb_failmsg("handler ran fewer times than signals were sent");
	return 0;
}

static void
osb_signal_bench(void)
{
	struct sigaction sa, old;

	if (osb_filtered("signal_handler"))
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = osb_on_usr1;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, &old) < 0) {
		osb_error("signal_handler", "sigaction: %s", strerror(errno));
		return;
	}
	osb_time_loop("signal_handler", osb_signal, NULL);
	sigaction(SIGUSR1, &old, NULL);
}

void
osb_run_sys(void)
{
	osb_time_loop("syscall_null", osb_getppid, NULL);
	osb_time_loop("syscall_unknown", osb_unknown, NULL);
	osb_dev_io("read_zero_1b", "/dev/zero", O_RDONLY, osb_read1);
	osb_dev_io("write_null_1b", "/dev/null", O_WRONLY, osb_write1);
	osb_signal_bench();
}
