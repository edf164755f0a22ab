// SPDX-License-Identifier: MIT
/*
 * Free-space management: the block and inode bitmaps.
 *
 * Each group has one block of bitmap for its blocks and one for its
 * inodes; bit i set means "in use".  Soft updates' rules are about the
 * order in which bitmaps and pointers reach the disk:
 *
 *   allocate: the bit is set and the bitmap written at once, so the caller
 *             may point at the block or inode as soon as this returns;
 *   allocate, deferred (file data reserved by a page cache, data.c): the
 *             bit is only set in the cached bitmap block, and the caller
 *             writes no pointer to the block before ext2_bitmap_flush
 *             (ext2_data_link calls it first); until then a crash leaves
 *             the block free on disk, and nothing points at it;
 *   free:     the caller has already cleared (on disk) every pointer to it,
 *             so the cleared bit may reach the disk any time later.
 *
 * So frees only mark the cached bitmap block dirty: freeing a 300-block
 * file writes its bitmap block once, not 300 times.  The dirty block is
 * written before another bitmap block is loaded, by the next allocation,
 * or by ext2_sync.  The free counts in the group descriptors and the
 * superblock are updated in memory and written by ext2_sync (mount.c).
 *
 * Policy.  A file's blocks go right after the block before them when that
 * block is free (so files stay contiguous), else after their inode's
 * group's inode table, else in the next group with room.  Files' inodes go
 * in their directory's group, near their siblings.  New directories are
 * spread out instead ("Orlov-lite"): a directory goes to a group with at
 * least the average number of free inodes and the fewest directories, so
 * each subtree gets room to grow near its own directory.
 */
#include "fs/ext2/internal.h"
#include "lib/string.h"

static uint32_t
group_first_block(const struct ext2_fs *fs, uint32_t g)
{
	return fs->first_data_block + g * fs->blocks_per_group;
}

/* Blocks in group g: the last group may be short. */
static uint32_t
group_nblocks(const struct ext2_fs *fs, uint32_t g)
{
	if (g == fs->groups - 1)
		return fs->blocks_count - group_first_block(fs, g);
	return fs->blocks_per_group;
}

/*
 * Blocks no bitmap may ever hand out: the primary superblock and group
 * descriptors (with their reserve), and the group's own bitmaps and inode
 * table.  Finding one marked free means the bitmap is damaged.
 */
static bool
is_metadata(const struct ext2_fs *fs, uint32_t g, uint32_t blk)
{
	const struct ext2_group_desc *gd = &fs->gd[g];

	if (blk <= fs->first_data_block + fs->gdt_blocks + fs->sb.s_reserved_gdt_blocks)
		return true;
	return blk == gd->bg_block_bitmap || blk == gd->bg_inode_bitmap ||
	       (blk >= gd->bg_inode_table && blk - gd->bg_inode_table < fs->itable_blocks);
}

/*
 * Write the cached bitmap block if it changed.  Bits only set (allocations)
 * need nothing on the disk first: a set bit nobody points at is a leak at
 * worst, so the write may join an earlier queued write of the block.  A
 * cleared bit (a free) must come after every write that let go of the
 * block or inode, so a bitmap with frees in it goes after everything.
 */
int
ext2_bitmap_flush(struct ext2_fs *fs)
{
	static const struct ext2_deps none = { 0 };
	bool frees = fs->bitmap_frees;
	int err;

	if (!fs->bitmap_dirty)
		return 0;
	fs->bitmap_dirty = fs->bitmap_frees = false;
	if ((err = ext2_bwrite_after(fs, fs->bitmap_blk, fs->bitmap, frees ? NULL : &none)))
		fs->bitmap_blk = 0;
	return err;
}

/* One bitmap block is cached; all bitmap traffic goes through here. */
static int
bitmap_load(struct ext2_fs *fs, uint32_t blk)
{
	int err;

	if (fs->bitmap_blk == blk)
		return 0;
	if ((err = ext2_bitmap_flush(fs)))
		return err;
	if (!fs->bitmap && !(fs->bitmap = ext2_buf_get(fs)))
		return -ENOMEM;
	fs->bitmap_blk = 0;
	if ((err = ext2_bread(fs, blk, fs->bitmap)))
		return err;
	fs->bitmap_blk = blk;
	return 0;
}

/* An allocation: the bitmap must be on disk before anyone points at the new bit. */
static int
bitmap_store(struct ext2_fs *fs)
{
	fs->bitmap_dirty = true;
	return ext2_bitmap_flush(fs);
}

