// SPDX-License-Identifier: MIT
// The partition-table parser on disk images partitioned by sfdisk (MBR with
// logical partitions, GPT), checked against sfdisk's own dump; then on
// damaged copies (bad CRCs, entries off the disk, looping EBR chains) and
// on random garbage, where it must report, ignore, and never crash.
// UNIT_SRCS: kernel/block/part.c kernel/block/part_gpt.c
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include "unit.h"
#include "block/part.h"
#include "uapi/errno.h"

#define DISK_SECTORS 16384          /* 8 MiB */
#define SECTOR 512

struct disk {
	uint8_t *data;
	uint64_t nsectors;
	int fail_lba;                   /* a sector whose read fails, or -1 */
};

static int
disk_read(void *ctx, uint64_t lba, void *buf)
{
	struct disk *d = ctx;

	if (lba >= d->nsectors)
		return -EIO;
	if ((int64_t)lba == d->fail_lba)
		return -EIO;
	memcpy(buf, d->data + lba * SECTOR, SECTOR);
	return 0;
}

struct expect {
	int index;
	uint64_t start, size;
	unsigned type;
	char name[40];
};

/* Partition an 8 MiB image with sfdisk (script on stdin); fill d. */
static int
make_image(const char *script, struct disk *d, char *path)
{
	char cmd[256];
	FILE *p;
	int fd;

	/* A name ending in a letter: sfdisk calls the partitions NAME1, not NAMEp1. */
	strcpy(path, "/tmp/keel-part-XXXXXX.img");
	fd = mkstemps(path, 4);
	if (fd < 0 || ftruncate(fd, (off_t)DISK_SECTORS * SECTOR) != 0)
		return -1;
	close(fd);
	snprintf(cmd, sizeof(cmd), "sfdisk -q %s >/dev/null 2>&1", path);
	p = popen(cmd, "w");
	if (!p)
		return -1;
	fputs(script, p);
	if (pclose(p) != 0)
		return -1;
	d->data = malloc((size_t)DISK_SECTORS * SECTOR);
	d->nsectors = DISK_SECTORS;
	d->fail_lba = -1;
	fd = open(path, 0);
	if (fd < 0 || read(fd, d->data, (size_t)DISK_SECTORS * SECTOR) != DISK_SECTORS * SECTOR)
		return -1;
	close(fd);
	return 0;
}

/* What sfdisk itself says is on the image (`sfdisk -d`). */
static int
sfdisk_dump(const char *path, struct expect *e, int max)
{
	char cmd[256], line[512];
	FILE *p;
	int n = 0;

	snprintf(cmd, sizeof(cmd), "sfdisk -d %s 2>/dev/null", path);
	p = popen(cmd, "r");
	while (p && fgets(line, sizeof(line), p) && n < max) {
		char *s = strstr(line, " : start=");
		char *nm = strstr(line, "name=\"");
		char *ty = strstr(line, "type=");

		if (!s || strncmp(line, path, strlen(path)) != 0)
			continue;
		e[n].index = atoi(line + strlen(path));
		sscanf(s, " : start= %lu, size= %lu", &e[n].start, &e[n].size);
		e[n].type = ty ? (unsigned)strtoul(ty + 5, NULL, 16) : 0;
		e[n].name[0] = 0;
		if (nm)
			sscanf(nm + 6, "%39[^\"]", e[n].name);
		n++;
	}
	if (p)
		pclose(p);
	return n;
}

static void
drop_image(struct disk *d, const char *path)
{
	free(d->data);
	unlink(path);
}

static void
check_matches_sfdisk(const struct part_table *t, const char *path, bool gpt)
{
	struct expect e[16];
	int n = sfdisk_dump(path, e, 16), k = 0;

	/* sfdisk lists the extended container too; Keel makes no device of it. */
	for (int i = 0; i < n; i++)
		if (gpt || (e[i].type != 0x5 && e[i].type != 0xf && e[i].type != 0x85))
			e[k++] = e[i];
	n = k;
	CHECK(n > 0);
	CHECK_EQ(t->n, n);
	for (int i = 0; i < n && i < t->n; i++) {
		CHECK_EQ(t->p[i].index, e[i].index);
		CHECK_EQ(t->p[i].start, e[i].start);
		CHECK_EQ(t->p[i].count, e[i].size);
		if (gpt)
			CHECK_STR(t->p[i].name, e[i].name);
		else
			CHECK_EQ(t->p[i].mbr_type, e[i].type);
	}
}

static const char mbr_script[] =
	"label: dos\n"
	"start=2048, size=2048, type=83, bootable\n"
	"start=4096, size=8192, type=5\n"
	"start=6144, size=1024, type=83\n"
	"start=10240, size=2000, type=c\n";

static const char gpt_script[] =
	"label: gpt\n"
	"start=2048, size=1024, name=\"keel-a\"\n"
	"start=4096, size=2048, name=\"keel b\"\n"
	"start=8192, size=4096, name=\"third\"\n";

