// SPDX-License-Identifier: MIT
/*
 * The memory system calls: thin wrappers that check arguments, find the
 * file behind a descriptor when there is one, and call mm/.  They live in
 * the system-call layer because mmap() needs both mm/ and fs/.
 */
#include "syscall/sys_mm.h"
#include "arch/arch.h"
#include "fs/vfs.h"
#include "fs/vfs_ops.h"
#include "mm/slab.h"
#include "mm/usercopy.h"
#include "mm/vm.h"
#include "sched/sched.h"
#include "uapi/errno.h"
#include "uapi/mman.h"

long
sys_mmap(uint64_t addr, uint64_t len, int prot, int flags, int fd, uint64_t off)
{
	struct mm *mm = current()->mm;
	struct file *f = NULL;
	long r;

	if (!(flags & MAP_ANONYMOUS)) {
		f = fget(fd);
		if (!f)
			return -EBADF;
		r = file_mmap_check(f, prot, flags);
		if (r) {
			file_put(f);
			return r;
		}
	}
	r = vm_mmap(mm, addr, len, prot, flags, f, off);
	if (f)
		file_put(f);   /* the mapping holds its own reference */
	return r;
}

long
sys_munmap(uint64_t addr, uint64_t len)
{
	return vm_munmap(current()->mm, addr, len);
}

long
sys_mprotect(uint64_t addr, uint64_t len, int prot)
{
	return vm_mprotect(current()->mm, addr, len, prot);
}

long
sys_brk(uint64_t brk)
{
	return (long)vm_brk(current()->mm, brk);
}

long
sys_mremap(uint64_t old, uint64_t old_len, uint64_t new_len, int flags, uint64_t new_addr)
{
	return vm_mremap(current()->mm, old, old_len, new_len, flags, new_addr);
}

long
sys_madvise(uint64_t addr, uint64_t len, int advice)
{
	return vm_madvise(current()->mm, addr, len, advice);
}

long
sys_mincore(uint64_t addr, uint64_t len, uint8_t *uvec)
{
	size_t pages = (len + PAGE_SIZE - 1) / PAGE_SIZE;
	uint8_t *vec;
	long r;

	if (pages > (1ul << 20))
		return -ENOMEM;
	vec = kmalloc(pages ? pages : 1);
	if (!vec)
		return -ENOMEM;
	r = vm_mincore(current()->mm, addr, len, vec);
	if (r == 0 && copy_to_user(uvec, vec, pages))
		r = -EFAULT;
	kfree(vec);
	return r;
}

#define MSYNC_MAX_FILES 16

/* The files behind the shared file mappings in [addr, end), referenced. */
static int
shared_files(struct mm *mm, uint64_t addr, uint64_t end, struct file **out, int max)
{
	int n = 0;

	mutex_lock(&mm->lock);
	for (uint64_t va = addr; va < end && n < max;) {
		struct vma *v = vma_find(mm, va);

		if (!v) {
			va += PAGE_SIZE;
			continue;
		}
		if (v->file && (v->flags & VM_SHARED)) {
			file_get(v->file);
			out[n++] = v->file;
		}
		va = v->end;
	}
	mutex_unlock(&mm->lock);
	return n;
}

/*
 * msync: a shared file mapping's pages are the file's own page-cache pages,
 * so MS_SYNC is an fsync of each file mapped in the range.  MS_ASYNC asks
 * for nothing more than what write-back does anyway.
 */
long
sys_msync(uint64_t addr, uint64_t len, int flags)
{
	struct file *files[MSYNC_MAX_FILES];
	uint8_t probe;
	long r = 0;
	int n;

	if (!IS_ALIGNED(addr, PAGE_SIZE) || (flags & ~(MS_ASYNC | MS_SYNC | MS_INVALIDATE)) ||
	    ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return -EINVAL;
	if (len && vm_mincore(current()->mm, addr, PAGE_SIZE, &probe))
		return -ENOMEM;
	if (!(flags & MS_SYNC) || !len || addr + len < addr)
		return 0;
	n = shared_files(current()->mm, addr, ALIGN_UP(addr + len, PAGE_SIZE), files,
			 MSYNC_MAX_FILES);
	for (int i = 0; i < n; i++) {
		long e = file_fsync(files[i], false);

		if (e && e != -EINVAL && !r)
			r = e;          /* -EINVAL: a file with nothing to write back */
		file_put(files[i]);
	}
	return r;
}

long
sys_mlock(uint64_t addr, uint64_t len)
{
	return vm_lock_range(current()->mm, addr, len, true);
}

long
sys_munlock(uint64_t addr, uint64_t len)
{
	return vm_lock_range(current()->mm, addr, len, false);
}

long
sys_mlockall(int flags)
{
	if (!flags || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) ||
	    flags == MCL_ONFAULT)
		return -EINVAL;
	return vm_lock_all(current()->mm, flags);
}

long
sys_munlockall(void)
{
	return vm_unlock_all(current()->mm);
}
