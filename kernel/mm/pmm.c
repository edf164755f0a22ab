// SPDX-License-Identifier: MIT
/*
 * Physical memory: from the boot memory map to the buddy allocator.
 *
 * Bring-up runs in three steps, because the allocator's own metadata needs
 * memory before there is an allocator:
 *   1. pmm_early_init: normalize the firmware map and list what is in use
 *      (the first megabyte, the kernel image, the boot modules, the loader's
 *      information block);
 *   2. pmm_early_alloc: hand out pages from the top of the highest usable
 *      range below 4 GiB (the boot page tables map only that much), for the
 *      kernel's page tables and the frame array;
 *   3. pmm_init: create a struct page per frame and free every usable frame
 *      that is not in use, early allocations included.
 */
#include "mm/pmm.h"
#include "mm/buddy.h"
#include "mm/memmap.h"
#include "arch/arch.h"
#include "arch/bootinfo.h"
#include "core/panic.h"
#include "core/printk.h"
#include "lib/string.h"
#include "sync/spinlock.h"

#define MAX_RESERVED 32
#define LOW_4G (4ull << 30)

extern char __kernel_phys_start[], __kernel_end[];

static struct mem_range mmap[BOOT_MAX_MMAP];
static unsigned nmmap;
static struct mem_range reserved[MAX_RESERVED];
static unsigned nreserved;
static uint64_t early_top, early_low, early_limit;

/* Protects the zone's free lists and counts.  Lock order: leaf. */
static struct spinlock zone_lock = SPINLOCK_INIT("pmm");
static struct buddy_zone zone;     /* [zone_lock] */
static bool pmm_ready;
static uint64_t phys_end;

static void
reserve(uint64_t base, uint64_t end)
{
	if (nreserved == MAX_RESERVED)
		panic("pmm: too many reserved ranges");
	base = ALIGN_DOWN(base, PAGE_SIZE);
	end = ALIGN_UP(end, PAGE_SIZE);
	reserved[nreserved++] = (struct mem_range){ base, end - base, MEM_RESERVED };
}

static bool
is_reserved(uint64_t pa)
{
	for (unsigned i = 0; i < nreserved; i++)
		if (pa >= reserved[i].base && pa < reserved[i].base + reserved[i].len)
			return true;
	return false;
}

void
pmm_early_init(struct boot_info *bi)
{
	memcpy(mmap, bi->mmap, bi->nmmap * sizeof(mmap[0]));
	nmmap = memmap_normalize(mmap, bi->nmmap, BOOT_MAX_MMAP);
	if (nmmap == 0)
		panic("pmm: the boot loader gave no memory map");
	for (unsigned i = 0; i < nmmap; i++)
		phys_end = MAX(phys_end, mmap[i].base + mmap[i].len);

	reserve(0, 1 << 20);    /* BIOS data, EBDA, the real-mode trampoline */
	reserve((uint64_t)__kernel_phys_start, (uint64_t)__kernel_end - KERNEL_VMA);
	for (unsigned i = 0; i < bi->nmodules; i++)
		reserve(bi->modules[i].start, bi->modules[i].end);
	if (bi->mb_info_phys)
		reserve(bi->mb_info_phys, bi->mb_info_phys + MAX(bi->mb_info_len, 4096ull));

	/*
	 * The bump allocator takes the largest usable range above 1 MiB and
	 * below 4 GiB: UEFI firmware leaves only small pieces near the top.
	 */
	for (unsigned i = 0; i < nmmap; i++) {
		uint64_t lo = ALIGN_UP(MAX(mmap[i].base, 1ull << 20), PAGE_SIZE);
		uint64_t hi = ALIGN_DOWN(MIN(mmap[i].base + mmap[i].len, LOW_4G), PAGE_SIZE);
		if (mmap[i].type != MEM_USABLE || hi <= lo || hi - lo <= early_top - early_limit)
			continue;
		early_top = hi;
		early_limit = lo;
	}
	early_low = early_top;
}

paddr_t
pmm_early_alloc(void)
{
	if (pmm_ready)
		return pmm_alloc_zeroed(0);
	while (early_low > early_limit) {
		early_low -= PAGE_SIZE;
		if (!is_reserved(early_low)) {
			memset(phys_to_virt(early_low), 0, PAGE_SIZE);
			return early_low;
		}
	}
	return 0;
}

static void
free_usable(uint64_t base, uint64_t end)
{
	for (uint64_t pa = ALIGN_UP(base, PAGE_SIZE); pa + PAGE_SIZE <= end; pa += PAGE_SIZE) {
		uint64_t run = pa;
		/* Free maximal runs of unreserved frames in one call. */
		while (pa + PAGE_SIZE <= end && !is_reserved(pa))
			pa += PAGE_SIZE;
		if (pa > run)
			buddy_free_range(&zone, run >> PAGE_SHIFT, (pa - run) >> PAGE_SHIFT);
	}
}

