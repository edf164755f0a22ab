// SPDX-License-Identifier: MIT
/* ktests for file contents: sparse and large files, truncate, append, flags. */
#include "fs/ktests/ktfs.h"
#include "fs/internal.h"
#include "lib/string.h"
#include "mm/pmm.h"
#include "mm/slab.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/stat.h"
#include "uapi/time.h"

KTEST(fs_data_sparse, "a write at 1 TiB makes a sparse file: holes read as zeros and cost nothing")
{
	const uint64_t far = 1ull << 40;
	struct kt_env e;
	struct kstat st;
	struct file *f;
	uint64_t pos, free0 = pmm_free_pages();
	char buf[32];

	KT_EQ(kt_enter(&e, "/kt/sparse"), 0);
	f = vfs_openat(AT_FDCWD, "s", O_RDWR | O_CREAT, 0644);
	KT_ASSERT(!IS_ERR(f));
	pos = far;
	KT_EQ(kernel_write(f, "end", 3, &pos), 3);
	KT_EQ(kt_stat("s", &st, false), 0);
	KT_EQ(st.size, far + 3);
	KT_ASSERT(st.blocks <= 8);                      /* one page of data */
	KT_ASSERT(free0 - pmm_free_pages() < 16);       /* and a few tree nodes */
	pos = 12345;
	memset(buf, 'x', sizeof(buf));
	KT_EQ(kernel_read(f, buf, sizeof(buf), &pos), 32);
	for (int i = 0; i < 32; i++)
		KT_EQ(buf[i], 0);
	pos = far - 2;
	KT_EQ(kernel_read(f, buf, sizeof(buf), &pos), 5);
	KT_ASSERT(memcmp(buf, "\0\0end", 5) == 0);
	KT_EQ(kernel_read(f, buf, sizeof(buf), &pos), 0);   /* end of file */
	/* Truncating below the data frees it (the page and the tree's four nodes). */
	free0 = pmm_free_pages();
	KT_EQ(file_truncate(f, 10), 0);
	KT_ASSERT(pmm_free_pages() >= free0 + 5);
	KT_EQ(kt_stat("s", &st, false), 0);
	KT_EQ(st.size, 10);
	KT_EQ(st.blocks, 0);
	KT_EQ(file_truncate(f, far + 3), 0);             /* extending again reads zeros */
	pos = far;
	KT_EQ(kernel_read(f, buf, 3, &pos), 3);
	KT_ASSERT(memcmp(buf, "\0\0\0", 3) == 0);
	KT_EQ(file_truncate(f, 1ull << 50), -EFBIG);
	file_put(f);
	KT_EQ(vfs_unlinkat(AT_FDCWD, "s", 0), 0);
	kt_leave(&e);
	return 0;
}

KTEST(fs_data_large, "a 3 MiB file written in odd pieces reads back byte for byte")
{
	const size_t size = 3 << 20, piece = 12345;
	char *buf = kmalloc(piece);
	struct kt_env e;
	struct file *f;
	uint64_t pos = 0;
	bool same = true;

	KT_ASSERT(buf);
	KT_EQ(kt_enter(&e, "/kt/large"), 0);
	f = vfs_openat(AT_FDCWD, "big", O_RDWR | O_CREAT | O_TRUNC, 0644);
	KT_ASSERT(!IS_ERR(f));
	while (pos < size) {
		size_t n = MIN(piece, size - pos);
		for (size_t i = 0; i < n; i++)
			buf[i] = (char)((pos + i) * 7 + ((pos + i) >> 12));
		KT_EQ(kernel_write(f, buf, n, &pos), (long)n);
	}
	KT_EQ(f->inode->size, size);
	for (pos = 0; pos < size;) {
		uint64_t at = pos;
		long n = kernel_read(f, buf, piece, &pos);
		KT_ASSERT(n > 0);
		for (long i = 0; i < n; i++)
			same &= buf[i] == (char)((at + i) * 7 + ((at + i) >> 12));
	}
	KT_ASSERT(same);
	file_put(f);
	KT_EQ(vfs_unlinkat(AT_FDCWD, "big", 0), 0);
	kfree(buf);
	kt_leave(&e);
	return 0;
}

