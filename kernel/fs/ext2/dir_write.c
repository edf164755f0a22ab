// SPDX-License-Identifier: MIT
/*
 * Changing directories: adding, removing and re-pointing entries, making
 * the first block of a new directory, and checking that one is empty.
 *
 *   add      reuse the first entry with room: an unused entry, or the
 *            slack after a live entry's name (the entry is split); with no
 *            room anywhere, append a new block holding just the new entry.
 *   remove   merge the entry into the one before it (the previous rec_len
 *            grows over it); the first entry of a block just gets inode 0.
 *   retarget change the inode an existing name points at, in place (one
 *            block write, so the name never points at nothing).
 *
 * Directories are never shrunk: emptied blocks stay, ready for reuse.
 *
 * Keel does not maintain htree indexes.  Before changing the names of an
 * indexed directory it clears EXT2_INDEX_FL and writes the inode; from
 * then on it is a plain linear directory (every block is still a valid
 * entry block, see dir.c), which e2fsck accepts and e2fsck -D can index.
 */
#include "fs/ext2/internal.h"
#include "lib/string.h"

bool
ext2_is_dots(const char *name, size_t len)
{
	return (len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.');
}

int
ext2_check_name(const char *name, size_t len)
{
	if (len == 0)
		return -ENOENT;
	if (len > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	if (memchr(name, '/', len) || memchr(name, '\0', len))
		return -EINVAL;
	if (ext2_is_dots(name, len))
		return -EEXIST;
	return 0;
}

/* Forget the htree index (written first, before any entry block changes). */
static int
unindex(struct ext2_fs *fs, uint32_t dino, struct ext2_inode *dir)
{
	if (!(dir->i_flags & EXT2_INDEX_FL))
		return 0;
	dir->i_flags &= ~EXT2_INDEX_FL;
	return ext2_inode_store(fs, dino, dir, false);
}

static void
fill_entry(struct ext2_fs *fs, struct ext2_dirent *de, const char *name, size_t len,
	   uint32_t ino, unsigned ft)
{
	de->inode = ino;
	de->name_len = (uint8_t)len;
	de->file_type = (fs->flags & EXT2_FS_FILETYPE) ? (uint8_t)ft : 0;
	memcpy(de->name, name, len);
	memset(de->name + len, 0, EXT2_DIR_REC_LEN(len) - EXT2_DIRENT_HDR - len);
}

struct slot {
	const char *name;
	size_t len;
	uint32_t ino;
	unsigned ft;
	uint32_t pblk, off;             /* out: where the entry went or was */
};

/* The bytes of a block a change touched: [lo, hi). */
struct span {
	uint32_t lo, hi;
};

/*
 * Write a changed directory block, announced so the name index (which the
 * caller tells of the change) stays.  sp: only those bytes changed, and
 * the write needs deps first (NULL: every earlier write); NULL: the block.
 */
static int
write_dir_block(struct ext2_fs *fs, uint32_t pblk, const uint8_t *block, const struct span *sp,
		const struct ext2_deps *deps)
{
	int err;

	fs->dh_expect = pblk;
	err = sp ? ext2_bwrite_part(fs, pblk, sp->lo, sp->hi - sp->lo, block + sp->lo, false, deps) :
		   ext2_bwrite(fs, pblk, block);
	fs->dh_expect = 0;
	return err;
}

/* The bytes of de's record its own entry uses (none if it is unused). */
static uint32_t
used_len(const struct ext2_dirent *de)
{
	return de->inode ? EXT2_DIR_REC_LEN(de->name_len) : 0;
}

/* Room for an entry of name length len in de (after its own name, if live)? */
static bool
fits(const struct ext2_fs *fs, const struct ext2_dirent *de, size_t len)
{
	return ext2_rec_len(fs, de) - used_len(de) >= EXT2_DIR_REC_LEN(len);
}

/* Put s's entry into de at offset off of block (it fits), splitting a live entry. */
static void
put_entry(struct ext2_fs *fs, uint8_t *block, uint32_t off, const struct slot *s)
{
	struct ext2_dirent *de = (struct ext2_dirent *)(block + off);
	uint32_t rec = ext2_rec_len(fs, de), used = used_len(de);

	if (used) {
		ext2_set_rec_len(fs, de, used);
		de = (struct ext2_dirent *)(block + off + used);
		ext2_set_rec_len(fs, de, rec - used);
	}
	fill_entry(fs, de, s->name, s->len, s->ino, s->ft);
}

static int
slot_fn(struct ext2_fs *fs, struct ext2_dirwalk *w, void *arg)
{
	struct slot *s = arg;
	int err;

	if (!fits(fs, w->de, s->len))
		return 0;
	s->pblk = w->pblk;
	s->off = w->off + used_len(w->de);
	put_entry(fs, w->block, w->off, s);
	err = write_dir_block(fs, w->pblk, w->block, NULL, NULL);
	return err ? err : 1;
}

struct hint_walk {
	const char *name;
	size_t len;
	struct ext2_dir_hint *h;
};

static int
hint_fn(struct ext2_fs *fs, struct ext2_dirwalk *w, void *arg)
{
	struct hint_walk *hw = arg;
	struct ext2_dir_hint *h = hw->h;

	if (ext2_name_is(w->de, hw->name, hw->len)) {
		h->ino = w->de->inode;
		h->pos = (struct ext2_dir_pos){ w->pblk, w->off, w->prev };
		return 1;
	}
	if (!h->slot.found && fits(fs, w->de, hw->len))
		h->slot = (struct ext2_dir_slot){ w->pblk, w->off, true };
	return 0;
}

/*
 * What the create's and the lookup's walks below learn, from dir's name
 * index if it has one: 1 (name found: *ino, *pos), 0 (absent: *slot), or
 * -errno; -EAGAIN when there is no index, and the walk must answer.
 */
static int
probe_index(struct ext2_fs *fs, uint32_t dino, const struct ext2_inode *dir, const char *name,
	    size_t len, uint32_t *ino, struct ext2_dir_pos *pos, struct ext2_dir_slot *slot)
{
	struct ext2_dirhash *dh = ext2_dh_get(fs, dino, dir);
	int r;

	if (!dh)
		return -EAGAIN;
	if ((r = ext2_dh_find(fs, dh, name, len, ino, pos)) != 0)
		return r;
	r = ext2_dh_slot(fs, dh, dir, len, slot);
	return r < 0 ? r : 0;
}

/*
 * One walk for a create: is name free, and where would it go?  The whole
 * directory is read (the name may be anywhere), so finding the slot costs
 * nothing more; a directory with a name index answers from it instead.
 * => 0 with *slot filled in, -EEXIST, or -errno.
 */
int
ext2_dir_probe(struct ext2_fs *fs, uint32_t dino, const struct ext2_inode *dir, const char *name,
	       size_t len, struct ext2_dir_slot *slot)
{
	struct ext2_dir_hint h = { 0 };
	struct hint_walk hw = { name, len, &h };
	int r = probe_index(fs, dino, dir, name, len, &h.ino, &h.pos, slot);

	if (r != -EAGAIN)
		return r > 0 ? -EEXIST : r;
	r = ext2_dir_walk(fs, dir, 0, hint_fn, &hw);

	if (r < 0)
		return r;
	if (r)
		return -EEXIST;
	*slot = h.slot;
	return 0;
}

/*
 * A lookup's one walk, done so that a create or unlink of the same name
 * right after it need not walk again: it stops at the name, or reads the
 * whole directory and notes the first entry with room for it.
 */
int
ext2_lookup_hint(struct ext2_fs *fs, uint32_t dir, const char *name, size_t len, uint32_t *ino,
		 struct ext2_dir_hint *hint)
{
	struct ext2_inode in;
	struct hint_walk hw = { name, len, hint };
	int r;

	memset(hint, 0, sizeof(*hint));
	if (len == 0)
		return -ENOENT;
	if (len > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	if ((r = ext2_read_dir_inode(fs, dir, &in)))
		return r;
	r = probe_index(fs, dir, &in, name, len, &hint->ino, &hint->pos, &hint->slot);
	if (r == -EAGAIN)
		r = ext2_dir_walk(fs, &in, 0, hint_fn, &hw);
	if (r < 0)
		return r;
	hint->dir = dir;
	if (!r)
		return -ENOENT;
	*ino = hint->ino;
	return 0;
}

/* A new last block holding only the entry. */
static int
add_block(struct ext2_fs *fs, uint32_t dino, struct ext2_inode *dir, const struct slot *s)
{
	uint32_t lblk = (uint32_t)(((uint64_t)dir->i_size + fs->block_size - 1) >> fs->block_shift);
	struct ext2_dirent *de;
	uint32_t pblk;
	int err;

	if (((uint64_t)lblk + 1) << fs->block_shift > 0x7FFFFFFF)
		return -ENOSPC;
	ext2_dh_forget(fs, dino);       /* it grows: the index is built anew */
	if (!(de = ext2_buf_get(fs)))
		return -ENOMEM;
	memset(de, 0, fs->block_size);
	ext2_set_rec_len(fs, de, fs->block_size);
	fill_entry(fs, de, s->name, s->len, s->ino, s->ft);
	err = ext2_block_append(fs, dino, dir, lblk, de, &pblk);
	if (!err)
		dir->i_size = (lblk + 1) << fs->block_shift;
	ext2_free(fs, de);
	return err;
}

/*
 * Add name -> ino.  The caller has checked the name is new and has written
 * the inode it names; the caller also writes *dir (size, block map) after.
 */
int
ext2_dir_add(struct ext2_fs *fs, uint32_t dino, struct ext2_inode *dir, const char *name,
	     size_t len, uint32_t ino, unsigned ft)
{
	struct slot s = { name, len, ino, ft, 0, 0 };
	int r;

	if ((r = unindex(fs, dino, dir)))
		return r;
	r = ext2_dir_walk(fs, dir, 0, slot_fn, &s);
	if (r < 0)
		return r;
	if (r)
		ext2_dh_added(fs, dino, name, len, s.pblk, s.off);
	return r ? 0 : add_block(fs, dino, dir, &s);
}

/*
 * The _at variants below change one entry a walk found earlier in the same
 * library call, without walking again.  change() looks at the block once
 * more and edits it, or says the entry is not as found (false).  The write
 * needs deps on the disk first (NULL: every earlier write).
 * => 0, -errno, or 1 when nothing was written and the full walk must decide.
 */
typedef bool (*edit_fn)(struct ext2_fs *fs, uint8_t *block, const void *arg, struct span *sp);

static int
edit_at(struct ext2_fs *fs, uint32_t pblk, edit_fn change, const void *arg,
	const struct ext2_deps *deps)
{
	uint8_t *block = ext2_buf_get(fs);
	int r;

	if (!block)
		return -ENOMEM;
	if ((r = ext2_bread(fs, pblk, block)) == 0) {
		struct span sp;

		r = change(fs, block, arg, &sp) ? write_dir_block(fs, pblk, block, &sp, deps) : 1;
	}
	ext2_free(fs, block);
	return r;
}

struct add_at {
	const struct ext2_dir_slot *slot;
	struct slot s;
	uint32_t *at;                   /* out: the new entry's offset */
};

/*
 * Does the block's chain of entries, rec_len after rec_len from offset 0,
 * reach off?  An entry taken out leaves its bytes behind inside its
 * neighbour's step, so a sound entry at off proves nothing by itself.
 */
static bool
on_chain(struct ext2_fs *fs, const uint8_t *block, uint32_t off)
{
	uint32_t at = 0;

	while (at < off && ext2_dirent_check(fs, block, at) == 0)
		at += ext2_rec_len(fs, (const struct ext2_dirent *)(block + at));
	return at == off;
}

static bool
add_change(struct ext2_fs *fs, uint8_t *block, const void *arg, struct span *sp)
{
	const struct add_at *a = arg;
	uint32_t off = a->slot->off;

	if (!on_chain(fs, block, off) || ext2_dirent_check(fs, block, off) ||
	    !fits(fs, (const struct ext2_dirent *)(block + off), a->s.len))
		return false;
	/* The split entry's header, and the new entry after its name. */
	*a->at = off + used_len((const struct ext2_dirent *)(block + off));
	*sp = (struct span){ off, *a->at + EXT2_DIR_REC_LEN(a->s.len) };
	put_entry(fs, block, off, &a->s);
	return true;
}

/*
 * ext2_dir_add at the slot ext2_dir_probe found, with no directory change in
 * between.  Found in place, the entry's write needs only deps (NULL: every
 * earlier write); any other way it goes after everything.
 */
int
ext2_dir_add_at(struct ext2_fs *fs, uint32_t dino, struct ext2_inode *dir,
		const struct ext2_dir_slot *slot, const char *name, size_t len, uint32_t ino,
		unsigned ft, const struct ext2_deps *deps)
{
	uint32_t at = 0;
	struct add_at a = { slot, { name, len, ino, ft, 0, 0 }, &at };
	int r;

	if (dir->i_flags & EXT2_INDEX_FL)
		return ext2_dir_add(fs, dino, dir, name, len, ino, ft);    /* unindexes first */
	if (!slot->found)
		return add_block(fs, dino, dir, &a.s);
	r = edit_at(fs, slot->pblk, add_change, &a, deps);
	if (r == 0)
		ext2_dh_added(fs, dino, name, len, slot->pblk, at);
	return r == 1 ? ext2_dir_add(fs, dino, dir, name, len, ino, ft) : r;
}

/*
 * Take the entry at off out of block: merged into the one at prev, or
 * emptied.  => the header it changed.
 */
static struct span
take_entry(struct ext2_fs *fs, uint8_t *block, uint32_t off, uint32_t prev)
{
	struct ext2_dirent *de = (struct ext2_dirent *)(block + off);

	if (prev == EXT2_NO_PREV) {
		de->inode = 0;
		return (struct span){ off, off + EXT2_DIRENT_HDR };
	} else {
		struct ext2_dirent *p = (struct ext2_dirent *)(block + prev);

		ext2_set_rec_len(fs, p, ext2_rec_len(fs, p) + ext2_rec_len(fs, de));
		return (struct span){ prev, prev + EXT2_DIRENT_HDR };
	}
}

static int
remove_fn(struct ext2_fs *fs, struct ext2_dirwalk *w, void *arg)
{
	struct slot *s = arg;
	int err;

	if (!ext2_name_is(w->de, s->name, s->len) || w->de->inode != s->ino)
		return 0;
	s->pblk = w->pblk;
	s->off = w->off;
	(void)take_entry(fs, w->block, w->off, w->prev);
	err = write_dir_block(fs, w->pblk, w->block, NULL, NULL);
	return err ? err : 1;
}

struct remove_at {
	const struct ext2_dir_pos *pos;
	struct slot s;
};

/*
 * The entry before off on the block's chain (EXT2_NO_PREV for the first),
 * for a position from the name index, which does not keep it.  => false
 * if the chain does not reach off.
 */
static bool
chain_prev(struct ext2_fs *fs, const uint8_t *block, uint32_t off, uint32_t *prev)
{
	uint32_t at = 0;

	*prev = EXT2_NO_PREV;
	while (at < off && ext2_dirent_check(fs, block, at) == 0) {
		*prev = at;
		at += ext2_rec_len(fs, (const struct ext2_dirent *)(block + at));
	}
	return at == off;
}

/* Still name -> ino at pos, with pos->prev just before it?  Then take it out. */
static bool
remove_change(struct ext2_fs *fs, uint8_t *block, const void *arg, struct span *sp)
{
	const struct remove_at *a = arg;
	const struct ext2_dir_pos *pos = a->pos;
	const struct ext2_dirent *de = (const struct ext2_dirent *)(block + pos->off);
	uint32_t prev = pos->prev;

	if (ext2_dirent_check(fs, block, pos->off) || !ext2_name_is(de, a->s.name, a->s.len) ||
	    de->inode != a->s.ino)
		return false;
	if (prev == EXT2_PREV_UNKNOWN && !chain_prev(fs, block, pos->off, &prev))
		return false;
	if (prev != EXT2_NO_PREV &&
	    (prev >= pos->off || ext2_dirent_check(fs, block, prev) ||
	     prev + ext2_rec_len(fs, (const struct ext2_dirent *)(block + prev)) != pos->off))
		return false;
	*sp = take_entry(fs, block, pos->off, prev);
	return true;
}

/*
 * ext2_dir_remove of the entry ext2_dir_find_pos found, with no directory
 * change in between.  Taking a name out needs nothing on the disk first.
 * *wrote is the block written when that was the only write, else 0 (the
 * caller's next write must then go after everything).
 */
int
ext2_dir_remove_at(struct ext2_fs *fs, uint32_t dino, struct ext2_inode *dir,
		   const struct ext2_dir_pos *pos, const char *name, size_t len, uint32_t ino,
		   uint32_t *wrote)
{
	static const struct ext2_deps none = { 0 };
	struct remove_at a = { pos, { name, len, ino, 0, 0, 0 } };
	int r;

	*wrote = 0;
	if (dir->i_flags & EXT2_INDEX_FL)
		return ext2_dir_remove(fs, dino, dir, name, len, ino);     /* unindexes first */
	r = edit_at(fs, pos->pblk, remove_change, &a, &none);
	if (r == 0) {
		*wrote = pos->pblk;
		ext2_dh_removed(fs, dino, name, len, pos->pblk, pos->off);
	}
	return r == 1 ? ext2_dir_remove(fs, dino, dir, name, len, ino) : r;
}

/* Remove the entry name, which must point at ino. */
int
ext2_dir_remove(struct ext2_fs *fs, uint32_t dino, struct ext2_inode *dir, const char *name,
		size_t len, uint32_t ino)
{
	struct slot s = { name, len, ino, 0, 0, 0 };
	int r;

	if ((r = unindex(fs, dino, dir)))
		return r;
	r = ext2_dir_walk(fs, dir, 0, remove_fn, &s);
	if (r < 0)
		return r;
	if (r)
		ext2_dh_removed(fs, dino, name, len, s.pblk, s.off);
	return r ? 0 : -ENOENT;
}

static int
retarget_fn(struct ext2_fs *fs, struct ext2_dirwalk *w, void *arg)
{
	struct slot *s = arg;
	int err;

	if (!ext2_name_is(w->de, s->name, s->len))
		return 0;
	w->de->inode = s->ino;
	if (fs->flags & EXT2_FS_FILETYPE)
		w->de->file_type = (uint8_t)s->ft;
	err = write_dir_block(fs, w->pblk, w->block, NULL, NULL);   /* the name stays put */
	return err ? err : 1;
}

int
ext2_dir_retarget(struct ext2_fs *fs, const struct ext2_inode *dir, const char *name,
		  size_t len, uint32_t ino, unsigned ft)
{
	struct slot s = { name, len, ino, ft, 0, 0 };
	int r = ext2_dir_walk(fs, dir, 0, retarget_fn, &s);

	if (r < 0)
		return r;
	return r ? 0 : -ENOENT;
}

static int
nonempty_fn(struct ext2_fs *fs, struct ext2_dirwalk *w, void *arg)
{
	const struct ext2_dirent *de = w->de;

	return de->inode && !ext2_is_dots(de->name, de->name_len);
}

/* 0 if dir holds nothing but "." and "..", else -ENOTEMPTY. */
int
ext2_dir_empty(struct ext2_fs *fs, const struct ext2_inode *dir)
{
	int r = ext2_dir_walk(fs, dir, 0, nonempty_fn, NULL);

	if (r < 0)
		return r;
	return r ? -ENOTEMPTY : 0;
}

/* Give the new directory ino its first block: "." and "..". */
int
ext2_dir_init(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in, uint32_t parent)
{
	uint8_t *buf = ext2_buf_get(fs);
	struct ext2_dirent *dot, *dotdot;
	uint32_t pblk;
	int err;

	if (!buf)
		return -ENOMEM;
	memset(buf, 0, fs->block_size);
	dot = (struct ext2_dirent *)buf;
	fill_entry(fs, dot, ".", 1, ino, EXT2_FT_DIR);
	ext2_set_rec_len(fs, dot, EXT2_DIR_REC_LEN(1));
	dotdot = (struct ext2_dirent *)(buf + EXT2_DIR_REC_LEN(1));
	fill_entry(fs, dotdot, "..", 2, parent, EXT2_FT_DIR);
	ext2_set_rec_len(fs, dotdot, fs->block_size - EXT2_DIR_REC_LEN(1));
	err = ext2_block_append(fs, ino, in, 0, buf, &pblk);
	if (!err)
		in->i_size = fs->block_size;
	ext2_free(fs, buf);
	return err;
}
