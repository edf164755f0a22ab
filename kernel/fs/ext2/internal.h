/* SPDX-License-Identifier: MIT */
/*
 * ext2's private structures and the helpers its files share.  Not for use
 * outside kernel/fs/ext2/.
 */
#pragma once

#include "fs/ext2/ext2.h"
#include "uapi/errno.h"

/* Largest single read or write, so byte counts fit in a 32-bit long. */
#define EXT2_IO_MAX 0x40000000u

/* fs->flags */
#define EXT2_FS_RDONLY   0x1   /* mounted read-only (asked for, or forced) */
#define EXT2_FS_FILETYPE 0x2   /* directory entries carry a file type */
#define EXT2_FS_WASCLEAN 0x4   /* s_state said "clean" when we mounted */
#define EXT2_FS_EXTDATA  0x8   /* the caller keeps regular files' data (data.c) */

/* Locks: none; the caller serializes all calls on one ext2_fs. */
#define EXT2_FS_DIRHASH  0x10  /* big directories get a name index in memory (dirhash.c) */

/* A directory's name index (dirhash.c). */
#define EXT2_DH_MAX 4
struct ext2_dh_slot {
	uint32_t hash, pos;            /* pos: byte in the directory, or empty / dead */
};
struct ext2_dh_block {
	uint32_t pblk;                 /* its disk block (0: a hole) */
	uint32_t room;                 /* the most room one entry has, or unknown */
};
struct ext2_dirhash {
	uint32_t dir;                  /* the directory's inode (0: slot unused) */
	uint32_t size;                 /* its i_size when built */
	uint32_t first;                /* and its i_block[0] */
	uint32_t nslots, used, dead;   /* table size (a power of two), names, tombstones */
	uint32_t nblocks, lo, hi;      /* blocks, and the range of their disk numbers */
	uint64_t used_at;              /* for replacing the least recently used */
	struct ext2_dh_slot *slot;
	struct ext2_dh_block *blk;
};

struct ext2_fs {
	struct ext2_io *io;
	struct ext2_env env;
	struct ext2_super sb;          /* primary superblock; counts kept current */
	uint8_t *gdt;                  /* the primary group descriptor table */
	struct ext2_group_desc *gd;    /* = gdt, as an array of groups */
	uint8_t *gdt_dirty;            /* one flag per descriptor block */
	bool sb_dirty;

	uint32_t block_size;
	uint32_t block_shift;          /* log2(block_size) */
	uint32_t addr_per_block;       /* block numbers per indirect block */
	uint32_t addr_shift;           /* log2(addr_per_block) */
	uint32_t inode_size;
	uint32_t extra_isize;          /* i_extra_isize of new inodes */
	uint32_t groups;
	uint32_t gdt_blocks;
	uint32_t blocks_count;
	uint32_t inodes_count;
	uint32_t first_data_block;
	uint32_t blocks_per_group;
	uint32_t inodes_per_group;
	uint32_t itable_blocks;        /* inode table length per group */
	uint32_t first_ino;
	uint64_t max_file_size;
	unsigned flags;

	const char *error;             /* the last damage found */

	/* Allocation state (alloc.c). */
	uint8_t *bitmap;               /* one cached bitmap block */
	uint32_t bitmap_blk;           /* which (0: none) */
	bool bitmap_dirty;             /* changes not yet written */
	bool bitmap_frees;             /* among them, bits cleared (ext2_bitmap_flush) */
	uint32_t next_generation;
	/* Name indexes of big directories (dirhash.c). */
	struct ext2_dirhash dh[EXT2_DH_MAX];
	uint64_t dh_clock;
	uint32_t dh_expect;            /* the directory block being changed on purpose */
};

/* Record damage on the volume and return -EIO. */
int ext2_corrupt(struct ext2_fs *fs, const char *what);

/* Memory (super.c). */
void *ext2_alloc(struct ext2_fs *fs, size_t size);
void ext2_free(struct ext2_fs *fs, void *p);
static inline void *
ext2_buf_get(struct ext2_fs *fs)
{
	return ext2_alloc(fs, fs->block_size);
}
uint32_t ext2_now(struct ext2_fs *fs);

/* Block I/O with range checks (super.c). */
bool ext2_block_valid(const struct ext2_fs *fs, uint32_t blk);
int ext2_bread(struct ext2_fs *fs, uint32_t blk, void *buf);
/* len bytes at off of block blk (io->read_part, else through a whole-block buffer). */
int ext2_bread_part(struct ext2_fs *fs, uint32_t blk, uint32_t off, uint32_t len, void *out);
int ext2_bwrite(struct ext2_fs *fs, uint32_t blk, const void *buf);
/*
 * What a write needs on the disk first: soft updates' dependencies.  NULL
 * means every write made before it (ext2_bwrite), the safe default.  The
 * create and unlink paths name their few blocks instead, so that a block
 * many creates change can join its earlier queued write (io->write_after).
 */
