// SPDX-License-Identifier: MIT
/*
 * Replaying a trace.  sim_run() drives a Keel policy exactly as the kernel
 * will under demand paging: a reference to a resident page is a hit and is
 * reported with reclaim_access(); a miss with all c frames in use first
 * asks reclaim_victim() (naming the incoming page) and reports the eviction
 * with reclaim_evicted(), then makes the new page resident with
 * reclaim_insert().  Every miss counts, the c cold ones included.
 *
 * sim_opt() is Belady's MIN: on a miss with the frames full, evict the
 * resident page whose next reference lies furthest in the future.  It is
 * optimal for demand paging, so no policy may ever beat it on any trace;
 * check.c asserts that.  The "next use" of every reference is found in one
 * backward pass, and a max-heap keyed by next use (with stale entries
 * skipped as they surface) finds the victim in O(log n).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab.h"

void *
lab_alloc(size_t size, void *arg)
{
	return malloc(size);
}

void
lab_free(void *p, void *arg)
{
	free(p);
}

/* Page numbers become 64-bit keys, as (object, offset) hashes would be. */
static uint64_t
lab_key(uint32_t page)
{
	struct lab_rng g = { page };

	return lab_rand(&g);
}

/* The pages pinned so far, oldest first; at most c/2, so a victim exists. */
struct pin_set {
	uint32_t *pages;
	size_t n, max;
	struct lab_rng g;
};

static void
pin_maybe(struct pin_set *ps, struct reclaim_entry *ents, uint32_t page, unsigned pct)
{
	if (!ps->max || ents[page].pinned || lab_below(&ps->g, 100) >= pct)
		return;
	if (ps->n == ps->max) {
		ents[ps->pages[0]].pinned = 0;
		memmove(ps->pages, ps->pages + 1, (ps->n - 1) * sizeof(*ps->pages));
		ps->n--;
	}
	ents[page].pinned = 1;
	ps->pages[ps->n++] = page;
}

/* One miss: make room if the frames are full, then bring the page in. */
static const char *
sim_miss(struct reclaim *r, struct reclaim_entry *e, size_t c)
{
	if (r->resident == c) {
		struct reclaim_entry *v = reclaim_victim(r, e->key);

		if (!v)
			return "no victim although unpinned pages are resident";
		if (v->pinned)
			return "a pinned page was chosen as victim";
		if (!reclaim_entry_resident(v))
			return "the victim is not resident";
		if (reclaim_evicted(r, v))
			return "reclaim_evicted refused the victim";
	}
	return reclaim_insert(r, e) ? "reclaim_insert failed" : NULL;
}

static void
sim_replay(struct reclaim *r, struct reclaim_entry *ents, const struct trace *t,
	   size_t c, const struct sim_opts *o, struct sim_result *res)
{
	struct pin_set ps = { .max = o->pin_pct ? c / 2 : 0, .g = { o->seed } };

	ps.pages = calloc(ps.max + 1, sizeof(*ps.pages));
	for (size_t i = 0; i < t->n && !res->error; i++) {
		struct reclaim_entry *e = &ents[t->refs[i]];
		bool hit = reclaim_entry_resident(e);

		res->refs++;
		if (hit) {
			res->hits++;
			reclaim_access(r, e);
		} else {
			res->error = sim_miss(r, e, c);
		}
		if (t->measure && t->measure[i]) {
			res->measured++;
			res->measured_hits += hit;
		}
		pin_maybe(&ps, ents, t->refs[i], o->pin_pct);
		if (o->check_every && i % o->check_every == 0 && !res->error)
			res->error = reclaim_check(r);
	}
	if (!res->error)
		res->error = reclaim_check(r);
	free(ps.pages);
}

void
sim_run(const struct reclaim_policy *pol, const struct trace *t, size_t c,
	const struct sim_opts *o, struct sim_result *res)
{
	struct reclaim_params prm = { .capacity = c, .mem = { lab_alloc, lab_free, NULL } };
	struct reclaim_entry *ents = calloc(t->universe + 1, sizeof(*ents));
	struct reclaim r;

	memset(res, 0, sizeof(*res));
	if (!ents || reclaim_init(&r, pol, &prm)) {
		res->error = "cannot set the policy up";
		free(ents);
		return;
	}
	for (uint32_t k = 0; k < t->universe; k++)
		reclaim_entry_init(&ents[k], lab_key(k));
	sim_replay(&r, ents, t, c, o, res);
	reclaim_destroy(&r);
	free(ents);
}

/* ---- OPT ---------------------------------------------------------------- */

struct heap_item {
	size_t next;     /* position of the page's next reference */
	uint32_t page;
};

struct heap {
	struct heap_item *a;
	size_t n;
};

static void
heap_push(struct heap *h, size_t next, uint32_t page)
{
	size_t i = h->n++;

	while (i > 0 && h->a[(i - 1) / 2].next < next) {
		h->a[i] = h->a[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h->a[i] = (struct heap_item){ next, page };
}

static struct heap_item
heap_pop(struct heap *h)
{
	struct heap_item top = h->a[0], last = h->a[--h->n];
	size_t i = 0;

	for (;;) {
		size_t k = 2 * i + 1;

		if (k >= h->n)
			break;
		if (k + 1 < h->n && h->a[k + 1].next > h->a[k].next)
			k++;
		if (h->a[k].next <= last.next)
			break;
		h->a[i] = h->a[k];
		i = k;
	}
	if (h->n)
		h->a[i] = last;
	return top;
}

/* The resident page used furthest in the future (stale heap items skipped). */
static uint32_t
opt_victim(struct heap *h, const uint8_t *resident, const size_t *cur)
{
	for (;;) {
		struct heap_item it = heap_pop(h);

		if (resident[it.page] && cur[it.page] == it.next)
			return it.page;
	}
}

void
sim_opt(const struct trace *t, size_t c, struct sim_result *res)
{
	size_t *next = calloc(t->n + 1, sizeof(*next));
	size_t *last = calloc(t->universe + 1, sizeof(*last));
	size_t *cur = calloc(t->universe + 1, sizeof(*cur));
	uint8_t *resident = calloc(t->universe + 1, 1);
	struct heap h = { calloc(t->n + 1, sizeof(struct heap_item)), 0 };
	size_t count = 0;

	memset(res, 0, sizeof(*res));
	if (!next || !last || !cur || !resident || !h.a) {
		res->error = "out of memory";
		goto out;
	}
	for (uint32_t k = 0; k < t->universe; k++)
		last[k] = t->n;   /* "never again" */
	for (size_t i = t->n; i-- > 0;) {
		next[i] = last[t->refs[i]];
		last[t->refs[i]] = i;
	}
	for (size_t i = 0; i < t->n; i++) {
		uint32_t k = t->refs[i];
		bool hit = resident[k];

		res->refs++;
		res->hits += hit;
		if (t->measure && t->measure[i]) {
			res->measured++;
			res->measured_hits += hit;
		}
		if (!hit && count == c) {
			resident[opt_victim(&h, resident, cur)] = 0;
			count--;
		}
		if (!hit) {
			resident[k] = 1;
			count++;
		}
		cur[k] = next[i];
		heap_push(&h, next[i], k);
	}
out:
	free(next);
	free(last);
	free(cur);
	free(resident);
	free(h.a);
}
