/* SPDX-License-Identifier: MIT */
/*
 * The process layer's system calls, by Linux name.  The dispatch table
 * (syscall/syscalls.def) refers to them; each is defined in the proc/ file
 * of its family.
 */
#pragma once

#include "lib/compiler.h"

struct rusage_k;
struct siginfo_k;
struct ksigaction;
struct sigaltstack_k;
struct timespec;
struct itimerval_k;

/* fork.c, exec.c, exit.c */
long sys_clone(uint64_t flags, uint64_t newsp, int *ptid, int *ctid, uint64_t tls);
long sys_fork(void);
long sys_vfork(void);
long sys_execve(const char *upath, const char *const *uargv, const char *const *uenvp);
long sys_exit(int code);
long sys_exit_group(int code);
long sys_wait4(int pid, int *ustatus, int options, struct rusage_k *uru);
long sys_waitid(int idtype, int id, struct siginfo_k *uinfo, int options, struct rusage_k *uru);

/* sys_signal.c */
long sys_rt_sigaction(int sig, const struct ksigaction *uact, struct ksigaction *uold,
		      size_t sigsetsize);
long sys_rt_sigprocmask(int how, const uint64_t *uset, uint64_t *uold, size_t sigsetsize);
long sys_rt_sigpending(uint64_t *uset, size_t sigsetsize);
long sys_rt_sigsuspend(const uint64_t *umask, size_t sigsetsize);
long sys_rt_sigtimedwait(const uint64_t *uset, struct siginfo_k *uinfo,
			 const struct timespec *uts, size_t sigsetsize);
long sys_rt_sigreturn(void);
long sys_sigaltstack(const struct sigaltstack_k *uss, struct sigaltstack_k *uold);
long sys_pause(void);
long sys_kill(int pid, int sig);
long sys_tkill(int tid, int sig);
long sys_tgkill(int tgid, int tid, int sig);
long sys_rt_sigqueueinfo(int pid, int sig, const struct siginfo_k *uinfo);
long sys_rt_tgsigqueueinfo(int tgid, int tid, int sig, const struct siginfo_k *uinfo);
long sys_getitimer(int which, struct itimerval_k *ucur);
long sys_setitimer(int which, const struct itimerval_k *unew, struct itimerval_k *uold);
long sys_alarm(unsigned seconds);

/* futex.c */
long sys_futex(uint32_t *uaddr, int op, uint32_t val, const struct timespec *uts,
	       uint32_t *uaddr2, uint32_t val3);
long sys_set_robust_list(uint64_t head, size_t len);
long sys_get_robust_list(int pid, uint64_t *uhead, size_t *ulen);

/* sys_ids.c */
long sys_getpid(void);
long sys_gettid(void);
long sys_getppid(void);
long sys_set_tid_address(int *tidptr);
long sys_setpgid(int pid, int pgid);
long sys_getpgid(int pid);
long sys_getpgrp(void);
long sys_setsid(void);
long sys_getsid(int pid);
long sys_getuid(void);
long sys_geteuid(void);
long sys_getgid(void);
long sys_getegid(void);
long sys_setuid(uint32_t uid);
long sys_setgid(uint32_t gid);
long sys_setreuid(uint32_t ruid, uint32_t euid);
long sys_setregid(uint32_t rgid, uint32_t egid);
long sys_setresuid(uint32_t ruid, uint32_t euid, uint32_t suid);
long sys_setresgid(uint32_t rgid, uint32_t egid, uint32_t sgid);
long sys_getresuid(uint32_t *r, uint32_t *e, uint32_t *s);
long sys_getresgid(uint32_t *r, uint32_t *e, uint32_t *s);
long sys_setfsuid(uint32_t uid);
long sys_setfsgid(uint32_t gid);
long sys_getgroups(int size, uint32_t *ulist);
long sys_setgroups(int size, const uint32_t *ulist);

/* sys_info.c */
struct utsname_k;
struct sysinfo_k;
struct rlimit;
struct tms_k;
struct timeval;
struct timezone_k;
long sys_uname(struct utsname_k *ubuf);
long sys_sethostname(const char *uname, int len);
long sys_setdomainname(const char *uname, int len);
long sys_sysinfo(struct sysinfo_k *uinfo);
long sys_getrlimit(unsigned res, struct rlimit *ulim);
long sys_setrlimit(unsigned res, const struct rlimit *ulim);
long sys_prlimit64(int pid, unsigned res, const struct rlimit *unew, struct rlimit *uold);
long sys_getrusage(int who, struct rusage_k *uru);
long sys_times(struct tms_k *ubuf);
long sys_arch_prctl(int code, uint64_t addr);
long sys_prctl(int option, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5);
long sys_sched_yield(void);
long sys_getcpu(unsigned *ucpu, unsigned *unode, void *unused);
long sys_membarrier(int cmd, unsigned flags, int cpu_id);
long sys_personality(unsigned persona);

/* sys_time.c */
void time_set_boot_epoch(uint64_t unix_seconds);
long sys_clock_gettime(int id, struct timespec *uts);
long sys_clock_getres(int id, struct timespec *uts);
long sys_clock_settime(int id, const struct timespec *uts);
long sys_gettimeofday(struct timeval *utv, struct timezone_k *utz);
long sys_time(int64_t *ut);
long sys_nanosleep(const struct timespec *ureq, struct timespec *urem);
long sys_clock_nanosleep(int clock, int flags, const struct timespec *ureq,
			 struct timespec *urem);
long sys_restart_syscall(void);
