// SPDX-License-Identifier: MIT
/*
 * Moving bytes between files inside the kernel: sendfile (file to file,
 * file to pipe, at an offset or at the file position), copy_file_range,
 * and reserving space with fallocate (mode 0 and FALLOC_FL_KEEP_SIZE).
 * Contents are checked byte for byte against a known pattern.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "utest.h"

#define SRC_LEN 10000

static char
pattern(long i)
{
	return (char)('a' + (i * 7 + i / 251) % 26);
}

/* A file "src" of SRC_LEN pattern bytes, open for reading at position 0. */
static int
make_src(void)
{
	static char buf[SRC_LEN];
	int fd = CHECK_OK(open("src", O_RDWR | O_CREAT | O_TRUNC, 0644));

	for (long i = 0; i < SRC_LEN; i++)
		buf[i] = pattern(i);
	ut_write_all(fd, buf, SRC_LEN);
	CHECK_OK(lseek(fd, 0, SEEK_SET));
	return fd;
}

/* The n bytes at fd's offset off are the pattern from src_off on. */
static void
check_pattern(int fd, off_t off, long src_off, long n)
{
	char *buf = malloc(n);

	CHECK(buf);
	CHECK_EQ(pread(fd, buf, n, off), n);
	for (long i = 0; i < n; i++)
		if (buf[i] != pattern(src_off + i))
			FAIL("byte %ld is %#x, expected %#x", i, buf[i], pattern(src_off + i));
	free(buf);
}

TEST(sendfile_file_to_file_offset, "sendfile at *offset advances it and leaves the file position")
{
	int src = make_src();
	int dst = CHECK_OK(open("dst", O_WRONLY | O_CREAT, 0644));
	off_t off = 100;

	CHECK_EQ(sendfile(dst, src, &off, 5000), 5000);
	CHECK_EQ(off, 5100);
	CHECK_EQ(lseek(src, 0, SEEK_CUR), 0);
	CHECK_EQ(lseek(dst, 0, SEEK_CUR), 5000);	/* the output advances */
	check_pattern(CHECK_OK(open("dst", O_RDONLY)), 0, 100, 5000);
	off = SRC_LEN - 10;
	CHECK_EQ(sendfile(dst, src, &off, 5000), 10);	/* stops at the end */
	CHECK_EQ(off, SRC_LEN);
	CHECK_EQ(sendfile(dst, src, &off, 5000), 0);
	CHECK_EQ(sendfile(dst, src, &off, 0), 0);
}

TEST(sendfile_uses_file_position, "sendfile without an offset reads at and advances the position")
{
	int src = make_src();
	int dst = CHECK_OK(open("dst", O_RDWR | O_CREAT, 0644));

	CHECK_OK(lseek(src, 9000, SEEK_SET));
	CHECK_EQ(sendfile(dst, src, NULL, 5000), 1000);
	CHECK_EQ(lseek(src, 0, SEEK_CUR), SRC_LEN);
	CHECK_EQ(sendfile(dst, src, NULL, 5000), 0);
	CHECK_OK(lseek(src, 0, SEEK_SET));
	CHECK_EQ(sendfile(dst, src, NULL, 3), 3);
	check_pattern(dst, 0, 9000, 1000);
	check_pattern(dst, 1000, 0, 3);
}

TEST(sendfile_to_pipe, "sendfile feeds a pipe, waiting while it is full")
{
	int src = make_src(), p[2];
	char buf[SRC_LEN];

	CHECK_OK(pipe(p));
	CHECK_EQ(sendfile(p[1], src, NULL, 3000), 3000);
	ut_read_exact(p[0], buf, 3000);
	for (int i = 0; i < 3000; i++)
		CHECK_EQ(buf[i], pattern(i));
	/* Eight times the file: more than a pipe holds, so the reader must drain it. */
	pid_t pid = ut_fork();
	if (pid == 0) {
		close(p[1]);
		for (int k = 0; k < 8; k++) {
			ut_read_exact(p[0], buf, SRC_LEN);
			for (int i = 0; i < SRC_LEN; i++)
				CHECK_EQ(buf[i], pattern(i));
		}
		_exit(0);
	}
	close(p[0]);
	/* A full pipe may take a short count (Linux does): send the rest. */
	for (int k = 0; k < 8; k++)
		for (off_t off = 0; off < SRC_LEN;)
			CHECK(sendfile(p[1], src, &off, SRC_LEN - off) > 0);
	ut_wait_exit(pid, 0);
}

