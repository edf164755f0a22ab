// SPDX-License-Identifier: MIT
/* ktests for the frame allocator, the slab allocator and kernel stacks. */
#include "core/ktest.h"
#include "arch/arch.h"
#include "mm/kmap.h"
#include "mm/pmm.h"
#include "mm/slab.h"
#include "lib/string.h"

#define NBLOCKS 256

static uint64_t rng = 88172645463325252ull;

static uint64_t
xorshift(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

KTEST(mm_buddy_stress, "random buddy allocations and frees return every frame")
{
	static paddr_t blocks[NBLOCKS];
	static unsigned orders[NBLOCKS];
	uint64_t start = pmm_free_pages();

	for (int round = 0; round < 20; round++) {
		for (int i = 0; i < NBLOCKS; i++) {
			orders[i] = xorshift() % 6;
			blocks[i] = pmm_alloc(orders[i]);
			KT_ASSERT(blocks[i]);
			KT_ASSERT(IS_ALIGNED(blocks[i], (uint64_t)PAGE_SIZE << orders[i]));
			/* Stamp the block so overlapping allocations would show. */
			*(uint64_t *)phys_to_virt(blocks[i]) = blocks[i];
		}
		for (int i = 0; i < NBLOCKS; i++)
			KT_EQ(*(uint64_t *)phys_to_virt(blocks[i]), blocks[i]);
		/* Free in a shuffled order so merges happen in every pattern. */
		for (int i = NBLOCKS - 1; i > 0; i--) {
			int j = xorshift() % (i + 1);
			paddr_t b = blocks[i]; unsigned o = orders[i];
			blocks[i] = blocks[j]; orders[i] = orders[j];
			blocks[j] = b; orders[j] = o;
		}
		for (int i = 0; i < NBLOCKS; i++)
			pmm_free(blocks[i], orders[i]);
	}
	KT_EQ(pmm_free_pages(), start);
	return 0;
}

KTEST(mm_kmalloc_counters, "kmalloc of every size class and large blocks, then the counters return")
{
	static void *p[200];
	struct kmalloc_stats before, during, after;

	kmalloc_stats(&before);
	for (int i = 0; i < 200; i++) {
		size_t sz = 1 + (xorshift() % (i % 10 == 0 ? 20000 : 1100));
		p[i] = kmalloc(sz);
		KT_ASSERT(p[i]);
		memset(p[i], i, sz);
	}
	kmalloc_stats(&during);
	KT_ASSERT(during.objects > before.objects);
	for (int i = 0; i < 200; i++)
		kfree(p[i]);
	kmalloc_stats(&after);
	KT_EQ(after.objects, before.objects);
	KT_EQ(after.large_pages, before.large_pages);
	return 0;
}

KTEST(mm_kstack_guard, "kernel stacks come with an unmapped guard page below")
{
	uint8_t *s = kstack_alloc();

	KT_ASSERT(s);
	s[0] = 1;
	s[KSTACK_SIZE - 1] = 2;
	KT_ASSERT(kstack_is_guard((uint64_t)s - 1));
	KT_ASSERT(!kstack_is_guard((uint64_t)s));
	kstack_free(s);
	return 0;
}
