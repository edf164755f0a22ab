/* SPDX-License-Identifier: MIT */
/*
 * User address spaces.
 *
 * A process's address space (struct mm) is its own page tables plus a set of
 * virtual memory areas (VMAs): non-overlapping ranges with one protection
 * and one kind of backing each (anonymous memory, or a file).  VMAs sit in
 * an AVL tree ordered by address, so finding the one containing an address
 * is O(log n).  Pages are filled in lazily by the fault path (mm/fault.c):
 * a VMA costs nothing until it is touched.
 *
 * Locks: [m] mm->lock (a sleeping mutex: faults may allocate and read
 * files), [a] atomic.  Lock order: mm->lock before the frame allocator and
 * before any file-system lock taken by a file fault.
 */
#pragma once

#include "lib/compiler.h"
#include "lib/avl.h"
#include "sync/mutex.h"
#include "arch/x86_64/pcid.h"

/* Protection bits: the same values as PROT_READ/WRITE/EXEC. */
#define VM_READ   0x1
#define VM_WRITE  0x2
#define VM_EXEC   0x4
#define VM_PROT_MASK 0x7

/* VMA kinds and properties. */
#define VM_SHARED    0x010   /* writes are seen by every mapper */
#define VM_GROWSDOWN 0x020   /* a stack: grows down on faults just below */
#define VM_LOCKED    0x040   /* mlock: never evicted */
#define VM_STACK     0x080   /* the main thread's stack ([stack]) */
#define VM_HEAP      0x100   /* the brk area ([heap]) */
#define VM_NORESERVE 0x200

struct file;

struct vma {
	struct avl_node node;      /* [m] in mm->vmas, by start */
	uint64_t start, end;       /* [m] [start, end), page aligned */
	uint32_t prot;             /* [m] VM_READ | VM_WRITE | VM_EXEC */
	uint32_t flags;            /* [m] VM_SHARED, VM_GROWSDOWN, ... */
	struct file *file;         /* [m] backing file, or NULL: anonymous */
	uint64_t pgoff;            /* [m] file offset of start, in pages */
	uint64_t file_limit;       /* [m] file bytes at or past this offset read as 0 */
};

struct mm {
	struct mutex lock;
	struct list_node all_node;  /* [mm_list_lock] every address space, for swapoff */
	paddr_t pml4;              /* [I] */
	struct avl_tree vmas;      /* [m] */
	int users;                 /* [a] threads and other holders */
	uint64_t brk_start, brk;   /* [m] the heap: [brk_start, brk) */
	uint64_t mmap_top;         /* [m] mmap() searches below this */
	uint64_t stack_top;        /* [m] */
	uint64_t rss;              /* [m] resident pages */
	uint64_t swap_pages;       /* [m] PTEs holding swap entries */
	uint32_t def_flags;        /* [m] added to new VMAs: VM_LOCKED after mlockall(MCL_FUTURE) */
	uint64_t arg_start, arg_end, env_start, env_end;  /* [m] for /proc */
	bool membarrier_private;   /* [a] membarrier(REGISTER_PRIVATE_EXPEDITED) was called */
	struct tlb_ctx tlb;        /* its tag in the TLB (arch/x86_64/pcid.c) */
};

/* Default layout (Linux's, without randomization). */
#define USER_STACK_TOP   0x00007FFFFFFFF000ull
#define USER_STACK_SIZE  (8ull << 20)
#define USER_MMAP_TOP    0x00007FFFF0000000ull
#define USER_PIE_BASE    0x0000555555554000ull
#define USER_MIN_ADDR    0x10000ull           /* mmap_min_addr: no page 0 */

struct mm *mm_create(void) __must_check;
void mm_get(struct mm *mm);
/* A reference unless the last one is already gone (mm being destroyed). */
bool mm_tryget(struct mm *mm);
void mm_put(struct mm *mm);
/* A copy-on-write duplicate, for fork().  NULL on no memory. */
struct mm *mm_fork(struct mm *parent) __must_check;
/* Load mm's page tables on this CPU (NULL: kernel tables only). */
void mm_activate(struct mm *mm);
/* For a context switch: like mm_activate, but a kernel thread (NULL) keeps
 * whatever address space is loaded (see vm.c, "Lazy address spaces"). */