static bool
bit_test(const uint8_t *map, uint32_t i)
{
	return map[i >> 3] & (1u << (i & 7));
}

static void
bit_flip(uint8_t *map, uint32_t i)
{
	map[i >> 3] ^= (uint8_t)(1u << (i & 7));
}

/* First clear bit in [from, to), or to. */
static uint32_t
find_clear(const uint8_t *map, uint32_t from, uint32_t to)
{
	uint32_t i = from;

	while (i < to) {
		if (!(i & 7) && i + 8 <= to && map[i >> 3] == 0xFF) {
			i += 8;
			continue;
		}
		if (!bit_test(map, i))
			return i;
		i++;
	}
	return to;
}

static int
alloc_in_group(struct ext2_fs *fs, uint32_t g, uint32_t from, uint32_t to, uint32_t *blk,
	       bool defer)
{
	uint32_t bit;
	int err;

	if ((err = bitmap_load(fs, fs->gd[g].bg_block_bitmap)))
		return err;
	bit = find_clear(fs->bitmap, from, to);
	if (bit == to)
		return -ENOSPC;
	if (is_metadata(fs, g, group_first_block(fs, g) + bit))
		return ext2_corrupt(fs, "block bitmap shows metadata as free");
	bit_flip(fs->bitmap, bit);
	if (defer)
		fs->bitmap_dirty = true;
	else if ((err = bitmap_store(fs)))
		return err;
	fs->gd[g].bg_free_blocks_count--;
	fs->sb.s_free_blocks_count--;
	ext2_gd_dirty(fs, g);
	*blk = group_first_block(fs, g) + bit;
	return 0;
}

/*
 * Allocate one block, at goal or as soon after it as possible.  The search
 * starts in goal's group at goal, visits every other group, and ends with
 * the part of goal's group before goal.
 * FIXME: the super-user's reserve (s_r_blocks_count) is not kept back,
 * because this layer does not know who is asking.
 */
static int
block_alloc(struct ext2_fs *fs, uint32_t goal, uint32_t *blk, bool defer)
{
	uint32_t g0, start;
	int err;

	if ((err = ext2_check_writable(fs)))
		return err;
	if (fs->sb.s_free_blocks_count == 0)
		return -ENOSPC;
	if (!ext2_block_valid(fs, goal))
		goal = fs->first_data_block + 1;
	g0 = (goal - fs->first_data_block) / fs->blocks_per_group;
	start = (goal - fs->first_data_block) % fs->blocks_per_group;
	for (uint32_t i = 0; i <= fs->groups; i++) {
		uint32_t g = (g0 + i) % fs->groups;
		uint32_t from = i == 0 ? start : 0;
		uint32_t to = i == fs->groups ? start : group_nblocks(fs, g);

		if (fs->gd[g].bg_free_blocks_count == 0 || from >= to)
			continue;
		err = alloc_in_group(fs, g, from, to, blk, defer);
		if (err != -ENOSPC)
			return err;
	}
	return -ENOSPC;
}

int
ext2_block_alloc(struct ext2_fs *fs, uint32_t goal, uint32_t *blk)
{
	return block_alloc(fs, goal, blk, false);
}

int
ext2_block_alloc_deferred(struct ext2_fs *fs, uint32_t goal, uint32_t *blk)
{
	return block_alloc(fs, goal, blk, true);
}

/* Free one block.  The caller has already cleared (and written) every pointer to it. */
int
ext2_block_free(struct ext2_fs *fs, uint32_t blk)
{
	uint32_t g, bit;
	int err;

	if (!ext2_block_valid(fs, blk))
		return ext2_corrupt(fs, "freeing a block outside the volume");
	g = (blk - fs->first_data_block) / fs->blocks_per_group;
	bit = (blk - fs->first_data_block) % fs->blocks_per_group;
	if (is_metadata(fs, g, blk))
		return ext2_corrupt(fs, "freeing a metadata block");
	if ((err = bitmap_load(fs, fs->gd[g].bg_block_bitmap)))
		return err;
	if (!bit_test(fs->bitmap, bit))
		return ext2_corrupt(fs, "freeing a free block");
	bit_flip(fs->bitmap, bit);
	fs->bitmap_dirty = fs->bitmap_frees = true;
	fs->gd[g].bg_free_blocks_count++;
	fs->sb.s_free_blocks_count++;
	ext2_gd_dirty(fs, g);
	return 0;
}

