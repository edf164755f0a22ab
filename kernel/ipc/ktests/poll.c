// SPDX-License-Identifier: MIT
/* ktests for the poll engine: readiness, wake-ups between threads, timeouts, signals. */
#include "core/ktest.h"
#include "fs/fs.h"
#include "fs/vfs_ops.h"
#include "ipc/pipe.h"
#include "ipc/poll.h"
#include "sched/sched.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/poll.h"

struct kpoll {
	struct file *f[2];
	unsigned want[2], got[2];
	int64_t timeout;
	int result;
};

static int
kpoll_scan(void *arg, struct poll_table *pt)
{
	struct kpoll *k = arg;
	int n = 0;

	for (int i = 0; i < 2; i++) {
		k->got[i] = k->f[i] ? file_poll(k->f[i], pt) & (k->want[i] | POLLERR | POLLHUP) : 0;
		n += k->got[i] != 0;
	}
	return n;
}

static void
poller(void *arg)
{
	struct kpoll *k = arg;

	k->result = poll_run(kpoll_scan, k, k->timeout, NULL);
}

static bool
wait_sleeping(struct thread *t)
{
	for (int i = 0; i < 10000; i++) {     /* up to 10 s: only a failure waits that long */
		if (t->state == T_SLEEPING)
			return true;
		sched_sleep_ns(1000000, false);
	}
	return false;
}

KTEST(ipc_poll_pipe_readiness, "pipe ends report POLLIN, POLLOUT, POLLHUP and POLLERR")
{
	struct kpoll k = { .want = { POLLIN, POLLOUT } };
	struct file *rd, *wr;
	uint64_t pos = 0;

	KT_EQ(pipe_create(0, &rd, &wr), 0);
	k.f[0] = rd;
	k.f[1] = wr;
	KT_EQ(poll_run(kpoll_scan, &k, 0, NULL), 1);    /* only the writer is ready */
	KT_EQ(k.got[0], 0);
	KT_EQ(k.got[1], POLLOUT);
	KT_EQ(kernel_write(wr, "z", 1, &pos), 1);
	KT_EQ(poll_run(kpoll_scan, &k, 0, NULL), 2);
	KT_EQ(k.got[0], POLLIN);
	file_put(wr);
	k.f[1] = NULL;
	KT_EQ(poll_run(kpoll_scan, &k, 0, NULL), 1);
	KT_EQ(k.got[0], POLLIN | POLLHUP);
	KT_EQ(pipe_create(0, &rd, &wr), 0);
	file_put(k.f[0]);
	file_put(rd);
	k.f[0] = NULL;
	k.f[1] = wr;
	KT_EQ(poll_run(kpoll_scan, &k, 0, NULL), 1);
	KT_EQ(k.got[1], POLLOUT | POLLERR);
	file_put(wr);
	return 0;
}

KTEST(ipc_poll_wakeup, "a thread asleep in poll wakes when another thread writes")
{
	struct kpoll k = { .want = { POLLIN, POLLIN }, .timeout = -1 };
	struct file *r1, *w1, *r2, *w2;
	struct thread *t;
	uint64_t pos = 0;

	KT_EQ(pipe_create(0, &r1, &w1), 0);
	KT_EQ(pipe_create(0, &r2, &w2), 0);
	k.f[0] = r1;
	k.f[1] = r2;
	t = thread_create(poller, &k, "poller");
	KT_ASSERT(t && wait_sleeping(t));
	KT_EQ(kernel_write(w2, "!", 1, &pos), 1);       /* the second of the two */
	thread_join(t);
	KT_EQ(k.result, 1);
	KT_EQ(k.got[0], 0);
	KT_EQ(k.got[1], POLLIN);
	/* Again: the first one, woken by the writer closing. */
	k.f[1] = NULL;
	t = thread_create(poller, &k, "poller");
	KT_ASSERT(t && wait_sleeping(t));
	file_put(w1);
	thread_join(t);
	KT_EQ(k.result, 1);
	KT_EQ(k.got[0], POLLHUP);
	file_put(r1);
	file_put(r2);
	file_put(w2);
	return 0;
}

KTEST(ipc_poll_timeout_signal, "poll times out with 0, and a signal ends it with -ERESTARTNOHAND")
{
	struct kpoll k = { .want = { POLLIN }, .timeout = 20000000 };
	struct file *rd, *wr;
	struct thread *t;

	KT_EQ(pipe_create(0, &rd, &wr), 0);
	k.f[0] = rd;
	KT_EQ(poll_run(kpoll_scan, &k, k.timeout, NULL), 0);
	k.timeout = -1;
	t = thread_create(poller, &k, "poll-sig");
	KT_ASSERT(t && wait_sleeping(t));
	t->sig_pending = true;
	sched_wake_interruptible(t);
	thread_join(t);
	KT_EQ(k.result, -ERESTARTNOHAND);
	file_put(rd);
	file_put(wr);
	return 0;
}
