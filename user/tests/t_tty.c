// SPDX-License-Identifier: MIT
/*
 * Terminals: the termios ioctls (TCGETS/TCSETS, TIOCGWINSZ/TIOCSWINSZ) and
 * the line discipline between them and a program: canonical lines with
 * erase and end-of-file, echo, output NL -> CR NL, raw mode, and ^C turned
 * into SIGINT for the foreground process group of the controlling tty.
 *
 * A pseudo-terminal (/dev/ptmx) lets a test type on one side and read on
 * the other; the tests skip when there is none.  The standard-input tests
 * only read settings, and skip when stdin is not a terminal.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "utest.h"

struct pty {
	int master, slave;
};

static struct pty
open_pty(void)
{
	struct pty p;

	p.master = posix_openpt(O_RDWR | O_NOCTTY);
	if (p.master < 0)
		SKIP("no pseudo-terminals: %s", ut_errname(errno));
	CHECK_OK(grantpt(p.master));
	CHECK_OK(unlockpt(p.master));
	p.slave = open(ptsname(p.master), O_RDWR | O_NOCTTY);
	if (p.slave < 0)
		FAIL("open %s: %s", ptsname(p.master), ut_errname(errno));
	return p;
}

/* Read what is available on fd within about a second, NUL-terminated. */
static size_t
read_some(int fd, char *buf, size_t size, size_t want)
{
	size_t got = 0;

	for (int tries = 0; tries < 100 && got < want; tries++) {
		ssize_t n = read(fd, buf + got, size - 1 - got);

		if (n > 0)
			got += n;
		else if (n < 0 && errno != EAGAIN)
			FAIL("read: %s", ut_errname(errno));
		else
			ut_msleep(10);
	}
	buf[got] = 0;
	return got;
}

TEST(pty_is_a_tty, "both sides of a pty are ttys; tcgetattr works on the slave")
{
	struct pty p = open_pty();
	struct termios t;

	CHECK(isatty(p.slave));
	CHECK_OK(tcgetattr(p.slave, &t));
	CHECK(t.c_lflag & ICANON);
	CHECK(t.c_lflag & ECHO);
	CHECK_EQ(t.c_cc[VINTR], 3);
	CHECK_EQ(t.c_cc[VEOF], 4);
}

TEST(tty_ioctl_on_non_tty_enotty, "termios ioctls on a pipe or file fail with ENOTTY")
{
	struct termios t;
	struct winsize ws;
	int p[2];

	CHECK_OK(pipe(p));
	CHECK_ERR(tcgetattr(p[0], &t), ENOTTY);
	CHECK_ERR(ioctl(p[0], TIOCGWINSZ, &ws), ENOTTY);
	CHECK(!isatty(p[0]));
	ut_write_file("f", "");
	int fd = CHECK_OK(open("f", O_RDONLY));
	CHECK_ERR(tcgetattr(fd, &t), ENOTTY);
	CHECK_ERR(tcgetattr(-1, &t), EBADF);
}

TEST(pty_canonical_lines, "in canonical mode a read waits for the newline and returns one line")
{
	struct pty p = open_pty();
	char buf[64];

	CHECK_OK(fcntl(p.slave, F_SETFL, O_NONBLOCK));
	ut_write_all(p.master, "abc", 3);
	ut_msleep(20);
	CHECK_ERR(read(p.slave, buf, sizeof(buf)), EAGAIN);
	ut_write_all(p.master, "\rxy\n", 4);	/* ICRNL: CR ends the line too */
	CHECK_EQ(read_some(p.slave, buf, sizeof(buf), 4), 4);
	CHECK(strcmp(buf, "abc\n") == 0);
	CHECK_EQ(read_some(p.slave, buf, sizeof(buf), 3), 3);
	CHECK(strcmp(buf, "xy\n") == 0);
}

TEST(pty_erase_and_eof, "VERASE removes a character; VEOF at line start reads as end of file")
{
	struct pty p = open_pty();
	char buf[64];

	ut_write_all(p.master, "abX\x7f" "c\n", 6);
	CHECK_EQ(read_some(p.slave, buf, sizeof(buf), 4), 4);
	CHECK(strcmp(buf, "abc\n") == 0);
	ut_write_all(p.master, "\x04", 1);
	CHECK_EQ(read(p.slave, buf, sizeof(buf)), 0);
}

