// SPDX-License-Identifier: MIT
/*
 * ktests for priority inheritance (mutexes and PI futexes), rwlocks and
 * the lock-order checker.
 *
 * The inversion scenario runs every thread on one CPU, so that only
 * priorities decide who runs: L (FIFO 10) takes a mutex and computes
 * inside it; H (FIFO 30) then blocks on the mutex; M (FIFO 20), which
 * needs no lock, computes for 300 ms.  With inheritance L runs at 30 while
 * H waits, so the order of events is L unlocks, H gets the lock, M
 * finishes: H's wait is bounded by L's critical section.  Without it
 * (MUTEX_NO_PI) M keeps L off the CPU, and the order becomes M finishes,
 * L unlocks, H gets the lock: H waited for a thread of lower priority that
 * never touched its lock.  The orders are asserted, not the times.
 *
 * L computes until the orchestrator has seen H waiting and started M (the
 * `go` flag), and only then for a last 10 ms.  An earlier version let L
 * compute for a fixed 50 ms from the start; under an emulator on a busy
 * host the virtual CPU can be descheduled for longer than that while the
 * clock runs on, so L finished, H came and went, and the orchestrator,
 * polling for "H waits", waited for ever with every CPU idle.  A poll must
 * only ever wait for a state that, once reached, stays until it is seen.
 */
#include "core/ktest.h"
#include "core/ktests/sched_helpers.h"
#include "arch/arch.h"
#include "mm/usercopy.h"
#include "mm/vm.h"
#include "proc/futex.h"
#include "proc/syscalls.h"
#include "sched/sched.h"
#include "sync/lockdep.h"
#include "sync/mutex.h"
#include "sync/rwlock.h"
#include "uapi/errno.h"
#include "uapi/mman.h"

#define MS 1000000ull

static struct {
	struct mutex m;
	volatile int seq, l_locked, go, l_unlock, h_got, m_done;
} inv;

static void
inv_low(void *arg)
{
	mutex_lock(&inv.m);
	inv.l_locked = 1;
	while (!inv.go)             /* computing, never sleeping: it needs the CPU */
		arch_cpu_relax();
	kt_burn_cpu(10 * MS);
	inv.l_unlock = kt_event(&inv.seq);
	mutex_unlock(&inv.m);
}

/* Sleep-poll until *flag is set; false after about 10 s (a lost thread). */
static bool
kt_wait_flag(volatile int *flag)
{
	for (int i = 0; i < 10000 && !*flag; i++)
		sched_sleep_ns(MS, false);
	return *flag;
}

static void
inv_high(void *arg)
{
	mutex_lock(&inv.m);
	inv.h_got = kt_event(&inv.seq);
	mutex_unlock(&inv.m);
}

static void
inv_medium(void *arg)
{
	kt_burn_cpu(300 * MS);
	inv.m_done = kt_event(&inv.seq);
}

/* Run the scenario; => L's effective priority while H waited, or -1. */
static int
run_inversion(bool pi)
{
	uint64_t cpu = 1ull << kt_test_cpu();
	struct thread *l, *h, *m;
	struct sched_thread_info info;

	mutex_init_flags(&inv.m, "ktest_inversion", pi ? 0 : MUTEX_NO_PI);
	inv.seq = inv.l_locked = inv.go = inv.l_unlock = inv.h_got = inv.m_done = 0;
	/* We orchestrate from the same CPU, above everyone. */
	sched_set_affinity(current(), cpu);
	sched_setscheduler(current(), SCHED_POLICY_FIFO, 50);
	l = kt_spawn(inv_low, NULL, "L", SCHED_POLICY_FIFO, 10, cpu);
	if (l && !kt_wait_flag(&inv.l_locked))
		printk(KERN_ERR "ktest:   L never took the mutex\n");
	h = kt_spawn(inv_high, NULL, "H", SCHED_POLICY_FIFO, 30, cpu);
	/* H waits until L is told to go on: this state cannot come and go unseen. */
	for (int i = 0; h && i < 10000 && !mutex_has_waiters(&inv.m); i++)
		sched_sleep_ns(MS, false);
	if (l)
		sched_thread_info(l, &info);
	m = kt_spawn(inv_medium, NULL, "M", SCHED_POLICY_FIFO, 20, cpu);
	inv.go = 1;
	if (m)
		thread_join(m);
	if (h)
		thread_join(h);
	if (l)
		thread_join(l);
	kt_restore_self();
	return l && h && m ? info.eff_rt_prio : -1;
}

