// SPDX-License-Identifier: MIT
/*
 * procfs directories: /proc (system files, "self", one directory per
 * process), /proc/PID (its table of entries) and /proc/PID/fd (one link per
 * open descriptor).
 */
#include "proc/procfs.h"
#include "proc/proc.h"
#include "fs/fs.h"
#include "fs/vfs.h"
#include "fs/vfs_ops.h"
#include "lib/format.h"
#include "lib/string.h"
#include "uapi/errno.h"
#include "uapi/stat.h"
#include "uapi/dirent.h"
#include "mm/slab.h"
#include "proc/internal.h"

static const struct inode_ops root_iops, pid_iops, fd_iops, table_iops;
static const struct file_ops root_fops, pid_fops, fd_fops, table_fops;

const struct procfs_entry procfs_root_entry = {
	"", S_IFDIR | 0555, .dir_kind = PROCFS_DIR_ROOT,
};

static const struct procfs_entry pid_dir_entry = {
	"", S_IFDIR | 0555, .dir_kind = PROCFS_DIR_PID,
};

static long
self_link(int pid, int fd, char *buf, size_t size)
{
	char s[16];
	int n = ksnprintf(s, sizeof(s), "%d", current_proc() ? current_proc()->pid : 0);

	memcpy(buf, s, MIN((size_t)n, size));
	return MIN((size_t)n, size);
}

static const struct procfs_entry self_entry = {
	"self", S_IFLNK | 0777, .link = self_link,
};

static const struct procfs_entry fd_link_entry = {
	"", S_IFLNK | 0700, .link = procfs_fd_link,
};

void
procfs_set_ops(struct inode *ino, const struct procfs_entry *e)
{
	if (S_ISLNK(e->mode)) {
		ino->iops = &procfs_link_iops;
	} else if (S_ISDIR(e->mode)) {
		switch (e->dir_kind) {
		case PROCFS_DIR_ROOT: ino->iops = &root_iops; ino->fops = &root_fops; break;
		case PROCFS_DIR_FD: ino->iops = &fd_iops; ino->fops = &fd_fops; break;
		case PROCFS_DIR_TABLE: ino->iops = &table_iops; ino->fops = &table_fops; break;
		default: ino->iops = &pid_iops; ino->fops = &pid_fops; break;
		}
	} else {
		ino->fops = &procfs_file_ops;
	}
}

/* Files of a process belong to its owner, as on Linux. */
void
procfs_owner(struct inode *ino, int pid)
{
	struct proc *p;

	if (!pid)
		return;
	spin_lock(&proc_tree_lock);
	p = proc_find_locked(pid);
	if (p) {
		ino->uid = p->cred.euid;
		ino->gid = p->cred.egid;
	}
	spin_unlock(&proc_tree_lock);
}

static bool
parse_int(const char *name, size_t len, int *out)
{
	int v = 0;

	if (len == 0 || len > 9)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return false;
		v = v * 10 + (name[i] - '0');
	}
	*out = v;
	return true;
}

static bool
pid_alive(int pid)
{
	struct proc *p;
	bool r;

	spin_lock(&proc_tree_lock);
	p = proc_find_locked(pid);
	r = p && p->state == P_ALIVE;
	spin_unlock(&proc_tree_lock);
	return r;
}

/* ---- /proc ---- */

static struct inode *
root_lookup(struct inode *dir, const char *name, size_t len)
{
	int pid;

	if (len == 4 && memcmp(name, "self", 4) == 0)
		return procfs_inode(&self_entry, 0, -1, 1);
	if (parse_int(name, len, &pid))
		return pid_alive(pid) ? procfs_inode(&pid_dir_entry, pid, -1, 0) : ERR_PTR(-ENOENT);
	return procfs_table_lookup(procfs_sys_entries, procfs_sys_nentries, name, len, 0);
}

#define ROOT_SYS_BASE  2                     /* after . and .. */
#define ROOT_SELF      (ROOT_SYS_BASE + procfs_sys_nentries)
#define ROOT_PID_BASE  (ROOT_SELF + 1)

/* Emit process directories with pid > ctx->pos - ROOT_PID_BASE... in pid order. */
static void
emit_pids(struct dir_context *ctx)
{
	for (;;) {
		int after = (int)(ctx->pos - ROOT_PID_BASE), next = 0;
		char name[16];

		spin_lock(&proc_tree_lock);
		list_for_each(n, &all_procs) {
			struct proc *p = list_entry(n, struct proc, all_node);
			if (p->state == P_ALIVE && p->pid >= after && (!next || p->pid < next))
				next = p->pid;
		}
		spin_unlock(&proc_tree_lock);
		if (!next)
			return;
		int len = ksnprintf(name, sizeof(name), "%d", next);
		if (!ctx->emit(ctx, name, (size_t)len, (uint64_t)next << 24, DT_DIR))
			return;
		ctx->pos = ROOT_PID_BASE + (uint64_t)next + 1;
	}
}

static int
root_readdir(struct file *f, struct dir_context *ctx)
{
	if (ctx->pos == 0 && !ctx->emit(ctx, ".", 1, 1, DT_DIR))
		return 0;
	if (ctx->pos == 0)
		ctx->pos = 1;
	if (ctx->pos == 1 && !ctx->emit(ctx, "..", 2, 1, DT_DIR))
		return 0;
	if (ctx->pos == 1)
		ctx->pos = ROOT_SYS_BASE;
	if (!procfs_table_readdir(procfs_sys_entries, procfs_sys_nentries, ctx, ROOT_SYS_BASE, 0))
		return 0;
	if (ctx->pos == ROOT_SELF) {
		if (!ctx->emit(ctx, "self", 4, 2, DT_LNK))
			return 0;
		ctx->pos = ROOT_PID_BASE;
	}
	emit_pids(ctx);
	return 0;
}

