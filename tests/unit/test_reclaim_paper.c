// SPDX-License-Identifier: MIT
// Keel's clock, ARC, CAR and CART against the papers' pseudo-code.
// UNIT_SRCS: kernel/mm/reclaim/reclaim.c kernel/mm/reclaim/ghost.c kernel/mm/reclaim/fifo_lru.c
// UNIT_SRCS: kernel/mm/reclaim/clock.c kernel/mm/reclaim/arc.c
// UNIT_SRCS: kernel/mm/reclaim/car.c kernel/mm/reclaim/cart.c
/*
 * The kernel's policies are written for the kernel: intrusive lists, a
 * hashed ghost pool, and the work of one miss split into victim(),
 * evicted() and insert().  Here each algorithm is transcribed a second
 * time, as plainly as possible, in the papers' own one-call form
 * ("on a reference to x: ...") over arrays searched linearly.  Both
 * versions replay the same traces and must fault on exactly the same
 * references; any difference in a case, a bound or an adaptation step
 * shows up as a different fault count.
 */
#include "unit.h"
#include "mm/reclaim.h"

#define MAXC 80
#define SEQ_MAX (2 * MAXC + 4)

/* ---- a list as an array, front = LRU / head ------------------------- */

struct item {
	uint32_t key;
	uint8_t ref;
	uint8_t longterm;   /* CART's filter: 1 = "L" */
};

struct seq {
	struct item a[SEQ_MAX];
	size_t n;
};

static long
seq_find(const struct seq *s, uint32_t key)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->a[i].key == key)
			return (long)i;
	return -1;
}

static struct item
seq_take(struct seq *s, size_t i)
{
	struct item it = s->a[i];

	memmove(&s->a[i], &s->a[i + 1], (s->n - i - 1) * sizeof(it));
	s->n--;
	return it;
}

static void
seq_push(struct seq *s, struct item it)
{
	s->a[s->n++] = it;
}

static struct item
seq_pop(struct seq *s)
{
	return seq_take(s, 0);
}

static bool
seq_has(const struct seq *s, uint32_t key)
{
	return seq_find(s, key) >= 0;
}

static size_t
max_sz(size_t a, size_t b)
{
	return a > b ? a : b;
}

static size_t
min_sz(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* ---- CLOCK ------------------------------------------------------------ */

static size_t
model_clock(const uint32_t *tr, size_t n, size_t c)
{
	static struct seq ring;
	size_t faults = 0;

	ring.n = 0;
	for (size_t i = 0; i < n; i++) {
		long at = seq_find(&ring, tr[i]);

		if (at >= 0) {
			ring.a[at].ref = 1;
			continue;
		}
		faults++;
		while (ring.n == c) {
			struct item h = seq_pop(&ring);

			if (h.ref) {
				h.ref = 0;
				seq_push(&ring, h);
			}
		}
		seq_push(&ring, (struct item){ tr[i], 0, 0 });
	}
	return faults;
}

/* ---- ARC (FAST'03, Fig. 4) -------------------------------------------- */

static struct seq t1, t2, b1, b2;
static size_t p, q, ns, nl;

static void
arc_replace(bool x_in_b2)
{
	if (t1.n >= 1 && ((x_in_b2 && t1.n == p) || t1.n > p))
		seq_push(&b1, seq_pop(&t1));
	else
		seq_push(&b2, seq_pop(&t2));
}

static void
arc_miss(uint32_t x, size_t c)
{
	size_t l1 = t1.n + b1.n, l2 = t2.n + b2.n;

	if (l1 == c) {
		if (t1.n < c) {
			seq_pop(&b1);
			arc_replace(false);
		} else {
			seq_pop(&t1);
		}
	} else if (l1 + l2 >= c) {
		if (l1 + l2 == 2 * c)
			seq_pop(&b2);
		arc_replace(false);
	}
	seq_push(&t1, (struct item){ x, 0, 0 });
}

static size_t
model_arc(const uint32_t *tr, size_t n, size_t c)
{
	size_t faults = 0;

	t1.n = t2.n = b1.n = b2.n = p = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t x = tr[i];
		long at;

		if ((at = seq_find(&t1, x)) >= 0 || (at = seq_find(&t2, x)) >= 0) {
			seq_push(&t2, seq_take(seq_has(&t1, x) ? &t1 : &t2, (size_t)at));
			continue;
		}
		faults++;
		if ((at = seq_find(&b1, x)) >= 0) {
			p = min_sz(c, p + max_sz(b2.n / b1.n, 1));
			arc_replace(false);
			seq_push(&t2, seq_take(&b1, (size_t)seq_find(&b1, x)));
		} else if ((at = seq_find(&b2, x)) >= 0) {
			size_t d = max_sz(b1.n / b2.n, 1);

			p = p > d ? p - d : 0;
			arc_replace(true);
			seq_push(&t2, seq_take(&b2, (size_t)seq_find(&b2, x)));
		} else {
			arc_miss(x, c);
		}
	}
	return faults;
}

