// SPDX-License-Identifier: MIT
/*
 * rename: move a name within a directory or between directories, possibly
 * replacing an existing name.
 *
 * Write order (soft updates' third rule: never reset the old pointer to a
 * live resource before the new pointer has been set):
 *
 *   1. moving a directory to a new parent: new parent's count +1 (for the
 *      ".." it will get)
 *   2. the moved inode's count +1 (it is about to have two names)
 *   3. the new name: a new entry, or the replaced entry re-pointed in place
 *   4. the old name removed
 *   5. the moved inode's count -1
 *   6. a moved directory: its ".." re-pointed, then the old parent's
 *      count -1
 *   7. a replaced inode loses its link (a replaced directory loses its
 *      blocks, then the new parent's count for its ".."), and is freed or
 *      handed back as an orphan
 *
 * A crash between any two steps leaves the object reachable by at least
 * one name with a link count at least as high as its references; e2fsck
 * fixes the rest (a doubled name or a count too high), nothing is lost.
 * Moving across file systems (EXDEV) is the VFS's business.
 */
#include "fs/ext2/internal.h"
#include "lib/string.h"

#define EXT2_MAX_DEPTH 4096  /* ".." steps before we call the tree a loop */

struct rename {
	uint32_t odir, ndir, ino, tino;
	const char *oname, *nname;
	size_t olen, nlen;
	struct ext2_inode odin, ndin_own, src, tgt;
	struct ext2_inode *ndin;       /* &odin when both directories are one */
	bool isdir, cross;
};

/* EINVAL if dir is src or lies below it: a directory cannot move into itself. */
static int
check_not_below(struct ext2_fs *fs, uint32_t src, uint32_t dir)
{
	struct ext2_inode in;
	uint32_t cur = dir, parent;
	int err;

	for (int steps = 0; steps < EXT2_MAX_DEPTH; steps++) {
		if (cur == src)
			return -EINVAL;
		if (cur == EXT2_ROOT_INO)
			return 0;
		if ((err = ext2_read_dir_inode(fs, cur, &in)) ||
		    (err = ext2_dir_find(fs, &in, "..", 2, &parent, NULL)))
			return err == -ENOENT || err == -ENOTDIR ? ext2_corrupt(fs, "broken '..'") : err;
		if (parent == cur)
			return ext2_corrupt(fs, "directory '..' points at itself");
		cur = parent;
	}
	return ext2_corrupt(fs, "'..' chain too long (a directory loop)");
}

/* The replaced name, if any: it must be compatible with the source. */
static int
check_target(struct ext2_fs *fs, struct rename *r)
{
	int err = ext2_dir_find(fs, r->ndin, r->nname, r->nlen, &r->tino, NULL);

	if (err == -ENOENT) {
		r->tino = 0;
		if (r->isdir && r->cross && r->ndin->i_links_count >= EXT2_LINK_MAX)
			return -EMLINK;
		return 0;
	}
	if (err || r->tino == r->ino)
		return err;
	if (r->tino == r->ndir || r->tino == r->odir)
		return ext2_corrupt(fs, "directory entry names its own directory");
	if ((err = ext2_inode_read(fs, r->tino, &r->tgt)))
		return err;
	if (r->isdir != EXT2_S_ISDIR(r->tgt.i_mode))
		return r->isdir ? -ENOTDIR : -EISDIR;
	return r->isdir ? ext2_dir_empty(fs, &r->tgt) : 0;
}

