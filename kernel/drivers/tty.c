// SPDX-License-Identifier: MIT
/*
 * The terminal: a line discipline between the serial port and programs.
 *
 * Characters typed arrive one at a time from the UART's interrupt and go
 * through the line discipline, configured by termios:
 *
 *   input    ICRNL turns CR into NL;  ISIG makes ^C, ^\ and ^Z into SIGINT,
 *            SIGQUIT and SIGTSTP for the foreground process group;
 *   ICANON   (canonical mode) collects a line with editing: ERASE deletes a
 *            character, WERASE a word, KILL the line; a read returns one
 *            whole line, and ^D (EOF) at the start of a line reads as 0;
 *   raw      without ICANON a read returns as soon as VMIN bytes are there
 *            (or VTIME tenths of a second passed);
 *   ECHO     typed characters are echoed, control characters as ^X;
 *   output   OPOST with ONLCR turns NL into CR NL.
 *
 * Job control: the terminal belongs to a session and has a foreground
 * process group; a background process that reads gets SIGTTIN.
 *
 * Locking: tty->lock (a spinlock, since the interrupt handler takes it)
 * protects the buffers and settings; readers sleep on tty->readers.  The
 * lock is a leaf apart from waking readers.
 */
#include "drivers/tty.h"
#include "arch/arch.h"
#include "core/printk.h"
#include "drivers/serial.h"
#include "fs/vfs.h"
#include "lib/string.h"
#include "sched/sched.h"
#include "sched/timer.h"
#include "uapi/errno.h"
#include "uapi/signal.h"

#define CTRL(c) ((c) & 0x1f)

static struct tty console_tty;

struct tty *
tty_console(void)
{
	return &console_tty;
}

static void
default_termios(struct termios_k *t)
{
	memset(t, 0, sizeof(*t));
	t->c_iflag = ICRNL | IXON;
	t->c_oflag = OPOST | ONLCR;
	t->c_cflag = B38400 | CS8 | CREAD | HUPCL;
	t->c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
	t->c_cc[VINTR] = CTRL('C');
	t->c_cc[VQUIT] = CTRL('\\');
	t->c_cc[VERASE] = 0x7f;
	t->c_cc[VKILL] = CTRL('U');
	t->c_cc[VEOF] = CTRL('D');
	t->c_cc[VTIME] = 0;
	t->c_cc[VMIN] = 1;
	t->c_cc[VSTART] = CTRL('Q');
	t->c_cc[VSTOP] = CTRL('S');
	t->c_cc[VSUSP] = CTRL('Z');
	t->c_cc[VREPRINT] = CTRL('R');
	t->c_cc[VWERASE] = CTRL('W');
	t->c_cc[VLNEXT] = CTRL('V');
	t->c_cc[VDISCARD] = CTRL('O');
}

/* ---- output ---- */

/* Raw bytes to the device (serial, and the screen mirror). */
static void
dev_write(struct tty *t, const char *s, size_t n)
{
	console_write_raw(s, n);
}

/* Output processing for one character.  => t->lock held */
static void
out_char(struct tty *t, char c)
{
	if ((t->termios.c_oflag & OPOST) && (t->termios.c_oflag & ONLCR) && c == '\n')
		dev_write(t, "\r\n", 2);
	else
		dev_write(t, &c, 1);
}

static void
echo_char(struct tty *t, char c)
{
	if (!(t->termios.c_lflag & ECHO))
		return;
	if ((t->termios.c_lflag & ECHOCTL) && (uint8_t)c < 0x20 && c != '\n' && c != '\t') {
		char s[2] = { '^', (char)(c + '@') };
		dev_write(t, s, 2);
		return;
	}
	out_char(t, c);
}

static void
erase_one(struct tty *t)
{
	char c;

	if (t->line_len == 0)
		return;
	c = t->line[--t->line_len];
	if (!(t->termios.c_lflag & ECHO))
		return;
	if (t->termios.c_lflag & ECHOE) {
		dev_write(t, "\b \b", 3);
		if ((t->termios.c_lflag & ECHOCTL) && (uint8_t)c < 0x20 && c != '\t')
			dev_write(t, "\b \b", 3);   /* the ^X took two columns */
	}
}

/* ---- input ---- */

static size_t
ring_used(const struct tty *t)
{
	return t->in_head - t->in_tail;
}

static void
ring_put(struct tty *t, char c, uint8_t flag)
{
	if (ring_used(t) < TTY_BUF) {
		t->in_flags[t->in_head % TTY_BUF] = flag;
		t->in[t->in_head++ % TTY_BUF] = c;
	}
}

/*
 * A finished canonical line becomes readable.  Its last byte is marked as
 * the line's end; an EOF on an empty line is a marker byte that reads as
 * nothing, so the read that meets it returns 0.
 */
static void
commit_line(struct tty *t)
{
	if (t->line_len == 0) {
		ring_put(t, 0, TTY_EOF);
	} else {
		for (size_t i = 0; i < t->line_len; i++)
			ring_put(t, t->line[i], i + 1 == t->line_len ? TTY_EOL : 0);
	}
	t->line_len = 0;
	t->lines++;
}

static bool
isig(struct tty *t, char c, int *sig)
{
	const uint8_t *cc = t->termios.c_cc;

	if (!(t->termios.c_lflag & ISIG))
		return false;
	if (c == cc[VINTR]) *sig = SIGINT;
	else if (c == cc[VQUIT]) *sig = SIGQUIT;
	else if (c == cc[VSUSP]) *sig = SIGTSTP;
	else return false;
	return c != 0;
}

