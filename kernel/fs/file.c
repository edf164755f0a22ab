// SPDX-License-Identifier: MIT
/*
 * struct file: one open(), shared by every descriptor dup()ed or
 * inherited from it.
 *
 * A file holds its path (so the mount cannot go and the inode stays while
 * it is open, linked or not), the operations chosen at open (the inode's,
 * a device driver's, the pipe code's), the access mode, the status flags
 * and the position.  It dies with its last reference: the driver's release
 * runs, then the path is let go.
 *
 * This file also answers exec's questions about a file (file_exec_info,
 * file_may_exec, file_path) and connects the fault path to files
 * (vm_file_ops): a private mapping's page is filled by the file's readpage
 * or, lacking one, by an ordinary read.
 */
#include "fs/internal.h"
#include "fs/uio.h"
#include "fs/vfs_ops.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "mm/vm.h"
#include "uapi/errno.h"
#include "uapi/mman.h"
#include "uapi/fcntl.h"
#include "uapi/poll.h"
#include "uapi/stat.h"

#define PAGE_BYTES 4096

static struct kmem_cache *file_cache;

/* A new file on p (references taken) with open flags and FMODE_* bits.  NULL: no memory. */
struct file *
file_alloc(const struct path *p, unsigned flags, unsigned mode)
{
	struct file *f;

	f = kmem_cache_alloc(file_cache);
	if (!f)
		return NULL;
	memset(f, 0, sizeof(*f));
	f->refcount = 1;
	f->flags = flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC);
	f->mode = mode;
	f->path = *p;
	path_get(&f->path);
	f->inode = d_inode(p->dentry);
	mutex_init(&f->pos_lock, "f_pos");
	spin_init(&f->lock, "file");
	return f;
}

/* Free a file that never finished opening: no release call. */
void
file_discard(struct file *f)
{
	path_put(&f->path);
	kmem_cache_free(file_cache, f);
}

/* Another reference to an open file (dup, fork, a poll in progress). */
void
file_get(struct file *f)
{
	__atomic_add_fetch(&f->refcount, 1, __ATOMIC_RELAXED);
}

