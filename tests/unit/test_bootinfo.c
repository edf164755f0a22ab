// SPDX-License-Identifier: MIT
// The boot hand-off between Keel's loaders and the kernel: the UEFI loader's
// multiboot 2 builder read back by the kernel's parser, the EFI memory map
// conversion, and the loaders' ELF program-header loading.
// UNIT_SRCS: kernel/arch/x86_64/multiboot.c boot/common/mb2.c boot/common/elf64.c boot/uefi/memmap.c kernel/lib/string.c
// UNIT_CFLAGS: -Iboot -fno-builtin -Dmemcpy=k_memcpy -Dmemmove=k_memmove -Dmemset=k_memset -Dmemcmp=k_memcmp -Dmemchr=k_memchr -Dstrlen=k_strlen -Dstrnlen=k_strnlen -Dstrcmp=k_strcmp -Dstrncmp=k_strncmp -Dstrchr=k_strchr -Dstrrchr=k_strrchr -Dstrstr=k_strstr -Dstrlcpy=k_strlcpy -Dstrlcat=k_strlcat
#include "unit.h"
#include "arch/bootinfo.h"
#include "common/elf64.h"
#include "common/mb2.h"
#include "uefi/memmap.h"

#define INFO_PHYS 0x10000ull

static uint64_t block[2048];     /* an 8-byte aligned information block */

static const uint8_t rsdp_v2[36] = {
	'R', 'S', 'D', ' ', 'P', 'T', 'R', ' ', 0, 'B', 'O', 'C', 'H', 'S', ' ', 2,
	0, 0, 0, 0, 36, 0, 0, 0,
};

static uint32_t
build_sample(struct mb2_builder *b, uint32_t cap)
{
	struct mb2_fb fb = { .addr = 0x80000000, .pitch = 5120, .width = 1280, .height = 800,
			     .bpp = 32, .red_pos = 16, .red_size = 8, .green_pos = 8,
			     .green_size = 8, .blue_pos = 0, .blue_size = 8 };

	mb2_begin(b, block, cap);
	mb2_add_string(b, MB2_TAG_LOADER_NAME, "Keel UEFI loader");
	mb2_add_string(b, MB2_TAG_CMDLINE, "console=ttyS0 keel.ktest=all");
	mb2_add_module(b, 0x200000, 0x200200, "initrd.cpio");
	mb2_add_framebuffer(b, &fb);
	mb2_add_rsdp(b, rsdp_v2);
	mb2_mmap_begin(b);
	mb2_mmap_add(b, 0, 0x9f000, MEM_USABLE);
	mb2_mmap_add(b, 0x100000, 0x1ff00000, MEM_USABLE);
	mb2_mmap_add(b, 0x1ff00000, 0x100000, MEM_ACPI_NVS);
	return mb2_finish(b);
}

TEST(mb2_block_reads_back_into_boot_info)
{
	struct mb2_builder b;
	struct boot_info bi;
	uint32_t len = build_sample(&b, sizeof(block));

	CHECK(len > 0 && len % 8 == 0);
	CHECK(multiboot_parse(&bi, MB2_BOOT_MAGIC, block, INFO_PHYS));
	CHECK_STR(bi.loader, "multiboot2");
	CHECK_STR(bi.loader_name, "Keel UEFI loader");
	CHECK_STR(bi.cmdline, "console=ttyS0 keel.ktest=all");
	CHECK_EQ(bi.mb_info_len, len);
	CHECK_EQ(bi.nmodules, 1);
	CHECK_EQ(bi.modules[0].start, 0x200000);
	CHECK_EQ(bi.modules[0].end, 0x200200);
	CHECK_STR(bi.modules[0].name, "initrd.cpio");
	CHECK_EQ(bi.fb.addr, 0x80000000);
	CHECK_EQ(bi.fb.width, 1280);
	CHECK_EQ(bi.fb.height, 800);
	CHECK_EQ(bi.fb.pitch, 5120);
	CHECK_EQ(bi.fb.bpp, 32);
	CHECK(!bi.fb.text_mode);
	CHECK_EQ(bi.fb.red.pos, 16);
	CHECK_EQ(bi.fb.green.pos, 8);
	CHECK_EQ(bi.fb.blue.size, 8);
	/* The kernel gets the physical address of the copy inside the block. */
	CHECK(bi.rsdp > INFO_PHYS && bi.rsdp < INFO_PHYS + len);
	CHECK(memcmp((uint8_t *)block + (bi.rsdp - INFO_PHYS), rsdp_v2, 36) == 0);
	CHECK_EQ(bi.nmmap, 3);
	CHECK_EQ(bi.mmap[1].base, 0x100000);
	CHECK_EQ(bi.mmap[1].len, 0x1ff00000);
	CHECK_EQ(bi.mmap[2].type, MEM_ACPI_NVS);
}