/* Where a file's block lblk should go: after its predecessor, or near the inode. */
uint32_t
ext2_block_goal(struct ext2_fs *fs, uint32_t ino, const struct ext2_inode *in, uint32_t lblk)
{
	uint32_t prev = 0;

	if (lblk > 0 && ext2_bmap(fs, in, lblk - 1, &prev) == 0 && prev)
		return prev + 1;
	return fs->gd[ext2_group_of_ino(fs, ino)].bg_inode_table + fs->itable_blocks;
}

/* Orlov-lite: a roomy group with few directories, searched after the parent's. */
static uint32_t
dir_group(const struct ext2_fs *fs, uint32_t parent_group)
{
	uint32_t avg = fs->sb.s_free_inodes_count / fs->groups;
	uint32_t best = fs->groups;

	for (uint32_t i = 1; i <= fs->groups; i++) {
		uint32_t g = (parent_group + i) % fs->groups;
		const struct ext2_group_desc *d = &fs->gd[g];

		if (d->bg_free_inodes_count == 0 || d->bg_free_inodes_count < avg)
			continue;
		if (best == fs->groups || d->bg_used_dirs_count < fs->gd[best].bg_used_dirs_count ||
		    (d->bg_used_dirs_count == fs->gd[best].bg_used_dirs_count &&
		     d->bg_free_blocks_count > fs->gd[best].bg_free_blocks_count))
			best = g;
	}
	return best == fs->groups ? parent_group : best;
}

static int
ialloc_in_group(struct ext2_fs *fs, uint32_t g, bool dir, uint32_t *ino)
{
	uint32_t base = g * fs->inodes_per_group, from = 0, bit;
	int err;

	if (base + 1 < fs->first_ino)   /* skip the reserved inodes */
		from = MIN(fs->first_ino - 1 - base, fs->inodes_per_group);
	if ((err = bitmap_load(fs, fs->gd[g].bg_inode_bitmap)))
		return err;
	bit = find_clear(fs->bitmap, from, fs->inodes_per_group);
	if (bit == fs->inodes_per_group)
		return -ENOSPC;
	bit_flip(fs->bitmap, bit);
	if ((err = bitmap_store(fs)))
		return err;
	fs->gd[g].bg_free_inodes_count--;
	if (dir)
		fs->gd[g].bg_used_dirs_count++;
	fs->sb.s_free_inodes_count--;
	ext2_gd_dirty(fs, g);
	*ino = base + bit + 1;
	return 0;
}

int
ext2_inode_alloc(struct ext2_fs *fs, uint32_t parent, bool dir, uint32_t *ino)
{
	uint32_t g0 = ext2_group_of_ino(fs, parent);
	int err;

	if ((err = ext2_check_writable(fs)))
		return err;
	if (fs->sb.s_free_inodes_count == 0)
		return -ENOSPC;
	if (dir)
		g0 = dir_group(fs, g0);
	for (uint32_t i = 0; i < fs->groups; i++) {
		uint32_t g = (g0 + i) % fs->groups;

		if (fs->gd[g].bg_free_inodes_count == 0)
			continue;
		err = ialloc_in_group(fs, g, dir, ino);
		if (err != -ENOSPC)
			return err;
	}
	return -ENOSPC;
}

/* Clear an inode's bitmap bit.  Nothing may point at the inode any more. */
int
ext2_inode_release(struct ext2_fs *fs, uint32_t ino, bool dir)
{
	uint32_t g, bit;
	int err;

	if (ino < fs->first_ino || ino > fs->inodes_count)
		return ext2_corrupt(fs, "freeing a reserved or out-of-range inode");
	g = ext2_group_of_ino(fs, ino);
	bit = (ino - 1) % fs->inodes_per_group;
	if ((err = bitmap_load(fs, fs->gd[g].bg_inode_bitmap)))
		return err;
	if (!bit_test(fs->bitmap, bit))
		return ext2_corrupt(fs, "freeing a free inode");
	bit_flip(fs->bitmap, bit);
	fs->bitmap_dirty = fs->bitmap_frees = true;
	fs->gd[g].bg_free_inodes_count++;
	if (dir && fs->gd[g].bg_used_dirs_count)
		fs->gd[g].bg_used_dirs_count--;
	fs->sb.s_free_inodes_count++;
	ext2_gd_dirty(fs, g);
	return 0;
}
