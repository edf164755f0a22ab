/* SPDX-License-Identifier: MIT */
/*
 * The ext2 on-disk format: superblock, group descriptors, inodes and
 * directory entries, as the e2fsprogs tools write them (revision 1).
 *
 * A volume is an array of blocks (1, 2, 4 ... 64 KiB).  Byte 1024 holds the
 * superblock whatever the block size; the blocks after the superblock's own
 * block are cut into block groups of s_blocks_per_group blocks:
 *
 *   group 0: [boot][super][group descriptor table][reserved GDT]
 *            [block bitmap][inode bitmap][inode table ...][data ...]
 *   group g: [backup super + GDT, if g is 0, 1 or a power of 3, 5, 7]
 *            [block bitmap][inode bitmap][inode table ...][data ...]
 *
 * All numbers are little-endian.  Keel runs on x86 only (the kernel and the
 * BIOS boot loader), so these structures are used in place, unswapped.
 */
#pragma once

#include "lib/compiler.h"

#define EXT2_MAGIC              0xEF53
#define EXT2_SUPER_OFFSET       1024    /* byte offset of the superblock */
#define EXT2_SUPER_SIZE         1024
#define EXT2_MIN_BLOCK_LOG      10      /* 1 KiB */
#define EXT2_MAX_BLOCK_LOG      16      /* 64 KiB */
#define EXT2_ROOT_INO           2
#define EXT2_RESIZE_INO         7       /* reserved GDT blocks hang off this */
#define EXT2_GOOD_OLD_FIRST_INO 11
#define EXT2_GOOD_OLD_INODE_SIZE 128
#define EXT2_NDIR_BLOCKS        12      /* i_block[0..11]: direct */
#define EXT2_IND_BLOCK          12      /* i_block[12]: single indirect */
#define EXT2_DIND_BLOCK         13      /* i_block[13]: double indirect */
#define EXT2_TIND_BLOCK         14      /* i_block[14]: triple indirect */
#define EXT2_N_BLOCKS           15
#define EXT2_NAME_LEN           255
#define EXT2_LINK_MAX           32000   /* links to one inode (Linux's ext2 limit) */
#define EXT2_FAST_SYMLINK_MAX   59      /* fits in i_block with its NUL */

/* s_state */
#define EXT2_VALID_FS  0x0001  /* cleanly unmounted */
#define EXT2_ERROR_FS  0x0002  /* errors detected */

/* s_rev_level */
#define EXT2_GOOD_OLD_REV 0
#define EXT2_DYNAMIC_REV  1

/*
 * Features.  COMPAT ones may be ignored by anyone; an unknown RO_COMPAT one
 * means "read it if you like, but do not write"; an unknown INCOMPAT one
 * means "do not even read".
 */
#define EXT2_FEATURE_COMPAT_DIR_PREALLOC   0x0001
#define EXT2_FEATURE_COMPAT_HAS_JOURNAL    0x0004
#define EXT2_FEATURE_COMPAT_EXT_ATTR       0x0008
#define EXT2_FEATURE_COMPAT_RESIZE_INODE   0x0010
#define EXT2_FEATURE_COMPAT_DIR_INDEX      0x0020

#define EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER 0x0001
#define EXT2_FEATURE_RO_COMPAT_LARGE_FILE   0x0002
#define EXT2_FEATURE_RO_COMPAT_BTREE_DIR    0x0004
#define EXT2_FEATURE_RO_COMPAT_HUGE_FILE    0x0008

#define EXT2_FEATURE_INCOMPAT_COMPRESSION  0x0001
#define EXT2_FEATURE_INCOMPAT_FILETYPE     0x0002
#define EXT2_FEATURE_INCOMPAT_RECOVER      0x0004  /* ext3 journal needs replay */
#define EXT2_FEATURE_INCOMPAT_META_BG      0x0010
#define EXT2_FEATURE_INCOMPAT_EXTENTS      0x0040
#define EXT2_FEATURE_INCOMPAT_64BIT        0x0080

/* What Keel implements. */
#define EXT2_INCOMPAT_SUPP  EXT2_FEATURE_INCOMPAT_FILETYPE
#define EXT2_RO_COMPAT_SUPP (EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | \
			     EXT2_FEATURE_RO_COMPAT_LARGE_FILE)