void mm_activate_lazy(struct mm *mm);

/* flags are Linux's MAP_* bits.  => address, or -errno. */
long vm_mmap(struct mm *mm, uint64_t addr, uint64_t len, int prot, int flags,
	     struct file *file, uint64_t off);
int vm_munmap(struct mm *mm, uint64_t addr, uint64_t len);
int vm_mprotect(struct mm *mm, uint64_t addr, uint64_t len, int prot);
long vm_mremap(struct mm *mm, uint64_t old, uint64_t old_len, uint64_t new_len, int flags,
	       uint64_t new_addr);
int vm_madvise(struct mm *mm, uint64_t addr, uint64_t len, int advice);
int vm_mincore(struct mm *mm, uint64_t addr, uint64_t len, uint8_t *vec);
int vm_lock_range(struct mm *mm, uint64_t addr, uint64_t len, bool lock);
/* mlockall (MCL_CURRENT, MCL_FUTURE) and munlockall. */
int vm_lock_all(struct mm *mm, int flags);
int vm_unlock_all(struct mm *mm);
/* => the new break, or the old one if the request cannot be met. */
uint64_t vm_brk(struct mm *mm, uint64_t newbrk);
/* Set up [brk_start, brk) right after the program's last segment. */
void vm_brk_init(struct mm *mm, uint64_t start);

/* Fault-path entry; access is a mask of VM_READ/VM_WRITE/VM_EXEC. */
#define VM_FAULT_FORCE 0x1000      /* the kernel writing a read-only mapping (exec) */
/* => 0, -EFAULT (no mapping: SEGV_MAPERR), -EACCES (SEGV_ACCERR), -ENOMEM */
int vm_fault(struct mm *mm, uint64_t addr, unsigned access);
/* Write kernel data into another address space (exec builds the new one). */
int vm_write_remote(struct mm *mm, uint64_t uaddr, const void *src, size_t n);
/* Read another address space's memory (procfs: cmdline, environ). */
int vm_read_remote(struct mm *mm, uint64_t uaddr, void *dst, size_t n);

/* Look up the VMA containing addr.  => mm->lock held. */
struct vma *vma_find(struct mm *mm, uint64_t addr);
/* Fault in every page of [addr, addr + len) (MAP_POPULATE, mlock). */
void vm_populate(struct mm *mm, uint64_t addr, uint64_t len);
/* The same, reporting the first failure: -ENOMEM, -EINTR, -EIO. */
int vm_populate_range(struct mm *mm, uint64_t addr, uint64_t len);
/*
 * Map part of a file privately, with bytes at or past file_limit reading as
 * zero (an ELF segment's data ends mid-page).  => address or -errno.
 */
long vm_map_file_private(struct mm *mm, uint64_t addr, uint64_t len, int prot,
			 struct file *file, uint64_t off, uint64_t file_limit);

/*
 * What the fault path needs from the file system, which sits above mm/.
 * readpage fills one page at byte offset off; bytes past the end of the
 * file read as zero.
 */
struct vm_file_ops {
	int (*readpage)(struct file *f, uint64_t off, void *page);
	/* The file's own frame at off, referenced, for shared mappings. */
	int (*getpage)(struct file *f, uint64_t off, paddr_t *pa);
	/*
	 * The file's cached frame at off, referenced, for a private mapping
	 * to read: it fills no hole and dirties nothing.  -ENODATA: not
	 * offered (a hole, or a file system without it): copy the page.
	 */
	int (*getpage_ro)(struct file *f, uint64_t off, paddr_t *pa);
	void (*get)(struct file *f);
	void (*put)(struct file *f);
};
void vm_set_file_ops(const struct vm_file_ops *ops);

/* Route page faults on user addresses to vm_fault(). */
void vm_trap_init(void);

/* The shared read-only zero page (zero-fill on demand). */
paddr_t vm_zero_page(void);
void vm_init(void);