#define EXT2_DEPS_MAX 3
struct ext2_deps {
	unsigned n;
	uint32_t blk[EXT2_DEPS_MAX];
};
int ext2_bwrite_after(struct ext2_fs *fs, uint32_t blk, const void *buf,
		      const struct ext2_deps *deps);
/*
 * Change len bytes at off of block blk: as ext2_bwrite_lazy if lazy, else
 * as ext2_bwrite_after (io->write_part, else read, change, write).
 */
int ext2_bwrite_part(struct ext2_fs *fs, uint32_t blk, uint32_t off, uint32_t len, const void *data,
		     bool lazy, const struct ext2_deps *deps);
/* A write whose order does not matter (io->write_lazy, else ext2_bwrite). */
int ext2_bwrite_lazy(struct ext2_fs *fs, uint32_t blk, const void *buf);
int ext2_check_writable(const struct ext2_fs *fs);

/* Inodes (inode.c). */
int ext2_inode_store(struct ext2_fs *fs, uint32_t ino, const struct ext2_inode *in, bool fresh);
/* Store a change that needs no place in the write order: a directory's times. */
int ext2_inode_store_lazy(struct ext2_fs *fs, uint32_t ino, const struct ext2_inode *in);
/* ext2_inode_store needing only deps on the disk first (see struct ext2_deps). */
int ext2_inode_store_after(struct ext2_fs *fs, uint32_t ino, const struct ext2_inode *in, bool fresh,
			   const struct ext2_deps *deps);
/* The inode-table block holding ino, or 0 for a number out of range. */
uint32_t ext2_inode_block(struct ext2_fs *fs, uint32_t ino);
uint64_t ext2_isize(const struct ext2_inode *in);
void ext2_set_isize(struct ext2_inode *in, uint64_t size);
bool ext2_fast_symlink(const struct ext2_fs *fs, const struct ext2_inode *in);
bool ext2_has_blocks(const struct ext2_fs *fs, const struct ext2_inode *in);
uint32_t ext2_group_of_ino(const struct ext2_fs *fs, uint32_t ino);
unsigned ext2_mode_to_ft(uint32_t mode);

/* Block map (bmap.c): the path to logical block lblk through the tree. */
int ext2_bmap_path(const struct ext2_fs *fs, uint32_t lblk, uint32_t off[4]);

/* Directories (dir.c). */
#define EXT2_NO_PREV 0xFFFFFFFFu
#define EXT2_PREV_UNKNOWN 0xFFFFFFFEu  /* an ext2_dir_pos from the name index */
struct ext2_dirwalk {
	uint32_t lblk;                 /* directory block index */
	uint32_t pblk;                 /* its disk block */
	uint8_t *block;                /* its contents, already checked */
	uint32_t off;                  /* this entry's offset in the block */
	uint32_t prev;                 /* the previous entry's, or EXT2_NO_PREV */
	struct ext2_dirent *de;
};
/* Is the entry at off of a directory block sound (see dir.c)?  => 0 or -EIO. */
int ext2_dirent_check(struct ext2_fs *fs, const uint8_t *block, uint32_t off);
/* Does the entry at pos (still) name ino as name?  One block read, no walk. */
bool ext2_dir_entry_is(struct ext2_fs *fs, const struct ext2_dir_pos *pos, const char *name,
		       size_t len, uint32_t ino);
/* ext2_dir_find, also saying where the entry is (for ext2_dir_remove_at). */
int ext2_dir_find_pos(struct ext2_fs *fs, const struct ext2_inode *dir, const char *name,
		      size_t len, uint32_t *ino, struct ext2_dir_pos *pos);
/* Return 0 to go on, 1 to stop, or -errno. */
typedef int (*ext2_dirwalk_fn)(struct ext2_fs *fs, struct ext2_dirwalk *w, void *arg);
int ext2_dir_walk(struct ext2_fs *fs, const struct ext2_inode *dir, uint64_t start,
		  ext2_dirwalk_fn fn, void *arg);
uint32_t ext2_rec_len(const struct ext2_fs *fs, const struct ext2_dirent *de);
void ext2_set_rec_len(const struct ext2_fs *fs, struct ext2_dirent *de, uint32_t len);
bool ext2_name_is(const struct ext2_dirent *de, const char *name, size_t len);
int ext2_dir_find(struct ext2_fs *fs, const struct ext2_inode *dir, const char *name,
		  size_t len, uint32_t *ino, unsigned *ft);
int ext2_read_dir_inode(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in);

/* Superblock and descriptor write-back (mount.c). */
void ext2_gd_dirty(struct ext2_fs *fs, uint32_t group);

/* Bitmaps (alloc.c). */
int ext2_block_alloc(struct ext2_fs *fs, uint32_t goal, uint32_t *blk);
/* The bitmap is written later: no pointer to *blk may reach the disk before
 * ext2_bitmap_flush (see alloc.c). */
