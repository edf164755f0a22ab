// SPDX-License-Identifier: MIT
/*
 * Truncation and freeing an inode's storage.
 *
 * Shrinking a file frees every block past the new end: direct blocks,
 * whole indirect subtrees, and the tail of at most one path through the
 * tree that straddles the new end.
 *
 * Write order (soft updates' second rule: never free a resource while a
 * pointer to it is still on disk).  Every freeing happens in two phases:
 *
 *   detach   clear the pointers in the block (or inode) that holds them,
 *            and write that block;
 *   release  then clear the bitmap bits of what they pointed at, walking
 *            down a copy of the old pointers.
 *
 * Inside a subtree that is wholly freed nothing needs writing: once its
 * root pointer is cleared on disk, nothing reachable points into it.  A
 * crash between the phases leaves allocated blocks nobody points at, which
 * e2fsck frees; it never leaves a pointer to a free (reusable) block.
 *
 * The bytes past i_size in a file's last block are kept zero (truncate
 * clears them), so growing a file later, by truncate or by writing past
 * the end, exposes zeros and never stale data.
 */
#include "fs/ext2/internal.h"
#include "lib/string.h"

/*
 * Free blk and, for depth > 0, the whole tree of blocks under it.  The
 * first damaged entry abandons the rest of its indirect block (leaking
 * it): a block of garbage could otherwise send us freeing millions of
 * blocks that belong to someone else.
 */
static int
release_tree(struct ext2_fs *fs, struct ext2_inode *in, uint32_t blk, int depth)
{
	int err = 0, e;

	if (depth > 0) {
		uint32_t *buf = ext2_buf_get(fs);

		if (!buf)
			return -ENOMEM;
		if (!(err = ext2_bread(fs, blk, buf))) {
			for (uint32_t i = 0; i < fs->addr_per_block && !err; i++)
				if (buf[i])
					err = release_tree(fs, in, buf[i], depth - 1);
		}
		ext2_free(fs, buf);
	}
	e = ext2_block_free(fs, blk);
	if (!e)
		ext2_add_sectors(fs, in, -1);
	return err ? err : e;
}

/*
 * Under indirect block blk (depth levels above the data), keep the first
 * keep blocks and free the rest: detach them in blk (and, for the
 * straddling entry, one level down), write, then release.
 */
static int
trunc_partial(struct ext2_fs *fs, struct ext2_inode *in, uint32_t blk, int depth, uint64_t keep)
{
	uint32_t shift = fs->addr_shift * (uint32_t)(depth - 1);
	uint32_t idx = (uint32_t)(keep >> shift), first = idx;
	uint64_t rem = keep & ((1ull << shift) - 1);
	uint32_t *buf = ext2_buf_get(fs), *old = ext2_buf_get(fs);
	bool changed = false;
	int err, e;

	if (!buf || !old) {
		err = -ENOMEM;
		goto out;
	}
	if ((err = ext2_bread(fs, blk, buf)))
		goto out;
	memcpy(old, buf, fs->block_size);
	if (rem) {
		first = idx + 1;
		if (buf[idx])
			err = trunc_partial(fs, in, buf[idx], depth - 1, rem);
	}
	for (uint32_t i = first; i < fs->addr_per_block; i++) {
		changed |= buf[i] != 0;
		buf[i] = 0;
	}
	if (changed && (e = ext2_bwrite(fs, blk, buf)))
		err = e;        /* not detached: release nothing */
	else
		for (uint32_t i = first; i < fs->addr_per_block; i++)
			if (old[i] && (e = release_tree(fs, in, old[i], depth - 1)) && !err)
				err = e;
out:
	ext2_free(fs, old);
	ext2_free(fs, buf);
	return err;
}

/*
 * Detach, in *in, everything from logical block first on; the pointers the
 * inode itself held go to old[] (0 where nothing is to be released).
 */
static int
detach_top(struct ext2_fs *fs, struct ext2_inode *in, uint64_t first, uint32_t old[])
{
	uint64_t base = EXT2_NDIR_BLOCKS, span = 1;
	int err = 0;

	memcpy(old, in->i_block, sizeof(in->i_block));
	for (uint32_t k = 0; k < EXT2_NDIR_BLOCKS; k++) {
		if (k >= first)
			in->i_block[k] = 0;
		else
			old[k] = 0;
	}
	for (int depth = 1; depth <= 3; depth++) {
		uint32_t slot = EXT2_NDIR_BLOCKS + (uint32_t)depth - 1;

		span <<= fs->addr_shift;
		if (first <= base) {
			in->i_block[slot] = 0;
		} else {
			old[slot] = 0;
			if (first < base + span && in->i_block[slot] && !err)
				err = trunc_partial(fs, in, in->i_block[slot], depth, first - base);
		}
		base += span;
	}
	return err;
}

/* Zero the bytes past size in the block holding the file's last byte. */
static int
zero_tail(struct ext2_fs *fs, struct ext2_inode *in, uint64_t size)
{
	uint32_t boff = (uint32_t)size & (fs->block_size - 1), blk;
	uint8_t *buf;
	int err;

	if (!boff)
		return 0;
	if ((err = ext2_bmap(fs, in, (uint32_t)(size >> fs->block_shift), &blk)) || !blk)
		return err;
	if (!(buf = ext2_buf_get(fs)))
		return -ENOMEM;
	if (!(err = ext2_bread(fs, blk, buf))) {
		memset(buf + boff, 0, fs->block_size - boff);
		err = ext2_bwrite(fs, blk, buf);
	}
	ext2_free(fs, buf);
	return err;
}