KTEST(sync_pi_bounds_high_wait, "PI: L inherits H's priority, so M cannot delay H (order L, H, M)")
{
	int lent = run_inversion(true);

	printk("ktest:   events: L unlock %d, H got %d, M done %d\n", inv.l_unlock, inv.h_got,
	       inv.m_done);
	KT_EQ(lent, 30);
	KT_ASSERT(inv.l_unlock < inv.h_got && inv.h_got < inv.m_done);
	return 0;
}

KTEST(sync_no_pi_shows_inversion, "without PI the medium thread runs first (order M, L, H): inversion")
{
	int lent = run_inversion(false);

	printk("ktest:   events: M done %d, L unlock %d, H got %d\n", inv.m_done, inv.l_unlock,
	       inv.h_got);
	KT_EQ(lent, 10);
	KT_ASSERT(inv.m_done < inv.l_unlock && inv.l_unlock < inv.h_got);
	return 0;
}

/* A chain: H waits for m2, held by K, which waits for m1, held by L. */
static struct mutex chain_m1 = MUTEX_INIT(chain_m1), chain_m2 = MUTEX_INIT(chain_m2);
static volatile int chain_l_locked, chain_k_locked, chain_release;

static void
chain_low(void *arg)
{
	mutex_lock(&chain_m1);
	chain_l_locked = 1;
	while (!chain_release)
		sched_sleep_ns(MS, false);
	mutex_unlock(&chain_m1);
}

static void
chain_mid(void *arg)
{
	mutex_lock(&chain_m2);
	chain_k_locked = 1;
	mutex_lock(&chain_m1);
	mutex_unlock(&chain_m1);
	mutex_unlock(&chain_m2);
}

static void
chain_high(void *arg)
{
	mutex_lock(&chain_m2);
	mutex_unlock(&chain_m2);
}

KTEST(sync_pi_chain, "PI follows a chain: H -> m2 (K) -> m1 (L) raises both K and L, and ends after")
{
	struct thread *l, *k, *h;
	struct sched_thread_info li, ki;

	chain_l_locked = chain_k_locked = chain_release = 0;
	l = kt_spawn(chain_low, NULL, "chainL", SCHED_POLICY_NORMAL, 0, ~0ull);
	KT_ASSERT(l);
	while (!chain_l_locked)
		sched_sleep_ns(MS, false);
	k = kt_spawn(chain_mid, NULL, "chainK", SCHED_POLICY_FIFO, 5, ~0ull);
	KT_ASSERT(k);
	while (!chain_k_locked || !mutex_has_waiters(&chain_m1))
		sched_sleep_ns(MS, false);
	h = kt_spawn(chain_high, NULL, "chainH", SCHED_POLICY_FIFO, 40, ~0ull);
	KT_ASSERT(h);
	while (!mutex_has_waiters(&chain_m2))
		sched_sleep_ns(MS, false);
	sched_thread_info(l, &li);
	sched_thread_info(k, &ki);
	chain_release = 1;
	thread_join(h);
	thread_join(k);
	thread_join(l);
	KT_EQ(ki.eff_rt_prio, 40);
	KT_EQ(li.eff_rt_prio, 40);
	KT_EQ(li.policy, SCHED_POLICY_NORMAL);   /* the base stays what it was */
	return 0;
}

/* rwlock: readers share, a waiting writer keeps new readers out. */
static struct rwlock rw;
static volatile int rw_seq, rw_inside, rw_max_inside, rw_w_got, rw_r2_got, rw_r1_go, rw_overlap;

static void
rw_reader1(void *arg)
{
	rw_read_lock(&rw);
	__atomic_add_fetch(&rw_inside, 1, __ATOMIC_SEQ_CST);
	while (!rw_r1_go)
		sched_sleep_ns(MS, false);
	__atomic_sub_fetch(&rw_inside, 1, __ATOMIC_SEQ_CST);
	rw_read_unlock(&rw);
}

static void
rw_writer(void *arg)
{
	rw_write_lock(&rw);
	rw_w_got = kt_event(&rw_seq);
	if (rw_inside)
		rw_overlap = 1;
	rw_write_unlock(&rw);
}

