// SPDX-License-Identifier: MIT
/*
 * ext2 as a VFS file system: mounting, the volume's I/O, sync, unmount.
 *
 * How VFS calls map to the library.  kernel/fs/ext2/ is a library that
 * works on inode numbers and knows nothing of processes, caches or the
 * VFS (the BIOS boot loader and host tests use it too).  This adapter is
 * a thin layer of translation: a VFS lookup is ext2_lookup then an iget,
 * mkdir is ext2_mkdir, unlink is ext2_unlink, and so on (namei.c); the
 * VFS inode is a copy of the disk inode's attributes, refreshed after
 * each call (inode.c).  The library reads and writes whole blocks through
 * a struct ext2_io, which here is the buffer cache.
 *
 * Two caches, one copy of each block.  Metadata (superblock, group
 * descriptors, bitmaps, inode tables, indirect blocks, directories,
 * symlink blocks) goes through the buffer cache (block/bcache.h).  File
 * data lives in each inode's page cache (fs/pcache.h, data.c), read into
 * page frames straight from the disk and written back from them, and is
 * never also held in the buffer cache.  So read(), write() and shared
 * mappings of a file share one copy, and memory is not spent twice.  A
 * block can move between the roles (freed as an indirect block, later
 * given to a file): the buffer cache may then hold a stale clean copy,
 * which is harmless because every metadata block is written whole when it
 * is (re)initialized and nothing reads data through the buffer cache.
 *
 * Write order (soft updates).  ext2 has no journal, so consistency after
 * a crash depends on the order writes reach the disk; the library issues
 * them in a safe order (namei.c, map_write.c, truncate.c, data.c in
 * kernel/fs/ext2/).  The buffer cache would reorder delayed writes, so
 * every metadata write here is bwrite_behind (block/bcache_behind.c): the
 * cache has the new contents at once, and the device writes each version
 * in issue order, each after the one before has completed, so the disk
 * only ever holds a prefix of the sequence.  The caller does not wait for
 * the disk; fsync, sync and unmount wait for the queue (sync_dev), and so
 * does data write-back before it writes pages, because a block freed from
 * metadata and given to a file must not receive the file's data before
 * the write that drops the old pointer.  File data follows the same rules:
 * write() reserves a block (its bit set in the cached bitmap) but leaves
 * the map showing a hole; write-back writes the page, then the bitmap,
 * then links the block, then writes the inode with its new size.  fsync, syncfs, sync and unmount end with a
 * device cache flush, so what they cover is on stable storage.
 *
 * Write-back.  Dirty pages are written by fsync, sync(2)/syncfs, unmount,
 * remount read-only, by a writer that finds too much memory dirty
 * (e2_balance), and every E2_FLUSH_SECONDS by the "e2flush" thread.
 *
 * Locking.  One mutex per volume (vol->lock) serializes every library
 * call, the in-core inode table and which pages each page cache holds:
 * the library itself requires that calls on one volume never overlap.  It
 * sits below the VFS's inode locks (directory locks, then the inode lock
 * a writer holds) and above the page caches' spinlocks.  It is never held
 * while user memory is touched, because a page fault on an ext2 mapping
 * takes it (file.c).  One lock per volume is simple and correct; it lets
 * a long write-back hold up lookups on the same volume, which a finer
 * scheme (a lock per inode for data, the volume lock for allocation)
 * would avoid.  Lock order: vols_lock (the flusher's list), vol->lock,
 * page cache spinlocks, the buffer cache's locks.
 *
 * Damage.  The library checks what it reads and returns -EIO with a
 * sentence (ext2_error) instead of trusting a bad block number, rec_len or
 * directory loop; the adapter prints it, and only the call that met the
 * damage fails.  Mount refuses a volume whose superblock or group
 * descriptors are wrong, or that has features Keel does not implement.
 */
