// SPDX-License-Identifier: MIT
/*
 * The address space: brk, anonymous mmap/munmap/mprotect, private and
 * shared mappings across fork (copy-on-write versus one copy), file
 * mappings, and the stack growing on demand.  Faults are provoked in forked
 * children and judged by the signal that ends them.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "utest.h"

#define PAGE 4096

static void *
map_anon(size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		FAIL("mmap %zu bytes: %s", len, ut_errname(errno));
	return p;
}

TEST(brk_grows_and_shrinks, "brk moves the program break; the new memory is zeroed and usable")
{
	uintptr_t cur = syscall(SYS_brk, 0);

	CHECK(cur != 0);
	uintptr_t want = cur + 64 * 1024;
	CHECK_EQ(syscall(SYS_brk, want), want);
	volatile unsigned char *p = (unsigned char *)cur;
	for (size_t i = 0; i < 64 * 1024; i += 512) {
		CHECK_EQ(p[i], 0);
		p[i] = 0x5a;
	}
	CHECK_EQ(syscall(SYS_brk, cur), cur);
	CHECK_EQ(syscall(SYS_brk, 0), cur);
}

TEST(brk_refuses_nonsense, "brk below the data segment or into the kernel leaves the break alone")
{
	uintptr_t cur = syscall(SYS_brk, 0);

	CHECK_EQ(syscall(SYS_brk, 4096), cur);
	CHECK_EQ(syscall(SYS_brk, 0xffff800000000000ul), cur);
}

TEST(mmap_anon_zeroed, "anonymous memory starts zeroed, page aligned, and is writable")
{
	size_t len = 4 << 20;
	unsigned char *p = map_anon(len, PROT_READ | PROT_WRITE);

	CHECK_EQ((uintptr_t)p % PAGE, 0);
	for (size_t i = 0; i < len; i += PAGE) {
		CHECK_EQ(p[i] | p[i + PAGE - 1], 0);
		p[i] = (unsigned char)(i / PAGE);
	}
	for (size_t i = 0; i < len; i += PAGE)
		CHECK_EQ(p[i], (unsigned char)(i / PAGE));
	CHECK_OK(munmap(p, len));
}

TEST(munmap_then_access_segv, "touching unmapped memory raises SIGSEGV")
{
	volatile char *p = map_anon(2 * PAGE, PROT_READ | PROT_WRITE);

	CHECK_OK(munmap((void *)(p + PAGE), PAGE));
	p[0] = 1;	/* the first page is still there */
	pid_t pid = ut_fork();
	if (pid == 0) {
		ut_no_core();
		p[PAGE] = 1;
		_exit(0);
	}
	ut_wait_signal(pid, SIGSEGV);
}

TEST(mprotect_read_only_segv, "a write to a page made read-only raises SIGSEGV; reads still work")
{
	volatile char *p = map_anon(PAGE, PROT_READ | PROT_WRITE);

	p[10] = 7;
	CHECK_OK(mprotect((void *)p, PAGE, PROT_READ));
	CHECK_EQ(p[10], 7);
	pid_t pid = ut_fork();
	if (pid == 0) {
		ut_no_core();
		p[10] = 8;
		_exit(0);
	}
	ut_wait_signal(pid, SIGSEGV);
	CHECK_OK(mprotect((void *)p, PAGE, PROT_READ | PROT_WRITE));
	p[10] = 9;
	CHECK_EQ(p[10], 9);
}

TEST(mprotect_none_segv_on_read, "PROT_NONE memory faults even on a read")
{
	volatile char *p = map_anon(PAGE, PROT_NONE);
	pid_t pid = ut_fork();

	if (pid == 0) {
		ut_no_core();
		_exit(p[0]);
	}
	ut_wait_signal(pid, SIGSEGV);
}

TEST(mmap_fixed_replaces, "MAP_FIXED replaces what was mapped at that address")
{
	char *p = map_anon(3 * PAGE, PROT_READ | PROT_WRITE);

	memset(p, 'x', 3 * PAGE);
	char *q = mmap(p + PAGE, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		       -1, 0);
	CHECK(q == p + PAGE);
	CHECK_EQ(q[0], 0);
	CHECK_EQ(p[0], 'x');
	CHECK_EQ(p[2 * PAGE], 'x');
}

TEST(mmap_bad_args, "mmap rejects zero length, missing or mixed sharing flags, bad fds, misalignment")
{
	int fd = CHECK_OK(open("f", O_RDWR | O_CREAT, 0644));

	CHECK_ERR(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), EINVAL);
	CHECK_ERR(mmap(NULL, PAGE, PROT_READ, MAP_ANONYMOUS, -1, 0), EINVAL);
	CHECK_ERR(syscall(SYS_mmap, 0x10000001, PAGE, PROT_READ,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), EINVAL);
	CHECK_ERR(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, 999, 0), EBADF);
	CHECK_ERR(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 1), EINVAL);
	CHECK_ERR(munmap((void *)0x10000001, PAGE), EINVAL);
	CHECK_ERR(munmap(NULL, 0), EINVAL);
	CHECK_ERR(syscall(SYS_mprotect, 0x10000001, PAGE, PROT_READ), EINVAL);
	CHECK_ERR(syscall(SYS_mprotect, 0x10000000, PAGE, PROT_READ), ENOMEM);	/* unmapped */
}

