// SPDX-License-Identifier: MIT
/*
 * Mounting for writing, unmounting, and writing the superblock and group
 * descriptors back.
 *
 * The bitmaps are the truth about what is allocated; the free counts in
 * the group descriptors and the superblock are summaries of them.
 * alloc.c writes a bitmap block the moment an allocation changes it (the
 * soft-updates order depends on it) but only marks the summaries dirty.
 * They, and the bitmap block that frees left dirty, are written by
 * ext2_sync, which the caller runs at sync, fsync, unmount and every few
 * seconds while ext2_dirty says there is something to write (the kernel's
 * flusher), not after every operation: a create would otherwise write the
 * descriptors and the superblock each time, a third of its writes.  A
 * crash in between leaves counts that disagree with the bitmaps, which
 * e2fsck recomputes (as after any crash under soft updates), and freed
 * bits still set, a leak; it can never leave a pointer to something
 * unallocated.
 *
 * A writable mount clears EXT2_VALID_FS in s_state on disk, so a crash is
 * visible to the next e2fsck; unmount puts back the state it found.
 */
#include "fs/ext2/internal.h"
#include "lib/string.h"

/* The superblock sits at byte 1024: block 1, or inside block 0. */
static int
write_super(struct ext2_fs *fs)
{
	uint32_t blk = fs->block_size == EXT2_SUPER_OFFSET ? 1 : 0;
	uint32_t off = blk ? 0 : EXT2_SUPER_OFFSET;
	uint8_t *buf;
	int err = 0;

	if (!(buf = ext2_buf_get(fs)))
		return -ENOMEM;
	if (off)
		err = fs->io->read(fs->io, blk, buf);
	if (!err) {
		fs->sb.s_wtime = ext2_now(fs);
		memcpy(buf + off, &fs->sb, sizeof(fs->sb));
		err = fs->io->write(fs->io, blk, buf);
	}
	ext2_free(fs, buf);
	if (!err)
		fs->sb_dirty = false;
	return err;
}

void
ext2_gd_dirty(struct ext2_fs *fs, uint32_t group)
{
	fs->gdt_dirty[group / (fs->block_size / sizeof(struct ext2_group_desc))] = 1;
	fs->sb_dirty = true;
}

bool
ext2_dirty(const struct ext2_fs *fs)
{
	if (fs->flags & EXT2_FS_RDONLY)
		return false;
	for (uint32_t i = 0; i < fs->gdt_blocks; i++)
		if (fs->gdt_dirty[i])
			return true;
	return fs->sb_dirty || fs->bitmap_dirty;
}

/* Write back the dirty summaries and freed bits.  => 0 or the first write error. */
static int
write_summaries(struct ext2_fs *fs)
{
	int werr;

	if (fs->flags & EXT2_FS_RDONLY)
		return 0;
	werr = ext2_bitmap_flush(fs);
	for (uint32_t i = 0; i < fs->gdt_blocks && !werr; i++) {
		if (!fs->gdt_dirty[i])
			continue;
		werr = fs->io->write(fs->io, fs->first_data_block + 1 + i,
				     fs->gdt + ((size_t)i << fs->block_shift));
		if (!werr)
			fs->gdt_dirty[i] = 0;
	}
	if (!werr && fs->sb_dirty)
		werr = write_super(fs);
	return werr;
}

int
ext2_sync(struct ext2_fs *fs)
{
	int err = write_summaries(fs);

	if (!err && !(fs->flags & EXT2_FS_RDONLY) && fs->io->flush)
		err = fs->io->flush(fs->io);
	return err;
}

/*
 * Start writing: make the superblock's free counts agree with the group
 * descriptors (after a crash they may not), count the mount, and mark the
 * volume "in use" on disk.
 */