TEST(crc32_check_value)
{
	CHECK_EQ(part_crc32(0, "123456789", 9), 0xCBF43926u);
	/* Chained calls give the same CRC as one call. */
	CHECK_EQ(part_crc32(part_crc32(0, "1234", 4), "56789", 5), 0xCBF43926u);
}

TEST(mbr_primary_and_logical_match_sfdisk)
{
	char path[64];
	struct disk d;
	static struct part_table t;

	if (make_image(mbr_script, &d, path) != 0) {
		CHECK(!"sfdisk failed (is the fdisk package installed?)");
		return;
	}
	CHECK_EQ(part_parse("t", disk_read, &d, d.nsectors, &t), 0);
	CHECK_EQ(t.scheme, PART_SCHEME_MBR);
	/* sda1 primary, the extended container is not a device, sda5 and sda6 logical. */
	check_matches_sfdisk(&t, path, false);
	CHECK_EQ(t.n, 3);
	CHECK_EQ(t.p[0].index, 1);
	CHECK(t.p[0].bootable);
	CHECK_EQ(t.p[1].index, 5);
	CHECK_EQ(t.p[2].index, 6);
	CHECK_EQ(t.p[2].mbr_type, 0x0c);
	CHECK_EQ(t.rejected, 0);
	drop_image(&d, path);
}

TEST(gpt_matches_sfdisk)
{
	char path[64];
	struct disk d;
	static struct part_table t;

	if (make_image(gpt_script, &d, path) != 0) {
		CHECK(!"sfdisk failed");
		return;
	}
	CHECK_EQ(part_parse("g", disk_read, &d, d.nsectors, &t), 0);
	CHECK_EQ(t.scheme, PART_SCHEME_GPT);
	check_matches_sfdisk(&t, path, true);
	CHECK_EQ(t.n, 3);
	CHECK_STR(t.p[1].name, "keel b");
	CHECK_EQ(t.rejected, 0);
	drop_image(&d, path);
}

TEST(gpt_damaged_primary_falls_back_to_backup)
{
	char path[64];
	struct disk d;
	static struct part_table t;

	if (make_image(gpt_script, &d, path) != 0) {
		CHECK(!"sfdisk failed");
		return;
	}
	d.data[SECTOR + 40] ^= 1;               /* header byte: CRC no longer matches */
	CHECK_EQ(part_parse("g", disk_read, &d, d.nsectors, &t), 0);
	CHECK_EQ(t.scheme, PART_SCHEME_GPT);
	CHECK_EQ(t.n, 3);
	CHECK_EQ(t.rejected, 1);
	d.data[SECTOR + 40] ^= 1;
	d.data[2 * SECTOR + 32] ^= 0x80;        /* entry 1's first LBA: array CRC */
	CHECK_EQ(part_parse("g", disk_read, &d, d.nsectors, &t), 0);
	CHECK_EQ(t.n, 3);
	CHECK_EQ(t.p[0].start, 2048);
	drop_image(&d, path);
}

TEST(gpt_both_headers_damaged_means_no_partitions)
{
	char path[64];
	struct disk d;
	static struct part_table t;

	if (make_image(gpt_script, &d, path) != 0) {
		CHECK(!"sfdisk failed");
		return;
	}
	d.data[SECTOR + 16] ^= 0xFF;                              /* primary CRC */
	d.data[(DISK_SECTORS - 1) * SECTOR + 0] = 'X';            /* backup signature */
	CHECK_EQ(part_parse("g", disk_read, &d, d.nsectors, &t), 0);
	CHECK_EQ(t.scheme, PART_SCHEME_NONE);
	CHECK_EQ(t.n, 0);
	CHECK_EQ(t.rejected, 2);
	drop_image(&d, path);
}

/* Write MBR entry i by hand. */
static void
put_entry(uint8_t *sec, int i, uint8_t status, uint8_t type, uint32_t start, uint32_t count)
{
	uint8_t *e = sec + 446 + 16 * i;

	memset(e, 0, 16);
	e[0] = status;
	e[4] = type;
	memcpy(e + 8, &start, 4);
	memcpy(e + 12, &count, 4);
	sec[510] = 0x55;
	sec[511] = 0xAA;
}

TEST(mbr_entries_off_the_disk_are_ignored)
{
	static uint8_t img[64 * SECTOR];
	struct disk d = { img, 64, -1 };
	static struct part_table t;

	put_entry(img, 0, 0, 0x83, 1, 10);
	put_entry(img, 1, 0, 0x83, 60, 10);             /* runs past sector 63 */
	put_entry(img, 2, 0, 0x83, 0xFFFFFFFF, 2);      /* starts past the end */
	put_entry(img, 3, 0, 0x83, 0, 5);               /* covers the MBR itself */
	CHECK_EQ(part_parse("h", disk_read, &d, d.nsectors, &t), 0);
	CHECK_EQ(t.n, 1);
	CHECK_EQ(t.p[0].start, 1);
	CHECK_EQ(t.rejected, 3);
}

