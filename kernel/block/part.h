/* SPDX-License-Identifier: MIT */
/*
 * Partition tables: how one disk is divided into several block devices.
 *
 *   MBR (1983, the PC's master boot record): sector 0 ends in 0x55 0xAA and
 *   holds four 16-byte entries (type, first LBA, sector count; the CHS
 *   fields are relics of disk geometry and are ignored).  One entry may be
 *   an "extended" partition: a chain of extended boot records, each
 *   describing one logical partition (numbered 5, 6, ...) and linking to
 *   the next.  32-bit sector numbers limit it to 2 TiB.
 *
 *   GPT (UEFI): sector 0 holds a "protective" MBR with one entry of type
 *   0xEE covering the disk, so old tools see it as full.  Sector 1 is the
 *   GPT header ("EFI PART", CRC32-protected), pointing at an array of
 *   128-byte entries (type GUID, unique GUID, first and last LBA, a UTF-16
 *   name), itself CRC32-protected.  A backup header and array sit at the end
 *   of the disk; Keel falls back to them when the primary is damaged.
 *
 * The parser is pure C over a read-one-sector callback, so host unit tests
 * run it on images made by sfdisk.  A damaged table is reported and
 * ignored (no partitions), never trusted and never a crash.
 */
#pragma once

#include "lib/compiler.h"

#define PART_MAX       64        /* partitions kept per disk */
#define PART_NAME_MAX  37        /* GPT names: 36 UTF-16 units, kept as ASCII */

enum part_scheme { PART_SCHEME_NONE, PART_SCHEME_MBR, PART_SCHEME_GPT };

struct part_info {
	int index;                   /* Linux numbering: 1-4 primary, 5+ logical; GPT slot + 1 */
	uint64_t start, count;       /* in 512-byte sectors (LBA) */
	uint8_t mbr_type;            /* MBR system id; 0 for GPT */
	bool bootable;               /* MBR active flag */
	uint8_t type_guid[16];       /* GPT, in on-disk byte order */
	uint8_t uuid[16];
	char name[PART_NAME_MAX];    /* GPT name; non-ASCII characters become '?' */
};

struct part_table {
	enum part_scheme scheme;
	int n;
	struct part_info p[PART_MAX];
	int rejected;                /* entries or tables ignored as damaged */
};

/* Read 512-byte sector lba into buf.  => 0 or -errno. */
typedef int (*part_read_fn)(void *ctx, uint64_t lba, void *buf);

/*
 * Read the partition table of a disk of nsectors sectors.  disk names it in
 * messages.  => 0 (t->scheme NONE when there is no valid table), or -errno
 * when the disk could not be read.
 */
int part_parse(const char *disk, part_read_fn rd, void *ctx, uint64_t nsectors,
	       struct part_table *t);

/* CRC-32 (IEEE 802.3, as GPT uses it); chain calls starting from crc = 0. */
uint32_t part_crc32(uint32_t crc, const void *buf, size_t len);
