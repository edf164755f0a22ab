// SPDX-License-Identifier: MIT
/*
 * A name index for big directories, in memory only (after FreeBSD's
 * dirhash for UFS).
 *
 * An ext2 directory without an htree is a list: finding a name, or making
 * sure a new one is not there yet, reads every entry.  A create in a
 * directory of 1,000 names walks all 1,000.  The disk format cannot change
 * (e2fsck must agree with it), but memory can hold what the walk learns:
 * the first lookup in a directory of at least DH_MIN_BLOCKS blocks walks
 * it once and builds, for every live entry, hash(name) -> where the entry
 * is, and for every block the most room any one entry in it has.  Then
 *
 *   a lookup hashes the name and reads only the entries whose hash
 *   matches (usually none or one), checking each against the name;
 *   "absent" needs no read at all;
 *   a create finds a block with room from the per-block figures, and
 *   walks only that block for the exact place.
 *
 * The index must never miss a name (a miss says "absent", and a create
 * would then make a second entry of the name).  So every change of an
 * entry is reported here by the code that makes it (dir_write.c: added,
 * removed), a directory that grows or goes away loses its index, and as a
 * safety net every write of a block of an indexed directory that was not
 * announced (ext2_dh_expect) drops the index too.  A found entry is still
 * checked against the disk block, so a wrong hit costs a read, not a
 * wrong answer.  Room figures are hints: a block whose room is unknown (it
 * changed) is walked to learn it again, and the add itself checks the fit.
 *
 * Up to DH_MAX directories per volume keep an index, the least recently
 * used giving way; the memory is about 12 bytes per name and 8 per block.
 * Only the kernel's mounts use it (EXT2_MOUNT_DIRHASH): the boot loader's
 * read path allocates from a stack and must not keep anything.
 */
#include "fs/ext2/internal.h"
#include "lib/string.h"

#define DH_MIN_BLOCKS 2          /* smaller directories are walked: cheap enough */
#define DH_MAX_BLOCKS 1024       /* bigger ones are not indexed (memory) */
#define DH_EMPTY      0xFFFFFFFFu
#define DH_DEAD       0xFFFFFFFEu
#define DH_ROOM_UNKNOWN 0xFFFFFFFFu

/* FNV-1a: cheap, and good enough for a table that checks every hit. */
static uint32_t
dh_hash(const char *name, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)name[i]) * 16777619u;
	return h;
}

static void
dh_free(struct ext2_fs *fs, struct ext2_dirhash *dh)
{
	ext2_free(fs, dh->slot);
	ext2_free(fs, dh->blk);
	memset(dh, 0, sizeof(*dh));
}

void
ext2_dh_forget(struct ext2_fs *fs, uint32_t dino)
{
	for (unsigned i = 0; i < EXT2_DH_MAX; i++)
		if (fs->dh[i].dir == dino && dino)
			dh_free(fs, &fs->dh[i]);
}

void
ext2_dh_free_all(struct ext2_fs *fs)
{
	for (unsigned i = 0; i < EXT2_DH_MAX; i++)
		if (fs->dh[i].dir)
			dh_free(fs, &fs->dh[i]);
}

/* => the index's block number for disk block pblk, or -1. */
static long
dh_lblk(const struct ext2_dirhash *dh, uint32_t pblk)
{
	if (pblk < dh->lo || pblk > dh->hi)
		return -1;
	for (uint32_t i = 0; i < dh->nblocks; i++)
		if (dh->blk[i].pblk == pblk)
			return i;
	return -1;
}

void
ext2_dh_written(struct ext2_fs *fs, uint32_t pblk)
{
	for (unsigned i = 0; i < EXT2_DH_MAX; i++) {
		struct ext2_dirhash *dh = &fs->dh[i];

		if (dh->dir && pblk != fs->dh_expect && dh_lblk(dh, pblk) >= 0)
			dh_free(fs, dh);        /* changed behind the index's back */
	}
}

