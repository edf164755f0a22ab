/* SPDX-License-Identifier: MIT */
/* Fast user-space mutexes: the kernel side of futex(2). */
#pragma once

#include "lib/compiler.h"

struct mm;

void futex_init(void);
/* Wake up to n waiters on the word at uaddr in mm (private and shared). */
int futex_wake_addr(struct mm *mm, uint64_t uaddr, int n);
/* At thread exit: release the robust futexes it still holds. */
void futex_exit_robust(uint64_t head, int tid);
