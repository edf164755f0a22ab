// SPDX-License-Identifier: MIT
/*
 * Regular files' data in the page cache: filling pages from the disk,
 * reserving blocks for new data, writing dirty pages back, truncation.
 *
 * A page holds bpp = 4096 / block_size pieces, each one file-system
 * block (ext2 block sizes above 4 KiB are refused at mount).  A piece is,
 * on disk, one of three things:
 *
 *   mapped    the block map points at a block: read it, write it back
 *   reserved  a block was allocated by write() but is not in the map yet
 *             (pg->reserved[i]): write-back writes it, then links it
 *   a hole    nothing: reads as zeros, and is never written
 *
 * Only pieces below the end of the file count; bytes past the end in the
 * last page are zeroed before it is written, so the disk keeps the rule
 * the library relies on (the tail of the last block is zero).
 *
 * Data moves between pages and the disk straight from and into the page
 * frames (blk_read, and scatter writes of whole write-back batches with
 * blk_write_sg), never through the buffer cache: a block of file data is
 * cached once, in its page.
 */
#include "fs/ext2fs/ext2fs.h"
#include "block/bcache.h"
#include "block/blk.h"
#include "core/printk.h"
#include "lib/string.h"
#include "mm/pmm.h"
#include "mm/slab.h"
#include "uapi/errno.h"
#include "uapi/stat.h"

#define PAGE PCACHE_PAGE_SIZE
#define WB_BATCH 64             /* pages linked by one library call */

/* Pieces of page index that start below size. */
static unsigned
pieces_in_file(const struct e2vol *v, uint64_t index, uint64_t size)
{
	uint64_t start = index * PAGE;

	if (size <= start)
		return 0;
	return (unsigned)MIN((uint64_t)v->bpp, DIV_ROUND_UP(size - start, v->bsize));
}

/* Read n pieces of a page from their disk blocks (0: skip), in runs. */
static int
pieces_read(struct e2vol *v, uint8_t *data, const uint32_t *pblk, unsigned n)
{
	for (unsigned i = 0; i < n;) {
		unsigned run = 1;
		uint64_t sector = (uint64_t)pblk[i] * v->sectors_per_block;
		uint32_t count;
		int r;

		if (!pblk[i]) {
			i++;
			continue;
		}
		while (i + run < n && pblk[i + run] == pblk[i] + run)
			run++;
		count = run * v->sectors_per_block;
		r = blk_read(v->dev, sector, data + i * v->bsize, count);
		if (r)
			return r;
		i += run;
	}
	return 0;
}

/* Read a new page's mapped pieces; zero what lies past the end of the file. */
static int
page_fill(struct e2vol *v, struct e2i *e, struct pcache_page *pg)
{
	unsigned n = pieces_in_file(v, pg->index, e->size);
	uint64_t start = pg->index * PAGE;
	uint32_t pblk[PCACHE_PIECES];
	int r = 0;

	if (n && !(r = ext2_data_map(v->fs, e->nr, (uint32_t)(pg->index * v->bpp), n, pblk)))
		r = pieces_read(v, pg->data, pblk, n);
	if (r)
		return e2_report(v, r);
	if (e->size - start < PAGE && e->size > start)
		memset((uint8_t *)pg->data + (e->size - start), 0, PAGE - (e->size - start));
	return 0;
}

struct pcache_page *
e2_page_get(struct e2vol *v, struct e2i *e, uint64_t index, bool fill, int *err)
{
	struct pcache_page *pg = pcache_find(&e->pc, index);

	if (pg)
		return pg;
	if (!(pg = pcache_add(&e->pc, index)) && pcache_reclaim(64))
		pg = pcache_add(&e->pc, index);
	if (!pg) {
		*err = -ENOMEM;
		return NULL;
	}
	if (fill && (*err = page_fill(v, e, pg))) {
		pcache_remove(&e->pc, pg);
		return NULL;
	}
	return pg;
}

