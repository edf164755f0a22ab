/* SPDX-License-Identifier: MIT */
/*
 * Reading "newc" cpio archives, the format of Linux initramfs images
 * (cpio -o -H newc).  Each member is a 110-byte ASCII header, magic
 * "070701" (or "070702", which adds a checksum of the data) then thirteen
 * 8-digit hex fields, followed by the NUL-terminated name and the data,
 * each padded to a multiple of 4 bytes.  A member named "TRAILER!!!" ends
 * an archive; several archives may follow each other (with NUL padding
 * between), as Linux allows.  Pure C: unit tested on the host.
 */
#pragma once

#include "lib/compiler.h"

struct cpio_entry {
	const char *name;           /* NUL-terminated, inside the archive */
	size_t namelen;             /* without the NUL */
	uint32_t ino, mode, uid, gid, nlink, mtime;
	uint32_t dev_major, dev_minor, rdev_major, rdev_minor;
	uint64_t size;
	const void *data;           /* size bytes */
};

struct cpio_reader {
	const uint8_t *buf;
	size_t len, off;
	const char *error;          /* why the archive was rejected */
	size_t error_off;           /* where */
};

void cpio_init(struct cpio_reader *r, const void *buf, size_t len);
/*
 * The next member (trailers are consumed, not returned).
 * => 1 with *e filled, 0 at the end, -EINVAL for a damaged archive.
 */
int cpio_next(struct cpio_reader *r, struct cpio_entry *e);