#include "fs/ext2fs/ext2fs.h"
#include "block/bcache.h"
#include "block/blk.h"
#include "core/printk.h"
#include "fs/internal.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "sched/sched.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/mount.h"
#include "uapi/stat.h"
#include "uapi/statfs.h"

#define E2_FLUSH_SECONDS 5

/* Mounted volumes, for the flusher and to refuse mounting one device twice. */
static struct mutex vols_lock = MUTEX_INIT(vols_lock);
static struct list_node vols = LIST_INIT(vols);         /* [vols_lock] */
static bool flusher_started;                            /* [vols_lock] */

int
e2_report(struct e2vol *v, int err)
{
	const char *why = ext2_error(v->fs);

	if (err == -EIO && why && !v->reported) {
		pr_err("ext2: %s: damaged volume: %s; run e2fsck\n", v->name, why);
		v->reported = true;
	}
	return err;
}

/* ---------------------------------------------------------------- block I/O */

/* The buffer cache works in the library's block size of the moment. */
static int
set_block_size(struct e2vol *v, uint32_t size)
{
	if (size > PCACHE_PAGE_SIZE)
		return -EINVAL;         /* refused at mount, with a message */
	if (bcache_block_size(v->dev) == size)
		return 0;
	return bcache_set_block_size(v->dev, size);
}

static int
e2io_read(struct ext2_io *io, uint64_t blk, void *buf)
{
	struct e2vol *v = io->ctx;
	struct buf *b;
	int r = set_block_size(v, io->block_size);

	if (r)
		return r;
	b = bread(v->dev, blk);
	if (IS_ERR(b))
		return (int)PTR_ERR(b);
	memcpy(buf, b->data, io->block_size);
	brelse(b);
	return 0;
}

/* Part of a block (an inode): the rest of the block is not copied. */
static int
e2io_read_part(struct ext2_io *io, uint64_t blk, uint32_t off, uint32_t len, void *out)
{
	struct e2vol *v = io->ctx;
	struct buf *b;
	int r = set_block_size(v, io->block_size);

	if (r)
		return r;
	if (off > io->block_size || len > io->block_size - off)
		return -EINVAL;
	b = bread(v->dev, blk);
	if (IS_ERR(b))
		return (int)PTR_ERR(b);
	memcpy(out, b->data + off, len);
	brelse(b);
	return 0;
}

/* Part of a block (an inode): bpatch_behind or bpatch_lazy. */
static int
e2io_write_part(struct ext2_io *io, uint64_t blk, uint32_t off, uint32_t len, const void *data,
		bool lazy, const uint64_t *deps, unsigned n)
{
	struct e2vol *v = io->ctx;
	int r = set_block_size(v, io->block_size);

	if (r)
		return r;
	return lazy ? bpatch_lazy(v->dev, blk, off, len, data) :
		      bpatch_behind(v->dev, blk, off, len, data, deps, n);
}

/* Written behind, in order: the library's soft-updates order is the disk's. */
static int
e2io_write(struct ext2_io *io, uint64_t blk, const void *buf)
{
	struct e2vol *v = io->ctx;
	int r = set_block_size(v, io->block_size);

	return r ? r : bwrite_behind(v->dev, blk, buf);
}

/* Times only: kept in the cache, queued with the block's next write or by sync. */
static int
e2io_write_lazy(struct ext2_io *io, uint64_t blk, const void *buf)
{
	struct e2vol *v = io->ctx;
	int r = set_block_size(v, io->block_size);

	return r ? r : bwrite_lazy(v->dev, blk, buf);
}

/* Soft updates' named dependencies: the block layer may join an older queued write. */
static int
e2io_write_after(struct ext2_io *io, uint64_t blk, const void *buf, const uint64_t *deps,
		 unsigned n)
{
	struct e2vol *v = io->ctx;
	int r = set_block_size(v, io->block_size);

	return r ? r : bwrite_behind_after(v->dev, blk, buf, deps, n);
}

static int
e2io_flush(struct ext2_io *io)
{
	struct e2vol *v = io->ctx;

	return sync_dev(v->dev);
}

