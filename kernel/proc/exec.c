// SPDX-License-Identifier: MIT
/*
 * execve(): replace the calling process's program.
 *
 * The new program is built in a fresh address space while the old one
 * still runs, so every failure up to the "point of no return" leaves the
 * caller untouched with an errno:
 *
 *   1. copy argv and envp into the kernel (they live in the old address
 *      space, which is about to go);
 *   2. open the file; a "#!" line restarts the whole thing with the
 *      interpreter, the script path inserted into argv;
 *   3. check the ELF headers and map each PT_LOAD segment: file-backed
 *      private pages up to p_filesz (faulted in on first touch), zero-fill
 *      up to p_memsz (.bss);
 *   4. build the initial stack, as the System V x86-64 ABI lays it out:
 *
 *        high  [ strings: argv, envp, the exec path, "x86_64", 16 random bytes ]
 *              [ auxv: (type, value) pairs ending with AT_NULL             ]
 *              [ envp[0..n], NULL                                          ]
 *              [ argv[0..n], NULL                                          ]
 *        %rsp->[ argc                                                      ]  16-byte aligned
 *
 *   5. point of no return: switch to the new address space, drop the old,
 *      close close-on-exec files, reset caught signals, set credentials for
 *      setuid programs, and aim the saved user registers at the entry point.
 */
#include "proc/proc.h"
#include "proc/internal.h"
#include "proc/elf.h"
#include "proc/exec.h"
#include "syscall/syscall.h"
#include "arch/arch.h"
#include "arch/x86_64/trap.h"
#include "core/printk.h"
#include "fs/vfs.h"
#include "lib/string.h"
#include "mm/slab.h"
#include "mm/usercopy.h"
#include "mm/vm.h"
#include "uapi/errno.h"
#include "uapi/mman.h"

#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_BASE 7
#define AT_FLAGS 8
#define AT_ENTRY 9
#define AT_UID 11
#define AT_EUID 12
#define AT_GID 13
#define AT_EGID 14
#define AT_PLATFORM 15
#define AT_HWCAP 16
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_HWCAP2 26
#define AT_EXECFN 31

#define MAX_SCRIPT_DEPTH 4
#define S_ISUID 04000
#define S_ISGID 02000
#define S_IXGRP 00010

/* ---- argument collection ---- */

static int
args_append(struct exec_args *a, const char *s, size_t len)
{
	if (a->used + len + 1 > EXEC_ARGS_MAX)
		return -E2BIG;
	memcpy(a->buf + a->used, s, len);
	a->buf[a->used + len] = '\0';
	a->used += len + 1;
	return 0;
}

int
exec_args_init(struct exec_args *a)
{
	memset(a, 0, sizeof(*a));
	a->buf = kmalloc(EXEC_ARGS_MAX);
	a->execfn = kzalloc(EXEC_PATH_MAX);
	if (!a->buf || !a->execfn) {
		exec_args_free(a);
		return -ENOMEM;
	}
	return 0;
}

void
exec_args_free(struct exec_args *a)
{
	kfree(a->buf);
	kfree(a->execfn);
	a->buf = a->execfn = NULL;
}

int
exec_args_from_kernel(struct exec_args *a, char *const argv[], char *const envp[])
{
	int r = 0;

	for (; argv && *argv && !r; argv++, a->argc++)
		r = args_append(a, *argv, strlen(*argv));
	for (; envp && *envp && !r; envp++, a->envc++)
		r = args_append(a, *envp, strlen(*envp));
	return r;
}

/* Copy one NULL-terminated vector of user strings. */
static int
copy_user_vector(struct exec_args *a, const char *const *uvec, int *count)
{
	for (int i = 0; uvec; i++) {
		const char *us;
		long n;

		if (i >= EXEC_MAX_STRINGS)
			return -E2BIG;
		if (get_user(us, &uvec[i]))
			return -EFAULT;
		if (!us)
			break;
		if (a->used >= EXEC_ARGS_MAX)
			return -E2BIG;
		n = strncpy_from_user(a->buf + a->used, us, EXEC_ARGS_MAX - a->used);
		if (n == -ENAMETOOLONG)
			return -E2BIG;
		if (n < 0)
			return (int)n;
		a->used += n + 1;
		(*count)++;
	}
	return 0;
}

