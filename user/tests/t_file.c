// SPDX-License-Identifier: MIT
/*
 * File I/O: open/openat/close, read/write and their vector and positioned
 * forms, lseek, the open flags (O_APPEND, O_TRUNC, O_EXCL, O_CLOEXEC,
 * O_DIRECTORY) and truncation.  Bad pointers go through syscall(2) so the
 * kernel, not the C library, is what sees them.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "utest.h"

TEST(open_creat_write_read, "a created file reads back what was written")
{
	char buf[16] = { 0 };
	int fd = CHECK_OK(open("f", O_RDWR | O_CREAT, 0644));

	CHECK_EQ(write(fd, "hello", 5), 5);
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	CHECK_EQ(read(fd, buf, sizeof(buf)), 5);
	CHECK(memcmp(buf, "hello", 5) == 0);
	CHECK_EQ(read(fd, buf, sizeof(buf)), 0);
	CHECK_OK(close(fd));
}

TEST(open_missing_enoent, "opening a missing file without O_CREAT fails with ENOENT")
{
	CHECK_ERR(open("missing", O_RDONLY), ENOENT);
	CHECK_ERR(open("nodir/f", O_RDWR | O_CREAT, 0644), ENOENT);
}

TEST(open_excl_eexist, "O_CREAT|O_EXCL on an existing name fails with EEXIST")
{
	close(CHECK_OK(open("f", O_WRONLY | O_CREAT | O_EXCL, 0644)));
	CHECK_ERR(open("f", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
	CHECK_OK(symlink("dangling-target", "l"));
	CHECK_ERR(open("l", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
}

TEST(open_trunc_empties, "O_TRUNC cuts an existing file to length 0")
{
	struct stat st;

	ut_write_file("f", "some text");
	int fd = CHECK_OK(open("f", O_WRONLY | O_TRUNC));
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_size, 0);
	close(fd);
}

TEST(open_append_writes_at_end, "with O_APPEND every write goes to the end, whatever the offset")
{
	char buf[16] = { 0 };

	ut_write_file("f", "abc");
	int fd = CHECK_OK(open("f", O_RDWR | O_APPEND));
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	CHECK_EQ(write(fd, "de", 2), 2);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 5);
	CHECK_EQ(pread(fd, buf, sizeof(buf), 0), 5);
	CHECK(memcmp(buf, "abcde", 5) == 0);
	close(fd);
}

TEST(open_access_mode_enforced, "read on O_WRONLY and write on O_RDONLY fail with EBADF")
{
	char c = 'x';

	ut_write_file("f", "abc");
	int r = CHECK_OK(open("f", O_RDONLY));
	int w = CHECK_OK(open("f", O_WRONLY));
	CHECK_ERR(write(r, &c, 1), EBADF);
	CHECK_ERR(read(w, &c, 1), EBADF);
}

TEST(open_directory_flag, "O_DIRECTORY opens directories only; writing a directory is EISDIR")
{
	ut_write_file("f", "");
	CHECK_OK(mkdir("d", 0755));
	CHECK_ERR(open("f", O_RDONLY | O_DIRECTORY), ENOTDIR);
	close(CHECK_OK(open("d", O_RDONLY | O_DIRECTORY)));
	CHECK_ERR(open("d", O_WRONLY), EISDIR);
	CHECK_ERR(open("d", O_RDWR), EISDIR);
}

TEST(open_bad_path_efault, "a path pointer into unmapped memory fails with EFAULT")
{
	CHECK_ERR(syscall(SYS_open, UT_BAD_PTR, O_RDONLY), EFAULT);
	CHECK_ERR(syscall(SYS_openat, AT_FDCWD, UT_BAD_PTR, O_RDONLY), EFAULT);
}

TEST(open_empty_path_enoent, "an empty path names nothing (ENOENT)")
{
	CHECK_ERR(open("", O_RDONLY), ENOENT);
}

TEST(open_long_name_enametoolong, "a component longer than 255 bytes fails with ENAMETOOLONG")
{
	char name[300];

	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = 0;
	CHECK_ERR(open(name, O_RDWR | O_CREAT, 0644), ENAMETOOLONG);
}

TEST(openat_relative_to_dirfd, "openat resolves a relative path from the directory fd")
{
	char buf[8] = { 0 };

	CHECK_OK(mkdir("d", 0755));
	ut_write_file("d/f", "in-d");
	int dfd = CHECK_OK(open("d", O_RDONLY | O_DIRECTORY));
	int fd = CHECK_OK(openat(dfd, "f", O_RDONLY));
	CHECK_EQ(read(fd, buf, sizeof(buf)), 4);
	CHECK(memcmp(buf, "in-d", 4) == 0);
	/* An absolute path ignores the directory fd, even a bad one. */
	close(CHECK_OK(openat(999, "/", O_RDONLY)));
}

