/* SPDX-License-Identifier: MIT */
/*
 * The virtual file system: the interface the rest of the kernel uses.
 *
 * One machine, many file systems (ramfs for the initramfs, tmpfs, devfs,
 * procfs, ext2): each fills in operation tables (struct fs_ops-style
 * tables for super blocks, inodes and open files), and the VFS turns
 * paths into inodes and system calls into those operations.
 *
 * This header is what process management (exec, fork, exit) and the boot
 * code need; the file-system internals have their own headers in fs/.
 */
#pragma once

#include "lib/compiler.h"

struct file;
struct files;
struct fs_ctx;
struct timespec;

/* Bring-up: mount a ramfs at / and the standard pseudo file systems. */
void vfs_init(void);
/* Unpack a newc cpio archive into the root file system.  => 0 or -errno. */
int initramfs_unpack(const void *data, size_t len);
/*
 * Mount the disk named root ("/dev/vda1" or "vda1") as "/" (fs.h's
 * rootfstype, or every disk file system in turn when NULL), waiting up to
 * wait_s seconds for it to appear (-1: for ever), and devtmpfs on its
 * /dev.  Says on the console what went wrong.  => 0 or -errno.
 */
int vfs_mount_root(const char *root, const char *fstype, bool rdonly, long wait_s);

/* Open files from inside the kernel.  => file or ERR_PTR(-errno). */
struct file *vfs_open_kernel(const char *path, int flags, int mode);
/*
 * Open a program for exec (execve, execveat): it must be a regular file
 * with an execute bit the caller may use, on a mount without noexec; read
 * permission is not needed, as on Linux.  flags: AT_EMPTY_PATH,
 * AT_SYMLINK_NOFOLLOW.  => file open for reading, or ERR_PTR(-EACCES,
 * -ENOENT, -ELOOP, ...).
 */
struct file *vfs_open_exec(int dirfd, const char *path, int flags);
/* Read at *pos, advancing it.  => bytes read or -errno. */
long kernel_read(struct file *f, void *buf, size_t n, uint64_t *pos);
long kernel_write(struct file *f, const void *buf, size_t n, uint64_t *pos);
void file_get(struct file *f);
void file_put(struct file *f);
/* Facts exec needs about an open file. */
struct file_exec_info {
	uint32_t mode;            /* S_IF* | permission bits */
	uint32_t uid, gid;        /* owner, for setuid/setgid */
	uint64_t size;
	bool noexec_mount;
	bool nosuid_mount;        /* setuid/setgid bits must be ignored */
};
int file_exec_info(struct file *f, struct file_exec_info *info);
/* May the current credentials execute it (X permission, regular file)? */
int file_may_exec(struct file *f);
/* The open file behind descriptor fd of the current process, with a reference. */
struct file *fget(int fd);
/* May f be mapped with prot and flags (MAP_SHARED needs write access for PROT_WRITE)? */
int file_mmap_check(struct file *f, int prot, int flags);
/* Absolute path of an open file, for /proc/self/exe and AT_EXECFN. */
int file_path(struct file *f, char *buf, size_t size);

/* Free every unused cached name and inode (/proc/sys/vm/drop_caches). */
void vfs_drop_caches(void);
/* /proc/mounts and /proc/filesystems: each line through pr(ctx, fmt, ...). */
int vfs_show_mounts(void *ctx, int (*pr)(void *, const char *, ...));
int vfs_show_filesystems(void *ctx, int (*pr)(void *, const char *, ...));

/* Per-process tables, shared or copied at fork (CLONE_FILES, CLONE_FS). */
struct files *files_new(void) __must_check;
struct files *files_dup(struct files *old) __must_check;
void files_get(struct files *f);
void files_put(struct files *f);
/* Does another process share this table (CLONE_FILES)? */
bool files_shared(struct files *t);
/* Count the threads using a table, so a lone one may skip its lock (fget_light). */
void files_thread_enter(struct files *f);
void files_thread_leave(struct files *f);
void files_close_on_exec(struct files *f);
/*
 * Install f at the lowest free descriptor (O_CLOEXEC in flags); the table
 * takes over the caller's reference.  => fd, or -EMFILE (the caller keeps f).
 */
int fd_install(struct files *tbl, struct file *f, int flags);

struct fs_ctx *fs_ctx_new_root(void) __must_check;
struct fs_ctx *fs_ctx_dup(struct fs_ctx *old) __must_check;
void fs_ctx_get(struct fs_ctx *c);
void fs_ctx_put(struct fs_ctx *c);
/* Its root (root true) or working directory as an absolute path. */
int fs_ctx_path(struct fs_ctx *c, bool root, char *buf, size_t size);

/*
 * Upcalls to the process layer above (it installs them at boot): the file
 * system must raise SIGPIPE, and the tty must signal process groups.
 */
struct fs_upcalls {
	void (*sigpipe)(void);                         /* to the current thread */
	int (*signal_pgrp)(int pgid, int sig);         /* ^C, ^Z, ^\ */
	int (*current_pgrp)(void);
	int (*current_sid)(void);
	bool (*current_is_session_leader)(void);
	/* Wall-clock time for file times; NULL: time since boot. */
	void (*realtime)(struct timespec *ts);
	/*
	 * ppoll/pselect6: use mask as the signal mask until this system call
	 * returns to user space, then restore the old one (after delivering a
	 * signal the temporary mask let through).  NULL: the mask is ignored.
	 */
	void (*temp_sigmask)(uint64_t mask);
	/* The caller's RLIMIT_NOFILE; NULL: FILES_MAX. */
	unsigned (*nofile_limit)(void);
	/* The caller's process ID, for F_GETLK's l_pid; NULL: 0. */
	int (*current_pid)(void);
	/*
	 * CLOSE_RANGE_UNSHARE: give the calling process a copy of a table it
	 * shares with another process, and make it the caller's.  => 0 or
	 * -ENOMEM.  NULL: the table stays shared.
	 */
	int (*unshare_files)(void);
};

#define FILES_LIMIT_MAX 1024
extern struct fs_upcalls fs_upcalls;