int ext2_block_alloc_deferred(struct ext2_fs *fs, uint32_t goal, uint32_t *blk);
int ext2_block_free(struct ext2_fs *fs, uint32_t blk);
int ext2_inode_alloc(struct ext2_fs *fs, uint32_t parent, bool dir, uint32_t *ino);
int ext2_inode_release(struct ext2_fs *fs, uint32_t ino, bool dir);
int ext2_bitmap_flush(struct ext2_fs *fs);
uint32_t ext2_block_goal(struct ext2_fs *fs, uint32_t ino, const struct ext2_inode *in,
			 uint32_t lblk);

/* Building the block map (map_write.c). */
int ext2_new_chain(struct ext2_fs *fs, struct ext2_inode *in, const uint32_t *idx, int n,
		   uint32_t target, uint32_t goal, uint32_t *top);
int ext2_bmap_set(struct ext2_fs *fs, struct ext2_inode *in, uint32_t lblk, uint32_t pblk,
		  uint32_t goal);
int ext2_block_append(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in, uint32_t lblk,
		      const void *data, uint32_t *pblk);
void ext2_add_sectors(struct ext2_fs *fs, struct ext2_inode *in, int nblocks);

/* Truncation (truncate.c). */
int ext2_shrink(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in, uint64_t size);
int ext2_evict(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in);
/* ext2_evict whose inode write (if that is its first) needs only deps first. */
int ext2_evict_after(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in,
		     const struct ext2_deps *deps);

/* Directory changes (dir_write.c). */
int ext2_dir_add(struct ext2_fs *fs, uint32_t dino, struct ext2_inode *dir, const char *name,
		 size_t len, uint32_t ino, unsigned ft);
int ext2_dir_probe(struct ext2_fs *fs, uint32_t dino, const struct ext2_inode *dir, const char *name,
		   size_t len, struct ext2_dir_slot *slot);
int ext2_dir_add_at(struct ext2_fs *fs, uint32_t dino, struct ext2_inode *dir,
		    const struct ext2_dir_slot *slot, const char *name, size_t len, uint32_t ino,
		    unsigned ft, const struct ext2_deps *deps);
int ext2_dir_remove(struct ext2_fs *fs, uint32_t dino, struct ext2_inode *dir,
		    const char *name, size_t len, uint32_t ino);
int ext2_dir_remove_at(struct ext2_fs *fs, uint32_t dino, struct ext2_inode *dir,
		       const struct ext2_dir_pos *pos, const char *name, size_t len, uint32_t ino,
		       uint32_t *wrote);
int ext2_dir_retarget(struct ext2_fs *fs, const struct ext2_inode *dir, const char *name,
		      size_t len, uint32_t ino, unsigned ft);
int ext2_dir_empty(struct ext2_fs *fs, const struct ext2_inode *dir);
int ext2_dir_init(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in, uint32_t parent);
int ext2_check_name(const char *name, size_t len);
bool ext2_is_dots(const char *name, size_t len);

/* Dropping names (namei.c). */
int ext2_drop_link(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in, uint32_t *orphan);
int ext2_drop_dir(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in, uint32_t pino,
		  struct ext2_inode *pin, uint32_t *orphan);

/*
 * Name indexes (dirhash.c).  ext2_dh_get: dino's index, built now if the
 * directory is big enough (NULL: walk it instead).  ext2_dh_find: 1 with
 * *ino and *pos (prev EXT2_PREV_UNKNOWN), 0 when absent, or -errno.
 * ext2_dh_slot: an entry with room for a name of len bytes (found false:
 * none, append a block).  The rest keep the index true: every entry added
 * or removed is reported, and ext2_dh_written (every block write) drops an
 * index whose block changed unannounced (fs->dh_expect).
 */
struct ext2_dirhash *ext2_dh_get(struct ext2_fs *fs, uint32_t dino, const struct ext2_inode *dir);
int ext2_dh_find(struct ext2_fs *fs, struct ext2_dirhash *dh, const char *name, size_t len,
		 uint32_t *ino, struct ext2_dir_pos *pos);
int ext2_dh_slot(struct ext2_fs *fs, struct ext2_dirhash *dh, const struct ext2_inode *dir,
		 size_t len, struct ext2_dir_slot *slot);
void ext2_dh_added(struct ext2_fs *fs, uint32_t dino, const char *name, size_t len, uint32_t pblk,
		   uint32_t off);
void ext2_dh_removed(struct ext2_fs *fs, uint32_t dino, const char *name, size_t len,
		     uint32_t pblk, uint32_t off);
void ext2_dh_written(struct ext2_fs *fs, uint32_t pblk);
void ext2_dh_forget(struct ext2_fs *fs, uint32_t dino);
void ext2_dh_free_all(struct ext2_fs *fs);
