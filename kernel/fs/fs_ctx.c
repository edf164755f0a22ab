// SPDX-License-Identifier: MIT
/*
 * struct fs_ctx: a process's place in the tree: its root (chroot), its
 * working directory and its umask.  Threads made with CLONE_FS share one;
 * fork copies it.  Kernel threads without one use the kernel's own, rooted
 * at the real root.
 */
#include "fs/internal.h"
#include "core/panic.h"
#include "mm/slab.h"
#include "sched/sched.h"

static struct fs_ctx *kernel_fs;

/* An empty context with the default umask 022. */
static struct fs_ctx *
fs_ctx_alloc(void)
{
	struct fs_ctx *c = kzalloc(sizeof(*c));

	if (!c)
		return NULL;
	c->refcount = 1;
	spin_init(&c->lock, "fs_ctx");
	c->umask = 022;
	return c;
}

/* After the root is mounted: the context kernel threads walk paths with. */
void
fs_ctx_init_kernel(void)
{
	kernel_fs = fs_ctx_new_root();
	if (!kernel_fs)
		panic("vfs: no memory for the kernel's fs context");
}

/* A context at the real root, cwd "/" (the first process, kernel threads). */
struct fs_ctx *
fs_ctx_new_root(void)
{
	struct fs_ctx *c = fs_ctx_alloc();

	if (!c)
		return NULL;
	vfs_root_path(&c->root);
	vfs_root_path(&c->cwd);
	return c;
}

/* Copy and reference a path of c.  => takes c->lock, then mount_lock and dcache_lock. */
static void
get_locked_copy(struct fs_ctx *c, const struct path *src, struct path *out)
{
	spin_lock(&c->lock);
	*out = *src;
	path_get(out);
	spin_unlock(&c->lock);
}

/* fork's copy: same root, cwd and umask. */
struct fs_ctx *
fs_ctx_dup(struct fs_ctx *old)
{
	struct fs_ctx *c = fs_ctx_alloc();

	if (!c)
		return NULL;
	get_locked_copy(old, &old->root, &c->root);
	get_locked_copy(old, &old->cwd, &c->cwd);
	c->umask = READ_ONCE(old->umask);
	return c;
}

/* Share the context (CLONE_FS). */
void
fs_ctx_get(struct fs_ctx *c)
{
	__atomic_add_fetch(&c->refcount, 1, __ATOMIC_RELAXED);
}

/* Drop a reference; the last one lets go of root and cwd. */
void
fs_ctx_put(struct fs_ctx *c)
{
	if (!c || __atomic_sub_fetch(&c->refcount, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	path_put(&c->root);
	path_put(&c->cwd);
	kfree(c);
}

/* The current thread's context, or the kernel's. */
struct fs_ctx *
fs_ctx_current(void)
{
	struct fs_ctx *c = current()->fs;

	return c ? c : kernel_fs;
}

/* The process root, referenced. */
void
fs_ctx_get_root(struct fs_ctx *c, struct path *out)
{
	get_locked_copy(c, &c->root, out);
}

/* The working directory, referenced. */
void
fs_ctx_get_cwd(struct fs_ctx *c, struct path *out)
{
	get_locked_copy(c, &c->cwd, out);
}

/* Replace one of c's paths, dropping the old one outside the lock. */
static void
set_path(struct fs_ctx *c, struct path *slot, const struct path *p)
{
	struct path old;

	path_get(p);
	spin_lock(&c->lock);
	old = *slot;
	*slot = *p;
	spin_unlock(&c->lock);
	path_put(&old);
}

/* chroot's half: set the root. */
void
fs_ctx_set_root(struct fs_ctx *c, const struct path *p)
{
	set_path(c, &c->root, p);
}

/* chdir's half: set the working directory. */
void
fs_ctx_set_cwd(struct fs_ctx *c, const struct path *p)
{
	set_path(c, &c->cwd, p);
}

/* A context's root or working directory as a path string (procfs). */
int
fs_ctx_path(struct fs_ctx *c, bool root, char *buf, size_t size)
{
	struct path p, top;
	bool unreachable;
	long n;

	get_locked_copy(c, root ? &c->root : &c->cwd, &p);
	vfs_root_path(&top);
	n = d_path(&p, &top, buf, size, &unreachable);
	path_put(&top);
	path_put(&p);
	return n < 0 ? (int)n : 0;
}
