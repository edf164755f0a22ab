/* SPDX-License-Identifier: MIT */
/*
 * Keel's BIOS stage 2: the shared declarations.  Stage 2 runs in 32-bit
 * protected mode with flat segments and paging off, so a pointer is a
 * physical address; BIOS services are reached through bios_int().
 */
#pragma once

#include "lib/compiler.h"
#include "arch/bootinfo.h"

/* Registers in and out of a BIOS call; the layout is known to stage2.S. */
struct bios_regs {
	uint32_t eax, ebx, ecx, edx, esi, edi, ebp, eflags;
	uint16_t ds, es;
};

#define EFLAGS_CF 0x0001
#define EFLAGS_ZF 0x0040

/* Memory stage 2 owns below 1 MiB (see stage2.ld). */
#define BOUNCE_BUF   0x20000u     /* disk reads land here, 64 KiB */
#define BOUNCE_SIZE  0x10000u
#define HEAP_START   0x30000u
#define HEAP_END     0x70000u
#define INFO_START   0x70000u     /* the multiboot information block */
#define INFO_END     0x80000u

/* Real-mode segment:offset for a low address. */
#define SEG(a) ((uint16_t)((a) >> 4))
#define OFF(a) ((uint16_t)((a) & 0xF))

void bios_int(int intno, struct bios_regs *r);   /* stage2.S */
extern uint8_t boot_drive;                        /* stage2.S */

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ __volatile__("outb %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* console.c: the screen (int 10h) and COM1 together. */
void con_init(void);
void con_putc(char c);
void con_printf(const char *fmt, ...) __printf(1, 2);
int con_getkey(void);                 /* a key if one is waiting, else -1 */
void bios_sleep_ms(unsigned ms);

/* memory.c: A20 and the memory map. */
int a20_enable(void);                 /* 0, or -1 if every method failed */
bool a20_is_on(void);
int a20_selftest(void);               /* turn it off and on by each method */
unsigned e820_read(struct mem_range *out, unsigned max);
bool mem_usable(const struct mem_range *map, unsigned n, uint64_t base, uint64_t len);

/* disk.c: sectors through int 13h, files through Keel's ext2 library. */
int disk_init(uint8_t drive);
int disk_read(uint64_t lba, unsigned count, void *buf);
int root_mount(void);
/* Size of a file on the root volume, or -errno. */
long root_file_size(const char *path);
/* Read a whole file to buf (at most max bytes); its length, or -errno. */
long root_read_file(const char *path, void *buf, uint64_t max);

/* menu.c: the boot menu and its configuration file. */
struct boot_entry {
	char title[64];
	char cmdline[256];
};
struct boot_menu {
	struct boot_entry entries[8];
	unsigned count, deflt, timeout;
	bool a20_selftest;
};
void menu_load(struct boot_menu *m);
const struct boot_entry *menu_choose(const struct boot_menu *m);
