// SPDX-License-Identifier: MIT
/*
 * Loading an ext2 volume: the superblock, its sanity checks, the group
 * descriptor table, and the block I/O and memory helpers every other file
 * uses.  This is the first file of the read path that the BIOS boot loader
 * compiles too, so it calls nothing but lib/string.h and the callbacks.
 *
 * Mount checks every number it will later compute with (block size, group
 * sizes, inode size, where each group's bitmaps and inode table are), so
 * later code can do arithmetic on them without overflow or out-of-range
 * reads.  A volume that fails a check is refused with -EINVAL and a message
 * naming the problem; damage found later (a bad block pointer, a broken
 * directory entry) gives -EIO and is remembered in fs->error.
 */
#include "fs/ext2/internal.h"
#include "lib/string.h"

int
ext2_corrupt(struct ext2_fs *fs, const char *what)
{
	fs->error = what;
	return -EIO;
}

const char *
ext2_error(const struct ext2_fs *fs)
{
	return fs->error;
}

bool
ext2_readonly(const struct ext2_fs *fs)
{
	return fs->flags & EXT2_FS_RDONLY;
}

void *
ext2_alloc(struct ext2_fs *fs, size_t size)
{
	return fs->env.alloc(fs->env.ctx, size);
}

void
ext2_free(struct ext2_fs *fs, void *p)
{
	if (p)
		fs->env.free(fs->env.ctx, p);
}

uint32_t
ext2_now(struct ext2_fs *fs)
{
	return fs->env.now ? fs->env.now(fs->env.ctx) : 0;
}

/*
 * A block number that may appear in a block map or a directory: past the
 * superblock's own block and inside the volume.
 */
bool
ext2_block_valid(const struct ext2_fs *fs, uint32_t blk)
{
	return blk > fs->first_data_block && blk < fs->blocks_count;
}

int
ext2_bread(struct ext2_fs *fs, uint32_t blk, void *buf)
{
	if (!ext2_block_valid(fs, blk))
		return ext2_corrupt(fs, "block number out of range");
	return fs->io->read(fs->io, blk, buf);
}

int
ext2_bread_part(struct ext2_fs *fs, uint32_t blk, uint32_t off, uint32_t len, void *out)
{
	uint8_t *buf;
	int err;

	if (!ext2_block_valid(fs, blk))
		return ext2_corrupt(fs, "block number out of range");
	if (fs->io->read_part)
		return fs->io->read_part(fs->io, blk, off, len, out);
	if (!(buf = ext2_buf_get(fs)))
		return -ENOMEM;
	if (!(err = fs->io->read(fs->io, blk, buf)))
		memcpy(out, buf + off, len);
	ext2_free(fs, buf);
	return err;
}

int
ext2_check_writable(const struct ext2_fs *fs)
{
	return (fs->flags & EXT2_FS_RDONLY) ? -EROFS : 0;
}

/* May blk be written?  => 0, -EROFS, or -EIO for a block outside the volume. */
static int
check_write(struct ext2_fs *fs, uint32_t blk)
{
	if (fs->flags & EXT2_FS_RDONLY)
		return -EROFS;
	if (!ext2_block_valid(fs, blk))
		return ext2_corrupt(fs, "block number out of range");
	return 0;
}

/*
 * deps as the io takes them, in d.  => NULL for "after every earlier
 * write" (no deps, or more than the io is given).
 */
static const uint64_t *
io_deps(const struct ext2_deps *deps, uint64_t d[EXT2_DEPS_MAX])
{
	if (!deps || deps->n > EXT2_DEPS_MAX)
		return NULL;
	for (unsigned i = 0; i < deps->n; i++)
		d[i] = deps->blk[i];
	return d;
}

int
ext2_bwrite_after(struct ext2_fs *fs, uint32_t blk, const void *buf, const struct ext2_deps *deps)
{
	uint64_t d[EXT2_DEPS_MAX];
	const uint64_t *after = io_deps(deps, d);
	int err = check_write(fs, blk);

	if (err)
		return err;
	if (blk == fs->bitmap_blk && buf != fs->bitmap) {
		fs->bitmap_blk = 0;     /* keep alloc.c's cached bitmap honest */
		fs->bitmap_dirty = fs->bitmap_frees = false;
	}
	ext2_dh_written(fs, blk);
	if (!after || !fs->io->write_after)
		return fs->io->write(fs->io, blk, buf);
	return fs->io->write_after(fs->io, blk, buf, after, deps->n);
}

