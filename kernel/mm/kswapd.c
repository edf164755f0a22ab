// SPDX-License-Identifier: MIT
/*
 * When to reclaim: watermarks, the reclaim thread (kswapd), and what an
 * allocation does when memory is short.
 *
 * Free memory is the allocator's free frames plus the page buffer (evicted
 * pages that still remember their contents, mm/pageout.c).  Three marks,
 * from the machine's size:
 *
 *   high   kswapd, once woken, evicts until free memory is back here;
 *   low    an allocation that leaves less than this wakes kswapd;
 *   min    user pages come from the allocator only above this; below it
 *          they are taken from the page buffer, and the last frames are
 *          left for the kernel (page tables, kernel stacks, slab).
 *
 * kswapd also keeps at least `low` frames in the allocator itself by
 * handing it the oldest buffered pages, so the buffer holds what lies
 * between the two.  Reclaiming ahead of need in one thread means a page
 * fault rarely waits for a disk write.
 *
 * A fault whose allocation fails returns -ENOMEM to vm_fault(), which drops
 * mm->lock (so that reclaim can take this address space's pages too) and
 * calls vm_wait_for_memory(): reclaim a batch directly; if nothing could
 * be freed, wake kswapd and sleep a little; after several fruitless rounds
 * ask the OOM killer for a victim and wait for it to exit.  The sleep is
 * interruptible, so the victim itself, if it is waiting here, leaves at
 * once with its SIGKILL.  The kernel never panics for lack of memory.
 */
#include "mm/pageout.h"
#include "mm/pmm.h"
#include "core/printk.h"
#include "sched/sched.h"
#include "sync/waitqueue.h"
#include "uapi/errno.h"

#define KSWAPD_BATCH     32
#define DIRECT_BATCH     32
#define OOM_AFTER_ROUNDS 8             /* fruitless waits before the OOM killer */
#define GIVE_UP_ROUNDS   1000          /* about 10 s of waiting for a victim to go */
#define WAIT_NS          10000000ull   /* 10 ms */

static uint64_t wm_min, wm_low, wm_high;          /* [I] pages */
static struct spinlock kswapd_lock = SPINLOCK_INIT("kswapd");
static struct waitq kswapd_wq = WAITQ_INIT(kswapd_wq);   /* kswapd sleeps here */
static struct waitq free_wq = WAITQ_INIT(free_wq);       /* allocations wait here */
static bool kswapd_awake;                          /* [kswapd_lock] */
static bool kswapd_running;
static int (*oom_killer)(void);
static unsigned (*shrinkers[VM_MAX_SHRINKERS])(unsigned);  /* [set once, before use] */
static unsigned nshrinkers;                                /* [kswapd_lock] to add */

int
vm_add_shrinker(unsigned (*shrink)(unsigned nr))
{
	int err = -ENOSPC;

	spin_lock(&kswapd_lock);
	if (nshrinkers < VM_MAX_SHRINKERS) {
		shrinkers[nshrinkers] = shrink;
		__atomic_store_n(&nshrinkers, nshrinkers + 1, __ATOMIC_RELEASE);
		err = 0;
	}
	spin_unlock(&kswapd_lock);
	return err;
}

static unsigned
shrink_caches(unsigned want)
{
	unsigned n = 0, count = __atomic_load_n(&nshrinkers, __ATOMIC_ACQUIRE);

	for (unsigned i = 0; i < count && n < want; i++)
		n += shrinkers[i](want - n);
	return n;
}

/*
 * One batch: half from the caches' clean pages (no I/O to give them up),
 * the rest from the replacement policy, which may write to swap; whatever
 * the policy could not find comes from the caches too.
 */
static unsigned
reclaim_batch(unsigned want)
{
	unsigned n = shrink_caches(want / 2);

	n += vm_reclaim_pages(want - n);
	if (n < want)
		n += shrink_caches(want - n);
	return n;
}

void
vm_set_oom_killer(int (*kill)(void))
{
	oom_killer = kill;
}

static uint64_t
free_now(void)
{
	return pmm_free_pages() + vm_standby_pages();
}

static bool
below_low(void)
{
	return free_now() < wm_low || pmm_free_pages() < wm_low / 2;
}

