/* SPDX-License-Identifier: MIT */
/* statfs(2) and fstatfs(2) on x86-64, and the magic numbers of Keel's file systems. */
#pragma once

struct statfs {
	long f_type;
	long f_bsize;
	unsigned long f_blocks;
	unsigned long f_bfree;
	unsigned long f_bavail;
	unsigned long f_files;
	unsigned long f_ffree;
	struct { int val[2]; } f_fsid;
	long f_namelen;
	long f_frsize;
	long f_flags;              /* ST_* */
	long f_spare[4];
};

#define ST_RDONLY      0x0001
#define ST_NOSUID      0x0002
#define ST_NODEV       0x0004
#define ST_NOEXEC      0x0008
#define ST_SYNCHRONOUS 0x0010
#define ST_VALID       0x0020
#define ST_NOATIME     0x0400
#define ST_RELATIME    0x1000

#define RAMFS_MAGIC  0x858458f6
#define TMPFS_MAGIC  0x01021994
#define PIPEFS_MAGIC 0x50495045
#define EXT2_SUPER_MAGIC 0xEF53
#define PROC_SUPER_MAGIC 0x9fa0
