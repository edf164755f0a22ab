// SPDX-License-Identifier: MIT
/*
 * POSIX record locks: fcntl F_GETLK, F_SETLK, F_SETLKW, and the
 * open-file-description flavour F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW.
 *
 * What a lock is.  A record lock covers a byte range [start, end] of one
 * file (end may be "to the end of the file, however long it grows") and is
 * a read lock (shared: any number may overlap) or a write lock (exclusive).
 * Like flock(2) the locks are advisory: read and write never look at them.
 * Two locks conflict when they overlap, have different owners, and one of
 * them is a write lock.  Locks of one owner never conflict; a new request
 * simply replaces whatever that owner held on the range, so an owner's
 * locks on a file are a set of disjoint ranges, each read or write:
 *
 *	held:      RRRRRRRRRRRRRRRR           [0, 15] read
 *	set W 4-7: RRRRWWWWRRRRRRRR           split into three
 *	unlock 6-11: RRRRWW......RRRR         trimmed, one piece gone
 *	set R 4-11: RRRRRRRRRRRRRRRR          merged back into one
 *
 * apply_locked does this in one pass: same-type locks that overlap or
 * touch the request are absorbed into it (merging), other locks lose the
 * requested bytes (trimming, or splitting when the request is strictly
 * inside), then the request is inserted.
 *
 * Who owns a lock.  The two flavours differ only here:
 *   - a classic POSIX lock belongs to the process (its descriptor table),
 *     and POSIX says it goes away when that process closes ANY descriptor
 *     of the file, even one that never locked; fork does not pass it on.
 *     The close paths in fdtable.c call reclock_close for this.
 *   - an OFD lock belongs to the open file description (struct file), so
 *     dup and fork share it and it goes with the description's last close
 *     (file_put calls reclock_release_file).
 * The owner is a pointer to a struct files or a struct file; the two are
 * different objects, so they never compare equal, and a process's POSIX
 * lock and its own OFD lock do conflict, as on Linux.  F_GETLK reports the
 * holder's process ID for a POSIX lock and -1 for an OFD lock.
 *
 * Waiting and deadlock.  F_SETLKW sleeps until no lock conflicts; any change
 * wakes every waiter (one wait queue), and each looks again.  A signal
 * ends the wait (-ERESTARTSYS: EINTR, or a restart under SA_RESTART).
 * Before a POSIX owner sleeps it looks for a cycle in the wait-for graph:
 * an edge runs from each waiting owner to the owner of every lock that
 * blocks its request.  If the owners blocking this request can reach the
 * requester through waiting owners, sleeping would close a cycle that
 * nobody could ever break, so the request fails with EDEADLK instead.  The
 * walk marks waiters with a generation number, so each is visited once.
 * OFD owners are not processes, so, as on Linux, they take no part in it.
 *
 * A close racing with fcntl.  Thread A sets a lock through fd 3 while
 * thread B closes fd 3: B's reclock_close may run before A's lock is in,
 * leaving a lock no close will ever remove.  So after setting a POSIX lock
 * the descriptor is looked at again, and if it no longer names the same
 * file the owner's locks on it are dropped.
 *
 * Locking.  One spinlock, reclock_lock (a leaf), protects every inode's
 * list (inode->reclocks), the waiter list and the marks.  Memory is
 * allocated before it is taken and freed after.
 */
#include "fs/internal.h"
#include "fs/vfs_ops.h"
#include "mm/slab.h"
#include "mm/usercopy.h"
#include "sync/waitqueue.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"

#define F_RDLCK 0
#define F_WRLCK 1
#define F_UNLCK 2
#define RECLOCK_EOF INT64_MAX     /* "to the end of the file": end of a zero-length request */

/* struct flock of the x86-64 ABI. */
struct user_flock {
	int16_t l_type;
	int16_t l_whence;
	int64_t l_start;
	int64_t l_len;
	int32_t l_pid;
};

