// SPDX-License-Identifier: MIT
/*
 * File data kept by the caller: the calls a page cache builds on.
 *
 * ext2_read and ext2_write move a file's bytes through the block I/O
 * callbacks, which suits the boot loader and the host tests.  The kernel
 * keeps file data in its page cache instead, and only asks the library
 * about the block map.  A page cache writes a page back long after the
 * write() that dirtied it, so allocation and linking are split in two:
 *
 *   ext2_data_reserve  at write() time: allocate a disk block for logical
 *                      block lblk (the bitmap is only marked dirty: nothing
 *                      points at the block until the link), and make
 *                      sure every indirect block on its path exists (new
 *                      ones are zero-filled and written before anything
 *                      points at them).  The data block is NOT linked: the
 *                      map still shows a hole, so a crash cannot leave a
 *                      pointer to a block of garbage.  A full disk is
 *                      reported here, to write(), not later to nobody.
 *   (the caller writes the data into the reserved block)
 *   ext2_data_link     at write-back time: the data is on disk, so point
 *                      the map at it.  The bitmap goes first (the reserved
 *                      bits reach the disk before any pointer to them);
 *                      entries of one indirect block are set together (one
 *                      write), then the inode, with its new size and block
 *                      count, is written last.
 *   ext2_data_unreserve  a reserved block the caller no longer needs
 *                      (the page was truncated before write-back).
 *
 * This is soft updates' first rule (never point at a structure before it
 * is initialized) applied to data.  A crash between reserve and link
 * leaves allocated blocks nobody points at, which e2fsck frees.
 *
 * The bitmaps, which are the truth, always reach the disk before any
 * pointer to what they allocate; the summary counts follow at the
 * caller's next ext2_sync, as for every other operation (mount.c).
 */
#include "fs/ext2/internal.h"
#include "lib/string.h"

/* Read a regular file's inode for a data call. */
static int
data_inode(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in)
{
	int err = ext2_inode_read(fs, ino, in);

	if (err)
		return err;
	if (EXT2_S_ISDIR(in->i_mode))
		return -EISDIR;
	return EXT2_S_ISREG(in->i_mode) ? 0 : -EINVAL;
}

int
ext2_data_map(struct ext2_fs *fs, uint32_t ino, uint32_t first, unsigned n, uint32_t *pblk)
{
	struct ext2_inode in;
	int err = data_inode(fs, ino, &in);

	for (unsigned i = 0; i < n && !err; i++)
		err = ext2_bmap(fs, &in, first + i, &pblk[i]);
	return err;
}

/*
 * Make every indirect block on the path to lblk exist.  A missing part is
 * grafted as one chain of zeroed blocks (written bottom-up), then the one
 * entry that links it is written: in an indirect block, or in i_block,
 * which the inode write at the end puts on disk.
 */
static int
ensure_path(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in, const uint32_t *off,
	    int depth, uint32_t goal)
{
	uint32_t *buf, blk, top;
	int err = 0;

	if (depth == 0)
		return 0;
	if (!in->i_block[off[0]]) {
		if ((err = ext2_new_chain(fs, in, &off[1], depth, 0, goal, &top)))
			return err;
		in->i_block[off[0]] = top;
		return ext2_inode_store(fs, ino, in, false);
	}
	if (!(buf = ext2_buf_get(fs)))
		return -ENOMEM;
	blk = in->i_block[off[0]];
	for (int level = 1; level < depth; level++) {
		uint32_t *slot = &buf[off[level]];

		if ((err = ext2_bread(fs, blk, buf)))
			break;
		if (!*slot) {
			err = ext2_new_chain(fs, in, &off[level + 1], depth - level, 0, goal, &top);
			if (!err) {
				*slot = top;
				err = ext2_bwrite(fs, blk, buf);
			}
			if (!err)       /* i_blocks counts the new blocks */
				err = ext2_inode_store(fs, ino, in, false);
			break;
		}
		blk = *slot;
	}
	ext2_free(fs, buf);
	return err;
}

int
ext2_data_reserve(struct ext2_fs *fs, uint32_t ino, uint32_t lblk, uint32_t goal,
		  uint32_t *pblk)
{
	struct ext2_inode in;
	uint32_t off[4];
	int depth, err;

	if ((err = ext2_check_writable(fs)) || (err = data_inode(fs, ino, &in)))
		return err;
	if (((uint64_t)lblk << fs->block_shift) >= fs->max_file_size)
		return -EFBIG;
	if ((depth = ext2_bmap_path(fs, lblk, off)) < 0)
		return depth;
	if (!ext2_block_valid(fs, goal))
		goal = ext2_block_goal(fs, ino, &in, lblk);
	if ((err = ensure_path(fs, ino, &in, off, depth, goal)))
		return err;
	return ext2_block_alloc_deferred(fs, goal, pblk);
}

