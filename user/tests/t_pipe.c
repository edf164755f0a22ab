// SPDX-License-Identifier: MIT
/*
 * Pipes and FIFOs: the byte stream between processes, its 64 KiB capacity,
 * the atomicity of writes up to PIPE_BUF (4096) bytes, end of file when the
 * last writer closes, EPIPE and SIGPIPE when the last reader has closed,
 * and the non-blocking and close-on-exec flags of pipe2.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "utest.h"

TEST(pipe_write_then_read, "bytes written to a pipe come out of the read end in order")
{
	char buf[16] = { 0 };
	int p[2];

	CHECK_OK(pipe(p));
	CHECK_EQ(write(p[1], "abc", 3), 3);
	CHECK_EQ(write(p[1], "de", 2), 2);
	CHECK_EQ(read(p[0], buf, sizeof(buf)), 5);	/* a read returns what is there */
	CHECK(memcmp(buf, "abcde", 5) == 0);
}

TEST(pipe_eof_after_close, "read returns 0 once every writer has closed")
{
	char c;
	int p[2];

	CHECK_OK(pipe(p));
	pid_t pid = ut_fork();
	if (pid == 0) {
		close(p[0]);
		ut_write_all(p[1], "x", 1);
		_exit(0);
	}
	close(p[1]);
	CHECK_EQ(read(p[0], &c, 1), 1);
	CHECK_EQ(read(p[0], &c, 1), 0);	/* the child exited: no writer left */
	ut_wait_exit(pid, 0);
}

TEST(pipe_sigpipe_kills, "writing to a pipe without readers raises SIGPIPE, which kills by default")
{
	int p[2];

	CHECK_OK(pipe(p));
	close(p[0]);
	pid_t pid = ut_fork();
	if (pid == 0) {
		write(p[1], "x", 1);
		_exit(0);
	}
	ut_wait_signal(pid, SIGPIPE);
}

TEST(pipe_epipe_when_ignored, "with SIGPIPE ignored the write fails with EPIPE")
{
	int p[2];

	signal(SIGPIPE, SIG_IGN);
	CHECK_OK(pipe(p));
	close(p[0]);
	CHECK_ERR(write(p[1], "x", 1), EPIPE);
	ut_catch(SIGPIPE, 0);
	CHECK_ERR(write(p[1], "x", 1), EPIPE);
	CHECK_EQ(ut_sig_count[SIGPIPE], 1);
}

TEST(pipe_capacity_64k, "a pipe holds exactly 65536 bytes before a non-blocking write is EAGAIN")
{
	static char buf[4096];
	long total = 0;
	ssize_t n;
	int p[2];

	CHECK_OK(pipe2(p, O_NONBLOCK));
	while ((n = write(p[1], buf, sizeof(buf))) > 0)
		total += n;
	CHECK_EQ(n, -1);
	CHECK_EQ(errno, EAGAIN);
	CHECK_EQ(total, 65536);
	/* Room for one byte again: a write of PIPE_BUF or less is all or nothing. */
	CHECK_EQ(read(p[0], buf, 1), 1);
	CHECK_ERR(write(p[1], buf, 2), EAGAIN);
}

TEST(pipe_nonblock_read_eagain, "a non-blocking read of an empty pipe with a writer is EAGAIN")
{
	char c;
	int p[2];

	CHECK_OK(pipe2(p, O_NONBLOCK));
	CHECK_ERR(read(p[0], &c, 1), EAGAIN);
	close(p[1]);
	CHECK_EQ(read(p[0], &c, 1), 0);
}

/* Two writers each send 64 records of PIPE_BUF bytes filled with their own
 * letter; the reader must never see a record made of both letters. */
TEST(pipe_buf_writes_atomic, "writes of PIPE_BUF bytes from two processes never interleave")
{
	static char rec[PIPE_BUF];
	int p[2], counts[2] = { 0, 0 };
	pid_t kids[2];

	CHECK_EQ(PIPE_BUF, 4096);
	CHECK_OK(pipe(p));
	for (int k = 0; k < 2; k++) {
		kids[k] = ut_fork();
		if (kids[k] == 0) {
			memset(rec, 'A' + k, sizeof(rec));
			for (int i = 0; i < 64; i++)
				ut_write_all(p[1], rec, sizeof(rec));
			_exit(0);
		}
	}
	close(p[1]);
	for (int i = 0; i < 128; i++) {
		ut_read_exact(p[0], rec, sizeof(rec));
		for (int j = 1; j < PIPE_BUF; j++)
			if (rec[j] != rec[0])
				FAIL("record %d mixes '%c' and '%c' at byte %d", i, rec[0], rec[j], j);
		counts[rec[0] - 'A']++;
	}
	CHECK_EQ(counts[0], 64);
	CHECK_EQ(counts[1], 64);
	ut_wait_exit(kids[0], 0);
	ut_wait_exit(kids[1], 0);
}