/* Canonical-mode editing.  => t->lock held */
static void
canon_char(struct tty *t, char c)
{
	const uint8_t *cc = t->termios.c_cc;

	if (c == cc[VERASE] || c == '\b') {
		erase_one(t);
	} else if (c == cc[VWERASE] && (t->termios.c_lflag & IEXTEN)) {
		while (t->line_len && t->line[t->line_len - 1] == ' ')
			erase_one(t);
		while (t->line_len && t->line[t->line_len - 1] != ' ')
			erase_one(t);
	} else if (c == cc[VKILL]) {
		while (t->line_len)
			erase_one(t);
	} else if (c == cc[VEOF]) {
		commit_line(t);
	} else if (c == '\n' || (c == cc[VEOL] && c)) {
		if (t->line_len < TTY_LINE)
			t->line[t->line_len++] = c;
		echo_char(t, c);
		commit_line(t);
	} else if (t->line_len < TTY_LINE - 1) {
		t->line[t->line_len++] = c;
		echo_char(t, c);
	}
}

void
tty_receive(struct tty *t, char c)
{
	unsigned long f;
	int sig = 0;

	spin_lock(&t->lock);
	if ((t->termios.c_iflag & ISTRIP))
		c &= 0x7f;
	if (c == '\r' && (t->termios.c_iflag & IGNCR))
		goto out;
	if (c == '\r' && (t->termios.c_iflag & ICRNL))
		c = '\n';
	else if (c == '\n' && (t->termios.c_iflag & INLCR))
		c = '\r';
	if (isig(t, c, &sig)) {
		echo_char(t, c);
		if (!(t->termios.c_lflag & NOFLSH)) {
			t->line_len = 0;
			t->in_tail = t->in_head;
		}
		out_char(t, '\n');
	} else if (t->termios.c_lflag & ICANON) {
		canon_char(t, c);
	} else {
		ring_put(t, c, 0);
		echo_char(t, c);
	}
out:
	spin_unlock(&t->lock);
	(void)f;
	if (sig && t->pgrp > 0 && fs_upcalls.signal_pgrp)
		fs_upcalls.signal_pgrp(t->pgrp, sig);
	waitq_wake_all(&t->readers);
	if (t->poll_wake)
		t->poll_wake(t);
}

/* Bytes a read could take now.  => t->lock held */
static size_t
readable(const struct tty *t)
{
	if (t->termios.c_lflag & ICANON)
		return t->lines ? 1 : 0;
	return ring_used(t);
}

bool
tty_can_read(struct tty *t)
{
	bool r;

	spin_lock(&t->lock);
	r = readable(t) > 0;
	spin_unlock(&t->lock);
	return r;
}

/* Take up to n bytes of one canonical line.  => t->lock held */
static size_t
take_canon(struct tty *t, char *buf, size_t n)
{
	size_t got = 0;

	while (got < n && ring_used(t)) {
		size_t i = t->in_tail++ % TTY_BUF;
		uint8_t flag = t->in_flags[i];

		if (flag != TTY_EOF)
			buf[got++] = t->in[i];
		if (flag) {
			t->lines--;
			break;
		}
	}
	return got;
}

static size_t
take_raw(struct tty *t, char *buf, size_t n)
{
	size_t got = 0;

	while (got < n && ring_used(t))
		buf[got++] = t->in[t->in_tail++ % TTY_BUF];
	return got;
}

/* A background process reading its terminal is stopped with SIGTTIN. */
static int
check_background_read(struct tty *t)
{
	int pgrp = fs_upcalls.current_pgrp ? fs_upcalls.current_pgrp() : 0;
	int sid = fs_upcalls.current_sid ? fs_upcalls.current_sid() : 0;

	if (!t->pgrp || sid != t->session || pgrp == t->pgrp)
		return 0;
	if (fs_upcalls.signal_pgrp)
		fs_upcalls.signal_pgrp(pgrp, SIGTTIN);
	return -ERESTARTSYS;
}

long
tty_read(struct tty *t, char *kbuf, size_t n, bool nonblock)
{
	uint64_t vtime;
	size_t got;
	int r;

	if ((r = check_background_read(t)))
		return r;
	spin_lock(&t->lock);
	vtime = (uint64_t)t->termios.c_cc[VTIME] * 100000000ull;
	for (;;) {
		size_t want = (t->termios.c_lflag & ICANON) ? 1 :
			      MIN((size_t)MAX(t->termios.c_cc[VMIN], 1), n);
		if (readable(t) >= want || (!(t->termios.c_lflag & ICANON) &&
					    t->termios.c_cc[VMIN] == 0))
			break;
		if (nonblock) {
			spin_unlock(&t->lock);
			return -EAGAIN;
		}
		r = waitq_sleep(&t->readers, &t->lock, vtime, true);
		if (r == -ETIMEDOUT)
			break;
		if (r) {
			spin_unlock(&t->lock);
			return -ERESTARTSYS;
		}
	}
	got = (t->termios.c_lflag & ICANON) ? take_canon(t, kbuf, n) : take_raw(t, kbuf, n);
	spin_unlock(&t->lock);
	return (long)got;
}

long
tty_write(struct tty *t, const char *kbuf, size_t n)
{
	spin_lock(&t->lock);
	for (size_t i = 0; i < n; i++)
		out_char(t, kbuf[i]);
	spin_unlock(&t->lock);
	return (long)n;
}

static void
serial_rx(char c)
{
	tty_receive(&console_tty, c);
}

void
tty_init(void)
{
	struct tty *t = &console_tty;

	spin_init(&t->lock, "tty");
	waitq_init(&t->readers);
	default_termios(&t->termios);
	t->winsize.ws_row = 24;
	t->winsize.ws_col = 80;
	serial_enable_rx_irq(serial_rx);
}