static void
rw_reader2(void *arg)
{
	rw_read_lock(&rw);
	rw_r2_got = kt_event(&rw_seq);
	rw_read_unlock(&rw);
}

KTEST(sync_rwlock_writer_preference, "rwlock: readers share; a waiting writer goes before a later reader")
{
	struct thread *r1, *r1b, *w, *r2;

	rwlock_init(&rw, "ktest_rw");
	rw_seq = rw_inside = rw_max_inside = rw_w_got = rw_r2_got = rw_r1_go = rw_overlap = 0;
	r1 = thread_create(rw_reader1, NULL, "reader1");
	r1b = thread_create(rw_reader1, NULL, "reader1b");
	KT_ASSERT(r1 && r1b);
	while (rw_inside < 2)                 /* both readers inside at once */
		sched_sleep_ns(MS, false);
	rw_max_inside = rw_inside;
	w = thread_create(rw_writer, NULL, "writer");
	KT_ASSERT(w);
	sched_sleep_ns(10 * MS, false);       /* the writer is waiting now */
	r2 = thread_create(rw_reader2, NULL, "reader2");
	KT_ASSERT(r2);
	sched_sleep_ns(10 * MS, false);
	KT_EQ(rw_w_got, 0);                   /* readers still inside: nobody else got in */
	KT_EQ(rw_r2_got, 0);                  /* the late reader waits behind the writer */
	rw_r1_go = 1;
	thread_join(r1);
	thread_join(r1b);
	thread_join(w);
	thread_join(r2);
	KT_EQ(rw_max_inside, 2);
	KT_EQ(rw_overlap, 0);
	KT_ASSERT(rw_w_got && rw_w_got < rw_r2_got);
	return 0;
}

/* Two locks taken in both orders: the second order must be reported. */
static struct spinlock order_a = SPINLOCK_INIT("ktest_order_a");
static struct spinlock order_b = SPINLOCK_INIT("ktest_order_b");
static struct mutex ktest_order_m1 = MUTEX_INIT(ktest_order_m1);
static struct mutex ktest_order_m2 = MUTEX_INIT(ktest_order_m2);
static struct mutex ktest_order_m3 = MUTEX_INIT(ktest_order_m3);

static void
take_two_spin(struct spinlock *x, struct spinlock *y)
{
	spin_lock(x);
	spin_lock(y);
	spin_unlock(y);
	spin_unlock(x);
}

static void
take_two_mutex(struct mutex *x, struct mutex *y)
{
	mutex_lock(x);
	mutex_lock(y);
	mutex_unlock(y);
	mutex_unlock(x);
}

KTEST(sync_lockdep_reports_inversion, "the lock-order checker reports A-then-B after B-then-A, once")
{
	KT_ASSERT(LOCKDEP_ENABLED);
	KT_EQ(lockdep_take_reports(), 0);
	take_two_spin(&order_a, &order_b);
	KT_EQ(lockdep_take_reports(), 0);
	take_two_spin(&order_b, &order_a);          /* the inversion */
	KT_EQ(lockdep_take_reports(), 1);
	take_two_spin(&order_b, &order_a);          /* known: not reported again */
	KT_EQ(lockdep_take_reports(), 0);
	/* A cycle through three sleeping locks: m1 -> m2 -> m3, then m3 -> m1. */
	take_two_mutex(&ktest_order_m1, &ktest_order_m2);
	take_two_mutex(&ktest_order_m2, &ktest_order_m3);
	KT_EQ(lockdep_take_reports(), 0);
	take_two_mutex(&ktest_order_m3, &ktest_order_m1);
	KT_EQ(lockdep_take_reports(), 1);
	return 0;
}

/*
 * PI futexes driven from kernel threads given a user address space: the
 * owner takes the word in "user space" (cmpxchg 0 -> tid), a FIFO 30
 * waiter's FUTEX_LOCK_PI marks it contended and lends the owner priority
 * 30, and the owner's FUTEX_UNLOCK_PI hands the lock to the waiter.
 */
#define FX_ADDR 0x10000000ull
#define FX_OP(cmd) ((cmd) | 128)        /* FUTEX_PRIVATE_FLAG */

static struct mm *fx_mm;
static struct thread *fx_known[2];
static volatile int fx_owner_locked, fx_release, fx_unlock_r = 1, fx_lock_r = 1;
static volatile int fx_owner_prio_after, fx_fast_unlock_ok;
static volatile uint32_t fx_word_seen;

