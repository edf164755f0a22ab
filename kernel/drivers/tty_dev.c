// SPDX-License-Identifier: MIT
/*
 * The terminal as device files: /dev/console (5,1), /dev/tty (5,0: the
 * caller's controlling terminal) and /dev/ttyS0 (4,64) all reach the one
 * serial terminal.  Opening a terminal without O_NOCTTY from a session
 * leader that has none makes it the session's controlling terminal, as on
 * Linux.
 */
#include "drivers/tty.h"
#include "fs/chrdev.h"
#include "fs/fs.h"
#include "fs/uio.h"
#include "ipc/poll.h"
#include "mm/slab.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/poll.h"

#define TTY_CHUNK 256

static int
tty_open(struct inode *ino, struct file *f)
{
	struct tty *t = tty_console();

	f->priv = t;
	if (!(f->flags & O_NOCTTY) && !t->session && fs_upcalls.current_is_session_leader &&
	    fs_upcalls.current_is_session_leader()) {
		t->session = fs_upcalls.current_sid();
		t->pgrp = fs_upcalls.current_pgrp();
	}
	return 0;
}

static long
tty_file_read(struct file *f, struct uio *u, uint64_t *pos)
{
	char buf[TTY_CHUNK];
	long n = tty_read(f->priv, buf, MIN(sizeof(buf), uio_resid(u)),
			  (file_flags(f) & O_NONBLOCK) != 0);

	if (n <= 0)
		return n;
	return uio_copy_out(u, buf, (size_t)n);
}

static long
tty_file_write(struct file *f, struct uio *u, uint64_t *pos)
{
	char buf[TTY_CHUNK];
	long done = 0;

	while (uio_resid(u)) {
		long n = uio_copy_in(u, buf, MIN(sizeof(buf), uio_resid(u)));
		if (n <= 0)
			return done ? done : n;
		tty_write(f->priv, buf, (size_t)n);
		done += n;
	}
	return done;
}

static unsigned
tty_poll(struct file *f, struct poll_table *pt)
{
	struct tty *t = f->priv;

	poll_wait(f, &t->readers, pt);
	return POLLOUT | POLLWRNORM | (tty_can_read(t) ? POLLIN | POLLRDNORM : 0);
}

static long
tty_file_ioctl(struct file *f, unsigned cmd, unsigned long arg)
{
	return tty_ioctl(f->priv, cmd, arg);
}

static const struct file_ops tty_fops = {
	.open = tty_open,
	.read = tty_file_read,
	.write = tty_file_write,
	.poll = tty_poll,
	.ioctl = tty_file_ioctl,
};

void
tty_register_devices(void)
{
	chrdev_register(5, 0, 1, "tty", 0666, &tty_fops);
	chrdev_register(5, 1, 1, "console", 0600, &tty_fops);
	chrdev_register(4, 64, 1, "ttyS0", 0660, &tty_fops);
}
