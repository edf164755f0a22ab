// SPDX-License-Identifier: MIT
/*
 * Names: create, mknod, mkdir, symlink, link, unlink and rmdir.
 *
 * Write order: soft updates' three rules.  ext2 has no journal, so what a
 * crash leaves behind depends only on the order in which blocks reach the
 * disk.  Keel's I/O layer writes through in call order, so the order of
 * the calls below IS the order on disk, and they follow three rules
 * (Ganger and Patt, "Metadata update performance in file systems", 1994):
 *
 *   1. Never point to a structure before it has been initialized.
 *      A new inode is written before the directory entry naming it; a new
 *      directory block ("." and "..") and a symlink's data block are
 *      written before the inode that points at them (map_write.c, write.c).
 *   2. Never re-use a resource before nullifying all previous pointers.
 *      An entry is removed (block written) before the inode's link count
 *      drops; block pointers are cleared before the bitmap frees the
 *      blocks (truncate.c); the inode bitmap bit is cleared last.
 *   3. Never reset the old pointer to a live resource before the new
 *      pointer has been set.  rename writes the new name before it removes
 *      the old one (rename.c).
 *
 * Link counts follow the same logic: a count goes up before the reference
 * it counts is written, and down only after that reference is gone.  So a
 * crash can leave a count too high, an allocated block or inode nobody
 * points at, or a name twice (rename); e2fsck repairs each of those by
 * freeing or recounting.  It can never leave a name pointing at a free
 * inode or a block map pointing at a free block, which would hand one
 * object to two owners.
 *
 * Every operation checks its arguments before changing anything.  Free
 * counts are summaries, written later by ext2_sync (mount.c).
 */
#include "fs/ext2/internal.h"
#include "lib/string.h"

/*
 * The parent directory of a new name: it must exist, be live, and lack the
 * name.  The same walk finds where the entry will go (*slot); a lookup's
 * walk just before, with nothing changed since (hint), already did both.
 */
static int
prepare_parent(struct ext2_fs *fs, uint32_t dir, struct ext2_inode *din, const char *name,
	       size_t len, struct ext2_dir_slot *slot, const struct ext2_dir_hint *hint)
{
	int err;

	if ((err = ext2_check_writable(fs)) || (err = ext2_check_name(name, len)))
		return err;
	if ((err = ext2_read_dir_inode(fs, dir, din)))
		return err;
	if (din->i_links_count == 0)
		return -ENOENT;         /* removed, still open */
	if (hint && hint->dir == dir && hint->ino == 0) {
		*slot = hint->slot;
		return 0;
	}
	return ext2_dir_probe(fs, dir, din, name, len, slot);
}

/* Allocate an inode number and fill in the new inode in memory. */
static int
new_inode(struct ext2_fs *fs, uint32_t dir, const struct ext2_new *nw, struct ext2_inode *in,
	  uint32_t *ino)
{
	bool isdir = EXT2_S_ISDIR(nw->mode);
	uint32_t now = ext2_now(fs);
	int err;

	if ((err = ext2_inode_alloc(fs, dir, isdir, ino)))
		return err;
	memset(in, 0, sizeof(*in));
	in->i_mode = (uint16_t)nw->mode;
	in->i_uid = (uint16_t)nw->uid;
	in->i_uid_high = (uint16_t)(nw->uid >> 16);
	in->i_gid = (uint16_t)nw->gid;
	in->i_gid_high = (uint16_t)(nw->gid >> 16);
	in->i_atime = in->i_ctime = in->i_mtime = now;
	in->i_links_count = isdir ? 2 : 1;
	in->i_generation = ++fs->next_generation;
	in->i_extra_isize = (uint16_t)fs->extra_isize;
	in->i_crtime = now;
	return 0;
}

/* Undo a new inode nothing names yet: free its blocks, then its number. */
static void
undo_new(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in)
{
	in->i_links_count = 0;
	ext2_evict(fs, ino, in);
}

/*
 * The parent after an entry came or went: new times, and if it grew, a new
 * size and block.  A grown parent is written in order (its new block is
 * initialized, now point at it); times alone can go lazily.
 */
