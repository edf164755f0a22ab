// SPDX-License-Identifier: MIT
/*
 * ktests for the initramfs: a real archive made by GNU cpio (linked into
 * the kernel, see initramfs_data.S) unpacks with its modes, owners, times,
 * links and nodes; damaged copies are refused without harm; and the boot
 * leaves a root with a console.
 */
#include "fs/ktests/ktfs.h"
#include "fs/cpio.h"
#include "fs/internal.h"
#include "arch/bootinfo.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/stat.h"

extern const char ktest_cpio_start[], ktest_cpio_end[];

static size_t
blob_len(void)
{
	return (size_t)(ktest_cpio_end - ktest_cpio_start);
}

/* The tree mkcpio.sh builds, as seen under root. */
static int
check_tree(const char *root)
{
	char path[96], buf[32];
	struct kstat st, st2;

#define AT(p) (ksnprintf(path, sizeof(path), "%s/%s", root, p), path)
	KT_EQ(kt_read_file(AT("hello"), buf, sizeof(buf)), 17);
	KT_ASSERT(memcmp(buf, "hello, initramfs\n", 17) == 0);
	KT_EQ(kt_stat(AT("hello"), &st, false), 0);
	KT_EQ(st.mode, S_IFREG | 0640);
	KT_EQ(st.uid, 0);
	KT_EQ(st.mtime.tv_sec, 1000000000);
	KT_EQ(kt_stat(AT("bin/script"), &st, false), 0);
	KT_EQ(st.mode, S_IFREG | 04755);
	KT_EQ(kt_stat(AT("bin/one"), &st, false), 0);
	KT_EQ(kt_stat(AT("bin/two"), &st2, false), 0);
	KT_EQ(st.ino, st2.ino);                         /* one file, two names */
	KT_EQ(st.nlink, 2);
	KT_EQ(st.size, 12);
	KT_EQ(kt_stat(AT("bin/big"), &st, false), 0);
	KT_EQ(st.size, 10000);
	KT_EQ(kt_read_file(AT("etc/link"), buf, sizeof(buf)), 17);
	KT_EQ(vfs_readlinkat(AT_FDCWD, AT("abs"), buf, sizeof(buf)), 11);
	KT_ASSERT(memcmp(buf, "/bin/script", 11) == 0);
	KT_EQ(kt_stat(AT("fifo"), &st, false), 0);
	KT_ASSERT(S_ISFIFO(st.mode));
	KT_EQ(kt_stat(AT("empty"), &st, false), 0);
	KT_EQ(st.mode, S_IFDIR | 0711);
	KT_EQ(st.mtime.tv_sec, 1000000000);            /* set after its contents */
	KT_EQ(kt_stat(AT("dev/null"), &st, false), 0);  /* from the second archive */
	KT_ASSERT(S_ISCHR(st.mode));
	KT_EQ(st.rdev, MKDEV(1, 3));
#undef AT
	return 0;
}

KTEST(fs_initramfs_unpack, "a GNU cpio archive unpacks with modes, times, hard links and nodes")
{
	struct kt_env e;
	int r;

	KT_EQ(kt_enter(&e, "/kt/cpio"), 0);
	KT_EQ(initramfs_unpack_at("/kt/cpio", ktest_cpio_start, blob_len()), 0);
	r = check_tree("/kt/cpio");
	kt_leave(&e);
	return r;
}

/* Unpack a damaged copy: must fail with -EINVAL (and not crash). */
static int
unpack_damaged(const char *dir, void (*damage)(char *buf, size_t *len))
{
	size_t len = blob_len();
	char *copy = kmalloc(len);
	int r;

	if (!copy)
		return -ENOMEM;
	memcpy(copy, ktest_cpio_start, len);
	damage(copy, &len);
	vfs_mkdirat(AT_FDCWD, dir, 0755);
	r = initramfs_unpack_at(dir, copy, len);
	kfree(copy);
	return r;
}

static void bad_magic(char *b, size_t *len) { b[3] = 'X'; }
static void truncated(char *b, size_t *len) { *len = 300; }
static void huge_name(char *b, size_t *len) { memcpy(b + 94, "7FFFFFFF", 8); }
static void huge_file(char *b, size_t *len) { memcpy(b + 54, "FFFFFFFF", 8); }
static void bad_digit(char *b, size_t *len) { b[20] = 'g'; }

KTEST(fs_initramfs_damaged, "damaged archives are refused with -EINVAL, never a crash")
{
	struct cpio_reader rd;
	struct cpio_entry ent;
	struct kt_env e;

	KT_EQ(kt_enter(&e, "/kt/badcpio"), 0);
	KT_EQ(unpack_damaged("m", bad_magic), -EINVAL);
	KT_EQ(unpack_damaged("t", truncated), -EINVAL);
	KT_EQ(unpack_damaged("n", huge_name), -EINVAL);
	KT_EQ(unpack_damaged("f", huge_file), -EINVAL);
	KT_EQ(unpack_damaged("d", bad_digit), -EINVAL);
	cpio_init(&rd, "\x1f\x8b\x08\x00", 4);
	KT_EQ(cpio_next(&rd, &ent), -EINVAL);           /* gzip: said so */
	KT_ASSERT(strstr(rd.error, "compressed"));
	cpio_init(&rd, "", 0);
	KT_EQ(cpio_next(&rd, &ent), 0);                 /* empty: nothing, no error */
	kt_leave(&e);
	return 0;
}

KTEST(fs_boot_rootfs, "after boot / has the initramfs (if one was given) and a console node")
{
	struct kstat st;

	KT_EQ(kt_stat("/dev/console", &st, false), 0);
	KT_EQ(st.rdev, MKDEV(5, 1));
	KT_EQ(st.mode, S_IFCHR | 0600);
	KT_EQ(kt_stat("/dev/null", &st, false), 0);
	KT_EQ(kt_stat("/root", &st, false), 0);
	if (boot_info.nmodules == 0)
		return 0;
	printk("ktest:   checking the initramfs given by the boot loader\n");
	return check_tree("");
}
