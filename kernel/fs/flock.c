// SPDX-License-Identifier: MIT
/*
 * flock(2): advisory whole-file locks, BSD style.
 *
 * A lock belongs to an open file description (so it is shared by dup and
 * fork, and goes away with the last close of that description), and is
 * shared (LOCK_SH: any number of holders) or exclusive (LOCK_EX: one
 * holder, no shared ones).  Nothing stops a program that does not ask:
 * the locks are advisory.
 *
 * The table is one list for the whole machine under one spinlock, with
 * one wait queue: any unlock wakes every waiter, which looks again.  Few
 * files are ever flocked at once, so this is enough, and it keeps the
 * idea in plain view.  Changing a lock's kind first drops the old one, as
 * on Linux, so a conversion may wait like a new request.
 */
#include "fs/internal.h"
#include "fs/syscalls.h"
#include "fs/vfs_ops.h"
#include "mm/slab.h"
#include "sync/waitqueue.h"
#include "uapi/errno.h"

#define LOCK_SH 1
#define LOCK_EX 2
#define LOCK_NB 4
#define LOCK_UN 8

struct flock_entry {
	struct list_node node;          /* [flock_lock] in flocks */
	struct inode *inode;
	struct file *file;              /* the open file description holding it */
	int type;                       /* LOCK_SH or LOCK_EX */
};

/* Protects flocks; a leaf. */
static struct spinlock flock_lock = SPINLOCK_INIT("flock");
static struct list_node flocks = LIST_INIT(flocks);
static struct waitq flock_wait = WAITQ_INIT(flock_wait);

/* f's entry, or NULL.  => flock_lock held. */
static struct flock_entry *
find_locked(struct file *f)
{
	for (struct list_node *n = flocks.next; n != &flocks; n = n->next) {
		struct flock_entry *e = list_entry(n, struct flock_entry, node);
		if (e->file == f)
			return e;
	}
	return NULL;
}

/* Does another description hold a lock on f's inode that type cannot share?  => flock_lock held. */
static bool
conflict_locked(struct file *f, int type)
{
	for (struct list_node *n = flocks.next; n != &flocks; n = n->next) {
		struct flock_entry *e = list_entry(n, struct flock_entry, node);
		if (e->inode == f->inode && e->file != f &&
		    (type == LOCK_EX || e->type == LOCK_EX))
			return true;
	}
	return false;
}

/* Drop f's lock, if it holds one, and wake the waiters.  => flock_lock held. */
static struct flock_entry *
unlock_locked(struct file *f)
{
	struct flock_entry *e = find_locked(f);

	if (e) {
		list_remove(&e->node);
		waitq_wake_all(&flock_wait);
	}
	return e;
}

/* Take a lock of type for f, waiting unless nonblock.  => 0, -EWOULDBLOCK, -ERESTARTSYS. */
static int
flock_lock_file(struct file *f, int type, bool nonblock)
{
	struct flock_entry *e = kzalloc(sizeof(*e)), *old;
	int r = 0;

	if (!e)
		return -ENOMEM;
	spin_lock(&flock_lock);
	old = find_locked(f);
	if (old && old->type == type) {
		spin_unlock(&flock_lock);
		kfree(e);
		return 0;
	}
	old = unlock_locked(f);
	if (nonblock && conflict_locked(f, type))
		r = -EWOULDBLOCK;
	else if (waitq_wait_event(&flock_wait, &flock_lock, !conflict_locked(f, type), true))
		r = -ERESTARTSYS;
	if (r == 0) {
		*e = (struct flock_entry){ .inode = f->inode, .file = f, .type = type };
		list_push_back(&flocks, &e->node);
		spin_lock(&f->lock);
		f->flocked = true;
		spin_unlock(&f->lock);
	}
	spin_unlock(&flock_lock);
	kfree(old);
	if (r)
		kfree(e);
	return r;
}

/* The last close of a description that took a lock: the lock goes with it. */
void
flock_release(struct file *f)
{
	struct flock_entry *e;

	spin_lock(&flock_lock);
	e = unlock_locked(f);
	spin_unlock(&flock_lock);
	kfree(e);
}

/* flock(2). */
long
sys_flock(int fd, int op)
{
	int kind = op & ~LOCK_NB;
	struct file *f;
	long r;

	if (kind != LOCK_SH && kind != LOCK_EX && kind != LOCK_UN)
		return -EINVAL;
	f = fget(fd);
	if (!f)
		return -EBADF;
	if (kind == LOCK_UN) {
		flock_release(f);
		r = 0;
	} else {
		r = flock_lock_file(f, kind, op & LOCK_NB);
	}
	file_put(f);
	return r;
}
