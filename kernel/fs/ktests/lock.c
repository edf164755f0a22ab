// SPDX-License-Identifier: MIT
/* ktests for flock(2): shared and exclusive locks, per open description, waiting. */
#include "fs/ktests/ktfs.h"
#include "fs/syscalls.h"
#include "lib/string.h"
#include "sched/sched.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"

#define LOCK_SH 1
#define LOCK_EX 2
#define LOCK_NB 4
#define LOCK_UN 8

struct lock_job {
	struct files *files;
	int fd;
	long result;
};

static void
locker(void *arg)
{
	struct lock_job *j = arg;

	current()->files = j->files;        /* a thread of the test's process */
	j->result = sys_flock(j->fd, LOCK_EX);
	current()->files = NULL;
}

static int
open_fd(const char *path)
{
	return fd_install(files_current(), vfs_openat(AT_FDCWD, path, O_RDONLY, 0), 0);
}

KTEST(fs_flock, "flock: shared and exclusive, per open description, released at last close")
{
	struct lock_job j;
	struct kt_env e;
	struct thread *t;
	int a, b, c;

	KT_EQ(kt_enter(&e, "/kt/flock"), 0);
	KT_EQ(kt_write_file("f", "", 0, 0644), 0);
	a = open_fd("f");
	b = open_fd("f");
	KT_ASSERT(a >= 0 && b >= 0);
	KT_EQ(sys_flock(a, LOCK_SH), 0);
	KT_EQ(sys_flock(b, LOCK_SH), 0);                /* shared with shared */
	KT_EQ(sys_flock(b, LOCK_EX | LOCK_NB), -EWOULDBLOCK);
	KT_EQ(sys_flock(a, LOCK_UN), 0);
	KT_EQ(sys_flock(b, LOCK_EX | LOCK_NB), 0);      /* converted */
	KT_EQ(sys_flock(a, LOCK_SH | LOCK_NB), -EWOULDBLOCK);
	c = (int)sys_dup(b);
	KT_EQ(sys_flock(c, LOCK_EX), 0);                /* the same description holds it */
	KT_EQ(sys_close(b), 0);
	KT_EQ(sys_flock(a, LOCK_SH | LOCK_NB), -EWOULDBLOCK);
	KT_EQ(sys_close(c), 0);                         /* the last close releases */
	KT_EQ(sys_flock(a, LOCK_SH | LOCK_NB), 0);
	/* A waiter sleeps until the holder lets go. */
	b = open_fd("f");
	j = (struct lock_job){ files_current(), b, 1 };
	files_get(j.files);
	t = thread_create(locker, &j, "flocker");
	KT_ASSERT(t);
	for (int i = 0; i < 10000 && t->state != T_SLEEPING; i++)
		sched_sleep_ns(1000000, false);
	KT_EQ(j.result, 1);                             /* still waiting */
	KT_EQ(sys_flock(a, LOCK_UN), 0);
	thread_join(t);
	files_put(j.files);
	KT_EQ(j.result, 0);
	KT_EQ(sys_flock(a, LOCK_SH | LOCK_NB), -EWOULDBLOCK);
	KT_EQ(sys_flock(a, 3), -EINVAL);
	KT_EQ(sys_flock(99, LOCK_SH), -EBADF);
	kt_leave(&e);
	return 0;
}
