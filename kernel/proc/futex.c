// SPDX-License-Identifier: MIT
/*
 * Futexes: the kernel half of user-space locks and condition variables.
 *
 * A futex is just a 32-bit word in user memory.  The fast path (taking a
 * free lock) never enters the kernel; only contention does:
 *
 *   FUTEX_WAIT(addr, val)  sleep, but only if *addr still equals val, checked
 *                          atomically with going to sleep (so a wake between
 *                          the user's check and the call is not lost);
 *   FUTEX_WAKE(addr, n)    wake up to n sleepers on addr;
 *   FUTEX_REQUEUE          wake some, move the rest to another word (a
 *                          condition variable handing waiters to its mutex
 *                          without a thundering herd).
 *
 * Sleepers are hashed by key into buckets.  A private futex (one process)
 * is keyed by (address space, address); a shared one by the physical
 * address of the word, which is the same in every process mapping it.
 * Each bucket's lock is a mutex, not a spinlock, because reading the word
 * may fault the page in, and that may sleep.  Holding it across the read
 * and the enqueue is what makes WAIT's check-then-sleep atomic with WAKE.
 * A waker unlinks each sleeper it wakes and, once it has finished with
 * the sleeper's record, marks it woken; a sleeper that finds the mark
 * returns without the bucket lock (which its waker may well still hold:
 * taking it would mean sleeping again at once and a second wake-up).  The
 * waker keeps its CPU until it has dropped the lock, so a sleeper woken
 * onto the same CPU runs only then.
 *
 * Priority-inheriting futexes (FUTEX_LOCK_PI, FUTEX_UNLOCK_PI,
 * FUTEX_TRYLOCK_PI; pthread mutexes with PTHREAD_PRIO_INHERIT) are the
 * other protocol: the word holds the owner's tid, FUTEX_WAITERS (bit 31)
 * once someone waits in the kernel, FUTEX_OWNER_DIED (bit 30) when an owner
 * died holding it.  User space takes a free lock with cmpxchg(0 -> tid)
 * and frees an uncontended one with cmpxchg(tid -> 0); everything else
 * comes here.  While threads wait, the kernel keeps a `struct futex_pi`
 * for the word: a kernel mutex owned by the word's owner (looked up by
 * tid), on which the waiters queue, so the owner inherits their priority
 * through sync/pi.c like any mutex owner.  UNLOCK_PI hands that mutex to
 * its first waiter and writes the new owner's tid into the word; the new
 * owner rewrites the word itself once it runs (with FUTEX_WAITERS only if
 * others still wait) and, if it was the last waiter, frees the futex_pi.
 * The word is only ever changed with an atomic compare-and-exchange,
 * because user space may change it at the same moment.
 */
#include "proc/proc.h"
#include "proc/syscalls.h"
#include "proc/futex.h"
#include "arch/arch.h"
#include "arch/x86_64/paging.h"
#include "lib/list.h"
#include "mm/slab.h"
#include "mm/usercopy.h"
#include "mm/vm.h"
#include "sync/mutex.h"
#include "uapi/errno.h"
#include "uapi/time.h"

#define FUTEX_WAIT            0
#define FUTEX_WAKE            1
#define FUTEX_REQUEUE         3
#define FUTEX_CMP_REQUEUE     4
#define FUTEX_WAKE_OP         5
#define FUTEX_LOCK_PI         6
#define FUTEX_UNLOCK_PI       7
#define FUTEX_TRYLOCK_PI      8
#define FUTEX_WAIT_BITSET     9
#define FUTEX_WAKE_BITSET     10
#define FUTEX_PRIVATE_FLAG    128
#define FUTEX_CLOCK_REALTIME  256
#define FUTEX_CMD_MASK        (~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))
#define FUTEX_BITSET_ANY      0xffffffffu
#define FUTEX_WAITERS         0x80000000u
#define FUTEX_OWNER_DIED      0x40000000u
#define FUTEX_TID_MASK        0x3fffffffu

#define NBUCKETS 64

