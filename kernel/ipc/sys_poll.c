// SPDX-License-Identifier: MIT
/*
 * poll, ppoll, select and pselect6: two interfaces over one engine
 * (poll.c).  poll takes an array of (fd, events); select takes three
 * bitmaps (read, write, exceptional) of descriptors below n.  Both become
 * a scan function that polls each file and counts the ready ones.
 *
 * Timeouts: poll's is in milliseconds (negative: none); select's and the
 * p-variants' are a struct timeval / timespec, which Linux updates with
 * the time left, and so does Keel.  The p-variants also take a signal mask
 * to use while waiting; the process layer provides that through
 * fs_upcalls.temp_sigmask (without it the mask is ignored).
 */
#include "ipc/poll.h"
#include "fs/fs.h"
#include "fs/vfs_ops.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "mm/usercopy.h"
#include "uapi/errno.h"
#include "uapi/poll.h"
#include "uapi/time.h"

long sys_poll(struct pollfd *ufds, unsigned nfds, int timeout_ms);
long sys_ppoll(struct pollfd *ufds, unsigned nfds, const struct timespec *utmo,
	       const uint64_t *usigmask, size_t sigsetsize);
long sys_select(int n, fd_set *uin, fd_set *uout, fd_set *uex, struct timeval *utv);
long sys_pselect6(int n, fd_set *uin, fd_set *uout, fd_set *uex, struct timespec *uts,
		  const void *usig);

#define POLLIN_SET  (POLLIN | POLLRDNORM | POLLRDBAND | POLLHUP | POLLERR)
#define POLLOUT_SET (POLLOUT | POLLWRNORM | POLLWRBAND | POLLERR)
#define POLLEX_SET  POLLPRI

struct poll_set {
	struct pollfd *fds;
	unsigned n;
};

/* poll's scan: each pollfd's revents; a bad descriptor is POLLNVAL. */
static int
poll_scan(void *arg, struct poll_table *pt)
{
	struct poll_set *s = arg;
	int count = 0;

	for (unsigned i = 0; i < s->n; i++) {
		struct pollfd *p = &s->fds[i];
		struct file *f;

		p->revents = 0;
		if (p->fd < 0)
			continue;
		f = fget(p->fd);
		if (!f) {
			p->revents = POLLNVAL;
		} else {
			/* Errors and hang-ups are reported whether asked for or not. */
			p->revents = (short)(file_poll(f, count ? NULL : pt) &
					     ((unsigned)(uint16_t)p->events | POLLERR | POLLHUP));
			file_put(f);
		}
		if (p->revents)
			count++;
	}
	return count;
}

/* The core of poll and ppoll on a kernel copy of the array. */
static long
do_poll(struct pollfd *ufds, unsigned nfds, int64_t timeout_ns, int64_t *left)
{
	struct poll_set s = { NULL, nfds };
	size_t bytes = (size_t)nfds * sizeof(struct pollfd);
	long r;

	if (nfds > FILES_MAX)
		return -EINVAL;
	s.fds = kmalloc(bytes ? bytes : 1);
	if (!s.fds)
		return -ENOMEM;
	r = copy_from_user(s.fds, ufds, bytes);
	if (r == 0)
		r = poll_run(poll_scan, &s, timeout_ns, left);
	/* revents go back even on a timeout (they are all zero then). */
	if (r >= 0 && copy_to_user(ufds, s.fds, bytes))
		r = -EFAULT;
	kfree(s.fds);
	return r;
}

/* poll(2): the timeout in milliseconds, negative for none. */
long
sys_poll(struct pollfd *ufds, unsigned nfds, int timeout_ms)
{
	int64_t ns = timeout_ms < 0 ? -1 : (int64_t)timeout_ms * 1000000;

	return do_poll(ufds, nfds, ns, NULL);
}

/* A user timespec as nanoseconds (NULL: -1, no limit).  => 0 or -errno. */
static int
get_timeout(const struct timespec *uts, int64_t *ns)
{
	struct timespec ts;

	*ns = -1;
	if (!uts)
		return 0;
	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_SEC)
		return -EINVAL;
	*ns = ts.tv_sec > INT64_MAX / NSEC_PER_SEC - 1 ? INT64_MAX :
	      ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
	return 0;
}

/* Write the time left back to a user timespec. */
static int
put_timeleft(struct timespec *uts, int64_t left)
{
	struct timespec ts = { left / NSEC_PER_SEC, left % NSEC_PER_SEC };

	return copy_to_user(uts, &ts, sizeof(ts));
}

/* The temporary signal mask of ppoll and pselect6. */
static int
apply_sigmask(const uint64_t *umask, size_t size)
{
	uint64_t mask;

	if (!umask)
		return 0;
	if (size != sizeof(mask))
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return -EFAULT;
	if (fs_upcalls.temp_sigmask)
		fs_upcalls.temp_sigmask(mask);
	return 0;
}

/* ppoll(2). */
long
sys_ppoll(struct pollfd *ufds, unsigned nfds, const struct timespec *utmo,
	  const uint64_t *usigmask, size_t sigsetsize)
{
	int64_t ns, left = 0;
	long r = get_timeout(utmo, &ns);

	if (r == 0)
		r = apply_sigmask(usigmask, sigsetsize);
	if (r)
		return r;
	r = do_poll(ufds, nfds, ns, &left);
	/* The time left is a courtesy: a read-only timespec does not fail the call. */
	if (ns > 0 && put_timeleft((struct timespec *)utmo, left) == 0 && r == -ERESTARTNOHAND)
		r = -EINTR;
	return r;
}

