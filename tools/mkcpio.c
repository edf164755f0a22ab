// SPDX-License-Identifier: MIT
/*
 * mkcpio: write an initramfs archive (cpio "newc" format) from a spec file,
 * without needing root: device nodes and ownership are written straight
 * into the archive instead of being made on disk first.
 *
 *	mkcpio SPEC OUTPUT
 *
 * Each line of SPEC is one entry; '#' starts a comment:
 *
 *	dir   /path MODE			a directory
 *	file  /path SOURCE MODE			a regular file, copied from SOURCE
 *	slink /path TARGET			a symbolic link
 *	nod   /path MODE c|b MAJOR MINOR	a character or block device
 *
 * MODE is octal permission bits.  Every entry belongs to root (0:0).  The
 * modification time is $SOURCE_DATE_EPOCH, or 0, so equal inputs give
 * byte-identical archives.
 *
 * The format: each entry is the 6-byte magic "070701", thirteen 8-digit
 * hexadecimal fields (inode, mode, uid, gid, nlink, mtime, file size, dev
 * major/minor, rdev major/minor, name size including the NUL, checksum 0),
 * the NUL-terminated name padded to a multiple of 4 bytes counting from the
 * entry's start, then the data padded likewise.  An entry named
 * "TRAILER!!!" ends the archive.  Names are stored without a leading '/'.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

struct entry {
	const char *name;	/* without the leading '/' */
	unsigned mode;		/* type and permission bits */
	unsigned nlink;
	unsigned rmajor, rminor;
	unsigned long size;
};

static FILE *out;
static const char *out_path;	/* removed if the archive cannot be finished */
static unsigned long offset;	/* bytes written so far, for padding */
static unsigned next_ino = 1;
static unsigned long mtime;
static const char *spec_name;
static int lineno;

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mkcpio: %s:%d: ", spec_name, lineno);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (out_path)
		remove(out_path);
	exit(1);
}

static void
put(const void *buf, size_t len)
{
	if (len && fwrite(buf, 1, len, out) != len)
		die("write failed: %s", strerror(errno));
	offset += len;
}

static void
pad4(void)
{
	static const char zeros[4];

	put(zeros, (4 - offset % 4) % 4);
}

static void
put_header(const struct entry *e)
{
	char hdr[111];

	/* Every field is 32 bits wide. */
	if (e->size > 0xffffffffUL)
		die("%s: too large for a newc archive", e->name);
	snprintf(hdr, sizeof(hdr), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 next_ino++, e->mode, 0u, 0u, e->nlink, (unsigned)mtime, (unsigned)e->size, 0u, 0u,
		 e->rmajor, e->rminor, (unsigned)strlen(e->name) + 1, 0u);
	put(hdr, 110);
	put(e->name, strlen(e->name) + 1);
	pad4();
}

static void
copy_file(const char *src, unsigned long size)
{
	char buf[65536];
	FILE *f = fopen(src, "rb");
	unsigned long done = 0;
	size_t n;

	if (!f)
		die("%s: %s", src, strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0 && done < size) {
		put(buf, n);
		done += n;
	}
	fclose(f);
	if (done != size)
		die("%s changed size while being read", src);
	pad4();
}

static const char *
strip_slash(const char *path)
{
	if (path[0] != '/' || !path[1])
		die("path '%s' must be absolute and not the root", path);
	return path + 1;
}

static unsigned
parse_mode(const char *s)
{
	char *end;
	unsigned long m = strtoul(s, &end, 8);

	if (!*s || *end || m > 07777)
		die("bad mode '%s'", s);
	return m;
}

/* One spec line, already split into words. */
static void
do_line(char **w, int n)
{
	struct entry e = { .nlink = 1 };
	struct stat st;

	if (n < 2)
		die("too few fields");
	e.name = strip_slash(w[1]);
	if (!strcmp(w[0], "dir") && n == 3) {
		e.mode = S_IFDIR | parse_mode(w[2]);
		e.nlink = 2;
		put_header(&e);
	} else if (!strcmp(w[0], "file") && n == 4) {
		if (stat(w[2], &st) < 0 || !S_ISREG(st.st_mode))
			die("%s: not a readable regular file", w[2]);
		e.mode = S_IFREG | parse_mode(w[3]);
		e.size = st.st_size;
		put_header(&e);
		copy_file(w[2], e.size);
	} else if (!strcmp(w[0], "slink") && n == 3) {
		e.mode = S_IFLNK | 0777;
		e.size = strlen(w[2]);
		put_header(&e);
		put(w[2], e.size);
		pad4();
	} else if (!strcmp(w[0], "nod") && n == 6 && (!strcmp(w[3], "c") || !strcmp(w[3], "b"))) {
		e.mode = (w[3][0] == 'c' ? S_IFCHR : S_IFBLK) | parse_mode(w[2]);
		e.rmajor = strtoul(w[4], NULL, 10);
		e.rminor = strtoul(w[5], NULL, 10);
		put_header(&e);
	} else {
		die("cannot parse '%s' line with %d fields", w[0], n);
	}
}

static void
read_spec(FILE *spec)
{
	char line[4096], *w[8];

	while (fgets(line, sizeof(line), spec)) {
		int n = 0;

		lineno++;
		line[strcspn(line, "#\n")] = 0;
		for (char *tok = strtok(line, " \t"); tok; tok = strtok(NULL, " \t"))
			if (n < 8)
				w[n++] = tok;
		if (n > 0)
			do_line(w, n);
	}
}

int
main(int argc, char **argv)
{
	struct entry trailer = { .name = "TRAILER!!!", .nlink = 1 };
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	FILE *spec;

	if (argc != 3) {
		fprintf(stderr, "usage: mkcpio SPEC OUTPUT\n");
		return 2;
	}
	spec_name = argv[1];
	mtime = epoch ? strtoul(epoch, NULL, 10) : 0;
	if (!(spec = fopen(argv[1], "r")) || !(out = fopen(argv[2], "wb"))) {
		fprintf(stderr, "mkcpio: %s\n", strerror(errno));
		return 1;
	}
	out_path = argv[2];
	read_spec(spec);
	next_ino = 0;
	put_header(&trailer);
	/* Linux reads the archive in 512-byte blocks at most: pad like cpio. */
	while (offset % 512)
		put("", 1);
	if (fclose(out) != 0) {
		fprintf(stderr, "mkcpio: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	return 0;
}
