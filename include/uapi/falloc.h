/* SPDX-License-Identifier: MIT */
/*
 * fallocate(2) modes (Linux's numbers).  Keel's VFS knows them all and
 * hands them to the file system's fallocate operation, which may refuse
 * any it does not do (EOPNOTSUPP).
 */
#pragma once

#define FALLOC_FL_KEEP_SIZE      0x01   /* allocate, but leave the size alone */
#define FALLOC_FL_PUNCH_HOLE     0x02   /* free the range (with KEEP_SIZE) */
#define FALLOC_FL_NO_HIDE_STALE  0x04
#define FALLOC_FL_COLLAPSE_RANGE 0x08
#define FALLOC_FL_ZERO_RANGE     0x10
#define FALLOC_FL_INSERT_RANGE   0x20
#define FALLOC_FL_UNSHARE_RANGE  0x40
#define FALLOC_FL_KNOWN          0x7f
