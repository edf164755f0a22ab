// SPDX-License-Identifier: MIT
/* Helpers for the file-system ktests (see ktfs.h). */
#include "fs/ktests/ktfs.h"
#include "fs/vfs.h"
#include "lib/string.h"
#include "mm/vm.h"
#include "sched/sched.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/mman.h"

int
kt_enter(struct kt_env *e, const char *dir)
{
	struct thread *t = current();
	int r;

	memset(e, 0, sizeof(*e));
	e->saved_files = t->files;
	e->saved_fs = t->fs;
	e->saved_cred = t->cred;
	t->files = files_new();
	t->fs = fs_ctx_new_root();
	if (!t->files || !t->fs)
		return -ENOMEM;
	vfs_mkdirat(AT_FDCWD, "/kt", 0755);
	r = vfs_mkdirat(AT_FDCWD, dir, 0777);
	if (r == 0)
		r = vfs_chdir(dir);
	return r;
}

void
kt_leave(struct kt_env *e)
{
	struct thread *t = current();

	files_put(t->files);
	fs_ctx_put(t->fs);
	t->files = e->saved_files;
	t->fs = e->saved_fs;
	t->cred = e->saved_cred;
	if (e->mm) {
		t->mm = NULL;
		mm_activate(NULL);
		mm_put(e->mm);
		e->mm = NULL;
	}
}

void
kt_as(struct kt_env *e, uint32_t uid, uint32_t gid)
{
	memset(&e->cred, 0, sizeof(e->cred));
	e->cred.uid = e->cred.euid = e->cred.suid = e->cred.fsuid = uid;
	e->cred.gid = e->cred.egid = e->cred.sgid = e->cred.fsgid = gid;
	current()->cred = &e->cred;
}

void
kt_as_root(struct kt_env *e)
{
	current()->cred = e->saved_cred;
}

uint64_t
kt_user(struct kt_env *e, size_t len)
{
	long addr;

	if (e->user)
		return e->user_len >= len ? e->user : 0;
	e->mm = mm_create();
	if (!e->mm)
		return 0;
	current()->mm = e->mm;
	mm_activate(e->mm);
	addr = vm_mmap(e->mm, 0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0);
	if (addr < 0)
		return 0;
	e->user = (uint64_t)addr;
	e->user_len = len;
	return e->user;
}

int
kt_write_file(const char *path, const void *data, size_t len, uint32_t mode)
{
	struct file *f = vfs_openat(AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	uint64_t pos = 0;
	long n;

	if (IS_ERR(f))
		return (int)PTR_ERR(f);
	n = kernel_write(f, data, len, &pos);
	file_put(f);
	return n < 0 ? (int)n : (size_t)n == len ? 0 : -EIO;
}

long
kt_read_file(const char *path, void *buf, size_t len)
{
	struct file *f = vfs_openat(AT_FDCWD, path, O_RDONLY, 0);
	uint64_t pos = 0;
	long n;

	if (IS_ERR(f))
		return PTR_ERR(f);
	n = kernel_read(f, buf, len, &pos);
	file_put(f);
	return n;
}

int
kt_stat(const char *path, struct kstat *st, bool nofollow)
{
	return vfs_statat(AT_FDCWD, path, nofollow ? AT_SYMLINK_NOFOLLOW : 0, st);
}