struct reclock {
	struct list_node node;          /* [reclock_lock] in reclock_ctx.locks, by start */
	const void *owner;              /* struct files (POSIX) or struct file (OFD) */
	bool ofd;
	int pid;                        /* for F_GETLK: the locker, -1 for OFD */
	int type;                       /* F_RDLCK, F_WRLCK (F_UNLCK only in requests) */
	int64_t start, end;             /* inclusive */
};

/* The locks of one inode; exists while it has any. */
struct reclock_ctx {
	struct list_node locks;         /* [reclock_lock] */
};

/* A blocked F_SETLKW: a node of the wait-for graph. */
struct reclock_waiter {
	struct list_node node;          /* [reclock_lock] in waiters */
	struct inode *inode;
	const struct reclock *req;
	unsigned reached, expanded;     /* [reclock_lock] generations of the deadlock walk */
};

/* Protects every inode->reclocks list, waiters and walk_gen; a leaf. */
static struct spinlock reclock_lock = SPINLOCK_INIT("reclock");
static struct waitq reclock_wait = WAITQ_INIT(reclock_wait);
static struct list_node waiters = LIST_INIT(waiters);
static unsigned walk_gen;

/* Memory taken before reclock_lock and given back after. */
struct spares {
	struct reclock *lk[2];          /* a split needs one, the new lock another */
	struct reclock_ctx *ctx;
	struct list_node freed;         /* locks that went, to kfree */
};

/* Do held lock a and request b conflict? */
static bool
conflicts(const struct reclock *a, const struct reclock *b)
{
	return a->owner != b->owner && a->start <= b->end && b->start <= a->end &&
	       (a->type == F_WRLCK || b->type == F_WRLCK);
}

/* The first lock on ino that blocks req, or NULL.  => reclock_lock held. */
static struct reclock *
find_conflict_locked(struct inode *ino, const struct reclock *req)
{
	struct reclock_ctx *ctx = ino->reclocks;

	if (!ctx)
		return NULL;
	list_for_each(n, &ctx->locks) {
		struct reclock *lk = list_entry(n, struct reclock, node);
		if (conflicts(lk, req))
			return lk;
	}
	return NULL;
}

/* Mark every waiter owned by owner as reached.  => reclock_lock held. */
static void
reach_owner_locked(const void *owner, unsigned gen)
{
	list_for_each(n, &waiters) {
		struct reclock_waiter *w = list_entry(n, struct reclock_waiter, node);
		if (w->req->owner == owner)
			w->reached = gen;
	}
}

/*
 * Reach the owners of every lock on ino blocking req.  => true if me is one
 * of them (the walk came back: a cycle).  => reclock_lock held.
 */
static bool
reach_blockers_locked(struct inode *ino, const struct reclock *req, const void *me,
		      unsigned gen)
{
	struct reclock_ctx *ctx = ino->reclocks;

	if (!ctx)
		return false;
	list_for_each(n, &ctx->locks) {
		struct reclock *lk = list_entry(n, struct reclock, node);
		if (!conflicts(lk, req))
			continue;
		if (lk->owner == me)
			return true;
		reach_owner_locked(lk->owner, gen);
	}
	return false;
}

/*
 * Would owner me, sleeping until req on ino can be granted, close a cycle
 * in the wait-for graph?  Expand reached waiters until none is left; each
 * is expanded once.  => reclock_lock held.
 */
static bool
would_deadlock_locked(struct inode *ino, const struct reclock *req)
{
	unsigned gen = ++walk_gen;
	bool more;

	if (reach_blockers_locked(ino, req, req->owner, gen))
		return true;
	do {
		more = false;
		list_for_each(n, &waiters) {
			struct reclock_waiter *w = list_entry(n, struct reclock_waiter, node);
			if (w->reached != gen || w->expanded == gen)
				continue;
			w->expanded = gen;
			more = true;
			if (reach_blockers_locked(w->inode, w->req, req->owner, gen))
				return true;
		}
	} while (more);
	return false;
}

