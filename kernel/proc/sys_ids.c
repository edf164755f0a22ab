// SPDX-License-Identifier: MIT
/*
 * Identity system calls: process ids, process groups and sessions, and
 * credentials.
 *
 * Process groups and sessions are what job control is made of: a shell
 * puts each pipeline in its own group, the terminal sends ^C to its
 * foreground group, and a daemon calls setsid() to leave its terminal
 * behind.  Credentials follow POSIX's saved-set-user-ID rules: an
 * unprivileged process may only swap among its real, effective and saved
 * ids; root may set anything.
 */
#include "proc/proc.h"
#include "proc/internal.h"
#include "proc/syscalls.h"
#include "lib/string.h"
#include "mm/usercopy.h"
#include "uapi/errno.h"

long
sys_getpid(void)
{
	return current_proc()->pid;
}

long
sys_gettid(void)
{
	return current()->tid;
}

long
sys_getppid(void)
{
	/* A copy kept in the child, so the common call takes no lock. */
	return READ_ONCE(current_proc()->ppid);
}

long
sys_set_tid_address(int *tidptr)
{
	pt_of(current())->clear_child_tid = (uint64_t)tidptr;
	return current()->tid;
}

/* ---- process groups and sessions ---- */

static bool
pgrp_exists_in_session_locked(int pgid, int sid)
{
	list_for_each(n, &all_procs) {
		struct proc *p = list_entry(n, struct proc, all_node);
		if (p->pgid == pgid && p->sid == sid && p->state == P_ALIVE)
			return true;
	}
	return false;
}

long
sys_setpgid(int pid, int pgid)
{
	struct proc *me = current_proc(), *p;
	long r = 0;

	if (pgid < 0)
		return -EINVAL;
	spin_lock(&proc_tree_lock);
	p = pid == 0 ? me : proc_find_locked(pid);
	if (!p || (p != me && p->parent != me)) {
		r = -ESRCH;
	} else if (pgid == 0) {
		pgid = p->pid;
	}
	if (r == 0 && p != me && p->did_exec)
		r = -EACCES;             /* a child that has exec'd is its own master */
	else if (r == 0 && p->sid == p->pid)
		r = -EPERM;              /* a session leader keeps its group */
	else if (r == 0 && p != me && p->sid != me->sid)
		r = -EPERM;
	else if (r == 0 && pgid != p->pid && !pgrp_exists_in_session_locked(pgid, me->sid))
		r = -EPERM;
	if (r == 0)
		p->pgid = pgid;
	spin_unlock(&proc_tree_lock);
	return r;
}

long
sys_getpgid(int pid)
{
	struct proc *p;
	long r;

	spin_lock(&proc_tree_lock);
	p = pid == 0 ? current_proc() : proc_find_locked(pid);
	r = p ? p->pgid : -ESRCH;
	spin_unlock(&proc_tree_lock);
	return r;
}

long
sys_getpgrp(void)
{
	return current_proc()->pgid;
}

long
sys_setsid(void)
{
	struct proc *p = current_proc();
	long r;

	spin_lock(&proc_tree_lock);
	if (p->pgid == p->pid || pgrp_exists_in_session_locked(p->pid, p->sid)) {
		r = -EPERM;   /* already a group leader: it could not leave its group */
	} else {
		p->sid = p->pgid = p->pid;
		r = p->sid;
	}
	spin_unlock(&proc_tree_lock);
	return r;
}

long
sys_getsid(int pid)
{
	struct proc *p;
	long r;

	spin_lock(&proc_tree_lock);
	p = pid == 0 ? current_proc() : proc_find_locked(pid);
	r = p ? p->sid : -ESRCH;
	spin_unlock(&proc_tree_lock);
	return r;
}

/* ---- credentials ---- */

static struct cred *
cred(void)
{
	return &current_proc()->cred;
}

long sys_getuid(void) { return cred()->uid; }
long sys_geteuid(void) { return cred()->euid; }
long sys_getgid(void) { return cred()->gid; }
long sys_getegid(void) { return cred()->egid; }

static bool
privileged(void)
{
	return cred()->euid == 0;
}

/* May an unprivileged process take id?  Only one of its three. */
static bool
id_ok(uint32_t id, uint32_t r, uint32_t e, uint32_t s)
{
	return id == (uint32_t)-1 || id == r || id == e || id == s;
}

long
sys_setresuid(uint32_t ruid, uint32_t euid, uint32_t suid)
{
	struct cred *c = cred();

	if (!privileged() && (!id_ok(ruid, c->uid, c->euid, c->suid) ||
			      !id_ok(euid, c->uid, c->euid, c->suid) ||
			      !id_ok(suid, c->uid, c->euid, c->suid)))
		return -EPERM;
	spin_lock(&proc_tree_lock);
	if (ruid != (uint32_t)-1) c->uid = ruid;
	if (euid != (uint32_t)-1) c->euid = euid;
	if (suid != (uint32_t)-1) c->suid = suid;
	c->fsuid = c->euid;
	spin_unlock(&proc_tree_lock);
	return 0;
}

