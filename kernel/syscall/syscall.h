/* SPDX-License-Identifier: MIT */
/*
 * System-call dispatch.  The table is generated from syscalls.def; each
 * handler lives in its subsystem (fs/sys_*.c, mm/sys_mm.c, proc/...), is
 * named sys_<linux name>, takes its arguments with their real C types and
 * returns a value or -errno, which goes straight back to user space.
 * Handlers that need the caller's registers (fork, execve, sigreturn) use
 * syscall_user_frame().
 */
#pragma once

#include "lib/compiler.h"

#define NR_SYSCALLS 451

struct trap_frame;

/* Called by the SYSCALL entry; returns non-zero when the way back must be IRETQ. */
long syscall_dispatch(struct trap_frame *tf);
/* The user registers of the current thread, as saved on entry. */
struct trap_frame *syscall_user_frame(void);
/* The name of a Linux system call number, or NULL. */
const char *syscall_name(unsigned long nr);
/* Has the kernel an implementation for nr? */
bool syscall_implemented(unsigned long nr);