TEST(mb2_too_small_buffer_is_refused)
{
	struct mb2_builder b;

	CHECK_EQ(build_sample(&b, 96), 0);
	CHECK(b.overflow);
}

TEST(mb2_memory_map_rebuilt_from_a_copy)
{
	struct mb2_builder b, saved;
	struct boot_info bi;

	mb2_begin(&b, block, sizeof(block));
	mb2_add_string(&b, MB2_TAG_CMDLINE, "quiet");
	saved = b;
	mb2_mmap_begin(&b);
	mb2_mmap_add(&b, 0, 0x1000, MEM_USABLE);
	mb2_mmap_add(&b, 0x1000, 0x1000, MEM_USABLE);
	CHECK(mb2_finish(&b) > 0);
	/* A stale map key: the loader starts again from the copy. */
	b = saved;
	mb2_mmap_begin(&b);
	mb2_mmap_add(&b, 0x100000, 0x100000, MEM_USABLE);
	CHECK(mb2_finish(&b) > 0);
	CHECK(multiboot_parse(&bi, MB2_BOOT_MAGIC, block, INFO_PHYS));
	CHECK_STR(bi.cmdline, "quiet");
	CHECK_EQ(bi.nmmap, 1);
	CHECK_EQ(bi.mmap[0].base, 0x100000);
}

/* Descriptors 48 bytes apart, as OVMF reports them (larger than the struct). */
struct padded_desc {
	struct efi_memory_descriptor d;
	uint64_t firmware_extra;
};

TEST(efi_map_converts_types_and_merges_neighbours)
{
	struct padded_desc map[] = {
		{ { EFI_BOOT_SERVICES_CODE, 0, 0x0, 0, 0x9f, 0 }, 0 },
		{ { EFI_CONVENTIONAL_MEMORY, 0, 0x100000, 0, 0x100, 0 }, 0 },
		{ { EFI_LOADER_DATA, 0, 0x200000, 0, 0x10, 0 }, 0 },       /* merges */
		{ { EFI_RUNTIME_SERVICES_DATA, 0, 0x210000, 0, 0x10, 0 }, 0 },
		{ { EFI_ACPI_RECLAIM_MEMORY, 0, 0x220000, 0, 0x2, 0 }, 0 },
		{ { EFI_MEMORY_MAPPED_IO, 0, 0xffc00000, 0, 0x400, 0 }, 0 },
		{ { EFI_CONVENTIONAL_MEMORY, 0, 0x300000, 0, 0, 0 }, 0 },  /* empty */
		{ { 0x70000000, 0, 0x400000, 0, 1, 0 }, 0 },              /* OEM type */
	};
	struct mb2_builder b;
	struct boot_info bi;

	mb2_begin(&b, block, sizeof(block));
	mb2_mmap_begin(&b);
	CHECK_EQ(efi_memmap_to_mb2(&b, map, sizeof(map), sizeof(map[0])), 6);
	CHECK(mb2_finish(&b) > 0);
	CHECK(multiboot_parse(&bi, MB2_BOOT_MAGIC, block, INFO_PHYS));
	CHECK_EQ(bi.nmmap, 6);
	CHECK_EQ(bi.mmap[0].len, 0x9f000);
	CHECK_EQ(bi.mmap[1].base, 0x100000);
	CHECK_EQ(bi.mmap[1].len, 0x110000);
	CHECK_EQ(bi.mmap[1].type, MEM_USABLE);
	CHECK_EQ(bi.mmap[2].type, MEM_RESERVED);
	CHECK_EQ(bi.mmap[3].type, MEM_ACPI_RECLAIM);
	CHECK_EQ(bi.mmap[4].type, MEM_RESERVED);
	CHECK_EQ(bi.mmap[5].type, MEM_RESERVED);
	/* A descriptor size smaller than the structure is nonsense. */
	CHECK_EQ(efi_memmap_to_mb2(&b, map, sizeof(map), 8), 0);
}