long
sys_setresgid(uint32_t rgid, uint32_t egid, uint32_t sgid)
{
	struct cred *c = cred();

	if (!privileged() && (!id_ok(rgid, c->gid, c->egid, c->sgid) ||
			      !id_ok(egid, c->gid, c->egid, c->sgid) ||
			      !id_ok(sgid, c->gid, c->egid, c->sgid)))
		return -EPERM;
	spin_lock(&proc_tree_lock);
	if (rgid != (uint32_t)-1) c->gid = rgid;
	if (egid != (uint32_t)-1) c->egid = egid;
	if (sgid != (uint32_t)-1) c->sgid = sgid;
	c->fsgid = c->egid;
	spin_unlock(&proc_tree_lock);
	return 0;
}

long
sys_setuid(uint32_t uid)
{
	struct cred *c = cred();

	if (privileged())
		return sys_setresuid(uid, uid, uid);
	if (uid != c->uid && uid != c->suid)
		return -EPERM;
	return sys_setresuid((uint32_t)-1, uid, (uint32_t)-1);
}

long
sys_setgid(uint32_t gid)
{
	struct cred *c = cred();

	if (privileged())
		return sys_setresgid(gid, gid, gid);
	if (gid != c->gid && gid != c->sgid)
		return -EPERM;
	return sys_setresgid((uint32_t)-1, gid, (uint32_t)-1);
}

long
sys_setreuid(uint32_t ruid, uint32_t euid)
{
	struct cred *c = cred();
	uint32_t suid = (uint32_t)-1;

	if (!privileged() && ((ruid != (uint32_t)-1 && ruid != c->uid && ruid != c->euid) ||
			      !id_ok(euid, c->uid, c->euid, c->suid)))
		return -EPERM;
	/* POSIX: setting the real id, or the effective to other than the real, saves it. */
	if (ruid != (uint32_t)-1 || (euid != (uint32_t)-1 && euid != c->uid))
		suid = euid != (uint32_t)-1 ? euid : c->euid;
	spin_lock(&proc_tree_lock);
	if (ruid != (uint32_t)-1) c->uid = ruid;
	if (euid != (uint32_t)-1) c->euid = euid;
	if (suid != (uint32_t)-1) c->suid = suid;
	c->fsuid = c->euid;
	spin_unlock(&proc_tree_lock);
	return 0;
}

long
sys_setregid(uint32_t rgid, uint32_t egid)
{
	struct cred *c = cred();
	uint32_t sgid = (uint32_t)-1;

	if (!privileged() && ((rgid != (uint32_t)-1 && rgid != c->gid && rgid != c->egid) ||
			      !id_ok(egid, c->gid, c->egid, c->sgid)))
		return -EPERM;
	if (rgid != (uint32_t)-1 || (egid != (uint32_t)-1 && egid != c->gid))
		sgid = egid != (uint32_t)-1 ? egid : c->egid;
	spin_lock(&proc_tree_lock);
	if (rgid != (uint32_t)-1) c->gid = rgid;
	if (egid != (uint32_t)-1) c->egid = egid;
	if (sgid != (uint32_t)-1) c->sgid = sgid;
	c->fsgid = c->egid;
	spin_unlock(&proc_tree_lock);
	return 0;
}

long
sys_getresuid(uint32_t *r, uint32_t *e, uint32_t *s)
{
	struct cred *c = cred();

	if (put_user(c->uid, r) || put_user(c->euid, e) || put_user(c->suid, s))
		return -EFAULT;
	return 0;
}

long
sys_getresgid(uint32_t *r, uint32_t *e, uint32_t *s)
{
	struct cred *c = cred();

	if (put_user(c->gid, r) || put_user(c->egid, e) || put_user(c->sgid, s))
		return -EFAULT;
	return 0;
}

long
sys_setfsuid(uint32_t uid)
{
	struct cred *c = cred();
	uint32_t old = c->fsuid;

	if (privileged() || id_ok(uid, c->uid, c->euid, c->suid) || uid == c->fsuid)
		c->fsuid = uid;
	return old;
}

long
sys_setfsgid(uint32_t gid)
{
	struct cred *c = cred();
	uint32_t old = c->fsgid;

	if (privileged() || id_ok(gid, c->gid, c->egid, c->sgid) || gid == c->fsgid)
		c->fsgid = gid;
	return old;
}

long
sys_getgroups(int size, uint32_t *ulist)
{
	struct cred *c = cred();

	if (size < 0)
		return -EINVAL;
	if (size == 0)
		return c->ngroups;
	if ((unsigned)size < c->ngroups)
		return -EINVAL;
	if (copy_to_user(ulist, c->groups, c->ngroups * sizeof(uint32_t)))
		return -EFAULT;
	return c->ngroups;
}

long
sys_setgroups(int size, const uint32_t *ulist)
{
	struct cred *c = cred();
	uint32_t groups[CRED_GROUPS];

	if (!privileged())
		return -EPERM;
	if (size < 0 || size > CRED_GROUPS)
		return size > NGROUPS_MAX || size < 0 ? -EINVAL : -ENOMEM;
	if (copy_from_user(groups, ulist, (size_t)size * sizeof(uint32_t)))
		return -EFAULT;
	spin_lock(&proc_tree_lock);
	memcpy(c->groups, groups, (size_t)size * sizeof(uint32_t));
	c->ngroups = (unsigned)size;
	spin_unlock(&proc_tree_lock);
	return 0;
}