TEST(openat_bad_dirfd, "a relative openat with a bad or non-directory fd fails (EBADF, ENOTDIR)")
{
	ut_write_file("f", "");
	int fd = CHECK_OK(open("f", O_RDONLY));
	CHECK_ERR(openat(999, "f", O_RDONLY), EBADF);
	CHECK_ERR(openat(fd, "f", O_RDONLY), ENOTDIR);
}

TEST(open_lowest_free_fd, "open returns the lowest free descriptor")
{
	ut_write_file("f", "");
	int a = CHECK_OK(open("f", O_RDONLY));
	int b = CHECK_OK(open("f", O_RDONLY));
	CHECK_EQ(b, a + 1);
	close(a);
	CHECK_EQ(open("f", O_RDONLY), a);
}

TEST(close_bad_fd_ebadf, "closing a closed or never-opened fd fails with EBADF")
{
	int fd = CHECK_OK(open("/", O_RDONLY));

	CHECK_OK(close(fd));
	CHECK_ERR(close(fd), EBADF);
	CHECK_ERR(close(-1), EBADF);
	CHECK_ERR(close(12345), EBADF);
}

TEST(read_write_bad_buffer_efault, "read into or write from unmapped memory fails with EFAULT")
{
	ut_write_file("f", "data");
	int fd = CHECK_OK(open("f", O_RDWR));
	CHECK_ERR(syscall(SYS_read, fd, UT_BAD_PTR, 4), EFAULT);
	CHECK_ERR(syscall(SYS_write, fd, UT_BAD_PTR, 4), EFAULT);
}

/*
 * A buffer that runs off the end of its mapping: the call moves the bytes
 * up to the hole, exactly, and says how many.  The hole starts 13 bytes
 * in, so the copy's 8-byte steps cannot land on it.
 */
TEST(read_write_short_at_a_hole, "read into or write from a buffer that ends in a hole moves exactly the mapped bytes")
{
	char *m = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *p;

	CHECK(m != MAP_FAILED);
	CHECK_OK(munmap(m + 4096, 4096));
	p = m + 4096 - 13;
	ut_write_file("f", "abcdefghijklmnopqrstuvwxyz");
	int fd = CHECK_OK(open("f", O_RDWR));
	CHECK_EQ(read(fd, p, 26), 13);
	CHECK(memcmp(p, "abcdefghijklm", 13) == 0);
	memcpy(p, "0123456789ABC", 13);
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	CHECK_EQ(write(fd, p, 26), 13);
	char back[32] = { 0 };
	CHECK_EQ(pread(fd, back, sizeof(back), 0), 26);
	CHECK(memcmp(back, "0123456789ABCnopqrstuvwxyz", 26) == 0);
	munmap(m, 4096);
}

TEST(read_write_bad_fd_ebadf, "read and write on a bad fd fail with EBADF")
{
	char c;

	CHECK_ERR(read(-1, &c, 1), EBADF);
	CHECK_ERR(write(999, &c, 1), EBADF);
}

TEST(read_zero_length, "a zero-length read or write returns 0 and moves nothing")
{
	char c;

	ut_write_file("f", "x");
	int fd = CHECK_OK(open("f", O_RDWR));
	CHECK_EQ(read(fd, &c, 0), 0);
	CHECK_EQ(write(fd, &c, 0), 0);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 0);
}

TEST(lseek_whence, "SEEK_SET, SEEK_CUR and SEEK_END compute the new offset")
{
	ut_write_file("f", "0123456789");
	int fd = CHECK_OK(open("f", O_RDONLY));
	CHECK_EQ(lseek(fd, 3, SEEK_SET), 3);
	CHECK_EQ(lseek(fd, 2, SEEK_CUR), 5);
	CHECK_EQ(lseek(fd, -1, SEEK_END), 9);
	CHECK_EQ(lseek(fd, 100, SEEK_SET), 100);
	char c;
	CHECK_EQ(read(fd, &c, 1), 0);
}

TEST(lseek_bad_args_einval, "a bad whence or a negative result fails with EINVAL")
{
	int fd = CHECK_OK(open("f", O_RDWR | O_CREAT, 0644));

	CHECK_ERR(lseek(fd, 0, 42), EINVAL);
	CHECK_ERR(lseek(fd, -1, SEEK_SET), EINVAL);
	CHECK_ERR(lseek(fd, -5, SEEK_END), EINVAL);
	CHECK_ERR(lseek(-1, 0, SEEK_SET), EBADF);
}

TEST(write_past_end_leaves_hole, "writing beyond the end leaves a hole that reads as zeros")
{
	char buf[8];

	int fd = CHECK_OK(open("f", O_RDWR | O_CREAT, 0644));
	CHECK_EQ(lseek(fd, 5000, SEEK_SET), 5000);
	CHECK_EQ(write(fd, "z", 1), 1);
	CHECK_EQ(lseek(fd, 0, SEEK_END), 5001);
	CHECK_EQ(pread(fd, buf, 8, 4096), 8);
	for (int i = 0; i < 8; i++)
		CHECK_EQ(buf[i], 0);
}

