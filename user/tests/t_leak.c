// SPDX-License-Identifier: MIT
/*
 * The leak check: after the whole suite, the kernel's free memory and its
 * slab caches must be back where they were before the first test.
 *
 * Every test process has exited and been reaped by then, so any frame or
 * kernel object still allocated on their behalf is a leak.  The baseline is
 * read by a forked child before the first test and the final reading by the
 * test's own child, so both readings pay for one child process alike.
 *
 * The numbers come from /proc/meminfo (MemFree, in kB) and /proc/slabinfo
 * (active objects per cache, Linux's "slabinfo - version: 2.1" layout).  The
 * check runs only when asked (--leak-check, which Keel's init passes): on a
 * shared host the free memory moves with every other process, so it would
 * measure the neighbours, not the kernel.  It skips when the files are
 * missing, and on Linux, whose caches (inodes, dentries, page cache) keep
 * what the tests freed, so its counters need not come back; for a kernel
 * that calls itself Linux, --leak-check=force runs it anyway.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "utest.h"

#define LEAK_CACHES		64
#define LEAK_SLACK_KB		64	/* page-sized noise: lazily freed stacks, caches */
#define LEAK_SLACK_OBJS		16

struct leak_snap {
	int valid;
	long free_kb;
	int ncaches;
	struct {
		char name[32];
		long active;
	} cache[LEAK_CACHES];
};

int ut_leak_requested;		/* 1: --leak-check, 2: --leak-check=force */
static struct leak_snap baseline;

static int
read_snap(struct leak_snap *s)
{
	char line[256];
	FILE *f;

	memset(s, 0, sizeof(*s));
	if (!(f = fopen("/proc/meminfo", "r")))
		return -1;
	while (fgets(line, sizeof(line), f))
		sscanf(line, "MemFree: %ld kB", &s->free_kb);
	fclose(f);
	if (!(f = fopen("/proc/slabinfo", "r")))
		return -1;
	while (fgets(line, sizeof(line), f) && s->ncaches < LEAK_CACHES) {
		if (line[0] == '#' || !strncmp(line, "slabinfo", 8))
			continue;
		if (sscanf(line, "%31s %ld", s->cache[s->ncaches].name,
			   &s->cache[s->ncaches].active) == 2)
			s->ncaches++;
	}
	fclose(f);
	s->valid = s->free_kb > 0;
	return s->valid ? 0 : -1;
}

void
ut_leak_baseline(void)
{
	int p[2];

	if (pipe(p) < 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		struct leak_snap s;

		read_snap(&s);
		_exit(write(p[1], &s, sizeof(s)) == sizeof(s) ? 0 : 1);
	}
	close(p[1]);
	if (pid > 0 && read(p[0], &baseline, sizeof(baseline)) != sizeof(baseline))
		baseline.valid = 0;
	close(p[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

static long
cache_growth(const struct leak_snap *now, const char **name)
{
	long worst = 0;

	for (int i = 0; i < now->ncaches; i++)
		for (int j = 0; j < baseline.ncaches; j++)
			if (!strcmp(now->cache[i].name, baseline.cache[j].name) &&
			    now->cache[i].active - baseline.cache[j].active > worst) {
				worst = now->cache[i].active - baseline.cache[j].active;
				*name = now->cache[i].name;
			}
	return worst;
}

TEST_FLAGS(leak_check, "free memory and slab objects return to their level before the suite",
	   UT_LAST)
{
	struct leak_snap now;
	struct utsname u;
	const char *cache = "";
	long grew = 0;

	if (!ut_leak_requested)
		SKIP("not requested (--leak-check): a shared host's free memory is not ours");
	if (!baseline.valid)
		SKIP("no /proc/meminfo and /proc/slabinfo to read");
	if (uname(&u) == 0 && !strcmp(u.sysname, "Linux") && ut_leak_requested < 2)
		SKIP("Linux keeps freed objects in its caches (--leak-check=force to run)");
	/* Freeing may be deferred (a reaper thread, RCU-like delays): look a
	 * few times before calling it a leak. */
	for (int tries = 0; tries < 10; tries++) {
		if (read_snap(&now) < 0)
			SKIP("/proc/meminfo or /proc/slabinfo vanished");
		grew = cache_growth(&now, &cache);
		if (now.free_kb >= baseline.free_kb - LEAK_SLACK_KB && grew <= LEAK_SLACK_OBJS)
			return;
		ut_msleep(100);
	}
	FAIL("leak: MemFree %ld kB -> %ld kB; cache %s grew by %ld objects", baseline.free_kb,
	     now.free_kb, cache, grew);
}
