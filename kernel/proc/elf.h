/* SPDX-License-Identifier: MIT */
/*
 * ELF64 executables: the header and program headers, checked and reduced to
 * what exec needs.  Pure C, unit tested on the host with real binaries.
 *
 *   ELF header         magic 7f 'E' 'L' 'F', class 64, little endian,
 *                      machine x86-64, type EXEC or DYN, entry point,
 *                      where the program headers are
 *   program headers    PT_LOAD: map file bytes [offset, +filesz) at vaddr,
 *                      zero-fill up to memsz (.bss), with R/W/X rights;
 *                      PT_INTERP: a dynamic loader is needed; PT_PHDR,
 *                      PT_GNU_STACK
 *   sections (.text, .data, .symtab, ...) matter only to linkers and
 *   debuggers; the loader never looks at them.
 */
#pragma once

#include "lib/compiler.h"

#define ELF_MAX_PHDRS 64
#define ELF_MAX_LOADS 16

#define ET_EXEC 2
#define ET_DYN  3
#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_INTERP 3
#define PT_PHDR 6
#define PT_GNU_STACK 0x6474e551
#define PF_X 1
#define PF_W 2
#define PF_R 4

struct elf64_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

struct elf_load {
	uint64_t vaddr, memsz, offset, filesz;
	uint32_t flags;          /* PF_R | PF_W | PF_X */
};

struct elf_info {
	uint16_t type;           /* ET_EXEC or ET_DYN */
	uint64_t entry;
	uint64_t phoff;
	uint16_t phnum, phentsize;
	uint64_t phdr_vaddr;     /* where the program headers are mapped, 0 if not */
	unsigned nloads;
	struct elf_load loads[ELF_MAX_LOADS];
	bool has_interp;
	uint64_t interp_off, interp_len;
	bool exec_stack;
	uint64_t min_vaddr, max_vaddr;  /* page-rounded extent of the loads */
};

/* Check the ELF header (the first 64 bytes).  => 0 or -ENOEXEC. */
int elf_check_header(const void *buf, size_t len, struct elf_info *info);
/* Check the program headers read from file offset info->phoff.  => 0 or -ENOEXEC. */
int elf_parse_phdrs(const void *phdrs, size_t len, struct elf_info *info);
