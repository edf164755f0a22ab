// SPDX-License-Identifier: MIT
/*
 * Keel's UEFI loader: a PE32+ application (\EFI\BOOT\BOOTX64.EFI on the EFI
 * system partition) that loads the kernel and hands it the machine.
 *
 *   1. read \EFI\KEEL\keel.elf, and if present \EFI\KEEL\initrd.cpio and the
 *      command line \EFI\KEEL\cmdline.txt, through the Simple File System
 *      protocol of the volume the loader came from;
 *   2. allocate the physical pages the ELF's PT_LOAD segments name (p_paddr,
 *      1 MiB up) with AllocatePages(AllocateAddress) and copy them there;
 *   3. describe the machine in a multiboot 2 information block: command
 *      line, loader name, the initramfs as a module, the GOP framebuffer,
 *      a copy of the ACPI RSDP from the configuration table;
 *   4. get the memory map, turn it into E820 ranges in the block, and call
 *      ExitBootServices with its key, fetching the map again if the key went
 *      stale in between;
 *   5. jump to the kernel.
 *
 * The hand-off.  UEFI runs the loader in 64-bit long mode with the low
 * memory identity mapped, while the kernel's multiboot entry _start32 wants
 * 32-bit protected mode with paging off.  Rather than climb down to 32-bit
 * mode here (as GRUB does) only for the kernel to climb back up, the kernel
 * has a second, long-mode entry, _start64 (kernel/arch/x86_64/boot.S), which
 * the loader finds through the kernel's "KEELENTR" header.  The loader jumps
 * there with interrupts off, the multiboot 2 magic in %eax and the
 * information block's physical address (below 4 GiB) in %ebx; _start64 sets
 * up the kernel's boot page tables and GDT itself.  The kernel then parses
 * the block exactly as it parses GRUB's, so boot_info is filled the same way.
 */
#include "uefi/loader.h"
#include "uefi/memmap.h"
#include "common/elf64.h"
#include "common/mb2.h"
#include "lib/string.h"

#define KERNEL_PATH  "/EFI/KEEL/keel.elf"
#define INITRD_PATH  "/EFI/KEEL/initrd.cpio"
#define CMDLINE_PATH "/EFI/KEEL/cmdline.txt"
#define DEFAULT_CMDLINE "console=ttyS0"
#define CMDLINE_MAX  1024
#define INFO_BYTES   (16 * 1024)

struct boot_state {
	efi_handle image;
	struct efi_file *root;
	uint64_t entry64;
	struct mb2_builder mb;
};

static efi_status
fail(const char *what, efi_status st)
{
	con_printf("keel-uefi: error: %s (%s)\n", what, efi_status_str(st));
	return EFI_IS_ERROR(st) ? st : EFI_LOAD_ERROR;
}

/* Read the kernel, put its segments at their physical addresses. */
static efi_status
load_kernel(struct boot_state *bs)
{
	struct elf_span span;
	const char *why;
	uint64_t size, addr;
	void *file;
	efi_status st;

	st = vol_read_file(bs->root, KERNEL_PATH, &file, &size);
	if (EFI_IS_ERROR(st))
		return fail("cannot read " KERNEL_PATH, st);
	if (elf_inspect(file, size, &span, &why) < 0) {
		con_printf("keel-uefi: error: " KERNEL_PATH ": %s\n", why);
		return EFI_LOAD_ERROR;
	}
	if (!span.entry64) {
		con_printf("keel-uefi: error: " KERNEL_PATH " has no 64-bit entry header\n");
		return EFI_UNSUPPORTED;
	}
	/* Code pages: OVMF may map loader *data* no-execute. */
	addr = span.lo;
	st = efi_bs->allocate_pages(EFI_ALLOCATE_ADDRESS, EFI_LOADER_CODE,
				    (span.hi - span.lo) / EFI_PAGE_SIZE, &addr);
	if (EFI_IS_ERROR(st)) {
		con_printf("keel-uefi: error: memory %#llx-%#llx for the kernel is taken (%s)\n",
			   (unsigned long long)span.lo, (unsigned long long)span.hi,
			   efi_status_str(st));
		return st;
	}
	elf_load(file, size, (uint8_t *)(uintptr_t)span.lo, span.lo);
	efi_bs->free_pages((uintptr_t)file, (size + EFI_PAGE_SIZE - 1) / EFI_PAGE_SIZE);
	bs->entry64 = span.entry64;
	con_printf("keel-uefi: kernel %#llx-%#llx, %u segments, entry %#llx\n",
		   (unsigned long long)span.lo, (unsigned long long)span.hi, span.nload,
		   (unsigned long long)span.entry64);
	return EFI_SUCCESS;
}