int
exec_args_from_user(struct exec_args *a, const char *const *uargv, const char *const *uenvp)
{
	int r = copy_user_vector(a, uargv, &a->argc);

	return r ? r : copy_user_vector(a, uenvp, &a->envc);
}

/* Pointer to string i of the buffer (argv first, then envp). */
static const char *
args_string(const struct exec_args *a, int i)
{
	const char *s = a->buf;

	while (i--)
		s += strlen(s) + 1;
	return s;
}

/* ---- #! scripts ---- */

/* Rewrite argv for "#!interp [arg]": interp [arg] script argv[1..]. */
static int
script_args(struct exec_args *a, const char *line, size_t len, const char *path,
	    char *interp, size_t interp_size)
{
	struct exec_args n;
	const char *p = line + 2, *end = line + len, *ia, *s;
	size_t il, al;
	int r, count = 0;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	for (il = 0; p + il < end && p[il] != ' ' && p[il] != '\t'; il++)
		;
	if (il == 0 || il >= interp_size)
		return -ENOEXEC;
	memcpy(interp, p, il);
	interp[il] = '\0';
	for (ia = p + il; ia < end && (*ia == ' ' || *ia == '\t'); ia++)
		;
	for (al = (size_t)(end - ia); al && (ia[al - 1] == ' ' || ia[al - 1] == '\t'); al--)
		;
	if ((r = exec_args_init(&n)))
		return r;
	strlcpy(n.execfn, a->execfn, EXEC_PATH_MAX);
	r = args_append(&n, interp, il);
	count++;
	if (!r && al) {
		r = args_append(&n, ia, al);
		count++;
	}
	if (!r) {
		r = args_append(&n, path, strlen(path));
		count++;
	}
	/* The old argv[0] is replaced by the script path; keep the rest. */
	s = a->buf;
	for (int i = 0; i < a->argc + a->envc && !r; i++, s += strlen(s) + 1)
		if (i > 0 || a->argc == 0)
			r = args_append(&n, s, strlen(s));
	if (r) {
		exec_args_free(&n);
		return r;
	}
	n.argc = count + (a->argc > 0 ? a->argc - 1 : 0);
	n.envc = a->envc;
	exec_args_free(a);
	*a = n;
	return 0;
}

/* ---- loading ---- */

static int
load_segments(struct mm *mm, struct file *f, const struct elf_info *ei, uint64_t bias)
{
	for (unsigned i = 0; i < ei->nloads; i++) {
		const struct elf_load *l = &ei->loads[i];
		uint64_t start = ALIGN_DOWN(l->vaddr, PAGE_SIZE) + bias;
		uint64_t fend = ALIGN_UP(l->vaddr + l->filesz, PAGE_SIZE) + bias;
		uint64_t mend = ALIGN_UP(l->vaddr + l->memsz, PAGE_SIZE) + bias;
		int prot = ((l->flags & PF_R) ? PROT_READ : 0) |
			   ((l->flags & PF_W) ? PROT_WRITE : 0) |
			   ((l->flags & PF_X) ? PROT_EXEC : 0);
		long r;

		if (l->filesz) {
			r = vm_map_file_private(mm, start, fend - start, prot, f,
						ALIGN_DOWN(l->offset, PAGE_SIZE),
						l->offset + l->filesz);
			if (r < 0)
				return (int)r;
		} else {
			fend = start;
		}
		if (mend > fend) {
			r = vm_mmap(mm, fend, mend - fend, prot,
				    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0);
			if (r < 0)
				return (int)r;
		}
	}
	return 0;
}

static uint64_t
cpu_hwcap(void)
{
	uint32_t a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	return d;
}

struct stack_builder {
	uint8_t *buf;          /* kernel copy of the top of the new stack */
	uint64_t top;          /* user address of buf's end */
	size_t size, used;     /* grows down from the end */
};