void
pmm_init(void)
{
	uint64_t max_pfn = 0, npages, bytes;
	struct page *pages;
	paddr_t first = 0;

	for (unsigned i = 0; i < nmmap; i++)
		if (mmap[i].type == MEM_USABLE)
			max_pfn = MAX(max_pfn, (mmap[i].base + mmap[i].len) >> PAGE_SHIFT);
	npages = max_pfn;
	bytes = ALIGN_UP(npages * sizeof(struct page), PAGE_SIZE);
	/* The frame array: contiguous pages from the bump allocator. */
	for (uint64_t done = 0; done < bytes; done += PAGE_SIZE) {
		paddr_t pa = pmm_early_alloc();
		if (!pa)
			panic("pmm: no contiguous room for the frame array (%llu KiB)",
			      (unsigned long long)(bytes >> 10));
		/* A reserved page (a boot module, say) broke the run: start below it. */
		if (first && pa != first - PAGE_SIZE)
			done = 0;
		first = pa;
	}
	pages = phys_to_virt(first);
	buddy_init(&zone, pages, 0, npages);
	reserve(early_low, early_top);
	for (unsigned i = 0; i < nmmap; i++)
		if (mmap[i].type == MEM_USABLE)
			free_usable(mmap[i].base, mmap[i].base + mmap[i].len);
	pmm_ready = true;
	pr_info("pmm: %llu MiB usable, %llu MiB free, frame array %llu KiB\n",
		(unsigned long long)(memmap_total(mmap, nmmap, MEM_USABLE) >> 20),
		(unsigned long long)(zone.free_pages >> 8),
		(unsigned long long)(bytes >> 10));
}

paddr_t
pmm_alloc(unsigned order)
{
	int64_t pfn;
	struct page *p;

	spin_lock(&zone_lock);
	pfn = buddy_alloc(&zone, order);
	spin_unlock(&zone_lock);
	if (pfn < 0)
		return 0;
	p = buddy_page(&zone, (uint64_t)pfn);
	p->refcount = 1;
	p->owner = NULL;
	return (paddr_t)pfn << PAGE_SHIFT;
}

paddr_t
pmm_alloc_zeroed(unsigned order)
{
	paddr_t pa = pmm_alloc(order);

	if (pa)
		memset(phys_to_virt(pa), 0, PAGE_SIZE << order);
	return pa;
}

void
pmm_free(paddr_t pa, unsigned order)
{
	uint64_t pfn = pa >> PAGE_SHIFT;
	struct page *p;

	if (pfn >= zone.npages || (pfn & ((1ull << order) - 1)))
		panic("pmm_free: bad frame %#llx order %u", (unsigned long long)pa, order);
	p = buddy_page(&zone, pfn);
	if (p->flags & (PG_FREE | PG_RESERVED))
		panic("pmm_free: frame %#llx is %s", (unsigned long long)pa,
		      (p->flags & PG_FREE) ? "already free" : "reserved");
	p->refcount = 0;
	spin_lock(&zone_lock);
	buddy_free(&zone, pfn, order);
	spin_unlock(&zone_lock);
}

struct page *
pa_to_page(paddr_t pa)
{
	uint64_t pfn = pa >> PAGE_SHIFT;

	return pfn < zone.npages ? &zone.pages[pfn] : NULL;
}

paddr_t
page_to_pa(const struct page *p)
{
	return (paddr_t)(p - zone.pages) << PAGE_SHIFT;
}

void
page_get(struct page *p)
{
	__atomic_add_fetch(&p->refcount, 1, __ATOMIC_RELAXED);
}

void
page_put(struct page *p)
{
	int32_t n = __atomic_sub_fetch(&p->refcount, 1, __ATOMIC_ACQ_REL);

	if (n == 0)
		pmm_free(page_to_pa(p), 0);
	else if (n < 0)
		panic("page_put: frame %#llx refcount below zero",
		      (unsigned long long)page_to_pa(p));
}

/* Is pa in a reserved range other than [base, end)? */
static bool
reserved_elsewhere(uint64_t pa, uint64_t base, uint64_t end)
{
	for (unsigned i = 0; i < nreserved; i++) {
		const struct mem_range *r = &reserved[i];
		if (r->base == base && r->base + r->len == end)
			continue;
		if (pa >= r->base && pa < r->base + r->len)
			return true;
	}
	return false;
}

void
pmm_release_boot_range(paddr_t start, paddr_t end)
{
	uint64_t base = ALIGN_DOWN(start, PAGE_SIZE), top = ALIGN_UP(end, PAGE_SIZE);
	uint64_t n = 0;

	spin_lock(&zone_lock);
	for (uint64_t pa = base; pa < top; pa += PAGE_SIZE) {
		/* Pages shared with anything still reserved (a neighbouring module) stay. */
		if (reserved_elsewhere(pa, base, top) || (pa >> PAGE_SHIFT) >= zone.npages ||
		    !(zone.pages[pa >> PAGE_SHIFT].flags & PG_RESERVED))
			continue;
		buddy_free_range(&zone, pa >> PAGE_SHIFT, 1);
		n++;
	}
	spin_unlock(&zone_lock);
	pr_info("pmm: %llu KiB of boot module memory returned\n", (unsigned long long)(n * 4));
}

uint64_t
pmm_free_pages(void)
{
	return __atomic_load_n(&zone.free_pages, __ATOMIC_RELAXED);
}

uint64_t
pmm_phys_end(void)
{
	return phys_end;
}

void
pmm_stats(struct pmm_stats *st)
{
	spin_lock(&zone_lock);
	st->free_pages = zone.free_pages;
	st->max_pfn = zone.npages;
	spin_unlock(&zone_lock);
	st->total_pages = memmap_total(mmap, nmmap, MEM_USABLE) >> PAGE_SHIFT;
	st->reserved_pages = st->total_pages - st->free_pages;
}