struct futex_key {
	const void *space;   /* the mm for private futexes, NULL for shared */
	uint64_t addr;       /* user address, or physical address if shared */
};

struct futex_waiter {
	struct list_node node;     /* [bucket->lock] */
	struct futex_key key;      /* [bucket->lock] changes on requeue */
	uint32_t bitset;
	struct thread *thread;
	bool woken;                /* [bucket->lock] set last; read without the lock (release/acquire) */
	struct futex_bucket *bucket; /* [bucket->lock] where it is queued now */
};

struct futex_bucket {
	struct mutex lock;         /* protects waiters, pi_states; order: before mm->lock */
	struct list_node waiters;
	struct list_node pi_states; /* of struct futex_pi */
};

/* The kernel side of a contended PI futex.  [b] its bucket's lock. */
struct futex_pi {
	struct list_node node;     /* [b] in bucket->pi_states */
	struct futex_key key;      /* [I] */
	struct mutex lock;         /* owned by the word's owner; waiters queue here */
	int waiters;               /* [b] threads inside futex_lock_pi for it */
};

static struct futex_bucket buckets[NBUCKETS];

void
futex_init(void)
{
	for (int i = 0; i < NBUCKETS; i++) {
		mutex_init(&buckets[i].lock, "futex");
		list_init(&buckets[i].waiters);
		list_init(&buckets[i].pi_states);
	}
}

static struct futex_bucket *
bucket_of(const struct futex_key *k)
{
	uint64_t h = k->addr * 0x9E3779B97F4A7C15ull ^ (uint64_t)k->space;

	return &buckets[(h >> 32) % NBUCKETS];
}

static bool
key_eq(const struct futex_key *a, const struct futex_key *b)
{
	return a->space == b->space && a->addr == b->addr;
}

/* Build the key; shared futexes need the word's physical address. */
static int
make_key(uint64_t uaddr, bool private, struct futex_key *k)
{
	struct mm *mm = current()->mm;
	pte_t *pte;
	uint32_t v;

	if ((uaddr & 3) || !user_range_ok(uaddr, 4))
		return -EINVAL;
	if (private) {
		k->space = mm;
		k->addr = uaddr;
		return 0;
	}
	if (get_user(v, (uint32_t *)uaddr))   /* fault it in */
		return -EFAULT;
	mutex_lock(&mm->lock);
	pte = paging_walk(mm->pml4, uaddr, NULL);
	k->space = NULL;
	k->addr = pte && (*pte & PTE_P) ? (*pte & PTE_ADDR) + (uaddr & 0xFFF) : 0;
	mutex_unlock(&mm->lock);
	return k->addr ? 0 : -EFAULT;
}

static void
release_bucket(void *b)
{
	mutex_unlock(&((struct futex_bucket *)b)->lock);
}

static int
futex_wait(uint64_t uaddr, bool private, uint32_t val, uint64_t timeout_ns,
	   uint32_t bitset)
{
	struct futex_waiter w = { .bitset = bitset, .thread = current() };
	struct futex_bucket *b;
	uint32_t cur;
	int r;

	if (bitset == 0)
		return -EINVAL;
	if ((r = make_key(uaddr, private, &w.key)))
		return r;
	b = bucket_of(&w.key);
	mutex_lock(&b->lock);
	if (get_user(cur, (uint32_t *)uaddr)) {
		mutex_unlock(&b->lock);
		return -EFAULT;
	}
	if (cur != val) {
		mutex_unlock(&b->lock);
		return -EAGAIN;
	}
	w.bucket = b;
	list_init(&w.node);
	list_push_back(&b->waiters, &w.node);
	sched_set_state(T_SLEEPING);
	release_bucket(b);
	r = sched_block(timeout_ns, true);
	if (__atomic_load_n(&w.woken, __ATOMIC_ACQUIRE))
		return 0;          /* unlinked by a wake that is done with w */
	/* A requeue may have moved us; the bucket we are in is w.bucket. */
	for (;;) {
		b = __atomic_load_n(&w.bucket, __ATOMIC_ACQUIRE);
		mutex_lock(&b->lock);
		if (b == w.bucket)
			break;
		mutex_unlock(&b->lock);
	}
	if (list_linked(&w.node))
		list_remove(&w.node);
	mutex_unlock(&b->lock);
	if (w.woken)
		return 0;
	return r == -ETIMEDOUT ? -ETIMEDOUT : r == -EINTR ? -ERESTARTSYS : 0;
}

