// SPDX-License-Identifier: MIT
/*
 * The initramfs: a newc cpio archive, handed over by the boot loader,
 * unpacked into the root ramfs before init runs, as Linux does.
 *
 * Each member becomes a file, directory, symbolic link, device node or
 * FIFO with the archive's mode, owner and modification time.  Hard links
 * are how newc stores them: members with the same inode number and
 * nlink > 1 are one file; the first becomes the file, later ones links to
 * it, and the data (which cpio writes with the last of them) goes into
 * that one file.  A directory's time is set after the whole archive is in,
 * since adding its entries changes it.  A member that cannot be made is
 * reported and skipped; a damaged archive stops the unpacking with
 * -EINVAL and a message saying where and why.
 *
 * Whatever the archive holds, init needs a console: when there is no
 * /dev/console afterwards, /dev gets the usual nodes (console, null, zero,
 * full, random, urandom, tty, ttyS0) and / gets /root, like the tiny
 * archive Linux builds into itself.
 */
#include "fs/cpio.h"
#include "fs/internal.h"
#include "fs/uio.h"
#include "fs/vfs_ops.h"
#include "core/printk.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/stat.h"

/* A hard-link group seen so far, or a directory waiting for its time. */
struct remembered {
	struct remembered *next;
	uint32_t ino, major, minor, mode, mtime;
	char path[];
};

struct unpack {
	const char *prefix;             /* where the archive's "/" is */
	struct remembered *links;
	struct remembered *dirs;
	char *path;                     /* PATH_MAX scratch */
	unsigned made, failed;
};

/* Note a hard-link group or a directory by its archive fields and our path. */
static struct remembered *
remember(struct remembered **list, const struct cpio_entry *e, const char *path)
{
	size_t n = strlen(path) + 1;
	struct remembered *m = kmalloc(sizeof(*m) + n);

	if (!m)
		return NULL;
	*m = (struct remembered){ *list, e->ino, e->dev_major, e->dev_minor, e->mode, e->mtime };
	memcpy(m->path, path, n);
	*list = m;
	return m;
}

/* Free a list of remembered entries. */
static void
forget_all(struct remembered **list)
{
	while (*list) {
		struct remembered *m = *list;
		*list = m->next;
		kfree(m);
	}
}

/* prefix + "/" + name, with the name's leading "/" or "./" dropped. */
static int
build_path(struct unpack *u, const char *name)
{
	while (name[0] == '/' || (name[0] == '.' && name[1] == '/'))
		name += name[0] == '/' ? 1 : 2;
	if (!*name || strcmp(name, ".") == 0)
		name = ".";
	if ((size_t)ksnprintf(u->path, PATH_MAX, "%s/%s", u->prefix, name) >= PATH_MAX)
		return -ENAMETOOLONG;
	return 0;
}

/* An existing name of another type is in the way: remove it (Linux's clean_path). */
static void
clean_path(const char *path, uint32_t mode)
{
	struct kstat st;

	if (vfs_statat(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, &st) == 0 &&
	    ((st.mode ^ mode) & S_IFMT))
		vfs_unlinkat(AT_FDCWD, path, S_ISDIR(st.mode) ? AT_REMOVEDIR : 0);
}

/* Owner, mode and time, as the archive says. */
static void
set_attrs(const char *path, const struct cpio_entry *e, bool time)
{
	struct timespec ts[2] = { { e->mtime, 0 }, { e->mtime, 0 } };

	vfs_fchownat(AT_FDCWD, path, e->uid, e->gid, AT_SYMLINK_NOFOLLOW);
	if (!S_ISLNK(e->mode))
		vfs_fchmodat(AT_FDCWD, path, e->mode & 07777, 0);
	if (time)
		vfs_utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW);
}

/* Link to an earlier member of the same hard-link group, if there is one.  => 1 if linked. */
static int
maybe_link(struct unpack *u, const struct cpio_entry *e)
{
	for (struct remembered *m = u->links; m; m = m->next) {
		if (m->ino == e->ino && m->major == e->dev_major && m->minor == e->dev_minor &&
		    ((m->mode ^ e->mode) & S_IFMT) == 0) {
			int r = vfs_linkat(AT_FDCWD, m->path, AT_FDCWD, u->path, 0);
			return r ? r : 1;
		}
	}
	if (!remember(&u->links, e, u->path))
		return -ENOMEM;
	return 0;
}

/* Write a member's data into the open file. */
static int
write_all(struct file *f, const void *data, uint64_t size)
{
	uint64_t pos = 0;

	while (pos < size) {
		long n = kernel_write(f, (const char *)data + pos, (size_t)(size - pos), &pos);
		if (n <= 0)
			return n < 0 ? (int)n : -EIO;
	}
	return 0;
}

/* A regular member: a new file, or a link to its group, then the data. */
static int
make_file(struct unpack *u, const struct cpio_entry *e)
{
	int linked = e->nlink >= 2 ? maybe_link(u, e) : 0;
	struct file *f;
	int r;

	if (linked < 0)
		return linked;
	f = vfs_openat(AT_FDCWD, u->path, O_WRONLY | O_CREAT | (linked ? 0 : O_TRUNC),
		       e->mode & 07777);
	if (IS_ERR(f))
		return (int)PTR_ERR(f);
	r = write_all(f, e->data, e->size);
	file_put(f);
	if (r == 0)
		set_attrs(u->path, e, true);
	return r;
}

