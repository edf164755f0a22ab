// SPDX-License-Identifier: MIT
/*
 * Inodes: finding one on disk, reading and writing it, and turning its raw
 * fields into attributes.  Part of the read path (the boot loader compiles
 * it), so it only reads and writes blocks and never allocates them.
 *
 * Inode n lives in group (n - 1) / inodes_per_group, at index
 * (n - 1) % inodes_per_group of that group's inode table.  Inode numbers
 * start at 1; 1..first_ino-1 are reserved (2 is the root directory, 7 the
 * resize inode, 11 usually lost+found).
 */
#include "fs/ext2/internal.h"
#include "lib/string.h"

uint32_t
ext2_group_of_ino(const struct ext2_fs *fs, uint32_t ino)
{
	return (ino - 1) / fs->inodes_per_group;
}

static int
inode_locate(struct ext2_fs *fs, uint32_t ino, uint32_t *blk, uint32_t *off)
{
	uint32_t group, index;
	uint64_t byte;

	if (ino == 0 || ino > fs->inodes_count)
		return ext2_corrupt(fs, "inode number out of range");
	group = (ino - 1) / fs->inodes_per_group;
	index = (ino - 1) % fs->inodes_per_group;
	byte = (uint64_t)index * fs->inode_size;
	*blk = fs->gd[group].bg_inode_table + (uint32_t)(byte >> fs->block_shift);
	*off = (uint32_t)byte & (fs->block_size - 1);
	return 0;
}

int
ext2_inode_read(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in)
{
	uint32_t blk, off, n = MIN(fs->inode_size, (uint32_t)sizeof(*in));
	int err;

	if ((err = inode_locate(fs, ino, &blk, &off)))
		return err;
	memset(in, 0, sizeof(*in));
	return ext2_bread_part(fs, blk, off, n, in);
}

/*
 * How many bytes of our struct belong on disk: the classic 128, plus the
 * extra fields the inode says it has (never the in-inode extended
 * attributes that may follow them).
 */
static uint32_t
inode_disk_bytes(const struct ext2_fs *fs, const struct ext2_inode *in)
{
	uint32_t extra = in->i_extra_isize;

	if (fs->inode_size == EXT2_GOOD_OLD_INODE_SIZE)
		return EXT2_GOOD_OLD_INODE_SIZE;
	if (extra > EXT2_INODE_EXTRA_MAX)
		extra = EXT2_INODE_EXTRA_MAX;
	if (extra > fs->inode_size - EXT2_GOOD_OLD_INODE_SIZE)
		extra = 0;
	return EXT2_GOOD_OLD_INODE_SIZE + extra;
}

/*
 * Write an inode back: only its bytes change in its inode-table block
 * (ext2_bwrite_part).  A fresh inode also has the rest of its on-disk slot
 * cleared, so nothing of the inode that used the number before survives.
 */
#define SLOT_ON_STACK 256

static int
store(struct ext2_fs *fs, uint32_t ino, const struct ext2_inode *in, bool fresh, bool lazy,
      const struct ext2_deps *deps)
{
	uint8_t onstack[SLOT_ON_STACK], *slot = onstack;
	uint32_t blk, off, n = inode_disk_bytes(fs, in);
	int err;

	if ((err = ext2_check_writable(fs)) || (err = inode_locate(fs, ino, &blk, &off)))
		return err;
	if (!fresh)
		return ext2_bwrite_part(fs, blk, off, n, in, lazy, deps);
	if (fs->inode_size > SLOT_ON_STACK && !(slot = ext2_buf_get(fs)))
		return -ENOMEM;
	memset(slot, 0, fs->inode_size);
	memcpy(slot, in, n);
	err = ext2_bwrite_part(fs, blk, off, fs->inode_size, slot, lazy, deps);
	if (slot != onstack)
		ext2_free(fs, slot);
	return err;
}

int
ext2_inode_store(struct ext2_fs *fs, uint32_t ino, const struct ext2_inode *in, bool fresh)
{
	return store(fs, ino, in, fresh, false, NULL);
}

int
ext2_inode_store_after(struct ext2_fs *fs, uint32_t ino, const struct ext2_inode *in, bool fresh,
		       const struct ext2_deps *deps)
{
	return store(fs, ino, in, fresh, false, deps);
}

uint32_t
ext2_inode_block(struct ext2_fs *fs, uint32_t ino)
{
	uint32_t blk = 0, off;

	return inode_locate(fs, ino, &blk, &off) ? 0 : blk;
}

/*
 * Only for changes no crash can make dangerous: a directory's times after
 * an entry came or went.  Its block reaches the disk with the next ordered
 * write of that block or the next flush, whichever is first.
 */
int
ext2_inode_store_lazy(struct ext2_fs *fs, uint32_t ino, const struct ext2_inode *in)
{
	return store(fs, ino, in, false, true, NULL);
}

