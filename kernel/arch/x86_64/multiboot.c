// SPDX-License-Identifier: MIT
/*
 * Multiboot 1 and 2 information blocks into boot_info.
 *
 * Multiboot 1 gives a fixed structure whose flags say which fields are valid;
 * its memory map is a list of variable-size entries each prefixed by its own
 * size.  Multiboot 2 gives a list of 8-byte-aligned tags.  Everything points
 * at physical memory below 4 GiB, reached through the direct map.  Pure C
 * apart from that translation, which the caller does.
 */
#include "arch/bootinfo.h"
#include "arch/arch.h"
#include "core/printk.h"
#include "lib/string.h"

#define MB1_BOOT_MAGIC 0x2BADB002
#define MB2_BOOT_MAGIC 0x36D76289

#define MB1_INFO_MEM     (1u << 0)
#define MB1_INFO_CMDLINE (1u << 2)
#define MB1_INFO_MODS    (1u << 3)
#define MB1_INFO_MMAP    (1u << 6)
#define MB1_INFO_LOADER  (1u << 9)
#define MB1_INFO_FB      (1u << 12)

/* Framebuffer types, the same numbers in multiboot 1 and 2. */
#define MB_FB_RGB  1
#define MB_FB_TEXT 2

struct boot_info boot_info;

struct __packed mb1_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr, config_table, boot_loader_name;
	uint32_t apm_table, vbe[4];
	uint16_t vbe_mode_extra[3];
	uint64_t fb_addr;
	uint32_t fb_pitch, fb_width, fb_height;
	uint8_t fb_bpp, fb_type;
	uint8_t fb_color[6];      /* RGB: red pos, size, green pos, size, blue pos, size */
};

struct __packed mb1_mmap {
	uint32_t size;
	uint64_t addr, len;
	uint32_t type;
};

struct __packed mb1_mod {
	uint32_t start, end, string, reserved;
};

static const void *
p2v(uint64_t pa)
{
	return phys_to_virt(pa);
}

static void
add_range(struct boot_info *bi, uint64_t base, uint64_t len, uint32_t type)
{
	if (bi->nmmap < BOOT_MAX_MMAP && len)
		bi->mmap[bi->nmmap++] = (struct mem_range){ base, len, type };
}

static void
add_module(struct boot_info *bi, uint64_t start, uint64_t end, const char *name)
{
	struct boot_module *m;

	if (bi->nmodules >= BOOT_MAX_MODULES || end <= start)
		return;
	m = &bi->modules[bi->nmodules++];
	m->start = start;
	m->end = end;
	strlcpy(m->name, name ? name : "", sizeof(m->name));
}

/*
 * Multiboot 1 loaders (QEMU, GRUB) put the kernel's file name first on the
 * command line; Linux's boot protocol does not, and Keel's command line
 * should read the same either way, so a leading word without '=' that looks
 * like a path is dropped.
 */
static void
copy_cmdline(struct boot_info *bi, const char *s)
{
	const char *end = s;

	while (*end && *end != ' ')
		end++;
	if (end > s && memchr(s, '=', end - s) == NULL &&
	    (memchr(s, '/', end - s) || memchr(s, '.', end - s))) {
		s = end;
		while (*s == ' ')
			s++;
	}
	strlcpy(bi->cmdline, s, sizeof(bi->cmdline));
}

/* The red, green and blue bit fields of a direct-colour framebuffer. */
static void
set_fb_colors(struct boot_fb *fb, const uint8_t c[6])
{
	fb->red = (struct boot_fb_field){ c[0], c[1] };
	fb->green = (struct boot_fb_field){ c[2], c[3] };
	fb->blue = (struct boot_fb_field){ c[4], c[5] };
}

static void
parse_mb1(struct boot_info *bi, const struct mb1_info *mb)
{
	bi->loader = "multiboot1";
	if (mb->flags & MB1_INFO_LOADER)
		strlcpy(bi->loader_name, p2v(mb->boot_loader_name), sizeof(bi->loader_name));
	if (mb->flags & MB1_INFO_CMDLINE)
		copy_cmdline(bi, p2v(mb->cmdline));
	if (mb->flags & MB1_INFO_MMAP) {
		uint64_t p = mb->mmap_addr, end = p + mb->mmap_length;
		while (p + sizeof(struct mb1_mmap) <= end) {
			const struct mb1_mmap *e = p2v(p);
			add_range(bi, e->addr, e->len, e->type);
			p += e->size + 4;
		}
	} else if (mb->flags & MB1_INFO_MEM) {
		add_range(bi, 0, (uint64_t)mb->mem_lower << 10, MEM_USABLE);
		add_range(bi, 1 << 20, (uint64_t)mb->mem_upper << 10, MEM_USABLE);
	}
	if (mb->flags & MB1_INFO_MODS) {
		const struct mb1_mod *mods = p2v(mb->mods_addr);
		for (uint32_t i = 0; i < mb->mods_count; i++)
			add_module(bi, mods[i].start, mods[i].end,
				   mods[i].string ? p2v(mods[i].string) : NULL);
	}
	if (mb->flags & MB1_INFO_FB) {
		bi->fb.addr = mb->fb_addr;
		bi->fb.width = mb->fb_width;
		bi->fb.height = mb->fb_height;
		bi->fb.pitch = mb->fb_pitch;
		bi->fb.bpp = mb->fb_bpp;
		bi->fb.text_mode = mb->fb_type == MB_FB_TEXT;
		if (mb->fb_type == MB_FB_RGB)
			set_fb_colors(&bi->fb, mb->fb_color);
	} else {
		bi->fb.text_mode = true;
	}
}

