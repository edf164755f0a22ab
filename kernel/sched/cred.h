/* SPDX-License-Identifier: MIT */
/*
 * Credentials: the identity a thread acts with.  Real ids say who owns the
 * process, effective ids decide permission checks, saved ids let a setuid
 * program drop and regain privilege, and the file-system ids (Linux's
 * fsuid/fsgid, normally equal to the effective ones) are what file access
 * checks use.  uid 0 overrides permission checks, as on Linux.
 */
#pragma once

#include "lib/compiler.h"

#define NGROUPS_MAX 65536
#define CRED_GROUPS 32

typedef uint32_t uid_t;
typedef uint32_t gid_t;

struct cred {
	uid_t uid, euid, suid, fsuid;
	gid_t gid, egid, sgid, fsgid;
	unsigned ngroups;
	gid_t groups[CRED_GROUPS];
};

static inline bool
cred_in_group(const struct cred *c, gid_t g)
{
	if (c->fsgid == g)
		return true;
	for (unsigned i = 0; i < c->ngroups; i++)
		if (c->groups[i] == g)
			return true;
	return false;
}
