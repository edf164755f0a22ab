// SPDX-License-Identifier: MIT
/*
 * The common layer of page replacement: the registry of policies by name,
 * argument checks, counters, and helpers the policies share.  Every entry
 * point checks its request before a policy sees it, so a bad call (an entry
 * inserted twice, evicting a page that is not resident) returns an errno
 * and leaves the policy's lists as they were.
 */
#include "mm/reclaim/internal.h"
#include "lib/string.h"
#include "uapi/errno.h"

static const struct reclaim_policy *const registry[] = {
	&reclaim_clock, &reclaim_arc, &reclaim_car, &reclaim_cart,
	&reclaim_fifo, &reclaim_lru,
};

const struct reclaim_policy *
reclaim_policy_at(size_t i)
{
	return i < ARRAY_SIZE(registry) ? registry[i] : NULL;
}

const struct reclaim_policy *
reclaim_policy_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(registry); i++) {
		if (strcmp(registry[i]->name, name) == 0)
			return registry[i];
	}
	return NULL;
}

const struct reclaim_policy *
reclaim_policy_select(const char *name)
{
	const struct reclaim_policy *pol = reclaim_policy_find(name);

	/* Clock is the default: it needs no list motion on a hit. */
	return pol ? pol : &reclaim_clock;
}

void *
reclaim_zalloc(struct reclaim *r, size_t size)
{
	void *p = r->params.mem.alloc(size, r->params.mem.arg);

	if (p)
		memset(p, 0, size);
	return p;
}

void
reclaim_free(struct reclaim *r, void *p)
{
	if (p && r->params.mem.free)
		r->params.mem.free(p, r->params.mem.arg);
}

int
reclaim_init(struct reclaim *r, const struct reclaim_policy *pol,
	     const struct reclaim_params *params)
{
	int err;

	if (!pol || !params || params->capacity == 0 ||
	    params->capacity > RECLAIM_MAX_CAPACITY || !params->mem.alloc)
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	r->policy = pol;
	r->params = *params;
	err = pol->init(r);
	if (err)
		r->policy = NULL;
	return err;
}

void
reclaim_destroy(struct reclaim *r)
{
	if (r->policy)
		r->policy->destroy(r);
	r->policy = NULL;
	r->priv = NULL;
}

void
reclaim_entry_init(struct reclaim_entry *e, uint64_t key)
{
	list_init(&e->link);
	e->key = key;
	e->list = RECLAIM_LIST_NONE;
	e->referenced = 0;
	e->pinned = 0;
	e->filter = RECLAIM_FILTER_S;
}

int
reclaim_insert(struct reclaim *r, struct reclaim_entry *e)
{
	if (reclaim_entry_resident(e))
		return -EBUSY;
	if (r->resident >= r->params.capacity)
		return -ENOSPC;
	r->policy->insert(r, e);
	r->resident++;
	r->stats.inserts++;
	return 0;
}

int
reclaim_access(struct reclaim *r, struct reclaim_entry *e)
{
	if (!reclaim_entry_resident(e))
		return -EINVAL;
	r->policy->access(r, e);
	r->stats.accesses++;
	return 0;
}

struct reclaim_entry *
reclaim_victim(struct reclaim *r, uint64_t incoming)
{
	struct reclaim_entry *e = NULL;

	if (r->resident)
		e = r->policy->victim(r, incoming);
	if (e)
		r->stats.victims++;
	else
		r->stats.no_victim++;
	return e;
}

int
reclaim_evicted(struct reclaim *r, struct reclaim_entry *e)
{
	if (!reclaim_entry_resident(e))
		return -EINVAL;
	r->policy->evicted(r, e);
	r->resident--;
	r->stats.evictions++;
	return 0;
}

int
reclaim_remove(struct reclaim *r, struct reclaim_entry *e)
{
	if (!reclaim_entry_resident(e))
		return -EINVAL;
	r->policy->remove(r, e);
	r->resident--;
	r->stats.removes++;
	return 0;
}

const char *
reclaim_check(const struct reclaim *r)
{
	if (r->resident > r->params.capacity)
		return "more entries resident than the capacity";
	return r->policy->check(r);
}

void
reclaim_get_stats(const struct reclaim *r, struct reclaim_stats *st)
{
	*st = r->stats;
	st->t1 = st->t2 = st->b1 = st->b2 = st->p = st->q = 0;
	r->policy->sizes(r, st);
}

struct reclaim_entry *
reclaim_first_unpinned(struct reclaim *r, struct list_node *h)
{
	list_for_each(pos, h) {
		struct reclaim_entry *e = reclaim_entry_of(pos);

		r->stats.scanned++;
		if (!reclaim_pinned(r, e))
			return e;
	}
	return NULL;
}

const char *
reclaim_check_list(const struct list_node *h, size_t n, uint8_t which, const char *why)
{
	size_t seen = 0;

	list_for_each(pos, h) {
		const struct reclaim_entry *e = list_entry(pos, struct reclaim_entry, link);

		if (e->list != which || ++seen > n || pos->next->prev != pos)
			return why;
	}
	return seen == n ? NULL : why;
}
