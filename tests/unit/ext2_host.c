// SPDX-License-Identifier: MIT
/*
 * Host support for the ext2 unit tests (see ext2_host.h): file-backed
 * block I/O, allocators, and wrappers around mke2fs, e2fsck and debugfs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ext2_host.h"

#define EH_DIR "build/unit/ext2"

const char *
eh_dir(void)
{
	static bool made;

	if (!made) {
		if (system("mkdir -p " EH_DIR) != 0)
			abort();
		made = true;
	}
	return EH_DIR;
}

/* Paths are interned: the same name always gives the same, lasting string. */
const char *
eh_path(const char *name)
{
	static char paths[64][256];
	static int n;
	char want[256];

	snprintf(want, sizeof(want), "%s/%s", eh_dir(), name);
	for (int i = 0; i < n; i++)
		if (!strcmp(paths[i], want))
			return paths[i];
	if (n == 64)
		abort();
	strcpy(paths[n], want);
	return paths[n++];
}

static char *
vformat(const char *fmt, va_list ap)
{
	char *s = NULL;

	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	return s;
}

int
eh_run(const char *fmt, ...)
{
	va_list ap;
	char *cmd;
	int st;

	va_start(ap, fmt);
	cmd = vformat(fmt, ap);
	va_end(ap);
	st = system(cmd);
	free(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

char *
eh_capture(const char *fmt, ...)
{
	va_list ap;
	char *cmd, *out = NULL;
	size_t len = 0, cap = 0;
	FILE *p;
	int c;

	va_start(ap, fmt);
	cmd = vformat(fmt, ap);
	va_end(ap);
	if (!(p = popen(cmd, "r")))
		abort();
	while ((c = fgetc(p)) != EOF) {
		if (len + 2 > cap) {
			cap = cap ? cap * 2 : 4096;
			out = realloc(out, cap);
		}
		out[len++] = (char)c;
	}
	pclose(p);
	free(cmd);
	if (!out)
		out = calloc(1, 1);
	out[len] = 0;
	return out;
}

int
eh_mkfs(const char *img, unsigned bs, unsigned size_kb, const char *src, const char *opts)
{
	unlink(img);
	return eh_run("mke2fs -q -t ext2 -F -b %u %s%s %s '%s' %uk >/dev/null 2>&1", bs,
		      src ? "-d " : "", src ? src : "", opts ? opts : "", img, size_kb);
}

/*
 * e2fsck -fn prints its version on stderr, then five "Pass" lines and a
 * summary; anything else, or a non-zero status, is a complaint.
 */
bool
eh_fsck_clean(const char *img)
{
	char *out = eh_capture("e2fsck -fn '%s' 2>&1; echo \"status=$?\"", img);
	bool clean = strstr(out, "status=0\n") != NULL;
	char *line = out;

	while (clean && *line) {
		char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);

		if (n && strncmp(line, "Pass ", 5) && strncmp(line, "e2fsck ", 7) &&
		    strncmp(line, "status=", 7) && !memmem(line, n, " files (", 8))
			clean = false;
		line += n + (nl != NULL);
	}
	if (!clean)
		printf("  e2fsck complains about %s:\n%s", img, out);
	free(out);
	return clean;
}

char *
eh_debugfs(const char *img, const char *cmd)
{
	return eh_capture("debugfs -R '%s' '%s' 2>/dev/null", cmd, img);
}

long
eh_stat_field(const char *img, const char *path, const char *label)
{
	char cmd[600], *out, *p;
	long v = -1;

	snprintf(cmd, sizeof(cmd), "stat %s", path);
	out = eh_debugfs(img, cmd);
	if ((p = strstr(out, label)))
		v = strtol(p + strlen(label), NULL, 0);
	free(out);
	return v;
}

uint8_t *
eh_dump(const char *img, const char *path, size_t *len)
{
	const char *tmp = eh_path("dump.tmp");
	char cmd[1200];
	char *out;

	unlink(tmp);
	snprintf(cmd, sizeof(cmd), "dump %s %s", path, tmp);
	out = eh_debugfs(img, cmd);
	free(out);
	return eh_read_file(tmp, len);
}

void
eh_write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, len, f) != len)
		abort();
	fclose(f);
}

uint8_t *
eh_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	*len = 0;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		abort();
	fclose(f);
	*len = (size_t)n;
	return buf;
}

int
eh_copy(const char *from, const char *to)
{
	return eh_run("cp '%s' '%s'", from, to);
}

/* ---- block I/O on an image file */

static int
disk_read(struct ext2_io *io, uint64_t blkno, void *buf)
{
	struct eh_disk *d = io->ctx;
	ssize_t n = pread(d->fd, buf, io->block_size, (off_t)(blkno * io->block_size));

	d->reads++;
	return n == (ssize_t)io->block_size ? 0 : -EIO;
}

