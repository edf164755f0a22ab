/* SPDX-License-Identifier: MIT */
/*
 * Keel's ext2 file system, as a library.
 *
 * Everything here works on inode numbers and byte ranges; it knows nothing
 * of processes, file descriptors, permissions or caches.  The caller (the
 * kernel's VFS, the BIOS boot loader, or a host test) supplies:
 *
 *   struct ext2_io   reads and writes whole file-system blocks, and
 *   struct ext2_env  memory (alloc/free) and the time of day.
 *
 * Calls on one mounted file system must not overlap: the caller serializes
 * them (the VFS holds one lock per mount).  Every function returns 0 or a
 * negative errno, except the read/write calls, which return a byte count or
 * a negative errno.  A damaged volume gives -EIO (ext2_error() says what was
 * wrong), never a crash or an endless loop.
 *
 * The read path (ext2_load, ext2_inode_read, ext2_bmap, ext2_lookup,
 * ext2_lookup_path, ext2_readlink, ext2_read, ext2_readdir, ext2_getattr,
 * ext2_release) lives in super.c, inode.c, bmap.c, dir.c, path.c and file.c,
 * which depend only on lib/string.h and the callbacks, so the 32-bit boot
 * loader compiles them as they are.
 */
#pragma once

#include "lib/compiler.h"
#include "fs/ext2/layout.h"

/*
 * Block I/O.  ext2 sets block_size: 1024 while it reads the superblock
 * (block 1), then the file system's block size.  Each call moves exactly
 * one block and returns 0 or -errno.  Writes must reach the disk in the
 * order they are issued (see the soft-updates notes in namei.c).
 */
struct ext2_io {
	void *ctx;
	uint32_t block_size;
	int (*read)(struct ext2_io *io, uint64_t blkno, void *buf);
	int (*write)(struct ext2_io *io, uint64_t blkno, const void *buf);
	int (*flush)(struct ext2_io *io);            /* may be NULL */
	/*
	 * May be NULL (then write is used).  A change whose order against
	 * other writes does not matter (a directory's times): reads see it at
	 * once, the disk by the next flush.
	 */
	int (*write_lazy)(struct ext2_io *io, uint64_t blkno, const void *buf);
	/*
	 * May be NULL (then write is used).  A write that needs only the
	 * blocks deps[0..n) on the disk before it, as they were last passed
	 * to write or write_after, not every earlier write.
	 */
	int (*write_after)(struct ext2_io *io, uint64_t blkno, const void *buf,
			   const uint64_t *deps, unsigned n);
	/*
	 * May be NULL (then read is used).  Only len bytes at off of the
	 * block: an inode out of its table block, without copying the rest.
	 */
	int (*read_part)(struct ext2_io *io, uint64_t blkno, uint32_t off, uint32_t len, void *buf);
	/*
	 * May be NULL (then read, and a whole-block write).  Change only len
	 * bytes at off of the block, the rest staying as the last write left
	 * it: as write_lazy if lazy, else as write_after (deps NULL: write).
	 */
	int (*write_part)(struct ext2_io *io, uint64_t blkno, uint32_t off, uint32_t len,
			  const void *data, bool lazy, const uint64_t *deps, unsigned n);
};

/*
 * Memory and time.  alloc returns NULL when out of memory; buffers must be
 * 4-byte aligned.  The read path frees its buffers in the reverse order it
 * took them, so a boot loader may hand out memory from a stack.
 */
struct ext2_env {
	void *ctx;
	void *(*alloc)(void *ctx, size_t size);
	void (*free)(void *ctx, void *p);
	uint32_t (*now)(void *ctx);                  /* seconds since 1970; may be NULL */
};

struct ext2_fs;

/* ext2_mount flags */
#define EXT2_MOUNT_RDONLY  0x1
/*
 * The caller keeps regular files' data itself (a page cache, see data.c):
 * truncate then never reads or writes a data block (it leaves zeroing the
 * tail of the last block to the caller).
 */
#define EXT2_MOUNT_EXTDATA 0x2
/* Big directories get a name index in memory (dirhash.c); not for a boot loader. */
#define EXT2_MOUNT_DIRHASH 0x4

/*
 * Mount: read and check the superblock and group descriptors.  On a bad
 * volume returns -EINVAL and points *msg at a sentence saying why.  A volume
 * with read-only-compatible features Keel does not know is mounted
 * read-only, with *msg saying so.  A writable mount marks the volume
 * "not clean" and counts the mount; ext2_unmount marks it clean again.
 */
int ext2_mount(struct ext2_fs **out, struct ext2_io *io, const struct ext2_env *env,
	       unsigned flags, const char **msg) __must_check;
