// SPDX-License-Identifier: MIT
/*
 * Writing file data at any offset.
 *
 * A write is cut at block boundaries.  A piece that lands on a mapped
 * block overwrites it (read-modify-write when it covers only part of it).
 * A piece that lands in a hole, inside the file or past its end, gets a new
 * block: allocated (bitmap written), filled with the data and zeros and
 * written, and only then linked into the block map (map_write.c), so no
 * pointer on disk ever leads to a block that holds garbage.  The inode,
 * with the new size, direct pointers and block count, is written last.
 * A crash before that leaves blocks or indirect entries past the old size,
 * which e2fsck trims; never a pointer to uninitialized data.
 */
#include "fs/ext2/internal.h"
#include "lib/string.h"

static int
write_piece(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in, uint32_t lblk,
	    uint32_t boff, const uint8_t *src, uint32_t n, uint8_t **bounce)
{
	uint32_t pblk;
	int err;

	if ((err = ext2_bmap(fs, in, lblk, &pblk)))
		return err;
	if (n == fs->block_size)
		return pblk ? ext2_bwrite(fs, pblk, src) : ext2_block_append(fs, ino, in, lblk, src, &pblk);
	if (!*bounce && !(*bounce = ext2_buf_get(fs)))
		return -ENOMEM;
	if (pblk) {
		if ((err = ext2_bread(fs, pblk, *bounce)))
			return err;
		memcpy(*bounce + boff, src, n);
		return ext2_bwrite(fs, pblk, *bounce);
	}
	memset(*bounce, 0, fs->block_size);
	memcpy(*bounce + boff, src, n);
	return ext2_block_append(fs, ino, in, lblk, *bounce, &pblk);
}

long
ext2_write(struct ext2_fs *fs, uint32_t ino, uint64_t off, const void *buf, size_t len)
{
	struct ext2_inode in;
	const uint8_t *src = buf;
	uint8_t *bounce = NULL;
	size_t done = 0;
	int err, e;

	if ((err = ext2_check_writable(fs)) || (err = ext2_inode_read(fs, ino, &in)))
		return err;
	if (EXT2_S_ISDIR(in.i_mode))
		return -EISDIR;
	if (!EXT2_S_ISREG(in.i_mode))
		return -EINVAL;
	if (len == 0)
		return 0;
	if (len > EXT2_IO_MAX)
		len = EXT2_IO_MAX;
	if (off >= fs->max_file_size || len > fs->max_file_size - off)
		return -EFBIG;
	while (done < len) {
		uint64_t pos = off + done;
		uint32_t boff = (uint32_t)pos & (fs->block_size - 1);
		uint32_t n = MIN(fs->block_size - boff, (uint32_t)(len - done));

		err = write_piece(fs, ino, &in, (uint32_t)(pos >> fs->block_shift), boff, src + done,
				  n, &bounce);
		if (err)
			break;
		done += n;
	}
	ext2_free(fs, bounce);
	if (off + done > ext2_isize(&in))
		ext2_set_isize(&in, off + done);
	in.i_mtime = in.i_ctime = ext2_now(fs);
	/* Written even after an error: blocks may have been linked already. */
	e = ext2_inode_store(fs, ino, &in, false);
	err = e ? e : err;
	if (done)
		return (long)done;
	return err;
}