/* The newest logged write of blkno, or -1. */
static long
log_newest(const struct eh_disk *d, uint64_t blkno, uint32_t bsize)
{
	for (size_t i = d->nlog; i-- > 0;)
		if (d->log[i].off == blkno * bsize)
			return (long)i;
	return -1;
}

/* Let a write_after replace the block's newest logged write?  (See join_after.) */
static bool
may_join(const struct eh_disk *d, uint64_t blkno, const uint64_t *deps, unsigned n,
	 uint32_t bsize, long *at)
{
	*at = log_newest(d, blkno, bsize);
	if (*at < 0)
		return false;
	for (unsigned i = 0; i < n; i++)
		if (deps[i] != blkno && log_newest(d, deps[i], bsize) > *at)
			return false;
	return true;
}

static int
disk_write(struct ext2_io *io, uint64_t blkno, const void *buf)
{
	struct eh_disk *d = io->ctx;
	ssize_t n;

	if (d->readonly)
		abort();        /* ext2 must never write a read-only mount */
	n = pwrite(d->fd, buf, io->block_size, (off_t)(blkno * io->block_size));
	d->writes++;
	if (d->record) {
		if (d->nlog == d->caplog) {
			d->caplog = d->caplog ? d->caplog * 2 : 64;
			d->log = realloc(d->log, d->caplog * sizeof(*d->log));
		}
		d->log[d->nlog].off = blkno * io->block_size;
		d->log[d->nlog].len = io->block_size;
		d->log[d->nlog].data = malloc(io->block_size);
		memcpy(d->log[d->nlog].data, buf, io->block_size);
		d->nlog++;
	}
	return n == (ssize_t)io->block_size ? 0 : -EIO;
}

static int
disk_write_after(struct ext2_io *io, uint64_t blkno, const void *buf, const uint64_t *deps,
		 unsigned ndeps)
{
	struct eh_disk *d = io->ctx;
	long at;

	if (!d->record || !may_join(d, blkno, deps, ndeps, io->block_size, &at))
		return disk_write(io, blkno, buf);
	if (pwrite(d->fd, buf, io->block_size, (off_t)(blkno * io->block_size)) !=
	    (ssize_t)io->block_size)
		return -EIO;
	d->writes++;
	d->joined++;
	memcpy(d->log[at].data, buf, io->block_size);
	return 0;
}

/*
 * A lazy write (a directory's times) goes to the image but not to the
 * log: a crash cut never includes one, so the crash tests also show that
 * losing every lazy write is harmless.
 */
static int
disk_write_lazy(struct ext2_io *io, uint64_t blkno, const void *buf)
{
	struct eh_disk *d = io->ctx;
	ssize_t n;

	if (d->readonly)
		abort();
	n = pwrite(d->fd, buf, io->block_size, (off_t)(blkno * io->block_size));
	d->lazy_writes++;
	return n == (ssize_t)io->block_size ? 0 : -EIO;
}

/* Part of a block, as the kernel's page cache offers it (read_part). */
static int
disk_read_part(struct ext2_io *io, uint64_t blkno, uint32_t off, uint32_t len, void *buf)
{
	struct eh_disk *d = io->ctx;

	if (off > io->block_size || len > io->block_size - off)
		abort();        /* the library checks its ranges */
	d->reads++;
	return pread(d->fd, buf, len, (off_t)(blkno * io->block_size + off)) == (ssize_t)len ?
	       0 : -EIO;
}

/* A change of part of a block: the block as it is, changed, written whole. */
static int
disk_write_part(struct ext2_io *io, uint64_t blkno, uint32_t off, uint32_t len, const void *data,
		bool lazy, const uint64_t *deps, unsigned n)
{
	struct eh_disk *d = io->ctx;
	uint8_t *blk = malloc(io->block_size);
	int r = -EIO;

	if (!blk)
		return -ENOMEM;
	if (off <= io->block_size && len <= io->block_size - off &&
	    pread(d->fd, blk, io->block_size, (off_t)(blkno * io->block_size)) ==
	    (ssize_t)io->block_size) {
		memcpy(blk + off, data, len);
		r = lazy ? disk_write_lazy(io, blkno, blk) :
		    deps ? disk_write_after(io, blkno, blk, deps, n) : disk_write(io, blkno, blk);
	}
	free(blk);
	return r;
}

static int
disk_flush(struct ext2_io *io)
{
	struct eh_disk *d = io->ctx;

	return fdatasync(d->fd) == 0 ? 0 : -EIO;
}