/*
 * Cut the file to size bytes (size <= its size), writing the inode: once
 * with the pointers detached, once more with the final block count if
 * blocks were released.
 */
int
ext2_shrink(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in, uint64_t size)
{
	uint64_t first = (size + fs->block_size - 1) >> fs->block_shift;
	uint32_t old[EXT2_N_BLOCKS], before;
	int err = 0, e;

	ext2_set_isize(in, size);
	if (!ext2_has_blocks(fs, in))
		return ext2_inode_store(fs, ino, in, false);
	/* With a page cache, the caller zeroes the tail in its page (ext2_mount). */
	if (!((fs->flags & EXT2_FS_EXTDATA) && EXT2_S_ISREG(in->i_mode)) &&
	    (e = zero_tail(fs, in, size)))
		err = e;
	if ((e = detach_top(fs, in, first, old)) && !err)
		err = e;
	if ((e = ext2_inode_store(fs, ino, in, false)))
		return e;       /* not detached: release nothing */
	before = in->i_blocks;
	for (int k = 0; k < EXT2_N_BLOCKS; k++) {
		int depth = k < EXT2_NDIR_BLOCKS ? 0 : k - EXT2_NDIR_BLOCKS + 1;

		if (old[k] && (e = release_tree(fs, in, old[k], depth)) && !err)
			err = e;
	}
	if (in->i_blocks != before && (e = ext2_inode_store(fs, ino, in, false)) && !err)
		err = e;
	return err;
}

/* Drop the inode's reference to its shared extended-attribute block. */
static int
release_xattr(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in)
{
	uint32_t blk = in->i_file_acl;
	struct ext2_xattr_header *h;
	int err;

	in->i_file_acl = 0;
	ext2_add_sectors(fs, in, -1);
	if ((err = ext2_inode_store(fs, ino, in, false)))
		return err;
	if (!(h = ext2_buf_get(fs)))
		return -ENOMEM;
	if (!(err = ext2_bread(fs, blk, h))) {
		if (h->h_magic != EXT2_XATTR_MAGIC || h->h_refcount == 0)
			err = ext2_corrupt(fs, "bad extended attribute block");
		else if (--h->h_refcount)
			err = ext2_bwrite(fs, blk, h);
		else
			err = ext2_block_free(fs, blk);
	}
	ext2_free(fs, h);
	return err;
}

/*
 * Free an inode nobody links to or has open: mark it deleted (i_dtime, so
 * after a crash e2fsck sees a deleted inode, not a live one with no
 * name), free its blocks and its attribute block, and clear its bitmap
 * bit last.  An inode with no blocks is marked with one write, which needs
 * deps on the disk first (NULL: every earlier write).
 */
int
ext2_evict_after(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in,
		 const struct ext2_deps *deps)
{
	int err;

	if (ino < fs->first_ino)
		return ext2_corrupt(fs, "freeing a reserved inode");
	if (in->i_links_count)
		return -EBUSY;
	if (EXT2_S_ISDIR(in->i_mode))
		ext2_dh_forget(fs, ino);        /* its blocks are going */
	in->i_dtime = ext2_now(fs);
	/*
	 * Each step below writes the inode as it leaves it: no extra write
	 * here.  With no block at all (i_blocks counts the indirect ones too),
	 * there is no pointer to clear first: one write of the inode, after
	 * deps, marks it deleted.
	 */
	if (ext2_has_blocks(fs, in) && in->i_blocks) {
		if ((err = ext2_shrink(fs, ino, in, 0)))
			return err;
	} else if (!in->i_file_acl && (err = ext2_inode_store_after(fs, ino, in, false, deps))) {
		return err;
	}
	if (in->i_file_acl && (err = release_xattr(fs, ino, in)))
		return err;
	return ext2_inode_release(fs, ino, EXT2_S_ISDIR(in->i_mode));
}

int
ext2_evict(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in)
{
	return ext2_evict_after(fs, ino, in, NULL);
}

int
ext2_inode_free(struct ext2_fs *fs, uint32_t ino)
{
	struct ext2_inode in;
	int err;

	if ((err = ext2_check_writable(fs)))
		return err;
	if (ino < fs->first_ino)
		return -EINVAL;
	if ((err = ext2_inode_read(fs, ino, &in)))
		return err;
	return ext2_evict(fs, ino, &in);
}

int
ext2_truncate(struct ext2_fs *fs, uint32_t ino, uint64_t size)
{
	struct ext2_inode in;
	int err;

	if ((err = ext2_check_writable(fs)) || (err = ext2_inode_read(fs, ino, &in)))
		return err;
	if (EXT2_S_ISDIR(in.i_mode))
		return -EISDIR;
	if (!EXT2_S_ISREG(in.i_mode))
		return -EINVAL;
	if (size > fs->max_file_size)
		return -EFBIG;
	in.i_mtime = in.i_ctime = ext2_now(fs);
	if (size < ext2_isize(&in)) {
		err = ext2_shrink(fs, ino, &in, size);
	} else {
		ext2_set_isize(&in, size);
		err = ext2_inode_store(fs, ino, &in, false);
	}
	return err;
}