int
e2_page_reserve(struct e2vol *v, struct e2i *e, struct pcache_page *pg, uint32_t from,
		uint32_t to)
{
	uint32_t first = from / v->bsize, last = DIV_ROUND_UP(to, v->bsize);
	uint32_t lblk0 = (uint32_t)(pg->index * v->bpp), map[PCACHE_PIECES];
	int r = ext2_data_map(v->fs, e->nr, lblk0 + first, last - first, map);

	for (uint32_t i = first; i < last && !r; i++) {
		if (pg->reserved[i] || map[i - first])
			continue;
		r = ext2_data_reserve(v->fs, e->nr, lblk0 + i, e->goal, &pg->reserved[i]);
		if (!r)
			e->goal = pg->reserved[i] + 1;
	}
	/* A page holding a reservation must be dirty: write-back links or frees it. */
	for (uint32_t i = first; i < last; i++)
		if (pg->reserved[i]) {
			pcache_dirty(&e->pc, pg);
			e2i_mark_dirty(v, e);
			break;
		}
	return r == -ENOSPC || r == -EFBIG || r == -ENOMEM ? r : r ? e2_report(v, r) : 0;
}

/* Give back the reserved pieces from piece `from` on. */
static void
unreserve_from(struct e2vol *v, struct pcache_page *pg, unsigned from)
{
	for (unsigned i = from; i < v->bpp; i++) {
		if (!pg->reserved[i])
			continue;
		if (ext2_data_unreserve(v->fs, pg->reserved[i]))
			pr_warn("ext2: %s: cannot free reserved block %u\n", v->name,
				pg->reserved[i]);
		pg->reserved[i] = 0;
	}
}

#define WB_PIECES (WB_BATCH * PCACHE_PIECES)
#define WB_INFLIGHT 8          /* scatter writes started together */

struct batch {
	uint32_t lblk[WB_PIECES];     /* reserved pieces, linked after the writes */
	uint32_t pblk[WB_PIECES];
	unsigned n;
	uint32_t wblk[WB_PIECES];     /* every piece to write: its block ... */
	uint8_t *wdata[WB_PIECES];    /* ... and its bytes, in batch order */
	unsigned nw;
};

/* Queue one dirty page's pieces for writing; collect its reserved ones for linking. */
static int
collect_page(struct e2vol *v, struct e2i *e, struct pcache_page *pg, struct batch *b)
{
	unsigned n = pieces_in_file(v, pg->index, e->size);
	uint64_t start = pg->index * PAGE;
	uint32_t lblk0 = (uint32_t)(pg->index * v->bpp), blk[PCACHE_PIECES];
	int r = 0;

	unreserve_from(v, pg, n);
	if (!n)
		return 0;
	if (e->size - start < PAGE)
		memset((uint8_t *)pg->data + (e->size - start), 0, PAGE - (e->size - start));
	if ((r = ext2_data_map(v->fs, e->nr, lblk0, n, blk)))
		return e2_report(v, r);
	for (unsigned i = 0; i < n; i++)
		if (pg->reserved[i] && blk[i])
			return e2_report(v, -EIO);  /* mapped and reserved at once: a bug */
	for (unsigned i = 0; i < n; i++) {
		if (pg->reserved[i]) {
			blk[i] = pg->reserved[i];
			b->lblk[b->n] = lblk0 + i;
			b->pblk[b->n++] = pg->reserved[i];
		}
		if (blk[i]) {
			b->wblk[b->nw] = blk[i];
			b->wdata[b->nw++] = (uint8_t *)pg->data + i * v->bsize;
		}
	}
	return 0;
}

/*
 * Write every queued piece: runs of consecutive blocks become scatter
 * writes (one segment per piece), several in flight at once, and all are
 * waited for, so the blocks hold their data before anything points to
 * them (soft updates' first rule).  The metadata writes queued before
 * go first: a block given to this file may have been an indirect or
 * directory block whose freeing write is still queued (the second rule).
 */
static int
write_pieces(struct e2vol *v, const struct batch *b)
{
	struct blk_sgread *rq;
	unsigned max = e2_blocks_per_request(v), nrq = 0;
	int r;

	if (b->nw == 0)
		return 0;
	if ((r = bwrite_behind_wait(v->dev)) != 0)
		return r;
	if (!(rq = kmalloc(WB_INFLIGHT * sizeof(*rq))))
		return -ENOMEM;
	for (unsigned i = 0; i < b->nw && !r;) {
		struct blk_sgread *w = &rq[nrq++];

		w->sector = (uint64_t)b->wblk[i] * v->sectors_per_block;
		w->nseg = 0;
		do {
			w->seg[w->nseg++] = (struct blk_seg){ b->wdata[i], v->bsize };
			i++;
		} while (i < b->nw && w->nseg < max && b->wblk[i] == b->wblk[i - 1] + 1);
		if (nrq == WB_INFLIGHT || i == b->nw) {
			r = blk_write_sg(v->dev, rq, nrq);
			nrq = 0;
		}
	}
	kfree(rq);
	return r;
}

