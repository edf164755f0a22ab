// SPDX-License-Identifier: MIT
/*
 * Pipes: a bounded buffer between processes, the producer-consumer
 * problem solved with one mutex and two wait queues.
 *
 * The buffer is a ring of 16 pages (64 KiB), allocated as they are first
 * written.  Readers sleep on rd_wait while it is empty, writers on wr_wait
 * while it is full; each side wakes the other after moving bytes, and
 * closing an end wakes everyone.  Rules, as Linux and POSIX have them:
 *
 *   - a read returns what is there (at least one byte), blocking only
 *     while the pipe is empty and a writer exists; with no writer left it
 *     returns 0 (end of file);
 *   - a write of at most PIPE_BUF (4096) bytes goes in whole or waits: two
 *     writers' small messages never interleave; a bigger write goes in
 *     pieces as room appears;
 *   - writing with no reader left raises SIGPIPE and fails with EPIPE;
 *   - O_NONBLOCK turns each wait into EAGAIN; a signal during a wait
 *     returns the bytes moved so far, or -ERESTARTSYS if none.
 *
 * FIFOs are the same pipe reached through a name: the first open makes
 * it and hangs it on the inode, the last close frees it.  Opening for
 * reading waits for a writer and vice versa (unless O_NONBLOCK, or
 * O_RDWR, which is both ends at once).  The counters r_counter and
 * w_counter count opens ever made, so a waiting open sees a partner
 * arrive even if it has already left again.
 *
 * Locks: pipe->lock (a mutex, so copies to and from user memory may fault
 * while it is held); for FIFOs the inode's lock is taken first, to find or
 * drop inode->pipe.  Reads and writes wake the other side after dropping
 * the lock where they can: a woken thread that runs at once (on this CPU,
 * preempting us) would otherwise find the lock still held, sleep on it and
 * need a second wake-up.  No wake-up is lost: a sleeper is on its wait
 * queue before it lets go of the lock.
 */
#include "ipc/pipe.h"
#include "ipc/poll.h"
#include "fs/fs.h"
#include "fs/uio.h"
#include "fs/vfs_ops.h"
#include "arch/arch.h"
#include "mm/pmm.h"
#include "mm/slab.h"
#include "mm/usercopy.h"
#include "sync/mutex.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/ioctls.h"
#include "uapi/poll.h"
#include "uapi/stat.h"

struct pipe {
	struct mutex lock;
	struct waitq rd_wait;          /* readers waiting for bytes (and FIFO opens for a writer) */
	struct waitq wr_wait;          /* writers waiting for room (and FIFO opens for a reader) */
	void *page[PIPE_PAGES];        /* [lock] the ring, allocated on first use */
	size_t head;                   /* [lock] ring offset of the first byte */
	size_t len;                    /* [lock] bytes queued */
	unsigned readers, writers;     /* [lock] open ends */
	unsigned r_counter, w_counter; /* [lock] opens ever made, for FIFO waits */
};

static const struct file_ops pipe_ops;

/* A new empty pipe with no ends.  NULL: no memory. */
static struct pipe *
pipe_alloc(void)
{
	struct pipe *p = kzalloc(sizeof(*p));

	if (!p)
		return NULL;
	mutex_init(&p->lock, "pipe");
	waitq_init(&p->rd_wait);
	waitq_init(&p->wr_wait);
	return p;
}

/* Free a pipe and its pages (no ends left). */
static void
pipe_free(struct pipe *p)
{
	for (unsigned i = 0; i < PIPE_PAGES; i++)
		if (p->page[i])
			pmm_free(virt_to_phys(p->page[i]), 0);
	kfree(p);
}

/* The release function of pipe_wait's sleep. */
static void
unlock_pipe(void *p)
{
	mutex_unlock(&((struct pipe *)p)->lock);
}

/* Sleep on wq with the pipe unlocked.  => the pipe locked again; 0 or -EINTR. */
static int
pipe_wait(struct pipe *p, struct waitq *wq)
{
	int r = waitq_sleep_release(wq, unlock_pipe, p, 0, true);

	mutex_lock(&p->lock);
	return r;
}

