// SPDX-License-Identifier: MIT
/*
 * Split virtqueues: the rings a virtio driver and device share.
 *
 * The driver owns the descriptor table and the available ring; the device
 * owns the used ring.  To send a request, the driver takes free
 * descriptors, fills them (address, length, WRITE if the device is to fill
 * the buffer, NEXT to chain to the next), writes the chain's head into the
 * next available slot, and only then publishes it by bumping avail->idx:
 * the barrier between the two stores keeps the device from seeing an index
 * that points at an unwritten slot.  The device later writes the head into
 * the used ring, bumps used->idx and interrupts; the driver walks the used
 * ring from where it stopped (last_used) to used->idx, returning each
 * chain's descriptors to the free list.  Indexes run freely modulo 2^16 and
 * are reduced modulo the ring size only to address a slot.
 *
 * Free descriptors form a list threaded through their `next` fields.  Each
 * chain head remembers the caller's cookie (a block request), which is how
 * a completion finds its request again, whatever order the device finishes
 * them in.
 */
#include "drivers/virtio.h"
#include "arch/arch.h"
#include "mm/pmm.h"
#include "mm/slab.h"
#include "uapi/errno.h"

static size_t
ring_bytes(uint16_t size, size_t *avail_off, size_t *used_off)
{
	size_t desc = sizeof(struct virtq_desc) * size;
	size_t avail = sizeof(struct virtq_avail) + sizeof(uint16_t) * (size + 1u);
	size_t used = sizeof(struct virtq_used) + sizeof(struct virtq_used_elem) * size +
		      sizeof(uint16_t);

	*avail_off = desc;
	*used_off = ALIGN_UP(desc + avail, 4);
	return *used_off + used;
}

static unsigned
order_for(size_t bytes)
{
	unsigned order = 0;

	while ((size_t)PAGE_SIZE << order < bytes)
		order++;
	return order;
}

struct virtq *
virtq_alloc(uint16_t index, uint16_t size)
{
	struct virtq *q = kzalloc(sizeof(*q));
	size_t avail_off, used_off;
	paddr_t pa;
	char *mem;

	if (!q)
		return NULL;
	q->cookie = kzalloc(sizeof(void *) * size);
	pa = pmm_alloc_zeroed(order_for(ring_bytes(size, &avail_off, &used_off)));
	if (!q->cookie || !pa) {
		kfree(q->cookie);
		kfree(q);
		return NULL;
	}
	mem = phys_to_virt(pa);
	spin_init(&q->lock, "virtq");
	q->index = index;
	q->size = size;
	q->desc = (struct virtq_desc *)mem;
	q->avail = (struct virtq_avail *)(mem + avail_off);
	q->used = (struct virtq_used *)(mem + used_off);
	for (uint16_t i = 0; i < size; i++)
		q->desc[i].next = (uint16_t)(i + 1);
	q->free_head = 0;
	q->nfree = size;
	return q;
}

void
virtq_free(struct virtq *q)
{
	size_t a, u;

	pmm_free(virt_to_phys(q->desc), order_for(ring_bytes(q->size, &a, &u)));
	kfree(q->cookie);
	kfree(q);
}

int
virtq_add_locked(struct virtq *q, const struct virtq_buf *bufs, int n, void *cookie)
{
	uint16_t head = q->free_head, d = head;

	if (n <= 0 || n > q->nfree)
		return -EBUSY;
	for (int i = 0; i < n; i++) {
		struct virtq_desc *desc = &q->desc[d];

		desc->addr = virt_to_phys(bufs[i].addr);
		desc->len = bufs[i].len;
		desc->flags = (bufs[i].device_writes ? VIRTQ_DESC_F_WRITE : 0) |
			      (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0);
		d = desc->next;
	}
	q->free_head = d;                 /* the rest of the free list */
	q->nfree = (uint16_t)(q->nfree - n);
	q->cookie[head] = cookie;
	q->avail->ring[q->avail->idx % q->size] = head;
	arch_wmb();                        /* the slot before the index that publishes it */
	q->avail->idx++;
	return 0;
}

void
virtq_kick_locked(struct virtq *q)
{
	arch_mb();                         /* publish avail->idx before reading used->flags */
	if (!(READ_ONCE(q->used->flags) & VIRTQ_USED_F_NO_NOTIFY))
		*q->notify = q->index;
}

void *
virtq_pop_used_locked(struct virtq *q, uint16_t *head, uint32_t *len)
{
	struct virtq_used_elem e;
	uint16_t d, n = 1;
	void *cookie;

	if (q->last_used == READ_ONCE(q->used->idx))
		return NULL;
	arch_rmb();                        /* the index before the entry it covers */
	e = q->used->ring[q->last_used % q->size];
	q->last_used++;
	if (e.id >= q->size)
		return NULL;                   /* a broken device; nothing to free */
	cookie = q->cookie[e.id];
	q->cookie[e.id] = NULL;
	/* Return the chain to the free list. */
	for (d = (uint16_t)e.id; (q->desc[d].flags & VIRTQ_DESC_F_NEXT) && n < q->size;
	     d = q->desc[d].next)
		n++;
	q->desc[d].next = q->free_head;
	q->free_head = (uint16_t)e.id;
	q->nfree = (uint16_t)(q->nfree + n);
	*head = (uint16_t)e.id;
	*len = e.len;
	return cookie;
}
