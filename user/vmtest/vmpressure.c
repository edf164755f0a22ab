// SPDX-License-Identifier: MIT
/*
 * vmpressure: Keel under memory pressure, run as init (rdinit=/init) of a
 * small initramfs with a swap disk attached (tests/stages/45-vm-pressure.sh).
 *
 * Settings come as name=value words of the kernel command line, which the
 * kernel hands to init as environment variables:
 *
 *   vmtest=ws|all     ws: swapon and the working set only; all: also mlock,
 *                     swapoff (with and without room) and the OOM killer
 *   vmtest.mb=N       the working set in MiB (default 256)
 *
 * The working set: a worker maps N MiB, writes a pattern to every byte
 * (64-bit words derived from the address), forks a child that checks half
 * of it and rewrites a quarter (copy-on-write of swapped pages), and then
 * checks everything again itself.  With less memory than N MiB every page
 * goes to the swap disk and comes back at least once.
 *
 * Each check prints "PASS name" or "FAIL name: why"; the last line is
 * "VMTEST: PASS" or "VMTEST: FAIL", then the machine powers off.  The
 * same binary run on Linux as root in a VM would behave alike; it is not
 * run on the host, as it would swap on the host's disks.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#define MIB (1ul << 20)
#define SWAPDEV "/dev/vda"

static int failures;

static void
result(const char *name, int ok, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
result(const char *name, int ok, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		printf("PASS %s\n", name);
	} else {
		failures++;
		printf("FAIL %s: ", name);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
	}
	fflush(stdout);
}

/* One "Name: value" line of /proc/meminfo or "name value" of /proc/vmstat. */
static long long
proc_value(const char *file, const char *name)
{
	char line[256];
	size_t len = strlen(name);
	long long v = -1;
	FILE *f = fopen(file, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, len) && (line[len] == ':' || line[len] == ' ')) {
			v = strtoll(line + len + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static long long
vmstat(const char *name)
{
	return proc_value("/proc/vmstat", name);
}

static long long
meminfo(const char *name)
{
	return proc_value("/proc/meminfo", name);
}

static uint64_t
pattern(uintptr_t addr, uint64_t seed)
{
	return ((uint64_t)addr * 0x9E3779B97F4A7C15ull) ^ seed;
}

static void
fill(uint64_t *p, size_t bytes, uint64_t seed)
{
	for (size_t i = 0; i < bytes / 8; i++)
		p[i] = pattern((uintptr_t)&p[i], seed);
}

/* => the number of words that do not hold the pattern. */
static size_t
verify(const uint64_t *p, size_t bytes, uint64_t seed)
{
	size_t bad = 0;

	for (size_t i = 0; i < bytes / 8; i++)
		bad += p[i] != pattern((uintptr_t)&p[i], seed);
	return bad;
}

static int
wait_exit_code(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/*
 * The worker: fill, fork a child that checks half and rewrites a quarter,
 * check everything.  Exit status: 0 good, 1 the parent's data was wrong,
 * 2 the child's, 3 no memory, 4 no fork.
 */
static int
working_set(size_t bytes)
{
	uint64_t *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t half = bytes / 2, quarter = bytes / 4;
	pid_t child;

	if (p == MAP_FAILED)
		return 3;
	fill(p, bytes, 1);
	child = fork();
	if (child == 0) {
		uint64_t *q = (uint64_t *)((char *)p + half);

		if (verify(p, half, 1))
			_exit(2);
		fill(q, quarter, 2);
		_exit(verify(q, quarter, 2) ? 2 : 0);
	}
	if (child < 0) {
		printf("vmtest: fork: %s\n", strerror(errno));
		return 4;
	}
	if (verify(p, bytes, 1))
		return 1;
	return wait_exit_code(child);
}

static void
test_swapon(void)
{
	int r = swapon(SWAPDEV, 0);
	long long total = meminfo("SwapTotal");

	result("swapon", r == 0 && total > 0, "swapon: %s, SwapTotal %lld kB",
	       r ? strerror(errno) : "ok", total);
	r = swapon(SWAPDEV, 0);
	result("swapon_twice_busy", r == -1 && errno == EBUSY, "second swapon: %d (%s)", r,
	       strerror(errno));
	r = swapon("/init", 0);
	result("swapon_not_a_device", r == -1 && errno == EINVAL, "swapon /init: %d (%s)", r,
	       strerror(errno));
}

static void
test_working_set(size_t mb)
{
	long long out0 = vmstat("pswpout"), in0 = vmstat("pswpin");
	long long swapfree0 = meminfo("SwapFree"), free0 = meminfo("MemAvailable");
	pid_t pid = fork();
	int code;

	if (pid == 0)
		_exit(working_set(mb * MIB));
	code = wait_exit_code(pid);
	result("working_set_checksums", code == 0, "worker exit code %d (1 parent data, 2 child"
	       " data, 3 no memory, 4 no fork)", code);
	result("working_set_swapped", vmstat("pswpout") > out0 && vmstat("pswpin") > in0,
	       "pswpout %lld -> %lld, pswpin %lld -> %lld", out0, vmstat("pswpout"), in0,
	       vmstat("pswpin"));
	/*
	 * Everything the worker held is back: every slot, and the memory within
	 * 2 MiB.  The reclaim thread may hold the address space a moment longer
	 * (it was evicting from it): allow it a few seconds.
	 */
	for (int i = 0; i < 50 && meminfo("SwapFree") != swapfree0; i++)
		usleep(100000);
	result("swap_slots_returned", meminfo("SwapFree") == swapfree0, "SwapFree %lld -> %lld kB",
	       swapfree0, meminfo("SwapFree"));
	result("frames_returned", meminfo("MemAvailable") >= free0 - 2048,
	       "MemAvailable %lld -> %lld kB", free0, meminfo("MemAvailable"));
	printf("vmtest: %zu MiB: pswpout %lld pswpin %lld rescued %lld swapcache_hits %lld "
	       "pgmajfault %lld scanned %lld referenced %lld ghost_hits %lld\n",
	       mb, vmstat("pswpout") - out0,
	       vmstat("pswpin") - in0, vmstat("pgrescued"), vmstat("swapcache_hits"),
	       vmstat("pgmajfault"), vmstat("pgscan"), vmstat("pgreferenced"),
	       vmstat("reclaim_ghost_hits"));
}

/* mlock: 8 MiB locked stays resident while 160 MiB of pressure passes by. */
static void
test_mlock(void)
{
	size_t len = 8 * MIB, n = len / 4096;
	unsigned char *vec = malloc(n);
	char *locked = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t resident = 0;
	pid_t pid;

	memset(locked, 7, len);
	if (mlock(locked, len)) {
		result("mlock_keeps_pages", 0, "mlock: %s", strerror(errno));
		return;
	}
	result("mlock_counted", meminfo("Mlocked") >= 8192, "Mlocked %lld kB", meminfo("Mlocked"));
	pid = fork();
	if (pid == 0) {
		char *q = mmap(NULL, 160 * MIB, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		for (size_t i = 0; q != MAP_FAILED && i < 160 * MIB; i += 4096)
			q[i] = 1;
		_exit(q == MAP_FAILED);
	}
	wait_exit_code(pid);
	mincore(locked, len, vec);
	for (size_t i = 0; i < n; i++)
		resident += vec[i] & 1;
	result("mlock_keeps_pages", resident == n, "%zu of %zu locked pages resident", resident,
	       n);
	munlock(locked, len);
	result("munlock_uncounted", meminfo("Mlocked") < 8192, "Mlocked %lld kB",
	       meminfo("Mlocked"));
	munmap(locked, len);
	free(vec);
}

/* A child that keeps `mb` MiB of data until SIGUSR1, then checks it. */
static pid_t
holder(size_t mb, int ready_fd)
{
	pid_t pid = fork();

	if (pid == 0) {
		sigset_t set;
		int sig;
		uint64_t *p = mmap(NULL, mb * MIB, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigprocmask(SIG_BLOCK, &set, NULL);
		if (p == MAP_FAILED)
			_exit(3);
		fill(p, mb * MIB, 5);
		write(ready_fd, "r", 1);
		sigwait(&set, &sig);
		_exit(verify(p, mb * MIB, 5) ? 1 : 0);
	}
	return pid;
}

static pid_t
start_holder(size_t mb)
{
	int fds[2];
	char c;
	pid_t pid;

	pipe(fds);
	pid = holder(mb, fds[1]);
	close(fds[1]);
	if (read(fds[0], &c, 1) != 1)
		pid = -1;
	close(fds[0]);
	return pid;
}

static void
test_swapoff(void)
{
	pid_t big = start_holder(160), small;
	int r, code;

	/* 160 MiB of data cannot all come back into 128 MiB: swapoff refuses. */
	r = swapoff(SWAPDEV);
	result("swapoff_enomem_when_too_big", r == -1 && errno == ENOMEM,
	       "swapoff with 160 MiB held: %d (%s)", r, strerror(errno));
	result("swap_still_on_after_enomem", meminfo("SwapTotal") > 0, "SwapTotal %lld kB",
	       meminfo("SwapTotal"));
	kill(big, SIGUSR1);
	code = wait_exit_code(big);
	result("data_intact_after_failed_swapoff", code == 0, "holder exit code %d", code);
	/* 48 MiB pushed out by a 96 MiB neighbour comes back, intact. */
	small = start_holder(48);
	kill(start_holder(96), SIGKILL);
	wait(NULL);
	r = swapoff(SWAPDEV);
	result("swapoff", r == 0 && meminfo("SwapTotal") == 0, "swapoff: %d (%s), SwapTotal %lld",
	       r, r ? strerror(errno) : "ok", meminfo("SwapTotal"));
	kill(small, SIGUSR1);
	code = wait_exit_code(small);
	result("data_intact_after_swapoff", code == 0, "holder exit code %d", code);
}

/* No swap: a child allocating without bound is killed; we are not. */
static void
test_oom(void)
{
	long long kills = vmstat("oom_kill");
	pid_t pid = fork();
	int st = 0;

	if (pid == 0) {
		for (;;) {
			char *q = mmap(NULL, MIB, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (q == MAP_FAILED)
				_exit(3);
			for (size_t i = 0; i < MIB; i += 4096)
				q[i] = 1;
		}
	}
	waitpid(pid, &st, 0);
	result("oom_kills_the_hog", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	       "child status %#x", st);
	result("oom_counted", vmstat("oom_kill") == kills + 1, "oom_kill %lld -> %lld", kills,
	       vmstat("oom_kill"));
	pid = fork();
	if (pid == 0) {
		char *q = malloc(4 * MIB);
		_exit(q && memset(q, 1, 4 * MIB) ? 0 : 1);
	}
	result("memory_usable_after_oom", wait_exit_code(pid) == 0, "a 4 MiB child failed");
}

static void
dump(const char *file)
{
	char line[256];
	FILE *f = fopen(file, "r");

	while (f && fgets(line, sizeof(line), f))
		printf("vmtest: %s: %s", file, line);
	if (f)
		fclose(f);
}

static void
setup(void)
{
	mkdir("/proc", 0555);
	mkdir("/dev", 0755);
	mount("proc", "/proc", "proc", 0, NULL);
	mknod(SWAPDEV, S_IFBLK | 0600, makedev(254, 0));
	setvbuf(stdout, NULL, _IOLBF, 0);
}

int
main(void)
{
	const char *mode = getenv("vmtest") ? getenv("vmtest") : "ws";
	size_t mb = getenv("vmtest.mb") ? strtoul(getenv("vmtest.mb"), NULL, 10) : 256;

	setup();
	printf("vmtest: mode %s, working set %zu MiB, %lld kB of memory\n", mode, mb,
	       meminfo("MemTotal"));
	test_swapon();
	test_working_set(mb);
	if (!strcmp(mode, "all")) {
		test_mlock();
		test_swapoff();
		test_oom();
	}
	if (failures) {
		dump("/proc/meminfo");
		dump("/proc/vmstat");
	}
	printf("VMTEST: %s\n", failures ? "FAIL" : "PASS");
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}
