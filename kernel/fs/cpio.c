// SPDX-License-Identifier: MIT
/*
 * The newc cpio reader (see cpio.h).  Every length is checked against the
 * end of the buffer before it is used, so a damaged or hostile archive
 * gives -EINVAL and a reason, never a read past the end.
 */
#include "fs/cpio.h"
#include "lib/string.h"
#include "uapi/errno.h"

#define HDR_LEN 110
#define TRAILER "TRAILER!!!"

/* Start reading an archive of len bytes at buf. */
void
cpio_init(struct cpio_reader *r, const void *buf, size_t len)
{
	r->buf = buf;
	r->len = len;
	r->off = 0;
	r->error = NULL;
	r->error_off = 0;
}

/* Record why and where the archive is damaged.  => -EINVAL. */
static int
fail(struct cpio_reader *r, const char *why)
{
	r->error = why;
	r->error_off = r->off;
	return -EINVAL;
}

/* Eight hex digits.  => false if any is not one. */
static bool
hex8(const uint8_t *p, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 8; i++) {
		uint8_t c = p[i];
		unsigned d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return false;
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

/* Decode the thirteen fields after the magic. */
static bool
parse_header(const uint8_t *h, struct cpio_entry *e, uint32_t *namesize, uint32_t *check)
{
	uint32_t f[13];

	for (int i = 0; i < 13; i++)
		if (!hex8(h + 6 + 8 * i, &f[i]))
			return false;
	e->ino = f[0];
	e->mode = f[1];
	e->uid = f[2];
	e->gid = f[3];
	e->nlink = f[4];
	e->mtime = f[5];
	e->size = f[6];
	e->dev_major = f[7];
	e->dev_minor = f[8];
	e->rdev_major = f[9];
	e->rdev_minor = f[10];
	*namesize = f[11];
	*check = f[12];
	return true;
}

/* Between archives: NUL padding, then either the end or another archive. */
static int
skip_padding(struct cpio_reader *r)
{
	while (r->off < r->len && r->buf[r->off] == 0)
		r->off++;
	if (r->off == r->len)
		return 0;
	if (r->len - r->off >= 2 && r->buf[r->off] == 0x1f &&
	    (r->buf[r->off + 1] == 0x8b || r->buf[r->off + 1] == 0x9e))
		return fail(r, "compressed archive (Keel reads uncompressed cpio only)");
	return 1;
}

/* The "070702" checksum: the sum of the data bytes. */
static bool
sum_ok(const uint8_t *data, uint64_t size, uint32_t check)
{
	uint32_t sum = 0;

	for (uint64_t i = 0; i < size; i++)
		sum += data[i];
	return sum == check;
}

/* One member at r->off.  => 1, or 0 for a trailer, or -EINVAL. */
static int
read_member(struct cpio_reader *r, struct cpio_entry *e)
{
	const uint8_t *h = r->buf + r->off;
	uint32_t namesize, check;
	size_t name_end, data_end;
	bool crc;

	if (r->len - r->off < HDR_LEN)
		return fail(r, "truncated header");
	if (memcmp(h, "07070", 5) != 0 || (h[5] != '1' && h[5] != '2'))
		return fail(r, "bad magic (not a newc cpio archive)");
	crc = h[5] == '2';
	if (!parse_header(h, e, &namesize, &check))
		return fail(r, "bad hex digit in header");
	if (namesize == 0 || namesize > r->len - r->off - HDR_LEN)
		return fail(r, "name runs past the end");
	e->name = (const char *)h + HDR_LEN;
	e->namelen = namesize - 1;
	if (e->name[e->namelen] != '\0' || strnlen(e->name, e->namelen) != e->namelen)
		return fail(r, "name not NUL-terminated");
	name_end = ALIGN_UP(r->off + HDR_LEN + namesize, 4ul);
	if (name_end > r->len || e->size > r->len - name_end)
		return fail(r, "data runs past the end");
	e->data = r->buf + name_end;
	data_end = name_end + (size_t)e->size;
	if (crc && !sum_ok(e->data, e->size, check))
		return fail(r, "checksum mismatch");
	r->off = MIN(ALIGN_UP(data_end, 4ul), r->len);
	return strcmp(e->name, TRAILER) == 0 ? 0 : 1;
}

/* The next member, skipping trailers and the padding between archives. */
int
cpio_next(struct cpio_reader *r, struct cpio_entry *e)
{
	for (;;) {
		int s = skip_padding(r);
		if (s <= 0)
			return s;
		s = read_member(r, e);
		if (s != 0)
			return s;
		/* A trailer: another archive may follow. */
	}
}
