/* SPDX-License-Identifier: MIT */
/*
 * ext2 as a VFS file system: what the adapter's files share.  The design
 * essay is at the top of super.c.
 */
#pragma once

#include "fs/ext2/ext2.h"
#include "fs/fs.h"
#include "fs/pcache.h"
#include "lib/list.h"
#include "sync/mutex.h"

struct blkdev;

#define E2_HASH 64

/*
 * One mounted volume.  Locks: [I] immutable after mount, [v] vol->lock,
 * [L] the list of volumes' lock (super.c).
 */
struct e2vol {
	/*
	 * Every library call, the in-core inode table and which pages each
	 * page cache holds.  Taken after any VFS inode lock; never held while
	 * user memory is touched (a fault may need it).
	 */
	struct mutex lock;
	struct ext2_fs *fs;             /* [v] */
	struct ext2_io io;              /* [I] block I/O through the buffer cache */
	struct blkdev *dev;             /* [I] */
	struct super_block *sb;         /* [I] */
	uint32_t bsize;                 /* [I] block size */
	unsigned bpp;                   /* [I] blocks per page */
	unsigned sectors_per_block;     /* [I] */
	bool reported;                  /* [v] damage was reported on the console */
	struct list_node inodes[E2_HASH];   /* [v] in-core inodes by number */
	struct list_node dirty;         /* [v] in-core inodes with unwritten data */
	/*
	 * The last lookup's walk (namei.c): a create or unlink of the same
	 * name in the same directory right after it, with no other change
	 * between, starts from it instead of walking again.  hint.dir 0: none.
	 */
	struct ext2_dir_hint hint;      /* [v] */
	uint8_t hint_len;               /* [v] */
	char hint_name[255];            /* [v] the name it is for */
	struct list_node node;          /* [L] */
	char name[16];                  /* [I] the device's name, for messages */
};

/*
 * ext2's in-core inode.  It lives while a VFS inode uses it and, after
 * that, while it still has data to write back; a new VFS inode for the
 * same number picks it up again, so a file never has two page caches.
 * Locks: [I] immutable, [v] vol->lock.
 */
struct e2i {
	uint32_t nr;                    /* [I] inode number */
	uint32_t mode;                  /* [I] type bits */
	struct inode *vfs;              /* [v] the VFS inode using it, or NULL */
	uint64_t size;                  /* [v] the file's size (the disk's may lag behind) */
	bool attr_dirty;                /* [v] size or mtime not yet on disk */
	struct timespec mtime;          /* [v] with attr_dirty: the mtime (and ctime) to write */
	uint32_t goal;                  /* [v] where the next data block should go */
	uint64_t ra_next;               /* [v] the page after the last one read (readahead.c) */
	struct pcache pc;               /* regular files: the data pages */
	struct list_node hash_node;     /* [v] */
	struct list_node dirty_node;    /* [v] on vol->dirty while dirty */
};

static inline struct e2vol *
e2_vol(const struct super_block *sb)
{
	return sb->priv;
}

static inline struct e2i *
e2_inode(const struct inode *ino)
{
	return ino->priv;
}

/* super.c */
extern const struct super_ops e2_sops;
/* Say on the console what the library found wrong (once per volume).  => err. */
int e2_report(struct e2vol *v, int err);
/* Write back every dirty in-core inode and commit.  => vol->lock held. */
int e2_sync_locked(struct e2vol *v);

/* inode.c */
/* The VFS inode for nr, referenced.  => vol->lock held. */
struct inode *e2_iget_locked(struct e2vol *v, uint32_t nr);
/* Copy the disk inode's attributes into the VFS inode.  => vol->lock held. */
int e2_refresh(struct e2vol *v, struct inode *ino);
void e2_release_inode(struct inode *ino);
void e2_evict_inode(struct inode *ino);
int e2_setattr(struct inode *ino, const struct iattr *ia);
/* Free an in-core inode nothing uses (no VFS inode, nothing dirty).  => vol->lock held. */
void e2i_free(struct e2vol *v, struct e2i *e);
/* Put e on the dirty list.  => vol->lock held. */
void e2i_mark_dirty(struct e2vol *v, struct e2i *e);
/* Forget every in-core inode (unmount, after write-back).  => vol->lock held. */
void e2i_free_all(struct e2vol *v);

/* data.c: the page cache of regular files.  All => vol->lock held. */
/* The page at index, filled from the disk if new, held (pcache_release). */
/* readahead.c: fill the uncached pages from index on with few requests.  => vol->lock held. */
#define E2_RA_PAGES 64
void e2_readahead(struct e2vol *v, struct e2i *e, uint64_t index);
/* Blocks one scatter request may carry (one segment each): the device's limits. */
unsigned e2_blocks_per_request(const struct e2vol *v);
struct pcache_page *e2_page_get(struct e2vol *v, struct e2i *e, uint64_t index, bool fill,
				int *err);
/* Reserve disk blocks for the holes among the page's pieces in [from, to) bytes. */
int e2_page_reserve(struct e2vol *v, struct e2i *e, struct pcache_page *pg, uint32_t from,
		    uint32_t to);
/* Write back e's dirty pages and then its size and times. */
int e2_writeback(struct e2vol *v, struct e2i *e);
/* Drop pages from byte offset size on (truncate), giving back their reserved blocks. */
void e2_pages_cut(struct e2vol *v, struct e2i *e, uint64_t size);
/* Zero the page bytes from..to of the page holding byte from, if it is cached or mapped. */
int e2_page_zero(struct e2vol *v, struct e2i *e, uint64_t from, uint64_t to);
/* Too much dirty or cached data: write back e, then reclaim clean pages. */
void e2_balance(struct e2vol *v, struct e2i *e);

/* file.c, namei.c: the operation tables. */
extern const struct file_ops e2_file_fops;
extern const struct file_ops e2_dir_fops;
extern const struct inode_ops e2_dir_iops;
extern const struct inode_ops e2_file_iops;
extern const struct inode_ops e2_link_iops;
