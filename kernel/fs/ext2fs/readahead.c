// SPDX-License-Identifier: MIT
/*
 * Read-ahead for regular files.
 *
 * A page that read() does not find in the cache costs a request to the
 * disk and a wait for it, and under QEMU (as on a real disk) the cost of a
 * request hardly depends on its size up to tens of kilobytes.  So when a
 * read misses the page that follows the last one read from that file
 * (e->ra_next: the file is being read front to back), that page and the
 * ones after it are filled together, up to E2_RA_PAGES, and a run of them
 * that lies in consecutive disk blocks is read with one request, one
 * segment per block; up to eight such requests are on their way to the
 * disk at once.  The next miss comes E2_RA_PAGES pages later.
 *
 * Read-ahead is only an optimization: it stops at the first page already
 * cached, at the end of the file and when memory is short, and a page it
 * could not read is simply dropped again (the read that needs it will try
 * and report the error).  Holes stay zero: pcache_add() gives zeroed
 * frames.  Pages read ahead need no reservation check: a block reserved
 * by write() belongs to a dirty page, and a dirty page is always cached.
 *
 * Everything here runs under vol->lock, like every other fill of a page.
 */
#include "fs/ext2fs/ext2fs.h"
#include "block/blk.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "uapi/errno.h"

#define PAGE PCACHE_PAGE_SIZE
#define E2_RA_BLOCKS (E2_RA_PAGES * PCACHE_PIECES)

struct ra_batch {
	struct pcache_page *pg[E2_RA_PAGES];
	uint32_t pblk[E2_RA_BLOCKS];      /* per piece, in file order; 0: a hole */
	unsigned npages, npieces;
};

#define RA_INFLIGHT 8     /* requests started together */

/* Describe pieces [i, i + n) (consecutive on disk) as one scatter read. */
static void
describe_run(struct e2vol *v, struct ra_batch *b, unsigned i, unsigned n, struct blk_sgread *rd)
{
	rd->sector = (uint64_t)b->pblk[i] * v->sectors_per_block;
	rd->nseg = n;
	for (unsigned k = 0; k < n; k++) {
		unsigned piece = i + k;
		uint8_t *data = b->pg[piece / v->bpp]->data;

		rd->seg[k] = (struct blk_seg){ data + (piece % v->bpp) * v->bsize, v->bsize };
	}
}

unsigned
e2_blocks_per_request(const struct e2vol *v)
{
	unsigned max = blk_max_segs(v->dev);

	if (v->dev->max_sectors)
		max = MIN(max, v->dev->max_sectors / v->sectors_per_block);
	return max;
}

/* Read every mapped piece of the batch: runs of consecutive blocks, several at once. */
static int
read_batch(struct e2vol *v, struct ra_batch *b)
{
	struct blk_sgread *rd = kmalloc(RA_INFLIGHT * sizeof(*rd));
	unsigned max = e2_blocks_per_request(v), nrd = 0;
	int r = 0;

	if (!rd)
		return -ENOMEM;
	for (unsigned i = 0; i < b->npieces && !r;) {
		unsigned run = 1;

		if (!b->pblk[i]) {
			i++;
			continue;
		}
		while (i + run < b->npieces && run < max && b->pblk[i + run] == b->pblk[i] + run)
			run++;
		describe_run(v, b, i, run, &rd[nrd++]);
		i += run;
		if (nrd == RA_INFLIGHT) {
			r = blk_read_sg(v->dev, rd, nrd);
			nrd = 0;
		}
	}
	if (!r && nrd)
		r = blk_read_sg(v->dev, rd, nrd);
	kfree(rd);
	return r;
}

/* Take the uncached pages from index on, up to the end of the file. */
static void
gather(struct e2vol *v, struct e2i *e, uint64_t index, struct ra_batch *b)
{
	uint64_t end = DIV_ROUND_UP(e->size, PAGE);

	for (uint64_t i = index; i < end && b->npages < E2_RA_PAGES; i++) {
		struct pcache_page *pg = pcache_find(&e->pc, i);

		if (pg) {
			pcache_release(&e->pc, pg);
			break;
		}
		if (!(pg = pcache_add(&e->pc, i)))
			break;
		b->pg[b->npages++] = pg;
	}
}

void
e2_readahead(struct e2vol *v, struct e2i *e, uint64_t index)
{
	struct ra_batch *b = kzalloc(sizeof(*b));
	uint64_t start = index * PAGE;
	int r = -ENOMEM;

	if (!b)
		return;
	gather(v, e, index, b);
	if (b->npages) {
		/* Only pieces below the end of the file; the tail of the last page stays zero. */
		b->npieces = (unsigned)MIN((uint64_t)b->npages * v->bpp,
					   DIV_ROUND_UP(e->size - start, v->bsize));
		r = ext2_data_map(v->fs, e->nr, (uint32_t)(index * v->bpp), b->npieces, b->pblk);
		if (!r)
			r = read_batch(v, b);
		if (!r && e->size < start + (uint64_t)b->npages * PAGE) {
			uint64_t tail = e->size - start;   /* the last page: zero past the end */
			uint8_t *last = b->pg[tail / PAGE]->data;

			memset(last + tail % PAGE, 0, PAGE - tail % PAGE);
		}
	}
	for (unsigned i = 0; i < b->npages; i++) {
		if (r)
			pcache_remove(&e->pc, b->pg[i]);
		else
			pcache_release(&e->pc, b->pg[i]);
	}
	kfree(b);
}
