// SPDX-License-Identifier: MIT
/*
 * The lock-order checker.  See lockdep.h for what it finds and how it
 * reports; this file is the bookkeeping.
 *
 * Data: a table of classes (name and kind), a bitmap `after` where bit B of
 * row A says "B was taken while A was held", and for each such edge the
 * first few return addresses of the acquisition that recorded it.  Held
 * locks: a small stack per CPU for spinlocks (a spinlock never leaves its
 * CPU: interrupts are off while it is held) and one per thread, in struct
 * sync_task, for sleeping locks.
 *
 * The graph is guarded by graph_lock, a bare test-and-set lock that the
 * checker does not check (it would recurse).  Only a new edge does real
 * work (a depth-first search for the opposite path), so after the first
 * few seconds of a run the checker costs a scan of the held locks per
 * acquisition.  Reports are printed after graph_lock is dropped, because
 * printing takes locks that are checked.
 */
#include "sync/lockdep.h"
#include "sync/pi.h"
#include "sync/spinlock.h"
#include "sync/waitqueue.h"
#include "arch/arch.h"
#include "core/panic.h"
#include "core/printk.h"
#include "lib/string.h"

#ifdef KEEL_DEBUG

#define LD_CLASSES 256
#define LD_WORDS   (LD_CLASSES / 64)
#define LD_EDGES   2048
#define LD_FRAMES  6
#define LD_NONE    0xffff   /* a class the table had no room for: not checked */

struct ld_class {
	const char *name;
	bool sleeping;
};

struct ld_edge {
	uint16_t from, to;
	uint64_t frames[LD_FRAMES];
};

static struct ld_class classes[LD_CLASSES];
static unsigned nclasses;
static uint64_t after[LD_CLASSES][LD_WORDS];
static struct ld_edge edges[LD_EDGES];
static unsigned nedges;
static struct lockdep_held cpu_held[CPU_MAX];
static volatile int graph_lock;
static unsigned reports;      /* [a] */

/* What a report prints, gathered under graph_lock and printed after. */
struct ld_report {
	const char *held, *taking, *why;
	unsigned npath;
	struct ld_edge path[8];
};

static void
graph_acquire(void)
{
	while (__atomic_exchange_n(&graph_lock, 1, __ATOMIC_ACQUIRE))
		arch_cpu_relax();
}

static void
graph_release(void)
{
	__atomic_store_n(&graph_lock, 0, __ATOMIC_RELEASE);
}

static bool
bit(const uint64_t *row, unsigned b)
{
	return row[b / 64] & (1ull << (b % 64));
}

/* Find or add the class of a name.  => graph_lock held. */
static uint16_t
class_lookup(const char *name, bool sleeping)
{
	if (!name)
		name = "?";
	for (unsigned i = 0; i < nclasses; i++)
		if (classes[i].sleeping == sleeping && strcmp(classes[i].name, name) == 0)
			return (uint16_t)i;
	if (nclasses == LD_CLASSES)
		return LD_NONE;
	classes[nclasses] = (struct ld_class){ name, sleeping };
	return (uint16_t)nclasses++;
}

static uint16_t
class_of(uint16_t *cache, const char *name, bool sleeping)
{
	uint16_t c = READ_ONCE(*cache);
	unsigned long f;

	if (c)
		return (uint16_t)(c - 1);
	/* Interrupts off: a handler taking a lock here would spin on graph_lock. */
	f = arch_irq_save();
	graph_acquire();
	c = class_lookup(name, sleeping);
	graph_release();
	arch_irq_restore(f);
	WRITE_ONCE(*cache, (uint16_t)(c + 1));
	return c;
}

/* Return addresses of the caller's callers, by the frame-pointer chain. */
static void
capture_frames(uint64_t *out)
{
	unsigned n = backtrace_collect(arch_frame_pointer(), DIRECT_MAP_BASE, UINT64_MAX, out,
				       LD_FRAMES);

	while (n < LD_FRAMES)
		out[n++] = 0;           /* print_frames stops at the first 0 */
}

static const struct ld_edge *
edge_find(uint16_t from, uint16_t to)
{
	for (unsigned i = 0; i < nedges; i++)
		if (edges[i].from == from && edges[i].to == to)
			return &edges[i];
	return NULL;
}

