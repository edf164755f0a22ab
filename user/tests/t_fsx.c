// SPDX-License-Identifier: MIT
/*
 * fsx: a random-operations file tester, after the classic one from NeXT
 * and Apple.  One file is hit with a long, seeded random sequence of
 * operations: write and pwrite, read and pread, reads and writes through
 * a shared mapping, truncate up and down, fsync, fallocate.  An in-memory
 * model holds what the file must contain; after every operation the file's
 * size and the bytes the operation touched are compared with it, and
 * every CHECK_EVERY operations (and at the end) the whole file is.  The
 * first difference stops the run with the seed, the operation number, the
 * offset and the last operations, so the failure can be replayed exactly
 * with the same seed (every choice comes from one xorshift generator).
 *
 * Written bytes are never zero and change with the operation number, so
 * stale data, lost writes and holes that should not be there all show.
 *
 * The suite runs it as a test (fsx_random_ops: FSX_OPS operations in the
 * test's directory, Keel's ramfs or the host's file system), and it runs
 * alone as a helper, so a stage can aim it at any file system:
 *
 *	usertests --helper=fsx [-n OPS] [-s SEED] [-l MAXLEN] [-m] [-q] FILE
 *
 * -m leaves out the mapping operations (for a file system without shared
 * mappings), -q prints only the result line.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "utest.h"

#define FSX_OPS        100000
#define FSX_MAXLEN     (256 * 1024)    /* the file never grows past this */
#define FSX_MAXOP      (16 * 1024)     /* the longest single read or write */
#define CHECK_EVERY    1000
#define HISTORY        16
#define PAGE           4096
#define MIN(a, b)      ((a) < (b) ? (a) : (b))

enum op { OP_WRITE, OP_PWRITE, OP_READ, OP_PREAD, OP_MAPREAD, OP_MAPWRITE, OP_TRUNCATE,
	  OP_FSYNC, OP_FALLOCATE, OP_KINDS };
static const char *const op_names[OP_KINDS] = {
	"write", "pwrite", "read", "pread", "mapread", "mapwrite", "truncate", "fsync", "fallocate"
};
/* Out of 100. */
static const int op_weight[OP_KINDS] = { 18, 12, 14, 10, 10, 10, 14, 4, 8 };

struct fsx {
	int fd;
	uint64_t rng;
	unsigned long op, ops;
	size_t maxlen;
	bool no_mmap, no_falloc;
	unsigned char *model, *buf;
	size_t size;                   /* the model's size */
	struct { enum op kind; size_t off, len; } hist[HISTORY];
	char why[512];
};

static uint64_t
rnd(struct fsx *x)
{
	x->rng ^= x->rng << 13;
	x->rng ^= x->rng >> 7;
	x->rng ^= x->rng << 17;
	return x->rng;
}

/* A length: often tiny (edges), otherwise up to FSX_MAXOP. */
static size_t
rnd_len(struct fsx *x)
{
	return rnd(x) % 2 ? 1 + rnd(x) % 64 : 1 + rnd(x) % FSX_MAXOP;
}

/* Never zero, different for each operation. */
static unsigned char
data_byte(unsigned long op, size_t pos)
{
	return (unsigned char)(1 + (op * 13 + pos * 7 + pos / 509) % 255);
}

/* Record a failure (the first one wins).  => -1. */
static int __attribute__((format(printf, 2, 3)))
fsx_fail(struct fsx *x, const char *fmt, ...)
{
	va_list ap;

	if (x->why[0])
		return -1;
	va_start(ap, fmt);
	vsnprintf(x->why, sizeof(x->why), fmt, ap);
	va_end(ap);
	return -1;
}

/* The file's bytes [off, off+len) against the model (which is zero past its size). */
static int
compare(struct fsx *x, const unsigned char *got, size_t off, size_t len, const char *how)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char want = off + i < x->size ? x->model[off + i] : 0;
		if (got[i] != want)
			return fsx_fail(x, "%s: byte at %zu is %#x, expected %#x (file size %zu)",
					how, off + i, got[i], want, x->size);
	}
	return 0;
}