/* The command line file, blanks for line breaks, or the default. */
static void
add_cmdline(struct boot_state *bs)
{
	char line[CMDLINE_MAX];
	uint64_t size, n = 0;
	void *data;

	if (EFI_IS_ERROR(vol_read_file(bs->root, CMDLINE_PATH, &data, &size))) {
		mb2_add_string(&bs->mb, MB2_TAG_CMDLINE, DEFAULT_CMDLINE);
		con_printf("keel-uefi: no " CMDLINE_PATH "; command line \"%s\"\n",
			   DEFAULT_CMDLINE);
		return;
	}
	for (const char *p = data; p < (const char *)data + size && n + 1 < sizeof(line); p++)
		line[n++] = (*p == '\n' || *p == '\r' || *p == '\t') ? ' ' : *p;
	while (n && line[n - 1] == ' ')
		n--;
	line[n] = 0;
	efi_bs->free_pages((uintptr_t)data, (size + EFI_PAGE_SIZE - 1) / EFI_PAGE_SIZE);
	mb2_add_string(&bs->mb, MB2_TAG_CMDLINE, line);
	con_printf("keel-uefi: command line \"%s\"\n", line);
}

static void
add_initrd(struct boot_state *bs)
{
	uint64_t size;
	void *data;
	efi_status st;

	st = vol_read_file(bs->root, INITRD_PATH, &data, &size);
	if (st == EFI_NOT_FOUND) {
		con_printf("keel-uefi: no " INITRD_PATH "\n");
		return;
	}
	if (EFI_IS_ERROR(st)) {
		fail("cannot read " INITRD_PATH "; booting without it", st);
		return;
	}
	mb2_add_module(&bs->mb, (uint32_t)(uintptr_t)data, (uint32_t)((uintptr_t)data + size),
		       "initrd.cpio");
	con_printf("keel-uefi: initramfs %llu bytes at %#llx\n", (unsigned long long)size,
		   (unsigned long long)(uintptr_t)data);
}

/* Bit position and width of a GOP colour mask. */
static void
mask_field(uint32_t mask, uint8_t *pos, uint8_t *size)
{
	*pos = *size = 0;
	if (!mask)
		return;
	while (!(mask & 1)) {
		mask >>= 1;
		(*pos)++;
	}
	while (mask & 1) {
		mask >>= 1;
		(*size)++;
	}
}

static void
add_framebuffer(struct boot_state *bs)
{
	static const struct efi_guid gop_guid = EFI_GRAPHICS_OUTPUT_GUID;
	struct efi_graphics_output *gop;
	const struct efi_gop_mode_info *mi;
	struct mb2_fb fb = { .bpp = 32 };

	if (EFI_IS_ERROR(efi_bs->locate_protocol(&gop_guid, NULL, (void **)&gop)) ||
	    !gop->mode || !gop->mode->info) {
		con_printf("keel-uefi: no graphics output protocol; the kernel console "
			   "stays on the serial port\n");
		return;
	}
	mi = gop->mode->info;
	switch (mi->pixel_format) {
	case EFI_PIXEL_RGB_RESERVED_8BIT:
		mask_field(0x0000ff, &fb.red_pos, &fb.red_size);
		mask_field(0x00ff00, &fb.green_pos, &fb.green_size);
		mask_field(0xff0000, &fb.blue_pos, &fb.blue_size);
		break;
	case EFI_PIXEL_BGR_RESERVED_8BIT:
		mask_field(0xff0000, &fb.red_pos, &fb.red_size);
		mask_field(0x00ff00, &fb.green_pos, &fb.green_size);
		mask_field(0x0000ff, &fb.blue_pos, &fb.blue_size);
		break;
	case EFI_PIXEL_BIT_MASK: {
		uint32_t all = mi->red_mask | mi->green_mask | mi->blue_mask | mi->reserved_mask;
		mask_field(mi->red_mask, &fb.red_pos, &fb.red_size);
		mask_field(mi->green_mask, &fb.green_pos, &fb.green_size);
		mask_field(mi->blue_mask, &fb.blue_pos, &fb.blue_size);
		/* The pixel is as wide as its highest mask bit, in whole bytes. */
		fb.bpp = 8;
		while (fb.bpp < 32 && (all >> fb.bpp))
			fb.bpp += 8;
		break;
	}
	default:
		con_printf("keel-uefi: the display has no linear framebuffer (Blt only); "
			   "the kernel console stays on the serial port\n");
		return;
	}
	fb.addr = gop->mode->frame_buffer_base;
	fb.width = mi->horizontal_resolution;
	fb.height = mi->vertical_resolution;
	fb.pitch = mi->pixels_per_scan_line * (fb.bpp / 8);
	mb2_add_framebuffer(&bs->mb, &fb);
	con_printf("keel-uefi: framebuffer %ux%u at %#llx\n", fb.width, fb.height,
		   (unsigned long long)fb.addr);
}

