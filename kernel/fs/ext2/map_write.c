// SPDX-License-Identifier: MIT
/*
 * Growing the block map: making logical block n of a file point at a new
 * disk block, allocating the indirect blocks on the way.
 *
 * Write order (soft updates' first rule: never point at a structure before
 * it is initialized).  The caller has written the new data block already.
 * If indirect blocks are missing on the path, they are allocated, filled
 * bottom-up (the lowest one holds the data block's number, each one above
 * holds the number of the one below) and each is written before the block
 * that will point at it; the last write is the one entry that links the
 * whole new chain into the existing tree.  When that entry is in i_block,
 * the caller's inode write links it.  A crash at any point leaves at worst
 * allocated blocks nobody points at, which e2fsck returns to the free pool.
 */
#include "fs/ext2/internal.h"
#include "lib/string.h"

void
ext2_add_sectors(struct ext2_fs *fs, struct ext2_inode *in, int nblocks)
{
	in->i_blocks += (uint32_t)(nblocks * (int)(fs->block_size >> 9));
}

/*
 * Allocate n new indirect blocks forming a chain that ends at target:
 * new block k gets target's path index idx[k].  Returns the top one.
 * With target 0 the chain ends in an all-zero indirect block (data.c).
 */
int
ext2_new_chain(struct ext2_fs *fs, struct ext2_inode *in, const uint32_t *idx, int n,
	       uint32_t target, uint32_t goal, uint32_t *top)
{
	uint32_t blks[3], child = target;
	uint32_t *buf = NULL;
	int got, err = 0;

	for (got = 0; got < n; got++) {
		if ((err = ext2_block_alloc(fs, goal, &blks[got])))
			goto undo;
		goal = blks[got] + 1;
	}
	if (!(buf = ext2_buf_get(fs))) {
		err = -ENOMEM;
		goto undo;
	}
	for (int k = n - 1; k >= 0; k--) {
		memset(buf, 0, fs->block_size);
		buf[idx[k]] = child;
		if ((err = ext2_bwrite(fs, blks[k], buf)))
			goto undo;
		child = blks[k];
	}
	ext2_free(fs, buf);
	ext2_add_sectors(fs, in, n);
	*top = blks[0];
	return 0;
undo:
	ext2_free(fs, buf);
	while (got-- > 0)
		ext2_block_free(fs, blks[got]);   /* never linked: safe to free */
	return err;
}

/* Below the existing indirect block blk at level: set the entry, or graft a chain. */
static int
set_below(struct ext2_fs *fs, struct ext2_inode *in, uint32_t blk, const uint32_t *off,
	  int depth, uint32_t pblk, uint32_t goal)
{
	uint32_t *buf = ext2_buf_get(fs), top;
	int err = 0;

	if (!buf)
		return -ENOMEM;
	for (int level = 1;; level++) {
		uint32_t *slot = &buf[off[level]];

		if ((err = ext2_bread(fs, blk, buf)))
			break;
		if (level == depth) {
			if (*slot) {
				err = ext2_corrupt(fs, "block map entry already in use");
				break;
			}
			*slot = pblk;
			err = ext2_bwrite(fs, blk, buf);
			break;
		}
		if (!*slot) {
			err = ext2_new_chain(fs, in, &off[level + 1], depth - level, pblk, goal,
					     &top);
			if (!err) {
				*slot = top;
				err = ext2_bwrite(fs, blk, buf);
			}
			break;
		}
		blk = *slot;
	}
	ext2_free(fs, buf);
	return err;
}

/*
 * Make lblk (a hole) map to pblk, whose contents are already on disk.
 * Entries in i_block change only in *in: the caller writes the inode.
 */
int
ext2_bmap_set(struct ext2_fs *fs, struct ext2_inode *in, uint32_t lblk, uint32_t pblk,
	      uint32_t goal)
{
	uint32_t off[4], top;
	int depth = ext2_bmap_path(fs, lblk, off), err;

	if (depth < 0)
		return depth;
	if (depth == 0) {
		in->i_block[off[0]] = pblk;
		return 0;
	}
	if (in->i_block[off[0]])
		return set_below(fs, in, in->i_block[off[0]], off, depth, pblk, goal);
	if ((err = ext2_new_chain(fs, in, &off[1], depth, pblk, goal, &top)))
		return err;
	in->i_block[off[0]] = top;
	return 0;
}

/*
 * Give a file a new block lblk holding data (one block): allocate, write
 * the data, then link it.  The caller writes the inode.
 */
int
ext2_block_append(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in, uint32_t lblk,
		  const void *data, uint32_t *pblk)
{
	uint32_t goal = ext2_block_goal(fs, ino, in, lblk), blk;
	int err;

	if ((err = ext2_block_alloc(fs, goal, &blk)))
		return err;
	if ((err = ext2_bwrite(fs, blk, data)) || (err = ext2_bmap_set(fs, in, lblk, blk, blk + 1))) {
		ext2_block_free(fs, blk);
		return err;
	}
	ext2_add_sectors(fs, in, 1);
	*pblk = blk;
	return 0;
}