/* Bytes from the ring to the reader.  => bytes copied or -EFAULT. */
static long
copy_out(struct pipe *p, struct uio *u)
{
	long done = 0;

	while (p->len && uio_resid(u)) {
		size_t off = p->head % PAGE_SIZE;
		size_t n = MIN(MIN(PAGE_SIZE - off, p->len), uio_resid(u));
		long r = uio_copy_out(u, (char *)p->page[p->head / PAGE_SIZE] + off, n);
		if (r <= 0)
			return done ? done : r;
		p->head = (p->head + (size_t)r) % PIPE_SIZE;
		p->len -= (size_t)r;
		done += r;
	}
	return done;
}

/* Bytes from the writer into the ring, at most room.  => bytes copied or -errno. */
static long
copy_in(struct pipe *p, struct uio *u, size_t room)
{
	long done = 0;

	while (room && uio_resid(u)) {
		size_t at = (p->head + p->len) % PIPE_SIZE, off = at % PAGE_SIZE;
		size_t n = MIN(MIN(PAGE_SIZE - off, room), uio_resid(u));
		void **page = &p->page[at / PAGE_SIZE];
		long r;

		if (!*page) {
			paddr_t pa = pmm_alloc(0);
			if (!pa)
				return done ? done : -ENOMEM;
			*page = phys_to_virt(pa);
		}
		r = uio_copy_in(u, (char *)*page + off, n);
		if (r <= 0)
			return done ? done : r;
		p->len += (size_t)r;
		room -= (size_t)r;
		done += r;
	}
	return done;
}

/* read on a pipe or FIFO (see the rules above). */
static long
pipe_read(struct file *f, struct uio *u, uint64_t *pos)
{
	struct pipe *p = f->priv;
	long r = 0;
	bool room_made = false;

	if (!uio_resid(u))
		return 0;
	mutex_lock(&p->lock);
	for (;;) {
		if (p->len) {
			r = copy_out(p, u);
			room_made = true;
			break;
		}
		if (!p->writers)
			break;                          /* end of file */
		if (file_flags(f) & O_NONBLOCK) {
			r = -EAGAIN;
			break;
		}
		if (pipe_wait(p, &p->rd_wait)) {
			r = -ERESTARTSYS;
			break;
		}
	}
	mutex_unlock(&p->lock);
	if (room_made)
		waitq_wake_all(&p->wr_wait);
	return r;
}

/* Can this write go ahead?  Small writes need room for all of it at once. */
static size_t
write_room(struct pipe *p, size_t want, bool atomic)
{
	size_t room = PIPE_SIZE - p->len;

	return (atomic && room < want) ? 0 : room;
}

/* write on a pipe or FIFO (see the rules above). */
static long
pipe_write(struct file *f, struct uio *u, uint64_t *pos)
{
	struct pipe *p = f->priv;
	bool atomic = uio_resid(u) <= PIPE_BUF, unannounced = false;
	long done = 0, r = 0;

	if (!uio_resid(u))
		return 0;
	mutex_lock(&p->lock);
	while (uio_resid(u)) {
		size_t room;

		if (!p->readers) {
			if (fs_upcalls.sigpipe)
				fs_upcalls.sigpipe();
			r = -EPIPE;
			break;
		}
		room = write_room(p, uio_resid(u), atomic);
		if (room) {
			size_t want = MIN(room, uio_resid(u));
			r = copy_in(p, u, room);
			if (r > 0) {
				done += r;
				unannounced = true;
			}
			if (r < 0 || (size_t)r < want)
				break;          /* a fault in the source buffer, or no memory */
			continue;
		}
		if (file_flags(f) & O_NONBLOCK) {
			r = -EAGAIN;
			break;
		}
		if (unannounced) {
			/* Full: the readers must hear of what is there before we sleep. */
			waitq_wake_all(&p->rd_wait);
			unannounced = false;
		}
		if (pipe_wait(p, &p->wr_wait)) {
			r = -ERESTARTSYS;
			break;
		}
	}
	mutex_unlock(&p->lock);
	if (unannounced)
		waitq_wake_all(&p->rd_wait);
	return done ? done : r;
}

