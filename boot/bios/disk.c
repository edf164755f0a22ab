// SPDX-License-Identifier: MIT
/*
 * Stage 2's disk: sectors through the BIOS, files through Keel's ext2
 * library (kernel/fs/ext2/, its read path compiled for 32-bit as it is).
 *
 * Sectors.  The BIOS reads only into memory below 1 MiB that real mode can
 * address, so every read lands in a 64 KiB bounce buffer and is copied from
 * there.  With the int 13h extensions (AH=41h says so) a read names its
 * first sector by 64-bit LBA in a "disk address packet" (AH=42h); without
 * them, AH=02h takes a cylinder/head/sector triple, computed from the
 * geometry AH=08h reports, and reaches only the first 1024 cylinders.  A
 * failed read is retried after a controller reset (AH=00h), as floppies
 * need.  Stage 1 can be told to use CHS even when the extensions exist (a
 * flag byte in the MBR, set by tools/mkdisk.sh --chs); stage 2 reads the
 * same flag from the relocated MBR, so a test can walk the old path.
 *
 * Files.  The root partition is the active Linux (0x83) partition of the
 * MBR's table, or the first one.  ext2 asks for whole file-system blocks;
 * its memory comes from a stack in 0x30000..0x70000, which suits the read
 * path, since it frees in the reverse order it allocates.
 */
#include "bios/bios.h"
#include "fs/ext2/ext2.h"
#include "lib/string.h"
#include "uapi/errno.h"

#define MBR_COPY        0x0600u     /* stage 1, relocated */
#define MBR_FLAGS_OFF   432         /* see boot/bios/mbr.S */
#define MBR_FLAG_CHS    0x01
#define SECTOR          512u
#define LBA_CHUNK       64u         /* sectors per extended read: 32 KiB */
#define PART_LINUX      0x83
#define MAX_ALLOCS      64

struct __packed dap {
	uint8_t size, zero;
	uint16_t count, offset, segment;
	uint64_t lba;
};

static struct {
	uint8_t drive;
	bool lba;
	uint32_t sectors, heads;        /* CHS geometry */
	uint64_t part_lba, part_sectors;
	struct ext2_fs *fs;
} disk;

static struct dap dap;              /* in .bss, below 0x20000 */

static int
chs_params(uint64_t lba, struct bios_regs *r)
{
	uint32_t sector = lba % disk.sectors + 1;
	uint32_t track = lba / disk.sectors;
	uint32_t head = track % disk.heads, cyl = track / disk.heads;

	if (cyl > 1023)
		return -EIO;
	r->ecx = (cyl & 0xFF) << 8 | (cyl >> 2 & 0xC0) | sector;
	r->edx = head << 8 | disk.drive;
	r->eax = 0x0201;                /* one sector */
	r->ebx = OFF(BOUNCE_BUF);
	r->es = SEG(BOUNCE_BUF);
	return 0;
}

/* count sectors at lba into the bounce buffer (count <= LBA_CHUNK, 1 for CHS). */
static int
bios_read(uint64_t lba, unsigned count)
{
	for (int attempt = 0; attempt < 3; attempt++) {
		struct bios_regs r = { 0 };

		if (disk.lba) {
			dap = (struct dap){ .size = sizeof(dap), .count = count,
					    .offset = OFF(BOUNCE_BUF),
					    .segment = SEG(BOUNCE_BUF), .lba = lba };
			r.eax = 0x4200;
			r.edx = disk.drive;
			r.esi = OFF((uint32_t)&dap);
			r.ds = SEG((uint32_t)&dap);
		} else if (chs_params(lba, &r) < 0) {
			return -EIO;
		}
		bios_int(0x13, &r);
		if (!(r.eflags & EFLAGS_CF))
			return 0;
		r = (struct bios_regs){ .eax = 0x0000, .edx = disk.drive };   /* reset */
		bios_int(0x13, &r);
	}
	return -EIO;
}

int
disk_read(uint64_t lba, unsigned count, void *buf)
{
	uint8_t *to = buf;

	while (count) {
		unsigned n = disk.lba ? MIN(count, LBA_CHUNK) : 1;
		if (bios_read(lba, n) < 0) {
			con_printf("disk: read error at sector %llu\n", (unsigned long long)lba);
			return -EIO;
		}
		memcpy(to, (const void *)BOUNCE_BUF, n * SECTOR);
		to += n * SECTOR;
		lba += n;
		count -= n;
	}
	return 0;
}