struct ext2_super {
	uint32_t s_inodes_count;
	uint32_t s_blocks_count;
	uint32_t s_r_blocks_count;        /* reserved for the super-user */
	uint32_t s_free_blocks_count;
	uint32_t s_free_inodes_count;
	uint32_t s_first_data_block;      /* 1 with 1 KiB blocks, else 0 */
	uint32_t s_log_block_size;        /* block size = 1024 << this */
	uint32_t s_log_frag_size;
	uint32_t s_blocks_per_group;
	uint32_t s_frags_per_group;
	uint32_t s_inodes_per_group;
	uint32_t s_mtime;                 /* last mount */
	uint32_t s_wtime;                 /* last write */
	uint16_t s_mnt_count;
	int16_t  s_max_mnt_count;
	uint16_t s_magic;
	uint16_t s_state;
	uint16_t s_errors;
	uint16_t s_minor_rev_level;
	uint32_t s_lastcheck;
	uint32_t s_checkinterval;
	uint32_t s_creator_os;
	uint32_t s_rev_level;
	uint16_t s_def_resuid;
	uint16_t s_def_resgid;
	/* Revision 1 (dynamic) from here on. */
	uint32_t s_first_ino;             /* first non-reserved inode */
	uint16_t s_inode_size;
	uint16_t s_block_group_nr;        /* group holding this copy */
	uint32_t s_feature_compat;
	uint32_t s_feature_incompat;
	uint32_t s_feature_ro_compat;
	uint8_t  s_uuid[16];
	char     s_volume_name[16];
	char     s_last_mounted[64];
	uint32_t s_algorithm_usage_bitmap;
	uint8_t  s_prealloc_blocks;
	uint8_t  s_prealloc_dir_blocks;
	uint16_t s_reserved_gdt_blocks;   /* room for growing the GDT (resize_inode) */
	uint8_t  s_journal_uuid[16];
	uint32_t s_journal_inum;
	uint32_t s_journal_dev;
	uint32_t s_last_orphan;
	uint32_t s_hash_seed[4];          /* dir_index */
	uint8_t  s_def_hash_version;
	uint8_t  s_jnl_backup_type;
	uint16_t s_desc_size;
	uint32_t s_default_mount_opts;
	uint32_t s_first_meta_bg;
	uint32_t s_mkfs_time;
	uint32_t s_jnl_blocks[17];
	uint32_t s_blocks_count_hi;       /* 64bit only */
	uint32_t s_r_blocks_count_hi;
	uint32_t s_free_blocks_hi;
	uint16_t s_min_extra_isize;       /* every inode has at least this */
	uint16_t s_want_extra_isize;      /* new inodes should have this */
	uint8_t  s_rest[EXT2_SUPER_SIZE - 0x160];
};
STATIC_ASSERT(sizeof(struct ext2_super) == EXT2_SUPER_SIZE, "superblock is 1 KiB");
STATIC_ASSERT(offsetof(struct ext2_super, s_magic) == 0x38, "s_magic");
STATIC_ASSERT(offsetof(struct ext2_super, s_first_ino) == 0x54, "s_first_ino");
STATIC_ASSERT(offsetof(struct ext2_super, s_reserved_gdt_blocks) == 0xCE, "s_reserved_gdt");
STATIC_ASSERT(offsetof(struct ext2_super, s_min_extra_isize) == 0x15C, "s_min_extra_isize");

/* One per block group, packed into the blocks after the superblock. */
struct ext2_group_desc {
	uint32_t bg_block_bitmap;
	uint32_t bg_inode_bitmap;
	uint32_t bg_inode_table;
	uint16_t bg_free_blocks_count;
	uint16_t bg_free_inodes_count;
	uint16_t bg_used_dirs_count;
	uint16_t bg_flags;
	uint8_t  bg_reserved[12];
};
STATIC_ASSERT(sizeof(struct ext2_group_desc) == 32, "group descriptor is 32 bytes");

