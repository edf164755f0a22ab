/* SPDX-License-Identifier: MIT */
/* The console terminal and its line discipline (drivers/tty.c). */
#pragma once

#include "lib/compiler.h"
#include "sync/spinlock.h"
#include "sync/waitqueue.h"
#include "uapi/termios.h"

#define TTY_BUF  4096
#define TTY_LINE 1024
#define TTY_EOL 1
#define TTY_EOF 2

struct tty {
	struct spinlock lock;          /* protects everything below; leaf */
	struct termios_k termios;
	struct winsize_k winsize;
	char in[TTY_BUF];              /* bytes readers may take */
	uint8_t in_flags[TTY_BUF];     /* TTY_EOL: ends a line; TTY_EOF: empty EOF */
	uint64_t in_head, in_tail;
	char line[TTY_LINE];           /* the canonical line being edited */
	size_t line_len;
	size_t lines;                  /* complete lines (or EOFs) in `in` */
	int pgrp;                      /* foreground process group, 0: none */
	int session;                   /* the session it controls, 0: none */
	struct waitq readers;
	void (*poll_wake)(struct tty *t);   /* the device layer's poll wakeup */
};

void tty_init(void);
/* /dev/console, /dev/tty and /dev/ttyS0 (drivers/tty_dev.c), after vfs_init(). */
void tty_register_devices(void);
struct tty *tty_console(void);
void tty_receive(struct tty *t, char c);
/* => bytes read, -EAGAIN, or -ERESTARTSYS when a signal interrupted */
long tty_read(struct tty *t, char *kbuf, size_t n, bool nonblock);
long tty_write(struct tty *t, const char *kbuf, size_t n);
bool tty_can_read(struct tty *t);
/* ioctl with a user argument (drivers/tty_ioctl.c). */
long tty_ioctl(struct tty *t, unsigned cmd, uint64_t arg);