static void *
env_alloc(void *ctx, size_t size)
{
	return kmalloc(size);
}

static void
env_free(void *ctx, void *p)
{
	kfree(p);
}

static uint32_t
env_now(void *ctx)
{
	struct timespec ts;

	vfs_now(&ts);
	return (uint32_t)ts.tv_sec;
}

static const struct ext2_env e2_env = { NULL, env_alloc, env_free, env_now };

/* ---------------------------------------------------------------- write-back */

/* Write back every dirty in-core inode once; free those nobody uses any more. */
static int
flush_dirty(struct e2vol *v)
{
	unsigned n = 0;
	int r = 0, w;

	list_for_each(it, &v->dirty)
		n++;
	while (n-- > 0 && !list_empty(&v->dirty)) {
		struct e2i *e = list_entry(v->dirty.next, struct e2i, dirty_node);

		list_remove(&e->dirty_node);
		list_push_back(&v->dirty, &e->dirty_node);      /* still dirty: next round */
		if ((w = e2_writeback(v, e)) && !r)
			r = w;
		if (!e->vfs && !list_linked(&e->dirty_node))
			e2i_free(v, e);
	}
	return r;
}

int
e2_sync_locked(struct e2vol *v)
{
	int r, s;

	if (ext2_readonly(v->fs))
		return 0;
	r = flush_dirty(v);
	s = ext2_sync(v->fs);
	return r ? r : s;
}

static void
flusher(void *arg)
{
	for (;;) {
		sched_sleep_ns(E2_FLUSH_SECONDS * 1000000000ull, false);
		mutex_lock(&vols_lock);
		list_for_each(n, &vols) {
			struct e2vol *v = list_entry(n, struct e2vol, node);

			mutex_lock(&v->lock);
			/* No fs: a mount still opening the volume, or refusing it. */
			if (v->fs && (!list_empty(&v->dirty) || ext2_dirty(v->fs)))
				e2_sync_locked(v);
			mutex_unlock(&v->lock);
		}
		mutex_unlock(&vols_lock);
	}
}

/* ---------------------------------------------------------------- super block ops */

static int
e2_statfs(struct super_block *sb, struct statfs *st)
{
	struct e2vol *v = e2_vol(sb);
	struct ext2_statfs es;

	mutex_lock(&v->lock);
	ext2_statfs(v->fs, &es);
	mutex_unlock(&v->lock);
	st->f_type = EXT2_SUPER_MAGIC;
	st->f_bsize = st->f_frsize = es.block_size;
	st->f_blocks = es.blocks;
	st->f_bfree = es.free_blocks;
	st->f_bavail = es.avail_blocks;
	st->f_files = es.inodes;
	st->f_ffree = es.free_inodes;
	st->f_namelen = es.name_max;
	return 0;
}

static int
e2_sync_fs(struct super_block *sb)
{
	struct e2vol *v = e2_vol(sb);
	int r;

	mutex_lock(&v->lock);
	r = e2_sync_locked(v);
	mutex_unlock(&v->lock);
	return r;
}

static int
e2_remount(struct super_block *sb, unsigned long flags)
{
	struct e2vol *v = e2_vol(sb);
	const char *msg = NULL;
	int r = 0;

	mutex_lock(&v->lock);
	if ((flags & MS_RDONLY) && !ext2_readonly(v->fs))
		r = e2_sync_locked(v);
	if (!r)
		r = ext2_remount(v->fs, (flags & MS_RDONLY) ? EXT2_MOUNT_RDONLY : 0, &msg);
	mutex_unlock(&v->lock);
	if (msg)
		pr_warn("%s (%s)\n", msg, v->name);
	return r;
}

