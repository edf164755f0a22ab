// SPDX-License-Identifier: MIT
/*
 * GUID partition tables.  See part.h for the layout.
 *
 * Trust is earned in order: the header's signature, size and CRC32 (taken
 * with its own CRC field zeroed), its claim to sit where it was read, sane
 * usable bounds and entry-array geometry; then the CRC32 of the entry array.
 * Only then are the entries used, each checked to lie in the usable range.
 * When the primary header or its array fails, the backup at the end of the
 * disk is tried; when both fail, the disk is reported as having no
 * partitions.  The array is read one sector at a time and its CRC computed
 * as it streams by, so no buffer the size of the array is needed.
 */
#include "block/part_internal.h"
#include "core/printk.h"
#include "lib/string.h"
#include "uapi/errno.h"

#define GPT_SIG            "EFI PART"
#define GPT_HDR_MIN        92
#define GPT_OFF_HDR_SIZE   12
#define GPT_OFF_HDR_CRC    16
#define GPT_OFF_MY_LBA     24
#define GPT_OFF_ALT_LBA    32
#define GPT_OFF_FIRST      40
#define GPT_OFF_LAST       48
#define GPT_OFF_ENTRIES    72
#define GPT_OFF_NENTRIES   80
#define GPT_OFF_ENTSIZE    84
#define GPT_OFF_ARRAY_CRC  88
#define GPT_MAX_ENTRIES    1024

#define ENT_OFF_TYPE  0
#define ENT_OFF_UUID  16
#define ENT_OFF_FIRST 32
#define ENT_OFF_LAST  40
#define ENT_OFF_NAME  56
#define ENT_NAME_UNITS 36
#define ENT_MIN_SIZE  128

struct gpt_header {
	uint64_t my_lba, alt_lba, first, last, entries_lba;
	uint32_t nentries, entsize, array_crc;
};

uint32_t
part_crc32(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & -(crc & 1));
	}
	return ~crc;
}

static const char *
header_check(const uint8_t *sec, uint64_t lba, uint64_t nsectors, struct gpt_header *h)
{
	uint32_t size = part_le32(sec + GPT_OFF_HDR_SIZE), crc;
	uint8_t copy[PART_SECTOR];

	if (memcmp(sec, GPT_SIG, 8) != 0)
		return "no \"EFI PART\" signature";
	if (size < GPT_HDR_MIN || size > PART_SECTOR)
		return "bad header size";
	memcpy(copy, sec, size);
	memset(copy + GPT_OFF_HDR_CRC, 0, 4);
	crc = part_crc32(0, copy, size);
	if (crc != part_le32(sec + GPT_OFF_HDR_CRC))
		return "header CRC mismatch";
	h->my_lba = part_le64(sec + GPT_OFF_MY_LBA);
	h->alt_lba = part_le64(sec + GPT_OFF_ALT_LBA);
	h->first = part_le64(sec + GPT_OFF_FIRST);
	h->last = part_le64(sec + GPT_OFF_LAST);
	h->entries_lba = part_le64(sec + GPT_OFF_ENTRIES);
	h->nentries = part_le32(sec + GPT_OFF_NENTRIES);
	h->entsize = part_le32(sec + GPT_OFF_ENTSIZE);
	h->array_crc = part_le32(sec + GPT_OFF_ARRAY_CRC);
	if (h->my_lba != lba)
		return "header is not where it says it is";
	if (h->first > h->last || h->last >= nsectors)
		return "usable range outside the disk";
	/* Entries are 128 * 2^n bytes; Keel reads those that fit in a sector. */
	if (h->entsize < ENT_MIN_SIZE || h->entsize > PART_SECTOR ||
	    (h->entsize & (h->entsize - 1)))
		return "unsupported entry size";
	if (h->nentries == 0 || h->nentries > GPT_MAX_ENTRIES)
		return "bad number of entries";
	if (h->entries_lba < 2 || h->entries_lba >= nsectors ||
	    DIV_ROUND_UP((uint64_t)h->nentries * h->entsize, PART_SECTOR) >
	    nsectors - h->entries_lba)
		return "entry array outside the disk";
	return NULL;
}

static void
copy_name(char *out, const uint8_t *utf16)
{
	int i;

	for (i = 0; i < ENT_NAME_UNITS; i++) {
		uint16_t c = part_le16(utf16 + 2 * i);

		if (c == 0)
			break;
		out[i] = c >= 0x20 && c < 0x7F ? (char)c : '?';
	}
	out[i] = 0;
}

