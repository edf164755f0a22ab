// SPDX-License-Identifier: MIT
// Slab caches and kmalloc on host pages.
// UNIT_SRCS: kernel/mm/slab.c kernel/lib/string.c
// UNIT_CFLAGS: -fno-builtin -Dmemcpy=k_memcpy -Dmemmove=k_memmove -Dmemset=k_memset -Dmemcmp=k_memcmp -Dmemchr=k_memchr -Dstrlen=k_strlen -Dstrnlen=k_strnlen -Dstrcmp=k_strcmp -Dstrncmp=k_strncmp -Dstrchr=k_strchr -Dstrrchr=k_strrchr -Dstrstr=k_strstr -Dstrlcpy=k_strlcpy -Dstrlcat=k_strlcat
#include <stdlib.h>
#include "unit.h"
#include "mm/slab.h"

static long pages_out;
static long large_out;

static void *host_page_alloc(void) { pages_out++; return aligned_alloc(SLAB_PAGE, SLAB_PAGE); }
static void host_page_free(void *p) { pages_out--; free(p); }

void *kmalloc_large(size_t size) { large_out++; return aligned_alloc(SLAB_PAGE, (size + SLAB_PAGE - 1) & ~(size_t)(SLAB_PAGE - 1)); }
void kfree_large(const void *p) { large_out--; free((void *)p); }
size_t kmalloc_large_pages(void) { return large_out; }

static void
setup(void)
{
	static int done;
	static const struct slab_pages hp = { host_page_alloc, host_page_free };

	if (!done) {
		slab_set_pages(&hp);
		kmalloc_init();
		done = 1;
	}
}

TEST(cache_fill_and_drain)
{
	struct kmem_cache *c;
	void *objs[500];

	setup();
	c = kmem_cache_create("test-100", 100, 8);
	CHECK(c != NULL);
	for (int i = 0; i < 500; i++) {
		objs[i] = kmem_cache_alloc(c);
		CHECK(objs[i] != NULL);
		CHECK_EQ((uintptr_t)objs[i] % 8, 0);
		memset(objs[i], i & 0xFF, 100);
		CHECK(kmem_cache_of(objs[i]) == c);
	}
	for (int i = 0; i < 500; i++)
		for (int j = 0; j < 100; j++)
			CHECK_EQ(((unsigned char *)objs[i])[j], i & 0xFF);
	for (int i = 0; i < 500; i += 2)
		kmem_cache_free(c, objs[i]);
	for (int i = 1; i < 500; i += 2)
		kmem_cache_free(c, objs[i]);
	kmem_cache_destroy(c);
}

TEST(empty_slabs_are_returned)
{
	struct kmem_cache *c;
	void *objs[1000];
	long before;

	setup();
	before = pages_out;
	c = kmem_cache_create("test-64", 64, 16);
	for (int i = 0; i < 1000; i++)
		objs[i] = kmem_cache_alloc(c);
	CHECK(pages_out - before >= 1000 * 64 / 4096);
	for (int i = 0; i < 1000; i++)
		kmem_cache_free(c, objs[i]);
	/* At most one empty slab is kept, plus the cache-of-caches page. */
	CHECK(pages_out - before <= 2);
	kmem_cache_destroy(c);
}

TEST(kmalloc_classes_and_large)
{
	struct kmalloc_stats a, b;
	void *p[64];

	setup();
	kmalloc_stats(&a);
	for (int i = 0; i < 64; i++) {
		p[i] = kmalloc((size_t)(i * 97 % 3000) + 1);
		CHECK(p[i] != NULL);
	}
	kmalloc_stats(&b);
	CHECK(b.objects > a.objects);
	CHECK(b.large_pages > a.large_pages);
	for (int i = 0; i < 64; i++)
		kfree(p[i]);
	kmalloc_stats(&b);
	CHECK_EQ(b.objects, a.objects);
	CHECK_EQ(b.large_pages, a.large_pages);
	{
		unsigned char *z = kzalloc(40);
		CHECK(z != NULL);
		for (int i = 0; i < 40; i++)
			CHECK_EQ(z[i], 0);
		kfree(z);
	}
}

TEST(bad_sizes_refused)
{
	setup();
	CHECK(kmem_cache_create("zero", 0, 8) == NULL);
	CHECK(kmem_cache_create("huge", 5000, 8) == NULL);
	CHECK(kmem_cache_create("badalign", 32, 3) == NULL);
}