/* The last mount went, and every dentry and VFS inode with it. */
static void
e2_put_super(struct super_block *sb)
{
	struct e2vol *v = e2_vol(sb);
	int r;

	mutex_lock(&vols_lock);
	list_remove(&v->node);
	mutex_unlock(&vols_lock);
	mutex_lock(&v->lock);
	r = e2_sync_locked(v);
	e2i_free_all(v);
	if (ext2_unmount(v->fs) || r)
		pr_err("ext2: %s: errors while unmounting; run e2fsck\n", v->name);
	mutex_unlock(&v->lock);
	pr_info("ext2: %s unmounted\n", v->name);
	kfree(v);
}

const struct super_ops e2_sops = {
	.evict_inode = e2_evict_inode,
	.release_inode = e2_release_inode,
	.statfs = e2_statfs,
	.sync_fs = e2_sync_fs,
	.remount = e2_remount,
	.put_super = e2_put_super,
};

/* ---------------------------------------------------------------- mount */

/* The block device a mount source names: a block device node. */
static int
source_dev(const char *source, struct blkdev **out)
{
	struct path p;
	struct inode *ino;
	int r;

	if (!source)
		return -EINVAL;
	if ((r = vfs_path_lookup(AT_FDCWD, source, LOOKUP_FOLLOW, &p)))
		return r;
	ino = d_inode(p.dentry);
	if (!S_ISBLK(ino->mode))
		r = -ENOTBLK;
	else if (!(*out = blkdev_find_devt(MAJOR(ino->rdev), MINOR(ino->rdev))))
		r = -ENXIO;
	path_put(&p);
	return r;
}

/* Options of mount -o: the generic ones are flags; ext2's own are accepted and ignored. */
static int
check_options(const char *data)
{
	static const char *const ok[] = {
		"defaults", "rw", "ro", "noatime", "atime", "relatime", "nodiratime",
		"errors=continue", "errors=remount-ro", "errors=panic", "nouser_xattr", "noacl",
	};

	while (data && *data) {
		const char *comma = strchr(data, ',');
		size_t len = comma ? (size_t)(comma - data) : strlen(data);
		bool found = len == 0;

		for (size_t i = 0; i < ARRAY_SIZE(ok) && !found; i++)
			found = strlen(ok[i]) == len && strncmp(ok[i], data, len) == 0;
		if (!found) {
			pr_err("ext2: unknown mount option \"%.*s\"\n", (int)len, data);
			return -EINVAL;
		}
		data += len + (comma ? 1 : 0);
	}
	return 0;
}

/* The library mount, with the console told why it failed or went read-only. */
static int
open_volume(struct e2vol *v, unsigned long flags)
{
	unsigned ef = EXT2_MOUNT_EXTDATA | EXT2_MOUNT_DIRHASH | ((flags & MS_RDONLY) ? EXT2_MOUNT_RDONLY : 0);
	const char *msg = NULL;
	int r;

	v->io = (struct ext2_io){ v, 1024, e2io_read, e2io_write, e2io_flush, e2io_write_lazy,
				  e2io_write_after, e2io_read_part, e2io_write_part };
	r = ext2_mount(&v->fs, &v->io, &e2_env, ef, &msg);
	if (r == -EINVAL && !msg && v->io.block_size > PCACHE_PAGE_SIZE)
		msg = "ext2: blocks larger than a page (4 KiB) are not supported";
	if (r) {
		pr_err("ext2: %s: cannot mount: %s (error %d)\n", v->name,
		       msg ? msg : "cannot read the volume", r);
		return r;
	}
	if (msg)
		pr_warn("%s (%s)\n", msg, v->name);
	v->bsize = ext2_block_size(v->fs);
	v->bpp = PCACHE_PAGE_SIZE / v->bsize;
	v->sectors_per_block = v->bsize / BLK_SECTOR_SIZE;
	return 0;
}

