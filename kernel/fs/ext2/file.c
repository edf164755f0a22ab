// SPDX-License-Identifier: MIT
/*
 * Reading file data.  Part of the read path: the boot loader reads the
 * kernel image with ext2_read.
 *
 * A read is cut at block boundaries; each piece is mapped through the
 * block map (bmap.c) and either copied from its block or, for a hole,
 * filled with zeros.  Whole blocks go straight into the caller's buffer.
 */
#include "fs/ext2/internal.h"
#include "lib/string.h"

/* Copy n bytes at offset boff of logical block lblk into dst. */
static int
read_piece(struct ext2_fs *fs, const struct ext2_inode *in, uint32_t lblk, uint32_t boff,
	   uint8_t *dst, uint32_t n, uint8_t **bounce)
{
	uint32_t pblk;
	int err;

	if ((err = ext2_bmap(fs, in, lblk, &pblk)))
		return err;
	if (!pblk) {
		memset(dst, 0, n);
		return 0;
	}
	if (n == fs->block_size)
		return fs->io->read(fs->io, pblk, dst);
	if (!*bounce && !(*bounce = ext2_buf_get(fs)))
		return -ENOMEM;
	if ((err = ext2_bread(fs, pblk, *bounce)))
		return err;
	memcpy(dst, *bounce + boff, n);
	return 0;
}

long
ext2_read(struct ext2_fs *fs, uint32_t ino, uint64_t off, void *buf, size_t len)
{
	struct ext2_inode in;
	uint8_t *bounce = NULL, *dst = buf;
	uint64_t size;
	size_t done = 0;
	int err;

	if ((err = ext2_inode_read(fs, ino, &in)))
		return err;
	if (EXT2_S_ISDIR(in.i_mode))
		return -EISDIR;
	if (!EXT2_S_ISREG(in.i_mode))
		return -EINVAL;
	size = ext2_isize(&in);
	if (off >= size)
		return 0;
	if (len > EXT2_IO_MAX)
		len = EXT2_IO_MAX;
	if (len > size - off)
		len = (size_t)(size - off);
	while (done < len) {
		uint64_t pos = off + done;
		uint32_t boff = (uint32_t)pos & (fs->block_size - 1);
		uint32_t n = MIN(fs->block_size - boff, (uint32_t)(len - done));

		err = read_piece(fs, &in, (uint32_t)(pos >> fs->block_shift), boff, dst + done, n,
				 &bounce);
		if (err)
			break;
		done += n;
	}
	ext2_free(fs, bounce);
	if (err && done == 0)
		return err;
	return (long)done;
}
