/* SPDX-License-Identifier: MIT */
/*
 * The two ways serialdrive reaches a console: a Unix socket (QEMU's serial
 * chardev in server mode) or a program it starts on a pseudo-terminal.
 */
#pragma once

#include <sys/types.h>

/* Connect to a Unix socket, retrying while it does not exist yet for up to
 * `seconds`; returns the fd or -1 (after printing why). */
int sd_connect_socket(const char *path, int seconds);

/* Start argv[0] on a new pty as a session leader with the pty as its
 * controlling terminal; returns the master fd or -1. */
int sd_start_on_pty(char **argv, pid_t *child);

/* Hang up on the program started on the pty and reap it. */
void sd_finish_child(pid_t child);
