// SPDX-License-Identifier: MIT
/* ktests for pipes and FIFOs: capacity, atomic writes, EOF, EPIPE, blocking, FIFO opens. */
#include "core/ktest.h"
#include "fs/ktests/ktfs.h"
#include "ipc/pipe.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "sched/sched.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/stat.h"

static long
pwrite_k(struct file *f, const void *buf, size_t n)
{
	uint64_t pos = 0;

	return kernel_write(f, buf, n, &pos);
}

static long
pread_k(struct file *f, void *buf, size_t n)
{
	uint64_t pos = 0;

	return kernel_read(f, buf, n, &pos);
}

/* Wait (a bounded time) until t sleeps: it is blocked where the test wants it. */
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

KTEST(ipc_pipe_capacity_atomic, "a pipe holds 64 KiB; writes up to PIPE_BUF are all or nothing")
{
	char *buf = kmalloc(PIPE_SIZE);
	struct file *rd, *wr;
	long total = 0, n;

	KT_ASSERT(buf);
	memset(buf, 'a', PIPE_SIZE);
	KT_EQ(pipe_create(O_NONBLOCK, &rd, &wr), 0);
	while ((n = pwrite_k(wr, buf, 1000)) > 0)
		total += n;
	KT_EQ(n, -EAGAIN);
	KT_EQ(total, PIPE_SIZE - PIPE_SIZE % 1000);     /* 1000-byte writes are atomic */
	KT_EQ(pwrite_k(wr, buf, 536), 536);             /* exactly full */
	KT_EQ(pwrite_k(wr, buf, 1), -EAGAIN);
	KT_EQ(pread_k(rd, buf, 100), 100);
	KT_EQ(pwrite_k(wr, buf, 4096), -EAGAIN);        /* 100 free: not enough for 4096 */
	KT_EQ(pwrite_k(wr, buf, 100), 100);
	KT_EQ(pread_k(rd, buf, 4096), 4096);
	KT_EQ(pwrite_k(wr, buf, 5000), 4096);           /* bigger than PIPE_BUF: what fits */
	KT_EQ(pread_k(rd, buf, PIPE_SIZE), PIPE_SIZE);
	KT_EQ(pread_k(rd, buf, 1), -EAGAIN);
	KT_EQ(rd->inode, wr->inode);                    /* one inode, two ends */
	KT_ASSERT(S_ISFIFO(rd->inode->mode));
	KT_EQ(file_llseek(rd, 0, 0), -ESPIPE);
	file_put(rd);
	file_put(wr);
	kfree(buf);
	return 0;
}

static int sigpipes;

static void
count_sigpipe(void)
{
	sigpipes++;
}

KTEST(ipc_pipe_eof_epipe, "reads see EOF after the last writer; writes see EPIPE and SIGPIPE")
{
	void (*saved)(void) = fs_upcalls.sigpipe;
	struct file *rd, *wr;
	char buf[8];

	KT_EQ(pipe_create(0, &rd, &wr), 0);
	KT_EQ(pwrite_k(wr, "bye", 3), 3);
	file_put(wr);
	KT_EQ(pread_k(rd, buf, sizeof(buf)), 3);
	KT_EQ(pread_k(rd, buf, sizeof(buf)), 0);        /* end of file, no blocking */
	file_put(rd);
	KT_EQ(pipe_create(0, &rd, &wr), 0);
	file_put(rd);
	sigpipes = 0;
	fs_upcalls.sigpipe = count_sigpipe;
	KT_EQ(pwrite_k(wr, "x", 1), -EPIPE);
	KT_EQ(pwrite_k(wr, "", 0), 0);                  /* an empty write does nothing */
	fs_upcalls.sigpipe = saved;
	KT_EQ(sigpipes, 1);
	file_put(wr);
	return 0;
}

struct pipe_job {
	struct file *f;
	char *buf;
	size_t len;
	long result;
	char fill;
	int rounds;
};

static void
reader_job(void *arg)
{
	struct pipe_job *j = arg;

	j->result = pread_k(j->f, j->buf, j->len);
}

static void
writer_job(void *arg)
{
	struct pipe_job *j = arg;

	j->result = 0;
	for (int i = 0; i < j->rounds; i++) {
		memset(j->buf, j->fill, j->len);
		long n = pwrite_k(j->f, j->buf, j->len);
		if (n != (long)j->len) {
			j->result = n < 0 ? n : -1;
			return;
		}
	}
}

KTEST(ipc_pipe_blocking, "readers sleep until there are bytes, writers until there is room")
{
	struct pipe_job j = { 0 };
	struct file *rd, *wr;
	struct thread *t;
	char buf[16];
	char *big = kmalloc(PIPE_SIZE);

	KT_ASSERT(big);
	KT_EQ(pipe_create(0, &rd, &wr), 0);
	j = (struct pipe_job){ .f = rd, .buf = buf, .len = sizeof(buf) };
	t = thread_create(reader_job, &j, "pipe-reader");
	KT_ASSERT(t && wait_sleeping(t));
	KT_EQ(pwrite_k(wr, "wake", 4), 4);
	thread_join(t);
	KT_EQ(j.result, 4);
	/* Fill the pipe, then a writer blocks until we read. */
	KT_EQ(pwrite_k(wr, big, PIPE_SIZE), PIPE_SIZE);
	j = (struct pipe_job){ .f = wr, .buf = buf, .len = 10, .fill = 'w', .rounds = 1 };
	t = thread_create(writer_job, &j, "pipe-writer");
	KT_ASSERT(t && wait_sleeping(t));
	KT_EQ(pread_k(rd, big, 4096), 4096);
	thread_join(t);
	KT_EQ(j.result, 0);
	file_put(rd);
	file_put(wr);
	kfree(big);
	return 0;
}

