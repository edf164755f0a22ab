/* SPDX-License-Identifier: MIT */
/*
 * ramfs internals, shared by its two files: ramfs.c (super block,
 * directories, links) and data.c (regular file contents).
 */
#pragma once

#include "fs/fs.h"
#include "fs/pagetree.h"

/* One name in a directory. */
struct ramfs_dirent {
	struct list_node node;      /* in ramfs_dir.entries, in cookie order */
	uint64_t cookie;            /* readdir position, increasing along the list */
	struct inode *inode;        /* counts in inode->nlink, not in its refcount */
	size_t len;
	char name[];
};

/* Locks: [i] the directory inode's lock. */
struct ramfs_dir {
	struct list_node entries;   /* [i] */
	uint64_t next_cookie;       /* [i] 0 and 1 are "." and ".." */
	struct inode *parent;       /* [i] for ".." */
};

/*
 * A regular file's data.  Changes (write, truncate) hold the inode's lock;
 * data_lock also protects the tree and size so that readers and the fault
 * path, which take only data_lock, see them whole.
 */
struct ramfs_file {
	struct spinlock data_lock;
	struct page_tree pages;     /* [i + data_lock] index -> kernel address of a page */
};

/* Per super block. */
struct ramfs_sb {
	uint64_t pages;             /* [a] data pages in use */
	uint64_t inodes;            /* [a] */
	struct inode *root;         /* [I] */
	bool tmpfs;
};

extern const struct file_ops ramfs_file_ops;
int ramfs_file_init(struct inode *ino);
void ramfs_file_free(struct inode *ino);
/* Change the size: drop pages past it, zero the tail of the last one.  => ino->lock held. */
void ramfs_file_resize(struct inode *ino, uint64_t size);
/* fallocate: mode 0 and FALLOC_FL_KEEP_SIZE.  => ino->lock held. */
int ramfs_fallocate(struct inode *ino, int mode, uint64_t off, uint64_t len);

/* ramfs.c */
/* A new inode (with its storage) for nw; parent is ".." of a directory. */
struct inode *ramfs_new_inode(struct super_block *sb, const struct vfs_new *nw,
			      struct inode *parent);
void ramfs_evict(struct inode *ino);
/* Free the entries of a directory, queueing subdirectories on work (via hash_node). */
void ramfs_dir_dismantle(struct inode *dir, struct list_node *work);

/* super.c: a fresh instance with an empty root directory. */
int ramfs_make_sb(const struct fs_type *type, uint32_t magic, uint32_t root_mode, uint32_t uid,
		  uint32_t gid, struct super_block **out);
