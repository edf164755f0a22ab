/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the file-system ktests: each test runs in a fresh process-
 * like environment (its own descriptor table, fs context and, if it asks,
 * credentials and user memory), inside its own directory.
 */
#pragma once

#include "core/ktest.h"
#include "fs/vfs_ops.h"
#include "sched/cred.h"

struct mm;

struct kt_env {
	struct files *saved_files;
	struct fs_ctx *saved_fs;
	struct cred *saved_cred;
	struct mm *mm;
	uint64_t user;              /* user scratch memory, once asked for */
	size_t user_len;
	struct cred cred;           /* the credentials kt_as() installs */
};

/* Fresh tables; create dir (absolute) and make it the working directory.  => 0 or -errno. */
int kt_enter(struct kt_env *e, const char *dir);
void kt_leave(struct kt_env *e);
/* Act as uid/gid (no extra groups) until kt_as_root or kt_leave. */
void kt_as(struct kt_env *e, uint32_t uid, uint32_t gid);
void kt_as_root(struct kt_env *e);
/* A user-space scratch area of len bytes (mapped on first use).  0 on failure. */
uint64_t kt_user(struct kt_env *e, size_t len);

/* Small conveniences over the VFS. */
int kt_write_file(const char *path, const void *data, size_t len, uint32_t mode);
long kt_read_file(const char *path, void *buf, size_t len);
/* The inode fields of path (following links unless nofollow).  => 0 or -errno. */
int kt_stat(const char *path, struct kstat *st, bool nofollow);
