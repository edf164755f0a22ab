/* SPDX-License-Identifier: MIT */
/* procfs internals shared by its files (proc/procfs*.c). */
#pragma once

#include "lib/compiler.h"

struct inode;
struct dir_context;
struct file_ops;
struct inode_ops;

#define PROCFS_MAX_TEXT (1u << 20)
#define PATH_MAX_PROC 4096

/* A growing text buffer that generators print into. */
struct seqbuf {
	char *buf;
	size_t len, cap;
};
int seq_printf(struct seqbuf *sb, const char *fmt, ...) __printf(2, 3);
int seq_write(struct seqbuf *sb, const void *data, size_t n);

/* One name in a procfs directory. */
struct procfs_entry {
	const char *name;
	uint32_t mode;
	/* regular files: fill sb for process pid (0: system-wide).  => 0 or -errno */
	int (*show)(struct seqbuf *sb, int pid);
	/* writable files: take the text written */
	int (*store)(const char *text, size_t n);
	/* symbolic links: the target.  => its length or -errno */
	long (*link)(int pid, int fd, char *buf, size_t size);
	/* directories: which kind, and for a fixed table its entries */
	int dir_kind;
	const struct procfs_entry *sub;
	size_t nsub;
};

enum { PROCFS_DIR_ROOT = 1, PROCFS_DIR_PID, PROCFS_DIR_FD, PROCFS_DIR_TABLE };

struct procfs_node {
	const struct procfs_entry *entry;
	int pid;
	int fd;
};

extern const struct procfs_entry procfs_root_entry;
extern const struct file_ops procfs_file_ops;
extern const struct inode_ops procfs_link_iops;

void procfs_init(void);
struct inode *procfs_inode(const struct procfs_entry *e, int pid, int fd, unsigned index);
void procfs_set_ops(struct inode *ino, const struct procfs_entry *e);
void procfs_owner(struct inode *ino, int pid);
struct inode *procfs_table_lookup(const struct procfs_entry *tab, size_t n, const char *name,
				  size_t len, int pid);
bool procfs_table_readdir(const struct procfs_entry *tab, size_t n, struct dir_context *ctx,
			  uint64_t base, int pid);

/* The per-process entries (procfs_pid.c) and the system-wide ones (procfs_sys.c). */
extern const struct procfs_entry procfs_pid_entries[];
extern const size_t procfs_pid_nentries;
extern const struct procfs_entry procfs_sys_entries[];
extern const size_t procfs_sys_nentries;
long procfs_fd_link(int pid, int fd, char *buf, size_t size);