static uint64_t
push_bytes(struct stack_builder *sb, const void *data, size_t n)
{
	if (sb->used + n > sb->size)
		return 0;
	sb->used += n;
	memcpy(sb->buf + sb->size - sb->used, data, n);
	return sb->top - sb->used;
}

static int
build_stack(struct mm *mm, const struct exec_args *a, const struct elf_info *ei,
	    uint64_t bias, const char *execfn, bool secure, uint64_t *sp_out)
{
	struct stack_builder sb = { .top = mm->stack_top, .size = EXEC_ARGS_MAX + 8192 };
	const struct cred *c = current()->cred;
	uint64_t strs, execfn_u, plat_u, rand_u, sp, *vec;
	const char *s;
	uint64_t rnd[2] = { arch_cycles() * 0x9E3779B97F4A7C15ull, (uint64_t)a ^ arch_cycles() };
	size_t nptr, idx = 0;
	int r;

	sb.buf = kmalloc(sb.size);
	if (!sb.buf)
		return -ENOMEM;
	strs = push_bytes(&sb, a->buf, a->used);
	execfn_u = push_bytes(&sb, execfn, strlen(execfn) + 1);
	plat_u = push_bytes(&sb, "x86_64", 7);
	rand_u = push_bytes(&sb, rnd, sizeof(rnd));
	nptr = 1 + a->argc + 1 + a->envc + 1 + 2 * 19;
	sp = ALIGN_DOWN(sb.top - sb.used - nptr * 8, 16);
	if (!strs || !execfn_u || !rand_u || sb.top - sp > sb.size) {
		kfree(sb.buf);
		return -E2BIG;
	}
	vec = (uint64_t *)(sb.buf + sb.size - (sb.top - sp));
	vec[idx++] = a->argc;
	s = a->buf;
	for (int i = 0; i < a->argc + a->envc; i++) {
		vec[idx++] = strs + (uint64_t)(s - a->buf);
		s += strlen(s) + 1;
		if (i == a->argc - 1)
			vec[idx++] = 0;      /* end of argv */
	}
	if (a->argc == 0)
		vec[idx++] = 0;
	vec[idx++] = 0;              /* end of envp */
#define AUX(t, v) do { vec[idx++] = (t); vec[idx++] = (v); } while (0)
	AUX(AT_PHDR, ei->phdr_vaddr ? ei->phdr_vaddr + bias : 0);
	AUX(AT_PHENT, sizeof(struct elf64_phdr));
	AUX(AT_PHNUM, ei->phnum);
	AUX(AT_PAGESZ, PAGE_SIZE);
	AUX(AT_BASE, 0);
	AUX(AT_FLAGS, 0);
	AUX(AT_ENTRY, ei->entry + bias);
	AUX(AT_UID, c->uid);
	AUX(AT_EUID, c->euid);
	AUX(AT_GID, c->gid);
	AUX(AT_EGID, c->egid);
	AUX(AT_PLATFORM, plat_u);
	AUX(AT_HWCAP, cpu_hwcap());
	AUX(AT_HWCAP2, 0);
	AUX(AT_CLKTCK, 100);
	AUX(AT_SECURE, secure);
	AUX(AT_RANDOM, rand_u);
	AUX(AT_EXECFN, execfn_u);
	AUX(AT_NULL, 0);
#undef AUX
	mm->arg_start = strs;
	mm->arg_end = strs + (uint64_t)(args_string(a, a->argc) - a->buf);
	mm->env_start = mm->arg_end;
	mm->env_end = strs + a->used;
	r = vm_write_remote(mm, sp, sb.buf + sb.size - (sb.top - sp), sb.top - sp);
	kfree(sb.buf);
	*sp_out = sp;
	return r;
}