static int
prepare(struct ext2_fs *fs, struct rename *r)
{
	int err;

	if (ext2_is_dots(r->oname, r->olen) || ext2_is_dots(r->nname, r->nlen))
		return -EINVAL;
	if ((err = ext2_check_writable(fs)) || (err = ext2_check_name(r->nname, r->nlen)))
		return err;
	if (r->olen > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	if ((err = ext2_read_dir_inode(fs, r->odir, &r->odin)) ||
	    (err = ext2_dir_find(fs, &r->odin, r->oname, r->olen, &r->ino, NULL)) ||
	    (err = ext2_inode_read(fs, r->ino, &r->src)))
		return err;
	if (r->ino == r->odir)
		return ext2_corrupt(fs, "directory entry names its own directory");
	r->isdir = EXT2_S_ISDIR(r->src.i_mode);
	r->cross = r->odir != r->ndir;
	r->ndin = &r->odin;
	if (r->cross) {
		r->ndin = &r->ndin_own;
		if ((err = ext2_read_dir_inode(fs, r->ndir, r->ndin)))
			return err;
		if (r->ndin->i_links_count == 0)
			return -ENOENT;
		if (r->isdir && (err = check_not_below(fs, r->ino, r->ndir)))
			return err;
	}
	return check_target(fs, r);
}

/* Steps 1 to 5: the name moves; the moved inode is never without one. */
static int
move_name(struct ext2_fs *fs, struct rename *r)
{
	unsigned ft = ext2_mode_to_ft(r->src.i_mode);
	uint32_t now = ext2_now(fs);
	int err;

	if (r->isdir && r->cross) {
		r->ndin->i_links_count++;
		if ((err = ext2_inode_store(fs, r->ndir, r->ndin, false)))
			return err;
	}
	r->src.i_links_count++;
	if ((err = ext2_inode_store(fs, r->ino, &r->src, false)))
		return err;
	if (r->tino)
		err = ext2_dir_retarget(fs, r->ndin, r->nname, r->nlen, r->ino, ft);
	else
		err = ext2_dir_add(fs, r->ndir, r->ndin, r->nname, r->nlen, r->ino, ft);
	if (err)
		return err;
	r->ndin->i_mtime = r->ndin->i_ctime = now;
	if ((err = ext2_inode_store(fs, r->ndir, r->ndin, false)) ||
	    (err = ext2_dir_remove(fs, r->odir, &r->odin, r->oname, r->olen, r->ino)))
		return err;
	r->odin.i_mtime = r->odin.i_ctime = now;
	if ((err = ext2_inode_store(fs, r->odir, &r->odin, false)))
		return err;
	r->src.i_links_count--;
	r->src.i_ctime = now;
	return ext2_inode_store(fs, r->ino, &r->src, false);
}

/* Step 6: a directory that changed parents gets its ".." re-pointed. */
static int
move_dotdot(struct ext2_fs *fs, struct rename *r)
{
	int err;

	if (!r->isdir || !r->cross)
		return 0;
	if ((err = ext2_dir_retarget(fs, &r->src, "..", 2, r->ndir, EXT2_FT_DIR)))
		return err;
	if (r->odin.i_links_count > 2)
		r->odin.i_links_count--;
	return ext2_inode_store(fs, r->odir, &r->odin, false);
}

int
ext2_rename(struct ext2_fs *fs, uint32_t odir, const char *oname, size_t olen, uint32_t ndir,
	    const char *nname, size_t nlen, uint32_t *orphan)
{
	struct rename r;
	int err;

	if (orphan)
		*orphan = 0;
	memset(&r, 0, sizeof(r));
	r.odir = odir;
	r.ndir = ndir;
	r.oname = oname;
	r.olen = olen;
	r.nname = nname;
	r.nlen = nlen;
	if ((err = prepare(fs, &r)) || r.tino == r.ino)
		return err;      /* two names of one inode: nothing to do */
	if ((err = move_name(fs, &r)) || (err = move_dotdot(fs, &r)))
		return err;
	if (r.tino && r.isdir)
		err = ext2_drop_dir(fs, r.tino, &r.tgt, r.ndir, r.ndin, orphan);
	else if (r.tino)
		err = ext2_drop_link(fs, r.tino, &r.tgt, orphan);
	return err;
}

/*
 * RENAME_EXCHANGE, in the same spirit: every count goes up before the
 * reference it counts appears and down only after it is gone.
 *
 *   1. a directory parent that gains a subdirectory: count +1
 *   2. both inodes' counts +1 (each is about to be named twice)
 *   3. the new name re-pointed at the source, then the old at the target
 *   4. both counts -1
 *   5. directories that changed parents: ".." re-pointed; then a parent
 *      that lost a subdirectory: count -1
 */
struct xchg {
	uint32_t dir[2], ino[2];       /* [0]: the old name's side, [1]: the new name's */
	struct ext2_inode din[2], in[2];
	bool isdir[2];
};

static int
xchg_prepare(struct ext2_fs *fs, struct xchg *x, const char *const name[2], const size_t len[2])
{
	int err;

	if ((err = ext2_check_writable(fs)))
		return err;
	for (int i = 0; i < 2; i++) {
		if (ext2_is_dots(name[i], len[i]))
			return -EINVAL;
		if (len[i] > EXT2_NAME_LEN)
			return -ENAMETOOLONG;
		if ((err = ext2_read_dir_inode(fs, x->dir[i], &x->din[i])) ||
		    (err = ext2_dir_find(fs, &x->din[i], name[i], len[i], &x->ino[i], NULL)) ||
		    (err = ext2_inode_read(fs, x->ino[i], &x->in[i])))
			return err;
		if (x->ino[i] == x->dir[i])
			return ext2_corrupt(fs, "directory entry names its own directory");
		if (x->ino[i] == x->dir[1 - i])
			return -EINVAL;         /* it would move below itself */
		x->isdir[i] = EXT2_S_ISDIR(x->in[i].i_mode);
	}
	if (x->dir[0] == x->dir[1] || x->ino[0] == x->ino[1])
		return 0;
	/* A directory cannot go below itself. */
	for (int i = 0; i < 2; i++)
		if (x->isdir[i] && (err = check_not_below(fs, x->ino[i], x->dir[1 - i])))
			return err;
	return 0;
}

/* Add delta to the link count of inode ino (in), writing it. */
static int
count_add(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *in, int delta)
{
	in->i_links_count = (uint16_t)(in->i_links_count + delta);
	in->i_ctime = ext2_now(fs);
	return ext2_inode_store(fs, ino, in, false);
}

/* The directory side i gains (+1) or loses (-1) a subdirectory's "..". */
static int
parent_delta(struct xchg *x, int i)
{
	return (x->isdir[1 - i] ? 1 : 0) - (x->isdir[i] ? 1 : 0);
}

static int
xchg_do(struct ext2_fs *fs, struct xchg *x, const char *const name[2], const size_t len[2])
{
	bool cross = x->dir[0] != x->dir[1];
	int err = 0;

	for (int i = 0; i < 2 && cross && !err; i++)
		if (parent_delta(x, i) > 0)
			err = count_add(fs, x->dir[i], &x->din[i], 1);
	for (int i = 0; i < 2 && !err; i++)
		err = count_add(fs, x->ino[i], &x->in[i], 1);
	for (int i = 1; i >= 0 && !err; i--)
		err = ext2_dir_retarget(fs, &x->din[i], name[i], len[i], x->ino[1 - i],
					ext2_mode_to_ft(x->in[1 - i].i_mode));
	for (int i = 0; i < 2 && !err; i++)
		err = count_add(fs, x->ino[i], &x->in[i], -1);
	for (int i = 0; i < 2 && cross && !err; i++)
		if (x->isdir[i])
			err = ext2_dir_retarget(fs, &x->in[i], "..", 2, x->dir[1 - i], EXT2_FT_DIR);
	for (int i = 0; i < 2 && !err; i++) {
		x->din[i].i_mtime = ext2_now(fs);
		err = count_add(fs, x->dir[i], &x->din[i], cross ? MIN(parent_delta(x, i), 0) : 0);
	}
	return err;
}

int
ext2_exchange(struct ext2_fs *fs, uint32_t odir, const char *oname, size_t olen, uint32_t ndir,
	      const char *nname, size_t nlen)
{
	const char *name[2] = { oname, nname };
	const size_t len[2] = { olen, nlen };
	struct xchg x;
	int err;

	memset(&x, 0, sizeof(x));
	x.dir[0] = odir;
	x.dir[1] = ndir;
	if ((err = xchg_prepare(fs, &x, name, len)) || x.ino[0] == x.ino[1])
		return err;
	return xchg_do(fs, &x, name, len);
}
