// SPDX-License-Identifier: MIT
/*
 * procfs: the kernel's state presented as files, as Linux's /proc.
 *
 * Nothing here is stored.  A directory's entries come from a table (for
 * /proc itself and for each /proc/PID) or from a live list (the processes,
 * a process's open descriptors); a file's text is generated when it is
 * opened, into a buffer that reads then walk, so one read sees one
 * consistent snapshot, as tools like ps and top expect.
 *
 * Inodes are made on each lookup and carry (pid, entry, fd) in their
 * private data; nothing is cached between lookups, because processes come
 * and go: the super block asks the VFS not to keep its names in the dentry
 * cache.  A file of a process that has gone reads as -ESRCH.
 */
#include "proc/procfs.h"
#include "proc/proc.h"
#include "fs/fs.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "fs/uio.h"
#include "uapi/errno.h"
#include "uapi/stat.h"

#define PROC_SUPER_MAGIC 0x9fa0

static struct super_block *proc_sb;

/* ---- the generated-text buffer ---- */

int
seq_printf(struct seqbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!sb->buf) {
		sb->cap = 4096;
		if (!(sb->buf = kmalloc(sb->cap)))
			return -ENOMEM;
	}
	for (;;) {
		va_start(ap, fmt);
		n = kvsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, ap);
		va_end(ap);
		if (sb->len + (size_t)n < sb->cap)
			break;
		if (sb->cap >= PROCFS_MAX_TEXT)
			return -EFBIG;
		char *nb = kmalloc(sb->cap * 2);
		if (!nb)
			return -ENOMEM;
		memcpy(nb, sb->buf, sb->len);
		kfree(sb->buf);
		sb->buf = nb;
		sb->cap *= 2;
	}
	sb->len += (size_t)n;
	return 0;
}

int
seq_write(struct seqbuf *sb, const void *data, size_t n)
{
	while (!sb->buf || sb->len + n >= sb->cap) {
		size_t cap = sb->buf ? sb->cap * 2 : 4096;
		char *nb;

		if (cap > PROCFS_MAX_TEXT)
			return -EFBIG;
		if (!(nb = kmalloc(cap)))
			return -ENOMEM;
		if (sb->buf)
			memcpy(nb, sb->buf, sb->len);
		kfree(sb->buf);
		sb->buf = nb;
		sb->cap = cap;
	}
	memcpy(sb->buf + sb->len, data, n);
	sb->len += n;
	return 0;
}

/* ---- inodes ---- */

static uint64_t
make_ino(int pid, unsigned entry, int fd)
{
	return ((uint64_t)(unsigned)pid << 24) | ((uint64_t)entry << 16) | (unsigned)(fd + 1);
}

struct inode *
procfs_inode(const struct procfs_entry *e, int pid, int fd, unsigned index)
{
	struct procfs_node *pn = kzalloc(sizeof(*pn));
	struct inode *ino;

	if (!pn)
		return ERR_PTR(-ENOMEM);
	ino = inode_alloc(proc_sb, e->mode);
	if (!ino) {
		kfree(pn);
		return ERR_PTR(-ENOMEM);
	}
	pn->entry = e;
	pn->pid = pid;
	pn->fd = fd;
	ino->priv = pn;
	ino->ino = make_ino(pid, index, fd);
	ino->nlink = S_ISDIR(e->mode) ? 2 : 1;
	procfs_set_ops(ino, e);
	procfs_owner(ino, pid);
	return ino;
}

static void
proc_evict(struct inode *ino)
{
	kfree(ino->priv);
	ino->priv = NULL;
}

/* procfs inodes are never on disk: whatever the link count, the last reference frees them. */
static const struct super_ops proc_sops = {
	.evict_inode = proc_evict,
	.release_inode = proc_evict,
};

/* ---- generated files ---- */

static int
gen_open(struct inode *ino, struct file *f)
{
	struct procfs_node *pn = ino->priv;
	struct seqbuf *sb = kzalloc(sizeof(*sb));
	int r;

	if (!sb)
		return -ENOMEM;
	r = pn->entry->show(sb, pn->pid);
	if (r < 0) {
		kfree(sb->buf);
		kfree(sb);
		return r;
	}
	f->priv = sb;
	return 0;
}

