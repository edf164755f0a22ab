// SPDX-License-Identifier: MIT
/*
 * The dispatch table, expanded from syscalls.def.
 *
 * Handlers are declared here only by name: each is defined, with its real
 * argument types, in its own subsystem.  The x86-64 calling convention
 * passes the six argument registers the same way whatever the types, so
 * the table may call them all through one six-argument pointer type.
 */
#include "syscall/syscall.h"
#include "syscall/internal.h"

#define SYSCALL(nr, name, argc) void sys_##name(void);
#define SYSCALL_NONE(nr, name)
#include "syscall/syscalls.def"
#undef SYSCALL
#undef SYSCALL_NONE

#define SYSCALL(nr, name, argc) [nr] = { (syscall_fn)(void (*)(void))sys_##name, #name, argc },
#define SYSCALL_NONE(nr, name) [nr] = { NULL, #name, -1 },
const struct syscall_entry syscall_table[NR_SYSCALLS] = {
#include "syscall/syscalls.def"
};
#undef SYSCALL
#undef SYSCALL_NONE

const char *
syscall_name(unsigned long nr)
{
	return nr < NR_SYSCALLS ? syscall_table[nr].name : NULL;
}

bool
syscall_implemented(unsigned long nr)
{
	return nr < NR_SYSCALLS && syscall_table[nr].fn;
}
