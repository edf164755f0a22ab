// SPDX-License-Identifier: MIT
/* ktests for devices: the mem devices, the generator, getrandom, devtmpfs, chrdev. */
#include "fs/ktests/ktfs.h"
#include "drivers/random.h"
#include "fs/chrdev.h"
#include "fs/uio.h"
#include "lib/string.h"
#include "mm/usercopy.h"
#include "fs/internal.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/random.h"
#include "uapi/stat.h"

KTEST(fs_dev_mem_devices, "/dev/null, zero, full and urandom behave as on Linux")
{
	struct file *f;
	uint64_t pos = 0;
	char buf[64], buf2[64];
	struct kstat st;

	KT_EQ(kt_stat("/dev/null", &st, false), 0);     /* made at boot (no initramfs here) */
	KT_ASSERT(S_ISCHR(st.mode));
	KT_EQ(st.rdev, MKDEV(1, 3));
	f = vfs_openat(AT_FDCWD, "/dev/null", O_RDWR, 0);
	KT_ASSERT(!IS_ERR(f));
	KT_EQ(kernel_read(f, buf, sizeof(buf), &pos), 0);
	KT_EQ(kernel_write(f, "gone", 4, &pos), 4);
	file_put(f);
	f = vfs_openat(AT_FDCWD, "/dev/zero", O_RDONLY, 0);
	KT_ASSERT(!IS_ERR(f));
	memset(buf, 'x', sizeof(buf));
	KT_EQ(kernel_read(f, buf, sizeof(buf), &pos), 64);
	for (int i = 0; i < 64; i++)
		KT_EQ(buf[i], 0);
	file_put(f);
	f = vfs_openat(AT_FDCWD, "/dev/full", O_WRONLY, 0);
	KT_ASSERT(!IS_ERR(f));
	KT_EQ(kernel_write(f, "x", 1, &pos), -ENOSPC);
	file_put(f);
	f = vfs_openat(AT_FDCWD, "/dev/urandom", O_RDONLY, 0);
	KT_ASSERT(!IS_ERR(f));
	KT_EQ(kernel_read(f, buf, sizeof(buf), &pos), 64);
	KT_EQ(kernel_read(f, buf2, sizeof(buf2), &pos), 64);
	KT_ASSERT(memcmp(buf, buf2, sizeof(buf)) != 0);
	file_put(f);
	KT_ASSERT(PTR_ERR(vfs_openat(AT_FDCWD, "/dev/ttyS0", O_RDWR, 0)) == -ENXIO ||
		  chrdev_ops(MKDEV(4, 64)) != NULL);     /* no driver yet: ENXIO */
	return 0;
}

KTEST(fs_dev_chacha20_vector, "the ChaCha20 block function matches RFC 8439 section 2.3.2")
{
	uint32_t key[8], iv[4] = { 1, 0x09000000, 0x4a000000, 0 }, out[16];

	for (int i = 0; i < 8; i++)
		key[i] = (uint32_t)(4 * i) | (uint32_t)(4 * i + 1) << 8 |
			 (uint32_t)(4 * i + 2) << 16 |
			 (uint32_t)(4 * i + 3) << 24;
	chacha20_block(key, iv, out);
	KT_EQ(out[0], 0xe4e7f110);
	KT_EQ(out[1], 0x15593bd1);
	KT_EQ(out[7], 0x4e6cd4c3);
	KT_EQ(out[15], 0x4e3c50a2);
	return 0;
}

KTEST(fs_dev_getrandom, "getrandom checks its flags and fills the buffer")
{
	struct kt_env e;
	uint64_t u, a[4], b[4];

	KT_EQ(kt_enter(&e, "/kt/rand"), 0);
	u = kt_user(&e, 4096);
	KT_ASSERT(u);
	KT_EQ(sys_getrandom((void *)u, 32, 0x80), -EINVAL);
	KT_EQ(sys_getrandom((void *)u, 32, GRND_INSECURE | GRND_RANDOM), -EINVAL);
	KT_EQ(sys_getrandom((void *)u, 32, GRND_NONBLOCK), 32);
	KT_EQ(copy_from_user(a, (void *)u, 32), 0);
	KT_EQ(sys_getrandom((void *)u, 32, GRND_RANDOM), 32);
	KT_EQ(copy_from_user(b, (void *)u, 32), 0);
	KT_ASSERT(memcmp(a, b, 32) != 0);
	KT_EQ(sys_getrandom(a, 8, 0), -EFAULT);
	kt_leave(&e);
	return 0;
}

static long
test_dev_read(struct file *f, struct uio *u, uint64_t *pos)
{
	char c = (char)('0' + MINOR(f->inode->rdev));

	return uio_copy_out(u, &c, 1);
}

static const struct file_ops test_dev_ops = { .read = test_dev_read };

KTEST(fs_dev_devtmpfs_chrdev, "devtmpfs lists registered devices, including ones registered later")
{
	struct kt_env e;
	struct kstat st;
	char c;

	KT_EQ(kt_enter(&e, "/kt/devfs"), 0);
	KT_EQ(vfs_mkdirat(AT_FDCWD, "dev", 0755), 0);
	KT_EQ(vfs_mount("devtmpfs", "dev", "devtmpfs", 0, NULL), 0);
	KT_EQ(kt_stat("dev/zero", &st, false), 0);
	KT_EQ(st.rdev, MKDEV(1, 5));
	KT_EQ(st.mode, S_IFCHR | 0666);
	KT_EQ(kt_stat("dev/kt0", &st, false), -ENOENT);     /* cached as missing... */
	KT_EQ(chrdev_register(240, 0, 2, "kt", 0600, &test_dev_ops), 0);
	KT_EQ(chrdev_register(240, 1, 1, "overlap", 0600, &test_dev_ops), -EBUSY);
	KT_EQ(kt_stat("dev/kt1", &st, false), 0);          /* ...and now there */
	KT_EQ(st.rdev, MKDEV(240, 1));
	KT_EQ(kt_read_file("dev/kt1", &c, 1), 1);
	KT_EQ(c, '1');
	KT_EQ(vfs_mknodat(AT_FDCWD, "mine", S_IFCHR | 0600, MKDEV(240, 0)), 0);
	KT_EQ(kt_read_file("mine", &c, 1), 1);             /* any node with the number */
	KT_EQ(c, '0');
	KT_EQ(vfs_fchmodat(AT_FDCWD, ".", 0777, 0), 0);
	kt_as(&e, 1, 1);
	KT_EQ(vfs_mknodat(AT_FDCWD, "nope", S_IFCHR | 0600, MKDEV(1, 3)), -EPERM);
	KT_EQ(vfs_mknodat(AT_FDCWD, "fifo", S_IFIFO | 0600, 0), 0);
	kt_as_root(&e);
	KT_EQ(vfs_mknodat(AT_FDCWD, "bad", 0170000 | 0600, 0), -EINVAL);
	chrdev_unregister(240, 0, 2);
	KT_ASSERT(PTR_ERR(vfs_openat(AT_FDCWD, "mine", O_RDONLY, 0)) == -ENXIO);
	KT_EQ(vfs_umount("dev", 0), 0);
	kt_leave(&e);
	return 0;
}