static int
parent_changed(struct ext2_fs *fs, uint32_t dir, struct ext2_inode *din, uint32_t old_size)
{
	din->i_mtime = din->i_ctime = ext2_now(fs);
	if (din->i_size == old_size)
		return ext2_inode_store_lazy(fs, dir, din);
	return ext2_inode_store(fs, dir, din, false);
}

/*
 * The common tail of every create: write the initialized inode, then the
 * entry naming it, then the parent (times, and size if it grew).
 *
 * An inode with no blocks of its own (a file, a device node, a fast
 * symlink) points at nothing, so its write needs only its bitmap bit on
 * the disk first, and the entry needs only the inode and the bit; saying
 * so lets a burst of creates in one directory join their writes of the
 * same three blocks.  With blocks (a directory, a slow symlink) every
 * write goes after everything before it, which covers those blocks.
 */
static int
link_new(struct ext2_fs *fs, uint32_t dir, struct ext2_inode *din, const struct ext2_dir_slot *slot,
	 const char *name, size_t len, uint32_t ino, struct ext2_inode *in)
{
	uint32_t size = din->i_size, bit = fs->gd[ext2_group_of_ino(fs, ino)].bg_inode_bitmap;
	struct ext2_deps ideps = { 1, { bit } }, edeps = { 2, { bit, ext2_inode_block(fs, ino) } };
	bool blockless = in->i_blocks == 0 && in->i_file_acl == 0 && edeps.blk[1];
	int err;

	if ((err = ext2_inode_store_after(fs, ino, in, true, blockless ? &ideps : NULL)) ||
	    (err = ext2_dir_add_at(fs, dir, din, slot, name, len, ino, ext2_mode_to_ft(in->i_mode),
				   blockless ? &edeps : NULL))) {
		undo_new(fs, ino, in);
		return err;
	}
	return parent_changed(fs, dir, din, size);
}

/* Linux's device number encodings (see decode_rdev in inode.c). */
static void
encode_rdev(struct ext2_inode *in, uint32_t major, uint32_t minor)
{
	if (major < 256 && minor < 256)
		in->i_block[0] = major << 8 | minor;
	else
		in->i_block[1] = (minor & 0xff) | (major & 0xfff) << 8 | (minor & ~0xffu) << 12;
}

int
ext2_mknod(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len,
	   const struct ext2_new *nw, uint32_t *ino)
{
	struct ext2_inode din, in;
	struct ext2_dir_slot slot;
	struct ext2_new n = *nw;
	uint32_t type = n.mode & EXT2_S_IFMT;
	int err;

	if (type == 0)
		n.mode |= type = EXT2_S_IFREG;
	if (type == EXT2_S_IFDIR || type == EXT2_S_IFLNK || ext2_mode_to_ft(type) == EXT2_FT_UNKNOWN)
		return -EINVAL;
	if ((err = prepare_parent(fs, dir, &din, name, len, &slot, n.hint)) ||
	    (err = new_inode(fs, dir, &n, &in, ino)))
		return err;
	if (type == EXT2_S_IFCHR || type == EXT2_S_IFBLK)
		encode_rdev(&in, n.rdev_major, n.rdev_minor);
	return link_new(fs, dir, &din, &slot, name, len, *ino, &in);
}

int
ext2_create(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len,
	    const struct ext2_new *nw, uint32_t *ino)
{
	struct ext2_new n = *nw;

	n.mode = EXT2_S_IFREG | (n.mode & 07777);
	return ext2_mknod(fs, dir, name, len, &n, ino);
}

int
ext2_mkdir(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len,
	   const struct ext2_new *nw, uint32_t *ino)
{
	struct ext2_inode din, in;
	struct ext2_dir_slot slot;
	struct ext2_new n = *nw;
	int err;

	n.mode = EXT2_S_IFDIR | (n.mode & 07777);
	if ((err = prepare_parent(fs, dir, &din, name, len, &slot, n.hint)))
		return err;
	if (din.i_links_count >= EXT2_LINK_MAX)
		return -EMLINK;
	if ((err = new_inode(fs, dir, &n, &in, ino)))
		return err;
	/* The parent's count covers the new ".." before that entry exists. */
	din.i_links_count++;
	if ((err = ext2_inode_store(fs, dir, &din, false)) ||
	    (err = ext2_dir_init(fs, *ino, &in, dir)) ||
	    (err = link_new(fs, dir, &din, &slot, name, len, *ino, &in))) {
		if (in.i_links_count)
			undo_new(fs, *ino, &in);
		din.i_links_count--;
		ext2_inode_store(fs, dir, &din, false);
	}
	return err;
}

