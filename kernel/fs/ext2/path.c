// SPDX-License-Identifier: MIT
/*
 * Symbolic links and whole-path lookup.  Part of the read path: the boot
 * loader finds /boot/keel.elf with ext2_lookup_path.  (The kernel's VFS
 * walks paths itself, one ext2_lookup per component, because mount points
 * and permissions are its business.)
 *
 * A symbolic link is an inode whose data is a path.  Short targets (under
 * 60 bytes) are "fast" symlinks, stored in the 60 bytes of i_block where
 * the block map would be; longer ones take a data block like a file.
 * Following links could go on forever (a -> b, b -> a), so lookup follows
 * at most EXT2_SYMLINK_DEPTH of them in a chain and then gives -ELOOP.
 */
#include "fs/ext2/internal.h"
#include "lib/string.h"

static long
read_target(struct ext2_fs *fs, const struct ext2_inode *in, char *buf, size_t size)
{
	uint32_t len = in->i_size, blk;
	uint8_t *block;
	int err;

	if (ext2_fast_symlink(fs, in)) {
		if (len > EXT2_FAST_SYMLINK_MAX)
			return ext2_corrupt(fs, "fast symlink longer than i_block");
		len = MIN(len, (uint32_t)size);
		memcpy(buf, in->i_block, len);
		return len;
	}
	if (len >= fs->block_size || in->i_size_high)
		return ext2_corrupt(fs, "symlink longer than a block");
	if ((err = ext2_bmap(fs, in, 0, &blk)))
		return err;
	if (!blk)
		return ext2_corrupt(fs, "symlink without a data block");
	if (!(block = ext2_buf_get(fs)))
		return -ENOMEM;
	err = ext2_bread(fs, blk, block);
	len = MIN(len, (uint32_t)size);
	if (!err)
		memcpy(buf, block, len);
	ext2_free(fs, block);
	return err ? err : (long)len;
}

long
ext2_readlink(struct ext2_fs *fs, uint32_t ino, char *buf, size_t size)
{
	struct ext2_inode in;
	int err;

	if ((err = ext2_inode_read(fs, ino, &in)))
		return err;
	if (!EXT2_S_ISLNK(in.i_mode))
		return -EINVAL;
	return read_target(fs, &in, buf, size);
}

static int walk(struct ext2_fs *fs, uint32_t dir, const char *path, size_t plen, int depth,
		uint32_t *out);

/* ino is a symlink found in dir: resolve it to what it names. */
static int
follow(struct ext2_fs *fs, uint32_t dir, const struct ext2_inode *link, int depth, uint32_t *ino)
{
	char *target;
	long len;
	int err;

	if (depth >= EXT2_SYMLINK_DEPTH)
		return -ELOOP;
	if (!(target = ext2_alloc(fs, EXT2_PATH_MAX)))
		return -ENOMEM;
	len = read_target(fs, link, target, EXT2_PATH_MAX);
	if (len == 0)
		err = -ENOENT;
	else
		err = len < 0 ? (int)len : walk(fs, dir, target, (size_t)len, depth + 1, ino);
	ext2_free(fs, target);
	return err;
}

/* One step: from directory *cur through the name [name, name + len). */
static int
step(struct ext2_fs *fs, uint32_t *cur, const char *name, size_t len, int depth)
{
	struct ext2_inode in;
	uint32_t next;
	int err;

	if (len > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	if ((err = ext2_read_dir_inode(fs, *cur, &in)))
		return err;
	if (len == 1 && name[0] == '.')
		return 0;
	if ((err = ext2_dir_find(fs, &in, name, len, &next, NULL)))
		return err;
	if ((err = ext2_inode_read(fs, next, &in)))
		return err;
	if (EXT2_S_ISLNK(in.i_mode) && (err = follow(fs, *cur, &in, depth, &next)))
		return err;
	*cur = next;
	return 0;
}

static int
walk(struct ext2_fs *fs, uint32_t dir, const char *path, size_t plen, int depth, uint32_t *out)
{
	uint32_t cur = (plen && path[0] == '/') ? EXT2_ROOT_INO : dir;
	size_t i = 0;
	int err;

	while (i < plen) {
		size_t start;

		while (i < plen && path[i] == '/')
			i++;
		if (i == plen)
			break;
		start = i;
		while (i < plen && path[i] != '/')
			i++;
		if ((err = step(fs, &cur, path + start, i - start, depth)))
			return err;
	}
	*out = cur;
	return 0;
}

int
ext2_lookup_path(struct ext2_fs *fs, const char *path, uint32_t *ino)
{
	size_t len = strnlen(path, EXT2_PATH_MAX);

	if (len == EXT2_PATH_MAX)
		return -ENAMETOOLONG;
	if (len == 0)
		return -ENOENT;
	return walk(fs, EXT2_ROOT_INO, path, len, 0, ino);
}