/* i_mode: the file type in the top bits, permissions below (as in stat(2)). */
#define EXT2_S_IFMT   0170000
#define EXT2_S_IFSOCK 0140000
#define EXT2_S_IFLNK  0120000
#define EXT2_S_IFREG  0100000
#define EXT2_S_IFBLK  0060000
#define EXT2_S_IFDIR  0040000
#define EXT2_S_IFCHR  0020000
#define EXT2_S_IFIFO  0010000
#define EXT2_S_ISDIR(m) (((m) & EXT2_S_IFMT) == EXT2_S_IFDIR)
#define EXT2_S_ISREG(m) (((m) & EXT2_S_IFMT) == EXT2_S_IFREG)
#define EXT2_S_ISLNK(m) (((m) & EXT2_S_IFMT) == EXT2_S_IFLNK)

/* i_flags */
#define EXT2_INDEX_FL 0x00001000   /* directory has an htree index */

/*
 * The inode.  The first 128 bytes are the classic inode; larger inodes
 * (s_inode_size, 256 by default) continue with i_extra_isize bytes of extra
 * fields and then in-inode extended attributes, which Keel leaves alone.
 */
struct ext2_inode {
	uint16_t i_mode;
	uint16_t i_uid;                   /* low 16 bits */
	uint32_t i_size;                  /* low 32 bits */
	uint32_t i_atime;
	uint32_t i_ctime;
	uint32_t i_mtime;
	uint32_t i_dtime;                 /* deletion time */
	uint16_t i_gid;
	uint16_t i_links_count;
	uint32_t i_blocks;                /* 512-byte sectors, metadata included */
	uint32_t i_flags;
	uint32_t i_version;
	uint32_t i_block[EXT2_N_BLOCKS];  /* block map, or fast symlink text, or device */
	uint32_t i_generation;
	uint32_t i_file_acl;              /* extended attribute block */
	uint32_t i_size_high;             /* large_file: high 32 bits of a file's size */
	uint32_t i_faddr;
	uint16_t i_blocks_hi;
	uint16_t i_file_acl_high;
	uint16_t i_uid_high;
	uint16_t i_gid_high;
	uint16_t i_checksum_lo;
	uint16_t i_reserved;
	/* Large inodes only (s_inode_size > 128). */
	uint16_t i_extra_isize;
	uint16_t i_checksum_hi;
	uint32_t i_ctime_extra;
	uint32_t i_mtime_extra;
	uint32_t i_atime_extra;
	uint32_t i_crtime;
	uint32_t i_crtime_extra;
	uint32_t i_version_hi;
	uint32_t i_projid;
};
STATIC_ASSERT(offsetof(struct ext2_inode, i_block) == 40, "i_block");
STATIC_ASSERT(offsetof(struct ext2_inode, i_extra_isize) == 128, "i_extra_isize");
STATIC_ASSERT(sizeof(struct ext2_inode) == 160, "inode with extra fields");
#define EXT2_INODE_EXTRA_MAX (sizeof(struct ext2_inode) - EXT2_GOOD_OLD_INODE_SIZE)

/* The header of an extended attribute block (i_file_acl), shared by refcount. */
struct ext2_xattr_header {
	uint32_t h_magic;                 /* EXT2_XATTR_MAGIC */
	uint32_t h_refcount;
	uint32_t h_blocks;
	uint32_t h_hash;
};
#define EXT2_XATTR_MAGIC 0xEA020000

/*
 * A directory is a file of blocks, each a chain of variable-length entries
 * that exactly covers the block: rec_len leads to the next entry, and the
 * slack between an entry's name and its rec_len is free space.  An entry
 * with inode 0 is unused.  With the filetype feature the high byte of the
 * old 16-bit name length holds the file type.
 */
struct ext2_dirent {
	uint32_t inode;
	uint16_t rec_len;
	uint8_t  name_len;
	uint8_t  file_type;
	char     name[];
};
#define EXT2_DIRENT_HDR 8
/* The space an entry with an n-byte name needs: header plus name, 4-aligned. */
#define EXT2_DIR_REC_LEN(n) (((n) + EXT2_DIRENT_HDR + 3) & ~3u)

/* file_type */
#define EXT2_FT_UNKNOWN  0
#define EXT2_FT_REG_FILE 1
#define EXT2_FT_DIR      2
#define EXT2_FT_CHRDEV   3
#define EXT2_FT_BLKDEV   4
#define EXT2_FT_FIFO     5
#define EXT2_FT_SOCK     6
#define EXT2_FT_SYMLINK  7
#define EXT2_FT_MAX      8
