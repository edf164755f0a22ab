/* SPDX-License-Identifier: MIT */
/*
 * Host support for the ext2 unit tests: an image file as a struct ext2_io,
 * malloc as a struct ext2_env, and the e2fsprogs tools (mke2fs, e2fsck,
 * debugfs) run as independent judges of what Keel's code did.  Images live
 * in build/unit/ext2/, never in the source tree.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include "fs/ext2/ext2.h"
#include "uapi/errno.h"

#define EH_NOW 1700000000u   /* the clock the tests give ext2: fixed */

/* One write an operation issued, for replaying prefixes of it (crash tests). */
struct eh_write {
	uint64_t off;           /* byte offset in the image */
	uint32_t len;
	uint8_t *data;
};

struct eh_disk {
	struct ext2_io io;
	int fd;
	bool readonly;
	unsigned long reads, writes, lazy_writes;
	/* When recording, every write is also kept here, in order. */
	bool record;
	struct eh_write *log;
	size_t nlog, caplog;
	/*
	 * With join_after set, io.write_after is offered, and a write it
	 * takes replaces the block's newest logged write instead of being
	 * logged last, whenever every block it depends on was last logged
	 * before that one: the block layer's rule (bwrite_behind_after) with
	 * nothing ever started, so it joins as much as it ever can.
	 */
	bool join_after;
	unsigned long joined;
};

/*
 * The test image directory, created on first use; eh_path() names a file in
 * it (the string lasts: the same name always gives the same pointer).
 */
const char *eh_dir(void);
const char *eh_path(const char *name);

/* Run a shell command built printf-style; its exit status. */
int eh_run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Run a command and return its standard output (malloc'ed, NUL-terminated). */
char *eh_capture(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* mke2fs -t ext2 with block size bs and size_kb KiB; src (may be NULL) for -d. */
int eh_mkfs(const char *img, unsigned bs, unsigned size_kb, const char *src, const char *opts);
/* e2fsck -fn: true when it finds nothing at all to complain about. */
bool eh_fsck_clean(const char *img);
/* debugfs -R cmd: its output (malloc'ed). */
char *eh_debugfs(const char *img, const char *cmd);
/* The number after label in `debugfs -R 'stat path'` (e.g. "Links:"), or -1. */
long eh_stat_field(const char *img, const char *path, const char *label);
/* The whole content of a file through debugfs's dump (malloc'ed). */
uint8_t *eh_dump(const char *img, const char *path, size_t *len);
/* Make a file with content on the host. */
void eh_write_file(const char *path, const void *data, size_t len);
uint8_t *eh_read_file(const char *path, size_t *len);
int eh_copy(const char *from, const char *to);

int eh_disk_open(struct eh_disk *d, const char *img, bool writable);
void eh_disk_close(struct eh_disk *d);
void eh_disk_forget_log(struct eh_disk *d);

/* The environment: malloc/free that count live allocations, a fixed clock. */
extern const struct ext2_env eh_env;
extern long eh_live_allocs;
/*
 * A boot-loader-like environment: memory from one arena handed out as a
 * stack; freeing anything but the most recent allocation is an error,
 * counted in eh_stack_errors.
 */
extern const struct ext2_env eh_stack_env;
extern long eh_stack_errors;
extern size_t eh_stack_peak;

/* Mount img read-write (or as flags say) on d; NULL on failure (printed). */
struct ext2_fs *eh_mount(struct eh_disk *d, const char *img, unsigned flags);
/* Unmount and close; returns ext2_unmount's result. */
int eh_umount(struct eh_disk *d, struct ext2_fs *fs);

/* Deterministic pseudo-random numbers for the tests. */
uint32_t eh_rand(void);
void eh_srand(uint32_t seed);
void eh_fill(uint8_t *buf, size_t len, uint32_t seed);

/* Path helpers over the library, for brevity in tests. */
uint32_t eh_lookup(struct ext2_fs *fs, const char *path);   /* 0 if absent */
int eh_create(struct ext2_fs *fs, uint32_t dir, const char *name, uint32_t mode, uint32_t *ino);
int eh_mkdir(struct ext2_fs *fs, uint32_t dir, const char *name, uint32_t *ino);