/* => b->lock held, preemption off (see the top of the file) */
static int
wake_locked(struct futex_bucket *b, const struct futex_key *k, int n, uint32_t bitset)
{
	int woken = 0;

	list_for_each_safe(it, &b->waiters) {
		struct futex_waiter *w = list_entry(it, struct futex_waiter, node);

		if (woken >= n)
			break;
		if (!key_eq(&w->key, k) || !(w->bitset & bitset))
			continue;
		list_remove(&w->node);
		sched_wake(w->thread);
		/* The last touch of w: its sleeper may return and be gone the moment it sees this. */
		__atomic_store_n(&w->woken, true, __ATOMIC_RELEASE);
		woken++;
	}
	return woken;
}

static int
futex_wake(uint64_t uaddr, bool private, int n, uint32_t bitset)
{
	struct futex_key k;
	struct futex_bucket *b;
	int r;

	if (bitset == 0)
		return -EINVAL;
	if ((r = make_key(uaddr, private, &k)))
		return r;
	b = bucket_of(&k);
	mutex_lock(&b->lock);
	preempt_disable();
	r = wake_locked(b, &k, n, bitset);
	mutex_unlock(&b->lock);
	preempt_enable();
	return r;
}

int
futex_wake_addr(struct mm *mm, uint64_t uaddr, int n)
{
	/* Waiters may have used either the private or the shared key. */
	int a = futex_wake(uaddr, true, n, FUTEX_BITSET_ANY);
	int b = mm == current()->mm ? futex_wake(uaddr, false, n, FUTEX_BITSET_ANY) : 0;

	return MAX(a, 0) + MAX(b, 0);
}

static void
lock_two(struct futex_bucket *a, struct futex_bucket *b)
{
	if (a == b) {
		mutex_lock(&a->lock);
	} else if (a < b) {
		mutex_lock(&a->lock);
		mutex_lock(&b->lock);
	} else {
		mutex_lock(&b->lock);
		mutex_lock(&a->lock);
	}
}

static void
unlock_two(struct futex_bucket *a, struct futex_bucket *b)
{
	mutex_unlock(&a->lock);
	if (a != b)
		mutex_unlock(&b->lock);
}

static int
futex_requeue(uint64_t uaddr, bool private, int nwake, int nmove, uint64_t uaddr2,
	      bool cmp, uint32_t val3)
{
	struct futex_key k1, k2;
	struct futex_bucket *b1, *b2;
	uint32_t cur;
	int r, woken, moved = 0;

	if (nwake < 0 || nmove < 0)
		return -EINVAL;
	if ((r = make_key(uaddr, private, &k1)) || (r = make_key(uaddr2, private, &k2)))
		return r;
	b1 = bucket_of(&k1);
	b2 = bucket_of(&k2);
	lock_two(b1, b2);
	if (cmp && (get_user(cur, (uint32_t *)uaddr) || cur != val3)) {
		unlock_two(b1, b2);
		return cmp && cur != val3 ? -EAGAIN : -EFAULT;
	}
	preempt_disable();
	woken = wake_locked(b1, &k1, nwake, FUTEX_BITSET_ANY);
	list_for_each_safe(it, &b1->waiters) {
		struct futex_waiter *w = list_entry(it, struct futex_waiter, node);

		if (moved >= nmove)
			break;
		if (!key_eq(&w->key, &k1))
			continue;
		list_remove(&w->node);
		w->key = k2;
		list_push_back(&b2->waiters, &w->node);
		__atomic_store_n(&w->bucket, b2, __ATOMIC_RELEASE);
		moved++;
	}
	unlock_two(b1, b2);
	preempt_enable();
	return woken + moved;
}