/*
 * Is there a path from -> ... -> to?  Breadth-first, so the path found is
 * a shortest one; it is copied into r.  => graph_lock held.
 */
static bool
path_exists(uint16_t from, uint16_t to, struct ld_report *r)
{
	static uint16_t queue[LD_CLASSES], parent[LD_CLASSES];
	static uint64_t seen[LD_WORDS];
	unsigned head = 0, tail = 0;

	memset(seen, 0, sizeof(seen));
	queue[tail++] = from;
	seen[from / 64] |= 1ull << (from % 64);
	while (head < tail) {
		uint16_t c = queue[head++];

		for (unsigned n = 0; n < nclasses; n++) {
			if (!bit(after[c], n) || bit(seen, n))
				continue;
			seen[n / 64] |= 1ull << (n % 64);
			parent[n] = c;
			if (n == to) {
				unsigned k = 0;
				for (uint16_t x = to; x != from && k < 8; x = parent[x], k++) {
					const struct ld_edge *e = edge_find(parent[x], x);
					r->path[k] = e ? *e : (struct ld_edge){ parent[x], x, { 0 } };
				}
				r->npath = k;
				return true;
			}
			queue[tail++] = (uint16_t)n;
		}
	}
	return false;
}

/* Record held -> cls; => true and r filled if that closes a cycle.  => graph_lock */
static bool
add_edge(uint16_t held, uint16_t cls, struct ld_report *r)
{
	bool cycle;

	if (bit(after[held], cls))
		return false;
	cycle = path_exists(cls, held, r);
	after[held][cls / 64] |= 1ull << (cls % 64);
	if (nedges < LD_EDGES) {
		edges[nedges].from = held;
		edges[nedges].to = cls;
		capture_frames(edges[nedges].frames);
		nedges++;
	}
	if (cycle) {
		r->held = classes[held].name;
		r->taking = classes[cls].name;
		r->why = "lock order inversion";
	}
	return cycle;
}

