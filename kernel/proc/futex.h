/* SPDX-License-Identifier: MIT */
/* Fast user-space mutexes: the kernel side of futex(2). */
#pragma once

#include "lib/compiler.h"

struct mm;

void futex_init(void);
/* Wake up to n waiters on the word at uaddr in mm (private and shared). */
int futex_wake_addr(struct mm *mm, uint64_t uaddr, int n);
/*
 * How FUTEX_LOCK_PI finds the owner named by a word's tid (the process
 * table by default).  In-kernel tests drive PI futexes from kernel threads,
 * which are not in the process table, and install their own; NULL restores
 * the default.  => the lookup runs under proc_tree_lock.
 */
struct thread;
void futex_pi_set_owner_lookup(struct thread *(*lookup)(int tid));
/* At thread exit: release the robust futexes it still holds. */
void futex_exit_robust(uint64_t head, int tid);