/* Who owns a PI futex, by the tid in its word.  => proc_tree_lock held */
static struct thread *(*pi_owner_lookup)(int tid) = thread_find_locked;

void
futex_pi_set_owner_lookup(struct thread *(*lookup)(int tid))
{
	pi_owner_lookup = lookup ? lookup : thread_find_locked;
}

#define WORD_TRIES 1000   /* user space changing the word this often is hostile */

/* Take the word if it is free.  => 1 taken, 0 owned (*cur holds it), -errno */
static int
word_try_take(uint32_t *w, uint32_t tid, uint32_t *cur)
{
	if (get_user(*cur, w))
		return -EFAULT;
	for (int i = 0; i < WORD_TRIES; i++) {
		uint32_t owner = *cur & FUTEX_TID_MASK;
		int r;

		if (owner == tid)
			return -EDEADLK;
		if (owner)
			return 0;
		r = cmpxchg_user32(w, cur, tid | (*cur & (FUTEX_WAITERS | FUTEX_OWNER_DIED)));
		if (r <= 0)
			return r == 0 ? 1 : r;
	}
	return -EAGAIN;
}

/* Set FUTEX_WAITERS.  => 1 set, 0 the owner let go meanwhile, -errno */
static int
word_mark_waiters(uint32_t *w, uint32_t *cur)
{
	for (int i = 0; i < WORD_TRIES; i++) {
		int r;

		if (!(*cur & FUTEX_TID_MASK))
			return 0;
		if (*cur & FUTEX_WAITERS)
			return 1;
		r = cmpxchg_user32(w, cur, *cur | FUTEX_WAITERS);
		if (r <= 0) {
			*cur |= FUTEX_WAITERS;
			return r == 0 ? 1 : r;
		}
	}
	return -EAGAIN;
}

/* Replace the word, whatever it holds now.  => 0 or -errno */
static int
word_store(uint32_t *w, uint32_t val)
{
	uint32_t cur;

	if (get_user(cur, w))
		return -EFAULT;
	for (int i = 0; i < WORD_TRIES; i++) {
		int r = cmpxchg_user32(w, &cur, val);

		if (r <= 0)
			return r;
	}
	return -EAGAIN;
}

static struct futex_pi *
pi_find(struct futex_bucket *b, const struct futex_key *k)
{
	list_for_each(n, &b->pi_states) {
		struct futex_pi *ps = list_entry(n, struct futex_pi, node);

		if (key_eq(&ps->key, k))
			return ps;
	}
	return NULL;
}

/*
 * Queue on the word's futex_pi, making it if this is the first waiter.
 * The owner is looked up and the waiter queued under proc_tree_lock, so
 * the owner cannot exit in between (an exiting owner hands contended
 * mutexes on in pi_task_exit).  => b->lock held.  0 queued, 1 the kernel
 * mutex was free and is ours, -ESRCH no such owner, -ENOMEM.
 */
static int
pi_queue(struct futex_bucket *b, const struct futex_key *k, uint32_t cur,
	 struct futex_pi **psp, struct mutex_waiter *mw)
{
	struct futex_pi *ps = pi_find(b, k), *fresh = NULL;
	struct thread *owner;
	int r;

	if (!ps && !(fresh = kzalloc(sizeof(*fresh))))
		return -ENOMEM;
	spin_lock(&proc_tree_lock);
	if (!ps) {
		owner = pi_owner_lookup((int)(cur & FUTEX_TID_MASK));
		if (!owner) {
			spin_unlock(&proc_tree_lock);
			kfree(fresh);
			return -ESRCH;
		}
		ps = fresh;
		ps->key = *k;
		mutex_init_owned(&ps->lock, "futex_pi", MUTEX_NO_LOCKDEP, owner);
		list_push_back(&b->pi_states, &ps->node);
	}
	ps->waiters++;
	r = mutex_wait_prepare(&ps->lock, mw);
	spin_unlock(&proc_tree_lock);
	*psp = ps;
	return r;
}

