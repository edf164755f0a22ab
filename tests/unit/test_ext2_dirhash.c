// SPDX-License-Identifier: MIT
// ext2's in-memory name index of big directories (kernel/fs/ext2/dirhash.c):
// it must answer as the walk does, after every kind of change, and never
// survive a change it was not told of.
// UNIT_SRCS: tests/unit/ext2_host.c kernel/fs/ext2/super.c kernel/fs/ext2/inode.c kernel/fs/ext2/bmap.c kernel/fs/ext2/dir.c kernel/fs/ext2/dirhash.c kernel/fs/ext2/path.c kernel/fs/ext2/file.c kernel/fs/ext2/mount.c kernel/fs/ext2/alloc.c kernel/fs/ext2/map_write.c kernel/fs/ext2/truncate.c kernel/fs/ext2/write.c kernel/fs/ext2/dir_write.c kernel/fs/ext2/namei.c kernel/fs/ext2/rename.c
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "ext2_host.h"
#include "fs/ext2/internal.h"

#define ROOT  EXT2_ROOT_INO
#define NAMES 900

/* Names of several lengths, so entries of several sizes share the blocks. */
static void
name_of(char *buf, size_t size, int i)
{
	static const char *tails[] = { "", "-x", "-longer-name", "-a-much-longer-name-still" };

	snprintf(buf, size, "n%04d%s", i, tails[i % 4]);
}

/* The index (ext2_lookup_hint) and the walk (ext2_lookup) agree on name i. */
static bool
agree(struct ext2_fs *fs, uint32_t dir, int i, uint32_t *ino)
{
	struct ext2_dir_hint h;
	uint32_t a = 0, b = 0;
	char name[64];
	int ra, rb;

	name_of(name, sizeof(name), i);
	ra = ext2_lookup_hint(fs, dir, name, strlen(name), &a, &h);
	rb = ext2_lookup(fs, dir, name, strlen(name), &b);
	if (ra != rb || a != b) {
		printf("  %s: index says %d (ino %u), walk says %d (ino %u)\n", name, ra, a, rb, b);
		return false;
	}
	*ino = a;
	return true;
}

static uint32_t
dir_size(struct ext2_fs *fs, uint32_t dir)
{
	struct ext2_inode in;

	CHECK_EQ(ext2_inode_read(fs, dir, &in), 0);
	return in.i_size;
}

/*
 * 900 names in 1 KiB blocks; a third removed, new names in their room,
 * renames within and out of the directory: after each round every name
 * the test ever used is looked up both ways.  A lookup of an absent name
 * reads one directory block, not all of them, and refilling the room the
 * removals left does not grow the directory.
 */
TEST(index_answers_as_the_walk_does)
{
	const char *img = eh_path("dirhash.img");
	struct eh_disk d;
	struct ext2_fs *fs;
	struct ext2_dir_hint h;
	uint32_t dir, other, ino, size, nblocks;
	unsigned long reads;
	char name[64], to[64];

	CHECK_EQ(eh_mkfs(img, 1024, 16384, NULL, "-N 4096"), 0);
	fs = eh_mount(&d, img, 0);
	CHECK_EQ(eh_mkdir(fs, ROOT, "d", &dir), 0);
	CHECK_EQ(eh_mkdir(fs, ROOT, "o", &other), 0);
	for (int i = 0; i < NAMES; i++) {
		name_of(name, sizeof(name), i);
		CHECK_EQ(eh_create(fs, dir, name, 0644, &ino), 0);
	}
	for (int i = 0; i < NAMES + 10; i++)
		CHECK(agree(fs, dir, i, &ino) && (i < NAMES) == (ino != 0));
	nblocks = dir_size(fs, dir) / 1024;
	CHECK(nblocks > 20);
	/*
	 * Absent: the directory's inode, the one block with room (for the
	 * create's slot) and its indirect block; the walk reads every block.
	 */
	reads = d.reads;
	CHECK_EQ(ext2_lookup_hint(fs, dir, "absent", 6, &ino, &h), -ENOENT);
	CHECK(d.reads - reads <= 4);
	CHECK(h.slot.found);
	reads = d.reads;
	CHECK_EQ(ext2_lookup(fs, dir, "absent", 6, &ino), -ENOENT);
	CHECK(d.reads - reads >= nblocks);
	for (int i = 0; i < NAMES; i += 3) {
		name_of(name, sizeof(name), i);
		CHECK_EQ(ext2_unlink(fs, dir, name, strlen(name), NULL), 0);
	}
	size = dir_size(fs, dir);
	for (int i = 0; i < NAMES; i += 3) {     /* the same names back, in the room left */
		name_of(name, sizeof(name), i);
		CHECK_EQ(eh_create(fs, dir, name, 0644, &ino), 0);
	}
	CHECK_EQ(dir_size(fs, dir), size);
	for (int i = 1; i < NAMES; i += 7) {     /* within, and out of, the directory */
		name_of(name, sizeof(name), i);
		name_of(to, sizeof(to), NAMES + i);
		CHECK_EQ(ext2_rename(fs, dir, name, strlen(name), i % 2 ? dir : other, to,
				     strlen(to), NULL), 0);
	}
	for (int i = 0; i < 2 * NAMES; i++)
		CHECK(agree(fs, dir, i, &ino));
	CHECK_EQ(eh_umount(&d, fs), 0);
	CHECK(eh_fsck_clean(img));
	fs = eh_mount(&d, img, 0);              /* a new index from the disk */
	for (int i = 0; i < 2 * NAMES; i++)
		CHECK(agree(fs, dir, i, &ino));
	CHECK_EQ(eh_umount(&d, fs), 0);
}