void
vm_kswapd_poke(void)
{
	if (!kswapd_running || !below_low() || READ_ONCE(kswapd_awake))
		return;
	spin_lock(&kswapd_lock);
	kswapd_awake = true;
	waitq_wake_all(&kswapd_wq);
	spin_unlock(&kswapd_lock);
}

void
vm_reclaim_swap_changed(void)
{
	vm_kswapd_poke();
}

paddr_t
vm_frame_alloc(void)
{
	paddr_t pa = 0;

	if (pmm_free_pages() > wm_min)
		pa = pmm_alloc(0);
	if (!pa)
		pa = vm_standby_take();
	vm_kswapd_poke();
	return pa;
}

/* Keep `low` frames in the allocator, from the oldest buffered pages. */
static void
refill_allocator(void)
{
	while (pmm_free_pages() < wm_low && vm_standby_release())
		;
}

/* One round of kswapd's work.  => whether it freed anything. */
static bool
balance(void)
{
	bool progress = false;

	refill_allocator();
	while (free_now() < wm_high) {
		unsigned n = reclaim_batch(KSWAPD_BATCH);

		__atomic_add_fetch(&vmr_stats.pgsteal_kswapd, n, __ATOMIC_RELAXED);
		refill_allocator();
		waitq_wake_all(&free_wq);
		if (n == 0)
			break;
		progress = true;
	}
	return progress;
}

static void
kswapd_main(void *arg)
{
	for (;;) {
		bool progress = balance();

		waitq_wake_all(&free_wq);
		spin_lock(&kswapd_lock);
		kswapd_awake = false;
		/* Nothing to do: sleep until poked.  Short and stuck: poll slowly. */
		if (!below_low())
			waitq_sleep(&kswapd_wq, &kswapd_lock, 0, false);
		else if (!progress)
			waitq_sleep(&kswapd_wq, &kswapd_lock, 100 * WAIT_NS, false);
		kswapd_awake = true;
		spin_unlock(&kswapd_lock);
		VMR_INC(kswapd_wakeups);
	}
}

void
vm_reclaim_start(void)
{
	struct pmm_stats st;

	pmm_stats(&st);
	wm_low = MAX(128ull, st.total_pages / 64);
	wm_high = wm_low * 2;
	wm_min = wm_low / 4;
	if (!thread_create_detached(kswapd_main, NULL, "kswapd"))
		pr_warn("reclaim: no kswapd thread; allocations reclaim by themselves\n");
	else
		kswapd_running = true;
	pr_info("reclaim: watermarks min %llu, low %llu, high %llu pages\n",
		(unsigned long long)wm_min, (unsigned long long)wm_low,
		(unsigned long long)wm_high);
}

static bool
memory_there(void)
{
	return pmm_free_pages() > wm_min || vm_standby_pages() > 0;
}

int
vm_wait_for_memory(void)
{
	return vm_wait_for_pages(DIRECT_BATCH);
}

int
vm_wait_for_pages(unsigned want)
{
	unsigned fruitless = 0;

	VMR_INC(allocstall);
	for (unsigned round = 0; round < GIVE_UP_ROUNDS; round++) {
		unsigned n;

		if (READ_ONCE(current()->sig_pending))
			return -EINTR;
		/*
		 * The failed allocation may be the kernel's (page tables, a
		 * stack), which the page buffer cannot serve: give the
		 * allocator frames, from the buffer or by evicting.
		 */
		n = reclaim_batch(want);
		__atomic_add_fetch(&vmr_stats.pgsteal_direct, n, __ATOMIC_RELAXED);
		for (unsigned i = 0; i < want && vm_standby_release(); i++)
			n++;
		if (n)
			return 0;
		vm_kswapd_poke();
		spin_lock(&kswapd_lock);
		waitq_sleep(&free_wq, &kswapd_lock, WAIT_NS, true);
		spin_unlock(&kswapd_lock);
		if (memory_there())
			return 0;
		if (++fruitless >= OOM_AFTER_ROUNDS) {
			int k = oom_killer ? oom_killer() : -ESRCH;

			if (k < 0)
				return -ENOMEM;
			if (k > 0)
				VMR_INC(oom_kills);
			fruitless = 0;
		}
	}
	return -ENOMEM;
}

uint64_t
vm_mm_footprint(const struct mm *mm)
{
	return READ_ONCE(mm->rss) + READ_ONCE(mm->swap_pages);
}