/* Map the stack VMA and the program; fills entry and sp. */
static int
build_image(struct mm *mm, struct file *f, const struct elf_info *ei,
	    const struct exec_args *a, const char *execfn, bool secure,
	    uint64_t *entry, uint64_t *sp)
{
	uint64_t bias = ei->type == ET_DYN ? USER_PIE_BASE - ei->min_vaddr : 0;
	long r;

	r = vm_mmap(mm, mm->stack_top - USER_STACK_SIZE, USER_STACK_SIZE,
		    PROT_READ | PROT_WRITE | (ei->exec_stack ? PROT_EXEC : 0),
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_GROWSDOWN, NULL, 0);
	if (r < 0)
		return (int)r;
	if ((r = load_segments(mm, f, ei, bias)))
		return (int)r;
	vm_brk_init(mm, ei->max_vaddr + bias);
	*entry = ei->entry + bias;
	return build_stack(mm, a, ei, bias, execfn, secure, sp);
}

static int
read_elf(struct file *f, struct elf_info *ei)
{
	uint8_t hdr[64];
	void *ph;
	uint64_t pos = 0;
	long n;
	int r;

	n = kernel_read(f, hdr, sizeof(hdr), &pos);
	if (n < 0)
		return (int)n;
	if ((r = elf_check_header(hdr, (size_t)n, ei)))
		return r;
	ph = kmalloc((size_t)ei->phnum * sizeof(struct elf64_phdr));
	if (!ph)
		return -ENOMEM;
	pos = ei->phoff;
	n = kernel_read(f, ph, (size_t)ei->phnum * sizeof(struct elf64_phdr), &pos);
	r = n < 0 ? (int)n : elf_parse_phdrs(ph, (size_t)n, ei);
	kfree(ph);
	if (!r && ei->has_interp)
		r = -ENOEXEC;   /* FIXME: dynamic executables need the interpreter loaded */
	return r;
}

/*
 * exec replaces the whole process, so the other threads must go first:
 * each is told to leave on its way back to user mode, and exec waits.
 */
static int
exec_stop_other_threads(struct proc *p)
{
	int r = 0;

	spin_lock(&proc_tree_lock);
	if (p->group_exit || p->exec_thread) {
		spin_unlock(&proc_tree_lock);
		return -EAGAIN;
	}
	if (p->nthreads > 1) {
		p->exec_thread = current();
		list_for_each(n, &p->threads) {
			struct proc_thread *o = list_entry(n, struct proc_thread, node);
			if (o->thread == current())
				continue;
			o->kill_for_exec = true;
			signal_recalc(o->thread);
			sched_wake_interruptible(o->thread);
		}
		while (p->nthreads > 1 && !p->group_exit)
			waitq_sleep(&p->exec_wait, &proc_tree_lock, 0, false);
		p->exec_thread = NULL;
		r = p->group_exit ? -EINTR : 0;
	}
	spin_unlock(&proc_tree_lock);
	return r;
}

/* Step 5: from here on the old program is gone. */
static void
commit_exec(struct proc *p, struct mm *mm, struct file *f, const char *path,
	    const struct file_exec_info *fi)
{
	struct thread *t = current();
	struct proc_thread *pt = pt_of(t);
	struct mm *old;
	const char *base = strrchr(path, '/');
	char *exe = kmalloc(512);

	/*
	 * did_exec goes with the new image, before close-on-exec descriptors
	 * close: a parent that sees one close (the usual way to learn that a
	 * child has exec'd) must already get EACCES from setpgid.
	 */
	spin_lock(&proc_tree_lock);
	old = p->mm;
	p->mm = mm;
	t->mm = mm;
	p->did_exec = true;
	spin_unlock(&proc_tree_lock);
	mm_activate(mm);
	if (old)
		mm_put(old);
	files_close_on_exec(p->files);
	signal_reset_on_exec(p);
	strlcpy(p->comm, base ? base + 1 : path, sizeof(p->comm));
	if (exe && file_path(f, exe, 512) == 0) {
		kfree(p->exe_path);
		p->exe_path = exe;
	} else {
		kfree(exe);
	}
	if ((fi->mode & S_ISUID) && !fi->nosuid_mount)
		p->cred.euid = p->cred.suid = p->cred.fsuid = fi->uid;
	if ((fi->mode & S_ISGID) && (fi->mode & S_IXGRP) && !fi->nosuid_mount)
		p->cred.egid = p->cred.sgid = p->cred.fsgid = fi->gid;
	pt->fs_base = pt->gs_base = 0;
	pt->altstack_sp = pt->altstack_size = 0;
	pt->altstack_flags = SS_DISABLE;
	pt->clear_child_tid = 0;
	pt->robust_list = 0;
	fpu_init_state(&pt->fpu);
	fpu_restore(&pt->fpu);
	arch_set_user_tls(0, 0);
	spin_lock(&proc_tree_lock);
	p->vfork_done = true;
	spin_unlock(&proc_tree_lock);
	waitq_wake_all(&p->vfork_wait);
}