/* The whole-block way to change part of one: read it, change it, write it. */
static int
bwrite_part_rmw(struct ext2_fs *fs, uint32_t blk, uint32_t off, uint32_t len, const void *data,
		bool lazy, const struct ext2_deps *deps)
{
	uint8_t *buf = ext2_buf_get(fs);
	int err;

	if (!buf)
		return -ENOMEM;
	if (!(err = ext2_bread(fs, blk, buf))) {
		memcpy(buf + off, data, len);
		err = lazy ? ext2_bwrite_lazy(fs, blk, buf) : ext2_bwrite_after(fs, blk, buf, deps);
	}
	ext2_free(fs, buf);
	return err;
}

int
ext2_bwrite_part(struct ext2_fs *fs, uint32_t blk, uint32_t off, uint32_t len, const void *data,
		 bool lazy, const struct ext2_deps *deps)
{
	uint64_t d[EXT2_DEPS_MAX];
	const uint64_t *after = io_deps(deps, d);
	int err;

	/* The bitmap block and a lazy write without write_lazy take the long way. */
	if (!fs->io->write_part || blk == fs->bitmap_blk || (lazy && !fs->io->write_lazy) ||
	    off > fs->block_size || len > fs->block_size - off)
		return bwrite_part_rmw(fs, blk, off, len, data, lazy, deps);
	if ((err = check_write(fs, blk)))
		return err;
	ext2_dh_written(fs, blk);
	if (lazy)
		fs->sb_dirty = true;    /* as ext2_bwrite_lazy */
	return fs->io->write_part(fs->io, blk, off, len, data, lazy, after, after ? deps->n : 0);
}

int
ext2_bwrite(struct ext2_fs *fs, uint32_t blk, const void *buf)
{
	return ext2_bwrite_after(fs, blk, buf, NULL);
}

int
ext2_bwrite_lazy(struct ext2_fs *fs, uint32_t blk, const void *buf)
{
	int err;

	if (!fs->io->write_lazy || blk == fs->bitmap_blk)
		return ext2_bwrite(fs, blk, buf);
	if ((err = check_write(fs, blk)))
		return err;
	ext2_dh_written(fs, blk);
	fs->sb_dirty = true;            /* so ext2_sync runs, and its flush writes it */
	return fs->io->write_lazy(fs->io, blk, buf);
}

static bool
is_pow2(uint32_t x)
{
	return x && !(x & (x - 1));
}

/* The block size and the revision: everything else is measured in them. */
static const char *
check_format(const struct ext2_super *sb)
{
	if (sb->s_magic != EXT2_MAGIC)
		return "ext2: bad magic number (not an ext2 volume)";
	if (sb->s_log_block_size > EXT2_MAX_BLOCK_LOG - EXT2_MIN_BLOCK_LOG)
		return "ext2: absurd block size";
	if (sb->s_rev_level > EXT2_DYNAMIC_REV)
		return "ext2: unknown revision level";
	if (sb->s_feature_incompat & ~EXT2_INCOMPAT_SUPP)
		return "ext2: unsupported incompatible features (extents, 64bit, "
		       "meta_bg, journal needing recovery, ...)";
	return NULL;
}

/* Group geometry: sizes that make every later computation safe. */
static const char *
check_geometry(const struct ext2_super *sb, uint32_t bs, uint32_t isize)
{
	uint32_t bits = bs * 8;

	/* Group counts are 16 bits wide, hence the 65528 and 65536 limits. */
	if (sb->s_blocks_per_group < 8 || sb->s_blocks_per_group > bits ||
	    sb->s_blocks_per_group > 65528 || sb->s_blocks_per_group % 8)
		return "ext2: absurd blocks per group";
	if (sb->s_inodes_per_group == 0 || sb->s_inodes_per_group > bits ||
	    sb->s_inodes_per_group > 65536 - bs / isize || sb->s_inodes_per_group % (bs / isize))
		return "ext2: absurd inodes per group";
	if (sb->s_first_data_block != (bs == 1024 ? 1u : 0u))
		return "ext2: first data block does not follow the superblock";
	if (sb->s_blocks_count <= sb->s_first_data_block + 1)
		return "ext2: absurd block count";
	if (sb->s_r_blocks_count > sb->s_blocks_count ||
	    sb->s_free_blocks_count > sb->s_blocks_count)
		return "ext2: free or reserved block count larger than the volume";
	if (sb->s_free_inodes_count > sb->s_inodes_count)
		return "ext2: free inode count larger than the inode count";
	return NULL;
}