/* A lock leaves its list for the free list.  => reclock_lock held. */
static void
drop_locked(struct reclock *lk, struct spares *sp)
{
	list_remove(&lk->node);
	list_push_back(&sp->freed, &lk->node);
}

/* Take a preallocated lock.  => reclock_lock held. */
static struct reclock *
take_spare(struct spares *sp)
{
	for (int i = 0; i < 2; i++) {
		struct reclock *lk = sp->lk[i];
		if (lk) {
			sp->lk[i] = NULL;
			list_init(&lk->node);
			return lk;
		}
	}
	return NULL;    /* not reached: two spares cover one split and one insert */
}

/* Insert lk in start order.  => reclock_lock held. */
static void
insert_sorted_locked(struct reclock_ctx *ctx, struct reclock *lk)
{
	struct list_node *at = &ctx->locks;

	list_for_each(n, &ctx->locks) {
		if (list_entry(n, struct reclock, node)->start > lk->start) {
			at = n;
			break;
		}
	}
	list_insert_between(&lk->node, at->prev, at);
}

/* Remove req's bytes from lk, one of the owner's locks overlapping it.  => reclock_lock held. */
static void
cut_locked(struct reclock *lk, const struct reclock *req, struct spares *sp)
{
	if (lk->start < req->start && lk->end > req->end) {
		struct reclock *tail = take_spare(sp);
		*tail = *lk;
		tail->start = req->end + 1;
		lk->end = req->start - 1;
		list_insert_between(&tail->node, &lk->node, lk->node.next);
	} else if (lk->start < req->start) {
		lk->end = req->start - 1;
	} else if (lk->end > req->end) {
		lk->start = req->end + 1;
	} else {
		drop_locked(lk, sp);
	}
}

/*
 * Make req the owner's state on its range: absorb touching locks of the
 * same type, cut the range out of the others, insert.  The caller checked
 * conflicts.  => reclock_lock held.
 */
static void
apply_locked(struct inode *ino, const struct reclock *req, struct spares *sp)
{
	struct reclock_ctx *ctx = ino->reclocks;
	int64_t s = req->start, e = req->end;

	if (!ctx && req->type == F_UNLCK)
		return;
	if (!ctx) {
		ctx = ino->reclocks = sp->ctx;
		sp->ctx = NULL;
		list_init(&ctx->locks);
	}
	list_for_each_safe(n, &ctx->locks) {
		struct reclock *lk = list_entry(n, struct reclock, node);
		bool overlap = lk->start <= req->end && req->start <= lk->end;
		/* start - 1 cannot overflow: starts are never negative */
		bool touch = lk->end >= req->start - 1 && lk->start - 1 <= req->end;

		if (lk->owner != req->owner || !touch)
			continue;
		if (lk->type == req->type) {
			s = MIN(s, lk->start);
			e = MAX(e, lk->end);
			drop_locked(lk, sp);
		} else if (overlap) {
			cut_locked(lk, req, sp);
		}
	}
	if (req->type != F_UNLCK) {
		struct reclock *lk = take_spare(sp);
		*lk = *req;
		lk->start = s;
		lk->end = e;
		insert_sorted_locked(ctx, lk);
	}
}

/* After a change: wake the waiters, and let an empty list go.  => reclock_lock held. */
static void
changed_locked(struct inode *ino, struct spares *sp)
{
	struct reclock_ctx *ctx = ino->reclocks;

	if (ctx && list_empty(&ctx->locks)) {
		ino->reclocks = NULL;
		sp->ctx = ctx;          /* freed with the spares */
	}
	waitq_wake_all(&reclock_wait);
}

