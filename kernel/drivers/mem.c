// SPDX-License-Identifier: MIT
/*
 * The memory devices, major 1, as on every Unix:
 *
 *   null    (1,3)  reads end at once; writes vanish
 *   zero    (1,5)  reads give zeros; writes vanish; mapping it gives zeros
 *   full    (1,7)  reads give zeros; writes fail with ENOSPC (a full disk)
 *   random  (1,8)  and urandom (1,9): the kernel's generator (random.c)
 *
 * None of them blocks.  A long read of zero stops early if a signal is
 * pending, so "cat /dev/zero" can be interrupted.
 */
#include "drivers/mem.h"
#include "drivers/random.h"
#include "fs/chrdev.h"
#include "fs/uio.h"
#include "core/printk.h"
#include "lib/string.h"
#include "sched/sched.h"
#include "uapi/errno.h"

#define MEM_MAJOR 1

/* /dev/null: always at end of file. */
static long
null_read(struct file *f, struct uio *u, uint64_t *pos)
{
	return 0;
}

/* /dev/null and /dev/zero: accept everything, keep nothing. */
static long
sink_write(struct file *f, struct uio *u, uint64_t *pos)
{
	size_t n = uio_resid(u);

	uio_advance(u, n);
	return (long)n;
}

/* /dev/zero and /dev/full: zeros, a page at a time. */
static long
zero_read(struct file *f, struct uio *u, uint64_t *pos)
{
	long done = 0;

	while (uio_resid(u)) {
		long r;
		if (done && current()->sig_pending)
			break;
		r = uio_zero_out(u, MIN(uio_resid(u), (size_t)4096));
		if (r <= 0)
			return done ? done : r;
		done += r;
	}
	return done;
}

/* /dev/full: the disk is always full. */
static long
full_write(struct file *f, struct uio *u, uint64_t *pos)
{
	return uio_resid(u) ? -ENOSPC : 0;
}

/* A private mapping of /dev/zero is zero-filled memory. */
static int
zero_readpage(struct file *f, uint64_t off, void *page)
{
	memset(page, 0, 4096);
	return 0;
}

static const struct file_ops null_fops = {
	.read = null_read,
	.write = sink_write,
	.llseek = noop_llseek,
};

static const struct file_ops zero_fops = {
	.read = zero_read,
	.write = sink_write,
	.llseek = noop_llseek,
	.readpage = zero_readpage,
};

static const struct file_ops full_fops = {
	.read = zero_read,
	.write = full_write,
	.llseek = noop_llseek,
};

/* Register the five mem devices (and their devtmpfs nodes). */
void
mem_devices_init(void)
{
	static const struct {
		unsigned minor;
		const char *name;
		const struct file_ops *ops;
	} devs[] = {
		{ 3, "null", &null_fops },
		{ 5, "zero", &zero_fops },
		{ 7, "full", &full_fops },
		{ 8, "random", &random_fops },
		{ 9, "urandom", &random_fops },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(devs); i++)
		if (chrdev_register(MEM_MAJOR, devs[i].minor, 1, devs[i].name, 0666, devs[i].ops))
			pr_err("mem: cannot register /dev/%s\n", devs[i].name);
}
