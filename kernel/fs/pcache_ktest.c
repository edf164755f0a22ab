// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of the page cache (fs/pcache.h): which pages reclaim may
 * take, and when write-back may call a page clean.
 */
#include "core/ktest.h"
#include "fs/pcache.h"
#include "mm/pmm.h"

/* Pages held by their owner, dirty or mapped stay; clean, unheld, unmapped ones go. */
KTEST(fs_pcache_reclaim_takes_only_clean_unused_pages,
      "page cache: reclaim leaves held, dirty and mapped pages, takes the rest")
{
	uint64_t before = pcache_total_pages(), dirty_before = pcache_dirty_pages();
	struct pcache pc;
	struct pcache_page *a, *b, *c;
	paddr_t mapped;

	pcache_init(&pc);
	a = pcache_add(&pc, 0);
	b = pcache_add(&pc, 5);
	c = pcache_add(&pc, 1u << 20);          /* far out: a tall tree */
	KT_ASSERT(a && b && c);
	KT_EQ(pcache_total_pages(), before + 3);
	KT_EQ(pcache_shrink(&pc, 10), 0);        /* all three held */
	pcache_release(&pc, a);
	pcache_release(&pc, b);
	pcache_release(&pc, c);
	pcache_dirty(&pc, a);
	mapped = pcache_map_page(b);             /* as a shared mapping does */
	KT_EQ(pcache_dirty_pages(), dirty_before + 1);
	KT_EQ(pcache_shrink(&pc, 10), 1);        /* only c */
	KT_ASSERT(pcache_find(&pc, 1u << 20) == NULL);
	/* A mapped page stays dirty after write-back: the mapping may write it. */
	pcache_dirty(&pc, b);
	KT_ASSERT(!pcache_clean(&pc, b));
	page_put(pa_to_page(mapped));            /* unmapped */
	KT_ASSERT(pcache_clean(&pc, b));
	KT_ASSERT(pcache_clean(&pc, a));
	KT_EQ(pcache_dirty_pages(), dirty_before);
	KT_EQ(pcache_shrink(&pc, 10), 2);
	pcache_destroy(&pc, NULL, NULL);
	KT_EQ(pcache_total_pages(), before);
	return 0;
}

/* Dirty pages come back in index order, from a starting index on; truncate cuts the tail. */
KTEST(fs_pcache_dirty_batch_and_truncate,
      "page cache: dirty pages in index order; truncate drops the tail")
{
	uint64_t before = pcache_total_pages();
	struct pcache_page *pg[6], *out[6];
	struct pcache pc;
	unsigned n;

	pcache_init(&pc);
	for (unsigned i = 0; i < 6; i++) {
		pg[i] = pcache_add(&pc, 10 * (5 - i));
		KT_ASSERT(pg[i] != NULL);
		pcache_release(&pc, pg[i]);
		if (i % 2 == 0)
			pcache_dirty(&pc, pg[i]);       /* indexes 50, 30, 10 */
	}
	n = pcache_dirty_batch(&pc, 0, out, 6);
	KT_EQ(n, 3);
	KT_EQ(out[0]->index, 10);
	KT_EQ(out[2]->index, 50);
	KT_EQ(pcache_dirty_batch(&pc, 11, out, 6), 2);
	pcache_truncate(&pc, 25, NULL, NULL);    /* 30, 40, 50 go */
	KT_EQ(pc.pages.count, 3);
	KT_EQ(pc.ndirty, 1);
	pcache_destroy(&pc, NULL, NULL);
	KT_EQ(pcache_total_pages(), before);
	return 0;
}
