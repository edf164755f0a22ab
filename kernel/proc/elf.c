// SPDX-License-Identifier: MIT
/*
 * ELF header checks.  Everything here is untrusted input: a program file
 * can claim any sizes and offsets, so every field is checked for range and
 * overflow before exec uses it, and a bad file is -ENOEXEC, never a crash.
 */
#include "proc/elf.h"
#include "lib/string.h"
#include "uapi/errno.h"

#define EM_X86_64 62
#define PAGE 4096ull
#define USER_LIMIT 0x00007FFFFFFFF000ull

int
elf_check_header(const void *buf, size_t len, struct elf_info *info)
{
	const struct elf64_ehdr *h = buf;

	memset(info, 0, sizeof(*info));
	if (len < sizeof(*h) || memcmp(h->ident, "\177ELF", 4) != 0)
		return -ENOEXEC;
	if (h->ident[4] != 2 || h->ident[5] != 1 || h->ident[6] != 1)
		return -ENOEXEC;   /* 64-bit, little endian, version 1 */
	if (h->machine != EM_X86_64 || (h->type != ET_EXEC && h->type != ET_DYN))
		return -ENOEXEC;
	if (h->phentsize != sizeof(struct elf64_phdr) || h->phnum == 0 ||
	    h->phnum > ELF_MAX_PHDRS || h->phoff > (1ull << 32))
		return -ENOEXEC;
	info->type = h->type;
	info->entry = h->entry;
	info->phoff = h->phoff;
	info->phnum = h->phnum;
	info->phentsize = h->phentsize;
	return 0;
}

static int
add_load(struct elf_info *info, const struct elf64_phdr *p)
{
	struct elf_load *l;

	if (info->nloads == ELF_MAX_LOADS || p->filesz > p->memsz ||
	    p->vaddr + p->memsz < p->vaddr || p->vaddr + p->memsz > USER_LIMIT ||
	    p->offset + p->filesz < p->offset ||
	    (p->vaddr % PAGE) != (p->offset % PAGE))
		return -ENOEXEC;
	if (p->memsz == 0)
		return 0;
	l = &info->loads[info->nloads++];
	l->vaddr = p->vaddr;
	l->memsz = p->memsz;
	l->offset = p->offset;
	l->filesz = p->filesz;
	l->flags = p->flags & (PF_R | PF_W | PF_X);
	if (info->nloads == 1 || p->vaddr < info->min_vaddr)
		info->min_vaddr = p->vaddr & ~(PAGE - 1);
	if (p->vaddr + p->memsz > info->max_vaddr)
		info->max_vaddr = (p->vaddr + p->memsz + PAGE - 1) & ~(PAGE - 1);
	/* The program headers are visible at runtime if a load covers them. */
	if (p->offset <= info->phoff &&
	    info->phoff + (uint64_t)info->phnum * info->phentsize <= p->offset + p->filesz)
		info->phdr_vaddr = p->vaddr + (info->phoff - p->offset);
	return 0;
}

int
elf_parse_phdrs(const void *buf, size_t len, struct elf_info *info)
{
	const struct elf64_phdr *ph = buf;

	if (len < (size_t)info->phnum * sizeof(*ph))
		return -ENOEXEC;
	for (unsigned i = 0; i < info->phnum; i++) {
		const struct elf64_phdr *p = &ph[i];

		switch (p->type) {
		case PT_LOAD:
			if (add_load(info, p))
				return -ENOEXEC;
			break;
		case PT_INTERP:
			if (p->filesz < 2 || p->filesz > 4096)
				return -ENOEXEC;
			info->has_interp = true;
			info->interp_off = p->offset;
			info->interp_len = p->filesz;
			break;
		case PT_GNU_STACK:
			info->exec_stack = p->flags & PF_X;
			break;
		default:
			break;
		}
	}
	if (info->nloads == 0)
		return -ENOEXEC;
	/* Loads must come in address order and not overlap. */
	for (unsigned i = 1; i < info->nloads; i++)
		if (info->loads[i].vaddr < info->loads[i - 1].vaddr + info->loads[i - 1].memsz)
			return -ENOEXEC;
	return 0;
}
