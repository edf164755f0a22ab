// SPDX-License-Identifier: MIT
/*
 * ktests for page replacement inside the kernel: the policies are built
 * with the kernel's flags (no floating point, no libc) and get their state
 * from kmalloc, and the entries they order are the `rec` fields of real
 * struct pages.  The behaviour itself is tested on the host
 * (tests/unit/test_reclaim.c, tools/policylab).
 */
#include "core/ktest.h"
#include "mm/page.h"
#include "mm/reclaim.h"
#include "mm/slab.h"

#define KT_PAGES 48
#define KT_CAP   16

static void *
kt_alloc(size_t size, void *arg)
{
	return kmalloc(size);
}

static void
kt_free(void *p, void *arg)
{
	kfree(p);
}

/* Fault pages in a loop larger than the cache, evicting as needed. */
static int
kt_run_policy(const struct reclaim_policy *pol, struct page *pages)
{
	struct reclaim_params prm = {
		.capacity = KT_CAP,
		.mem = { kt_alloc, kt_free, NULL },
	};
	struct reclaim r;

	KT_EQ(reclaim_init(&r, pol, &prm), 0);
	for (int i = 0; i < KT_PAGES; i++)
		reclaim_entry_init(&pages[i].rec, 0x1000 + (uint64_t)i);
	pages[3].rec.pinned = 1;
	for (int step = 0; step < 400; step++) {
		struct reclaim_entry *e = &pages[(step * 7) % KT_PAGES].rec;

		if (reclaim_entry_resident(e)) {
			KT_EQ(reclaim_access(&r, e), 0);
			continue;
		}
		if (r.resident == KT_CAP) {
			struct reclaim_entry *v = reclaim_victim(&r, e->key);

			KT_ASSERT(v && !v->pinned);
			KT_EQ(reclaim_evicted(&r, v), 0);
		}
		KT_EQ(reclaim_insert(&r, e), 0);
		KT_ASSERT(reclaim_check(&r) == NULL);
	}
	for (int i = 0; i < KT_PAGES; i++)
		if (reclaim_entry_resident(&pages[i].rec))
			KT_EQ(reclaim_remove(&r, &pages[i].rec), 0);
	KT_EQ(r.resident, 0);
	reclaim_destroy(&r);
	return 0;
}

KTEST(mm_reclaim_policies_in_kernel, "every replacement policy runs on struct pages with kmalloc")
{
	static struct page pages[KT_PAGES];
	const struct reclaim_policy *pol;

	KT_ASSERT(reclaim_policy_select(NULL) == &reclaim_clock);
	KT_ASSERT(reclaim_policy_select("nonsense") == &reclaim_clock);
	KT_ASSERT(reclaim_policy_find("cart") == &reclaim_cart);
	for (size_t i = 0; (pol = reclaim_policy_at(i)); i++) {
		if (kt_run_policy(pol, pages)) {
			printk(KERN_ERR "ktest:   policy %s failed\n", pol->name);
			return -1;
		}
	}
	return 0;
}
