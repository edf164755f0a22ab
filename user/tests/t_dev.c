// SPDX-License-Identifier: MIT
/*
 * The memory devices every Unix program assumes (/dev/null, /dev/zero,
 * /dev/urandom) and the getrandom system call.  Randomness is judged only
 * by what cannot happen by chance: 64 random bytes are never all zero and
 * never repeat.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "utest.h"

static int
open_dev(const char *path, int flags)
{
	int fd = open(path, flags);

	if (fd < 0 && errno == ENOENT)
		SKIP("no %s", path);
	if (fd < 0)
		FAIL("open %s: %s", path, ut_errname(errno));
	return fd;
}

static int
all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

TEST(dev_null_reads_eof_swallows_writes, "/dev/null reads as end of file and takes any write")
{
	char buf[64];
	int fd = open_dev("/dev/null", O_RDWR);

	CHECK_EQ(read(fd, buf, sizeof(buf)), 0);
	CHECK_EQ(write(fd, buf, sizeof(buf)), sizeof(buf));
	CHECK_EQ(write(fd, buf, 0), 0);
	CHECK_OK(lseek(fd, 100, SEEK_SET));
}

TEST(dev_zero_reads_zeros, "/dev/zero fills any read with zero bytes")
{
	static unsigned char buf[10000];
	int fd = open_dev("/dev/zero", O_RDWR);

	memset(buf, 0xa5, sizeof(buf));
	CHECK_EQ(read(fd, buf, sizeof(buf)), sizeof(buf));
	CHECK(all_zero(buf, sizeof(buf)));
	CHECK_EQ(write(fd, buf, 10), 10);
}

TEST(dev_urandom_reads_random, "/dev/urandom gives bytes that differ between reads")
{
	unsigned char a[64], b[64];
	int fd = open_dev("/dev/urandom", O_RDONLY);

	CHECK_EQ(read(fd, a, sizeof(a)), sizeof(a));
	CHECK_EQ(read(fd, b, sizeof(b)), sizeof(b));
	CHECK(!all_zero(a, sizeof(a)));
	CHECK(memcmp(a, b, sizeof(a)) != 0);
}

TEST(getrandom_fills, "getrandom fills the buffer, with or without GRND_NONBLOCK")
{
	unsigned char a[64], b[64];

	memset(a, 0, sizeof(a));
	CHECK_EQ(getrandom(a, sizeof(a), 0), sizeof(a));
	CHECK_EQ(getrandom(b, sizeof(b), GRND_NONBLOCK), sizeof(b));
	CHECK(!all_zero(a, sizeof(a)));
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	CHECK_EQ(getrandom(a, 0, 0), 0);
}

TEST(getrandom_bad_args, "getrandom rejects unknown flags (EINVAL) and bad buffers (EFAULT)")
{
	unsigned char a[16];

	CHECK_ERR(syscall(SYS_getrandom, a, sizeof(a), 0x100), EINVAL);
	CHECK_ERR(syscall(SYS_getrandom, UT_BAD_PTR, 16, 0), EFAULT);
}
