// SPDX-License-Identifier: MIT
/*
 * Files, in the current directory (the benchmark's ext2 disk under `make
 * bench`): the life of a small file (create, write 4 KiB, close, unlink),
 * looking a name up (stat; open and close), and sequential I/O on one
 * 64 MiB file: written in 64 KiB chunks and forced to the disk with
 * fsync, read back while it is in the page cache, and read again after
 * the cache was emptied through /proc/sys/vm/drop_caches, which measures
 * the disk path (block layer, virtio, the file system's block mapping).
 *
 * The uncached read needs drop_caches.  A kernel without it gets an error
 * row; a shared host where emptying the cache would slow everyone else
 * down passes --no-drop-caches and gets a skip row.
 */
#include "osbench.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define OSB_SMALL_FILE	"osb_small"
#define OSB_STAT_FILE	"osb_stat"
#define OSB_SEQ_FILE	"osb_seq"
#define OSB_CHUNK	(64UL << 10)

static char osb_buf[OSB_CHUNK];

static int
osb_small_file(void *ctx, long n)
{
	for (long i = 0; i < n; i++) {
		int fd = open(OSB_SMALL_FILE, O_CREAT | O_WRONLY | O_TRUNC, 0644);

		if (fd < 0)
			return osb_fail("open(O_CREAT)");
		if (write(fd, osb_buf, 4096) != 4096) {
			close(fd);
			return osb_fail("write");
		}
		if (close(fd) < 0)
			return osb_fail("close");
		if (unlink(OSB_SMALL_FILE) < 0)
			return osb_fail("unlink");
	}
	return 0;
}

static int
osb_stat(void *ctx, long n)
{
	struct stat st;

	for (long i = 0; i < n; i++) {
		if (stat(OSB_STAT_FILE, &st) < 0)
			return osb_fail("stat");
	}
	return 0;
}

static int
osb_open_close(void *ctx, long n)
{
	for (long i = 0; i < n; i++) {
		int fd = open(OSB_STAT_FILE, O_RDONLY);

		if (fd < 0)
			return osb_fail("open");
		if (close(fd) < 0)
			return osb_fail("close");
	}
	return 0;
}

static void
osb_lookups(void)
{
	int fd;

	if (osb_filtered("stat") && osb_filtered("open_close"))
		return;
	fd = open(OSB_STAT_FILE, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd < 0) {
		osb_error("stat", "creating %s: %s", OSB_STAT_FILE, strerror(errno));
		osb_error("open_close", "creating %s: %s", OSB_STAT_FILE, strerror(errno));
		return;
	}
	close(fd);
	osb_time_loop("stat", osb_stat, NULL);
	osb_time_loop("open_close", osb_open_close, NULL);
	unlink(OSB_STAT_FILE);
}

static int
osb_seq_write(size_t len, double *dt)
{
	double t0 = osb_now();
	int fd = open(OSB_SEQ_FILE, O_CREAT | O_WRONLY | O_TRUNC, 0644);

	if (fd < 0)
		return osb_fail("open(O_CREAT)");
	for (size_t done = 0; done < len; done += OSB_CHUNK) {
		if (write(fd, osb_buf, OSB_CHUNK) != (ssize_t)OSB_CHUNK) {
			close(fd);
			return osb_fail("write");
		}
	}
	if (fsync(fd) < 0) {
		close(fd);
		return osb_fail("fsync");
	}
	if (close(fd) < 0)
		return osb_fail("close");
	*dt = osb_now() - t0;
	return 0;
}

/* Read the whole file; a short file is an error, not a fast read. */
static int
osb_seq_read(size_t len, double *dt)
{
	double t0 = osb_now();
	size_t total = 0;
	ssize_t r;
	int fd = open(OSB_SEQ_FILE, O_RDONLY);

	if (fd < 0)
		return osb_fail("open");
	while ((r = read(fd, osb_buf, OSB_CHUNK)) > 0)
		total += r;
	close(fd);
	if (r < 0)
		return osb_fail("read");
	if (total != len)
		return osb_failmsg("read back fewer bytes than were written");
	*dt = osb_now() - t0;
	return 0;
}

static int
osb_drop_caches(void)
{
	int fd;

	sync();
	fd = open("/proc/sys/vm/drop_caches", O_WRONLY);
	if (fd < 0)
		return osb_fail("open /proc/sys/vm/drop_caches");
	if (write(fd, "3", 1) != 1) {
		close(fd);
		return osb_fail("write /proc/sys/vm/drop_caches");
	}
	close(fd);
	return 0;
}

/* Report @len bytes in @dt seconds as MiB/s, or the recorded failure. */
static void
osb_report_rate(const char *name, int ret, size_t len, double dt)
{
	if (ret < 0)
		osb_error_why(name);
	else
		osb_metric(name, len / (1024.0 * 1024.0) / dt, "MiB/s");
}

static void
osb_seq_io(void)
{
	size_t len = osb_size(64UL << 20, 1UL << 20);
	double dt = 0;
	int ret;

	if (osb_filtered("seq_"))
		return;
	ret = osb_seq_write(len, &dt);
	osb_report_rate("seq_write_fsync", ret, len, dt);
	if (ret < 0) {
		osb_error("seq_read_cached", "no file: the write failed");
		osb_error("seq_read_uncached", "no file: the write failed");
		unlink(OSB_SEQ_FILE);
		return;
	}
	ret = osb_seq_read(len, &dt);
	osb_report_rate("seq_read_cached", ret, len, dt);
	if (osb.no_drop_caches) {
		osb_skip("seq_read_uncached", "not attempted: --no-drop-caches");
	} else if (osb_drop_caches() < 0) {
		osb_error_why("seq_read_uncached");
	} else {
		ret = osb_seq_read(len, &dt);
		osb_report_rate("seq_read_uncached", ret, len, dt);
	}
	unlink(OSB_SEQ_FILE);
}

void
osb_run_file(void)
{
	memset(osb_buf, 0xa5, sizeof(osb_buf));
	osb_time_loop("file_create_write_unlink", osb_small_file, NULL);
	osb_lookups();
	osb_seq_io();
}
