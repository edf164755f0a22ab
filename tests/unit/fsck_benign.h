/* SPDX-License-Identifier: MIT */
/*
 * What e2fsck may say after a crash under soft updates: blocks or inodes
 * marked in use that nothing uses ("-" bitmap differences, unattached
 * inodes), counts too high, sizes and block counts behind, summaries out
 * of date, and rename's brief second name.  Everything else (an entry
 * naming a free inode, a "+" bitmap difference, a count too low, a
 * directory block that is garbage) means the order was wrong.
 *
 * Shared by the crash-cut unit test (tests/unit/test_ext2_crash.c) and the
 * judge of images left by killing QEMU mid-workload (tests/ext2/fsckjudge.c).
 */
#pragma once
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const char *const fsck_benign[] = {
	"Pass ", "e2fsck ", "Fix? no", "Clear? no", "Connect to /lost+found? no",
	"Free blocks count wrong", "Free inodes count wrong", "Directories count wrong",
	"Unattached inode", "Unattached zero-length inode", "WARNING: Filesystem still has errors",
	", i_size is ", ", i_blocks is ", "is a link to directory", "Unconnected directory inode",
	"has zero dtime",
};

/* One line of `e2fsck -fn` output: allowed after a crash? */
static inline bool
fsck_line_ok(const char *line)
{
	long have, want;
	const char *p;

	if (!*line || strstr(line, " files ("))
		return true;
	if (strstr(line, "bitmap differences:"))
		return !strchr(line, '+');      /* "+n": in use but marked free */
	if ((p = strstr(line, " ref count is ")) &&
	    sscanf(p, " ref count is %ld, should be %ld", &have, &want) == 2)
		return have > want;             /* too high is a leak; too low, a danger */
	if (strstr(line, "has deleted/unused inode") || strstr(line, "directory corrupted") ||
	    strstr(line, "illegal") || strstr(line, "zero-length directory"))
		return false;
	if (strstr(line, "'..' in ") && strstr(line, "should be"))
		return true;                    /* rename: ".." still names the old parent */
	for (size_t i = 0; i < sizeof(fsck_benign) / sizeof(fsck_benign[0]); i++)
		if (strstr(line, fsck_benign[i]))
			return true;
	return false;
}