/* Open path and read its first line or ELF header; handles "#!". */
static int
exec_file(struct exec_args *a, const char *path, struct trap_frame *tf, int depth)
{
	struct proc *p = current_proc();
	struct file *f = vfs_open_kernel(path, 0 /* O_RDONLY */, 0);
	struct file_exec_info fi;
	struct elf_info ei;
	struct mm *mm = NULL;
	uint64_t pos = 0, entry = 0, sp = 0;
	char head[256], interp[256];
	long n;
	int r;

	if (IS_ERR(f))
		return (int)PTR_ERR(f);
	if ((r = file_may_exec(f)) || (r = file_exec_info(f, &fi)))
		goto out;
	n = kernel_read(f, head, sizeof(head) - 1, &pos);
	if (n < 0) {
		r = (int)n;
		goto out;
	}
	if (n >= 2 && head[0] == '#' && head[1] == '!') {
		char *nl = memchr(head, '\n', (size_t)n);
		r = -ENOEXEC;
		if (depth < MAX_SCRIPT_DEPTH && (nl || n < (long)sizeof(head) - 1) &&
		    !(r = script_args(a, head, nl ? (size_t)(nl - head) : (size_t)n, path,
				      interp, sizeof(interp)))) {
			file_put(f);
			return exec_file(a, interp, tf, depth + 1);
		}
		goto out;
	}
	if ((r = read_elf(f, &ei)))
		goto out;
	if (!(mm = mm_create())) {
		r = -ENOMEM;
		goto out;
	}
	r = build_image(mm, f, &ei, a, a->execfn,
			(fi.mode & (S_ISUID | S_ISGID)) != 0 && !fi.nosuid_mount, &entry, &sp);
	if (!r)
		r = exec_stop_other_threads(p);
	if (r) {
		mm_put(mm);
		goto out;
	}
	commit_exec(p, mm, f, path, &fi);
	arch_user_frame_init(tf, entry, sp);
	current()->full_restore = true;
	r = 0;
out:
	file_put(f);
	return r;
}

int
do_execve_args(struct exec_args *a, const char *path, struct trap_frame *tf)
{
	int r;

	strlcpy(a->execfn, path, EXEC_PATH_MAX);
	r = exec_file(a, path, tf, 0);
	if (r == 0)
		pr_debug("exec: pid %d now runs %s\n", current_proc()->pid, path);
	return r;
}

int
do_execve(const char *path, char *const kargv[], char *const kenvp[], struct trap_frame *tf)
{
	struct exec_args a;
	int r;

	if ((r = exec_args_init(&a)))
		return r;
	r = exec_args_from_kernel(&a, kargv, kenvp);
	if (!r)
		r = do_execve_args(&a, path, tf);
	exec_args_free(&a);
	return r;
}

long
sys_execve(const char *upath, const char *const *uargv, const char *const *uenvp)
{
	struct exec_args a;
	char *path = kmalloc(EXEC_PATH_MAX);
	long r = path ? strncpy_from_user(path, upath, EXEC_PATH_MAX) : -ENOMEM;

	if (r >= 0 && !(r = exec_args_init(&a))) {
		r = exec_args_from_user(&a, uargv, uenvp);
		if (!r)
			r = do_execve_args(&a, path, syscall_user_frame());
		exec_args_free(&a);
	}
	kfree(path);
	return r;
}