/* Write a batch of dirty pages, then link their new blocks with one call. */
static int
write_batch(struct e2vol *v, struct e2i *e, struct pcache_page **pages, unsigned n)
{
	struct batch *b = kmalloc(sizeof(*b));
	int r = 0, l, w;

	if (!b)
		return -ENOMEM;
	b->n = b->nw = 0;
	for (unsigned i = 0; i < n && !r; i++)
		if (!pages[i]->busy)    /* a write is copying into it: next time */
			r = collect_page(v, e, pages[i], b);
	if ((w = write_pieces(v, b)) && !r)
		r = w;
	/* Link what was written even after an error; what was not stays reserved. */
	l = b->n ? ext2_data_link(v->fs, e->nr, b->lblk, b->pblk, b->n, e->size) : 0;
	if (l)
		r = r ? r : e2_report(v, l);
	/* The next batch waits for these links: let them go now, beside its work. */
	bwrite_behind_start(v->dev);
	/*
	 * After an I/O error the pages are let go all the same (the error is
	 * on the console and goes to fsync): retrying forever helps nobody.
	 */
	for (unsigned i = 0; i < n; i++) {
		if (pages[i]->busy)
			continue;
		if (!l)
			memset(pages[i]->reserved, 0, sizeof(pages[i]->reserved));
		pcache_clean(&e->pc, pages[i]);
	}
	kfree(b);
	return r;
}

int
e2_writeback(struct e2vol *v, struct e2i *e)
{
	struct pcache_page *pages[WB_BATCH];
	uint64_t from = 0;
	int r = 0, w;
	unsigned n;

	if (ext2_readonly(v->fs))
		return 0;
	while (S_ISREG(e->mode) && (n = pcache_dirty_batch(&e->pc, from, pages, WB_BATCH))) {
		if ((w = write_batch(v, e, pages, n)) && !r)
			r = w;
		from = pages[n - 1]->index + 1;
	}
	if (e->attr_dirty && (w = ext2_data_update(v->fs, e->nr, e->size,
						   (uint32_t)e->mtime.tv_sec)))
		r = r ? r : e2_report(v, w);
	e->attr_dirty = false;
	if ((!S_ISREG(e->mode) || !e->pc.ndirty) && list_linked(&e->dirty_node))
		list_remove(&e->dirty_node);
	return r;
}

/* pcache_truncate's callback: a dropped page gives back its reservations. */
static void
drop_reserved(struct pcache_page *pg, void *arg)
{
	unreserve_from(arg, pg, 0);
}

void
e2_pages_cut(struct e2vol *v, struct e2i *e, uint64_t size)
{
	struct pcache_page *pg;
	int err = 0;

	pcache_truncate(&e->pc, DIV_ROUND_UP(size, PAGE), drop_reserved, v);
	if (!(size % PAGE))
		return;
	/* The new last page: its tail past size becomes zeros, on disk too. */
	pg = e2_page_get(v, e, size / PAGE, true, &err);
	if (!pg)
		return;
	memset((uint8_t *)pg->data + size % PAGE, 0, PAGE - size % PAGE);
	unreserve_from(v, pg, pieces_in_file(v, pg->index, size));
	pcache_dirty(&e->pc, pg);
	e2i_mark_dirty(v, e);
	pcache_release(&e->pc, pg);
}

int
e2_page_zero(struct e2vol *v, struct e2i *e, uint64_t from, uint64_t to)
{
	struct pcache_page *pg = (from % PAGE) ? pcache_find(&e->pc, from / PAGE) : NULL;
	uint64_t end = MIN(to, (from / PAGE + 1) * PAGE);

	if (!pg)
		return 0;       /* on disk the tail is zero already */
	memset((uint8_t *)pg->data + from % PAGE, 0, end - from);
	pcache_dirty(&e->pc, pg);
	e2i_mark_dirty(v, e);
	pcache_release(&e->pc, pg);
	return 0;
}

/* Cached and dirty data allowed before writers help out: a quarter and a sixteenth of memory. */
void
e2_balance(struct e2vol *v, struct e2i *e)
{
	struct pmm_stats st;

	pmm_stats(&st);
	if (pcache_dirty_pages() > st.total_pages / 16 && S_ISREG(e->mode))
		e2_writeback(v, e);
	if (pcache_total_pages() > st.total_pages / 4)
		pcache_reclaim((unsigned)(pcache_total_pages() - st.total_pages / 4) + 64);
}