TEST(readv_writev_scatter_gather, "writev gathers buffers in order and readv scatters them")
{
	char a[3], b[5];
	struct iovec out[] = { { "abc", 3 }, { "", 0 }, { "defgh", 5 } };
	struct iovec in[] = { { a, 3 }, { b, 5 } };

	int fd = CHECK_OK(open("f", O_RDWR | O_CREAT, 0644));
	CHECK_EQ(writev(fd, out, 3), 8);
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	CHECK_EQ(readv(fd, in, 2), 8);
	CHECK(memcmp(a, "abc", 3) == 0 && memcmp(b, "defgh", 5) == 0);
}

TEST(writev_bad_iov, "writev rejects a negative or over-IOV_MAX count (EINVAL) and bad iovecs (EFAULT)")
{
	struct iovec iov = { "x", 1 };
	struct iovec bad = { UT_BAD_PTR, 1 };

	int fd = CHECK_OK(open("f", O_RDWR | O_CREAT, 0644));
	CHECK_ERR(writev(fd, &iov, -1), EINVAL);
	CHECK_ERR(writev(fd, &iov, IOV_MAX + 1), EINVAL);
	CHECK_ERR(syscall(SYS_writev, fd, UT_BAD_PTR, 1), EFAULT);
	CHECK_ERR(syscall(SYS_writev, fd, &bad, 1), EFAULT);
}

TEST(pread_pwrite_keep_offset, "pread64 and pwrite64 use their own offset and leave the file's alone")
{
	char buf[4] = { 0 };

	ut_write_file("f", "0123456789");
	int fd = CHECK_OK(open("f", O_RDWR));
	CHECK_EQ(lseek(fd, 2, SEEK_SET), 2);
	CHECK_EQ(pwrite(fd, "AB", 2, 6), 2);
	CHECK_EQ(pread(fd, buf, 4, 5), 4);
	CHECK(memcmp(buf, "5AB8", 4) == 0);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 2);
	CHECK_ERR(pread(fd, buf, 1, -1), EINVAL);
}

TEST(o_cloexec_sets_fd_flag, "O_CLOEXEC sets FD_CLOEXEC; a plain open does not")
{
	int a = CHECK_OK(open("/", O_RDONLY | O_CLOEXEC));
	int b = CHECK_OK(open("/", O_RDONLY));

	CHECK_EQ(fcntl(a, F_GETFD), FD_CLOEXEC);
	CHECK_EQ(fcntl(b, F_GETFD), 0);
}

TEST(ftruncate_shrinks_and_grows, "ftruncate and truncate set the size; growth reads as zeros")
{
	struct stat st;
	char buf[4];

	ut_write_file("f", "abcdef");
	int fd = CHECK_OK(open("f", O_RDWR));
	CHECK_OK(ftruncate(fd, 2));
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_size, 2);
	CHECK_OK(truncate("f", 4));
	CHECK_EQ(pread(fd, buf, 4, 0), 4);
	CHECK(memcmp(buf, "ab\0\0", 4) == 0);
	CHECK_ERR(ftruncate(fd, -1), EINVAL);
	int ro = CHECK_OK(open("f", O_RDONLY));
	CHECK_ERR(ftruncate(ro, 0), EINVAL);
}

TEST(fsync_regular_file, "fsync and fdatasync succeed on a regular file and fail on a bad fd")
{
	int fd = CHECK_OK(open("f", O_RDWR | O_CREAT, 0644));

	CHECK_EQ(write(fd, "x", 1), 1);
	CHECK_OK(fsync(fd));
	CHECK_OK(fdatasync(fd));
	CHECK_ERR(fsync(-1), EBADF);
}

TEST(shared_offset_after_open_twice, "two opens of one file have independent offsets")
{
	char c;

	ut_write_file("f", "ab");
	int a = CHECK_OK(open("f", O_RDONLY));
	int b = CHECK_OK(open("f", O_RDONLY));
	CHECK_EQ(read(a, &c, 1), 1);
	CHECK_EQ(read(b, &c, 1), 1);
	CHECK_EQ(c, 'a');
}

TEST(large_file_roundtrip, "a 1 MiB file written in odd-sized pieces reads back intact")
{
	static unsigned char buf[1 << 20], back[1 << 20];
	size_t off = 0, piece = 1;

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 7 + i / 4096);
	int fd = CHECK_OK(open("f", O_RDWR | O_CREAT, 0644));
	while (off < sizeof(buf)) {
		size_t n = piece < sizeof(buf) - off ? piece : sizeof(buf) - off;
		ut_write_all(fd, buf + off, n);
		off += n;
		piece = piece * 3 + 1;
	}
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	ut_read_exact(fd, back, sizeof(back));
	CHECK(memcmp(buf, back, sizeof(buf)) == 0);
}
