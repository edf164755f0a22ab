// SPDX-License-Identifier: MIT
/*
 * The leak check: after the whole suite, the kernel's free memory and its
 * slab caches must be back where they were before the first test.
 *
 * Every test process has exited and been reaped by then, so any frame or
 * kernel object still allocated on their behalf is a leak.  The runner
 * reads both times itself, with no test process alive, so the two readings
 * see the same set of processes.
 *
 * The numbers come from /proc/meminfo (MemAvailable, in kB) and /proc/slabinfo
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
	long procs_kb;		/* resident memory of the reader and the runner */
	long procs_vmas;	/* their mappings (each one a "vma" object) */
	long kva_pt_kb;		/* Keel: page tables of the kernel-stack window */
	int ncaches;
	struct {
		char name[32];
		long active;
	} cache[LEAK_CACHES];
};

int ut_leak_requested;		/* 1: --leak-check, 2: --leak-check=force */
static struct leak_snap baseline;

/*
 * The runner is alive at both readings, and its own memory may differ
 * between them (its heap grows as it collects results).  That is user
 * memory, not a kernel leak: measure it and take it out.
 */
static void
add_proc_usage(struct leak_snap *s, pid_t pid)
{
	char path[64], line[256];
	long size, rss;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/statm", (int)pid);
	if ((f = fopen(path, "r"))) {
		if (fscanf(f, "%ld %ld", &size, &rss) == 2)
			s->procs_kb += rss * 4;
		fclose(f);
	}
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	if ((f = fopen(path, "r"))) {
		while (fgets(line, sizeof(line), f))
			s->procs_vmas++;
		fclose(f);
	}
}

static int
read_snap(struct leak_snap *s)
{
	char line[256];
	FILE *f;

	memset(s, 0, sizeof(*s));
	/* Caches (names, inodes) keep freed objects on purpose: empty them first. */
	int dc = open("/proc/sys/vm/drop_caches", O_WRONLY);
	if (dc >= 0) {
		if (write(dc, "3\n", 2) < 0) { /* no permission: measure as is */ }
		close(dc);
	}
	if (!(f = fopen("/proc/meminfo", "r")))
		return -1;
	/*
	 * MemAvailable counts memory the kernel holds only as a cache (empty
	 * slab pages kept for reuse) as free, so warming a cache is no leak.
	 */
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "MemAvailable: %ld kB", &s->free_kb);
		sscanf(line, "KvaPageTables: %ld kB", &s->kva_pt_kb);
	}
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
	add_proc_usage(s, getpid());
	s->valid = s->free_kb > 0;
	return s->valid ? 0 : -1;
}

/* The baseline, read by the runner itself before it starts any test. */
void
ut_leak_baseline(void)
{
	if (read_snap(&baseline) < 0)
		baseline.valid = 0;
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

/*
 * After every test has exited and been reaped and the temporary tree is
 * gone, the runner reads again.  Only the runner is alive both times, so
 * the only memory that may differ legitimately is its own (its heap holds
 * the results): that is measured and taken out.
 * => 1 pass, 0 fail (with a reason printed), -1 skipped.
 */
int
ut_leak_final(char *why, size_t size)
{
	struct leak_snap now;
	struct utsname u;
	const char *cache = "";
	long grew = 0;

	if (!baseline.valid) {
		snprintf(why, size, "no /proc/meminfo and /proc/slabinfo to read");
		return -1;
	}
	if (uname(&u) == 0 && !strcmp(u.sysname, "Linux") && ut_leak_requested < 2) {
		snprintf(why, size, "Linux keeps freed objects in its caches (--leak-check=force)");
		return -1;
	}
	/* Freeing may be deferred (the reaper thread): look a few times. */
	for (int tries = 0; tries < 10; tries++) {
		if (read_snap(&now) < 0) {
			snprintf(why, size, "/proc/meminfo or /proc/slabinfo vanished");
			return -1;
		}
		grew = cache_growth(&now, &cache);
		if (!strcmp(cache, "vma"))
			grew -= now.procs_vmas - baseline.procs_vmas;
		/* Keel's reverse map: one item per private page the runner maps. */
		if (!strcmp(cache, "rmap"))
			grew -= (now.procs_kb - baseline.procs_kb) / 4;
		/* Keel keeps the page tables that map kernel stacks (they grow
		 * as threads come and go, up to 8 MiB): bounded, not a leak. */
		if (now.free_kb + (now.procs_kb - baseline.procs_kb) +
		    (now.kva_pt_kb - baseline.kva_pt_kb) >=
		    baseline.free_kb - LEAK_SLACK_KB && grew <= LEAK_SLACK_OBJS)
			return 1;
		ut_msleep(100);
	}
	snprintf(why, size, "leak: MemAvailable %ld kB -> %ld kB (the runner's own memory %+ld kB, "
		 "stack page tables %+ld kB); cache %s grew by %ld objects", baseline.free_kb,
		 now.free_kb, now.procs_kb - baseline.procs_kb, now.kva_pt_kb - baseline.kva_pt_kb,
		 cache, grew);
	return 0;
}
