// SPDX-License-Identifier: MIT
// The newc cpio reader on archives made by GNU cpio, on hand-made ones, and on damaged copies.
// UNIT_SRCS: kernel/fs/cpio.c
#include <stdbool.h>
#include <stdint.h>
#include "unit.h"
#include "fs/cpio.h"
#include "uapi/errno.h"
#include "uapi/stat.h"

static unsigned char *
load(size_t *len)
{
	const char *build = getenv("BUILD");
	char path[256];
	FILE *f;
	unsigned char *buf;

	snprintf(path, sizeof(path), "%s/fs-test/test.cpio", build ? build : "build");
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	buf = malloc(1 << 20);
	*len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

/* Read every member; => the count, or the error. */
static int
count_members(const void *buf, size_t len)
{
	struct cpio_reader r;
	struct cpio_entry e;
	int n = 0, s;

	cpio_init(&r, buf, len);
	while ((s = cpio_next(&r, &e)) > 0)
		n++;
	return s < 0 ? s : n;
}

TEST(gnu_cpio_archive_members)
{
	size_t len;
	unsigned char *buf = load(&len);
	struct cpio_reader r;
	struct cpio_entry e;
	uint32_t one_ino = 0;
	bool hello = false;
	int seen = 0;

	CHECK(buf != NULL);
	if (!buf)
		return;
	cpio_init(&r, buf, len);
	while (cpio_next(&r, &e) > 0) {
		const char *name = strncmp(e.name, "./", 2) == 0 ? e.name + 2 : e.name;

		seen++;
		if (strcmp(name, "hello") == 0) {
			hello = true;
			CHECK_EQ(e.mode, S_IFREG | 0640);
			CHECK_EQ(e.size, 17);
			CHECK(memcmp(e.data, "hello, initramfs\n", 17) == 0);
			CHECK_EQ(e.mtime, 1000000000);
			CHECK_EQ(e.uid, 0);
		} else if (strcmp(name, "bin/one") == 0) {
			CHECK_EQ(e.nlink, 2);
			one_ino = e.ino;
		} else if (strcmp(name, "bin/two") == 0) {
			CHECK_EQ(e.nlink, 2);
			CHECK_EQ(e.ino, one_ino);       /* newc's hard links: same inode */
			CHECK_EQ(e.size, 12);           /* data with the last name */
		} else if (strcmp(name, "etc/link") == 0) {
			CHECK_EQ(e.mode & S_IFMT, S_IFLNK);
			CHECK_EQ(e.size, 8);
			CHECK(memcmp(e.data, "../hello", 8) == 0);
		} else if (strcmp(name, "fifo") == 0) {
			CHECK_EQ(e.mode & S_IFMT, S_IFIFO);
		} else if (strcmp(name, "dev/null") == 0) {
			CHECK_EQ(e.mode & S_IFMT, S_IFCHR);  /* in the second archive */
			CHECK_EQ(e.rdev_major, 1);
			CHECK_EQ(e.rdev_minor, 3);
		}
	}
	CHECK_EQ(seen, 14);
	CHECK(one_ino != 0);
	CHECK(hello);
	free(buf);
}

TEST(every_truncation_is_safe)
{
	size_t len;
	unsigned char *buf = load(&len), *copy;

	if (!buf)
		return;
	/* Each prefix in its own heap block, so ASan sees any read past its end. */
	for (size_t cut = 0; cut < len; cut++) {
		int n;
		copy = malloc(cut ? cut : 1);
		memcpy(copy, buf, cut);
		n = count_members(copy, cut);
		CHECK(n == -EINVAL || n >= 0);
		if (cut > 0 && cut < 110)
			CHECK_EQ(n, -EINVAL);           /* inside the first header */
		free(copy);
	}
	free(buf);
}

TEST(random_damage_is_safe)
{
	size_t len;
	unsigned char *buf = load(&len), *copy;
	uint32_t seed = 12345;

	if (!buf)
		return;
	copy = malloc(len);
	for (int round = 0; round < 2000; round++) {
		memcpy(copy, buf, len);
		for (int k = 0; k < 4; k++) {
			seed = seed * 1103515245 + 12345;
			copy[(seed >> 8) % len] = (unsigned char)(seed >> 24);
		}
		int n = count_members(copy, len);
		CHECK(n == -EINVAL || n >= 0);
	}
	free(copy);
	free(buf);
}

/* A member in newc format, data included, padded; => bytes written. */
static size_t
put_member(char *out, const char *magic, const char *name, const char *data, uint32_t mode,
	   uint32_t check, int namesize_delta)
{
	size_t nlen = strlen(name) + 1, dlen = strlen(data), n;

	n = (size_t)sprintf(out, "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", magic,
			    1u, mode, 0u, 0u, 1u, 0u, (unsigned)dlen, 0u, 0u, 0u, 0u,
			    (unsigned)((int)nlen + namesize_delta), check);
	memcpy(out + n, name, nlen);
	n = (n + nlen + 3) & ~3ul;
	memcpy(out + n, data, dlen);
	return (n + dlen + 3) & ~3ul;
}

TEST(handmade_archives)
{
	char a[2048];
	size_t n;
	uint32_t sum = 'a' + 'b' + 'c';

	memset(a, 0, sizeof(a));
	n = put_member(a, "070702", "f", "abc", S_IFREG | 0644, sum, 0);
	n += put_member(a + n, "070701", "TRAILER!!!", "", 0, 0, 0);
	n += 512;                                   /* NUL padding, as boot loaders add */
	CHECK_EQ(count_members(a, n), 1);
	memset(a, 0, sizeof(a));
	n = put_member(a, "070702", "f", "abc", S_IFREG | 0644, sum + 1, 0);
	CHECK_EQ(count_members(a, n), -EINVAL);     /* wrong checksum */
	memset(a, 0, sizeof(a));
	n = put_member(a, "070701", "f", "abc", S_IFREG | 0644, 0, -1);
	CHECK_EQ(count_members(a, n), -EINVAL);     /* the name's NUL is outside namesize */
	memset(a, 0, sizeof(a));
	n = put_member(a, "070701", "f", "", S_IFREG | 0644, 0, 0);
	memcpy(a + n, "junk after it", 13);
	CHECK_EQ(count_members(a, n + 13), -EINVAL);
	CHECK_EQ(count_members(a, 0), 0);           /* nothing at all */
}