int
ext2_symlink(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len, const char *target,
	     size_t tlen, const struct ext2_new *nw, uint32_t *ino)
{
	struct ext2_inode din, in;
	struct ext2_dir_slot slot;
	struct ext2_new n = *nw;
	uint8_t *buf;
	uint32_t blk;
	int err;

	if (tlen == 0)
		return -ENOENT;
	if (tlen >= fs->block_size || tlen >= EXT2_PATH_MAX)
		return -ENAMETOOLONG;
	n.mode = EXT2_S_IFLNK | 0777;
	if ((err = prepare_parent(fs, dir, &din, name, len, &slot, n.hint)) ||
	    (err = new_inode(fs, dir, &n, &in, ino)))
		return err;
	in.i_size = (uint32_t)tlen;
	if (tlen <= EXT2_FAST_SYMLINK_MAX) {
		memcpy(in.i_block, target, tlen);       /* fast: the text is the block map */
		return link_new(fs, dir, &din, &slot, name, len, *ino, &in);
	}
	if (!(buf = ext2_buf_get(fs))) {
		err = -ENOMEM;
	} else {
		memset(buf, 0, fs->block_size);
		memcpy(buf, target, tlen);
		err = ext2_block_append(fs, *ino, &in, 0, buf, &blk);
		ext2_free(fs, buf);
	}
	if (err)
		undo_new(fs, *ino, &in);
	else
		err = link_new(fs, dir, &din, &slot, name, len, *ino, &in);
	return err;
}

int
ext2_link(struct ext2_fs *fs, uint32_t ino, uint32_t dir, const char *name, size_t len)
{
	struct ext2_inode din, in;
	struct ext2_dir_slot slot;
	uint32_t size;
	int err;

	if ((err = prepare_parent(fs, dir, &din, name, len, &slot, NULL)) ||
	    (err = ext2_inode_read(fs, ino, &in)))
		return err;
	if (EXT2_S_ISDIR(in.i_mode))
		return -EPERM;
	if (in.i_links_count == 0)
		return -ENOENT;
	if (in.i_links_count >= EXT2_LINK_MAX)
		return -EMLINK;
	in.i_links_count++;             /* count first, then the new name */
	in.i_ctime = ext2_now(fs);
	if ((err = ext2_inode_store(fs, ino, &in, false)))
		return err;
	size = din.i_size;
	err = ext2_dir_add_at(fs, dir, &din, &slot, name, len, ino, ext2_mode_to_ft(in.i_mode), NULL);
	if (err) {
		in.i_links_count--;
		ext2_inode_store(fs, ino, &in, false);
	} else {
		err = parent_changed(fs, dir, &din, size);
	}
	return err;
}

/*
 * One link of ino is gone from disk: drop the count, and free the inode if
 * that was the last (or hand it to the caller as an orphan).  The inode's
 * write needs deps first (NULL: every earlier write).
 */
static int
drop_link(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in, uint32_t *orphan,
	  const struct ext2_deps *deps)
{
	if (in->i_links_count)
		in->i_links_count--;
	in->i_ctime = ext2_now(fs);
	if (in->i_links_count)
		return ext2_inode_store_after(fs, ino, in, false, deps);
	if (!orphan)
		return ext2_evict_after(fs, ino, in, deps);
	*orphan = ino;
	return ext2_inode_store_after(fs, ino, in, false, deps);
}

int
ext2_drop_link(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in, uint32_t *orphan)
{
	return drop_link(fs, ino, in, orphan, NULL);
}

/*
 * A directory's name is gone from disk (rmdir, or rename over it): free
 * its blocks, and its ".." with them; then drop the parent's count for
 * that ".."; last free the inode (or hand it over as an orphan).
 */
int
ext2_drop_dir(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in, uint32_t pino,
	      struct ext2_inode *pin, uint32_t *orphan)
{
	int err;

