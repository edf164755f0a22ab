// SPDX-License-Identifier: MIT
/*
 * The descriptor table: small integers -> open files.
 *
 * A process's table is an array of struct file pointers plus a bitmap of
 * close-on-exec flags.  Several descriptors (dup) and several processes
 * (fork) may point at one struct file, which counts them, so they share
 * one position and one set of status flags, as Unix requires.  Threads
 * made with CLONE_FILES share the table itself.
 *
 * New descriptors are always the lowest free number (POSIX); next_free
 * remembers that no slot below it is free, so the search is short.  The
 * table starts with 64 slots and doubles up to FILES_MAX.  open() first
 * reserves its number (FD_RESERVED) and fills it once the file is open,
 * so "too many files" is known before anything is created, and the
 * descriptor cannot be taken by another thread meanwhile.
 *
 * Locks: files->lock (a spinlock, a leaf) protects the arrays.  Closing
 * takes the file out under the lock and drops it after, since the last
 * file_put may sleep.  Every close also drops the process's record locks
 * on the file (close_file), since POSIX ties them to the process and file.
 */
#include "fs/internal.h"
#include "fs/vfs_ops.h"
#include "lib/bitmap.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "sched/sched.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"

#define FILES_INITIAL 64

struct files {
	int refcount;               /* [a] processes using the table */
	int threads;                /* [a] their live threads (fget_light's test) */
	struct spinlock lock;
	unsigned size;              /* [lock] slots in fd[] */
	struct file **fd;           /* [lock] */
	uint64_t *cloexec;          /* [lock] one bit per slot */
	unsigned next_free;         /* [lock] no free slot below this */
};

/* An empty table of size slots.  NULL: no memory. */
static struct files *
files_alloc(unsigned size)
{
	struct files *t = kzalloc(sizeof(*t));

	if (!t)
		return NULL;
	t->fd = kzalloc(size * sizeof(*t->fd));
	t->cloexec = kzalloc(BITMAP_WORDS(size) * sizeof(uint64_t));
	if (!t->fd || !t->cloexec) {
		kfree(t->fd);
		kfree(t->cloexec);
		kfree(t);
		return NULL;
	}
	t->refcount = 1;
	t->size = size;
	spin_init(&t->lock, "files");
	return t;
}

/* A new, empty table (for the first process). */
struct files *
files_new(void)
{
	return files_alloc(FILES_INITIAL);
}

/* fork's copy: the same open files, each with one more reference. */
struct files *
files_dup(struct files *old)
{
	struct files *t;
	unsigned size;

	for (;;) {
		size = READ_ONCE(old->size);
		t = files_alloc(size);
		if (!t)
			return NULL;
		spin_lock(&old->lock);
		if (old->size == size)
			break;
		spin_unlock(&old->lock);    /* it grew meanwhile: try again */
		files_put(t);
	}
	for (unsigned i = 0; i < size; i++) {
		struct file *f = old->fd[i];
		if (f && f != FD_RESERVED) {
			file_get(f);
			t->fd[i] = f;
		}
	}
	memcpy(t->cloexec, old->cloexec, BITMAP_WORDS(size) * sizeof(uint64_t));
	spin_unlock(&old->lock);
	return t;
}

/* Share the table (CLONE_FILES). */
void
files_get(struct files *t)
{
	__atomic_add_fetch(&t->refcount, 1, __ATOMIC_RELAXED);
}

/* A thread starts or stops using t (proc binds each thread to its process's table). */
void
files_thread_enter(struct files *t)
{
	__atomic_add_fetch(&t->threads, 1, __ATOMIC_RELAXED);
}

void
files_thread_leave(struct files *t)
{
	__atomic_sub_fetch(&t->threads, 1, __ATOMIC_RELEASE);
}

/*
 * A descriptor of t that named f is gone: POSIX says the process's record
 * locks on the file go with it, whichever descriptor took them.
 */
static void
close_file(struct files *t, struct file *f)
{
	reclock_close(f, t);
	file_put(f);
}

