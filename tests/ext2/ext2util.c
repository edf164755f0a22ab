// SPDX-License-Identifier: MIT
/*
 * The ext2 disk test's helper: what busybox cannot do from a shell.
 * A static musl program that runs the same on Keel and on Linux.
 *
 *   ext2util mmapw FILE       grow FILE to 3 pages plus a hole page, write a
 *                             pattern through a MAP_SHARED mapping,
 *                             msync(MS_SYNC), munmap, and check that read()
 *                             sees it; print the pattern's checksum
 *   ext2util mmapr FILE       read FILE through a MAP_SHARED mapping and
 *                             print the same checksum (after a reboot)
 *   ext2util exchange A B     renameat2(RENAME_EXCHANGE)
 *   ext2util noreplace A B    renameat2(RENAME_NOREPLACE)
 *   ext2util rename A B       rename(2), to see its errno (EXDEV)
 *   ext2util churn DIR        change metadata under DIR without end and
 *                             without waiting (the crash test's workload):
 *                             directories, small files, renames, hard and
 *                             symbolic links, removals
 *
 * Exit status 0 on success; otherwise the errno's name goes to stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE 4096
#define PAGES 4                 /* page 3 is a hole made by ftruncate */

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2
#endif

static int
fail(const char *what)
{
	fprintf(stderr, "ext2util: %s: %s\n", what, strerror(errno));
	return 1;
}

static uint8_t
pattern(size_t i)
{
	return (uint8_t)(i * 7 + i / 4093);
}

static uint32_t
checksum(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static int
mmap_write(const char *path)
{
	static uint8_t back[PAGES * PAGE];
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	uint8_t *m;

	if (fd < 0)
		return fail("open");
	memset(back, 'w', 3 * PAGE);
	if (write(fd, back, 3 * PAGE) != 3 * PAGE || ftruncate(fd, PAGES * PAGE))
		return fail("write/ftruncate");
	m = mmap(NULL, PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		return fail("mmap");
	for (size_t i = PAGE / 2; i < PAGES * PAGE; i++)
		m[i] = pattern(i);
	if (msync(m, PAGES * PAGE, MS_SYNC) || munmap(m, PAGES * PAGE))
		return fail("msync/munmap");
	if (pread(fd, back, sizeof(back), 0) != sizeof(back))
		return fail("pread");
	for (size_t i = 0; i < sizeof(back); i++)
		if (back[i] != (i < PAGE / 2 ? 'w' : pattern(i))) {
			fprintf(stderr, "ext2util: byte %zu reads %#x after the mapping wrote it\n",
				i, back[i]);
			return 1;
		}
	close(fd);
	printf("%08x\n", checksum(back, sizeof(back)));
	return 0;
}

static int
mmap_read(const char *path)
{
	int fd = open(path, O_RDONLY);
	uint8_t *m;

	if (fd < 0)
		return fail("open");
	m = mmap(NULL, PAGES * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		return fail("mmap");
	printf("%08x\n", checksum(m, PAGES * PAGE));
	munmap(m, PAGES * PAGE);
	close(fd);
	return 0;
}

static int
rename2(const char *a, const char *b, unsigned flags)
{
	if (syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, flags))
		return fail("renameat2");
	return 0;
}

#define CHURN_KEEP 16           /* generations alive at once */

/* One generation: a directory with a file, a symlink and an outside hard link. */
static int
churn_make(const char *dir, long i)
{
	char d[200], f[256], g[256], h[256], s[256];
	static const char text[100] = "churn";
	int fd;

	snprintf(d, sizeof(d), "%s/d%ld", dir, i);
	snprintf(f, sizeof(f), "%s/f", d);
	snprintf(g, sizeof(g), "%s/g", d);
	snprintf(h, sizeof(h), "%s/h%ld", dir, i);
	snprintf(s, sizeof(s), "%s/s", d);
	if (mkdir(d, 0755))
		return fail("mkdir");
	if ((fd = open(f, O_CREAT | O_WRONLY, 0644)) < 0)
		return fail("open");
	if (write(fd, text, sizeof(text)) != sizeof(text))
		return fail("write");
	close(fd);
	if (rename(f, g) || link(g, h) || symlink("g", s))
		return fail("rename/link/symlink");
	return 0;
}

/* Retire generation i: move its directory, empty it, remove it. */
static int
churn_drop(const char *dir, long i)
{
	char d[256], old[256], p[300];

	snprintf(d, sizeof(d), "%s/d%ld", dir, i);
	snprintf(old, sizeof(old), "%s/old", dir);
	if (rename(d, old))
		return fail("rename dir");
	snprintf(p, sizeof(p), "%s/g", old);
	if (unlink(p))
		return fail("unlink g");
	snprintf(p, sizeof(p), "%s/s", old);
	if (unlink(p) || rmdir(old))
		return fail("unlink s/rmdir");
	snprintf(p, sizeof(p), "%s/h%ld", dir, i);
	return unlink(p) ? fail("unlink h") : 0;
}

static int
churn(const char *dir)
{
	for (long i = 0;; i++)
		if (churn_make(dir, i) || (i >= CHURN_KEEP && churn_drop(dir, i - CHURN_KEEP)))
			return 1;
}

int
main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "mmapw"))
		return mmap_write(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "mmapr"))
		return mmap_read(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "exchange"))
		return rename2(argv[2], argv[3], RENAME_EXCHANGE);
	if (argc == 4 && !strcmp(argv[1], "noreplace"))
		return rename2(argv[2], argv[3], RENAME_NOREPLACE);
	if (argc == 4 && !strcmp(argv[1], "rename"))
		return rename(argv[2], argv[3]) ? fail("rename") : 0;
	if (argc == 3 && !strcmp(argv[1], "churn"))
		return churn(argv[2]);
	fprintf(stderr, "usage: ext2util mmapw|mmapr FILE | exchange|noreplace|rename A B | churn DIR\n");
	return 2;
}