/* The lock is ours: say so in the word, drop the futex_pi if nobody waits. */
static int
pi_claim(struct futex_pi *ps, uint32_t *w, uint32_t tid)
{
	uint32_t val = tid;

	if (ps->waiters)
		val |= FUTEX_WAITERS;
	if (ps->lock.owner_died)
		val |= FUTEX_OWNER_DIED;
	if (!ps->waiters) {
		mutex_unlock_handoff(&ps->lock);
		list_remove(&ps->node);
		kfree(ps);
	}
	return word_store(w, val);
}

/*
 * FUTEX_LOCK_PI and FUTEX_TRYLOCK_PI.  An owner that is gone without a
 * trace is taken over only if the word says it died (FUTEX_OWNER_DIED);
 * otherwise -ESRCH, as on Linux.
 */
static int
futex_lock_pi(uint64_t uaddr, bool private, uint64_t timeout_ns, bool try)
{
	uint32_t *w = (uint32_t *)uaddr, tid = (uint32_t)current()->tid, cur;
	struct mutex_waiter mw;
	struct futex_pi *ps = NULL;
	struct futex_bucket *b;
	struct futex_key k;
	int r;

	if ((r = make_key(uaddr, private, &k)))
		return r;
	b = bucket_of(&k);
	mutex_lock(&b->lock);
	for (;;) {
		r = word_try_take(w, tid, &cur);
		if (r != 0 || try)
			goto out_unlock;    /* taken (1), an error, or TRYLOCK on a held lock */
		r = word_mark_waiters(w, &cur);
		if (r != 0)
			break;              /* marked (1), or an error */
	}
	if (r == 1)
		r = pi_queue(b, &k, cur, &ps, &mw);
	if (r == -ESRCH && (cur & FUTEX_OWNER_DIED))
		r = word_store(w, tid | FUTEX_OWNER_DIED);   /* its owner died: ours now */
	if (!ps || r < 0)
		goto out_unlock;
	mutex_unlock(&b->lock);
	/* pi_queue() returning 1 means the kernel mutex was free and is ours. */
	r = r == 0 ? mutex_wait_finish(&ps->lock, &mw, timeout_ns, true) : 0;
	mutex_lock(&b->lock);
	ps->waiters--;
	if (r == 0) {
		r = pi_claim(ps, w, tid);
	} else if (ps->waiters == 0) {
		list_remove(&ps->node);   /* gave up, and nobody else waits */
		kfree(ps);
	}
	mutex_unlock(&b->lock);
	if (r == -EINTR)
		return timeout_ns ? -EINTR : -ERESTARTSYS;
	return r;
out_unlock:
	mutex_unlock(&b->lock);
	if (r == 1)
		return 0;
	return r == 0 && try ? -EWOULDBLOCK : r;
}

/* FUTEX_UNLOCK_PI: hand the lock to the best waiter, or free the word. */
static int
futex_unlock_pi(uint64_t uaddr, bool private)
{
	uint32_t *w = (uint32_t *)uaddr, tid = (uint32_t)current()->tid, cur;
	struct futex_bucket *b;
	struct futex_pi *ps;
	struct futex_key k;
	int r;

	if (get_user(cur, w))
		return -EFAULT;
	if ((cur & FUTEX_TID_MASK) != tid)
		return -EPERM;
	if ((r = make_key(uaddr, private, &k)))
		return r;
	b = bucket_of(&k);
	mutex_lock(&b->lock);
	ps = pi_find(b, &k);
	if (ps && mutex_owner(&ps->lock) == current()) {
		struct thread *next = mutex_unlock_handoff(&ps->lock);

		/* The new owner rewrites this once it runs, with the exact waiters bit. */
		r = word_store(w, next ? (uint32_t)next->tid | FUTEX_WAITERS : 0);
	} else {
		r = word_store(w, 0);
	}
	mutex_unlock(&b->lock);
	return r;
}