TEST(pipe_large_write_blocks_until_read, "a 1 MiB write completes as the reader drains the pipe")
{
	static unsigned char buf[1 << 20], back[1 << 20];
	int p[2];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i ^ (i >> 8));
	CHECK_OK(pipe(p));
	pid_t pid = ut_fork();
	if (pid == 0) {
		close(p[0]);
		if (write(p[1], buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			FAIL("short blocking write");
		_exit(0);
	}
	close(p[1]);
	ut_read_exact(p[0], back, sizeof(back));
	CHECK(memcmp(buf, back, sizeof(buf)) == 0);
	ut_wait_exit(pid, 0);
}

TEST(pipe_read_blocks_for_writer, "a read of an empty pipe sleeps until a writer writes")
{
	char c = 0;
	int p[2];

	CHECK_OK(pipe(p));
	pid_t pid = ut_fork();
	if (pid == 0) {
		ut_msleep(50);
		ut_write_all(p[1], "w", 1);
		_exit(0);
	}
	CHECK_EQ(read(p[0], &c, 1), 1);
	CHECK_EQ(c, 'w');
	ut_wait_exit(pid, 0);
}

TEST(pipe2_flags, "pipe2 sets O_NONBLOCK and O_CLOEXEC on both ends; other flags are EINVAL")
{
	int p[2];

	CHECK_OK(pipe2(p, O_NONBLOCK | O_CLOEXEC));
	for (int i = 0; i < 2; i++) {
		CHECK(fcntl(p[i], F_GETFL) & O_NONBLOCK);
		CHECK_EQ(fcntl(p[i], F_GETFD), FD_CLOEXEC);
	}
	CHECK_EQ(fcntl(p[0], F_GETFL) & O_ACCMODE, O_RDONLY);
	CHECK_EQ(fcntl(p[1], F_GETFL) & O_ACCMODE, O_WRONLY);
	CHECK_ERR(syscall(SYS_pipe2, p, O_APPEND), EINVAL);
	CHECK_ERR(syscall(SYS_pipe2, UT_BAD_PTR, 0), EFAULT);
}

TEST(pipe_wrong_end_ebadf, "reading the write end or writing the read end is EBADF")
{
	char c = 0;
	int p[2];

	CHECK_OK(pipe(p));
	CHECK_ERR(write(p[0], &c, 1), EBADF);
	CHECK_ERR(read(p[1], &c, 1), EBADF);
}

TEST(pipe_lseek_espipe, "seeking on a pipe, or pread/pwrite on it, is ESPIPE")
{
	char c = 0;
	int p[2];

	CHECK_OK(pipe(p));
	CHECK_ERR(lseek(p[0], 0, SEEK_SET), ESPIPE);
	CHECK_ERR(pwrite(p[1], &c, 1, 0), ESPIPE);
	CHECK_ERR(pread(p[0], &c, 1, 0), ESPIPE);
}

TEST(pipe_fionread, "FIONREAD reports the bytes waiting in a pipe")
{
	int p[2], n = -1;

	CHECK_OK(pipe(p));
	CHECK_EQ(write(p[1], "12345", 5), 5);
	CHECK_OK(ioctl(p[0], FIONREAD, &n));
	CHECK_EQ(n, 5);
}

TEST(fifo_roundtrip, "a FIFO made by mkfifo carries bytes between two opens")
{
	struct stat st;
	char buf[4] = { 0 };

	CHECK_OK(mkfifo("fifo", 0600));
	CHECK_OK(stat("fifo", &st));
	CHECK(S_ISFIFO(st.st_mode));
	/* No reader yet: a non-blocking open for writing fails at once. */
	CHECK_ERR(open("fifo", O_WRONLY | O_NONBLOCK), ENXIO);
	/* O_RDWR on a FIFO never blocks on Linux, so one process can use it. */
	int fd = CHECK_OK(open("fifo", O_RDWR));
	CHECK_EQ(write(fd, "abc", 3), 3);
	CHECK_EQ(read(fd, buf, sizeof(buf)), 3);
	CHECK(memcmp(buf, "abc", 3) == 0);
}

TEST(fifo_open_waits_for_peer, "opening a FIFO for reading waits for a writer, and back")
{
	char c = 0;

	CHECK_OK(mkfifo("fifo", 0600));
	pid_t pid = ut_fork();
	if (pid == 0) {
		int w = CHECK_OK(open("fifo", O_WRONLY));
		ut_write_all(w, "f", 1);
		_exit(0);
	}
	int r = CHECK_OK(open("fifo", O_RDONLY));
	CHECK_EQ(read(r, &c, 1), 1);
	CHECK_EQ(c, 'f');
	CHECK_EQ(read(r, &c, 1), 0);
	ut_wait_exit(pid, 0);
}