TEST(pty_echo_and_onlcr, "input is echoed; output NL becomes CR NL")
{
	struct pty p = open_pty();
	char buf[64];

	CHECK_OK(fcntl(p.master, F_SETFL, O_NONBLOCK));
	ut_write_all(p.master, "hi\n", 3);
	CHECK_EQ(read_some(p.master, buf, sizeof(buf), 4), 4);
	CHECK(strcmp(buf, "hi\r\n") == 0);
	ut_write_all(p.slave, "out\n", 4);
	CHECK_EQ(read_some(p.master, buf, sizeof(buf), 5), 5);
	CHECK(strcmp(buf, "out\r\n") == 0);
}

TEST(pty_raw_mode, "in raw mode bytes arrive one by one, unechoed and untranslated")
{
	struct pty p = open_pty();
	struct termios t;
	char buf[16];

	CHECK_OK(tcgetattr(p.slave, &t));
	cfmakeraw(&t);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	CHECK_OK(tcsetattr(p.slave, TCSANOW, &t));
	CHECK_OK(tcgetattr(p.slave, &t));
	CHECK(!(t.c_lflag & (ICANON | ECHO | ISIG)));
	ut_write_all(p.master, "\x03q", 2);
	CHECK_EQ(read_some(p.slave, buf, sizeof(buf), 2), 2);
	CHECK(buf[0] == 3 && buf[1] == 'q');
	CHECK_OK(fcntl(p.master, F_SETFL, O_NONBLOCK));
	CHECK_ERR(read(p.master, buf, sizeof(buf)), EAGAIN);	/* no echo */
	ut_write_all(p.slave, "\n", 1);
	CHECK_EQ(read_some(p.master, buf, sizeof(buf), 1), 1);
	CHECK_EQ(buf[0], '\n');
}

/* In a child: make the pty slave our controlling terminal, in the
 * foreground, then wait for signals. */
static pid_t
spawn_on_pty(struct pty *p, int sig_to_catch)
{
	int pp[2];
	char c;

	CHECK_OK(pipe(pp));
	pid_t pid = ut_fork();
	if (pid == 0) {
		CHECK_OK(setsid());
		CHECK_OK(ioctl(p->slave, TIOCSCTTY, 0));
		CHECK_EQ(tcgetpgrp(p->slave), getpid());
		if (sig_to_catch)
			ut_catch(sig_to_catch, 0);
		ut_write_all(pp[1], "r", 1);
		while (!sig_to_catch || !ut_sig_count[sig_to_catch])
			pause();
		_exit(42);
	}
	ut_read_exact(pp[0], &c, 1);
	return pid;
}

TEST(pty_ctrl_c_sends_sigint, "^C on a controlling tty sends SIGINT to its foreground group")
{
	struct pty p = open_pty();
	pid_t pid = spawn_on_pty(&p, 0);

	ut_write_all(p.master, "\x03", 1);
	ut_wait_signal(pid, SIGINT);
}

TEST(pty_winsize_and_sigwinch, "TIOCSWINSZ sets the size TIOCGWINSZ reads, and sends SIGWINCH")
{
	struct pty p = open_pty();
	struct winsize ws = { .ws_row = 33, .ws_col = 111 }, got;
	pid_t pid = spawn_on_pty(&p, SIGWINCH);

	CHECK_OK(ioctl(p.master, TIOCSWINSZ, &ws));
	CHECK_OK(ioctl(p.slave, TIOCGWINSZ, &got));
	CHECK(got.ws_row == 33 && got.ws_col == 111);
	ut_wait_exit(pid, 42);
}

TEST(stdin_tty_settings, "when stdin is a terminal its termios and window size can be read")
{
	struct termios t;
	struct winsize ws;

	if (!isatty(0))
		SKIP("stdin is not a terminal");
	CHECK_OK(tcgetattr(0, &t));
	CHECK_OK(ioctl(0, TIOCGWINSZ, &ws));
	CHECK(ttyname(0) != NULL);
}