static void
gen_release(struct inode *ino, struct file *f)
{
	struct seqbuf *sb = f->priv;

	if (sb) {
		kfree(sb->buf);
		kfree(sb);
	}
}

static long
gen_read(struct file *f, struct uio *u, uint64_t *pos)
{
	struct seqbuf *sb = f->priv;
	long n;

	if (*pos >= sb->len)
		return 0;
	n = uio_copy_out(u, sb->buf + *pos, MIN(sb->len - *pos, uio_resid(u)));
	if (n > 0)
		*pos += (uint64_t)n;
	return n;
}

static int64_t
gen_llseek(struct file *f, int64_t off, int whence)
{
	struct seqbuf *sb = f->priv;
	int64_t base = whence == 0 ? 0 : whence == 1 ? (int64_t)f->pos :
		       whence == 2 ? (int64_t)sb->len : -1;

	if (base < 0 || base + off < 0)
		return -EINVAL;
	f->pos = (uint64_t)(base + off);
	return (int64_t)f->pos;
}

/* Writable entries (like /proc/sys/vm/drop_caches) take their text here. */
static long
gen_write(struct file *f, struct uio *u, uint64_t *pos)
{
	struct procfs_node *pn = f->inode->priv;
	char buf[64];
	long n;

	if (!pn->entry->store)
		return -EINVAL;
	n = uio_copy_in(u, buf, MIN(sizeof(buf) - 1, uio_resid(u)));
	if (n < 0)
		return n;
	buf[n] = '\0';
	return pn->entry->store(buf, (size_t)n) < 0 ? -EINVAL : n;
}

const struct file_ops procfs_file_ops = {
	.open = gen_open,
	.release = gen_release,
	.read = gen_read,
	.write = gen_write,
	.llseek = gen_llseek,
};

/* ---- symbolic links ---- */

static long
link_readlink(struct inode *ino, char *buf, size_t size)
{
	struct procfs_node *pn = ino->priv;

	return pn->entry->link(pn->pid, pn->fd, buf, size);
}

const struct inode_ops procfs_link_iops = {
	.readlink = link_readlink,
};

/* ---- directories ---- */

/* Look name up in a table of entries. */
struct inode *
procfs_table_lookup(const struct procfs_entry *tab, size_t n, const char *name,
		    size_t len, int pid)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(tab[i].name) == len && memcmp(tab[i].name, name, len) == 0)
			return procfs_inode(&tab[i], pid, -1, (unsigned)i + 1);
	return ERR_PTR(-ENOENT);
}

/* Emit a table's entries from position ctx->pos on (after . and ..). */
bool
procfs_table_readdir(const struct procfs_entry *tab, size_t n, struct dir_context *ctx,
		     uint64_t base, int pid)
{
	while (ctx->pos >= base && ctx->pos < base + n) {
		const struct procfs_entry *e = &tab[ctx->pos - base];
		if (!ctx->emit(ctx, e->name, strlen(e->name),
			       make_ino(pid, (unsigned)(ctx->pos - base) + 1, -1),
			       mode_to_dtype(e->mode)))
			return false;
		ctx->pos++;
	}
	return true;
}

static int
proc_mount(const struct fs_type *type, const char *source, unsigned long flags,
	   const void *data, struct super_block **out)
{
	*out = proc_sb;
	return proc_sb ? 0 : -ENODEV;
}

static struct fs_type proc_type = { .name = "proc", .mount = proc_mount };

void
procfs_init(void)
{
	struct inode *root;

	proc_sb = sb_alloc(&proc_type, &proc_sops);
	if (!proc_sb)
		return;
	proc_sb->magic = PROC_SUPER_MAGIC;
	proc_sb->flags |= SB_NOCACHE;
	root = procfs_inode(&procfs_root_entry, 0, -1, 0);
	if (IS_ERR(root) || !(proc_sb->root = d_make_root(root))) {
		proc_sb = NULL;
		return;
	}
	vfs_register_fs(&proc_type);
}
