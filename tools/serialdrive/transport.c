// SPDX-License-Identifier: MIT
/*
 * serialdrive's connections.  On a pty the child gets what a login on a
 * serial line gets: its own session, the pty as controlling terminal (so
 * ^C reaches its foreground job as SIGINT) and an 80x24 window.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "transport.h"

int
sd_connect_socket(const char *path, int seconds)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || strlen(path) >= sizeof(a.sun_path)) {
		fprintf(stderr, "serialdrive: socket %s: %s\n", path,
			fd < 0 ? strerror(errno) : "path too long");
		return -1;
	}
	strcpy(a.sun_path, path);
	for (int tries = 0; connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0; tries++) {
		if ((errno != ENOENT && errno != ECONNREFUSED) || tries >= seconds * 10) {
			fprintf(stderr, "serialdrive: connect %s: %s\n", path, strerror(errno));
			close(fd);
			return -1;
		}
		usleep(100000);
	}
	return fd;
}

static void __attribute__((noreturn))
child_on_pty(const char *slave_name, char **argv)
{
	int fd;

	setsid();
	fd = open(slave_name, O_RDWR);
	if (fd < 0) {
		perror(slave_name);
		_exit(127);
	}
	ioctl(fd, TIOCSCTTY, 0);
	for (int i = 0; i < 3; i++)
		dup2(fd, i);
	if (fd > 2)
		close(fd);
	/*
	 * Start the shell as a terminal would: default signal actions and an
	 * empty signal mask.  A harness run in the background by a
	 * non-interactive shell has SIGINT and SIGQUIT ignored, and an ignored
	 * signal stays ignored across exec, so ^C would reach nothing.
	 */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	execvp(argv[0], argv);
	fprintf(stderr, "serialdrive: exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

int
sd_start_on_pty(char **argv, pid_t *child)
{
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0) {
		fprintf(stderr, "serialdrive: no pseudo-terminal: %s\n", strerror(errno));
		return -1;
	}
	ioctl(m, TIOCSWINSZ, &ws);
	*child = fork();
	if (*child < 0) {
		perror("serialdrive: fork");
		return -1;
	}
	if (*child == 0)
		child_on_pty(ptsname(m), argv);
	return m;
}

void
sd_finish_child(pid_t child)
{
	if (child <= 0)
		return;
	kill(-child, SIGHUP);
	kill(child, SIGHUP);
	usleep(100000);
	kill(-child, SIGKILL);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
}