static int
spares_get(struct spares *sp)
{
	list_init(&sp->freed);
	sp->lk[0] = kmalloc(sizeof(struct reclock));
	sp->lk[1] = kmalloc(sizeof(struct reclock));
	sp->ctx = kmalloc(sizeof(struct reclock_ctx));
	return sp->lk[0] && sp->lk[1] && sp->ctx ? 0 : -ENOMEM;
}

static void
spares_put(struct spares *sp)
{
	struct list_node *n;

	kfree(sp->lk[0]);
	kfree(sp->lk[1]);
	kfree(sp->ctx);
	while ((n = list_pop_front(&sp->freed)) != NULL)
		kfree(list_entry(n, struct reclock, node));
}

/* Sleep until req can be granted.  => 0, -EDEADLK, -ERESTARTSYS.  => reclock_lock held. */
static int
wait_for_locked(struct inode *ino, const struct reclock *req)
{
	struct reclock_waiter w = { .inode = ino, .req = req };
	int r = 0;

	while (find_conflict_locked(ino, req)) {
		if (!req->ofd && would_deadlock_locked(ino, req))
			return -EDEADLK;
		if (!req->ofd)
			list_push_back(&waiters, &w.node);
		r = waitq_sleep(&reclock_wait, &reclock_lock, 0, true);
		if (!req->ofd)
			list_remove(&w.node);
		if (r)
			return -ERESTARTSYS;
	}
	return 0;
}

/* Set, change or remove a lock (F_SETLK, F_SETLKW and the OFD forms). */
static int
reclock_set(struct inode *ino, const struct reclock *req, bool wait)
{
	struct spares sp;
	int r = spares_get(&sp);

	if (r == 0) {
		spin_lock(&reclock_lock);
		if (req->type != F_UNLCK && !wait && find_conflict_locked(ino, req))
			r = -EAGAIN;
		else if (req->type != F_UNLCK && wait)
			r = wait_for_locked(ino, req);
		if (r == 0) {
			apply_locked(ino, req, &sp);
			changed_locked(ino, &sp);
		}
		spin_unlock(&reclock_lock);
	}
	spares_put(&sp);
	return r;
}

/* Remove every lock of owner on ino.  => reclock_lock held. */
static void
remove_owner_locked(struct inode *ino, const void *owner, struct spares *sp)
{
	struct reclock_ctx *ctx = ino->reclocks;
	bool any = false;

	if (!ctx)
		return;
	list_for_each_safe(n, &ctx->locks) {
		struct reclock *lk = list_entry(n, struct reclock, node);
		if (lk->owner == owner) {
			drop_locked(lk, sp);
			any = true;
		}
	}
	if (any)
		changed_locked(ino, sp);
}

static void
remove_owner(struct inode *ino, const void *owner)
{
	struct spares sp = { .lk = { NULL, NULL }, .ctx = NULL };

	if (!READ_ONCE(ino->reclocks))
		return;         /* no locks on this file at all: the common case */
	list_init(&sp.freed);
	spin_lock(&reclock_lock);
	remove_owner_locked(ino, owner, &sp);
	spin_unlock(&reclock_lock);
	spares_put(&sp);
}

/* A descriptor of f in table t was closed: t's POSIX locks on the file go. */
void
reclock_close(struct file *f, struct files *t)
{
	if (f->inode)
		remove_owner(f->inode, t);
}

/* The last close of a description: its OFD locks go. */
void
reclock_release_file(struct file *f)
{
	if (f->inode)
		remove_owner(f->inode, f);
}