	in->i_links_count = 0;
	in->i_ctime = ext2_now(fs);
	if (!orphan)
		in->i_dtime = in->i_ctime;
	if ((err = ext2_shrink(fs, ino, in, 0)))
		return err;
	if (pin->i_links_count > 2)
		pin->i_links_count--;
	pin->i_mtime = pin->i_ctime = ext2_now(fs);
	if ((err = ext2_inode_store(fs, pino, pin, false)))
		return err;
	if (orphan) {
		*orphan = ino;
		return 0;
	}
	return ext2_evict(fs, ino, in);
}

/*
 * Look name up in dir for removal; fills din, *ino, in and where the entry
 * is.  A lookup's walk just before, with nothing changed since (hint),
 * already found it.
 */
static int
prepare_remove(struct ext2_fs *fs, uint32_t dir, struct ext2_inode *din, const char *name,
	       size_t len, uint32_t *ino, struct ext2_inode *in, struct ext2_dir_pos *pos,
	       const struct ext2_dir_hint *hint)
{
	struct ext2_dirhash *dh;
	int err;

	if ((err = ext2_check_writable(fs)))
		return err;
	if (len > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	if ((err = ext2_read_dir_inode(fs, dir, din)))
		return err;
	if (hint && hint->dir == dir && hint->ino &&
	    ext2_dir_entry_is(fs, &hint->pos, name, len, hint->ino)) {
		*ino = hint->ino;
		*pos = hint->pos;
	} else if ((dh = ext2_dh_get(fs, dir, din)) != NULL) {
		if ((err = ext2_dh_find(fs, dh, name, len, ino, pos)) <= 0)
			return err ? err : -ENOENT;
	} else if ((err = ext2_dir_find_pos(fs, din, name, len, ino, pos))) {
		return err;
	}
	return ext2_inode_read(fs, *ino, in);
}

/*
 * unlink: the name goes first, then the inode's count (and the inode, if
 * that was its last name).  When the name went out with one write of a
 * known block, the inode's write needs only that block on the disk first.
 */
int
ext2_unlink_hinted(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len,
		   const struct ext2_dir_hint *hint, uint32_t *orphan)
{
	struct ext2_inode din, in;
	struct ext2_dir_pos pos;
	struct ext2_deps deps = { 1, { 0 } };
	uint32_t ino;
	int err;

	if (orphan)
		*orphan = 0;
	if (ext2_is_dots(name, len))
		return -EISDIR;
	if ((err = prepare_remove(fs, dir, &din, name, len, &ino, &in, &pos, hint)))
		return err;
	if (EXT2_S_ISDIR(in.i_mode))
		return -EISDIR;
	if ((err = ext2_dir_remove_at(fs, dir, &din, &pos, name, len, ino, &deps.blk[0])) ||
	    (err = parent_changed(fs, dir, &din, din.i_size)))
		return err;
	return drop_link(fs, ino, &in, orphan, deps.blk[0] ? &deps : NULL);
}

int
ext2_unlink(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len, uint32_t *orphan)
{
	return ext2_unlink_hinted(fs, dir, name, len, NULL, orphan);
}

/* rmdir: the name goes first, then everything ext2_drop_dir does. */
int
ext2_rmdir(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len, uint32_t *orphan)
{
	struct ext2_inode din, in;
	struct ext2_dir_pos pos;
	uint32_t ino, wrote;
	int err;

	if (orphan)
		*orphan = 0;
	if (ext2_is_dots(name, len))
		return len == 1 ? -EINVAL : -ENOTEMPTY;
	if ((err = prepare_remove(fs, dir, &din, name, len, &ino, &in, &pos, NULL)))
		return err;
	if (!EXT2_S_ISDIR(in.i_mode))
		return -ENOTDIR;
	if (ino == EXT2_ROOT_INO || ino == dir)
		return ino == dir ? ext2_corrupt(fs, "directory entry names its own directory") : -EBUSY;
	if ((err = ext2_dir_empty(fs, &in)))
		return err;
	if ((err = ext2_dir_remove_at(fs, dir, &din, &pos, name, len, ino, &wrote)))
		return err;
	return ext2_drop_dir(fs, ino, &in, dir, &din, orphan);
}
