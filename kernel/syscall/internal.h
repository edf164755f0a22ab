/* SPDX-License-Identifier: MIT */
#pragma once

#include "lib/compiler.h"

typedef long (*syscall_fn)(long, long, long, long, long, long);

struct syscall_entry {
	syscall_fn fn;      /* NULL: not implemented */
	const char *name;   /* Linux's name, for logs */
	int argc;
};

extern const struct syscall_entry syscall_table[];