TEST(mbr_looping_ebr_chain_ends)
{
	static uint8_t img[64 * SECTOR];
	struct disk d = { img, 64, -1 };
	static struct part_table t;

	memset(img, 0, sizeof(img));
	put_entry(img, 0, 0, 0x05, 8, 40);              /* extended: 8..47 */
	put_entry(img + 8 * SECTOR, 0, 0, 0x83, 2, 4);  /* logical at 10 */
	put_entry(img + 8 * SECTOR, 1, 0, 0x05, 0, 40); /* links to itself */
	CHECK_EQ(part_parse("h", disk_read, &d, d.nsectors, &t), 0);
	CHECK_EQ(t.n, 1);
	CHECK_EQ(t.p[0].index, 5);
	CHECK_EQ(t.p[0].start, 10);
	CHECK_EQ(t.rejected, 1);
}

TEST(no_signature_or_bad_status_means_no_table)
{
	static uint8_t img[64 * SECTOR];
	struct disk d = { img, 64, -1 };
	static struct part_table t;

	memset(img, 0, sizeof(img));
	CHECK_EQ(part_parse("h", disk_read, &d, d.nsectors, &t), 0);
	CHECK_EQ(t.scheme, PART_SCHEME_NONE);
	put_entry(img, 0, 0x12, 0x83, 1, 10);           /* status neither 0 nor 0x80 */
	CHECK_EQ(part_parse("h", disk_read, &d, d.nsectors, &t), 0);
	CHECK_EQ(t.n, 0);
}

TEST(read_errors_are_returned)
{
	static uint8_t img[64 * SECTOR];
	struct disk d = { img, 64, 0 };
	static struct part_table t;

	CHECK_EQ(part_parse("h", disk_read, &d, d.nsectors, &t), -EIO);
}

TEST(random_tables_never_escape_the_disk)
{
	static uint8_t img[256 * SECTOR];
	struct disk d = { img, 256, -1 };
	static struct part_table t;
	static const uint8_t types[] = { 0, 0x83, 0x05, 0x0F, 0x0C };
	uint64_t x = 7;
	int found = 0;

	srand(7);
	for (int iter = 0; iter < 1500; iter++) {
		for (size_t i = 0; i < sizeof(img); i++)
			img[i] = (uint8_t)((x = x * 6364136223846793005ull + 1442695040888963407ull) >> 56);
		/* Plausible small entries in sector 0 and in would-be EBRs. */
		for (int s = 0; s < 256; s += 1 + rand() % 32)
			for (int i = 0; i < 4; i++)
				put_entry(img + s * SECTOR, i, rand() % 2 ? 0x80 : 0,
					  types[rand() % 5], (uint32_t)(rand() % 300),
					  (uint32_t)(rand() % 300));
		if (iter % 3 == 0)
			img[446 + 4] = 0xEE;                    /* sometimes a "GPT" */
		if (iter % 5 == 0)
			memcpy(img + SECTOR, "EFI PART", 8);
		CHECK_EQ(part_parse("r", disk_read, &d, d.nsectors, &t), 0);
		for (int i = 0; i < t.n; i++)
			CHECK(t.p[i].count > 0 && t.p[i].start + t.p[i].count <= d.nsectors);
		found += t.n;
	}
	CHECK(found > 100);      /* the garbage did reach the entry checks */
}

/* Recompute the primary GPT's array and header CRCs after an edit. */
static void
gpt_reseal(uint8_t *data)
{
	uint8_t *h = data + SECTOR;
	uint32_t crc = part_crc32(0, data + 2 * SECTOR, 128 * 128), size;

	memcpy(h + 88, &crc, 4);
	memcpy(&size, h + 12, 4);
	memset(h + 16, 0, 4);
	crc = part_crc32(0, h, size);
	memcpy(h + 16, &crc, 4);
}

TEST(gpt_entry_outside_usable_range_is_ignored_even_with_good_crcs)
{
	char path[64];
	struct disk d;
	static struct part_table t;
	uint64_t huge = DISK_SECTORS + 100;

	if (make_image(gpt_script, &d, path) != 0) {
		CHECK(!"sfdisk failed");
		return;
	}
	memcpy(d.data + 2 * SECTOR + 128 + 40, &huge, 8);      /* entry 2: last LBA */
	gpt_reseal(d.data);
	CHECK_EQ(part_parse("g", disk_read, &d, d.nsectors, &t), 0);
	CHECK_EQ(t.scheme, PART_SCHEME_GPT);
	CHECK_EQ(t.n, 2);
	CHECK_EQ(t.p[0].index, 1);
	CHECK_EQ(t.p[1].index, 3);
	CHECK_EQ(t.rejected, 1);
	drop_image(&d, path);
}