/* Readiness of one end. */
static unsigned
pipe_poll(struct file *f, struct poll_table *pt)
{
	struct pipe *p = f->priv;
	unsigned mask = 0;

	if (f->mode & FMODE_READ)
		poll_wait(f, &p->rd_wait, pt);
	if (f->mode & FMODE_WRITE)
		poll_wait(f, &p->wr_wait, pt);
	mutex_lock(&p->lock);
	if (f->mode & FMODE_READ) {
		if (p->len)
			mask |= POLLIN | POLLRDNORM;
		/* Hang-up only once a writer has come and gone (f->pos: writers seen at open). */
		if (!p->writers && f->pos != p->w_counter)
			mask |= POLLHUP;
	}
	if (f->mode & FMODE_WRITE) {
		if (PIPE_SIZE - p->len >= PIPE_BUF)
			mask |= POLLOUT | POLLWRNORM;
		if (!p->readers)
			mask |= POLLERR;
	}
	mutex_unlock(&p->lock);
	return mask;
}

/* FIONREAD: the bytes queued. */
static long
pipe_ioctl(struct file *f, unsigned cmd, unsigned long arg)
{
	struct pipe *p = f->priv;
	int n;

	if (cmd != FIONREAD)
		return -ENOTTY;
	mutex_lock(&p->lock);
	n = (int)p->len;
	mutex_unlock(&p->lock);
	return put_user(n, (int *)arg);
}

/* One end closes: the other side may now see EOF or EPIPE. */
static void
pipe_release(struct inode *ino, struct file *f)
{
	struct pipe *p = f->priv;
	bool fifo = ino->pipe == p, unused;

	if (fifo)
		mutex_lock(&ino->lock);
	mutex_lock(&p->lock);
	if (f->mode & FMODE_READ)
		p->readers--;
	if (f->mode & FMODE_WRITE)
		p->writers--;
	unused = !p->readers && !p->writers;
	waitq_wake_all(&p->rd_wait);
	waitq_wake_all(&p->wr_wait);
	mutex_unlock(&p->lock);
	if (unused && fifo)
		ino->pipe = NULL;
	if (fifo)
		mutex_unlock(&ino->lock);
	if (unused)
		pipe_free(p);
}

/* A FIFO open waits for the other side: until *counter moves past seen. */
static int
fifo_wait_partner(struct pipe *p, struct waitq *wq, unsigned *counter)
{
	unsigned seen = *counter;

	while (*counter == seen)
		if (pipe_wait(p, wq))
			return -ERESTARTSYS;
	return 0;
}

/* Join this open to the pipe as a reader and/or writer and wake the other side. */
static int
fifo_join(struct pipe *p, struct file *f)
{
	bool nonblock = file_flags(f) & O_NONBLOCK;

	switch (f->flags & O_ACCMODE) {
	case O_RDONLY:
		p->readers++;
		p->r_counter++;
		waitq_wake_all(&p->wr_wait);
		f->pos = p->w_counter;
		if (!p->writers && !nonblock && fifo_wait_partner(p, &p->rd_wait, &p->w_counter)) {
			p->readers--;
			return -ERESTARTSYS;
		}
		return 0;
	case O_WRONLY:
		if (!p->readers && nonblock)
			return -ENXIO;
		p->writers++;
		p->w_counter++;
		waitq_wake_all(&p->rd_wait);
		if (!p->readers && fifo_wait_partner(p, &p->wr_wait, &p->r_counter)) {
			p->writers--;
			waitq_wake_all(&p->rd_wait);
			return -ERESTARTSYS;
		}
		return 0;
	case O_RDWR:
		p->readers++;
		p->writers++;
		p->r_counter++;
		p->w_counter++;
		f->pos = p->w_counter;
		waitq_wake_all(&p->rd_wait);
		waitq_wake_all(&p->wr_wait);
		return 0;
	default:
		return -EINVAL;
	}
}