/* ---- CAR (FAST'04, Fig. 2) -------------------------------------------- */

static void
car_replace(void)
{
	for (;;) {
		if (t1.n >= max_sz(1, p)) {
			struct item h = seq_pop(&t1);

			if (!h.ref) {
				seq_push(&b1, h);
				return;
			}
			h.ref = 0;
			seq_push(&t2, h);
		} else {
			struct item h = seq_pop(&t2);

			if (!h.ref) {
				seq_push(&b2, h);
				return;
			}
			h.ref = 0;
			seq_push(&t2, h);
		}
	}
}

static size_t
model_car(const uint32_t *tr, size_t n, size_t c)
{
	size_t faults = 0;

	t1.n = t2.n = b1.n = b2.n = p = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t x = tr[i];
		long at;
		bool hist;

		if ((at = seq_find(&t1, x)) >= 0 || (at = seq_find(&t2, x)) >= 0) {
			(seq_has(&t1, x) ? &t1 : &t2)->a[at].ref = 1;
			continue;
		}
		faults++;
		hist = seq_has(&b1, x) || seq_has(&b2, x);
		if (t1.n + t2.n == c) {
			car_replace();
			if (!hist && t1.n + b1.n == c)
				seq_pop(&b1);
			else if (!hist && t1.n + t2.n + b1.n + b2.n == 2 * c)
				seq_pop(&b2);
		}
		if (!hist) {
			seq_push(&t1, (struct item){ x, 0, 0 });
		} else if (seq_has(&b1, x)) {
			p = min_sz(p + max_sz(1, b2.n / b1.n), c);
			seq_push(&t2, seq_take(&b1, (size_t)seq_find(&b1, x)));
		} else {
			size_t d = max_sz(1, b1.n / b2.n);

			p = p > d ? p - d : 0;
			seq_push(&t2, seq_take(&b2, (size_t)seq_find(&b2, x)));
		}
	}
	return faults;
}

/* ---- CART (FAST'04, Fig. 3) ------------------------------------------- */

static void
cart_q_up(size_t c)
{
	if (t2.n + b2.n + t1.n - ns >= c)
		q = min_sz(q + 1, 2 * c - t1.n);
}

static void
cart_replace(size_t c)
{
	while (t2.n && t2.a[0].ref) {
		struct item h = seq_pop(&t2);

		h.ref = 0;
		seq_push(&t1, h);
		cart_q_up(c);
	}
	while (t1.n && (t1.a[0].longterm || t1.a[0].ref)) {
		struct item h = seq_pop(&t1);

		if (h.ref) {
			h.ref = 0;
			seq_push(&t1, h);
			if (t1.n >= min_sz(p + 1, b1.n) && !h.longterm) {
				t1.a[t1.n - 1].longterm = 1;
				ns--;
				nl++;
			}
		} else {
			seq_push(&t2, h);
			q = max_sz(q ? q - 1 : 0, c - t1.n);
		}
	}
	if (t1.n >= max_sz(1, p)) {
		seq_push(&b1, seq_pop(&t1));
		ns--;
	} else {
		seq_push(&b2, seq_pop(&t2));
		nl--;
	}
}

static void
cart_history_miss(uint32_t x, size_t c)
{
	if (t1.n + t2.n == c) {
		cart_replace(c);
		if (b1.n + b2.n == c + 1) {
			if (b1.n > q || b2.n == 0)
				seq_pop(&b1);
			else
				seq_pop(&b2);
		}
	}
	seq_push(&t1, (struct item){ x, 0, 0 });
	ns++;
}