int
ext2_data_unreserve(struct ext2_fs *fs, uint32_t pblk)
{
	int err = ext2_check_writable(fs);

	return err ? err : ext2_block_free(fs, pblk);
}

/* The indirect block holding lblk's entry (its path is off[0..depth-1]). */
struct leaf {
	uint32_t *buf;
	uint32_t blk;                  /* 0: none loaded */
	bool dirty;
};

static int
leaf_flush(struct ext2_fs *fs, struct leaf *lf)
{
	int err = 0;

	if (lf->blk && lf->dirty)
		err = ext2_bwrite(fs, lf->blk, lf->buf);
	lf->dirty = false;
	return err;
}

/* Load the leaf indirect block on off's path (depth >= 1), keeping the one loaded. */
static int
leaf_load(struct ext2_fs *fs, const struct ext2_inode *in, const uint32_t *off, int depth,
	  struct leaf *lf)
{
	uint32_t blk = in->i_block[off[0]], *walk;
	int err = 0;

	if (depth > 1) {
		if (!(walk = ext2_buf_get(fs)))
			return -ENOMEM;
		for (int level = 1; level < depth && blk && !err; level++)
			if (!(err = ext2_bread(fs, blk, walk)))
				blk = walk[off[level]];
		ext2_free(fs, walk);
		if (err)
			return err;
	}
	if (!blk)
		return ext2_corrupt(fs, "no indirect block on a reserved block's path");
	if (blk == lf->blk)
		return 0;
	if ((err = leaf_flush(fs, lf)))
		return err;
	lf->blk = 0;
	if ((err = ext2_bread(fs, blk, lf->buf)))
		return err;
	lf->blk = blk;
	return 0;
}

/* Point lblk at pblk: in i_block (written with the inode) or in its leaf. */
static int
link_one(struct ext2_fs *fs, struct ext2_inode *in, uint32_t lblk, uint32_t pblk,
	 struct leaf *lf)
{
	uint32_t off[4], *slot;
	int depth = ext2_bmap_path(fs, lblk, off), err;

	if (depth < 0)
		return depth;
	if (!ext2_block_valid(fs, pblk))
		return ext2_corrupt(fs, "linking a block outside the volume");
	if (depth == 0) {
		slot = &in->i_block[off[0]];
	} else {
		if ((err = leaf_load(fs, in, off, depth, lf)))
			return err;
		slot = &lf->buf[off[depth]];
		lf->dirty = true;
	}
	if (*slot)
		return ext2_corrupt(fs, "block map entry already in use");
	*slot = pblk;
	ext2_add_sectors(fs, in, 1);
	return 0;
}

int
ext2_data_link(struct ext2_fs *fs, uint32_t ino, const uint32_t *lblk, const uint32_t *pblk,
	       unsigned n, uint64_t size)
{
	struct leaf lf = { NULL, 0, false };
	struct ext2_inode in;
	int err, e;

	if ((err = ext2_check_writable(fs)) || (err = data_inode(fs, ino, &in)))
		return err;
	if (size > fs->max_file_size)
		return -EFBIG;
	if ((err = ext2_bitmap_flush(fs)))   /* reserved bits before pointers to them */
		return err;
	if (!(lf.buf = ext2_buf_get(fs)))
		return -ENOMEM;
	for (unsigned i = 0; i < n && !err; i++)
		err = link_one(fs, &in, lblk[i], pblk[i], &lf);
	if ((e = leaf_flush(fs, &lf)) && !err)
		err = e;
	ext2_free(fs, lf.buf);
	if (size > ext2_isize(&in))
		ext2_set_isize(&in, size);
	/* Written even after an error: entries before it may be linked already. */
	if ((e = ext2_inode_store(fs, ino, &in, false)) && !err)
		err = e;
	return err;
}

int
ext2_data_update(struct ext2_fs *fs, uint32_t ino, uint64_t size, uint32_t mtime)
{
	struct ext2_inode in;
	int err;

	if ((err = ext2_check_writable(fs)) || (err = data_inode(fs, ino, &in)))
		return err;
	if (size > fs->max_file_size)
		return -EFBIG;
	if (size > ext2_isize(&in))
		ext2_set_isize(&in, size);
	if (mtime)
		in.i_mtime = in.i_ctime = mtime;
	return ext2_inode_store(fs, ino, &in, false);
}

uint64_t
ext2_max_file_size(const struct ext2_fs *fs)
{
	return fs->max_file_size;
}

uint32_t
ext2_block_size(const struct ext2_fs *fs)
{
	return fs->block_size;
}