/* The RSDP from the configuration table, preferring the ACPI 2.0 entry. */
static void
add_rsdp(struct boot_state *bs)
{
	static const struct efi_guid acpi2 = EFI_ACPI_20_TABLE_GUID;
	static const struct efi_guid acpi1 = EFI_ACPI_10_TABLE_GUID;
	const void *rsdp1 = NULL, *rsdp2 = NULL;

	for (uint64_t i = 0; i < efi_st->number_of_table_entries; i++) {
		const struct efi_configuration_table *t = &efi_st->configuration_table[i];
		if (memcmp(&t->vendor_guid, &acpi2, sizeof(acpi2)) == 0)
			rsdp2 = t->vendor_table;
		else if (memcmp(&t->vendor_guid, &acpi1, sizeof(acpi1)) == 0)
			rsdp1 = t->vendor_table;
	}
	if (!rsdp2 && !rsdp1) {
		con_printf("keel-uefi: no ACPI RSDP in the configuration table; "
			   "the kernel will search for one\n");
		return;
	}
	if (memcmp(rsdp2 ? rsdp2 : rsdp1, "RSD PTR ", 8) != 0) {
		con_printf("keel-uefi: the ACPI table entry is not an RSDP; ignored\n");
		return;
	}
	mb2_add_rsdp(&bs->mb, rsdp2 ? rsdp2 : rsdp1);
	con_printf("keel-uefi: ACPI %s RSDP at %#llx\n", rsdp2 ? "2.0" : "1.0",
		   (unsigned long long)(uintptr_t)(rsdp2 ? rsdp2 : rsdp1));
}

/*
 * Finish the information block with the final memory map and leave the
 * firmware.  ExitBootServices insists on the key of the latest map: if
 * anything allocated memory since GetMemoryMap (a timer event in the
 * firmware can), it fails with EFI_INVALID_PARAMETER and the map is fetched
 * again.  Between the two calls nothing may allocate, so the map buffer is
 * sized generously beforehand and the block's memory-map tag is rebuilt in
 * place.
 */
static efi_status
exit_firmware(struct boot_state *bs)
{
	const struct mb2_builder before_mmap = bs->mb;
	uint64_t size = 0, key, desc_size, cap;
	uint32_t desc_version;
	void *map;
	efi_status st;

	st = efi_bs->get_memory_map(&size, NULL, &key, &desc_size, &desc_version);
	if (st != EFI_BUFFER_TOO_SMALL)
		return fail("GetMemoryMap", st);
	cap = size + 16 * desc_size;        /* room for the pool allocation below */
	st = efi_bs->allocate_pool(EFI_LOADER_DATA, cap, &map);
	if (EFI_IS_ERROR(st))
		return fail("no memory for the memory map", st);
	con_printf("keel-uefi: exiting boot services, jumping to the kernel\n");

	for (int attempt = 0; attempt < 8; attempt++) {
		size = cap;
		st = efi_bs->get_memory_map(&size, map, &key, &desc_size, &desc_version);
		if (EFI_IS_ERROR(st))
			return fail("GetMemoryMap", st);
		bs->mb = before_mmap;
		mb2_mmap_begin(&bs->mb);
		efi_memmap_to_mb2(&bs->mb, map, size, desc_size);
		if (!mb2_finish(&bs->mb))
			return fail("the boot information does not fit", EFI_BUFFER_TOO_SMALL);
		st = efi_bs->exit_boot_services(bs->image, key);
		if (st != EFI_INVALID_PARAMETER)
			break;
	}
	/* If this fails the firmware is still in charge and can show the message. */
	if (EFI_IS_ERROR(st))
		return fail("ExitBootServices", st);
	return EFI_SUCCESS;
}

/* Into the kernel's _start64 (see the top of this file); no way back. */
static __attribute__((noreturn)) void
enter_kernel(uint64_t entry, uint32_t info_phys)
{
	__asm__ __volatile__("cli\n\tjmp *%0"
			     : : "r"(entry), "a"(MB2_BOOT_MAGIC), "b"(info_phys) : "memory");
	__builtin_unreachable();
}

efi_status
efi_main(efi_handle image, struct efi_system_table *st)
{
	struct boot_state bs = { .image = image };
	void *info;
	efi_status s;

	efi_st = st;
	efi_bs = st->boot_services;
	con_printf("keel-uefi: Keel UEFI loader\n");
	s = vol_open_root(image, &bs.root);
	if (EFI_IS_ERROR(s))
		return fail("cannot open the boot volume", s);
	s = load_kernel(&bs);
	if (EFI_IS_ERROR(s))
		return s;
	s = efi_alloc_low(EFI_LOADER_DATA, INFO_BYTES, &info);
	if (EFI_IS_ERROR(s))
		return fail("no memory for the boot information", s);
	mb2_begin(&bs.mb, info, INFO_BYTES);
	mb2_add_string(&bs.mb, MB2_TAG_LOADER_NAME, "Keel UEFI loader");
	add_cmdline(&bs);
	add_initrd(&bs);
	add_framebuffer(&bs);
	add_rsdp(&bs);
	s = exit_firmware(&bs);
	if (EFI_IS_ERROR(s))
		return s;
	enter_kernel(bs.entry64, (uint32_t)(uintptr_t)info);
}