static const struct inode_ops root_iops = { .lookup = root_lookup };
static const struct file_ops root_fops = { .readdir = root_readdir };

/* ---- /proc/PID ---- */

static int
node_pid(struct inode *ino)
{
	return ((struct procfs_node *)ino->priv)->pid;
}

static struct inode *
pid_lookup(struct inode *dir, const char *name, size_t len)
{
	if (!pid_alive(node_pid(dir)))
		return ERR_PTR(-ENOENT);
	return procfs_table_lookup(procfs_pid_entries, procfs_pid_nentries, name, len,
				   node_pid(dir));
}

static int
pid_readdir(struct file *f, struct dir_context *ctx)
{
	int pid = node_pid(f->inode);

	if (ctx->pos == 0 && ctx->emit(ctx, ".", 1, f->inode->ino, DT_DIR))
		ctx->pos = 1;
	if (ctx->pos == 1 && ctx->emit(ctx, "..", 2, 1, DT_DIR))
		ctx->pos = 2;
	if (ctx->pos >= 2)
		procfs_table_readdir(procfs_pid_entries, procfs_pid_nentries, ctx, 2, pid);
	return 0;
}

static const struct inode_ops pid_iops = { .lookup = pid_lookup };
static const struct file_ops pid_fops = { .readdir = pid_readdir };

/* ---- fixed directories (/proc/sys/...) ---- */

static const struct procfs_entry *
node_entry(struct inode *ino)
{
	return ((struct procfs_node *)ino->priv)->entry;
}

static struct inode *
table_lookup(struct inode *dir, const char *name, size_t len)
{
	const struct procfs_entry *e = node_entry(dir);

	return procfs_table_lookup(e->sub, e->nsub, name, len, node_pid(dir));
}

static int
table_readdir(struct file *f, struct dir_context *ctx)
{
	const struct procfs_entry *e = node_entry(f->inode);

	if (ctx->pos == 0 && ctx->emit(ctx, ".", 1, f->inode->ino, DT_DIR))
		ctx->pos = 1;
	if (ctx->pos == 1 && ctx->emit(ctx, "..", 2, 1, DT_DIR))
		ctx->pos = 2;
	if (ctx->pos >= 2)
		procfs_table_readdir(e->sub, e->nsub, ctx, 2, node_pid(f->inode));
	return 0;
}

static const struct inode_ops table_iops = { .lookup = table_lookup };
static const struct file_ops table_fops = { .readdir = table_readdir };

/* ---- /proc/PID/fd ---- */

static struct files *
proc_files_get(int pid)
{
	struct proc *p;
	struct files *files = NULL;

	spin_lock(&proc_tree_lock);
	p = proc_find_locked(pid);
	if (p && p->state == P_ALIVE && p->files) {
		files = p->files;
		files_get(files);
	}
	spin_unlock(&proc_tree_lock);
	return files;
}

static struct inode *
fd_lookup(struct inode *dir, const char *name, size_t len)
{
	struct files *files;
	struct file *f;
	int fd;

	if (!parse_int(name, len, &fd) || !(files = proc_files_get(node_pid(dir))))
		return ERR_PTR(-ENOENT);
	f = files_file(files, fd);
	files_put(files);
	if (!f)
		return ERR_PTR(-ENOENT);
	file_put(f);
	return procfs_inode(&fd_link_entry, node_pid(dir), fd, 0);
}

static int
fd_readdir(struct file *f, struct dir_context *ctx)
{
	struct files *files = proc_files_get(node_pid(f->inode));
	char name[16];

	if (!files)
		return 0;
	if (ctx->pos == 0 && ctx->emit(ctx, ".", 1, f->inode->ino, DT_DIR))
		ctx->pos = 1;
	if (ctx->pos == 1 && ctx->emit(ctx, "..", 2, 1, DT_DIR))
		ctx->pos = 2;
	for (unsigned fd = (unsigned)ctx->pos - 2; ctx->pos >= 2 && fd < files_max_fd(files);
	     fd++) {
		struct file *of = files_file(files, (int)fd);
		int len;

		if (!of) {
			ctx->pos++;
			continue;
		}
		file_put(of);
		len = ksnprintf(name, sizeof(name), "%u", fd);
		if (!ctx->emit(ctx, name, (size_t)len, ((uint64_t)fd << 8) | 1, DT_LNK))
			break;
		ctx->pos++;
	}
	files_put(files);
	return 0;
}

static const struct inode_ops fd_iops = { .lookup = fd_lookup };
static const struct file_ops fd_fops = { .readdir = fd_readdir };

long
procfs_fd_link(int pid, int fd, char *buf, size_t size)
{
	struct files *files = proc_files_get(pid);
	struct file *f;
	char *path;
	long r;

	if (!files)
		return -ENOENT;
	f = files_file(files, fd);
	files_put(files);
	if (!f)
		return -ENOENT;
	path = kmalloc(PATH_MAX);
	r = path ? file_path(f, path, PATH_MAX) : -ENOMEM;
	if (r == 0) {
		r = (long)MIN(strlen(path), size);
		memcpy(buf, path, (size_t)r);
	}
	kfree(path);
	file_put(f);
	return r;
}