KTEST(fs_data_open_flags, "O_APPEND, O_TRUNC, O_EXCL, the umask, and writes to read-only files")
{
	struct kt_env e;
	struct kstat st;
	struct file *f;
	uint64_t pos = 0;
	char buf[16];

	KT_EQ(kt_enter(&e, "/kt/flags"), 0);
	KT_EQ(kt_write_file("f", "12345", 5, 0666), 0);
	KT_EQ(kt_stat("f", &st, false), 0);
	KT_EQ(st.mode, S_IFREG | 0644);                 /* umask 022 */
	KT_EQ(vfs_umask(0), 022);
	KT_EQ(vfs_umask(022), 0);
	f = vfs_openat(AT_FDCWD, "f", O_WRONLY | O_APPEND, 0);
	KT_ASSERT(!IS_ERR(f));
	KT_EQ(kernel_write(f, "678", 3, &pos), 3);      /* at the end, whatever pos says */
	file_put(f);
	KT_EQ(kt_read_file("f", buf, sizeof(buf)), 8);
	KT_ASSERT(memcmp(buf, "12345678", 8) == 0);
	f = vfs_openat(AT_FDCWD, "f", O_RDONLY | O_TRUNC, 0);
	KT_ASSERT(!IS_ERR(f));
	KT_EQ(f->inode->size, 0);
	pos = 0;
	KT_EQ(kernel_write(f, "x", 1, &pos), -EBADF);
	file_put(f);
	KT_ASSERT(PTR_ERR(vfs_openat(AT_FDCWD, "f", O_CREAT | O_EXCL | O_RDWR, 0644)) == -EEXIST);
	KT_ASSERT(PTR_ERR(vfs_openat(AT_FDCWD, ".", O_WRONLY, 0)) == -EISDIR);
	KT_ASSERT(PTR_ERR(vfs_openat(AT_FDCWD, ".", O_CREAT | O_RDONLY, 0)) == -EISDIR);
	/* A file this open creates is writable even with mode 0444. */
	f = vfs_openat(AT_FDCWD, "ro", O_CREAT | O_RDWR, 0444);
	KT_ASSERT(!IS_ERR(f));
	pos = 0;
	KT_EQ(kernel_write(f, "ok", 2, &pos), 2);
	file_put(f);
	kt_leave(&e);
	return 0;
}

KTEST(fs_data_times, "utimensat with UTIME_NOW and UTIME_OMIT; reads and writes move the times")
{
	struct timespec t[2] = { { 100, 5 }, { 200, 7 } };
	struct kt_env e;
	struct kstat st;
	char c;

	KT_EQ(kt_enter(&e, "/kt/times"), 0);
	KT_EQ(kt_write_file("f", "abc", 3, 0666), 0);
	KT_EQ(vfs_fchmodat(AT_FDCWD, "f", 0666, 0), 0);
	KT_EQ(vfs_utimensat(AT_FDCWD, "f", t, 0), 0);
	KT_EQ(kt_stat("f", &st, false), 0);
	KT_EQ(st.atime.tv_sec, 100);
	KT_EQ(st.atime.tv_nsec, 5);
	KT_EQ(st.mtime.tv_sec, 200);
	KT_EQ(st.mtime.tv_nsec, 7);
	t[0].tv_nsec = UTIME_OMIT;
	t[1].tv_nsec = UTIME_NOW;
	KT_EQ(vfs_utimensat(AT_FDCWD, "f", t, 0), 0);
	KT_EQ(kt_stat("f", &st, false), 0);
	KT_EQ(st.atime.tv_sec, 100);
	KT_ASSERT(st.mtime.tv_sec != 200 || st.mtime.tv_nsec != 7);
	t[1].tv_nsec = NSEC_PER_SEC;
	KT_EQ(vfs_utimensat(AT_FDCWD, "f", t, 0), -EINVAL);
	t[0].tv_nsec = t[1].tv_nsec = UTIME_OMIT;
	KT_EQ(vfs_utimensat(AT_FDCWD, "missing", t, 0), 0);    /* nothing to do, as Linux */
	t[0] = (struct timespec){ 100, 0 };
	t[1] = (struct timespec){ 200, 0 };
	KT_EQ(vfs_utimensat(AT_FDCWD, "f", t, 0), 0);
	KT_EQ(kt_read_file("f", &c, 1), 1);             /* atime older than mtime: recorded */
	KT_EQ(kt_stat("f", &st, false), 0);
	KT_ASSERT(st.atime.tv_sec != 100);
	KT_EQ(st.mtime.tv_sec, 200);
	/* Others: "now" needs write access, given times need ownership. */
	kt_as(&e, 1000, 1000);
	KT_EQ(vfs_utimensat(AT_FDCWD, "f", NULL, 0), 0);
	t[0] = (struct timespec){ 1, 0 };
	t[1] = (struct timespec){ 1, 0 };
	KT_EQ(vfs_utimensat(AT_FDCWD, "f", t, 0), -EPERM);
	kt_as_root(&e);
	KT_EQ(vfs_fchmodat(AT_FDCWD, "f", 0644, 0), 0);
	kt_as(&e, 1000, 1000);
	KT_EQ(vfs_utimensat(AT_FDCWD, "f", NULL, 0), -EACCES);
	kt_leave(&e);
	return 0;
}