/* pread the range back and compare it; the part past the size must not be there. */
static int
verify_range(struct fsx *x, size_t off, size_t len)
{
	size_t want = off >= x->size ? 0 : (off + len > x->size ? x->size - off : len);
	ssize_t n = pread(x->fd, x->buf, len, (off_t)off);

	if (n < 0)
		return fsx_fail(x, "verify pread(%zu, %zu): %s", off, len, ut_errname(errno));
	if ((size_t)n != want)
		return fsx_fail(x, "verify pread(%zu, %zu) gave %zd bytes, expected %zu", off, len,
				n, want);
	return compare(x, x->buf, off, (size_t)n, "verify");
}

static int
verify_size(struct fsx *x)
{
	struct stat st;

	if (fstat(x->fd, &st) < 0)
		return fsx_fail(x, "fstat: %s", ut_errname(errno));
	if ((size_t)st.st_size != x->size)
		return fsx_fail(x, "size is %lld, expected %zu", (long long)st.st_size, x->size);
	return 0;
}

static int
verify_all(struct fsx *x)
{
	for (size_t off = 0; off < x->size; off += FSX_MAXOP)
		if (verify_range(x, off, MIN((size_t)FSX_MAXOP, x->size - off)) < 0)
			return -1;
	return verify_size(x);
}

/* The model after a write of [off, off+len). */
static void
model_write(struct fsx *x, size_t off, size_t len)
{
	if (off > x->size)
		memset(x->model + x->size, 0, off - x->size);
	for (size_t i = 0; i < len; i++)
		x->model[off + i] = data_byte(x->op, off + i);
	if (off + len > x->size)
		x->size = off + len;
}

/* The model after the size became size. */
static void
model_resize(struct fsx *x, size_t size)
{
	if (size > x->size)
		memset(x->model + x->size, 0, size - x->size);
	x->size = size;
}

static int
do_write(struct fsx *x, size_t off, size_t len, bool positional)
{
	ssize_t n;

	for (size_t i = 0; i < len; i++)
		x->buf[i] = data_byte(x->op, off + i);
	if (!positional && lseek(x->fd, (off_t)off, SEEK_SET) != (off_t)off)
		return fsx_fail(x, "lseek(%zu): %s", off, ut_errname(errno));
	n = positional ? pwrite(x->fd, x->buf, len, (off_t)off) : write(x->fd, x->buf, len);
	if (n != (ssize_t)len)
		return fsx_fail(x, "write(%zu, %zu) gave %zd: %s", off, len, n, ut_errname(errno));
	model_write(x, off, len);
	return verify_range(x, off, len);
}

static int
do_read(struct fsx *x, size_t off, size_t len, bool positional)
{
	size_t want = off >= x->size ? 0 : MIN(len, x->size - off);
	ssize_t n;

	if (!positional && lseek(x->fd, (off_t)off, SEEK_SET) != (off_t)off)
		return fsx_fail(x, "lseek(%zu): %s", off, ut_errname(errno));
	n = positional ? pread(x->fd, x->buf, len, (off_t)off) : read(x->fd, x->buf, len);
	if (n != (ssize_t)want)
		return fsx_fail(x, "read(%zu, %zu) gave %zd, expected %zu", off, len, n, want);
	return compare(x, x->buf, off, want, "read");
}

/* Map [off, off+len) of the file shared, page-aligned.  => the address of off, or NULL. */
static unsigned char *
map_range(struct fsx *x, size_t off, size_t len, int prot, void **base, size_t *maplen)
{
	size_t pg = off & ~(size_t)(PAGE - 1);

	*maplen = off + len - pg;
	*base = mmap(NULL, *maplen, prot, MAP_SHARED, x->fd, (off_t)pg);
	if (*base == MAP_FAILED) {
		fsx_fail(x, "mmap(%zu, %zu): %s", pg, *maplen, ut_errname(errno));
		return NULL;
	}
	return (unsigned char *)*base + (off - pg);
}