#define FDS_WORDS (FD_SETSIZE / 64)

struct select_set {
	unsigned n;
	uint64_t in[FDS_WORDS], out[FDS_WORDS], ex[FDS_WORDS];       /* asked */
	uint64_t rin[FDS_WORDS], rout[FDS_WORDS], rex[FDS_WORDS];    /* answers */
};

/* Is descriptor i in the set? */
static bool
bit(const uint64_t *set, unsigned i)
{
	return set[i / 64] >> (i % 64) & 1;
}

/* Poll one descriptor of the set.  => ready bits counted, or -EBADF. */
static int
select_one(struct select_set *s, unsigned fd, struct poll_table *pt, bool collect)
{
	struct file *f = fget((int)fd);
	unsigned mask;
	int count = 0;

	if (!f)
		return -EBADF;
	mask = file_poll(f, collect ? pt : NULL);
	file_put(f);
	if (bit(s->in, fd) && (mask & POLLIN_SET) && ++count)
		s->rin[fd / 64] |= 1ull << (fd % 64);
	if (bit(s->out, fd) && (mask & POLLOUT_SET) && ++count)
		s->rout[fd / 64] |= 1ull << (fd % 64);
	if (bit(s->ex, fd) && (mask & POLLEX_SET) && ++count)
		s->rex[fd / 64] |= 1ull << (fd % 64);
	return count;
}

/* select's scan: fills the answer sets; a bad descriptor fails the call. */
static int
select_scan(void *arg, struct poll_table *pt)
{
	struct select_set *s = arg;
	int count = 0;

	memset(s->rin, 0, sizeof(s->rin));
	memset(s->rout, 0, sizeof(s->rout));
	memset(s->rex, 0, sizeof(s->rex));
	for (unsigned fd = 0; fd < s->n; fd++) {
		int c;
		if (!bit(s->in, fd) && !bit(s->out, fd) && !bit(s->ex, fd))
			continue;
		c = select_one(s, fd, pt, count == 0);
		if (c < 0)
			return c;
		count += c;
	}
	return count;
}

/* Copy one set in (a NULL set asks for nothing). */
static int
get_set(uint64_t *k, const fd_set *u, unsigned n)
{
	memset(k, 0, FDS_WORDS * 8);
	return u ? copy_from_user(k, u, DIV_ROUND_UP(n, 64) * 8) : 0;
}

/* Copy an answer set back (NULL sets stay NULL). */
static int
put_set(fd_set *u, const uint64_t *k, unsigned n)
{
	return u ? copy_to_user(u, k, DIV_ROUND_UP(n, 64) * 8) : 0;
}

/* select and pselect6's core. */
static long
do_select(int n, fd_set *uin, fd_set *uout, fd_set *uex, int64_t ns, int64_t *left)
{
	struct select_set *s;
	struct files *t = files_current();
	long r;

	if (n < 0)
		return -EINVAL;
	s = kzalloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->n = MIN((unsigned)n, t ? files_max_fd(t) : 0u);
	r = get_set(s->in, uin, s->n);
	if (r == 0)
		r = get_set(s->out, uout, s->n);
	if (r == 0)
		r = get_set(s->ex, uex, s->n);
	if (r == 0)
		r = poll_run(select_scan, s, ns, left);
	if (r >= 0 && (put_set(uin, s->rin, s->n) || put_set(uout, s->rout, s->n) ||
		       put_set(uex, s->rex, s->n)))
		r = -EFAULT;
	kfree(s);
	return r;
}

/* select(2): the timeval is updated with the time left. */
long
sys_select(int n, fd_set *uin, fd_set *uout, fd_set *uex, struct timeval *utv)
{
	struct timeval tv;
	int64_t ns = -1, left = 0;
	long r;

	if (utv) {
		if (copy_from_user(&tv, utv, sizeof(tv)))
			return -EFAULT;
		if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= USEC_PER_SEC)
			return -EINVAL;
		ns = tv.tv_sec > INT64_MAX / NSEC_PER_SEC - 1 ? INT64_MAX :
		     tv.tv_sec * NSEC_PER_SEC + tv.tv_usec * NSEC_PER_USEC;
	}
	r = do_select(n, uin, uout, uex, ns, &left);
	if (utv && ns > 0) {
		tv = (struct timeval){ left / NSEC_PER_SEC, (left % NSEC_PER_SEC) / NSEC_PER_USEC };
		if (copy_to_user(utv, &tv, sizeof(tv)) == 0 && r == -ERESTARTNOHAND)
			r = -EINTR;
	}
	return r;
}

/* pselect6(2): the sixth argument points at (sigmask, its size). */
long
sys_pselect6(int n, fd_set *uin, fd_set *uout, fd_set *uex, struct timespec *uts,
	     const void *usig)
{
	struct { const uint64_t *mask; size_t size; } sig = { NULL, 0 };
	int64_t ns, left = 0;
	long r = get_timeout(uts, &ns);

	if (r == 0 && usig && copy_from_user(&sig, usig, sizeof(sig)))
		r = -EFAULT;
	if (r == 0)
		r = apply_sigmask(sig.mask, sig.size);
	if (r)
		return r;
	r = do_select(n, uin, uout, uex, ns, &left);
	if (ns > 0 && put_timeleft(uts, left) == 0 && r == -ERESTARTNOHAND)
		r = -EINTR;
	return r;
}