static size_t
model_cart(const uint32_t *tr, size_t n, size_t c)
{
	size_t faults = 0;

	t1.n = t2.n = b1.n = b2.n = p = q = ns = nl = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t x = tr[i];
		long at;

		if ((at = seq_find(&t1, x)) >= 0 || (at = seq_find(&t2, x)) >= 0) {
			(seq_has(&t1, x) ? &t1 : &t2)->a[at].ref = 1;
			continue;
		}
		faults++;
		if (!seq_has(&b1, x) && !seq_has(&b2, x)) {
			cart_history_miss(x, c);
			continue;
		}
		if (t1.n + t2.n == c)
			cart_replace(c);
		if (seq_has(&b1, x)) {
			p = min_sz(p + max_sz(1, ns / b1.n), c);
			seq_take(&b1, (size_t)seq_find(&b1, x));
			seq_push(&t1, (struct item){ x, 0, 1 });
			nl++;
		} else {
			size_t d = max_sz(1, nl / b2.n);

			p = p > d ? p - d : 0;
			seq_take(&b2, (size_t)seq_find(&b2, x));
			seq_push(&t1, (struct item){ x, 0, 1 });
			nl++;
			cart_q_up(c);
		}
	}
	return faults;
}

/* ---- Keel's policies on the same trace -------------------------------- */

static void *
t_alloc(size_t size, void *arg)
{
	return malloc(size);
}

static void
t_free(void *ptr, void *arg)
{
	free(ptr);
}

#define UNIVERSE 1200

static size_t
keel_faults(const struct reclaim_policy *pol, const uint32_t *tr, size_t n, size_t c)
{
	static struct reclaim_entry ents[UNIVERSE];
	struct reclaim_params prm = { .capacity = c, .mem = { t_alloc, t_free, NULL } };
	struct reclaim r;
	size_t faults = 0;

	if (reclaim_init(&r, pol, &prm))
		return (size_t)-1;
	for (uint32_t k = 0; k < UNIVERSE; k++)
		reclaim_entry_init(&ents[k], 0xabc00000ull + k * 7919ull);
	for (size_t i = 0; i < n; i++) {
		struct reclaim_entry *e = &ents[tr[i]];

		if (reclaim_entry_resident(e)) {
			reclaim_access(&r, e);
			continue;
		}
		faults++;
		if (r.resident == c && reclaim_evicted(&r, reclaim_victim(&r, e->key)))
			faults = (size_t)-1;
		if (reclaim_insert(&r, e))
			faults = (size_t)-1;
	}
	reclaim_destroy(&r);
	return faults;
}

/* ---- traces ------------------------------------------------------------ */

static uint64_t rng = 0x2545F4914F6CDD1Dull;

static uint32_t
below(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* Shapes: uniform, skewed, hot set plus scans, loops in phases, pairs. */
static size_t
make_trace(uint32_t *tr, size_t n, int kind)
{
	uint32_t next = 100;

	for (size_t i = 0; i < n; i++) {
		switch (kind) {
		case 0:
			tr[i] = below(150);
			break;
		case 1: /* roughly 1/k: the minimum of three uniform draws */
			tr[i] = MIN(MIN(below(800), below(800)), below(800));
			break;
		case 2:
			tr[i] = below(10) < 3 && next < UNIVERSE - 1 ? next++ : below(100);
			break;
		case 3:
			tr[i] = (uint32_t)((i % (40 + 60 * (i / 700 % 4))) + 30 * (i / 700));
			tr[i] %= UNIVERSE;
			break;
		default: /* a new page twice in a row, or one of a hot set */
			if (i + 1 < n && below(10) < 3 && next < UNIVERSE - 1) {
				tr[i++] = next;
				tr[i] = next++;
			} else {
				tr[i] = below(120);
			}
			break;
		}
	}
	return n;
}

typedef size_t (*model_fn)(const uint32_t *, size_t, size_t);

static void
compare(const struct reclaim_policy *pol, model_fn model)
{
	static uint32_t tr[3000];
	static const size_t sizes[] = { 1, 2, 3, 7, 16, 41, MAXC };

	for (int kind = 0; kind < 5; kind++) {
		size_t n = make_trace(tr, 3000, kind);

		for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
			size_t want = model(tr, n, sizes[s]);
			size_t got = keel_faults(pol, tr, n, sizes[s]);

			if (want != got)
				printf("  %s, trace kind %d, c=%zu: model %zu faults, keel %zu\n",
				       pol->name, kind, sizes[s], want, got);
			CHECK_EQ(got, want);
		}
	}
}

TEST(clock_matches_second_chance)
{
	compare(&reclaim_clock, model_clock);
}

TEST(arc_matches_fast03_pseudocode)
{
	compare(&reclaim_arc, model_arc);
}

TEST(car_matches_fast04_pseudocode)
{
	compare(&reclaim_car, model_car);
}

TEST(cart_matches_fast04_pseudocode)
{
	compare(&reclaim_cart, model_cart);
}