int ext2_unmount(struct ext2_fs *fs);
/*
 * Switch between read-only and read-write (flags: EXT2_MOUNT_RDONLY or
 * not).  Going read-only writes everything back and marks the volume clean
 * as unmount does; going read-write is refused (-EROFS) for a volume with
 * unknown read-only-compatible features.
 */
int ext2_remount(struct ext2_fs *fs, unsigned flags, const char **msg);
/*
 * Write back the superblock, the group descriptors and the bits frees left
 * set, then flush the device.  Operations leave these summaries in memory
 * (mount.c): the caller syncs at its commit points (fsync, sync, unmount)
 * and every few seconds while ext2_dirty says so.
 */
int ext2_sync(struct ext2_fs *fs);
bool ext2_dirty(const struct ext2_fs *fs);

/* The read-only core of mount (boot loader); ext2_release frees it. */
int ext2_load(struct ext2_fs **out, struct ext2_io *io, const struct ext2_env *env,
	      const char **msg) __must_check;
void ext2_release(struct ext2_fs *fs);

bool ext2_readonly(const struct ext2_fs *fs);
/* The last damage found on the volume, or NULL. */
const char *ext2_error(const struct ext2_fs *fs);

struct ext2_statfs {
	uint32_t block_size;
	uint64_t blocks;
	uint64_t free_blocks;
	uint64_t avail_blocks;      /* free minus the super-user's reserve */
	uint64_t inodes;
	uint64_t free_inodes;
	uint32_t name_max;
};
void ext2_statfs(const struct ext2_fs *fs, struct ext2_statfs *st);

/* Decoded inode attributes. */
struct ext2_stat {
	uint32_t ino;
	uint32_t mode;              /* type and permission bits (EXT2_S_IF*) */
	uint32_t nlink;
	uint32_t uid, gid;
	uint64_t size;
	uint64_t blocks;            /* 512-byte units */
	uint32_t atime, mtime, ctime;
	uint32_t rdev_major, rdev_minor;  /* character and block devices */
	uint32_t flags;
};
int ext2_getattr(struct ext2_fs *fs, uint32_t ino, struct ext2_stat *st);

/* chmod, chown, utimes: set the fields named in mask; ctime becomes now. */
#define EXT2_SET_MODE  0x01         /* permission bits only; the type stays */
#define EXT2_SET_UID   0x02
#define EXT2_SET_GID   0x04
#define EXT2_SET_ATIME 0x08
#define EXT2_SET_MTIME 0x10
struct ext2_setattr {
	unsigned mask;
	uint32_t mode, uid, gid, atime, mtime;
};
int ext2_setattr(struct ext2_fs *fs, uint32_t ino, const struct ext2_setattr *sa);

/* The raw on-disk inode (the first 128 + i_extra_isize bytes). */
int ext2_inode_read(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in);
int ext2_inode_write(struct ext2_fs *fs, uint32_t ino, const struct ext2_inode *in);

/* Map logical block lblk of an inode to a disk block; 0 means a hole. */
int ext2_bmap(struct ext2_fs *fs, const struct ext2_inode *in, uint32_t lblk, uint32_t *pblk);

/* One name in directory dir (not "." or "..", which are real entries). */
int ext2_lookup(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len, uint32_t *ino);

/* Where an entry is: its block, its offset, and the entry before it in the block. */
struct ext2_dir_pos {
	uint32_t pblk, off, prev;
};
/* Where a new entry goes: a block and an entry with room in it, if any. */
struct ext2_dir_slot {
	uint32_t pblk, off;
	bool found;
};
/*
 * What a lookup's walk learnt for the create or unlink that often follows
 * it: where the name is, or where it would go.  Valid only while nothing
 * in the volume changes (the caller keeps count); the create or unlink
 * still looks at the entry again before it writes.
 */
struct ext2_dir_hint {
	uint32_t dir, ino;               /* ino 0: the name is absent */
	struct ext2_dir_pos pos;         /* where it is (ino != 0) */
	struct ext2_dir_slot slot;       /* where it would go (ino == 0) */
};
/* ext2_lookup that also fills *hint (even for -ENOENT, its usual answer before a create). */
int ext2_lookup_hint(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len, uint32_t *ino,
		     struct ext2_dir_hint *hint);
/*
 * A whole path from the root ("/boot/keel.elf"); symbolic links are
 * followed, at most EXT2_SYMLINK_DEPTH deep (-ELOOP beyond).
 */
#define EXT2_SYMLINK_DEPTH 8
#define EXT2_PATH_MAX      4096
int ext2_lookup_path(struct ext2_fs *fs, const char *path, uint32_t *ino);

/* Directory entry types, as Linux's d_type. */
#define EXT2_DT_UNKNOWN 0
#define EXT2_DT_FIFO    1
#define EXT2_DT_CHR     2
#define EXT2_DT_DIR     4
#define EXT2_DT_BLK     6
#define EXT2_DT_REG     8
#define EXT2_DT_LNK     10
#define EXT2_DT_SOCK    12