int
ext2_inode_write(struct ext2_fs *fs, uint32_t ino, const struct ext2_inode *in)
{
	return ext2_inode_store(fs, ino, in, false);
}

/* Only regular files use i_size_high as the top of the size. */
uint64_t
ext2_isize(const struct ext2_inode *in)
{
	uint64_t size = in->i_size;

	if (EXT2_S_ISREG(in->i_mode))
		size |= (uint64_t)in->i_size_high << 32;
	return size;
}

void
ext2_set_isize(struct ext2_inode *in, uint64_t size)
{
	in->i_size = (uint32_t)size;
	if (EXT2_S_ISREG(in->i_mode))
		in->i_size_high = (uint32_t)(size >> 32);
}

/* A symlink whose text sits in i_block: it owns no blocks but an EA block. */
bool
ext2_fast_symlink(const struct ext2_fs *fs, const struct ext2_inode *in)
{
	uint32_t ea = in->i_file_acl ? fs->block_size >> 9 : 0;

	return EXT2_S_ISLNK(in->i_mode) && in->i_blocks == ea;
}

/* Does i_block hold a block map (not a device number or link text)? */
bool
ext2_has_blocks(const struct ext2_fs *fs, const struct ext2_inode *in)
{
	uint32_t type = in->i_mode & EXT2_S_IFMT;

	if (type == EXT2_S_IFLNK)
		return !ext2_fast_symlink(fs, in);
	return type == EXT2_S_IFREG || type == EXT2_S_IFDIR;
}

unsigned
ext2_mode_to_ft(uint32_t mode)
{
	switch (mode & EXT2_S_IFMT) {
	case EXT2_S_IFREG:  return EXT2_FT_REG_FILE;
	case EXT2_S_IFDIR:  return EXT2_FT_DIR;
	case EXT2_S_IFCHR:  return EXT2_FT_CHRDEV;
	case EXT2_S_IFBLK:  return EXT2_FT_BLKDEV;
	case EXT2_S_IFIFO:  return EXT2_FT_FIFO;
	case EXT2_S_IFSOCK: return EXT2_FT_SOCK;
	case EXT2_S_IFLNK:  return EXT2_FT_SYMLINK;
	}
	return EXT2_FT_UNKNOWN;
}

/*
 * Device numbers, Linux's two encodings: old (8-bit major and minor in
 * i_block[0]) and new (12-bit major, 20-bit minor in i_block[1]).
 */
static void
decode_rdev(const struct ext2_inode *in, uint32_t *major, uint32_t *minor)
{
	uint32_t old = in->i_block[0], nw = in->i_block[1];

	if (old) {
		*major = (old >> 8) & 0xff;
		*minor = old & 0xff;
	} else {
		*major = (nw >> 8) & 0xfff;
		*minor = (nw & 0xff) | ((nw >> 12) & 0xfff00);
	}
}

int
ext2_getattr(struct ext2_fs *fs, uint32_t ino, struct ext2_stat *st)
{
	struct ext2_inode in;
	uint32_t type;
	int err;

	if ((err = ext2_inode_read(fs, ino, &in)))
		return err;
	memset(st, 0, sizeof(*st));
	st->ino = ino;
	st->mode = in.i_mode;
	st->nlink = in.i_links_count;
	st->uid = in.i_uid | (uint32_t)in.i_uid_high << 16;
	st->gid = in.i_gid | (uint32_t)in.i_gid_high << 16;
	st->size = ext2_isize(&in);
	st->blocks = in.i_blocks;
	st->atime = in.i_atime;
	st->mtime = in.i_mtime;
	st->ctime = in.i_ctime;
	st->flags = in.i_flags;
	type = in.i_mode & EXT2_S_IFMT;
	if (type == EXT2_S_IFCHR || type == EXT2_S_IFBLK)
		decode_rdev(&in, &st->rdev_major, &st->rdev_minor);
	return 0;
}

int
ext2_setattr(struct ext2_fs *fs, uint32_t ino, const struct ext2_setattr *sa)
{
	struct ext2_inode in;
	int err;

	if ((err = ext2_check_writable(fs)) || (err = ext2_inode_read(fs, ino, &in)))
		return err;
	if (sa->mask & EXT2_SET_MODE)
		in.i_mode = (in.i_mode & EXT2_S_IFMT) | (sa->mode & 07777);
	if (sa->mask & EXT2_SET_UID) {
		in.i_uid = (uint16_t)sa->uid;
		in.i_uid_high = (uint16_t)(sa->uid >> 16);
	}
	if (sa->mask & EXT2_SET_GID) {
		in.i_gid = (uint16_t)sa->gid;
		in.i_gid_high = (uint16_t)(sa->gid >> 16);
	}
	if (sa->mask & EXT2_SET_ATIME)
		in.i_atime = sa->atime;
	if (sa->mask & EXT2_SET_MTIME)
		in.i_mtime = sa->mtime;
	in.i_ctime = ext2_now(fs);
	return ext2_inode_write(fs, ino, &in);
}