/* Put (hash, pos) in the table, which has a free slot. */
static void
dh_insert(struct ext2_dirhash *dh, uint32_t h, uint32_t pos)
{
	uint32_t i = h & (dh->nslots - 1);

	while (dh->slot[i].pos != DH_EMPTY && dh->slot[i].pos != DH_DEAD)
		i = (i + 1) & (dh->nslots - 1);
	if (dh->slot[i].pos == DH_DEAD)
		dh->dead--;
	dh->slot[i].hash = h;
	dh->slot[i].pos = pos;
	dh->used++;
}

/*
 * Put (hash, pos) in, doubling the table first when it would pass half
 * full (tombstones count: the copy drops them).  => 0 or -ENOMEM.
 */
static int
dh_add(struct ext2_fs *fs, struct ext2_dirhash *dh, uint32_t h, uint32_t pos)
{
	struct ext2_dh_slot *old = dh->slot;
	uint32_t n = dh->nslots;

	if (2 * (dh->used + dh->dead + 1) > n) {
		uint32_t bigger = 2 * (dh->used + 1) > n ? 2 * n : n;

		if (!(dh->slot = ext2_alloc(fs, bigger * sizeof(*dh->slot)))) {
			dh->slot = old;
			return -ENOMEM;
		}
		memset(dh->slot, 0xFF, bigger * sizeof(*dh->slot));      /* every pos DH_EMPTY */
		dh->nslots = bigger;
		dh->used = dh->dead = 0;
		for (uint32_t i = 0; i < n; i++)
			if (old[i].pos != DH_EMPTY && old[i].pos != DH_DEAD)
				dh_insert(dh, old[i].hash, old[i].pos);
		ext2_free(fs, old);
	}
	dh_insert(dh, h, pos);
	return 0;
}

struct dh_build {
	struct ext2_dirhash *dh;
	uint32_t bs;
};

/* Room in an entry for another one: its record less its own name. */
static uint32_t
entry_room(const struct ext2_fs *fs, const struct ext2_dirent *de)
{
	return ext2_rec_len(fs, de) - (de->inode ? EXT2_DIR_REC_LEN(de->name_len) : 0);
}

static int
build_fn(struct ext2_fs *fs, struct ext2_dirwalk *w, void *arg)
{
	struct dh_build *b = arg;
	struct ext2_dirhash *dh = b->dh;
	uint32_t room = entry_room(fs, w->de);

	if (w->lblk >= dh->nblocks)
		return -EIO;            /* the walk went past i_size: not ours to index */
	if (dh->blk[w->lblk].room == DH_ROOM_UNKNOWN || room > dh->blk[w->lblk].room)
		dh->blk[w->lblk].room = room;
	dh->blk[w->lblk].pblk = w->pblk;
	if (w->pblk < dh->lo)
		dh->lo = w->pblk;
	if (w->pblk > dh->hi)
		dh->hi = w->pblk;
	if (w->de->inode)
		return dh_add(fs, dh, dh_hash(w->de->name, w->de->name_len), w->lblk * b->bs + w->off);
	return 0;
}

/* The table starts at room for names of 32 bytes a record, and grows (dh_add). */
static int
dh_build(struct ext2_fs *fs, struct ext2_dirhash *dh, uint32_t dino, const struct ext2_inode *dir,
	 uint32_t nblocks)
{
	uint32_t guess = nblocks * (fs->block_size / 32), nslots = 64;
	struct dh_build b = { dh, fs->block_size };
	int r;

	while (nslots < 2 * guess)
		nslots <<= 1;
	dh->slot = ext2_alloc(fs, nslots * sizeof(*dh->slot));
	dh->blk = ext2_alloc(fs, nblocks * sizeof(*dh->blk));
	if (!dh->slot || !dh->blk) {
		dh_free(fs, dh);
		return -ENOMEM;
	}
	memset(dh->slot, 0xFF, nslots * sizeof(*dh->slot));      /* every pos DH_EMPTY */
	for (uint32_t i = 0; i < nblocks; i++)
		dh->blk[i] = (struct ext2_dh_block){ 0, 0 };     /* a hole: no room, no block */
	dh->nslots = nslots;
	dh->nblocks = nblocks;
	dh->lo = 0xFFFFFFFFu;
	dh->hi = 0;
	dh->used = dh->dead = 0;
	r = ext2_dir_walk(fs, dir, 0, build_fn, &b);
	if (r) {
		dh_free(fs, dh);
		return r < 0 ? r : -EIO;
	}
	dh->dir = dino;
	dh->size = dir->i_size;
	dh->first = dir->i_block[0];
	return 0;
}