int
eh_disk_open(struct eh_disk *d, const char *img, bool writable)
{
	memset(d, 0, sizeof(*d));
	d->fd = open(img, writable ? O_RDWR : O_RDONLY);
	if (d->fd < 0)
		return -errno;
	d->readonly = !writable;
	d->io.ctx = d;
	d->io.read = disk_read;
	d->io.write = writable ? disk_write : NULL;
	d->io.flush = disk_flush;
	d->io.write_lazy = writable ? disk_write_lazy : NULL;
	d->io.write_after = writable ? disk_write_after : NULL;
	d->io.read_part = disk_read_part;
	d->io.write_part = writable ? disk_write_part : NULL;
	return 0;
}

void
eh_disk_forget_log(struct eh_disk *d)
{
	for (size_t i = 0; i < d->nlog; i++)
		free(d->log[i].data);
	free(d->log);
	d->log = NULL;
	d->nlog = d->caplog = 0;
}

void
eh_disk_close(struct eh_disk *d)
{
	eh_disk_forget_log(d);
	close(d->fd);
	d->fd = -1;
}

/* ---- environments */

long eh_live_allocs;

static void *
heap_alloc(void *ctx, size_t size)
{
	eh_live_allocs++;
	return malloc(size);
}

static void
heap_free(void *ctx, void *p)
{
	eh_live_allocs--;
	free(p);
}

static uint32_t
fixed_now(void *ctx)
{
	return EH_NOW;
}

const struct ext2_env eh_env = { NULL, heap_alloc, heap_free, fixed_now };

#define STACK_ARENA (1u << 20)
#define STACK_DEPTH 64

long eh_stack_errors;
size_t eh_stack_peak;
static uint8_t stack_arena[STACK_ARENA] __attribute__((aligned(16)));
static size_t stack_off[STACK_DEPTH];
static int stack_top;

static void *
stack_alloc(void *ctx, size_t size)
{
	size_t start = stack_top ? stack_off[stack_top - 1] : 0;

	size = (size + 15) & ~(size_t)15;
	if (stack_top == STACK_DEPTH || start + size > STACK_ARENA)
		return NULL;
	stack_off[stack_top++] = start + size;
	if (start + size > eh_stack_peak)
		eh_stack_peak = start + size;
	return stack_arena + start;
}

static void
stack_free(void *ctx, void *p)
{
	size_t start = stack_top > 1 ? stack_off[stack_top - 2] : 0;

	if (stack_top == 0 || (uint8_t *)p != stack_arena + start) {
		eh_stack_errors++;
		return;
	}
	stack_top--;
}

const struct ext2_env eh_stack_env = { NULL, stack_alloc, stack_free, NULL };

struct ext2_fs *
eh_mount(struct eh_disk *d, const char *img, unsigned flags)
{
	struct ext2_fs *fs = NULL;
	const char *msg = NULL;
	int err = eh_disk_open(d, img, !(flags & EXT2_MOUNT_RDONLY));

	if (err) {
		printf("  open %s: %d\n", img, err);
		return NULL;
	}
	/* As the kernel mounts (ext2fs/super.c): big directories get a name index. */
	err = ext2_mount(&fs, &d->io, &eh_env, flags | EXT2_MOUNT_DIRHASH, &msg);
	if (err) {
		printf("  mount %s: %d (%s)\n", img, err, msg ? msg : "");
		eh_disk_close(d);
		return NULL;
	}
	return fs;
}

int
eh_umount(struct eh_disk *d, struct ext2_fs *fs)
{
	int err = ext2_unmount(fs);

	eh_disk_close(d);
	return err;
}

/* ---- randomness: xorshift32 */

static uint32_t rand_state = 2463534242u;

uint32_t
eh_rand(void)
{
	uint32_t x = rand_state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return rand_state = x;
}

void
eh_srand(uint32_t seed)
{
	rand_state = seed ? seed : 1;
}

void
eh_fill(uint8_t *buf, size_t len, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 1;

	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = (uint8_t)x;
	}
}

/* ---- path helpers */

uint32_t
eh_lookup(struct ext2_fs *fs, const char *path)
{
	uint32_t ino = 0;

	return ext2_lookup_path(fs, path, &ino) == 0 ? ino : 0;
}

int
eh_create(struct ext2_fs *fs, uint32_t dir, const char *name, uint32_t mode, uint32_t *ino)
{
	struct ext2_new nw = { .mode = mode, .uid = 1000, .gid = 100 };

	return ext2_create(fs, dir, name, strlen(name), &nw, ino);
}

int
eh_mkdir(struct ext2_fs *fs, uint32_t dir, const char *name, uint32_t *ino)
{
	struct ext2_new nw = { .mode = 0755, .uid = 1000, .gid = 100 };

	return ext2_mkdir(fs, dir, name, strlen(name), &nw, ino);
}
