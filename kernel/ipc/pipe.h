/* SPDX-License-Identifier: MIT */
/*
 * Pipes and FIFOs: a 64 KiB byte queue between a writing end and a reading
 * end.  pipe(2) makes an anonymous one; opening a FIFO node reaches the
 * pipe hanging off its inode.
 */
#pragma once

#include "lib/compiler.h"

struct file;

#define PIPE_BUF 4096               /* writes this small are never interleaved */
#define PIPE_PAGES 16
#define PIPE_SIZE (PIPE_PAGES * 4096)

/* Install the FIFO operations into the VFS (at boot, after vfs_init). */
void pipe_init(void);
/* A new pipe: *rd and *wr are its ends (flags: O_NONBLOCK).  => 0 or -errno. */
int pipe_create(int flags, struct file **rd, struct file **wr);

/* System calls. */
long sys_pipe(int *fds);
long sys_pipe2(int *fds, int flags);