/* ---------------------------------------------------------------- ELF */

struct test_elf {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
	struct {
		uint32_t type, flags;
		uint64_t offset, vaddr, paddr, filesz, memsz, align;
	} ph[2];
	uint8_t pad[0x100 - 64 - 2 * 56];
	uint8_t text[0x40];        /* file offset 0x100: segment 0 */
	uint8_t data[0x10];        /* file offset 0x140: segment 1 */
};

static void
make_elf(struct test_elf *e)
{
	memset(e, 0, sizeof(*e));
	memcpy(e->ident, "\177ELF\2\1\1", 7);
	e->type = 2;
	e->machine = 62;
	e->entry = 0x100010;
	e->phoff = 64;
	e->phentsize = 56;
	e->phnum = 2;
	e->ph[0].type = 1;
	e->ph[0].offset = 0x100;
	e->ph[0].paddr = 0x100000;
	e->ph[0].vaddr = 0xffffffff80100000ull;
	e->ph[0].filesz = e->ph[0].memsz = 0x40;
	e->ph[1].type = 1;
	e->ph[1].offset = 0x140;
	e->ph[1].paddr = 0x102000;
	e->ph[1].filesz = 0x10;
	e->ph[1].memsz = 0x30;              /* 0x20 bytes of .bss */
	memset(e->text, 0xcc, sizeof(e->text));
	memset(e->data, 0x5a, sizeof(e->data));
	/* The Keel entry header, 8-byte aligned: signature, version 1, entry. */
	memcpy(e->text + 8, "KEELENTR\1\0\0\0\0\0\0\0", 16);
	memcpy(e->text + 24, &(uint64_t){ 0x100030 }, 8);
}

TEST(elf_span_entries_and_load)
{
	static struct test_elf e;
	static uint8_t mem[0x3000];
	struct elf_span span;
	const char *why = NULL;

	make_elf(&e);
	CHECK_EQ(elf_inspect(&e, sizeof(e), &span, &why), 0);
	CHECK_EQ(span.lo, 0x100000);
	CHECK_EQ(span.hi, 0x103000);
	CHECK_EQ(span.nload, 2);
	CHECK_EQ(span.entry32, 0x100010);
	CHECK_EQ(span.entry64, 0x100030);
	memset(mem, 0xee, sizeof(mem));
	elf_load(&e, sizeof(e), mem, 0x100000);
	CHECK_EQ(mem[0x3f], 0xcc);
	CHECK_EQ(mem[0x2000], 0x5a);
	CHECK_EQ(mem[0x200f], 0x5a);
	CHECK_EQ(mem[0x2010], 0);            /* .bss cleared */
	CHECK_EQ(mem[0x202f], 0);
	CHECK_EQ(mem[0x2030], 0xee);         /* nothing past the segment */
}

TEST(elf_bad_files_are_refused_with_a_reason)
{
	static struct test_elf e;
	struct elf_span span;
	const char *why = NULL;

	make_elf(&e);
	e.ph[1].filesz = 0x1000;             /* runs past the end of the file */
	e.ph[1].memsz = 0x1000;
	CHECK(elf_inspect(&e, sizeof(e), &span, &why) < 0);
	CHECK_STR(why, "a segment lies outside the file");
	make_elf(&e);
	e.entry = 0x500000;
	CHECK(elf_inspect(&e, sizeof(e), &span, &why) < 0);
	CHECK_STR(why, "the entry point is not in a loaded segment");
	make_elf(&e);
	e.machine = 3;                       /* i386 */
	CHECK(elf_inspect(&e, sizeof(e), &span, &why) < 0);
	make_elf(&e);
	e.phnum = 200;
	CHECK(elf_inspect(&e, sizeof(e), &span, &why) < 0);
	CHECK_STR(why, "bad program header table");
	CHECK(elf_inspect(&e, 10, &span, &why) < 0);
	CHECK_STR(why, "not an ELF file");
}
