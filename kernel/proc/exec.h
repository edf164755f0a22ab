/* SPDX-License-Identifier: MIT */
/* exec's argument buffer, shared by the kernel-side and user-side entries. */
#pragma once

#include "lib/compiler.h"

#define EXEC_ARGS_MAX    (256 * 1024)   /* all argv and envp strings together */
#define EXEC_MAX_STRINGS 0x7fffffff
#define EXEC_PATH_MAX    4096

struct trap_frame;

struct exec_args {
	char *buf;        /* argv strings, then envp strings, NUL-separated */
	size_t used;
	int argc, envc;
	char *execfn;     /* the path as given: AT_EXECFN (EXEC_PATH_MAX bytes) */
};

int exec_args_init(struct exec_args *a);
void exec_args_free(struct exec_args *a);
int exec_args_from_kernel(struct exec_args *a, char *const argv[], char *const envp[]);
int exec_args_from_user(struct exec_args *a, const char *const *uargv,
			const char *const *uenvp);
int do_execve_args(struct exec_args *a, const char *path, struct trap_frame *tf);
long sys_execve(const char *upath, const char *const *uargv, const char *const *uenvp);
