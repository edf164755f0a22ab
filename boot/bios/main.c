// SPDX-License-Identifier: MIT
/*
 * Keel's stage 2 for BIOS machines: from a menu to the kernel.
 *
 * The multi-stage boot: the BIOS runs the MBR (stage 1, 512 bytes), which
 * can only load a few sectors; those sectors are this program, big enough
 * to understand a file system.  In order:
 *
 *   1. open the A20 gate, so memory above 1 MiB is really there;
 *   2. ask the BIOS for the memory map (E820);
 *   3. find the root partition and read its ext2 file system;
 *   4. show the boot menu (screen and COM1) and wait for a choice or the
 *      timeout;
 *   5. read /boot/keel.elf to a scratch area at 16 MiB and copy its PT_LOAD
 *      segments to their physical addresses (1 MiB up);
 *   6. read /boot/initrd.cpio, if there is one, to the next page after the
 *      kernel;
 *   7. describe all that in a multiboot 1 information block and enter the
 *      kernel's _start32 as any multiboot loader does: 32-bit protected
 *      mode, paging off, %eax = 0x2BADB002, %ebx = the block.
 *
 * Stage 2 has been in protected mode since its first instructions
 * (stage2.S), so the "mode switch" before the kernel is already behind it:
 * the kernel takes over from 32-bit protected mode and climbs to long mode
 * itself.  The kernel then needs nothing new for this path.
 */
#include "bios/bios.h"
#include "common/elf64.h"
#include "lib/string.h"

#define KERNEL_PATH   "/boot/keel.elf"
#define INITRD_PATH   "/boot/initrd.cpio"
#define SCRATCH       (16u << 20)        /* the ELF file while it is unpacked */
#define SCRATCH_MAX   (48u << 20)
#define MAX_MMAP      64
#define PAGE          4096u

#define MB1_BOOT_MAGIC   0x2BADB002
#define MB1_INFO_MEM     (1u << 0)
#define MB1_INFO_BOOTDEV (1u << 1)
#define MB1_INFO_CMDLINE (1u << 2)
#define MB1_INFO_MODS    (1u << 3)
#define MB1_INFO_MMAP    (1u << 6)
#define MB1_INFO_LOADER  (1u << 9)

void stage2_main(uint32_t drive);

/* The multiboot 1 information block, as far as stage 2 fills it. */
struct __packed mb1_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr, config_table, boot_loader_name;
};

struct __packed mb1_mmap {
	uint32_t size;                   /* of the rest of this entry: 20 */
	uint64_t addr, len;
	uint32_t type;
};

struct __packed mb1_mod {
	uint32_t start, end, string, reserved;
};

static struct mem_range mmap[MAX_MMAP];
static unsigned nmmap;

static __noreturn void
halt(const char *why)
{
	con_printf("stage2: %s; halted.\n", why);
	for (;;)
		__asm__ __volatile__("hlt");
}

/* Read a file to addr after checking the memory is there; its size or -errno. */
static long
load_file(const char *path, uint32_t addr, uint32_t max)
{
	long size = root_file_size(path);

	if (size < 0)
		return size;
	if ((uint32_t)size > max || !mem_usable(mmap, nmmap, addr, size)) {
		con_printf("stage2: %s (%ld bytes) does not fit in memory at %#x\n", path, size,
			   addr);
		return -1;
	}
	con_printf("stage2: reading %s, %ld bytes, to %#x\n", path, size, addr);
	return root_read_file(path, (void *)addr, size);
}

static struct elf_span
load_kernel(void)
{
	struct elf_span span;
	const char *why;
	long size = load_file(KERNEL_PATH, SCRATCH, SCRATCH_MAX);

	if (size < 0)
		halt("cannot read " KERNEL_PATH);
	if (elf_inspect((void *)SCRATCH, size, &span, &why) < 0) {
		con_printf("stage2: " KERNEL_PATH ": %s\n", why);
		halt("not a kernel Keel can load");
	}
	if (span.hi > SCRATCH || !mem_usable(mmap, nmmap, span.lo, span.hi - span.lo))
		halt("the kernel's load addresses are not free memory");
	elf_load((void *)SCRATCH, size, (uint8_t *)(uintptr_t)span.lo, span.lo);
	con_printf("stage2: kernel at %#llx-%#llx, entry %#llx\n", (unsigned long long)span.lo,
		   (unsigned long long)span.hi, (unsigned long long)span.entry32);
	return span;
}

