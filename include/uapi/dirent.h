/* SPDX-License-Identifier: MIT */
/* Directory entries as getdents64(2) and getdents(2) return them. */
#pragma once

#include <stdint.h>

/* d_type values: the file type bits of st_mode, shifted down by 12. */
#define DT_UNKNOWN 0
#define DT_FIFO    1
#define DT_CHR     2
#define DT_DIR     4
#define DT_BLK     6
#define DT_REG     8
#define DT_LNK     10
#define DT_SOCK    12

/* getdents64: records padded to 8 bytes; d_off is the position after this one. */
struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	uint8_t d_type;
	char d_name[];
};

/*
 * The older getdents: the type sits in the last byte of the record, after
 * the name's NUL and any padding.
 */
struct linux_dirent {
	unsigned long d_ino;
	unsigned long d_off;
	unsigned short d_reclen;
	char d_name[];
};