/* Open a FIFO: find or make its pipe, then join it as reader and/or writer. */
static int
fifo_open(struct inode *ino, struct file *f)
{
	struct pipe *p;
	bool unused;
	int r;

	mutex_lock(&ino->lock);
	p = ino->pipe;
	if (!p && !(p = ino->pipe = pipe_alloc())) {
		mutex_unlock(&ino->lock);
		return -ENOMEM;
	}
	mutex_lock(&p->lock);
	mutex_unlock(&ino->lock);       /* other opens must get in while we wait */
	f->priv = p;
	r = fifo_join(p, f);
	unused = !p->readers && !p->writers;
	mutex_unlock(&p->lock);
	if (r && unused) {
		mutex_lock(&ino->lock);
		mutex_lock(&p->lock);
		/* Still unused, and still ours to free? */
		unused = !p->readers && !p->writers && ino->pipe == p;
		if (unused)
			ino->pipe = NULL;
		mutex_unlock(&p->lock);
		mutex_unlock(&ino->lock);
		if (unused)
			pipe_free(p);
	}
	return r;
}

static const struct file_ops pipe_ops = {
	.read = pipe_read,
	.write = pipe_write,
	.poll = pipe_poll,
	.ioctl = pipe_ioctl,
	.release = pipe_release,
};

static const struct file_ops fifo_ops = {
	.open = fifo_open,
	.read = pipe_read,
	.write = pipe_write,
	.poll = pipe_poll,
	.ioctl = pipe_ioctl,
	.release = pipe_release,
};

/* Bring-up: FIFOs open through the pipe code. */
void
pipe_init(void)
{
	fifo_file_ops = &fifo_ops;
}

/* pipe(2)'s core: one pipe, two files. */
int
pipe_create(int flags, struct file **rd, struct file **wr)
{
	struct pipe *p = pipe_alloc();

	if (!p)
		return -ENFILE;
	p->readers = p->writers = 1;
	p->r_counter = p->w_counter = 1;
	*rd = file_new_anon("pipe", S_IFIFO | 0600, &pipe_ops, p, O_RDONLY | (flags & O_NONBLOCK));
	if (IS_ERR(*rd)) {
		pipe_free(p);
		return (int)PTR_ERR(*rd);
	}
	*wr = file_clone_anon(*rd, &pipe_ops, p, O_WRONLY | (flags & O_NONBLOCK));
	if (IS_ERR(*wr)) {
		p->writers = 0;
		file_put(*rd);          /* frees the pipe */
		return (int)PTR_ERR(*wr);
	}
	return 0;
}

/* pipe2(2): both descriptors or neither. */
long
sys_pipe2(int *ufds, int flags)
{
	struct files *t = files_current();
	struct file *rd, *wr;
	int fds[2], r;

	if (flags & ~(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	r = pipe_create(flags, &rd, &wr);
	if (r)
		return r;
	fds[0] = t ? fd_alloc(t, 0, flags & O_CLOEXEC) : -EMFILE;
	fds[1] = fds[0] >= 0 ? fd_alloc(t, 0, flags & O_CLOEXEC) : -EMFILE;
	r = fds[0] < 0 ? fds[0] : fds[1] < 0 ? fds[1] : 0;
	if (r == 0 && copy_to_user(ufds, fds, sizeof(fds)))
		r = -EFAULT;
	if (r) {
		for (int i = 0; i < 2; i++)
			if (fds[i] >= 0)
				fd_unreserve(t, fds[i]);
		file_put(rd);
		file_put(wr);
		return r;
	}
	fd_fill(t, fds[0], rd);
	fd_fill(t, fds[1], wr);
	return 0;
}

/* pipe(2). */
long
sys_pipe(int *fds)
{
	return sys_pipe2(fds, 0);
}
