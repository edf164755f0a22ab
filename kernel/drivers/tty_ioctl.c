// SPDX-License-Identifier: MIT
/*
 * Terminal ioctls: termios get/set, window size, foreground process group,
 * controlling terminal.  The process layer answers questions about the
 * caller (its session and group) through fs_upcalls.
 */
#include "drivers/tty.h"
#include "fs/vfs.h"
#include "mm/usercopy.h"
#include "uapi/errno.h"

static int
cur_sid(void)
{
	return fs_upcalls.current_sid ? fs_upcalls.current_sid() : 0;
}

static long
set_termios(struct tty *t, uint64_t arg, bool flush)
{
	struct termios_k tio;

	if (copy_from_user(&tio, (void *)arg, sizeof(tio)))
		return -EFAULT;
	spin_lock(&t->lock);
	if (flush) {
		t->in_tail = t->in_head;
		t->lines = 0;
		t->line_len = 0;
	}
	/* Leaving canonical mode: what was typed so far becomes readable. */
	if ((t->termios.c_lflag & ICANON) && !(tio.c_lflag & ICANON)) {
		for (size_t i = 0; i < t->line_len && t->in_head - t->in_tail < TTY_BUF; i++) {
			t->in_flags[t->in_head % TTY_BUF] = 0;
			t->in[t->in_head++ % TTY_BUF] = t->line[i];
		}
		t->line_len = 0;
	}
	t->termios = tio;
	spin_unlock(&t->lock);
	waitq_wake_all(&t->readers);
	return 0;
}

static long
set_pgrp(struct tty *t, uint64_t arg)
{
	int pgrp;

	if (copy_from_user(&pgrp, (void *)arg, sizeof(pgrp)))
		return -EFAULT;
	if (pgrp <= 0)
		return -EINVAL;
	if (t->session && t->session != cur_sid())
		return -ENOTTY;
	t->pgrp = pgrp;
	return 0;
}

long
tty_ioctl(struct tty *t, unsigned cmd, uint64_t arg)
{
	int v;

	switch (cmd) {
	case TCGETS:
		return copy_to_user((void *)arg, &t->termios, sizeof(t->termios)) ? -EFAULT : 0;
	case TCSETS:
	case TCSETSW:
		return set_termios(t, arg, false);
	case TCSETSF:
		return set_termios(t, arg, true);
	case TIOCGWINSZ:
		return copy_to_user((void *)arg, &t->winsize, sizeof(t->winsize)) ? -EFAULT : 0;
	case TIOCSWINSZ:
		return copy_from_user(&t->winsize, (void *)arg, sizeof(t->winsize)) ? -EFAULT : 0;
	case TIOCGPGRP:
		v = t->pgrp;
		return copy_to_user((void *)arg, &v, sizeof(v)) ? -EFAULT : 0;
	case TIOCSPGRP:
		return set_pgrp(t, arg);
	case TIOCGSID:
		if (!t->session)
			return -ENOTTY;
		v = t->session;
		return copy_to_user((void *)arg, &v, sizeof(v)) ? -EFAULT : 0;
	case TIOCSCTTY:
		/* A session leader without a terminal takes this one. */
		if (!fs_upcalls.current_is_session_leader || !fs_upcalls.current_is_session_leader())
			return -EPERM;
		if (t->session && t->session != cur_sid() && arg != 1)
			return -EPERM;
		t->session = cur_sid();
		t->pgrp = fs_upcalls.current_pgrp ? fs_upcalls.current_pgrp() : 0;
		return 0;
	case TIOCNOTTY:
		if (t->session == cur_sid())
			t->session = t->pgrp = 0;
		return 0;
	case FIONREAD:
		spin_lock(&t->lock);
		v = (int)(t->in_head - t->in_tail);
		spin_unlock(&t->lock);
		return copy_to_user((void *)arg, &v, sizeof(v)) ? -EFAULT : 0;
	case TIOCOUTQ:
		v = 0;
		return copy_to_user((void *)arg, &v, sizeof(v)) ? -EFAULT : 0;
	case TCFLSH:
		if (arg == TCIFLUSH || arg == TCIOFLUSH) {
			spin_lock(&t->lock);
			t->in_tail = t->in_head;
			t->lines = t->line_len = 0;
			spin_unlock(&t->lock);
		}
		return arg <= TCIOFLUSH ? 0 : -EINVAL;
	case TCSBRK:
	case TCXONC:
		return 0;
	default:
		return -ENOTTY;
	}
}
