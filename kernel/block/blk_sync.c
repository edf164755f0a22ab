// SPDX-License-Identifier: MIT
/*
 * Synchronous block I/O on top of the asynchronous request path: submit,
 * then sleep until the completion interrupt wakes us.
 *
 * Requests need linear memory (the device reads it by physical address).
 * A caller's buffer that is not linear, a kernel stack for instance, is
 * bounced: copied through a kmalloc'd buffer in chunks.
 */
#include "block/internal.h"
#include "arch/arch.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "uapi/errno.h"

#define BLK_CHUNK_SECTORS  256     /* largest request the helpers build (128 KiB) */
#define BLK_BOUNCE_SECTORS 64      /* bounce buffer: 32 KiB */

void
blk_completion_init(struct blk_completion *c)
{
	spin_init(&c->lock, "blk_completion");
	c->done = false;
	waitq_init(&c->wq);
}

void
blk_completion_signal(struct blk_completion *c)
{
	spin_lock(&c->lock);
	c->done = true;
	waitq_wake_all(&c->wq);
	spin_unlock(&c->lock);
}

void
blk_completion_wait(struct blk_completion *c)
{
	spin_lock(&c->lock);
	while (!c->done)
		waitq_sleep(&c->wq, &c->lock, 0, false);
	spin_unlock(&c->lock);
}

static void
wake_submitter(struct blk_request *rq)
{
	blk_completion_signal(rq->private);
}

static int
submit_wait(struct blkdev *d, struct blk_request *rq, bool checked)
{
	struct blk_completion c;
	int r;

	blk_completion_init(&c);
	rq->done = wake_submitter;
	rq->private = &c;
	r = checked ? blk_submit(d, rq) : blk_submit_unchecked(d, rq);
	if (r)
		return r;
	blk_completion_wait(&c);
	return rq->status;
}

int
blk_submit_wait(struct blkdev *d, struct blk_request *rq)
{
	return submit_wait(d, rq, true);
}

int
blk_submit_unchecked_wait(struct blkdev *d, struct blk_request *rq)
{
	return submit_wait(d, rq, false);
}

/* One request on linear memory.  The request is big: keep it off the stack. */
static int
rw_linear(struct blkdev *d, enum blk_op op, uint64_t sector, void *buf, uint32_t count)
{
	struct blk_request *rq = kzalloc(sizeof(*rq));
	int r;

	if (!rq)
		return -ENOMEM;
	rq->op = op;
	rq->sector = sector;
	rq->count = count;
	rq->nseg = 1;
	rq->seg[0] = (struct blk_seg){ buf, count * d->sector_size };
	r = blk_submit_wait(d, rq);
	kfree(rq);
	return r;
}

struct sg_slot {
	struct blk_request rq;
	struct blk_completion c;
	bool started;
};

static int
rw_sg(struct blkdev *d, enum blk_op op, const struct blk_sgread *rd, unsigned n)
{
	struct sg_slot *s;
	int r = 0;

	if (n == 0)
		return 0;
	if (!(s = kzalloc(n * sizeof(*s))))
		return -ENOMEM;
	for (unsigned i = 0; i < n && !r; i++) {
		uint64_t bytes = 0;

		if (rd[i].nseg > BLK_MAX_SEGS) {    /* blk_submit checks the rest */
			r = -EINVAL;
			break;
		}
		for (unsigned k = 0; k < rd[i].nseg; k++)
			bytes += rd[i].seg[k].len;
		blk_completion_init(&s[i].c);
		s[i].rq = (struct blk_request){ .op = op, .sector = rd[i].sector,
			.count = (uint32_t)(bytes / d->sector_size), .nseg = (uint16_t)rd[i].nseg,
			.done = wake_submitter, .private = &s[i].c };
		memcpy(s[i].rq.seg, rd[i].seg, rd[i].nseg * sizeof(rd[i].seg[0]));
		r = blk_submit(d, &s[i].rq);
		s[i].started = r == 0;
	}
	/* All in flight at once; then every started one is waited for. */
	for (unsigned i = 0; i < n; i++) {
		if (!s[i].started)
			continue;
		blk_completion_wait(&s[i].c);
		if (!r)
			r = s[i].rq.status;
	}
	kfree(s);
	return r;
}

int
blk_read_sg(struct blkdev *d, const struct blk_sgread *rd, unsigned n)
{
	return rw_sg(d, BLK_OP_READ, rd, n);
}

int
blk_write_sg(struct blkdev *d, const struct blk_sgread *rd, unsigned n)
{
	return rw_sg(d, BLK_OP_WRITE, rd, n);
}

static uint32_t
chunk_limit(const struct blkdev *d, bool bounce)
{
	uint32_t n = bounce ? BLK_BOUNCE_SECTORS : BLK_CHUNK_SECTORS;

	return d->max_sectors && d->max_sectors < n ? d->max_sectors : n;
}

static int
rw(struct blkdev *d, enum blk_op op, uint64_t sector, void *buf, uint32_t count)
{
	bool bounce = !arch_virt_is_linear(buf) ||
		      !arch_virt_is_linear((char *)buf + (uint64_t)count * d->sector_size - 1);
	uint32_t step = chunk_limit(d, bounce);
	char *tmp = NULL;
	int r = 0;

	if (count == 0 || sector >= d->nsectors || count > d->nsectors - sector)
		return -EINVAL;
	if (bounce && !(tmp = kmalloc((size_t)step * d->sector_size)))
		return -ENOMEM;
	for (uint32_t done = 0; done < count && r == 0; done += step) {
		uint32_t n = MIN(step, count - done);
		char *p = (char *)buf + (uint64_t)done * d->sector_size;

		if (tmp && op == BLK_OP_WRITE)
			memcpy(tmp, p, (size_t)n * d->sector_size);
		r = rw_linear(d, op, sector + done, tmp ? tmp : p, n);
		if (tmp && op == BLK_OP_READ && r == 0)
			memcpy(p, tmp, (size_t)n * d->sector_size);
	}
	kfree(tmp);
	return r;
}

int
blk_read(struct blkdev *d, uint64_t sector, void *buf, uint32_t count)
{
	return rw(d, BLK_OP_READ, sector, buf, count);
}

int
blk_write(struct blkdev *d, uint64_t sector, const void *buf, uint32_t count)
{
	if (d->readonly)
		return -EROFS;
	return rw(d, BLK_OP_WRITE, sector, (void *)buf, count);
}

int
blk_flush(struct blkdev *d)
{
	struct blk_request *rq = kzalloc(sizeof(*rq));
	int r;

	if (!rq)
		return -ENOMEM;
	rq->op = BLK_OP_FLUSH;
	r = blk_submit_wait(d, rq);
	kfree(rq);
	return r;
}
