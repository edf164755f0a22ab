// SPDX-License-Identifier: MIT
/*
 * The system as a whole: uname, sysinfo, resource limits, the thread
 * pointer (arch_prctl), reboot as a permission check only, and unknown
 * system call numbers.
 *
 * reboot(2) is never called with privilege here: the suite also runs on
 * the developer's own Linux machine.  It is called only as "nobody", where
 * the answer must be EPERM before the kernel looks at anything else.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "utest.h"

#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003

TEST(uname_fields, "uname names the system and the x86_64 machine, with NUL-terminated fields")
{
	struct utsname u;

	CHECK_OK(uname(&u));
	CHECK(u.sysname[0] != 0);
	CHECK(u.release[0] != 0);
	CHECK(strcmp(u.machine, "x86_64") == 0);
	CHECK(strnlen(u.nodename, sizeof(u.nodename)) < sizeof(u.nodename));
	CHECK(strnlen(u.version, sizeof(u.version)) < sizeof(u.version));
	CHECK_ERR(syscall(SYS_uname, UT_BAD_PTR), EFAULT);
}

TEST(sethostname_needs_privilege, "sethostname by an unprivileged user is EPERM")
{
	ut_become_nobody();
	CHECK_ERR(sethostname("nope", 4), EPERM);
}

TEST(sysinfo_sane, "sysinfo reports uptime, memory and a process count that make sense")
{
	struct sysinfo si;

	CHECK_OK(sysinfo(&si));
	CHECK(si.uptime < 100L * 365 * 86400);
	CHECK(si.mem_unit >= 1);
	CHECK(si.totalram > 0);
	CHECK(si.freeram <= si.totalram);
	CHECK(si.procs >= 1);
	CHECK_ERR(syscall(SYS_sysinfo, UT_BAD_PTR), EFAULT);
}

TEST(rlimit_get_set, "a soft limit can be lowered and raised back up to the hard limit")
{
	struct rlimit rl, now;

	CHECK_OK(getrlimit(RLIMIT_NOFILE, &rl));
	CHECK(rl.rlim_cur <= rl.rlim_max);
	now = (struct rlimit){ 64, rl.rlim_max };
	CHECK_OK(setrlimit(RLIMIT_NOFILE, &now));
	CHECK_OK(getrlimit(RLIMIT_NOFILE, &now));
	CHECK_EQ(now.rlim_cur, 64);
	CHECK_OK(setrlimit(RLIMIT_NOFILE, &rl));
	now = (struct rlimit){ 100, 50 };
	CHECK_ERR(setrlimit(RLIMIT_NOFILE, &now), EINVAL);	/* soft above hard */
	CHECK_ERR(getrlimit(999, &now), EINVAL);
	CHECK_OK(getrlimit(RLIMIT_STACK, &now));
	CHECK(now.rlim_cur >= 64 * 1024);
}

TEST(rlimit_hard_only_lowered, "an unprivileged process cannot raise its hard limit (EPERM)")
{
	struct rlimit rl = { 32, 64 };

	if (geteuid() == 0)
		ut_become_nobody();
	CHECK_OK(setrlimit(RLIMIT_NOFILE, &rl));
	rl.rlim_max = 128;
	CHECK_ERR(setrlimit(RLIMIT_NOFILE, &rl), EPERM);
}

TEST(prlimit_reads_and_writes, "prlimit64 on oneself sets and returns the old limit in one call")
{
	struct rlimit new = { 48, 48 }, old;

	CHECK_OK(prlimit(0, RLIMIT_NOFILE, &new, &old));
	CHECK(old.rlim_cur >= 48);
	CHECK_OK(prlimit(0, RLIMIT_NOFILE, NULL, &old));
	CHECK_EQ(old.rlim_cur, 48);
}

TEST(reboot_needs_privilege, "reboot by an unprivileged user fails with EPERM (checked as nobody only)")
{
	ut_become_nobody();
	CHECK_ERR(reboot(RB_POWER_OFF), EPERM);
	CHECK_ERR(reboot(RB_AUTOBOOT), EPERM);
}

TEST(unknown_syscall_enosys, "system call numbers the kernel lacks fail with ENOSYS")
{
	CHECK_ERR(syscall(1000), ENOSYS);
	CHECK_ERR(syscall(100000, 1, 2, 3), ENOSYS);
	CHECK_ERR(syscall(-1), ENOSYS);
}

TEST(arch_prctl_fs_is_thread_pointer, "ARCH_GET_FS returns the thread pointer, which points to itself")
{
	uintptr_t fs = 0;

	CHECK_OK(syscall(SYS_arch_prctl, ARCH_GET_FS, &fs));
	CHECK(fs != 0);
	CHECK_EQ(*(uintptr_t *)fs, fs);	/* the x86-64 TLS ABI: %fs:0 holds %fs */
	CHECK_ERR(syscall(SYS_arch_prctl, 0x9999, &fs), EINVAL);
	CHECK_ERR(syscall(SYS_arch_prctl, ARCH_GET_FS, UT_BAD_PTR), EFAULT);
}

TEST(getppid_and_ids_stable, "getpid and getppid are stable across calls")
{
	pid_t a = getpid(), b = getppid();

	for (int i = 0; i < 100; i++) {
		CHECK_EQ(getpid(), a);
		CHECK_EQ(getppid(), b);
	}
}
