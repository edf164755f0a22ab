// SPDX-License-Identifier: MIT
/*
 * MBR partition tables, primary and logical, and the entry point that
 * decides between MBR and GPT.  See part.h for the formats.
 *
 * Every number read from the disk is checked before use: an entry must lie
 * inside the disk (a logical partition inside its extended partition), and
 * the chain of extended boot records is followed a bounded number of steps,
 * only forwards, so a table that loops or points off the disk ends the
 * walk with a message.
 */
#include "block/part_internal.h"
#include "core/printk.h"
#include "lib/string.h"
#include "uapi/errno.h"

#define MBR_SIG_OFF      510
#define MBR_ENTRIES_OFF  446
#define MBR_ENTRY_SIZE   16
#define MBR_NPRIMARY     4
#define MBR_TYPE_GPT     0xEE
#define MBR_ACTIVE       0x80
#define MBR_MAX_LOGICAL  (PART_MAX - MBR_NPRIMARY)

/* Fields of an entry (offsets inside its 16 bytes). */
#define ENT_STATUS 0
#define ENT_TYPE   4
#define ENT_START  8
#define ENT_COUNT  12

struct mbr_entry {
	uint8_t status, type;
	uint32_t start, count;
};

static struct mbr_entry
entry_at(const uint8_t *sec, int i)
{
	const uint8_t *e = sec + MBR_ENTRIES_OFF + i * MBR_ENTRY_SIZE;

	return (struct mbr_entry){ e[ENT_STATUS], e[ENT_TYPE], part_le32(e + ENT_START),
				   part_le32(e + ENT_COUNT) };
}

static bool
is_extended(uint8_t type)
{
	return type == 0x05 || type == 0x0F || type == 0x85;
}

static bool
has_signature(const uint8_t *sec)
{
	return sec[MBR_SIG_OFF] == 0x55 && sec[MBR_SIG_OFF + 1] == 0xAA;
}

bool
part_add(const char *disk, struct part_table *t, const struct part_info *pi)
{
	if (t->n >= PART_MAX) {
		printk(KERN_WARNING "part: %s: more than %d partitions; the rest ignored\n",
		       disk, PART_MAX);
		t->rejected++;
		return false;
	}
	t->p[t->n++] = *pi;
	return true;
}

/* Is [start, start+count) a non-empty range inside [lo, hi)? */
static bool
inside(uint64_t start, uint64_t count, uint64_t lo, uint64_t hi)
{
	return count > 0 && start >= lo && start < hi && count <= hi - start;
}

static void
add_mbr(const char *disk, struct part_table *t, int index, const struct mbr_entry *e,
	uint64_t start)
{
	struct part_info pi = { .index = index, .start = start, .count = e->count,
				.mbr_type = e->type, .bootable = e->status == MBR_ACTIVE };

	part_add(disk, t, &pi);
}

/*
 * Walk the chain of extended boot records of the extended partition
 * [ext, ext + ext_count).  Logical partition offsets are relative to their
 * own EBR; links to the next EBR are relative to the extended partition.
 */
static int
parse_logical(const char *disk, part_read_fn rd, void *ctx, uint64_t ext, uint64_t ext_count,
	      struct part_table *t)
{
	uint8_t sec[PART_SECTOR];
	uint64_t ebr = ext;
	int index = 5;

	for (int steps = 0; steps < MBR_MAX_LOGICAL; steps++) {
		struct mbr_entry log, link;
		int r = rd(ctx, ebr, sec);

		if (r)
			return r;
		if (!has_signature(sec)) {
			printk(KERN_WARNING "part: %s: bad extended boot record at %llu; chain ends\n",
			       disk, (unsigned long long)ebr);
			t->rejected++;
			return 0;
		}
		log = entry_at(sec, 0);
		link = entry_at(sec, 1);
		if (log.type && log.count) {
			if (inside(ebr + log.start, log.count, ebr + 1, ext + ext_count)) {
				add_mbr(disk, t, index, &log, ebr + log.start);
			} else {
				printk(KERN_WARNING "part: %s%d: outside its extended partition; ignored\n",
				       disk, index);
				t->rejected++;
			}
			index++;
		}
		if (!is_extended(link.type) || !link.count)
			return 0;
		if (ext + link.start <= ebr || !inside(ext + link.start, link.count, ext, ext + ext_count)) {
			printk(KERN_WARNING "part: %s: extended boot record link %u goes backwards or out; chain ends\n",
			       disk, link.start);
			t->rejected++;
			return 0;
		}
		ebr = ext + link.start;
	}
	printk(KERN_WARNING "part: %s: too many logical partitions; the rest ignored\n", disk);
	t->rejected++;
	return 0;
}

static int
parse_mbr(const char *disk, part_read_fn rd, void *ctx, uint64_t nsectors, const uint8_t *sec,
	  struct part_table *t)
{
	bool ext_done = false;
	int r = 0;

	t->scheme = PART_SCHEME_MBR;
	for (int i = 0; i < MBR_NPRIMARY && r == 0; i++) {
		struct mbr_entry e = entry_at(sec, i);

		if (!e.type || !e.count)
			continue;
		if (!inside(e.start, e.count, 1, nsectors)) {
			printk(KERN_WARNING "part: %s%d: sectors %u+%u lie outside the disk; ignored\n",
			       disk, i + 1, e.start, e.count);
			t->rejected++;
			continue;
		}
		if (!is_extended(e.type)) {
			add_mbr(disk, t, i + 1, &e, e.start);
		} else if (!ext_done) {
			ext_done = true;
			r = parse_logical(disk, rd, ctx, e.start, e.count, t);
		}
	}
	return r;
}

/* A real MBR marks entries active (0x80) or not (0); anything else is not one. */
static bool
statuses_valid(const uint8_t *sec)
{
	for (int i = 0; i < MBR_NPRIMARY; i++) {
		uint8_t s = entry_at(sec, i).status;

		if (s != 0 && s != MBR_ACTIVE)
			return false;
	}
	return true;
}

static bool
is_protective(const uint8_t *sec)
{
	for (int i = 0; i < MBR_NPRIMARY; i++)
		if (entry_at(sec, i).type == MBR_TYPE_GPT)
			return true;
	return false;
}

int
part_parse(const char *disk, part_read_fn rd, void *ctx, uint64_t nsectors,
	   struct part_table *t)
{
	uint8_t sec[PART_SECTOR];
	int r;

	memset(t, 0, sizeof(*t));
	if (nsectors < 2)
		return 0;
	r = rd(ctx, 0, sec);
	if (r)
		return r;
	if (!has_signature(sec))
		return 0;
	if (!statuses_valid(sec)) {
		printk(KERN_WARNING "part: %s: sector 0 has the 0x55AA mark but bad entries; no partitions\n",
		       disk);
		t->rejected++;
		return 0;
	}
	if (is_protective(sec))
		return part_parse_gpt(disk, rd, ctx, nsectors, t);
	return parse_mbr(disk, rd, ctx, nsectors, sec, t);
}
