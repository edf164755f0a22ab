// SPDX-License-Identifier: MIT
// ELF header checks on real executables (Debian's busybox-static, a dynamic
// program) and on corrupted copies.
// UNIT_SRCS: kernel/proc/elf.c kernel/lib/string.c
// UNIT_CFLAGS: -fno-builtin -Dmemcpy=k_memcpy -Dmemmove=k_memmove -Dmemset=k_memset -Dmemcmp=k_memcmp -Dmemchr=k_memchr -Dstrlen=k_strlen -Dstrnlen=k_strnlen -Dstrcmp=k_strcmp -Dstrncmp=k_strncmp -Dstrchr=k_strchr -Dstrrchr=k_strrchr -Dstrstr=k_strstr -Dstrlcpy=k_strlcpy -Dstrlcat=k_strlcat
#include <stdio.h>
#include "unit.h"
#include "proc/elf.h"

static unsigned char buf[1 << 16];

static size_t
load(const char *path)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	return n;
}

static int
parse(size_t n, struct elf_info *ei)
{
	int r = elf_check_header(buf, n, ei);

	if (r)
		return r;
	if (ei->phoff + (size_t)ei->phnum * sizeof(struct elf64_phdr) > n)
		return -1;
	return elf_parse_phdrs(buf + ei->phoff, n - ei->phoff, ei);
}

TEST(busybox_static)
{
	struct elf_info ei;
	size_t n = load("/bin/busybox");

	CHECK(n > 4096);
	CHECK_EQ(parse(n, &ei), 0);
	CHECK_EQ(ei.type, ET_EXEC);
	CHECK(!ei.has_interp);
	CHECK(ei.nloads >= 2);
	CHECK(ei.entry >= ei.min_vaddr && ei.entry < ei.max_vaddr);
	CHECK(ei.phdr_vaddr != 0);   /* the first load covers the headers */
	for (unsigned i = 0; i < ei.nloads; i++)
		CHECK(ei.loads[i].filesz <= ei.loads[i].memsz);
	CHECK(!ei.exec_stack);
}

TEST(dynamic_program_needs_interpreter)
{
	struct elf_info ei;
	size_t n = load("/bin/ls");

	CHECK(n > 4096);
	CHECK_EQ(parse(n, &ei), 0);
	CHECK(ei.has_interp);
	CHECK_EQ(ei.type, ET_DYN);
}

TEST(corruptions_refused)
{
	struct elf_info ei;
	size_t n = load("/bin/busybox");
	struct elf64_ehdr *h = (struct elf64_ehdr *)buf;
	struct elf64_phdr *ph;

	CHECK(n > 4096);
	buf[1] = 'X';                       /* bad magic */
	CHECK(parse(n, &ei) < 0);
	n = load("/bin/busybox");
	h->machine = 3;                     /* i386 */
	CHECK(parse(n, &ei) < 0);
	n = load("/bin/busybox");
	h->phnum = 5000;                    /* absurd header count */
	CHECK(parse(n, &ei) < 0);
	n = load("/bin/busybox");
	ph = (struct elf64_phdr *)(buf + h->phoff);
	for (int i = 0; i < h->phnum; i++)
		if (ph[i].type == PT_LOAD) {
			ph[i].filesz = ph[i].memsz + 1;   /* file bigger than memory */
			break;
		}
	CHECK(parse(n, &ei) < 0);
	n = load("/bin/busybox");
	for (int i = 0; i < h->phnum; i++)
		if (ph[i].type == PT_LOAD) {
			ph[i].vaddr = 0x00007ffffffff000ull;   /* runs past user space */
			ph[i].memsz = 0x10000;
			break;
		}
	CHECK(parse(n, &ei) < 0);
	CHECK(elf_check_header(buf, 10, &ei) < 0);   /* truncated */
}