static int
do_mapread(struct fsx *x, size_t off, size_t len)
{
	void *base;
	size_t maplen;
	unsigned char *p;
	int r;

	if (off >= x->size)
		return 0;           /* nothing there to map */
	len = MIN(len, x->size - off);
	if (!(p = map_range(x, off, len, PROT_READ, &base, &maplen)))
		return -1;
	r = compare(x, p, off, len, "mapread");
	munmap(base, maplen);
	return r;
}

/* As the original fsx: grow the file first if the range goes past its end. */
static int
do_mapwrite(struct fsx *x, size_t off, size_t len)
{
	void *base;
	size_t maplen;
	unsigned char *p;

	if (off + len > x->size) {
		if (ftruncate(x->fd, (off_t)(off + len)) < 0)
			return fsx_fail(x, "ftruncate(%zu): %s", off + len, ut_errname(errno));
		model_resize(x, off + len);
	}
	if (!(p = map_range(x, off, len, PROT_READ | PROT_WRITE, &base, &maplen)))
		return -1;
	for (size_t i = 0; i < len; i++)
		p[i] = data_byte(x->op, off + i);
	if (rnd(x) % 4 == 0 && msync(base, maplen, MS_SYNC) < 0)
		return fsx_fail(x, "msync: %s", ut_errname(errno));
	munmap(base, maplen);
	model_write(x, off, len);
	return verify_range(x, off, len);
}

/* Truncate up or down; the bytes around the new end are checked. */
static int
do_truncate(struct fsx *x, size_t size)
{
	size_t from = size > 2 * PAGE ? size - 2 * PAGE : 0;

	if (ftruncate(x->fd, (off_t)size) < 0)
		return fsx_fail(x, "ftruncate(%zu): %s", size, ut_errname(errno));
	model_resize(x, size);
	return verify_range(x, from, MIN((size_t)FSX_MAXOP, x->maxlen - from));
}

/* fallocate, mode 0 or KEEP_SIZE; a file system without it is skipped from then on. */
static int
do_fallocate(struct fsx *x, size_t off, size_t len)
{
	int mode = rnd(x) % 2 ? FALLOC_FL_KEEP_SIZE : 0;

	if (fallocate(x->fd, mode, (off_t)off, (off_t)len) < 0) {
		if (errno == EOPNOTSUPP) {
			x->no_falloc = true;
			return 0;
		}
		return fsx_fail(x, "fallocate(%d, %zu, %zu): %s", mode, off, len,
				ut_errname(errno));
	}
	if (!mode && off + len > x->size)
		model_resize(x, off + len);
	return verify_range(x, off, len);
}

static enum op
pick_op(struct fsx *x)
{
	for (;;) {
		int r = (int)(rnd(x) % 100);
		enum op k = 0;
		while (r >= op_weight[k])
			r -= op_weight[k++];
		if ((k == OP_MAPREAD || k == OP_MAPWRITE) && x->no_mmap)
			continue;
		if (k == OP_FALLOCATE && x->no_falloc)
			continue;
		return k;
	}
}

/* One operation at a random place, checked. */
static int
step(struct fsx *x)
{
	enum op k = pick_op(x);
	size_t len = rnd_len(x), off = rnd(x) % x->maxlen;
	int r;

	if (k == OP_TRUNCATE)
		len = 0;
	len = MIN(len, x->maxlen - off);
	x->hist[x->op % HISTORY].kind = k;
	x->hist[x->op % HISTORY].off = off;
	x->hist[x->op % HISTORY].len = len;
	switch (k) {
	case OP_WRITE:     r = do_write(x, off, len, false); break;
	case OP_PWRITE:    r = do_write(x, off, len, true); break;
	case OP_READ:      r = do_read(x, off, len, false); break;
	case OP_PREAD:     r = do_read(x, off, len, true); break;
	case OP_MAPREAD:   r = do_mapread(x, off, len); break;
	case OP_MAPWRITE:  r = do_mapwrite(x, off, len); break;
	case OP_TRUNCATE:  r = do_truncate(x, off); break;
	case OP_FALLOCATE: r = do_fallocate(x, off, len); break;
	default:
		r = fsync(x->fd) < 0 ? fsx_fail(x, "fsync: %s", ut_errname(errno)) : 0;
		break;
	}
	if (r == 0)
		r = verify_size(x);
	if (r == 0 && (x->op + 1) % CHECK_EVERY == 0)
		r = verify_all(x);
	return r;
}