TEST(sendfile_errors, "sendfile checks descriptors, modes and offsets as Linux does")
{
	int src = make_src(), p[2];
	int dst = CHECK_OK(open("dst", O_WRONLY | O_CREAT, 0644));
	int ro = CHECK_OK(open("dst", O_RDONLY));
	int app = CHECK_OK(open("dst", O_WRONLY | O_APPEND));
	int wo = CHECK_OK(open("src", O_WRONLY));
	int dir = CHECK_OK(open(".", O_RDONLY | O_DIRECTORY));
	off_t off = -1;

	CHECK_OK(pipe(p));
	CHECK_ERR(sendfile(dst, -1, NULL, 10), EBADF);
	CHECK_ERR(sendfile(-1, src, NULL, 10), EBADF);
	CHECK_ERR(sendfile(dst, wo, NULL, 10), EBADF);		/* input not readable */
	CHECK_ERR(sendfile(ro, src, NULL, 10), EBADF);		/* output not writable */
	CHECK_ERR(sendfile(app, src, NULL, 10), EINVAL);	/* O_APPEND output */
	CHECK_ERR(sendfile(dst, src, &off, 10), EINVAL);
	CHECK_ERR(sendfile(dst, p[0], &off, 10), ESPIPE);	/* a pipe has no offsets */
	CHECK_ERR(sendfile(dst, dir, NULL, 10), EINVAL);
	CHECK_ERR(sendfile(dst, src, UT_BAD_PTR, 10), EFAULT);
	CHECK_EQ(lseek(dst, 0, SEEK_END), 0);			/* nothing was written */
}

TEST(copy_file_range_copies, "copy_file_range with offsets or file positions, short at the end")
{
	int src = make_src();
	int dst = CHECK_OK(open("dst", O_RDWR | O_CREAT, 0644));
	off_t in = 50, out = 7;

	CHECK_EQ(copy_file_range(src, &in, dst, &out, 4000, 0), 4000);
	CHECK_EQ(in, 4050);
	CHECK_EQ(out, 4007);
	CHECK_EQ(lseek(src, 0, SEEK_CUR), 0);
	CHECK_EQ(lseek(dst, 0, SEEK_CUR), 0);
	check_pattern(dst, 7, 50, 4000);
	/* No offsets: both file positions move. */
	CHECK_OK(lseek(src, SRC_LEN - 100, SEEK_SET));
	CHECK_OK(lseek(dst, 20000, SEEK_SET));
	CHECK_EQ(copy_file_range(src, NULL, dst, NULL, 4000, 0), 100);
	CHECK_EQ(lseek(src, 0, SEEK_CUR), SRC_LEN);
	CHECK_EQ(lseek(dst, 0, SEEK_CUR), 20100);
	check_pattern(dst, 20000, SRC_LEN - 100, 100);
	CHECK_EQ(copy_file_range(src, NULL, dst, NULL, 4000, 0), 0);	/* at the end */
	/* Within one file, ranges that do not overlap. */
	in = 0, out = SRC_LEN;
	CHECK_EQ(copy_file_range(src, &in, src, &out, 1000, 0), 1000);
	check_pattern(src, SRC_LEN, 0, 1000);
}

