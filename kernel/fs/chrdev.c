// SPDX-License-Identifier: MIT
/*
 * The character device registry: a short list of number ranges, each with
 * its driver's file operations.  Lookups happen at open time only, so a
 * list under a spinlock is plenty.
 */
#include "fs/chrdev.h"
#include "fs/internal.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "uapi/errno.h"

struct chrdev {
	unsigned major, minor, count;
	char name[24];
	uint32_t mode;
	const struct file_ops *ops;
	struct list_node node;
};

/* Protects the list and the listener; a leaf. */
static struct spinlock chrdev_lock = SPINLOCK_INIT("chrdev");
static struct list_node chrdevs = LIST_INIT(chrdevs);
static void (*listener)(const char *name, uint32_t mode, dev_t dev);

/* Does c share a number with [minor, minor + count) of major? */
static bool
overlaps(const struct chrdev *c, unsigned major, unsigned minor, unsigned count)
{
	return c->major == major && minor < c->minor + c->count && c->minor < minor + count;
}

/* The devtmpfs name of minor index i of c. */
static void
node_name(const struct chrdev *c, unsigned i, char *buf, size_t size)
{
	if (c->count == 1)
		strlcpy(buf, c->name, size);
	else
		ksnprintf(buf, size, "%s%u", c->name, i);
}

/* Tell devtmpfs (fn) about every node of c. */
static void
announce(const struct chrdev *c, void (*fn)(const char *, uint32_t, dev_t))
{
	char name[32];

	if (!fn || !c->name[0])
		return;
	for (unsigned i = 0; i < c->count; i++) {
		node_name(c, i, name, sizeof(name));
		fn(name, c->mode, MKDEV(c->major, c->minor + i));
	}
}

/* Add a range of device numbers, refusing overlaps; devtmpfs hears of it. */
int
chrdev_register(unsigned major, unsigned minor, unsigned count, const char *name,
		uint32_t mode, const struct file_ops *ops)
{
	struct chrdev *c;
	void (*fn)(const char *, uint32_t, dev_t);

	if (!count || !ops || major >= 4096 || minor + count > (1u << MINORBITS))
		return -EINVAL;
	c = kzalloc(sizeof(*c));
	if (!c)
		return -ENOMEM;
	*c = (struct chrdev){ major, minor, count, "", mode & 07777, ops, { NULL, NULL } };
	if (name)
		strlcpy(c->name, name, sizeof(c->name));
	spin_lock(&chrdev_lock);
	for (struct list_node *n = chrdevs.next; n != &chrdevs; n = n->next) {
		if (overlaps(list_entry(n, struct chrdev, node), major, minor, count)) {
			spin_unlock(&chrdev_lock);
			kfree(c);
			return -EBUSY;
		}
	}
	list_push_back(&chrdevs, &c->node);
	fn = listener;
	spin_unlock(&chrdev_lock);
	announce(c, fn);
	return 0;
}

/* Remove a range registered before. */
void
chrdev_unregister(unsigned major, unsigned minor, unsigned count)
{
	struct chrdev *found = NULL;

	spin_lock(&chrdev_lock);
	for (struct list_node *n = chrdevs.next; n != &chrdevs; n = n->next) {
		struct chrdev *c = list_entry(n, struct chrdev, node);
		if (c->major == major && c->minor == minor && c->count == count) {
			list_remove(&c->node);
			found = c;
			break;
		}
	}
	spin_unlock(&chrdev_lock);
	kfree(found);
}

/* The operations registered for dev, or NULL (opening it gives ENXIO). */
const struct file_ops *
chrdev_ops(dev_t dev)
{
	const struct file_ops *ops = NULL;

	spin_lock(&chrdev_lock);
	for (struct list_node *n = chrdevs.next; n != &chrdevs; n = n->next) {
		struct chrdev *c = list_entry(n, struct chrdev, node);
		if (overlaps(c, MAJOR(dev), MINOR(dev), 1)) {
			ops = c->ops;
			break;
		}
	}
	spin_unlock(&chrdev_lock);
	return ops;
}

/*
 * Devices are registered at boot and never freed while devtmpfs reads the
 * list (unregistering is for drivers that failed to start), so fn runs
 * without the lock: it creates files, which may sleep.
 */
void
chrdev_for_each(void (*fn)(const char *name, uint32_t mode, dev_t dev, void *arg), void *arg)
{
	char name[32];

	for (struct list_node *n = READ_ONCE(chrdevs.next); n != &chrdevs; n = READ_ONCE(n->next)) {
		struct chrdev *c = list_entry(n, struct chrdev, node);
		for (unsigned i = 0; c->name[0] && i < c->count; i++) {
			node_name(c, i, name, sizeof(name));
			fn(name, c->mode, MKDEV(c->major, c->minor + i), arg);
		}
	}
}

/* Set the function told about devices registered from now on. */
void
chrdev_set_listener(void (*fn)(const char *name, uint32_t mode, dev_t dev))
{
	spin_lock(&chrdev_lock);
	listener = fn;
	spin_unlock(&chrdev_lock);
}