/* Say where it went wrong: the seed and operation, then the operations before. */
static void
report(struct fsx *x, unsigned seed, char *out, size_t size)
{
	size_t n;

	if (x->op >= x->ops)
		n = (size_t)snprintf(out, size, "fsx: seed %u, final check after %lu operations: %s",
				     seed, x->ops, x->why);
	else
		n = (size_t)snprintf(out, size, "fsx: seed %u, operation %lu (%s %zu+%zu): %s",
				     seed, x->op, op_names[x->hist[x->op % HISTORY].kind],
				     x->hist[x->op % HISTORY].off, x->hist[x->op % HISTORY].len,
				     x->why);
	for (unsigned long i = x->op > 4 ? x->op - 4 : 0; i < x->op && n < size; i++) {
		const char *name = op_names[x->hist[i % HISTORY].kind];
		n += (size_t)snprintf(out + n, size - n, "; before: op %lu %s %zu+%zu", i, name,
				      x->hist[i % HISTORY].off, x->hist[i % HISTORY].len);
	}
}

/*
 * Run ops operations on the file at path (created or emptied).  => 0, or
 * -1 with the story in why.
 */
static int
fsx_run(const char *path, unsigned long ops, unsigned seed, size_t maxlen, bool no_mmap,
	char *why, size_t size)
{
	struct fsx x = { .ops = ops, .maxlen = maxlen, .no_mmap = no_mmap };
	int r = 0;

	x.rng = 0x9e3779b97f4a7c15ull ^ seed;
	x.model = calloc(1, maxlen);
	x.buf = malloc(FSX_MAXOP > maxlen ? FSX_MAXOP : maxlen);
	x.fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (!x.model || !x.buf || x.fd < 0) {
		snprintf(why, size, "fsx: cannot start on %s: %s", path, ut_errname(errno));
		return -1;
	}
	for (x.op = 0; x.op < ops; x.op++)
		if ((r = step(&x)) != 0)
			break;
	if (r == 0 && verify_all(&x) == 0)
		snprintf(why, size, "fsx: %lu operations, seed %u, final size %zu: no mismatch",
			 ops, seed, x.size);
	else
		report(&x, seed, why, size);
	close(x.fd);
	free(x.model);
	free(x.buf);
	return x.why[0] ? -1 : 0;
}

HELPER(fsx)
{
	unsigned long ops = FSX_OPS;
	unsigned seed = 1;
	size_t maxlen = FSX_MAXLEN;
	bool no_mmap = false, quiet = false;
	char why[1024];
	int c;

	while ((c = getopt(argc, argv, "n:s:l:mq")) != -1) {
		switch (c) {
		case 'n': ops = strtoul(optarg, NULL, 0); break;
		case 's': seed = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'l': maxlen = strtoul(optarg, NULL, 0); break;
		case 'm': no_mmap = true; break;
		case 'q': quiet = true; break;
		default: goto usage;
		}
	}
	if (optind != argc - 1 || maxlen < 2 * PAGE)
		goto usage;
	int r = fsx_run(argv[optind], ops, seed, maxlen, no_mmap, why, sizeof(why));
	if (!quiet || r)
		printf("%s\n", why);
	return r ? 1 : 0;
usage:
	fprintf(stderr, "usage: usertests --helper=fsx [-n OPS] [-s SEED] [-l MAXLEN] [-m] [-q] "
		"FILE\n");
	return 2;
}

TEST_FLAGS(fsx_random_ops, "fsx: 100000 random operations on one file match a model", UT_LONG)
{
	char why[1024];

	if (fsx_run("fsx.file", FSX_OPS, 1, FSX_MAXLEN, false, why, sizeof(why)) < 0)
		FAIL("%s", why);
}
