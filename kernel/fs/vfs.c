// SPDX-License-Identifier: MIT
/*
 * Bringing the VFS up, in order: the caches, the file system types, the
 * root file system (a ramfs, "rootfs", which the initramfs fills), the
 * kernel's own fs context, anonymous files and devtmpfs.
 */
#include "fs/internal.h"
#include "core/panic.h"
#include "core/printk.h"

struct fs_upcalls fs_upcalls;

/* Bring-up, in order. */
void
vfs_init(void)
{
	struct super_block *sb;

	inode_init();                      /* the inode cache */
	dcache_init();                     /* the dentry hash */
	file_init();                       /* open files; file-backed mappings */
	ramfs_register();                  /* "ramfs", "tmpfs" */
	ext2fs_register();                 /* "ext2", on block devices */
	if (ramfs_make_rootfs(&sb) || mount_attach(sb, NULL, 0, "rootfs"))
		panic("vfs: cannot mount the root file system");
	fs_ctx_init_kernel();              /* root and cwd of kernel threads */
	anon_init();                       /* pipes */
	devtmpfs_register();               /* "devtmpfs", fed by chrdev_register */
	pr_info("vfs: rootfs mounted\n");
}