static bool
guid_zero(const uint8_t *g)
{
	for (int i = 0; i < 16; i++)
		if (g[i])
			return false;
	return true;
}

static void
take_entry(const char *disk, const struct gpt_header *h, const uint8_t *e, int slot,
	   struct part_table *t)
{
	uint64_t first = part_le64(e + ENT_OFF_FIRST), last = part_le64(e + ENT_OFF_LAST);
	struct part_info pi = { .index = slot + 1 };

	if (guid_zero(e + ENT_OFF_TYPE))
		return;                         /* unused slot */
	if (first > last || first < h->first || last > h->last) {
		printk(KERN_WARNING "part: %s%d: LBAs %llu-%llu outside the usable range; ignored\n",
		       disk, slot + 1, (unsigned long long)first, (unsigned long long)last);
		t->rejected++;
		return;
	}
	pi.start = first;
	pi.count = last - first + 1;
	memcpy(pi.type_guid, e + ENT_OFF_TYPE, 16);
	memcpy(pi.uuid, e + ENT_OFF_UUID, 16);
	copy_name(pi.name, e + ENT_OFF_NAME);
	part_add(disk, t, &pi);
}

/* Stream the entry array: CRC over all of it, entries parsed as they pass. */
static int
read_entries(const char *disk, part_read_fn rd, void *ctx, const struct gpt_header *h,
	     struct part_table *t, bool *crc_ok)
{
	uint8_t sec[PART_SECTOR];
	uint64_t bytes = (uint64_t)h->nentries * h->entsize;
	uint32_t crc = 0, per = PART_SECTOR / h->entsize;
	int slot = 0;

	for (uint64_t lba = h->entries_lba; bytes > 0; lba++) {
		uint32_t n = bytes < PART_SECTOR ? (uint32_t)bytes : PART_SECTOR;
		int r = rd(ctx, lba, sec);

		if (r)
			return r;
		crc = part_crc32(crc, sec, n);
		for (uint32_t i = 0; i < per && (uint32_t)(i * h->entsize) < n; i++, slot++)
			take_entry(disk, h, sec + i * h->entsize, slot, t);
		bytes -= n;
	}
	*crc_ok = crc == h->array_crc;
	return 0;
}

/* Try the header at lba.  => 0 with *ok saying whether a table was taken. */
static int
try_header(const char *disk, part_read_fn rd, void *ctx, uint64_t nsectors, uint64_t lba,
	   struct part_table *t, bool *ok, uint64_t *alt)
{
	uint8_t sec[PART_SECTOR];
	struct gpt_header h;
	const char *why;
	bool crc_ok = false;
	int r;

	*ok = false;
	if ((r = rd(ctx, lba, sec)) != 0)
		return r;
	why = header_check(sec, lba, nsectors, &h);
	if (!why) {
		*alt = h.alt_lba;
		t->n = 0;
		if ((r = read_entries(disk, rd, ctx, &h, t, &crc_ok)) != 0)
			return r;
		why = crc_ok ? NULL : "entry array CRC mismatch";
	}
	if (why) {
		printk(KERN_WARNING "part: %s: GPT header at LBA %llu: %s\n", disk,
		       (unsigned long long)lba, why);
		t->n = 0;
		t->rejected++;
		return 0;
	}
	*ok = true;
	return 0;
}

int
part_parse_gpt(const char *disk, part_read_fn rd, void *ctx, uint64_t nsectors,
	       struct part_table *t)
{
	uint64_t alt = nsectors - 1;
	bool ok;
	int r;

	t->scheme = PART_SCHEME_GPT;
	r = try_header(disk, rd, ctx, nsectors, 1, t, &ok, &alt);
	if (r || ok)
		return r;
	if (alt < 2 || alt >= nsectors)
		alt = nsectors - 1;
	printk(KERN_WARNING "part: %s: trying the backup GPT at LBA %llu\n", disk,
	       (unsigned long long)alt);
	r = try_header(disk, rd, ctx, nsectors, alt, t, &ok, &alt);
	if (r || ok)
		return r;
	printk(KERN_WARNING "part: %s: no valid GPT; no partitions\n", disk);
	t->scheme = PART_SCHEME_NONE;
	return 0;
}
