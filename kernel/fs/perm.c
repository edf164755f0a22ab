// SPDX-License-Identifier: MIT
/*
 * Permission rules beyond the rwx bits (those are inode_permission in
 * inode.c): read-only mounts, sticky directories, who owns a new inode,
 * and setuid/setgid bits that a write must drop.
 */
#include "fs/internal.h"
#include "sched/cred.h"
#include "uapi/errno.h"
#include "uapi/stat.h"

/* May the caller change things on this mount?  => 0 or -EROFS. */
int
mnt_want_write(const struct path *p)
{
	if ((p->mnt->flags & MNT_RDONLY) || (p->mnt->sb->flags & SB_RDONLY))
		return -EROFS;
	return 0;
}

/* inode_permission plus the mount: writing files on a read-only mount gives EROFS first. */
int
path_permission(const struct path *p, int mask)
{
	struct inode *ino = d_inode(p->dentry);
	int r;

	if ((mask & MAY_WRITE) && (S_ISREG(ino->mode) || S_ISDIR(ino->mode) ||
				   S_ISLNK(ino->mode))) {
		r = mnt_want_write(p);
		if (r)
			return r;
	}
	return inode_permission(ino, mask);
}

/*
 * In a sticky directory (/tmp, mode 1777) a name may be removed or
 * replaced only by the owner of the file, the owner of the directory, or
 * root, however writable the directory is.
 */
int
may_delete(struct inode *dir, struct inode *victim)
{
	const struct cred *c = vfs_cred();

	if (!(dir->mode & S_ISVTX) || c->fsuid == 0)
		return 0;
	if (c->fsuid == victim->uid || c->fsuid == dir->uid)
		return 0;
	return -EPERM;
}

/*
 * A new inode belongs to the caller's fsuid, and to its fsgid, unless the
 * directory is setgid: then it takes the directory's group (and a new
 * subdirectory stays setgid), so a shared project directory keeps one
 * group.  mode already has the umask applied.
 */
void
vfs_new_init(struct vfs_new *nw, struct inode *dir, uint32_t mode, dev_t rdev)
{
	const struct cred *c = vfs_cred();

	nw->mode = mode;
	nw->uid = c->fsuid;
	nw->gid = c->fsgid;
	nw->rdev = rdev;
	if (dir->mode & S_ISGID) {
		nw->gid = dir->gid;
		if (S_ISDIR(mode))
			nw->mode |= S_ISGID;
		else if ((mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP) &&
			 !cred_in_group(c, nw->gid) && c->fsuid != 0)
			nw->mode &= ~S_ISGID;
	}
}

/*
 * A write by anyone but root clears the setuid bit, and the setgid bit of
 * a group-executable file, so nobody can plant code in a setuid program.
 * => ino->lock held.
 */
void
inode_kill_suid(struct inode *ino)
{
	uint32_t mode = ino->mode, kill = 0;
	struct iattr ia;

	if (!S_ISREG(mode) || vfs_cred()->fsuid == 0)
		return;
	if (mode & S_ISUID)
		kill |= S_ISUID;
	if ((mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))
		kill |= S_ISGID;
	if (!kill)
		return;
	ia.valid = ATTR_MODE | ATTR_CTIME;
	ia.mode = mode & ~kill & S_IALLUGO;
	vfs_now(&ia.ctime);
	if (ino->iops && ino->iops->setattr)
		ino->iops->setattr(ino, &ia);
	else
		inode_apply_attr(ino, &ia);
}
