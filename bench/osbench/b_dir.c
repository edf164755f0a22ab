// SPDX-License-Identifier: MIT
/*
 * Directories: filling one with 1,000 empty files (create and close each),
 * reading it back with getdents64 (the raw system call, so libc's
 * buffering is not measured), and emptying it with unlink.  Creation and
 * removal are reported per file, the fastest of osb.reps rounds; the scan
 * per full pass over the 1,000 entries.  The scan checks that it saw every file, so a directory that
 * loses entries is an error rather than a fast scan.
 */
#include "osbench.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define OSB_DIR "osb_dir"

static char osb_dents[32768];

static void
osb_dir_name(char *buf, size_t len, long i)
{
	snprintf(buf, len, OSB_DIR "/file%04ld", i);
}

static int
osb_dir_fill(long files)
{
	char name[64];

	for (long i = 0; i < files; i++) {
		int fd;

		osb_dir_name(name, sizeof(name), i);
		fd = open(name, O_CREAT | O_EXCL | O_WRONLY, 0644);
		if (fd < 0)
			return osb_fail("open(O_CREAT|O_EXCL)");
		close(fd);
	}
	return 0;
}

/* Count the entries of OSB_DIR, "." and ".." included. */
static long
osb_dir_count(void)
{
	long count = 0, r;
	int fd = open(OSB_DIR, O_RDONLY | O_DIRECTORY);

	if (fd < 0)
		return osb_fail("open(O_DIRECTORY)");
	while ((r = syscall(SYS_getdents64, fd, osb_dents, sizeof(osb_dents))) > 0) {
		for (long off = 0; off < r;) {
			unsigned short reclen;

			/* struct linux_dirent64: d_ino, d_off, then d_reclen. */
			memcpy(&reclen, osb_dents + off + 16, sizeof(reclen));
			if (reclen == 0)
				break;
			off += reclen;
			count++;
		}
	}
	close(fd);
	if (r < 0)
		return osb_fail("getdents64");
	return count;
}

static int
osb_dir_scan(void *ctx, long n)
{
	long want = *(long *)ctx + 2;

	for (long i = 0; i < n; i++) {
		long got = osb_dir_count();

		if (got < 0)
			return -1;
		if (got != want)
			return osb_failmsg("getdents64 did not return every entry");
	}
	return 0;
}

static int
osb_dir_empty(long files)
{
	char name[64];

	for (long i = 0; i < files; i++) {
		osb_dir_name(name, sizeof(name), i);
		if (unlink(name) < 0)
			return osb_fail("unlink");
	}
	return 0;
}

/* Time @fn over @files files; keep the fastest round in *best. */
static int
osb_dir_step(int (*fn)(long), long files, int round, double *best)
{
	double t0 = osb_now(), dt;

	if (fn(files) < 0)
		return -1;
	dt = osb_now() - t0;
	if (round == 0 || dt < *best)
		*best = dt;
	return 0;
}

/*
 * One round: make the directory, fill it, scan it (the first round only:
 * the scan repeats itself), empty it and remove it.  On failure *what
 * names the metric that failed.
 */
static int
osb_dir_round(int round, long files, double *create, double *remove, const char **what)
{
	*what = "dir_create";
	if (mkdir(OSB_DIR, 0755) < 0)
		return osb_fail("mkdir");
	if (osb_dir_step(osb_dir_fill, files, round, create) < 0) {
		osb_dir_empty(files);	/* best effort: stops where the filling did */
		rmdir(OSB_DIR);
		return -1;
	}
	if (round == 0)
		osb_time_loop("dir_scan", osb_dir_scan, &files);
	*what = "dir_unlink";
	if (osb_dir_step(osb_dir_empty, files, round, remove) < 0)
		return -1;
	if (rmdir(OSB_DIR) < 0)
		return osb_fail("rmdir");
	return 0;
}

void
osb_run_dir(void)
{
	long files = osb.smoke ? 100 : 1000;
	double create = 0, remove = 0;
	const char *what;

	if (osb_filtered("dir_"))
		return;
	for (int r = 0; r < osb.reps; r++) {
		if (osb_dir_round(r, files, &create, &remove, &what) == 0)
			continue;
		osb_error_why(what);
		if (strcmp(what, "dir_create") == 0) {
			if (r == 0)
				osb_error("dir_scan", "the directory could not be filled");
			osb_error("dir_unlink", "the directory could not be filled");
		}
		return;
	}
	osb_metric("dir_create", create * 1e6 / files, "us");
	osb_metric("dir_unlink", remove * 1e6 / files, "us");
}