static struct thread *
fx_lookup(int tid)
{
	for (int i = 0; i < 2; i++)
		if (fx_known[i] && fx_known[i]->tid == tid)
			return fx_known[i];
	return NULL;
}

static void
fx_enter(void)
{
	current()->mm = fx_mm;
	mm_activate(fx_mm);
}

static void
fx_leave(void)
{
	current()->mm = NULL;
	mm_activate(NULL);
}

static long
fx_call(int cmd)
{
	return sys_futex((uint32_t *)FX_ADDR, FX_OP(cmd), 0, NULL, NULL, 0);
}

static void
fx_owner(void *arg)
{
	uint32_t zero = 0;

	fx_enter();
	if (cmpxchg_user32((uint32_t *)FX_ADDR, &zero, (uint32_t)current()->tid) == 0)
		fx_owner_locked = 1;
	while (!fx_release)
		sched_sleep_ns(MS, false);
	fx_unlock_r = (int)fx_call(7);          /* FUTEX_UNLOCK_PI */
	fx_owner_prio_after = current()->se.rt_prio;
	fx_leave();
}

static void
fx_waiter(void *arg)
{
	uint32_t me = (uint32_t)current()->tid, w;

	fx_enter();
	fx_lock_r = (int)fx_call(6);            /* FUTEX_LOCK_PI */
	if (get_user(w, (uint32_t *)FX_ADDR) == 0)
		fx_word_seen = w;
	/* Nobody else waits, so user space can release it without the kernel. */
	fx_fast_unlock_ok = cmpxchg_user32((uint32_t *)FX_ADDR, &me, 0) == 0;
	fx_leave();
}

KTEST(futex_pi_lends_and_hands_over, "PI futex: a waiter lends the owner its priority, UNLOCK_PI hands over")
{
	struct thread *o, *h;
	struct sched_thread_info oi;
	uint32_t word = 0, h_tid;

	fx_mm = mm_create();
	KT_ASSERT(fx_mm);
	KT_EQ(vm_mmap(fx_mm, FX_ADDR, PAGE_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0), (long)FX_ADDR);
	fx_owner_locked = fx_release = 0;
	fx_unlock_r = fx_lock_r = 1;
	fx_word_seen = 0;
	futex_pi_set_owner_lookup(fx_lookup);
	fx_enter();
	o = thread_prepare(fx_owner, NULL, "fxowner", false);
	h = thread_prepare(fx_waiter, NULL, "fxwaiter", false);
	KT_ASSERT(o && h);
	fx_known[0] = o;
	fx_known[1] = h;
	sched_setscheduler(o, SCHED_POLICY_FIFO, 10);
	sched_setscheduler(h, SCHED_POLICY_FIFO, 30);
	thread_start_running(o);
	while (!fx_owner_locked)
		sched_sleep_ns(MS, false);
	KT_EQ(fx_call(8), -EWOULDBLOCK);        /* FUTEX_TRYLOCK_PI on a held lock */
	KT_EQ(fx_call(7), -EPERM);              /* only the owner may unlock */
	h_tid = (uint32_t)h->tid;
	thread_start_running(h);
	while (get_user(word, (uint32_t *)FX_ADDR) == 0 && !(word & 0x80000000u))
		sched_sleep_ns(MS, false);
	sched_sleep_ns(5 * MS, false);          /* let it queue behind the word */
	sched_thread_info(o, &oi);
	fx_release = 1;
	thread_join(o);
	thread_join(h);
	KT_EQ(get_user(word, (uint32_t *)FX_ADDR), 0);
	fx_leave();
	futex_pi_set_owner_lookup(NULL);
	fx_known[0] = fx_known[1] = NULL;
	mm_put(fx_mm);
	KT_EQ(oi.eff_rt_prio, 30);              /* lent while the waiter waited */
	KT_EQ(fx_owner_prio_after, 10);         /* and given back at unlock */
	KT_EQ(fx_unlock_r, 0);
	KT_EQ(fx_lock_r, 0);
	KT_EQ(fx_word_seen, h_tid);         /* its tid, no waiters bit */
	KT_ASSERT(fx_fast_unlock_ok);
	KT_EQ(word, 0);
	return 0;
}