/* Conventional memory below 640 KiB and contiguous memory from 1 MiB, in KiB. */
static void
basic_memory(struct mb1_info *mb)
{
	uint64_t upper = 1u << 20;

	for (unsigned i = 0; i < nmmap; i++)
		if (mmap[i].type == MEM_USABLE && mmap[i].base == 0)
			mb->mem_lower = MIN(mmap[i].len, 640u << 10) >> 10;
	while (mem_usable(mmap, nmmap, upper, PAGE) && upper < (4ull << 30))
		upper += PAGE;
	mb->mem_upper = (upper - (1u << 20)) >> 10;
}

/* Build the information block in INFO_START..INFO_END; returns its address. */
static uint32_t
build_info(const char *cmdline, uint32_t initrd, long initrd_size)
{
	struct mb1_info *mb = (struct mb1_info *)INFO_START;
	struct mb1_mod *mod = (struct mb1_mod *)(INFO_START + sizeof(*mb));
	struct mb1_mmap *mm = (struct mb1_mmap *)(mod + 1);
	char *strings = (char *)(mm + nmmap);

	memset(mb, 0, sizeof(*mb));
	mb->flags = MB1_INFO_MEM | MB1_INFO_BOOTDEV | MB1_INFO_CMDLINE | MB1_INFO_MMAP |
		    MB1_INFO_LOADER;
	basic_memory(mb);
	mb->boot_device = (uint32_t)boot_drive << 24 | 0x00FFFFFF;
	for (unsigned i = 0; i < nmmap; i++)
		mm[i] = (struct mb1_mmap){ 20, mmap[i].base, mmap[i].len, mmap[i].type };
	mb->mmap_addr = (uint32_t)mm;
	mb->mmap_length = nmmap * sizeof(*mm);
	mb->boot_loader_name = (uint32_t)strings;
	strings += strlcpy(strings, "Keel BIOS loader", 64) + 1;
	mb->cmdline = (uint32_t)strings;
	strings += strlcpy(strings, cmdline, BOOT_CMDLINE_MAX) + 1;
	if (initrd_size >= 0) {
		mb->flags |= MB1_INFO_MODS;
		mb->mods_count = 1;
		mb->mods_addr = (uint32_t)mod;
		*mod = (struct mb1_mod){ initrd, initrd + initrd_size, (uint32_t)strings, 0 };
		strlcpy(strings, "initrd.cpio", 16);
	}
	return INFO_START;
}

static __noreturn void
enter_kernel(uint32_t entry, uint32_t info)
{
	__asm__ __volatile__("cli\n\tjmp *%0" : : "r"(entry), "a"(MB1_BOOT_MAGIC), "b"(info)
			     : "memory");
	__builtin_unreachable();
}

void
stage2_main(uint32_t drive)
{
	struct boot_menu menu;
	const struct boot_entry *e;
	struct elf_span span;
	uint32_t initrd;
	long initrd_size;

	con_init();
	con_printf("Keel stage 2 (BIOS loader), boot drive %#x\n", drive);
	if (a20_enable() < 0)
		halt("memory above 1 MiB is unreachable");
	nmmap = e820_read(mmap, MAX_MMAP);
	if (nmmap == 0)
		halt("the BIOS gave no memory map");
	if (disk_init(drive) < 0 || root_mount() < 0)
		halt("no root file system");
	menu_load(&menu);
	if (menu.a20_selftest && a20_selftest() < 0)
		halt("the A20 self-test failed");
	e = menu_choose(&menu);
	con_printf("stage2: booting \"%s\": %s\n", e->title, e->cmdline);
	span = load_kernel();
	initrd = ALIGN_UP((uint32_t)span.hi, PAGE);
	initrd_size = load_file(INITRD_PATH, initrd, SCRATCH_MAX);
	if (initrd_size < 0)
		con_printf("stage2: no initramfs (" INITRD_PATH ")\n");
	con_printf("stage2: entering the kernel\n");
	enter_kernel(span.entry32, build_info(e->cmdline, initrd, initrd_size));
}