/*
 * Page reclaim (mm/pageout.c, mm/kswapd.c).  keel.reclaim= names the
 * replacement policy; vm_reclaim_start() starts the reclaim thread.
 */
void vm_reclaim_init(const char *policy_name);
void vm_reclaim_start(void);
const char *vm_reclaim_policy_name(void);
struct reclaim_stats;
void vm_reclaim_get_stats(struct reclaim_stats *st);
/*
 * The process layer's OOM killer: kill the process using the most memory
 * (never init).  => 1 killed one, 0 one is already dying (wait for it),
 * -ESRCH nobody to kill.
 */
void vm_set_oom_killer(int (*kill)(void));
/* Pages an address space holds, in memory and in swap (for the OOM killer). */
uint64_t vm_mm_footprint(const struct mm *mm);

/*
 * The page cache's side of reclaim.  An owner whose cached pages may be
 * taken sets page->owner to a structure that starts with struct
 * vm_cache_owner and registers each page with vm_cache_page_add(): the page
 * joins the replacement policy, and its shared mappings are reverse-mapped.
 * When the policy chooses it, reclaim locks it (PG_LOCKED), unmaps it from
 * every process, calls writeback() if it is dirty (PG_DIRTY or a dirty
 * PTE), then drop(), after which the owner no longer reaches the page and
 * has given up its reference; reclaim then frees the frame.  Either
 * callback may fail (-EBUSY, -EIO): the page stays.  Callbacks run with no
 * lock held and may sleep.  The owner calls vm_cache_page_remove() before
 * freeing a page itself (truncate); ramfs registers nothing, as its pages
 * are the only copy of the data.
 */
struct page;
struct vm_cache_ops {
	int (*writeback)(struct page *p);
	int (*drop)(struct page *p);
};
struct vm_cache_owner {
	const struct vm_cache_ops *ops;
};
void vm_cache_page_add(struct page *p);
void vm_cache_page_remove(struct page *p);

/*
 * A cache that keeps its pages outside the replacement policy (the file
 * systems' page cache, kernel/fs/pcache.c) offers them through a shrinker:
 * shrink(nr) frees up to nr clean, unused pages and says how many.  It is
 * called from kswapd and from allocations that wait for memory, with no
 * lock held, and must not sleep.  Up to VM_MAX_SHRINKERS; => 0 or -ENOSPC.
 */
#define VM_MAX_SHRINKERS 4
int vm_add_shrinker(unsigned (*shrink)(unsigned nr));

/* Reclaim's counters and the state of memory, for /proc/vmstat and /proc/meminfo. */
struct vm_reclaim_stats {
	uint64_t pgfault, pgmajfault;
	uint64_t pswpin, pswpout;
	uint64_t rescues;          /* faults that found their page in the page buffer */
	uint64_t swapcache_hits;   /* swap-ins served by a page already in memory */
	uint64_t dropped_clean;    /* clean pages dropped, not written (file copies, cache) */
	uint64_t pgsteal_kswapd, pgsteal_direct;
	uint64_t pgscan;           /* victims examined */
	uint64_t referenced;       /* victims spared for a set accessed bit */
	uint64_t kswapd_wakeups;
	uint64_t allocstall;       /* allocations that had to reclaim or wait */
	uint64_t oom_kills;
	uint64_t swap_io_errors;
	/* A snapshot, filled by vm_reclaim_counters(): */
	uint64_t resident;         /* pages the policy holds */
	uint64_t standby;          /* pages in the page buffer */
	uint64_t swapcache;        /* pages in the swap cache */
	uint64_t mlocked;          /* resident pages pinned by mlock */
	uint64_t ghost_hits;       /* re-faults the policy remembered (ARC, CAR, CART) */
};
void vm_reclaim_counters(struct vm_reclaim_stats *out);

struct vm_stats {
	uint64_t zero_fill_faults;  /* first touches served by the zero page or a new frame */
	uint64_t cow_faults;        /* copies made on write */
	uint64_t cow_reuses;        /* last sharer wrote: no copy */
};
extern struct vm_stats vm_stats;
