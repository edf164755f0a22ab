// SPDX-License-Identifier: MIT
/*
 * Reading directories: checking directory blocks, walking their entries,
 * looking a name up, and readdir.  Part of the read path (the boot loader
 * looks up /boot/keel.elf with it).
 *
 * A directory block is a chain of entries that exactly covers the block;
 * each entry's rec_len leads to the next.  Every entry is checked before
 * it is used or stepped over: its rec_len must be a multiple of 4, at
 * least a header long and stay inside the block, its name must fit in it,
 * and its inode number must exist.  A rec_len of 0 would loop forever and
 * one running past the block would read past the buffer, so an entry
 * failing the check stops the walk with -EIO.  The check is made as the
 * walk goes, not over the whole block first: a lookup or a create visits
 * each entry once instead of twice, and the entries after the one a walk
 * stops at are neither used nor changed.  readdir, which hands entries
 * out, checks each block whole first, so a damaged block gives no names.
 *
 * Directories with an htree index (dir_index, flag EXT2_INDEX_FL) read the
 * same way: the index root hides inside the ".." entry of block 0 (its
 * rec_len covers the rest of the block) and each index node looks like one
 * unused entry covering its block, so the leaf blocks are the only ones
 * with names.  The walk below reads every block, so it finds every name.
 */
#include "fs/ext2/internal.h"
#include "lib/string.h"

/* rec_len on disk is 16 bits; 64 KiB blocks write 65536 as 65535 (or 0). */
uint32_t
ext2_rec_len(const struct ext2_fs *fs, const struct ext2_dirent *de)
{
	uint32_t len = de->rec_len;

	if (fs->block_size == 65536 && (len == 0 || len == 65535))
		return 65536;
	return len;
}

void
ext2_set_rec_len(const struct ext2_fs *fs, struct ext2_dirent *de, uint32_t len)
{
	de->rec_len = (uint16_t)(len == 65536 ? 65535 : len);
}

bool
ext2_name_is(const struct ext2_dirent *de, const char *name, size_t len)
{
	return de->inode && de->name_len == len && memcmp(de->name, name, len) == 0;
}

static int
check_entry(struct ext2_fs *fs, const struct ext2_dirent *de, uint32_t room)
{
	uint32_t rec = ext2_rec_len(fs, de);

	if (rec < EXT2_DIRENT_HDR || (rec & 3) || rec > room)
		return ext2_corrupt(fs, "directory entry with a bad rec_len");
	/* Without the filetype feature the type byte is the name length's top. */
	if (!(fs->flags & EXT2_FS_FILETYPE) && de->file_type)
		return ext2_corrupt(fs, "directory entry name too long");
	if (EXT2_DIRENT_HDR + (uint32_t)de->name_len > rec)
		return ext2_corrupt(fs, "directory entry name runs past its record");
	if (de->inode > fs->inodes_count)
		return ext2_corrupt(fs, "directory entry inode number out of range");
	if (de->inode && de->name_len == 0)
		return ext2_corrupt(fs, "directory entry without a name");
	return 0;
}

int
ext2_dirent_check(struct ext2_fs *fs, const uint8_t *block, uint32_t off)
{
	if (off >= fs->block_size || fs->block_size - off < EXT2_DIRENT_HDR)
		return ext2_corrupt(fs, "directory entry runs past the block");
	return check_entry(fs, (const struct ext2_dirent *)(block + off), fs->block_size - off);
}

/* Check a whole block before any entry of it is used (readdir). */
static int
check_block(struct ext2_fs *fs, const uint8_t *blk)
{
	int err;

	for (uint32_t off = 0; off < fs->block_size;) {
		if ((err = ext2_dirent_check(fs, blk, off)))
			return err;
		off += ext2_rec_len(fs, (const struct ext2_dirent *)(blk + off));
	}
	return 0;
}

