// SPDX-License-Identifier: MIT
/*
 * Virtual memory: the page faults that make memory appear (the first
 * write to fresh anonymous memory, served with a zeroed page) and that make
 * fork cheap (the first write to a page shared copy-on-write with the
 * parent, served with a private copy), and creating and destroying a
 * mapping (mmap and munmap of 1 MiB, never touched: the cost of the
 * address-space bookkeeping alone).
 *
 * Both fault metrics are per 4 KiB page, the best of osb.reps rounds on a
 * fresh region each.  Transparent huge pages would
 * fill 512 pages with one fault and measure something else, so the regions
 * are marked MADV_NOHUGEPAGE; a kernel without huge pages may refuse the
 * advice, which changes nothing.
 */
#include "osbench.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define OSB_PAGE 4096UL

static char *
osb_map_anon(size_t len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	madvise(p, len, MADV_NOHUGEPAGE);
	return p;
}

static void
osb_touch(volatile char *p, size_t len, char val)
{
	for (size_t off = 0; off < len; off += OSB_PAGE)
		p[off] = val;
}

/* One round: map @len fresh bytes, time the first write to each page. */
static int
osb_zero_round(size_t len, double *dt)
{
	double t0;
	char *p = osb_map_anon(len);

	if (!p)
		return osb_fail("mmap");
	t0 = osb_now();
	osb_touch(p, len, 1);
	*dt = osb_now() - t0;
	munmap(p, len);
	return 0;
}

static void
osb_zero_fault(void)
{
	const char *name = "fault_zero_page";
	size_t len = osb_size(64UL << 20, 1UL << 20);
	double dt = 0, best = 0;

	if (osb_filtered(name))
		return;
	for (int r = 0; r < osb.reps; r++) {
		if (osb_zero_round(len, &dt) < 0) {
			osb_error_why(name);
			return;
		}
		if (r == 0 || dt < best)
			best = dt;
	}
	osb_metric(name, best * 1e6 / (len / OSB_PAGE), "us");
}

/* The child's half: time writing every page, send the time to the parent. */
static void
osb_cow_child(char *p, size_t len, int out)
{
	double t0 = osb_now(), dt;

	osb_touch(p, len, 2);
	dt = osb_now() - t0;
	if (write(out, &dt, sizeof(dt)) != sizeof(dt))
		_exit(1);
	_exit(0);
}

static int
osb_cow_measure(char *p, size_t len, double *dt)
{
	int fds[2], st, got;
	pid_t pid;

	if (pipe(fds) < 0)
		return osb_fail("pipe");
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return osb_fail("fork");
	}
	if (pid == 0)
		osb_cow_child(p, len, fds[1]);
	close(fds[1]);
	got = read(fds[0], dt, sizeof(*dt)) == sizeof(*dt);
	close(fds[0]);
	if (waitpid(pid, &st, 0) != pid)
		return osb_fail("waitpid");
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || !got)
		return osb_failmsg("the child did not report its time and exit cleanly");
	return 0;
}

/* One round: a fresh region written by the parent, then by a child. */
static int
osb_cow_round(size_t len, double *dt)
{
	int ret;
	char *p = osb_map_anon(len);

	if (!p)
		return osb_fail("mmap");
	osb_touch(p, len, 1);
	ret = osb_cow_measure(p, len, dt);
	munmap(p, len);
	return ret;
}

static void
osb_cow_fault(void)
{
	const char *name = "fault_cow_page";
	size_t len = osb_size(16UL << 20, 1UL << 20);
	double dt = 0, best = 0;

	if (osb_filtered(name))
		return;
	for (int r = 0; r < osb.reps; r++) {
		if (osb_cow_round(len, &dt) < 0) {
			osb_error_why(name);
			return;
		}
		if (r == 0 || dt < best)
			best = dt;
	}
	osb_metric(name, best * 1e6 / (len / OSB_PAGE), "us");
}

static int
osb_mmap_munmap(void *ctx, long n)
{
	size_t len = 1UL << 20;

	for (long i = 0; i < n; i++) {
		void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);

		if (p == MAP_FAILED)
			return osb_fail("mmap");
		if (munmap(p, len) < 0)
			return osb_fail("munmap");
	}
	return 0;
}

void
osb_run_mem(void)
{
	osb_zero_fault();
	osb_cow_fault();
	osb_time_loop("mmap_munmap_1m", osb_mmap_munmap, NULL);
}