KTEST(ipc_pipe_atomic_writers, "two writers' 4 KiB messages arrive whole, never interleaved")
{
	struct pipe_job a, b;
	struct file *rd, *wr;
	struct thread *ta, *tb;
	char *buf = kmalloc(3 * PIPE_BUF);
	long got = 0, total = 2 * 40 * PIPE_BUF;
	bool whole = true;

	KT_ASSERT(buf);
	KT_EQ(pipe_create(0, &rd, &wr), 0);
	a = (struct pipe_job){ .f = wr, .buf = kmalloc(PIPE_BUF), .len = PIPE_BUF, .fill = 'A',
			       .rounds = 40 };
	b = a;
	b.buf = kmalloc(PIPE_BUF);
	b.fill = 'B';
	KT_ASSERT(a.buf && b.buf);
	ta = thread_create(writer_job, &a, "writer-a");
	tb = thread_create(writer_job, &b, "writer-b");
	KT_ASSERT(ta && tb);
	/* Read in odd sizes; check each 4 KiB message of the stream is one letter. */
	while (got < total) {
		long n = pread_k(rd, buf + got % PIPE_BUF, PIPE_BUF - got % PIPE_BUF);
		KT_ASSERT(n > 0);
		got += n;
		if (got % PIPE_BUF == 0)
			for (int i = 1; i < PIPE_BUF; i++)
				whole &= buf[i] == buf[0];
	}
	thread_join(ta);
	thread_join(tb);
	KT_EQ(a.result, 0);
	KT_EQ(b.result, 0);
	KT_ASSERT(whole);
	file_put(rd);
	file_put(wr);
	kfree(a.buf);
	kfree(b.buf);
	kfree(buf);
	return 0;
}

KTEST(ipc_pipe_signal, "a signal ends a blocked read with -ERESTARTSYS")
{
	struct pipe_job j;
	struct file *rd, *wr;
	struct thread *t;
	char buf[4];

	KT_EQ(pipe_create(0, &rd, &wr), 0);
	j = (struct pipe_job){ .f = rd, .buf = buf, .len = sizeof(buf) };
	t = thread_create(reader_job, &j, "pipe-sig");
	KT_ASSERT(t && wait_sleeping(t));
	t->sig_pending = true;              /* what the signal code does */
	sched_wake_interruptible(t);
	thread_join(t);
	KT_EQ(j.result, -ERESTARTSYS);
	file_put(rd);
	file_put(wr);
	return 0;
}

struct open_job {
	const char *path;
	int flags;
	struct file *f;
};

static void
open_job(void *arg)
{
	struct open_job *j = arg;

	j->f = vfs_openat(AT_FDCWD, j->path, j->flags, 0);
}

KTEST(ipc_fifo_open, "FIFO opens wait for the other end; O_NONBLOCK writers need a reader")
{
	struct open_job j = { "/kt/fifo/p", O_RDONLY, NULL };
	struct kt_env e;
	struct file *r, *w;
	struct thread *t;
	char buf[8];

	KT_EQ(kt_enter(&e, "/kt/fifo"), 0);
	KT_EQ(vfs_mknodat(AT_FDCWD, "p", S_IFIFO | 0644, 0), 0);
	KT_ASSERT(PTR_ERR(vfs_openat(AT_FDCWD, "p", O_WRONLY | O_NONBLOCK, 0)) == -ENXIO);
	r = vfs_openat(AT_FDCWD, "p", O_RDONLY | O_NONBLOCK, 0);
	KT_ASSERT(!IS_ERR(r));
	w = vfs_openat(AT_FDCWD, "p", O_WRONLY | O_NONBLOCK, 0);
	KT_ASSERT(!IS_ERR(w));
	KT_EQ(pwrite_k(w, "fifo", 4), 4);
	KT_EQ(pread_k(r, buf, sizeof(buf)), 4);
	file_put(r);
	file_put(w);
	/* A blocking reader waits for a writer. */
	t = thread_create(open_job, &j, "fifo-open");
	KT_ASSERT(t && wait_sleeping(t));
	w = vfs_openat(AT_FDCWD, "p", O_WRONLY, 0);
	KT_ASSERT(!IS_ERR(w));
	thread_join(t);
	KT_ASSERT(!IS_ERR(j.f));
	KT_EQ(pwrite_k(w, "x", 1), 1);
	KT_EQ(pread_k(j.f, buf, 1), 1);
	file_put(w);
	KT_EQ(pread_k(j.f, buf, 1), 0);                 /* the writer left: EOF */
	file_put(j.f);
	KT_EQ(vfs_unlinkat(AT_FDCWD, "p", 0), 0);
	kt_leave(&e);
	return 0;
}