struct ext2_dirhash *
ext2_dh_get(struct ext2_fs *fs, uint32_t dino, const struct ext2_inode *dir)
{
	uint32_t nblocks = (uint32_t)(((uint64_t)dir->i_size + fs->block_size - 1) >> fs->block_shift);
	struct ext2_dirhash *dh = NULL;

	if (!(fs->flags & EXT2_FS_DIRHASH) || (dir->i_flags & EXT2_INDEX_FL) ||
	    nblocks < DH_MIN_BLOCKS || nblocks > DH_MAX_BLOCKS)
		return NULL;
	for (unsigned i = 0; i < EXT2_DH_MAX; i++) {
		if (fs->dh[i].dir == dino) {
			dh = &fs->dh[i];
			/* Grown, or a new directory under a reused number: rebuild. */
			if (dh->size != dir->i_size || dh->first != dir->i_block[0]) {
				dh_free(fs, dh);
				break;
			}
			dh->used_at = ++fs->dh_clock;
			return dh;
		}
	}
	dh = &fs->dh[0];                                 /* a free one, else the oldest */
	for (unsigned i = 0; i < EXT2_DH_MAX; i++) {
		if (!fs->dh[i].dir) {
			dh = &fs->dh[i];
			break;
		}
		if (fs->dh[i].used_at < dh->used_at)
			dh = &fs->dh[i];
	}
	if (dh->dir)
		dh_free(fs, dh);
	if (dh_build(fs, dh, dino, dir, nblocks))
		return NULL;
	dh->used_at = ++fs->dh_clock;
	return dh;
}

/* Does the entry at (pblk, off) name name?  Its inode in *ino.  One small read. */
static int
dh_check(struct ext2_fs *fs, uint32_t pblk, uint32_t off, const char *name, size_t len,
	 uint32_t *ino)
{
	uint8_t raw[EXT2_DIRENT_HDR + EXT2_NAME_LEN];
	const struct ext2_dirent *de = (const struct ext2_dirent *)raw;
	int err;

	if (off > fs->block_size - EXT2_DIRENT_HDR - len)
		return 0;
	if ((err = ext2_bread_part(fs, pblk, off, EXT2_DIRENT_HDR + (uint32_t)len, raw)))
		return err;
	if (!ext2_name_is(de, name, len) || de->inode > fs->inodes_count ||
	    ext2_rec_len(fs, de) < EXT2_DIR_REC_LEN(len) || ext2_rec_len(fs, de) > fs->block_size - off)
		return 0;
	*ino = de->inode;
	return 1;
}

int
ext2_dh_find(struct ext2_fs *fs, struct ext2_dirhash *dh, const char *name, size_t len,
	     uint32_t *ino, struct ext2_dir_pos *pos)
{
	uint32_t h = dh_hash(name, len), i = h & (dh->nslots - 1);

	for (; dh->slot[i].pos != DH_EMPTY; i = (i + 1) & (dh->nslots - 1)) {
		uint32_t p = dh->slot[i].pos, lblk = p >> fs->block_shift;
		uint32_t off = p & (fs->block_size - 1);
		int r;

		if (p == DH_DEAD || dh->slot[i].hash != h || lblk >= dh->nblocks)
			continue;
		r = dh_check(fs, dh->blk[lblk].pblk, off, name, len, ino);
		if (r < 0)
			return r;
		if (r) {
			*pos = (struct ext2_dir_pos){ dh->blk[lblk].pblk, off, EXT2_PREV_UNKNOWN };
			return 1;
		}
	}
	return 0;
}