/* The super block and root directory of an open volume. */
static int
make_sb(struct e2vol *v, const struct fs_type *type)
{
	struct inode *root;

	if (!(v->sb = sb_alloc(type, &e2_sops)))
		return -ENOMEM;
	v->sb->priv = v;
	v->sb->dev = MKDEV(v->dev->major, v->dev->minor);
	v->sb->magic = EXT2_SUPER_MAGIC;
	v->sb->block_size = v->bsize;
	v->sb->max_bytes = ext2_max_file_size(v->fs);
	if (ext2_readonly(v->fs))
		v->sb->flags |= SB_RDONLY;
	mutex_lock(&v->lock);
	root = e2_iget_locked(v, EXT2_ROOT_INO);
	mutex_unlock(&v->lock);
	if (IS_ERR(root) || !S_ISDIR(root->mode)) {
		pr_err("ext2: %s: cannot mount: the root directory is missing or damaged\n",
		       v->name);
		if (!IS_ERR(root))
			iput(root);
		return -EINVAL;
	}
	if (!(v->sb->root = d_make_root(root))) {
		iput(root);
		return -ENOMEM;
	}
	return 0;
}

static struct e2vol *
vol_new(struct blkdev *dev)
{
	struct e2vol *v = kzalloc(sizeof(*v));

	if (!v)
		return NULL;
	mutex_init(&v->lock, "ext2_vol");
	v->dev = dev;
	strlcpy(v->name, dev->name, sizeof(v->name));
	for (unsigned i = 0; i < E2_HASH; i++)
		list_init(&v->inodes[i]);
	list_init(&v->dirty);
	list_init(&v->node);
	return v;
}

/* Is dev mounted already?  => vols_lock held. */
static bool
dev_busy_locked(struct blkdev *dev)
{
	list_for_each(n, &vols)
		if (list_entry(n, struct e2vol, node)->dev == dev)
			return true;
	return false;
}

/* Start the write-back thread with the first mount.  => vols_lock held. */
static void
flusher_start_locked(void)
{
	if (flusher_started)
		return;
	flusher_started = thread_create_detached(flusher, NULL, "e2flush") != NULL;
	if (!flusher_started)
		pr_warn("ext2: no write-back thread: data is written by sync and fsync\n");
}

/* Undo a mount that failed half-way. */
static void
vol_discard(struct e2vol *v)
{
	mutex_lock(&vols_lock);
	list_remove(&v->node);
	mutex_unlock(&vols_lock);
	if (v->sb)
		sb_free(v->sb);
	if (v->fs) {
		e2i_free_all(v);
		ext2_unmount(v->fs);
	}
	kfree(v);
}

static int
mount_dev(const struct fs_type *type, struct blkdev *dev, unsigned long flags,
	  struct super_block **out)
{
	struct e2vol *v = vol_new(dev);
	int r;

	if (!v)
		return -ENOMEM;
	/* On the list from the start: it claims dev (the flusher skips it until it has an fs). */
	mutex_lock(&vols_lock);
	r = dev_busy_locked(dev) ? -EBUSY : 0;
	if (!r) {
		list_push_back(&vols, &v->node);
		flusher_start_locked();
	}
	mutex_unlock(&vols_lock);
	if (r) {
		kfree(v);
		return r;
	}
	mutex_lock(&v->lock);                   /* the flusher sees v->fs whole, or NULL */
	r = open_volume(v, flags);
	mutex_unlock(&v->lock);
	if (r || (r = make_sb(v, type))) {
		vol_discard(v);
		return r;
	}
	pr_info("ext2: %s mounted (%u-byte blocks%s)\n", v->name, v->bsize,
		ext2_readonly(v->fs) ? ", read-only" : "");
	*out = v->sb;
	return 0;
}

static int
e2_mount(const struct fs_type *type, const char *source, unsigned long flags, const void *data,
	 struct super_block **out)
{
	struct blkdev *dev;
	int r;

	if ((r = check_options(data)) || (r = source_dev(source, &dev)))
		return r;
	return mount_dev(type, dev, flags, out);
}

static struct fs_type ext2_type = { .name = "ext2", .requires_dev = true, .mount = e2_mount };

/* Bring-up: make "ext2" mountable. */
void
ext2fs_register(void)
{
	vfs_register_fs(&ext2_type);
}