/* The checker's and the lock functions' own frames say nothing: skip them. */
static bool
lock_internal(const char *name)
{
	static const char *const prefixes[] = { "lockdep_", "spin_", "mutex_", "rw_", "check" };

	for (size_t i = 0; name && i < ARRAY_SIZE(prefixes); i++)
		if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

static void
print_frames(const uint64_t *frames)
{
	for (int i = 0; i < LD_FRAMES && frames[i]; i++) {
		uint64_t off = 0;
		const char *name = ksym_lookup(frames[i] - 1, &off);

		if (lock_internal(name))
			continue;
		printk(KERN_ERR "lockdep:       [<%016llx>] %s+0x%llx\n",
		       (unsigned long long)frames[i], name ? name : "?",
		       (unsigned long long)off + 1);
	}
}

static void
report(const struct ld_report *r)
{
	__atomic_add_fetch(&reports, 1, __ATOMIC_SEQ_CST);
	printk(KERN_ERR "lockdep: %s: taking %s while holding %s\n", r->why, r->taking, r->held);
	for (unsigned i = 0; i < r->npath; i++) {
		const struct ld_edge *e = &r->path[r->npath - 1 - i];

		printk(KERN_ERR "lockdep:   the opposite order, %s then %s, was first seen at:\n",
		       classes[e->from].name, classes[e->to].name);
		print_frames(e->frames);
	}
	printk(KERN_ERR "lockdep:   this acquisition:\n");
	backtrace_print(0);
}

/*
 * The sleeping locks of the running thread; none in an interrupt handler,
 * whose spinlocks do not nest inside the locks of the thread it
 * interrupted (it would have to run whatever the thread held).
 */
static struct lockdep_held *
thread_stack(void)
{
	void *self;

	if (this_cpu()->irq_depth > 0)
		return NULL;
	if (!sync_sched || !sync_sched->task || !(self = sync_sched->self()))
		return NULL;
	return &sync_sched->task(self)->ld;
}

/*
 * Does anything held lack its edge to cls, or outrank it?  Edges are never
 * removed, so a bit seen set without graph_lock is set for good.
 */
static bool
needs_work(struct lockdep_held **stacks, uint16_t cls)
{
	for (int s = 0; s < 2; s++) {
		for (unsigned i = 0; stacks[s] && i < stacks[s]->n && i < LOCKDEP_HELD_MAX; i++) {
			uint16_t h = stacks[s]->cls[i];

			if (h != cls && h != LD_NONE && !bit(after[h], cls))
				return true;
		}
	}
	return false;
}

/*
 * check()'s slow path, for an acquisition that may add an edge: record the
 * edges under graph_lock, then report.  Kept out of line: its report is
 * half a kilobyte to clear, and the fast path (nothing new) runs on every
 * acquisition.
 */
static __attribute__((noinline)) void
record_edges(struct lockdep_held **stacks, uint16_t cls, uint8_t rank, const uint8_t *held_ranks)
{
	struct ld_report r = { 0 };
	bool bad = false;

	graph_acquire();
	for (int s = 0; s < 2; s++) {
		for (unsigned i = 0; stacks[s] && i < stacks[s]->n && i < LOCKDEP_HELD_MAX; i++) {
			uint16_t h = stacks[s]->cls[i];

			if (h == cls || h == LD_NONE)
				continue;
			if (!bad && s == 0 && rank && held_ranks[i] >= rank &&
			    !bit(after[h], cls)) {
				r = (struct ld_report){ classes[h].name, classes[cls].name,
							"lock rank violation", 0, { { 0 } } };
				bad = true;
			}
			if (add_edge(h, cls, bad ? &(struct ld_report){ 0 } : &r))
				bad = true;
		}
	}
	graph_release();
	if (bad)
		report(&r);
}

/* Check cls against everything held, record the edges.  => interrupts off */
static void
check(uint16_t cls, uint8_t rank, const uint8_t *held_ranks)
{
	struct lockdep_held *stacks[2] = { &cpu_held[this_cpu()->id], thread_stack() };

	if (needs_work(stacks, cls))
		record_edges(stacks, cls, rank, held_ranks);
}

static uint8_t cpu_ranks[CPU_MAX][LOCKDEP_HELD_MAX];

static void
push(struct lockdep_held *s, uint16_t cls, uint8_t *ranks, uint8_t rank)
{
	if (s->n < LOCKDEP_HELD_MAX) {
		s->cls[s->n] = cls;
		if (ranks)
			ranks[s->n] = rank;
	}
	s->n++;
}

static void
pop(struct lockdep_held *s, uint16_t cls, uint8_t *ranks)
{
	if (s->n > LOCKDEP_HELD_MAX) {   /* overflowed: the top entries were never kept */
		s->n--;
		return;
	}
	for (unsigned i = s->n; i-- > 0;) {
		if (s->cls[i] != cls)
			continue;
		for (unsigned j = i; j + 1 < s->n; j++) {
			s->cls[j] = s->cls[j + 1];
			if (ranks)
				ranks[j] = ranks[j + 1];
		}
		s->n--;
		return;
	}
}

void
lockdep_spin_acquire(struct spinlock *l, bool try)
{
	unsigned id = this_cpu()->id;
	uint16_t cls = class_of(&l->ld_cls, l->name, false);

	if (cls == LD_NONE)
		return;
	if (!try)
		check(cls, l->rank, cpu_ranks[id]);
	push(&cpu_held[id], cls, cpu_ranks[id], l->rank);
}

void
lockdep_spin_release(struct spinlock *l)
{
	unsigned id = this_cpu()->id;
	uint16_t c = READ_ONCE(l->ld_cls);

	if (c && c - 1 != LD_NONE)
		pop(&cpu_held[id], (uint16_t)(c - 1), cpu_ranks[id]);
}

void
lockdep_sleep_acquire(struct lockdep_map *m)
{
	uint16_t cls = class_of(&m->cls, m->name, true);
	struct lockdep_held *s = thread_stack();
	unsigned long f;

	if (cls == LD_NONE || !s)
		return;
	f = arch_irq_save();
	check(cls, LOCK_RANK_NONE, cpu_ranks[this_cpu()->id]);
	arch_irq_restore(f);
	push(s, cls, NULL, 0);
}

void
lockdep_sleep_release(struct lockdep_map *m)
{
	struct lockdep_held *s = thread_stack();
	uint16_t c = READ_ONCE(m->cls);

	if (s && c && c - 1 != LD_NONE)
		pop(s, (uint16_t)(c - 1), NULL);
}

unsigned
lockdep_take_reports(void)
{
	return __atomic_exchange_n(&reports, 0, __ATOMIC_SEQ_CST);
}

#endif /* KEEL_DEBUG */
