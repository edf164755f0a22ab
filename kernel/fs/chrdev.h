/* SPDX-License-Identifier: MIT */
/*
 * Character devices: drivers register a range of (major, minor) numbers
 * with their file operations, and opening a device node of that number
 * reaches them.  The driver learns which minor was opened from
 * MINOR(ino->rdev) in its open, and keeps per-open state in f->priv.
 *
 * The file operations may block (a terminal read waiting for a line): they
 * sleep interruptibly on their own wait queues, return -EAGAIN when
 * f->flags has O_NONBLOCK and -ERESTARTSYS when a signal cut the wait
 * short, and report readiness through .poll with poll_wait() (ipc/poll.h).
 */
#pragma once

#include "fs/fs.h"

/*
 * Register minors [minor, minor + count) of major.  name (NULL: none) is
 * the node devtmpfs shows: "name" for one minor, "name0", "name1", ... for
 * several; mode is the node's permission bits.  => 0, -EBUSY (overlaps a
 * registered range), -ENOMEM, -EINVAL.
 */
int chrdev_register(unsigned major, unsigned minor, unsigned count, const char *name,
		    uint32_t mode, const struct file_ops *ops);
void chrdev_unregister(unsigned major, unsigned minor, unsigned count);

/* For devtmpfs: call fn for every registered node (name, mode, dev). */
void chrdev_for_each(void (*fn)(const char *name, uint32_t mode, dev_t dev, void *arg),
		     void *arg);
/* devtmpfs asks to hear about devices registered later. */
void chrdev_set_listener(void (*fn)(const char *name, uint32_t mode, dev_t dev));