TEST(mmap_private_cow_after_fork, "a private mapping is copied on write: the child's writes stay its own")
{
	volatile int *p = map_anon(PAGE, PROT_READ | PROT_WRITE);

	*p = 1;
	pid_t pid = ut_fork();
	if (pid == 0) {
		*p = 2;
		_exit(*p == 2 ? 0 : 1);
	}
	ut_wait_exit(pid, 0);
	CHECK_EQ(*p, 1);
}

TEST(mmap_shared_anon_after_fork, "a shared anonymous mapping is one copy for parent and child")
{
	volatile int *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED);
	*p = 1;
	pid_t pid = ut_fork();
	if (pid == 0) {
		*p = 2;
		_exit(0);
	}
	ut_wait_exit(pid, 0);
	CHECK_EQ(*p, 2);
}

TEST(mmap_file_private, "a private file mapping shows the file; writes to it stay private")
{
	char buf[8] = { 0 };

	ut_write_file("f", "mapped file");
	int fd = CHECK_OK(open("f", O_RDWR));
	char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED);
	CHECK(memcmp(p, "mapped file", 11) == 0);
	CHECK_EQ(p[11], 0);	/* the rest of the page is zero */
	p[0] = 'M';
	CHECK_EQ(pread(fd, buf, 6, 0), 6);
	CHECK(memcmp(buf, "mapped", 6) == 0);
}

/* The first bytes of file f, as read() sees them. */
static void
check_file_starts(const char *f, const char *text)
{
	char buf[32] = { 0 };
	size_t n = strlen(text);
	int fd = CHECK_OK(open(f, O_RDONLY));

	CHECK_EQ(pread(fd, buf, n, 0), (ssize_t)n);
	CHECK(memcmp(buf, text, n) == 0);
	close(fd);
}

/*
 * A private mapping that only reads maps the file's cached page itself
 * (kernel/mm/fault.c); whoever writes must get a copy of their own: the
 * other mapping, a forked child, a mapping made writable later and the
 * file itself keep what they had.
 */
TEST(mmap_file_private_copies_on_first_write,
     "writes to read-mapped private file pages stay with the writer (two mappings, fork, mprotect)")
{
	ut_write_file("f", "original text");
	int fd = CHECK_OK(open("f", O_RDONLY));
	char *a = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	char *b = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(a != MAP_FAILED && b != MAP_FAILED);
	CHECK(memcmp(a, "original", 8) == 0 && memcmp(b, "original", 8) == 0);
	pid_t pid = CHECK_OK(fork());
	if (pid == 0) {
		a[0] = 'C';
		_exit(a[0] == 'C' && b[0] == 'o' ? 0 : 1);
	}
	ut_wait_exit(pid, 0);
	CHECK_EQ(a[0], 'o');
	a[0] = 'A';
	CHECK_EQ(b[0], 'o');
	CHECK_OK(mprotect(b, PAGE, PROT_READ | PROT_WRITE));
	b[1] = 'B';
	CHECK_EQ(a[1], 'r');
	CHECK(memcmp(a, "Ariginal", 8) == 0 && memcmp(b, "oBiginal", 8) == 0);
	check_file_starts("f", "original text");
}

/*
 * CLONE_CHILD_SETTID aimed at a read-only private file mapping: the kernel's
 * store of the child's tid must not reach the file's page, which the
 * parent's mapping and every reader of the file share.
 */
TEST(clone_settid_into_read_only_file_mapping,
     "a tid stored into a read-only private file mapping never changes the file")
{
	ut_write_file("f", "0123456789abcdef");
	int fd = CHECK_OK(open("f", O_RDONLY));
	char *p = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED);
	CHECK_EQ(p[4], '4');                   /* mapped before the clone */
	long pid = syscall(SYS_clone, CLONE_CHILD_SETTID | SIGCHLD, NULL, NULL, p + 4, NULL);
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(0);
	ut_wait_exit((pid_t)pid, 0);
	CHECK(memcmp(p, "0123456789abcdef", 16) == 0);
	check_file_starts("f", "0123456789abcdef");
}

TEST(mmap_file_shared_writes_back, "writes through a shared file mapping reach the file")
{
	char buf[8] = { 0 };

	ut_write_file("f", "abcdef");
	int fd = CHECK_OK(open("f", O_RDWR));
	char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED);
	p[1] = 'B';
	CHECK_OK(msync(p, PAGE, MS_SYNC));
	CHECK_EQ(pread(fd, buf, 6, 0), 6);
	CHECK(memcmp(buf, "aBcdef", 6) == 0);
	int ro = CHECK_OK(open("f", O_RDONLY));
	CHECK_ERR(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0), EACCES);
}

static int
recurse(int depth)
{
	volatile char pad[1024];

	pad[0] = (char)depth;
	if (depth == 0)
		return 0;
	return recurse(depth - 1) + (pad[0] == (char)depth);
}

TEST(stack_grows_on_demand, "the main stack grows as deep recursion touches new pages")
{
	pid_t pid = ut_fork();

	if (pid == 0)
		_exit(recurse(2000) == 2000 ? 0 : 1);	/* ~2 MiB of stack */
	ut_wait_exit(pid, 0);
}

TEST(munmap_partial_splits, "unmapping the middle of a mapping leaves both ends usable")
{
	volatile char *p = map_anon(3 * PAGE, PROT_READ | PROT_WRITE);

	p[0] = 1;
	p[2 * PAGE] = 3;
	CHECK_OK(munmap((void *)(p + PAGE), PAGE));
	CHECK_EQ(p[0], 1);
	CHECK_EQ(p[2 * PAGE], 3);
	CHECK_OK(munmap((void *)p, 3 * PAGE));	/* a hole inside is fine */
}
