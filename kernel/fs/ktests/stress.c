// SPDX-License-Identifier: MIT
/*
 * A concurrency stress test of the name operations: four threads create,
 * write, link, rename (across directories and into subdirectories), remove
 * and list names in two shared directories at random, with preemption
 * interleaving them.  Most operations fail (the name is gone, the target
 * exists, the directory is not empty); what must not happen is a deadlock,
 * a crash, or a leak.  Afterwards the tree is removed and every object
 * must be back.
 */
#include "fs/ktests/ktfs.h"
#include "fs/internal.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "sched/sched.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/stat.h"

#define STRESS_THREADS 4
#define STRESS_OPS 2000
#define STRESS_NAMES 6

struct stress {
	uint32_t seed;
	unsigned done;
};

static uint32_t
rnd(struct stress *s)
{
	s->seed = s->seed * 1103515245u + 12345u;
	return s->seed >> 8;
}

/* A random name: /kt/stress/{a,b}/{f,d}N, sometimes one level deeper. */
static void
rnd_path(struct stress *s, char *buf, size_t size, char kind)
{
	char top = rnd(s) & 1 ? 'a' : 'b';

	if (rnd(s) % 4 == 0)
		ksnprintf(buf, size, "/kt/stress/%c/d%u/%c%u", top, rnd(s) % STRESS_NAMES, kind,
			  rnd(s) % STRESS_NAMES);
	else
		ksnprintf(buf, size, "/kt/stress/%c/%c%u", top, kind, rnd(s) % STRESS_NAMES);
}

static bool
count_emit(struct dir_context *ctx, const char *name, size_t len, uint64_t ino, unsigned type)
{
	return true;
}

static void
list_dir(const char *path)
{
	struct dir_context ctx = { .emit = count_emit };
	struct file *d = vfs_openat(AT_FDCWD, path, O_RDONLY | O_DIRECTORY, 0);

	if (!IS_ERR(d)) {
		file_readdir(d, &ctx);
		file_put(d);
	}
}

static void
one_op(struct stress *s)
{
	char p1[64], p2[64];
	unsigned op = rnd(s) % 8;

	rnd_path(s, p1, sizeof(p1), op >= 5 ? 'd' : 'f');
	rnd_path(s, p2, sizeof(p2), op >= 5 ? 'd' : 'f');
	switch (op) {
	case 0: kt_write_file(p1, "stress", 6, 0644); break;
	case 1: vfs_unlinkat(AT_FDCWD, p1, 0); break;
	case 2: vfs_renameat2(AT_FDCWD, p1, AT_FDCWD, p2, 0); break;
	case 3: vfs_linkat(AT_FDCWD, p1, AT_FDCWD, p2, 0); break;
	case 4: list_dir(rnd(s) & 1 ? "/kt/stress/a" : "/kt/stress/b"); break;
	case 5: vfs_mkdirat(AT_FDCWD, p1, 0755); break;
	case 6: vfs_unlinkat(AT_FDCWD, p1, AT_REMOVEDIR); break;
	case 7: vfs_renameat2(AT_FDCWD, p1, AT_FDCWD, p2, rnd(s) & 1 ? RENAME_EXCHANGE : 0);
		break;
	}
	s->done++;
}

static void
stress_thread(void *arg)
{
	struct stress *s = arg;

	for (int i = 0; i < STRESS_OPS; i++) {
		one_op(s);
		if (i % 16 == 0)
			sched_yield();
	}
}

/* Remove a tree depth first (names collected while the directory is open). */
struct rm_ctx {
	struct dir_context ctx;
	char names[64][16];
	int n;
};

static bool
rm_emit(struct dir_context *dc, const char *name, size_t len, uint64_t ino, unsigned type)
{
	struct rm_ctx *c = container_of(dc, struct rm_ctx, ctx);

	if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
		return true;
	if (c->n == 64 || len >= 16)
		return false;
	memcpy(c->names[c->n], name, len);
	c->names[c->n++][len] = '\0';
	return true;
}

static int
rm_tree(const char *path, int depth)
{
	struct rm_ctx *c = kzalloc(sizeof(*c));
	struct file *d = vfs_openat(AT_FDCWD, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0);
	char *child = kmalloc(PATH_MAX);
	int r = 0;

	if (IS_ERR(d) || !c || !child || depth > 64) {
		kfree(c);
		kfree(child);
		if (!IS_ERR(d))
			file_put(d);
		return IS_ERR(d) ? vfs_unlinkat(AT_FDCWD, path, 0) : -ELOOP;
	}
	c->ctx.emit = rm_emit;
	file_readdir(d, &c->ctx);
	file_put(d);
	for (int i = 0; i < c->n && r == 0; i++) {
		ksnprintf(child, PATH_MAX, "%s/%s", path, c->names[i]);
		r = rm_tree(child, depth + 1);
	}
	kfree(c);
	kfree(child);
	return r ? r : vfs_unlinkat(AT_FDCWD, path, AT_REMOVEDIR);
}

KTEST(fs_stress_names, "4 threads of random name operations: no deadlock, no leak")
{
	static struct stress s[STRESS_THREADS];
	struct thread *t[STRESS_THREADS];
	struct kmalloc_stats before, after;
	struct kt_env e;

	KT_EQ(kt_enter(&e, "/kt/stress"), 0);
	KT_EQ(vfs_mkdirat(AT_FDCWD, "a", 0755), 0);
	KT_EQ(vfs_mkdirat(AT_FDCWD, "b", 0755), 0);
	dcache_shrink(~0u);
	kmalloc_stats(&before);
	for (int i = 0; i < STRESS_THREADS; i++) {
		s[i] = (struct stress){ .seed = 7919u * (uint32_t)(i + 1) };
		t[i] = thread_create(stress_thread, &s[i], "fs-stress");
		KT_ASSERT(t[i]);
	}
	for (int i = 0; i < STRESS_THREADS; i++) {
		thread_join(t[i]);
		KT_EQ(s[i].done, STRESS_OPS);
	}
	KT_EQ(rm_tree("/kt/stress/a", 0), 0);
	KT_EQ(rm_tree("/kt/stress/b", 0), 0);
	KT_EQ(vfs_mkdirat(AT_FDCWD, "a", 0755), 0);
	KT_EQ(vfs_mkdirat(AT_FDCWD, "b", 0755), 0);
	dcache_shrink(~0u);
	kmalloc_stats(&after);
	printk("ktest:   objects %zu -> %zu\n", before.objects, after.objects);
	KT_EQ(after.objects, before.objects);
	kt_leave(&e);
	return 0;
}