static int
timeout_from_user(const struct timespec *uts, bool absolute, uint64_t *ns)
{
	struct timespec ts;
	uint64_t t, now = time_ns();

	*ns = 0;
	if (!uts)
		return 0;
	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
		return -EINVAL;
	t = (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
	if (absolute)
		t = t > now ? t - now : 0;
	if (t == 0)
		return -ETIMEDOUT;
	*ns = t;
	return 0;
}

long
sys_futex(uint32_t *uaddr, int op, uint32_t val, const struct timespec *uts,
	  uint32_t *uaddr2, uint32_t val3)
{
	bool private = op & FUTEX_PRIVATE_FLAG;
	uint64_t timeout;
	int cmd = op & FUTEX_CMD_MASK, r;

	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		r = timeout_from_user(uts, cmd == FUTEX_WAIT_BITSET, &timeout);
		if (r)
			return r;
		return futex_wait((uint64_t)uaddr, private, val, timeout,
				  cmd == FUTEX_WAIT ? FUTEX_BITSET_ANY : val3);
	case FUTEX_WAKE:
		return futex_wake((uint64_t)uaddr, private, (int)val, FUTEX_BITSET_ANY);
	case FUTEX_WAKE_BITSET:
		return futex_wake((uint64_t)uaddr, private, (int)val, val3);
	case FUTEX_LOCK_PI:
	case FUTEX_TRYLOCK_PI:
		/* LOCK_PI's timeout is absolute, like WAIT_BITSET's. */
		r = timeout_from_user(uts, true, &timeout);
		if (r)
			return r;
		return futex_lock_pi((uint64_t)uaddr, private, timeout, cmd == FUTEX_TRYLOCK_PI);
	case FUTEX_UNLOCK_PI:
		return futex_unlock_pi((uint64_t)uaddr, private);
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE:
		/* For requeue the fourth argument is a count, not a timeout. */
		return futex_requeue((uint64_t)uaddr, private, (int)val, (int)(uint64_t)uts,
				     (uint64_t)uaddr2, cmd == FUTEX_CMP_REQUEUE, val3);
	default:
		return -ENOSYS;
	}
}

/* Robust list entries point at lock words holding the owner's tid. */
struct robust_list_head {
	uint64_t next;
	int64_t futex_offset;
	uint64_t pending;
};

void
futex_exit_robust(uint64_t head, int tid)
{
	struct robust_list_head h;
	uint64_t entry;

	if (!head || copy_from_user(&h, (void *)head, sizeof(h)))
		return;
	entry = h.next;
	for (int n = 0; entry && entry != head && n < 2048; n++) {
		uint64_t word = entry + (uint64_t)h.futex_offset, next;
		uint32_t v;

		if (get_user(next, (uint64_t *)entry) || get_user(v, (uint32_t *)word))
			return;
		if ((v & FUTEX_TID_MASK) == (uint32_t)tid) {
			v = (v & ~FUTEX_TID_MASK) | FUTEX_OWNER_DIED;
			if (put_user(v, (uint32_t *)word))
				return;
			futex_wake(word, false, 1, FUTEX_BITSET_ANY);
			futex_wake(word, true, 1, FUTEX_BITSET_ANY);
		}
		entry = next & ~1ull;
	}
}

long
sys_set_robust_list(uint64_t head, size_t len)
{
	if (len != sizeof(struct robust_list_head))
		return -EINVAL;
	pt_of(current())->robust_list = head;
	return 0;
}

long
sys_get_robust_list(int pid, uint64_t *uhead, size_t *ulen)
{
	uint64_t head;
	size_t len = sizeof(struct robust_list_head);

	if (pid != 0 && pid != current()->tid)
		return -EPERM;   /* FIXME: other threads' lists need a permission model */
	head = pt_of(current())->robust_list;
	if (put_user(head, uhead) || put_user(len, ulen))
		return -EFAULT;
	return 0;
}
