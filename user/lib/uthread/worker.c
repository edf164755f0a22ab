// SPDX-License-Identifier: MIT
/*
 * The kernel threads of M:N mode, made with clone(2) directly, the way a
 * thread library does it underneath pthread_create:
 *
 *	CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND
 *		share the address space, cwd/umask, the fd table and the
 *		signal handlers: everything a process owns;
 *	CLONE_THREAD | CLONE_SYSVSEM
 *		same thread group (one pid; exit_group ends all) and the same
 *		System V semaphore undo list;
 *	CLONE_SETTLS
 *		the new thread's thread pointer (the FS base);
 *	CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID
 *		the kernel writes the new tid into worker->tid, and at the
 *		thread's exit zeroes it and does a FUTEX_WAKE on it: that is
 *		how uthread_main() knows a worker's stack is no longer in use.
 *
 * The thread pointer.  On x86-64, %fs points at the thread control block
 * (TCB), whose first word points at itself; the program's thread-local
 * variables sit just below it, at offsets the linker fixed (TLS variant II).
 * Each worker gets its own block: a fresh copy of the PT_TLS image (found
 * through the auxiliary vector) below a zeroed TCB, so errno and every
 * _Thread_local variable, uth_cur included, are per worker.  The TCB also
 * keeps the stack-protector canary at %fs:0x28, copied from the caller.
 *
 * What the C library does not know: these threads are not pthreads.  musl
 * keeps its per-thread data in the TCB, which here is zeroed apart from the
 * locale (set through uselocale), and it does not lock malloc or stdio
 * while it believes the process has one thread.  So M:N user threads call
 * system calls and this library freely, and anything in the C library with
 * hidden shared state (malloc, stdio, strtok, ...) only under a uthread
 * mutex.  That is the notes' "user-space libraries must be rewritten to be
 * thread-safe", seen from the other side.
 *
 * Workers block every signal, so a process-directed signal goes to the
 * thread that called uthread_main().
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <locale.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

#define WORKER_STACK	(64 * 1024)
#define TCB_SIZE	1024	/* larger than any C library's thread struct */
#define FUTEX_WAIT	0

#define WORKER_CLONE_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | \
			    CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID |		\
			    CLONE_CHILD_CLEARTID)

/* The program's TLS image and where its block sits below the TCB. */
static struct {
	const char *image;
	size_t filesz;
	size_t offset;		/* from the block's start up to the TCB */
	size_t align;		/* of the TCB */
	int found;
} tls;

/*
 * The linker placed thread-local variables at (TCB - offset + their offset
 * in the image), where offset is the segment's size rounded so the block
 * keeps the segment's alignment relative to its virtual address.
 */
static void
tls_find(void)
{
	const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
	size_t n = getauxval(AT_PHNUM);
	const Elf64_Phdr *seg = NULL;
	uintptr_t bias = 0;

	for (size_t i = 0; ph && i < n; i++) {
		if (ph[i].p_type == PT_PHDR)
			bias = (uintptr_t)ph - ph[i].p_vaddr;	/* a position-independent binary */
		if (ph[i].p_type == PT_TLS)
			seg = &ph[i];
	}
	tls.align = 64;
	if (seg) {
		uintptr_t vaddr = bias + seg->p_vaddr;
		size_t align = seg->p_align ? seg->p_align : 1;

		tls.image = (const char *)vaddr;
		tls.filesz = seg->p_filesz;
		tls.offset = seg->p_memsz + ((-seg->p_memsz - vaddr) & (align - 1));
		if (align > tls.align)
			tls.align = align;
	}
	tls.found = 1;
}

static size_t
page_size(void)
{
	size_t p = getauxval(AT_PAGESZ);

	return p ? p : 4096;
}

/* A TLS block and TCB for w; returns the thread pointer, or NULL. */
static void *
tls_block(struct uth_worker *w)
{
	size_t len = (tls.offset + tls.align + TCB_SIZE + page_size() - 1) & ~(page_size() - 1);
	char *map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t tp, canary;

	if (map == MAP_FAILED)
		return NULL;
	tp = ((uintptr_t)map + tls.offset + tls.align - 1) & ~(uintptr_t)(tls.align - 1);
	memcpy((char *)tp - tls.offset, tls.image, tls.filesz);	/* .tbss stays zero */
	*(uintptr_t *)tp = tp;
	__asm__("movq %%fs:0x28, %0" : "=r"(canary));
	*(uintptr_t *)(tp + 0x28) = canary;
	w->tls_map = map;
	w->tls_len = len;
	return (void *)tp;
}

static int
worker_main(void *arg)
{
	struct uth_worker *w = arg;

	uth_cur = w;
	uselocale(LC_GLOBAL_LOCALE);
	uth_worker_loop(w);
	return 0;
}

static void
worker_free(struct uth_worker *w)
{
	if (w->stack_map)
		munmap(w->stack_map, w->stack_len);
	if (w->tls_map)
		munmap(w->tls_map, w->tls_len);
	w->stack_map = w->tls_map = NULL;
}

static int
worker_start(struct uth_worker *w)
{
	size_t page = page_size();
	void *tp;
	long r;

	w->stack_len = page + WORKER_STACK;
	w->stack_map = mmap(NULL, w->stack_len, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (w->stack_map == MAP_FAILED) {
		w->stack_map = NULL;
		return -errno;
	}
	if (mprotect(w->stack_map, page, PROT_NONE) < 0 || !(tp = tls_block(w))) {
		r = -errno;
		worker_free(w);
		return r;
	}
	r = uth_clone(WORKER_CLONE_FLAGS, (char *)w->stack_map + w->stack_len, &w->tid, &w->tid,
		      tp, worker_main, w);
	if (r < 0) {
		worker_free(w);
		return r;
	}
	return 0;
}

/* Start workers 1..n-1 (worker 0 is the caller).  On failure the ones
 * already running are left for uth_workers_wait(). */
int
uth_workers_start(int n)
{
	sigset_t all, old;
	int err = 0;

	if (!tls.found)
		tls_find();
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);	/* inherited by each clone */
	for (int i = 1; i < n && !err; i++)
		err = worker_start(&uth_rt.workers[i]);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return err;
}

/* Wait for every started worker to be gone, then free its memory.  The
 * kernel's wake at thread exit is a shared futex wake, so this waits with a
 * shared (not private) FUTEX_WAIT. */
void
uth_workers_wait(void)
{
	for (int i = 1; i < uth_rt.nworkers; i++) {
		struct uth_worker *w = &uth_rt.workers[i];
		int tid;

		if (!w->stack_map)
			continue;
		while ((tid = __atomic_load_n(&w->tid, __ATOMIC_ACQUIRE)) != 0)
			syscall(SYS_futex, &w->tid, FUTEX_WAIT, tid, NULL, NULL, 0);
		worker_free(w);
	}
}
