/* SPDX-License-Identifier: MIT */
/* The memory system calls (syscall/sys_mm.c). */
#pragma once

#include "lib/compiler.h"

long sys_mmap(uint64_t addr, uint64_t len, int prot, int flags, int fd, uint64_t off);
long sys_munmap(uint64_t addr, uint64_t len);
long sys_mprotect(uint64_t addr, uint64_t len, int prot);
long sys_brk(uint64_t brk);
long sys_mremap(uint64_t old, uint64_t old_len, uint64_t new_len, int flags, uint64_t new_addr);
long sys_madvise(uint64_t addr, uint64_t len, int advice);
long sys_mincore(uint64_t addr, uint64_t len, uint8_t *uvec);
long sys_msync(uint64_t addr, uint64_t len, int flags);
long sys_mlock(uint64_t addr, uint64_t len);
long sys_munlock(uint64_t addr, uint64_t len);
long sys_mlockall(int flags);
long sys_munlockall(void);
long sys_swapon(const char *upath, int flags);
long sys_swapoff(const char *upath);