/* The first live entry of the directory's block lblk past "." and "..". */
static uint32_t
first_name(struct ext2_fs *fs, uint32_t dir, uint32_t lblk, uint8_t *block, uint32_t *pblk)
{
	struct ext2_inode in;

	CHECK_EQ(ext2_inode_read(fs, dir, &in), 0);
	CHECK_EQ(ext2_bmap(fs, &in, lblk, pblk), 0);
	CHECK_EQ(ext2_bread(fs, *pblk, block), 0);
	for (uint32_t off = 0; off < fs->block_size;) {
		struct ext2_dirent *de = (struct ext2_dirent *)(block + off);

		if (de->inode && !ext2_is_dots(de->name, de->name_len))
			return off;
		off += ext2_rec_len(fs, de);
	}
	return fs->block_size;
}

/*
 * A directory block written past the index (no add or remove reported)
 * drops it: a renamed entry is found under its new name and not its old.
 * Without that rule the index would still say "absent" for the new name.
 */
TEST(unannounced_write_drops_the_index)
{
	const char *img = eh_path("dirhash-behind.img");
	struct eh_disk d;
	struct ext2_fs *fs;
	struct ext2_dir_hint h;
	uint8_t block[1024];
	uint32_t dir, ino, pblk, off;
	char name[64];

	CHECK_EQ(eh_mkfs(img, 1024, 8192, NULL, NULL), 0);
	fs = eh_mount(&d, img, 0);
	CHECK_EQ(eh_mkdir(fs, ROOT, "d", &dir), 0);
	for (int i = 0; i < 200; i++) {
		name_of(name, sizeof(name), i);
		CHECK_EQ(eh_create(fs, dir, name, 0644, &ino), 0);
	}
	CHECK_EQ(ext2_lookup_hint(fs, dir, "nothing", 7, &ino, &h), -ENOENT);   /* indexed */
	off = first_name(fs, dir, 2, block, &pblk);
	CHECK(off < fs->block_size);
	((struct ext2_dirent *)(block + off))->name[0] = 'z';
	memcpy(name, ((struct ext2_dirent *)(block + off))->name,
	       ((struct ext2_dirent *)(block + off))->name_len);
	name[((struct ext2_dirent *)(block + off))->name_len] = '\0';
	CHECK_EQ(ext2_bwrite(fs, pblk, block), 0);
	CHECK_EQ(ext2_lookup_hint(fs, dir, name, strlen(name), &ino, &h), 0);
	name[0] = 'n';
	CHECK_EQ(ext2_lookup_hint(fs, dir, name, strlen(name), &ino, &h), -ENOENT);
	CHECK_EQ(eh_umount(&d, fs), 0);
}