/* => may sleep: the release of a device or pipe, the last iput of an unlinked file. */
void
file_put(struct file *f)
{
	if (!f || __atomic_sub_fetch(&f->refcount, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	if (f->flocked)
		flock_release(f);
	reclock_release_file(f);
	if (f->ops && f->ops->release && !(f->mode & FMODE_PATH))
		f->ops->release(f->inode, f);
	file_discard(f);
}

/* The status flags, read under the file's lock. */
unsigned
file_flags(struct file *f)
{
	unsigned fl;

	spin_lock(&f->lock);
	fl = f->flags;
	spin_unlock(&f->lock);
	return fl;
}

/* F_SETFL: change the settable status flags; O_NOATIME needs ownership. */
int
file_set_flags(struct file *f, unsigned flags)
{
	const unsigned settable = O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME;

	if ((flags & O_NOATIME) && !inode_owner_or_root(f->inode))
		return -EPERM;
	spin_lock(&f->lock);
	f->flags = (f->flags & ~settable) | (flags & settable);
	spin_unlock(&f->lock);
	return 0;
}

/* Readiness; files without a poll operation are always ready (as regular files). */
unsigned
file_poll(struct file *f, struct poll_table *pt)
{
	if (f->ops && f->ops->poll)
		return f->ops->poll(f, pt);
	return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
}

/* lseek for files with a size: SET, CUR, END; DATA and HOLE see no holes. */
int64_t
generic_file_llseek(struct file *f, int64_t off, int whence)
{
	int64_t size = (int64_t)READ_ONCE(f->inode->size), pos;

	switch (whence) {
	case SEEK_SET: pos = off; break;
	case SEEK_CUR: pos = (int64_t)f->pos + off; break;
	case SEEK_END: pos = size + off; break;
	case SEEK_DATA:
		if (off < 0 || off >= size)
			return -ENXIO;
		pos = off;      /* holes count as data: allowed by the interface */
		break;
	case SEEK_HOLE:
		if (off < 0 || off >= size)
			return -ENXIO;
		pos = size;     /* the one hole every file has: its end */
		break;
	default:
		return -EINVAL;
	}
	if (pos < 0 || pos > (int64_t)f->inode->sb->max_bytes)
		return -EINVAL;
	return pos;
}

/* lseek that succeeds and means nothing (null, zero). */
int64_t
noop_llseek(struct file *f, int64_t off, int whence)
{
	return 0;
}

/* What exec needs to know: mode, owner, size, mount flags. */
int
file_exec_info(struct file *f, struct file_exec_info *info)
{
	struct inode *ino = f->inode;

	mutex_lock(&ino->lock);
	info->mode = ino->mode;
	info->uid = ino->uid;
	info->gid = ino->gid;
	info->size = ino->size;
	mutex_unlock(&ino->lock);
	info->noexec_mount = (f->path.mnt->flags & MNT_NOEXEC) != 0;
	info->nosuid_mount = (f->path.mnt->flags & MNT_NOSUID) != 0;
	return 0;
}

/* May the caller run this file?  A regular file, x permission, no noexec. */
int
file_may_exec(struct file *f)
{
	if (!S_ISREG(f->inode->mode) || (f->path.mnt->flags & MNT_NOEXEC) ||
	    (f->mode & FMODE_PATH))
		return -EACCES;
	return inode_permission(f->inode, MAY_EXEC);
}

/* The file's path from the caller's root, " (deleted)" if unlinked. */
int
file_path(struct file *f, char *buf, size_t size)
{
	struct path root;
	bool unreachable;
	long n;

	if (f->inode->sb->flags & SB_NODEV) {
		/* pipes and other anonymous files are named by their dentry */
		d_name_copy(f->path.dentry, buf, size);
		return 0;
	}
	fs_ctx_get_root(fs_ctx_current(), &root);
	n = d_path(&f->path, &root, buf, size, &unreachable);
	path_put(&root);
	if (n < 0)
		return (int)n;
	if (d_is_dead(f->path.dentry) && (size_t)n + 11 > size)
		return -ENAMETOOLONG;
	if (d_is_dead(f->path.dentry))
		strlcat(buf, " (deleted)", size);
	return 0;
}

/* The fault path's view of files. */
static int
vfs_readpage(struct file *f, uint64_t off, void *page)
{
	struct uio u;
	uint64_t pos = off;
	long n;

	/* A page wholly past the end of a regular file is no page at all: SIGBUS. */
	if (S_ISREG(f->inode->mode) && off >= READ_ONCE(f->inode->size))
		return -ENXIO;
	if (f->ops->readpage)
		return f->ops->readpage(f, off, page);
	if (!f->ops->read)
		return -EACCES;
	uio_init_kernel(&u, page, PAGE_BYTES);
	n = f->ops->read(f, &u, &pos);
	if (n < 0)
		return (int)n;
	memset((char *)page + n, 0, PAGE_BYTES - (size_t)n);
	return 0;
}

static int
vfs_getpage(struct file *f, uint64_t off, paddr_t *pa)
{
	return f->ops->getpage ? f->ops->getpage(f, off, pa) : -ENODEV;
}

static int
vfs_getpage_ro(struct file *f, uint64_t off, paddr_t *pa)
{
	return f->ops->getpage_ro ? f->ops->getpage_ro(f, off, pa) : -ENODATA;
}

static const struct vm_file_ops vfs_vm_ops = {
	.readpage = vfs_readpage,
	.getpage = vfs_getpage,
	.getpage_ro = vfs_getpage_ro,
	.get = file_get,
	.put = file_put,
};

/* Bring-up: the file cache, and file-backed mappings routed here. */
void
file_init(void)
{
	file_cache = kmem_cache_create("file", sizeof(struct file), 8);
	vm_set_file_ops(&vfs_vm_ops);
}

/*
 * May f be mapped?  A mapping reads the file, so it must be open for
 * reading; a shared writable mapping writes it back, so it must be open
 * for writing too.  Directories and files without contents cannot be
 * mapped.
 */
int
file_mmap_check(struct file *f, int prot, int flags)
{
	if (!(f->mode & FMODE_READ))
		return -EACCES;
	if ((flags & MAP_TYPE) == MAP_SHARED && (prot & PROT_WRITE) && !(f->mode & FMODE_WRITE))
		return -EACCES;
	if ((flags & MAP_TYPE) != MAP_PRIVATE && f->ops && !f->ops->getpage)
		return -ENODEV;   /* no page of its own to share (FIXME: a page cache for all) */
	if (S_ISDIR(f->inode->mode) || !f->ops || (!f->ops->readpage && !f->ops->read))
		return -ENODEV;
	if ((prot & PROT_EXEC) && (f->path.mnt->flags & MNT_NOEXEC))
		return -EPERM;
	return 0;
}