/* Fill in fs's derived numbers from its superblock, or say what is wrong. */
static const char *
setup_geometry(struct ext2_fs *fs)
{
	const struct ext2_super *sb = &fs->sb;
	const char *why;
	uint64_t ninodes;

	if ((why = check_format(sb)))
		return why;
	fs->block_shift = EXT2_MIN_BLOCK_LOG + sb->s_log_block_size;
	fs->block_size = 1u << fs->block_shift;
	fs->inode_size = EXT2_GOOD_OLD_INODE_SIZE;
	fs->first_ino = EXT2_GOOD_OLD_FIRST_INO;
	if (sb->s_rev_level >= EXT2_DYNAMIC_REV) {
		fs->inode_size = sb->s_inode_size;
		fs->first_ino = sb->s_first_ino;
	}
	if (!is_pow2(fs->inode_size) || fs->inode_size < EXT2_GOOD_OLD_INODE_SIZE ||
	    fs->inode_size > fs->block_size)
		return "ext2: absurd inode size";
	if ((why = check_geometry(sb, fs->block_size, fs->inode_size)))
		return why;
	fs->blocks_count = sb->s_blocks_count;
	fs->first_data_block = sb->s_first_data_block;
	fs->blocks_per_group = sb->s_blocks_per_group;
	fs->inodes_per_group = sb->s_inodes_per_group;
	fs->groups = (fs->blocks_count - fs->first_data_block - 1) / fs->blocks_per_group + 1;
	ninodes = (uint64_t)fs->groups * fs->inodes_per_group;
	if (ninodes != sb->s_inodes_count)
		return "ext2: inode count does not match the groups";
	fs->inodes_count = sb->s_inodes_count;
	if (fs->first_ino < EXT2_GOOD_OLD_FIRST_INO || fs->first_ino >= fs->inodes_count)
		return "ext2: absurd first inode";
	fs->gdt_blocks = (fs->groups - 1) / (fs->block_size / sizeof(struct ext2_group_desc)) + 1;
	if (fs->gdt_blocks + sb->s_reserved_gdt_blocks + 2 > fs->blocks_per_group)
		return "ext2: group descriptor table larger than a group";
	fs->itable_blocks = (uint32_t)(((uint64_t)fs->inodes_per_group * fs->inode_size +
					fs->block_size - 1) >> fs->block_shift);
	fs->addr_shift = fs->block_shift - 2;
	fs->addr_per_block = 1u << fs->addr_shift;
	return NULL;
}

/* The largest file the block map, i_blocks and the features allow. */
static void
setup_limits(struct ext2_fs *fs)
{
	uint64_t p = fs->addr_per_block;
	uint64_t blocks = EXT2_NDIR_BLOCKS + p + p * p + p * p * p;
	uint64_t max = blocks << fs->block_shift;

	if (max > (1ull << 40))
		max = 1ull << 40;   /* keeps i_blocks (32 bits of sectors) in range */
	if (!(fs->sb.s_feature_ro_compat & EXT2_FEATURE_RO_COMPAT_LARGE_FILE))
		max = 0x7FFFFFFF;
	fs->max_file_size = max;
	fs->extra_isize = 0;
	if (fs->inode_size > EXT2_GOOD_OLD_INODE_SIZE) {
		uint32_t room = fs->inode_size - EXT2_GOOD_OLD_INODE_SIZE;
		uint32_t want = fs->sb.s_want_extra_isize;

		if (want < fs->sb.s_min_extra_isize)
			want = fs->sb.s_min_extra_isize;
		if (want == 0 || want > room || want > EXT2_INODE_EXTRA_MAX || (want & 3))
			want = room < EXT2_INODE_EXTRA_MAX ? room : EXT2_INODE_EXTRA_MAX;
		fs->extra_isize = want;
	}
	if (fs->sb.s_feature_incompat & EXT2_FEATURE_INCOMPAT_FILETYPE)
		fs->flags |= EXT2_FS_FILETYPE;
}

static bool
range_ok(const struct ext2_fs *fs, uint32_t start, uint32_t len)
{
	return start > fs->first_data_block && start < fs->blocks_count &&
	       len <= fs->blocks_count - start;
}