TEST(copy_file_range_errors, "copy_file_range refuses flags, non-files, bad modes and overlaps")
{
	int src = make_src(), p[2];
	int dst = CHECK_OK(open("dst", O_WRONLY | O_CREAT, 0644));
	int ro = CHECK_OK(open("dst", O_RDONLY));
	int app = CHECK_OK(open("dst", O_WRONLY | O_APPEND));
	int dir = CHECK_OK(open(".", O_RDONLY | O_DIRECTORY));
	off_t in = 0, out = 10, neg = -1;

	CHECK_OK(pipe(p));
	CHECK_ERR(copy_file_range(src, NULL, dst, NULL, 10, 1), EINVAL);
	CHECK_ERR(copy_file_range(-1, NULL, dst, NULL, 10, 0), EBADF);
	CHECK_ERR(copy_file_range(src, NULL, -1, NULL, 10, 0), EBADF);
	CHECK_ERR(copy_file_range(src, NULL, p[1], NULL, 10, 0), EINVAL);
	CHECK_ERR(copy_file_range(dir, NULL, dst, NULL, 10, 0), EISDIR);
	CHECK_ERR(copy_file_range(src, NULL, ro, NULL, 10, 0), EBADF);
	CHECK_ERR(copy_file_range(src, NULL, app, NULL, 10, 0), EBADF);
	CHECK_ERR(copy_file_range(src, &in, src, &out, 100, 0), EINVAL);	/* overlap */
	CHECK_ERR(copy_file_range(src, &neg, dst, NULL, 10, 0), EOVERFLOW);	/* wraps */
	CHECK_EQ(copy_file_range(src, NULL, dst, NULL, 0, 0), 0);
}

TEST(fallocate_extends_or_keeps_size, "fallocate reserves space; mode 0 extends, KEEP_SIZE not")
{
	int fd = CHECK_OK(open("f", O_RDWR | O_CREAT, 0644));
	struct stat st;
	char buf[4096];

	ut_write_all(fd, "hello", 5);
	CHECK_OK(fallocate(fd, 0, 0, 100000));
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_size, 100000);
	CHECK(st.st_blocks * 512 >= 100000);
	long blocks = st.st_blocks;
	CHECK_EQ(pread(fd, buf, sizeof(buf), 0), sizeof(buf));
	CHECK(memcmp(buf, "hello", 5) == 0);			/* data kept */
	for (size_t i = 5; i < sizeof(buf); i++)
		CHECK_EQ(buf[i], 0);				/* the rest reads as zeros */
	CHECK_OK(fallocate(fd, FALLOC_FL_KEEP_SIZE, 100000, 200000));
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_size, 100000);
	CHECK(st.st_blocks >= blocks + 200000 / 512);
	CHECK_EQ(pread(fd, buf, sizeof(buf), 100000), 0);	/* still the end */
	CHECK_OK(fallocate(fd, 0, 10, 20));			/* inside: no change of size */
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_size, 100000);
	CHECK_EQ(pwrite(fd, "z", 1, 150000), 1);		/* into the reserved part */
	CHECK_EQ(pread(fd, buf, 2, 149999), 2);
	CHECK(buf[0] == 0 && buf[1] == 'z');
	CHECK_OK(ftruncate(fd, 10));
	CHECK_OK(fstat(fd, &st));
	CHECK(st.st_blocks < blocks);				/* truncate frees it again */
}

TEST(fallocate_errors, "fallocate checks range, mode and descriptor in Linux's order")
{
	int fd = CHECK_OK(open("f", O_RDWR | O_CREAT, 0644));
	int ro = CHECK_OK(open("f", O_RDONLY)), p[2];
	int null = CHECK_OK(open("/dev/null", O_WRONLY));

	CHECK_OK(pipe(p));
	CHECK_ERR(fallocate(fd, 0, 0, 0), EINVAL);
	CHECK_ERR(fallocate(fd, 0, -1, 10), EINVAL);
	CHECK_ERR(fallocate(fd, 0x100, 0, 10), EOPNOTSUPP);
	CHECK_ERR(fallocate(fd, FALLOC_FL_PUNCH_HOLE, 0, 10), EOPNOTSUPP);
	CHECK_ERR(fallocate(ro, 0, 0, 10), EBADF);
	CHECK_ERR(fallocate(-1, 0, 0, 10), EBADF);
	CHECK_ERR(fallocate(p[1], 0, 0, 10), ESPIPE);
	CHECK_ERR(fallocate(null, 0, 0, 10), ENODEV);
	CHECK_ERR(fallocate(fd, 0, 0x7fffffffffffff00LL, 0x1000), EFBIG);
	/* A file system without the operation (procfs) cannot reserve space. */
	int proc = open("/proc/sys/vm/drop_caches", O_WRONLY);
	if (proc >= 0)
		CHECK_ERR(fallocate(proc, 0, 0, 10), EOPNOTSUPP);
}
