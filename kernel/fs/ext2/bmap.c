// SPDX-License-Identifier: MIT
/*
 * The block map: which disk block holds logical block n of a file.
 *
 * ext2 uses indexed allocation with a lopsided tree.  i_block[] holds 15
 * block numbers: 12 point at data directly, and the last three at a
 * single-, double- and triple-indirect block.  An indirect block is an
 * array of P = block_size / 4 block numbers, so with 1 KiB blocks (P = 256)
 *
 *   logical blocks 0 .. 11                  i_block[0..11]
 *                  12 .. 267                i_block[12] -> [256]
 *                  268 .. 65803             i_block[13] -> [256] -> [256]
 *                  65804 .. 16843019        i_block[14] -> [256] -> [256] -> [256]
 *
 * Small files cost no extra reads; a large file pays one to three reads of
 * indirect blocks per data block.  A zero anywhere on the path is a hole,
 * which reads as zeros.  Part of the read path (the boot loader uses it).
 */
#include "fs/ext2/internal.h"

/*
 * Split lblk into the index at each level of the tree: off[0] indexes
 * i_block, off[1..depth] the indirect blocks below it.  Returns the depth
 * (0 for a direct block), or -EFBIG past the triple-indirect tree.
 */
int
ext2_bmap_path(const struct ext2_fs *fs, uint32_t lblk, uint32_t off[4])
{
	uint32_t shift = fs->addr_shift, mask = fs->addr_per_block - 1;
	uint64_t n = lblk, p = fs->addr_per_block;

	if (n < EXT2_NDIR_BLOCKS) {
		off[0] = (uint32_t)n;
		return 0;
	}
	n -= EXT2_NDIR_BLOCKS;
	if (n < p) {
		off[0] = EXT2_IND_BLOCK;
		off[1] = (uint32_t)n;
		return 1;
	}
	n -= p;
	if (n < p * p) {
		off[0] = EXT2_DIND_BLOCK;
		off[1] = (uint32_t)(n >> shift);
		off[2] = (uint32_t)n & mask;
		return 2;
	}
	n -= p * p;
	if (n < p * p * p) {
		off[0] = EXT2_TIND_BLOCK;
		off[1] = (uint32_t)(n >> (2 * shift));
		off[2] = (uint32_t)(n >> shift) & mask;
		off[3] = (uint32_t)n & mask;
		return 3;
	}
	return -EFBIG;
}

int
ext2_bmap(struct ext2_fs *fs, const struct ext2_inode *in, uint32_t lblk, uint32_t *pblk)
{
	uint32_t off[4], blk;
	uint32_t *buf;
	int depth = ext2_bmap_path(fs, lblk, off), err = 0;

	*pblk = 0;
	if (depth < 0)
		return 0;       /* beyond the largest file: a hole */
	blk = in->i_block[off[0]];
	if (blk && depth > 0) {
		if (!(buf = ext2_buf_get(fs)))
			return -ENOMEM;
		for (int level = 1; level <= depth && blk; level++) {
			if ((err = ext2_bread(fs, blk, buf)))
				break;
			blk = buf[off[level]];
		}
		ext2_free(fs, buf);
		if (err)
			return err;
	}
	if (blk && !ext2_block_valid(fs, blk))
		return ext2_corrupt(fs, "block map points outside the volume");
	*pblk = blk;
	return 0;
}