/* The byte range of a struct flock, in Linux's order of checks.  => 0, -EINVAL, -EOVERFLOW. */
static int
flock_range(struct file *f, const struct user_flock *fl, struct reclock *req)
{
	int64_t base, start, end;

	switch (fl->l_whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = (int64_t)READ_ONCE(f->pos); break;
	case SEEK_END: base = (int64_t)READ_ONCE(f->inode->size); break;
	default: return -EINVAL;
	}
	if (__builtin_add_overflow(base, fl->l_start, &start))
		return -EOVERFLOW;
	if (start < 0)
		return -EINVAL;
	if (fl->l_len > 0) {
		if (__builtin_add_overflow(start, fl->l_len - 1, &end))
			return -EOVERFLOW;
	} else if (fl->l_len < 0) {
		end = start - 1;
		if (__builtin_add_overflow(start, fl->l_len, &start) || start < 0)
			return -EINVAL;
	} else {
		end = RECLOCK_EOF;
	}
	req->start = start;
	req->end = end;
	return 0;
}

/* F_GETLK: the first lock blocking the request, or F_UNLCK. */
static int
reclock_get(struct inode *ino, const struct reclock *req, struct user_flock *fl)
{
	struct reclock *lk;

	spin_lock(&reclock_lock);
	lk = find_conflict_locked(ino, req);
	if (!lk) {
		fl->l_type = F_UNLCK;
	} else {
		fl->l_type = (int16_t)lk->type;
		fl->l_whence = SEEK_SET;
		fl->l_start = lk->start;
		fl->l_len = lk->end == RECLOCK_EOF ? 0 : lk->end - lk->start + 1;
		fl->l_pid = lk->pid;
	}
	spin_unlock(&reclock_lock);
	return 0;
}

/*
 * Fill in a request from the caller's struct flock, checking in Linux's
 * order: an OFD request's l_pid, the range, the type, the access mode.
 * => 0 or -errno.
 */
static int
make_request(struct file *f, int cmd, const struct user_flock *fl, struct reclock *req)
{
	bool ofd = cmd == F_OFD_GETLK || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW;
	bool get = cmd == F_GETLK || cmd == F_OFD_GETLK;
	int r;

	if (get && fl->l_type != F_RDLCK && fl->l_type != F_WRLCK)
		return -EINVAL;
	if (ofd && fl->l_pid != 0)
		return -EINVAL;
	*req = (struct reclock){
		.owner = ofd ? (const void *)f : (const void *)files_current(),
		.ofd = ofd,
		.pid = ofd ? -1 : (fs_upcalls.current_pid ? fs_upcalls.current_pid() : 0),
		.type = fl->l_type,
	};
	if ((r = flock_range(f, fl, req)) != 0)
		return r;
	if (fl->l_type != F_RDLCK && fl->l_type != F_WRLCK && fl->l_type != F_UNLCK)
		return -EINVAL;
	if (!get && fl->l_type == F_RDLCK && !(f->mode & FMODE_READ))
		return -EBADF;
	if (!get && fl->l_type == F_WRLCK && !(f->mode & FMODE_WRITE))
		return -EBADF;
	return 0;
}

/*
 * A close on another thread may have raced with a POSIX lock just set
 * through fd (see the essay): then the lock must not outlive the close.
 */
static void
recheck_fd(int fd, struct file *f)
{
	struct files *t = files_current();
	struct file *now = files_file(t, fd);

	if (now != f)
		reclock_close(f, t);
	if (now)
		file_put(now);
}

/* The six record-lock commands of fcntl on the open file f at fd. */
long
reclock_fcntl(int fd, struct file *f, int cmd, unsigned long arg)
{
	struct user_flock fl;
	struct reclock req;
	int r;

	if (copy_from_user(&fl, (void *)arg, sizeof(fl)))
		return -EFAULT;
	r = make_request(f, cmd, &fl, &req);
	if (r)
		return r;
	if (cmd == F_GETLK || cmd == F_OFD_GETLK) {
		reclock_get(f->inode, &req, &fl);
		return copy_to_user((void *)arg, &fl, sizeof(fl)) ? -EFAULT : 0;
	}
	r = reclock_set(f->inode, &req, cmd == F_SETLKW || cmd == F_OFD_SETLKW);
	if (r == 0 && !req.ofd && req.type != F_UNLCK)
		recheck_fd(fd, f);
	return r;
}