int
disk_init(uint8_t drive)
{
	bool force_chs = *(volatile uint8_t *)(MBR_COPY + MBR_FLAGS_OFF) & MBR_FLAG_CHS;
	struct bios_regs r = { .eax = 0x4100, .ebx = 0x55AA, .edx = drive };

	disk.drive = drive;
	if (!force_chs) {
		bios_int(0x13, &r);
		disk.lba = !(r.eflags & EFLAGS_CF) && (r.ebx & 0xFFFF) == 0xAA55 && (r.ecx & 1);
	}
	if (disk.lba) {
		con_printf("disk: drive %#x, int 13h extensions (LBA)\n", drive);
		return 0;
	}
	r = (struct bios_regs){ .eax = 0x0800, .edx = drive };
	bios_int(0x13, &r);
	if (r.eflags & EFLAGS_CF) {
		con_printf("disk: drive %#x: no geometry (int 13h AH=08h failed)\n", drive);
		return -EIO;
	}
	disk.sectors = r.ecx & 0x3F;
	disk.heads = ((r.edx >> 8) & 0xFF) + 1;
	con_printf("disk: drive %#x, CHS%s: %u heads, %u sectors per track\n", drive,
		   force_chs ? " (forced by the MBR flag)" : "", disk.heads, disk.sectors);
	return disk.sectors ? 0 : -EIO;
}

/* The root partition from the MBR: active Linux, else the first Linux one. */
static int
find_root_partition(void)
{
	uint8_t mbr[SECTOR];
	int pick = -1;

	if (disk_read(0, 1, mbr) < 0)
		return -EIO;
	if (mbr[510] != 0x55 || mbr[511] != 0xAA)
		return -EINVAL;
	for (int pass = 0; pass < 2 && pick < 0; pass++) {
		for (int i = 0; i < 4 && pick < 0; i++) {
			const uint8_t *e = mbr + 446 + 16 * i;
			if (e[4] == PART_LINUX && (pass == 1 || e[0] == 0x80))
				pick = i;
		}
	}
	if (pick < 0)
		return -ENOENT;
	memcpy(&disk.part_lba, mbr + 446 + 16 * pick + 8, 4);
	memcpy(&disk.part_sectors, mbr + 446 + 16 * pick + 12, 4);
	con_printf("disk: root is partition %d, sectors %llu..%llu\n", pick + 1,
		   (unsigned long long)disk.part_lba,
		   (unsigned long long)(disk.part_lba + disk.part_sectors - 1));
	return 0;
}

/* ----------------------------------------------------- ext2's callbacks */

static int
ext2_block_read(struct ext2_io *io, uint64_t blkno, void *buf)
{
	uint32_t per_block = io->block_size / SECTOR;

	if ((blkno + 1) * per_block > disk.part_sectors)
		return -EIO;
	return disk_read(disk.part_lba + blkno * per_block, per_block, buf);
}

static int
ext2_block_write(struct ext2_io *io, uint64_t blkno, const void *buf)
{
	return -EROFS;                  /* the loader never writes */
}

static uint8_t *heap_top = (uint8_t *)HEAP_START;
static uint8_t *allocs[MAX_ALLOCS];
static unsigned nallocs;

static void *
heap_alloc(void *ctx, size_t size)
{
	uint8_t *p = heap_top;

	size = ALIGN_UP(size, 16);
	if (size > HEAP_END - (uint32_t)heap_top || nallocs == MAX_ALLOCS)
		return NULL;
	heap_top += size;
	allocs[nallocs++] = p;
	return p;
}

/* A stack: freeing the newest block gives its memory back; others wait. */
static void
heap_free(void *ctx, void *p)
{
	if (nallocs && allocs[nallocs - 1] == p)
		heap_top = allocs[--nallocs];
}

static struct ext2_io root_io = { .read = ext2_block_read, .write = ext2_block_write };
static const struct ext2_env root_env = { .alloc = heap_alloc, .free = heap_free };

int
root_mount(void)
{
	const char *msg = NULL;
	int err = find_root_partition();

	if (err < 0) {
		con_printf("disk: no Linux (0x83) partition in the partition table\n");
		return err;
	}
	err = ext2_load(&disk.fs, &root_io, &root_env, &msg);
	if (err < 0) {
		con_printf("ext2: cannot read the root file system: %s\n", msg ? msg : "I/O error");
		return err;
	}
	con_printf("ext2: root file system, %u-byte blocks\n", root_io.block_size);
	return 0;
}

long
root_file_size(const char *path)
{
	struct ext2_stat st;
	uint32_t ino;
	int err = ext2_lookup_path(disk.fs, path, &ino);

	if (err == 0)
		err = ext2_getattr(disk.fs, ino, &st);
	if (err < 0)
		return err;
	if ((st.mode & EXT2_S_IFMT) != EXT2_S_IFREG)
		return -EISDIR;
	return st.size > 0x7FFFFFFF ? -EFBIG : (long)st.size;
}

long
root_read_file(const char *path, void *buf, uint64_t max)
{
	long size = root_file_size(path);
	uint32_t ino;

	if (size < 0)
		return size;
	if ((uint64_t)size > max)
		return -EFBIG;
	if (ext2_lookup_path(disk.fs, path, &ino) < 0)
		return -ENOENT;
	return ext2_read(disk.fs, ino, 0, buf, size);
}