struct dh_room {
	uint32_t need, room, off;
	bool found;
};

static int
room_fn(struct ext2_fs *fs, struct ext2_dirwalk *w, void *arg)
{
	struct dh_room *r = arg;
	uint32_t room = entry_room(fs, w->de);

	if (room > r->room)
		r->room = room;
	if (!r->found && room >= r->need) {
		r->off = w->off;
		r->found = true;
	}
	return 0;
}

/* Walk one block: its room, and the first entry with room for need. */
static int
dh_walk_block(struct ext2_fs *fs, struct ext2_dirhash *dh, const struct ext2_inode *dir,
	      uint32_t lblk, struct dh_room *r)
{
	struct ext2_inode one = *dir;   /* the walk covers [lblk, lblk + 1) only */
	int err;

	one.i_size = (lblk + 1) << fs->block_shift;
	err = ext2_dir_walk(fs, &one, (uint64_t)lblk << fs->block_shift, room_fn, r);
	if (!err)
		dh->blk[lblk].room = r->room;
	return err;
}

int
ext2_dh_slot(struct ext2_fs *fs, struct ext2_dirhash *dh, const struct ext2_inode *dir, size_t len,
	     struct ext2_dir_slot *slot)
{
	uint32_t need = EXT2_DIR_REC_LEN(len);

	*slot = (struct ext2_dir_slot){ 0, 0, false };
	for (uint32_t lblk = 0; lblk < dh->nblocks; lblk++) {
		struct ext2_dh_block *b = &dh->blk[lblk];
		struct dh_room r = { need, 0, 0, false };
		int err;

		if (!b->pblk || (b->room != DH_ROOM_UNKNOWN && b->room < need))
			continue;
		if ((err = dh_walk_block(fs, dh, dir, lblk, &r)))
			return err;
		if (r.found) {
			*slot = (struct ext2_dir_slot){ b->pblk, r.off, true };
			return 0;
		}
	}
	return 0;
}

/* The index of dino, if it has one (no building). */
static struct ext2_dirhash *
dh_of(struct ext2_fs *fs, uint32_t dino)
{
	for (unsigned i = 0; i < EXT2_DH_MAX; i++)
		if (fs->dh[i].dir == dino && dino)
			return &fs->dh[i];
	return NULL;
}

void
ext2_dh_added(struct ext2_fs *fs, uint32_t dino, const char *name, size_t len, uint32_t pblk,
	      uint32_t off)
{
	struct ext2_dirhash *dh = dh_of(fs, dino);
	long lblk = dh ? dh_lblk(dh, pblk) : -1;

	if (!dh)
		return;
	if (lblk < 0 || dh_add(fs, dh, dh_hash(name, len), (uint32_t)lblk * fs->block_size + off)) {
		dh_free(fs, dh);        /* a new block, or no memory: build anew next time */
		return;
	}
	dh->blk[lblk].room = DH_ROOM_UNKNOWN;
}

void
ext2_dh_removed(struct ext2_fs *fs, uint32_t dino, const char *name, size_t len, uint32_t pblk,
		uint32_t off)
{
	struct ext2_dirhash *dh = dh_of(fs, dino);
	long lblk = dh ? dh_lblk(dh, pblk) : -1;
	uint32_t h, i, pos;

	if (!dh)
		return;
	if (lblk < 0) {
		dh_free(fs, dh);
		return;
	}
	h = dh_hash(name, len);
	pos = (uint32_t)lblk * fs->block_size + off;
	for (i = h & (dh->nslots - 1); dh->slot[i].pos != DH_EMPTY; i = (i + 1) & (dh->nslots - 1)) {
		if (dh->slot[i].pos == pos && dh->slot[i].hash == h) {
			dh->slot[i].pos = DH_DEAD;
			dh->used--;
			dh->dead++;
			dh->blk[lblk].room = DH_ROOM_UNKNOWN;
			return;
		}
	}
	dh_free(fs, dh);                /* not where the index said: it cannot be trusted */
}