/*
 * readdir: call fill for each entry at or after byte position *pos, "." and
 * ".." included; fill returns 0 for more, non-zero to stop.  *pos moves past
 * each entry fill accepted, so the next call resumes there.  The name is
 * not NUL-terminated and lives only during the call.
 */
typedef int (*ext2_filldir_t)(void *arg, const char *name, size_t len, uint32_t ino,
			      unsigned type);
int ext2_readdir(struct ext2_fs *fs, uint32_t dir, uint64_t *pos, ext2_filldir_t fill,
		 void *arg);

/*
 * File data: bytes moved (short at end of file, or when the disk fills
 * after some bytes went in), or -errno.  At most 1 GiB per call.
 */
long ext2_read(struct ext2_fs *fs, uint32_t ino, uint64_t off, void *buf, size_t len);
long ext2_write(struct ext2_fs *fs, uint32_t ino, uint64_t off, const void *buf, size_t len);
/* Shrink (freeing blocks) or grow (a hole that reads as zeros). */
int ext2_truncate(struct ext2_fs *fs, uint32_t ino, uint64_t size);
/* The target of a symbolic link, not NUL-terminated: its length, or -errno. */
long ext2_readlink(struct ext2_fs *fs, uint32_t ino, char *buf, size_t size);

/* Who owns a new inode, and its mode (type and permissions). */
struct ext2_new {
	uint32_t mode;
	uint32_t uid, gid;
	uint32_t rdev_major, rdev_minor;  /* mknod of a device only */
	/* A lookup of this name in this directory found it absent, nothing changed since. */
	const struct ext2_dir_hint *hint;  /* or NULL */
};
/* Regular files, devices, FIFOs, sockets (not directories or links). */
int ext2_mknod(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len,
	       const struct ext2_new *nw, uint32_t *ino);
int ext2_create(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len,
		const struct ext2_new *nw, uint32_t *ino);
int ext2_mkdir(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len,
	       const struct ext2_new *nw, uint32_t *ino);
int ext2_symlink(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len,
		 const char *target, size_t tlen, const struct ext2_new *nw, uint32_t *ino);
/* A hard link: a new name for an existing non-directory inode. */
int ext2_link(struct ext2_fs *fs, uint32_t ino, uint32_t dir, const char *name, size_t len);

/*
 * Removing names.  When the last link of an inode goes, the inode is freed
 * at once if orphan is NULL.  Otherwise it stays allocated with no links,
 * its number goes to *orphan (0 if no inode lost its last link), and the
 * caller frees it with ext2_inode_free once nobody has it open.
 */
int ext2_unlink(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len,
		uint32_t *orphan);
/* ext2_unlink of a name a lookup just found (hint), with nothing changed since. */
int ext2_unlink_hinted(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len,
		       const struct ext2_dir_hint *hint, uint32_t *orphan);
int ext2_rmdir(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len,
	       uint32_t *orphan);
int ext2_rename(struct ext2_fs *fs, uint32_t odir, const char *oname, size_t olen,
		uint32_t ndir, const char *nname, size_t nlen, uint32_t *orphan);
/* RENAME_EXCHANGE: the two names (both must exist) swap the inodes they name. */
int ext2_exchange(struct ext2_fs *fs, uint32_t odir, const char *oname, size_t olen,
		  uint32_t ndir, const char *nname, size_t nlen);
int ext2_inode_free(struct ext2_fs *fs, uint32_t ino);

/*
 * File data kept by the caller (a page cache; see data.c for the write
 * order).  Regular files only.  Like every operation, these leave the free
 * counts to ext2_sync.
 */
/* Map n logical blocks from first on (0: a hole). */
int ext2_data_map(struct ext2_fs *fs, uint32_t ino, uint32_t first, unsigned n, uint32_t *pblk);
/* Allocate a block for lblk (a hole) near goal (0: ext2 chooses), without linking it. */
int ext2_data_reserve(struct ext2_fs *fs, uint32_t ino, uint32_t lblk, uint32_t goal,
		      uint32_t *pblk) __must_check;
/* Free a reserved block that was never linked. */
int ext2_data_unreserve(struct ext2_fs *fs, uint32_t pblk);
/* Link reserved blocks (their data already written); the size grows to size if larger. */
int ext2_data_link(struct ext2_fs *fs, uint32_t ino, const uint32_t *lblk, const uint32_t *pblk,
		   unsigned n, uint64_t size) __must_check;
/* Grow the recorded size to size (never shrinks) and set mtime and ctime (0: leave). */
int ext2_data_update(struct ext2_fs *fs, uint32_t ino, uint64_t size, uint32_t mtime);
uint64_t ext2_max_file_size(const struct ext2_fs *fs);
uint32_t ext2_block_size(const struct ext2_fs *fs);