/* Drop a reference; the last one closes every file. */
void
files_put(struct files *t)
{
	if (!t || __atomic_sub_fetch(&t->refcount, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	for (unsigned i = 0; i < t->size; i++)
		if (t->fd[i] && t->fd[i] != FD_RESERVED)
			close_file(t, t->fd[i]);
	kfree(t->fd);
	kfree(t->cloexec);
	kfree(t);
}

/* The current thread's table (NULL for kernel threads). */
struct files *
files_current(void)
{
	return current()->files;
}

/* Make room for slot `need`.  => t->lock held (dropped while allocating); 0 or -ENOMEM. */
static int
files_grow_locked(struct files *t, unsigned need)
{
	while (t->size <= need) {
		unsigned nsize = MIN(MAX(t->size * 2, ALIGN_UP(need + 1, 64u)),
				     (unsigned)FILES_MAX);
		struct file **nfd;
		uint64_t *nbits;

		spin_unlock(&t->lock);
		nfd = kzalloc(nsize * sizeof(*nfd));
		nbits = kzalloc(BITMAP_WORDS(nsize) * sizeof(uint64_t));
		spin_lock(&t->lock);
		if (!nfd || !nbits || t->size >= nsize) {
			kfree(nfd);
			kfree(nbits);
			if (!nfd || !nbits)
				return -ENOMEM;
			continue;
		}
		memcpy(nfd, t->fd, t->size * sizeof(*nfd));
		memcpy(nbits, t->cloexec, BITMAP_WORDS(t->size) * sizeof(uint64_t));
		kfree(t->fd);
		kfree(t->cloexec);
		t->fd = nfd;
		t->cloexec = nbits;
		t->size = nsize;
	}
	return 0;
}

/* Set or clear fd's close-on-exec bit.  => t->lock held. */
static void
set_cloexec_locked(struct files *t, unsigned fd, bool on)
{
	if (on)
		bitmap_set(t->cloexec, fd);
	else
		bitmap_clear(t->cloexec, fd);
}

/* Descriptors the caller may use: its RLIMIT_NOFILE, at most FILES_MAX. */
unsigned
fd_limit(void)
{
	unsigned lim = fs_upcalls.nofile_limit ? fs_upcalls.nofile_limit() : FILES_MAX;

	return MIN(lim, (unsigned)FILES_MAX);
}

/* Reserve the lowest free slot >= min, growing the table up to FILES_MAX. */
int
fd_alloc(struct files *t, unsigned min, int flags)
{
	unsigned fd, limit = fd_limit();
	int r = 0;

	if (min >= limit)
		return min >= FILES_MAX ? -EINVAL : -EMFILE;
	spin_lock(&t->lock);
	for (fd = MAX(min, t->next_free); fd < limit; fd++) {
		if (fd >= t->size && (r = files_grow_locked(t, fd)) != 0)
			break;
		if (!t->fd[fd])
			break;
	}
	if (r == 0 && fd >= limit)
		r = -EMFILE;
	if (r == 0) {
		t->fd[fd] = FD_RESERVED;
		set_cloexec_locked(t, fd, flags & O_CLOEXEC);
		if (min <= t->next_free)
			t->next_free = fd + 1;
	}
	spin_unlock(&t->lock);
	return r ? r : (int)fd;
}

/* Put f into a slot reserved by fd_alloc. */
void
fd_fill(struct files *t, int fd, struct file *f)
{
	spin_lock(&t->lock);
	t->fd[fd] = f;
	spin_unlock(&t->lock);
}

/* A slot became free: the lowest-free hint may move down.  => t->lock held. */
static void
slot_freed_locked(struct files *t, unsigned fd)
{
	t->fd[fd] = NULL;
	bitmap_clear(t->cloexec, fd);
	if (fd < t->next_free)
		t->next_free = fd;
}

/* Give back a reserved slot whose open failed. */
void
fd_unreserve(struct files *t, int fd)
{
	spin_lock(&t->lock);
	slot_freed_locked(t, (unsigned)fd);
	spin_unlock(&t->lock);
}

/* Reserve the lowest slot and fill it. */
int
fd_install(struct files *t, struct file *f, int flags)
{
	int fd = fd_alloc(t, 0, flags);

	if (fd >= 0)
		fd_fill(t, fd, f);
	return fd;
}

/* => t->lock held, or t not shared (fget_light).  The file in slot fd; O_PATH files only when raw. */
static struct file *
slot_file(struct files *t, int fd, bool raw)
{
	struct file *f = (unsigned)fd < t->size ? t->fd[fd] : NULL;

	return f == FD_RESERVED || (f && !raw && (f->mode & FMODE_PATH)) ? NULL : f;
}

/* The file at fd, referenced; O_PATH files only when raw. */
static struct file *
files_lookup(struct files *t, int fd, bool raw)
{
	struct file *f;

	if (!t || fd < 0)
		return NULL;
	spin_lock(&t->lock);
	if ((f = slot_file(t, fd, raw)) != NULL)
		file_get(f);
	spin_unlock(&t->lock);
	return f;
}

/* The file at fd for I/O (O_PATH descriptors do not count). */
struct file *
fget(int fd)
{
	return files_lookup(files_current(), fd, false);
}

/*
 * The file at fd for the length of one system call of the caller.  When
 * no other thread uses the table (no other process shares it, and the
 * caller's process has no other live thread), only the caller could close
 * fd or replace the table's array, and it is busy in this call; so the
 * slot is read without the lock and without a reference (*ref false: do
 * not file_put).  Linux's fdget makes the same bet.  A shared table takes
 * the lock and a reference as fget does.  Others only ever read a table
 * that is not theirs (procfs) and take its lock to do so.
 */
struct file *
fget_light(int fd, bool *ref)
{
	struct files *t = files_current();

	*ref = t && (files_shared(t) || __atomic_load_n(&t->threads, __ATOMIC_ACQUIRE) > 1);
	if (*ref)
		return files_lookup(t, fd, false);
	return t && fd >= 0 ? slot_file(t, fd, false) : NULL;
}

/* The file at fd, O_PATH descriptors included. */
struct file *
fget_raw(int fd)
{
	return files_lookup(files_current(), fd, true);
}

struct file *
files_file(struct files *t, int fd)
{
	return files_lookup(t, fd, true);
}

/* close: take the file out of the slot, then drop it. */
int
fd_close(struct files *t, int fd)
{
	struct file *f = NULL;

	spin_lock(&t->lock);
	if (fd >= 0 && (unsigned)fd < t->size && t->fd[fd] != FD_RESERVED) {
		f = t->fd[fd];
		if (f)
			slot_freed_locked(t, (unsigned)fd);
	}
	spin_unlock(&t->lock);
	if (!f)
		return -EBADF;
	close_file(t, f);
	return 0;
}

/* dup2/dup3: replace newfd's file (closing it) with oldfd's, atomically. */
int
fd_dup_to(struct files *t, int oldfd, int newfd, int flags)
{
	struct file *f, *old = NULL;
	int r = 0;

	if (!t || newfd < 0 || (unsigned)newfd >= fd_limit())
		return -EBADF;
	spin_lock(&t->lock);
	if (oldfd < 0 || (unsigned)oldfd >= t->size || !t->fd[oldfd] ||
	    t->fd[oldfd] == FD_RESERVED)
		r = -EBADF;
	else if ((unsigned)newfd >= t->size)
		r = files_grow_locked(t, (unsigned)newfd);
	/* The table may have changed while it grew: look again. */
	if (r == 0 && (!(f = t->fd[oldfd]) || f == FD_RESERVED))
		r = -EBADF;
	if (r == 0 && t->fd[newfd] == FD_RESERVED)
		r = -EBUSY;
	if (r == 0) {
		old = t->fd[newfd];
		file_get(f);
		t->fd[newfd] = f;
		set_cloexec_locked(t, (unsigned)newfd, flags & O_CLOEXEC);
	}
	spin_unlock(&t->lock);
	if (old)
		close_file(t, old);
	return r ? r : newfd;
}

/* F_GETFD: the close-on-exec bit. */
int
fd_get_cloexec(struct files *t, int fd)
{
	int r = -EBADF;

	spin_lock(&t->lock);
	if (fd >= 0 && (unsigned)fd < t->size && t->fd[fd] && t->fd[fd] != FD_RESERVED)
		r = bitmap_test(t->cloexec, (unsigned)fd) ? 1 : 0;
	spin_unlock(&t->lock);
	return r;
}

/* F_SETFD, FIOCLEX, FIONCLEX. */
int
fd_set_cloexec(struct files *t, int fd, bool on)
{
	int r = -EBADF;

	spin_lock(&t->lock);
	if (fd >= 0 && (unsigned)fd < t->size && t->fd[fd] && t->fd[fd] != FD_RESERVED) {
		set_cloexec_locked(t, (unsigned)fd, on);
		r = 0;
	}
	spin_unlock(&t->lock);
	return r;
}

/* Take out one open descriptor in [*fd, last] (advancing *fd), or NULL when none is left. */
static struct file *
take_next(struct files *t, unsigned *fd, unsigned last, bool cloexec_only)
{
	struct file *f = NULL;

	spin_lock(&t->lock);
	for (; *fd <= last && *fd < t->size && !f; (*fd)++) {
		struct file *c = t->fd[*fd];
		if (!c || c == FD_RESERVED)
			continue;
		if (cloexec_only && !bitmap_test(t->cloexec, *fd))
			continue;
		f = c;
		slot_freed_locked(t, *fd);
	}
	spin_unlock(&t->lock);
	return f;
}

/* close_range: close (or mark close-on-exec) every open descriptor in a range. */
int
fd_close_range(struct files *t, unsigned first, unsigned last, unsigned flags)
{
	struct file *f;

	if (first > last)
		return -EINVAL;
	if (flags & CLOSE_RANGE_CLOEXEC) {
		spin_lock(&t->lock);
		for (unsigned fd = first; fd <= last && fd < t->size; fd++)
			if (t->fd[fd] && t->fd[fd] != FD_RESERVED)
				bitmap_set(t->cloexec, fd);
		spin_unlock(&t->lock);
		return 0;
	}
	while ((f = take_next(t, &first, last, false)) != NULL)
		close_file(t, f);
	return 0;
}

/* exec: close every descriptor marked close-on-exec. */
void
files_close_on_exec(struct files *t)
{
	unsigned fd = 0;
	struct file *f;

	while ((f = take_next(t, &fd, FILES_MAX, true)) != NULL)
		close_file(t, f);
}

/* select's limit: the slots the table has now. */
unsigned
files_max_fd(struct files *t)
{
	return READ_ONCE(t->size);
}

/* Is the table shared by several threads? */
bool
files_shared(struct files *t)
{
	return __atomic_load_n(&t->refcount, __ATOMIC_RELAXED) > 1;
}