/* Check each entry of a block and offer those at or after offset skip to fn. */
static int
walk_block(struct ext2_fs *fs, struct ext2_dirwalk *w, uint32_t skip, ext2_dirwalk_fn fn,
	   void *arg)
{
	uint32_t bs = fs->block_size;
	int err;

	w->prev = EXT2_NO_PREV;
	for (uint32_t off = 0; off < bs;) {
		w->off = off;
		w->de = (struct ext2_dirent *)(w->block + off);
		if ((err = ext2_dirent_check(fs, w->block, off)))
			return err;
		if (off >= skip) {
			int r = fn(fs, w, arg);

			if (r)
				return r;   /* fn may have changed the block: stop here */
		}
		w->prev = off;
		off += ext2_rec_len(fs, w->de);
	}
	return 0;
}

/*
 * Walk the entries of a directory from byte position start on.  Holes are
 * skipped.  Returns fn's first non-zero answer, or 0 after the last entry.
 * whole: check each block entirely before offering any of its entries
 * (readdir hands entries out, so a damaged block gives none of them).
 */
static int
dir_walk(struct ext2_fs *fs, const struct ext2_inode *dir, uint64_t start, ext2_dirwalk_fn fn,
	 void *arg, bool whole)
{
	uint32_t nblocks = (uint32_t)(((uint64_t)dir->i_size + fs->block_size - 1) >> fs->block_shift);
	uint32_t skip = (uint32_t)start & (fs->block_size - 1);
	struct ext2_dirwalk w;
	int err = 0;

	if (start >= ((uint64_t)nblocks << fs->block_shift))
		return 0;
	if (!(w.block = ext2_buf_get(fs)))
		return -ENOMEM;
	for (w.lblk = (uint32_t)(start >> fs->block_shift); w.lblk < nblocks; w.lblk++, skip = 0) {
		if ((err = ext2_bmap(fs, dir, w.lblk, &w.pblk)))
			break;
		if (!w.pblk)
			continue;
		if ((err = ext2_bread(fs, w.pblk, w.block)) || (whole && (err = check_block(fs, w.block))))
			break;
		if ((err = walk_block(fs, &w, skip, fn, arg)))
			break;
	}
	ext2_free(fs, w.block);
	return err;
}

int
ext2_dir_walk(struct ext2_fs *fs, const struct ext2_inode *dir, uint64_t start,
	      ext2_dirwalk_fn fn, void *arg)
{
	return dir_walk(fs, dir, start, fn, arg, false);
}

struct find {
	const char *name;
	size_t len;
	uint32_t ino;
	unsigned ft;
	struct ext2_dir_pos *pos;       /* where it was found, or NULL */
};

static int
find_fn(struct ext2_fs *fs, struct ext2_dirwalk *w, void *arg)
{
	struct find *f = arg;

	if (!ext2_name_is(w->de, f->name, f->len))
		return 0;
	f->ino = w->de->inode;
	f->ft = (fs->flags & EXT2_FS_FILETYPE) ? w->de->file_type : EXT2_FT_UNKNOWN;
	if (f->pos)
		*f->pos = (struct ext2_dir_pos){ w->pblk, w->off, w->prev };
	return 1;
}

static int
find(struct ext2_fs *fs, const struct ext2_inode *dir, struct find *f)
{
	int r = ext2_dir_walk(fs, dir, 0, find_fn, f);

	if (r < 0)
		return r;
	return r ? 0 : -ENOENT;
}

int
ext2_dir_find(struct ext2_fs *fs, const struct ext2_inode *dir, const char *name, size_t len,
	      uint32_t *ino, unsigned *ft)
{
	struct find f = { name, len, 0, 0, NULL };
	int r = find(fs, dir, &f);

	if (r)
		return r;
	*ino = f.ino;
	if (ft)
		*ft = f.ft;
	return 0;
}

int
ext2_dir_find_pos(struct ext2_fs *fs, const struct ext2_inode *dir, const char *name, size_t len,
		  uint32_t *ino, struct ext2_dir_pos *pos)
{
	struct find f = { name, len, 0, 0, pos };
	int r = find(fs, dir, &f);

	if (r == 0)
		*ino = f.ino;
	return r;
}