/* Each group's bitmaps and inode table must lie inside the volume. */
static const char *
check_groups(struct ext2_fs *fs)
{
	for (uint32_t g = 0; g < fs->groups; g++) {
		const struct ext2_group_desc *gd = &fs->gd[g];

		if (!range_ok(fs, gd->bg_block_bitmap, 1) || !range_ok(fs, gd->bg_inode_bitmap, 1))
			return "ext2: group bitmap outside the volume";
		if (!range_ok(fs, gd->bg_inode_table, fs->itable_blocks))
			return "ext2: group inode table outside the volume";
		if (gd->bg_free_blocks_count > fs->blocks_per_group ||
		    gd->bg_free_inodes_count > fs->inodes_per_group ||
		    gd->bg_used_dirs_count > fs->inodes_per_group)
			return "ext2: absurd counts in a group descriptor";
	}
	return NULL;
}

static int
read_super(struct ext2_fs *fs)
{
	void *buf = ext2_alloc(fs, EXT2_SUPER_SIZE);
	int err;

	if (!buf)
		return -ENOMEM;
	fs->io->block_size = EXT2_SUPER_SIZE;
	err = fs->io->read(fs->io, EXT2_SUPER_OFFSET / EXT2_SUPER_SIZE, buf);
	if (!err)
		memcpy(&fs->sb, buf, sizeof(fs->sb));
	ext2_free(fs, buf);
	return err;
}

static int
read_gdt(struct ext2_fs *fs)
{
	fs->gdt = ext2_alloc(fs, (size_t)fs->gdt_blocks << fs->block_shift);
	if (!fs->gdt)
		return -ENOMEM;
	fs->gd = (struct ext2_group_desc *)fs->gdt;
	for (uint32_t i = 0; i < fs->gdt_blocks; i++) {
		int err = fs->io->read(fs->io, fs->first_data_block + 1 + i,
				       fs->gdt + ((size_t)i << fs->block_shift));
		if (err)
			return err;
	}
	return 0;
}

static int
load(struct ext2_fs *fs, const char **msg)
{
	int err = read_super(fs);

	if (err)
		return err;
	if ((*msg = setup_geometry(fs)))
		return -EINVAL;
	setup_limits(fs);
	fs->io->block_size = fs->block_size;
	if ((err = read_gdt(fs)))
		return err;
	if ((*msg = check_groups(fs)))
		return -EINVAL;
	if (fs->sb.s_feature_ro_compat & ~EXT2_RO_COMPAT_SUPP) {
		fs->flags |= EXT2_FS_RDONLY;
		*msg = "ext2: unknown read-only-compatible features: mounted read-only";
	}
	return 0;
}

int
ext2_load(struct ext2_fs **out, struct ext2_io *io, const struct ext2_env *env, const char **msg)
{
	struct ext2_fs *fs;
	const char *dummy;
	int err;

	*out = NULL;
	if (!msg)
		msg = &dummy;
	*msg = NULL;
	if (!io || !io->read || !env || !env->alloc || !env->free)
		return -EINVAL;
	fs = env->alloc(env->ctx, sizeof(*fs));
	if (!fs)
		return -ENOMEM;
	memset(fs, 0, sizeof(*fs));
	fs->io = io;
	fs->env = *env;
	fs->flags = EXT2_FS_RDONLY;     /* ext2_mount lifts this */
	err = load(fs, msg);
	if (err) {
		ext2_release(fs);
		return err;
	}
	*out = fs;
	return 0;
}

void
ext2_release(struct ext2_fs *fs)
{
	if (!fs)
		return;
	ext2_dh_free_all(fs);
	ext2_free(fs, fs->bitmap);
	ext2_free(fs, fs->gdt_dirty);
	ext2_free(fs, fs->gdt);
	fs->env.free(fs->env.ctx, fs);
}

void
ext2_statfs(const struct ext2_fs *fs, struct ext2_statfs *st)
{
	const struct ext2_super *sb = &fs->sb;

	st->block_size = fs->block_size;
	st->blocks = sb->s_blocks_count;
	st->free_blocks = sb->s_free_blocks_count;
	st->avail_blocks = sb->s_free_blocks_count > sb->s_r_blocks_count
				   ? sb->s_free_blocks_count - sb->s_r_blocks_count
				   : 0;
	st->inodes = sb->s_inodes_count;
	st->free_inodes = sb->s_free_inodes_count;
	st->name_max = EXT2_NAME_LEN;
}