/* A symbolic link member: its data is the target. */
static int
make_symlink(struct unpack *u, const struct cpio_entry *e)
{
	char *target;
	int r;

	if (e->size == 0 || e->size >= PATH_MAX)
		return -ENAMETOOLONG;
	target = kmalloc((size_t)e->size + 1);
	if (!target)
		return -ENOMEM;
	memcpy(target, e->data, (size_t)e->size);
	target[e->size] = '\0';
	r = vfs_symlinkat(target, AT_FDCWD, u->path);
	kfree(target);
	if (r == 0)
		set_attrs(u->path, e, true);
	return r;
}

/* One member.  => 0, or -errno for a member that could not be made. */
static int
unpack_member(struct unpack *u, const struct cpio_entry *e)
{
	int r = build_path(u, e->name);

	if (r)
		return r;
	clean_path(u->path, e->mode);
	switch (e->mode & S_IFMT) {
	case S_IFDIR:
		r = vfs_mkdirat(AT_FDCWD, u->path, e->mode & 07777);
		if (r == -EEXIST)
			r = 0;
		if (r == 0) {
			set_attrs(u->path, e, false);
			remember(&u->dirs, e, u->path);
		}
		return r;
	case S_IFREG:
		return make_file(u, e);
	case S_IFLNK:
		return make_symlink(u, e);
	case S_IFCHR: case S_IFBLK: case S_IFIFO: case S_IFSOCK:
		r = vfs_mknodat(AT_FDCWD, u->path, e->mode, MKDEV(e->rdev_major, e->rdev_minor));
		if (r == 0)
			set_attrs(u->path, e, true);
		return r;
	default:
		return -EINVAL;
	}
}

/* Directories get their archive time last: adding entries changed it. */
static void
set_dir_times(struct unpack *u)
{
	for (struct remembered *m = u->dirs; m; m = m->next) {
		struct timespec ts[2] = { { m->mtime, 0 }, { m->mtime, 0 } };
		vfs_utimensat(AT_FDCWD, m->path, ts, 0);
	}
}

/* Unpack an archive under prefix ("" for the root).  => 0 or -EINVAL. */
int
initramfs_unpack_at(const char *prefix, const void *data, size_t len)
{
	struct unpack u = { .prefix = prefix };
	struct cpio_reader rd;
	struct cpio_entry e;
	int r;

	u.path = kmalloc(PATH_MAX);
	if (!u.path)
		return -ENOMEM;
	cpio_init(&rd, data, len);
	while ((r = cpio_next(&rd, &e)) > 0) {
		int m = unpack_member(&u, &e);
		if (m == 0) {
			u.made++;
		} else if (u.failed++ < 8) {
			pr_warn("initramfs: cannot make \"%s\": error %d; skipped\n", e.name, -m);
		}
	}
	if (r < 0)
		pr_err("initramfs: damaged archive at byte %llu: %s; unpacking stopped\n",
		       (unsigned long long)rd.error_off, rd.error);
	set_dir_times(&u);
	forget_all(&u.links);
	forget_all(&u.dirs);
	kfree(u.path);
	pr_info("initramfs: %u files unpacked, %u skipped\n", u.made, u.failed);
	return r;
}

static const struct {
	const char *name;
	uint32_t mode;
	unsigned major, minor;
} default_nodes[] = {
	{ "/dev/console", S_IFCHR | 0600, 5, 1 },
	{ "/dev/null", S_IFCHR | 0666, 1, 3 },
	{ "/dev/zero", S_IFCHR | 0666, 1, 5 },
	{ "/dev/full", S_IFCHR | 0666, 1, 7 },
	{ "/dev/random", S_IFCHR | 0666, 1, 8 },
	{ "/dev/urandom", S_IFCHR | 0666, 1, 9 },
	{ "/dev/tty", S_IFCHR | 0666, 5, 0 },
	{ "/dev/ttyS0", S_IFCHR | 0660, 4, 64 },
};

/* /dev with the nodes init needs, unless the archive brought a console. */
void
initramfs_default_dev(void)
{
	struct kstat st;

	if (vfs_statat(AT_FDCWD, "/dev/console", 0, &st) == 0)
		return;
	vfs_mkdirat(AT_FDCWD, "/dev", 0755);
	vfs_fchmodat(AT_FDCWD, "/dev", 0755, 0);
	if (vfs_mkdirat(AT_FDCWD, "/root", 0700) == 0)
		vfs_fchmodat(AT_FDCWD, "/root", 0700, 0);
	for (unsigned i = 0; i < ARRAY_SIZE(default_nodes); i++) {
		const char *n = default_nodes[i].name;
		if (vfs_mknodat(AT_FDCWD, n, default_nodes[i].mode,
				MKDEV(default_nodes[i].major, default_nodes[i].minor)) == 0)
			vfs_fchmodat(AT_FDCWD, n, default_nodes[i].mode & 07777, 0);
	}
}

/* Boot: unpack the archive into /, then make sure /dev has a console. */
int
initramfs_unpack(const void *data, size_t len)
{
	int r = initramfs_unpack_at("", data, len);

	initramfs_default_dev();
	return r;
}