/*
 * The entries of a block are a chain of rec_len steps from offset 0; an
 * entry taken out leaves its bytes behind, inside its neighbour's step.
 * So "pos still names ino" means: the chain reaches pos->off, with
 * pos->prev just before it, and that entry says name -> ino.
 */
bool
ext2_dir_entry_is(struct ext2_fs *fs, const struct ext2_dir_pos *pos, const char *name,
		  size_t len, uint32_t ino)
{
	uint8_t *block = ext2_buf_get(fs);
	uint32_t off = 0, prev = EXT2_NO_PREV;
	bool yes = false;

	if (!block)
		return false;
	if (ext2_bread(fs, pos->pblk, block) == 0) {
		while (off < pos->off && off < fs->block_size && ext2_dirent_check(fs, block, off) == 0) {
			prev = off;
			off += ext2_rec_len(fs, (const struct ext2_dirent *)(block + off));
		}
		if (off == pos->off && (prev == pos->prev || pos->prev == EXT2_PREV_UNKNOWN) &&
		    off < fs->block_size &&
		    ext2_dirent_check(fs, block, off) == 0) {
			const struct ext2_dirent *de = (const struct ext2_dirent *)(block + off);

			yes = de->inode == ino && ext2_name_is(de, name, len);
		}
	}
	ext2_free(fs, block);
	return yes;
}

int
ext2_read_dir_inode(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in)
{
	int err = ext2_inode_read(fs, ino, in);

	if (err)
		return err;
	return EXT2_S_ISDIR(in->i_mode) ? 0 : -ENOTDIR;
}

int
ext2_lookup(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len, uint32_t *ino)
{
	struct ext2_inode in;
	int err;

	if (len == 0)
		return -ENOENT;
	if (len > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	if ((err = ext2_read_dir_inode(fs, dir, &in)))
		return err;
	return ext2_dir_find(fs, &in, name, len, ino, NULL);
}

struct readdir {
	ext2_filldir_t fill;
	void *arg;
	uint64_t *pos;
};

/* ext2's file_type codes to Linux's d_type values. */
static const uint8_t ft_to_dt[EXT2_FT_MAX] = {
	[EXT2_FT_UNKNOWN] = EXT2_DT_UNKNOWN, [EXT2_FT_REG_FILE] = EXT2_DT_REG,
	[EXT2_FT_DIR] = EXT2_DT_DIR,         [EXT2_FT_CHRDEV] = EXT2_DT_CHR,
	[EXT2_FT_BLKDEV] = EXT2_DT_BLK,      [EXT2_FT_FIFO] = EXT2_DT_FIFO,
	[EXT2_FT_SOCK] = EXT2_DT_SOCK,       [EXT2_FT_SYMLINK] = EXT2_DT_LNK,
};

static int
readdir_fn(struct ext2_fs *fs, struct ext2_dirwalk *w, void *arg)
{
	struct readdir *rd = arg;
	uint64_t here = ((uint64_t)w->lblk << fs->block_shift) + w->off;
	unsigned ft = (fs->flags & EXT2_FS_FILETYPE) ? w->de->file_type : EXT2_FT_UNKNOWN;

	if (w->de->inode &&
	    rd->fill(rd->arg, w->de->name, w->de->name_len, w->de->inode,
		     ft < EXT2_FT_MAX ? ft_to_dt[ft] : EXT2_DT_UNKNOWN))
		return 1;
	*rd->pos = here + ext2_rec_len(fs, w->de);
	return 0;
}

int
ext2_readdir(struct ext2_fs *fs, uint32_t dir, uint64_t *pos, ext2_filldir_t fill, void *arg)
{
	struct readdir rd = { fill, arg, pos };
	struct ext2_inode in;
	int r;

	if ((r = ext2_read_dir_inode(fs, dir, &in)))
		return r;
	r = dir_walk(fs, &in, *pos, readdir_fn, &rd, true);
	if (r < 0)
		return r;
	if (r == 0 && *pos < in.i_size)
		*pos = in.i_size;
	return 0;
}
