// SPDX-License-Identifier: MIT
/*
 * A leak check for the whole life cycle: a workload of creates, writes,
 * links, renames, unlinks, opens kept across unlink, pipes and nested
 * mounts runs in a tmpfs; after unmounting it and emptying the dentry
 * cache, every inode, dentry, file, mount and page it took must be back.
 */
#include "fs/ktests/ktfs.h"
#include "fs/internal.h"
#include "ipc/pipe.h"
#include "lib/format.h"
#include "mm/pmm.h"
#include "mm/slab.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/stat.h"

static int
workload(void)
{
	struct file *keep, *rd, *wr;
	char name[32], buf[64];
	uint64_t pos = 0;

	for (int i = 0; i < 40; i++) {
		ksnprintf(name, sizeof(name), "t/f%d", i);
		KT_EQ(kt_write_file(name, "0123456789", 10, 0644), 0);
	}
	KT_EQ(vfs_mkdirat(AT_FDCWD, "t/d", 0755), 0);
	KT_EQ(vfs_mkdirat(AT_FDCWD, "t/d/e", 0755), 0);
	KT_EQ(vfs_linkat(AT_FDCWD, "t/f1", AT_FDCWD, "t/d/hard", 0), 0);
	KT_EQ(vfs_symlinkat("../f2", AT_FDCWD, "t/d/soft"), 0);
	KT_EQ(vfs_renameat2(AT_FDCWD, "t/f3", AT_FDCWD, "t/d/e/moved", 0), 0);
	KT_EQ(vfs_renameat2(AT_FDCWD, "t/f4", AT_FDCWD, "t/f5", 0), 0);
	KT_EQ(kt_stat("t/missing", &(struct kstat){ 0 }, false), -ENOENT);
	keep = vfs_openat(AT_FDCWD, "t/f6", O_RDWR, 0);
	KT_ASSERT(!IS_ERR(keep));
	KT_EQ(vfs_unlinkat(AT_FDCWD, "t/f6", 0), 0);
	pos = 1 << 20;
	KT_EQ(kernel_write(keep, "x", 1, &pos), 1);
	file_put(keep);
	for (int i = 7; i < 40; i += 2) {
		ksnprintf(name, sizeof(name), "t/f%d", i);
		KT_EQ(vfs_unlinkat(AT_FDCWD, name, 0), 0);
	}
	KT_EQ(vfs_mkdirat(AT_FDCWD, "t/inner", 0755), 0);
	KT_EQ(vfs_mount("x", "t/inner", "ramfs", 0, NULL), 0);
	KT_EQ(kt_write_file("t/inner/g", "g", 1, 0644), 0);
	KT_EQ(vfs_mknodat(AT_FDCWD, "t/inner/p", S_IFIFO | 0644, 0), 0);
	KT_EQ(pipe_create(0, &rd, &wr), 0);
	KT_EQ(kernel_write(wr, "through", 7, &pos), 7);
	KT_EQ(kernel_read(rd, buf, sizeof(buf), &pos), 7);
	file_put(rd);
	file_put(wr);
	KT_EQ(vfs_umount("t", 0), -EBUSY);
	return 0;
}

KTEST(fs_leak_life_cycle, "after unmounting, every inode, dentry, file, mount and page is returned")
{
	struct kmalloc_stats before, after;
	struct kt_env e;
	uint64_t free_before;
	int r;

	KT_EQ(kt_enter(&e, "/kt/leak"), 0);
	KT_EQ(vfs_mkdirat(AT_FDCWD, "t", 0755), 0);
	/* The root's cache entries for names the workload will use exist before and after. */
	KT_EQ(vfs_umount("t", 0), -EINVAL);
	dcache_shrink(~0u);
	kmalloc_stats(&before);
	free_before = pmm_free_pages();
	KT_EQ(vfs_mount("leak", "t", "tmpfs", 0, NULL), 0);
	r = workload();
	KT_EQ(vfs_umount("t/inner", 0), 0);
	KT_EQ(vfs_umount("t", 0), 0);
	dcache_shrink(~0u);
	kmalloc_stats(&after);
	printk("ktest:   objects %zu -> %zu, free pages %llu -> %llu\n", before.objects,
	       after.objects, (unsigned long long)free_before,
	       (unsigned long long)pmm_free_pages());
	KT_EQ(r, 0);
	KT_EQ(after.objects, before.objects);
	KT_EQ(after.large_pages, before.large_pages);
	kt_leave(&e);
	return 0;
}
