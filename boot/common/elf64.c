// SPDX-License-Identifier: MIT
/*
 * ELF64 program-header loading for the boot loaders (see elf64.h).
 *
 * Only program headers matter to a loader: each PT_LOAD says "p_filesz bytes
 * at p_offset in the file go to p_paddr; the segment is p_memsz long".  Keel
 * is linked so that p_paddr is the physical address (1 MiB up) while p_vaddr
 * is the virtual one (-2 GiB up), so a loader running on physical (or
 * identity-mapped) addresses uses p_paddr.  Every bound is checked against
 * the file size, because the file comes from a disk.
 */
#include "common/elf64.h"
#include "lib/string.h"

#define EI_CLASS    4
#define EI_DATA     5
#define ELFCLASS64  2
#define ELFDATA2LSB 1
#define ET_EXEC     2
#define EM_X86_64   62
#define PT_LOAD     1

/* How far into the file the Keel entry header may sit, as for multiboot. */
#define ENTRY_HEADER_SEARCH 32768
#define PAGE 4096ull

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

static int
fail(const char **why, const char *reason)
{
	*why = reason;
	return -1;
}

static const struct elf64_phdr *
phdr(const void *file, unsigned i)
{
	const struct elf64_ehdr *eh = file;

	return (const struct elf64_phdr *)((const uint8_t *)file + eh->phoff +
					   (uint64_t)i * eh->phentsize);
}

static int
check_header(const struct elf64_ehdr *eh, size_t size, const char **why)
{
	if (size < sizeof(*eh) || memcmp(eh->ident, "\177ELF", 4) != 0)
		return fail(why, "not an ELF file");
	if (eh->ident[EI_CLASS] != ELFCLASS64 || eh->ident[EI_DATA] != ELFDATA2LSB ||
	    eh->machine != EM_X86_64)
		return fail(why, "not a 64-bit x86 ELF file");
	if (eh->type != ET_EXEC)
		return fail(why, "not an executable");
	if (eh->phentsize < sizeof(struct elf64_phdr) || eh->phnum == 0 ||
	    eh->phoff > size || (uint64_t)eh->phnum * eh->phentsize > size - eh->phoff)
		return fail(why, "bad program header table");
	return 0;
}

/* The "KEELENTR" header of kernel/arch/x86_64/boot.S: signature, version, entry. */
static uint64_t
find_entry64(const uint8_t *file, size_t size)
{
	size_t end = size < ENTRY_HEADER_SEARCH ? size : ENTRY_HEADER_SEARCH;
	uint32_t version;
	uint64_t entry;

	for (size_t off = 0; off + 24 <= end; off += 8) {
		if (memcmp(file + off, "KEELENTR", 8) != 0)
			continue;
		memcpy(&version, file + off + 8, 4);
		memcpy(&entry, file + off + 16, 8);
		return version == 1 ? entry : 0;
	}
	return 0;
}

static bool
inside_load(const void *file, uint64_t addr)
{
	const struct elf64_ehdr *eh = file;

	for (unsigned i = 0; i < eh->phnum; i++) {
		const struct elf64_phdr *ph = phdr(file, i);
		if (ph->type == PT_LOAD && addr >= ph->paddr && addr - ph->paddr < ph->memsz)
			return true;
	}
	return false;
}

int
elf_inspect(const void *file, size_t size, struct elf_span *span, const char **why)
{
	const struct elf64_ehdr *eh = file;

	if (check_header(eh, size, why) < 0)
		return -1;
	*span = (struct elf_span){ .lo = UINT64_MAX, .entry32 = eh->entry };
	for (unsigned i = 0; i < eh->phnum; i++) {
		const struct elf64_phdr *ph = phdr(file, i);
		if (ph->type != PT_LOAD)
			continue;
		if (ph->offset > size || ph->filesz > size - ph->offset || ph->filesz > ph->memsz)
			return fail(why, "a segment lies outside the file");
		if (ph->paddr + ph->memsz < ph->paddr || ph->paddr + ph->memsz > (1ull << 32))
			return fail(why, "a segment lies above 4 GiB");
		span->lo = ph->paddr < span->lo ? ph->paddr : span->lo;
		span->hi = ph->paddr + ph->memsz > span->hi ? ph->paddr + ph->memsz : span->hi;
		span->nload++;
	}
	if (span->nload == 0)
		return fail(why, "no loadable segments");
	span->lo &= ~(PAGE - 1);
	span->hi = (span->hi + PAGE - 1) & ~(PAGE - 1);
	span->entry64 = find_entry64(file, size);
	if (!inside_load(file, span->entry32))
		return fail(why, "the entry point is not in a loaded segment");
	if (span->entry64 && !inside_load(file, span->entry64))
		return fail(why, "the 64-bit entry is not in a loaded segment");
	return 0;
}

void
elf_load(const void *file, size_t size, uint8_t *dst, uint64_t dst_phys)
{
	const struct elf64_ehdr *eh = file;

	for (unsigned i = 0; i < eh->phnum; i++) {
		const struct elf64_phdr *ph = phdr(file, i);
		uint8_t *to;

		if (ph->type != PT_LOAD)
			continue;
		to = dst + (ph->paddr - dst_phys);
		memcpy(to, (const uint8_t *)file + ph->offset, ph->filesz);
		memset(to + ph->filesz, 0, ph->memsz - ph->filesz);
	}
	(void)size;
}