enum {
	MB2_TAG_END = 0, MB2_TAG_CMDLINE = 1, MB2_TAG_LOADER = 2,
	MB2_TAG_MODULE = 3, MB2_TAG_MEMINFO = 4, MB2_TAG_MMAP = 6,
	MB2_TAG_FB = 8, MB2_TAG_ACPI_OLD = 14, MB2_TAG_ACPI_NEW = 15,
};

static void
mb2_tag(struct boot_info *bi, uint32_t type, const uint8_t *t, uint64_t tag_phys)
{
	uint32_t size;

	memcpy(&size, t + 4, 4);
	switch (type) {
	case MB2_TAG_CMDLINE:
		/* Unlike multiboot 1, this holds only the arguments, not the file name. */
		strlcpy(bi->cmdline, (const char *)t + 8, sizeof(bi->cmdline));
		break;
	case MB2_TAG_LOADER:
		strlcpy(bi->loader_name, (const char *)t + 8, sizeof(bi->loader_name));
		break;
	case MB2_TAG_MODULE: {
		uint32_t s, e;
		memcpy(&s, t + 8, 4);
		memcpy(&e, t + 12, 4);
		add_module(bi, s, e, (const char *)t + 16);
		break;
	}
	case MB2_TAG_MMAP: {
		uint32_t entsz;
		memcpy(&entsz, t + 8, 4);
		for (uint32_t off = 16; entsz && off + 24 <= size; off += entsz) {
			uint64_t base, len;
			uint32_t ty;
			memcpy(&base, t + off, 8);
			memcpy(&len, t + off + 8, 8);
			memcpy(&ty, t + off + 16, 4);
			add_range(bi, base, len, ty);
		}
		break;
	}
	case MB2_TAG_FB:
		memcpy(&bi->fb.addr, t + 8, 8);
		memcpy(&bi->fb.pitch, t + 16, 4);
		memcpy(&bi->fb.width, t + 20, 4);
		memcpy(&bi->fb.height, t + 24, 4);
		bi->fb.bpp = t[28];
		bi->fb.text_mode = t[29] == MB_FB_TEXT;
		if (t[29] == MB_FB_RGB && size >= 38)
			set_fb_colors(&bi->fb, t + 32);
		break;
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
		/* The tag holds a copy of the RSDP, which is what the parser wants. */
		bi->rsdp = tag_phys + 8;
		break;
	default:
		break;
	}
}

static void
parse_mb2(struct boot_info *bi, const uint8_t *info, uint64_t info_phys)
{
	uint32_t total;

	bi->loader = "multiboot2";
	memcpy(&total, info, 4);
	bi->mb_info_len = total;
	for (uint32_t off = 8; off + 8 <= total;) {
		uint32_t type, size;
		memcpy(&type, info + off, 4);
		memcpy(&size, info + off + 4, 4);
		if (type == MB2_TAG_END || size < 8)
			break;
		mb2_tag(bi, type, info + off, info_phys + off);
		off += ALIGN_UP(size, 8);
	}
}

bool
multiboot_parse(struct boot_info *bi, uint32_t magic, const void *info,
		uint64_t info_phys)
{
	memset(bi, 0, sizeof(*bi));
	bi->mb_info_phys = info_phys;
	if (magic == MB1_BOOT_MAGIC) {
		bi->mb_info_len = sizeof(struct mb1_info);
		parse_mb1(bi, info);
		return true;
	}
	if (magic == MB2_BOOT_MAGIC) {
		parse_mb2(bi, info, info_phys);
		return true;
	}
	bi->loader = "unknown";
	return false;
}

static const char *
mem_type_name(uint32_t type)
{
	switch (type) {
	case MEM_USABLE: return "usable";
	case MEM_RESERVED: return "reserved";
	case MEM_ACPI_RECLAIM: return "ACPI data";
	case MEM_ACPI_NVS: return "ACPI NVS";
	case MEM_BAD: return "unusable";
	default: return "unknown";
	}
}

void
boot_info_log(const struct boot_info *bi)
{
	pr_info("boot: loaded by %s (%s)\n", bi->loader,
		bi->loader_name[0] ? bi->loader_name : "loader unnamed");
	for (unsigned i = 0; i < bi->nmmap; i++)
		pr_debug("boot: memory 0x%016llx-0x%016llx %s\n",
			 (unsigned long long)bi->mmap[i].base,
			 (unsigned long long)(bi->mmap[i].base + bi->mmap[i].len - 1),
			 mem_type_name(bi->mmap[i].type));
	for (unsigned i = 0; i < bi->nmodules; i++)
		pr_info("boot: module %u: %#llx-%#llx (%llu bytes) \"%s\"\n", i,
			(unsigned long long)bi->modules[i].start,
			(unsigned long long)bi->modules[i].end,
			(unsigned long long)(bi->modules[i].end - bi->modules[i].start),
			bi->modules[i].name);
	if (bi->fb.addr && !bi->fb.text_mode)
		pr_info("boot: framebuffer %ux%u, %u bpp, pitch %u, at %#llx\n", bi->fb.width,
			bi->fb.height, bi->fb.bpp, bi->fb.pitch, (unsigned long long)bi->fb.addr);
	else if (bi->fb.text_mode)
		pr_info("boot: VGA text mode\n");
	else
		pr_info("boot: no framebuffer from the loader\n");
	if (bi->rsdp)
		pr_info("boot: ACPI RSDP copy at %#llx\n", (unsigned long long)bi->rsdp);
}