static int
begin_writing(struct ext2_fs *fs, const char **msg)
{
	struct ext2_super *sb = &fs->sb;
	uint32_t free_blocks = 0, free_inodes = 0;

	if (!fs->gdt_dirty && !(fs->gdt_dirty = ext2_alloc(fs, fs->gdt_blocks)))
		return -ENOMEM;
	memset(fs->gdt_dirty, 0, fs->gdt_blocks);
	fs->flags &= ~EXT2_FS_RDONLY;
	for (uint32_t g = 0; g < fs->groups; g++) {
		free_blocks += fs->gd[g].bg_free_blocks_count;
		free_inodes += fs->gd[g].bg_free_inodes_count;
	}
	if (free_blocks > fs->blocks_count || free_inodes > fs->inodes_count) {
		*msg = "ext2: group free counts exceed the volume";
		return -EINVAL;
	}
	sb->s_free_blocks_count = free_blocks;
	sb->s_free_inodes_count = free_inodes;
	fs->flags &= ~EXT2_FS_WASCLEAN;
	if ((sb->s_state & EXT2_VALID_FS) && !(sb->s_state & EXT2_ERROR_FS))
		fs->flags |= EXT2_FS_WASCLEAN;
	else
		*msg = "ext2: volume was not cleanly unmounted or has errors; run e2fsck";
	sb->s_mnt_count++;
	sb->s_mtime = ext2_now(fs);
	sb->s_state &= (uint16_t)~EXT2_VALID_FS;
	fs->sb_dirty = true;
	return ext2_sync(fs);
}

int
ext2_mount(struct ext2_fs **out, struct ext2_io *io, const struct ext2_env *env, unsigned flags,
	   const char **msg)
{
	struct ext2_fs *fs;
	const char *dummy;
	int err;

	*out = NULL;
	if (!msg)
		msg = &dummy;
	if ((err = ext2_load(&fs, io, env, msg)))
		return err;
	if (flags & EXT2_MOUNT_EXTDATA)
		fs->flags |= EXT2_FS_EXTDATA;
	if (flags & EXT2_MOUNT_DIRHASH)
		fs->flags |= EXT2_FS_DIRHASH;
	if (!(flags & EXT2_MOUNT_RDONLY) && !(fs->sb.s_feature_ro_compat & ~EXT2_RO_COMPAT_SUPP)) {
		if (!io->write) {
			*msg = "ext2: the device cannot be written: mounted read-only";
		} else if ((err = begin_writing(fs, msg))) {
			fs->flags |= EXT2_FS_RDONLY;
			ext2_release(fs);
			return err;
		}
	}
	*out = fs;
	return 0;
}

/* Stop writing: everything to disk, and the state found at mount back. */
static int
end_writing(struct ext2_fs *fs)
{
	if (fs->flags & EXT2_FS_RDONLY)
		return 0;
	if (fs->flags & EXT2_FS_WASCLEAN)
		fs->sb.s_state |= EXT2_VALID_FS;
	fs->sb_dirty = true;
	return ext2_sync(fs);
}

int
ext2_unmount(struct ext2_fs *fs)
{
	int err = end_writing(fs);

	ext2_release(fs);
	return err;
}

int
ext2_remount(struct ext2_fs *fs, unsigned flags, const char **msg)
{
	const char *dummy;
	int err;

	if (!msg)
		msg = &dummy;
	*msg = NULL;
	if (flags & EXT2_MOUNT_RDONLY) {
		if ((err = end_writing(fs)))
			return err;
		fs->flags |= EXT2_FS_RDONLY;
		return 0;
	}
	if (!(fs->flags & EXT2_FS_RDONLY))
		return 0;
	if (fs->sb.s_feature_ro_compat & ~EXT2_RO_COMPAT_SUPP) {
		*msg = "ext2: unknown read-only-compatible features: cannot write";
		return -EROFS;
	}
	if (!fs->io->write) {
		*msg = "ext2: the device cannot be written";
		return -EROFS;
	}
	if ((err = begin_writing(fs, msg)))
		fs->flags |= EXT2_FS_RDONLY;
	return err;
}
