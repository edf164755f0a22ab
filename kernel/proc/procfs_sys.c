// SPDX-License-Identifier: MIT
/*
 * System-wide /proc files: memory, CPUs, uptime and load, mounts, file
 * systems, and the kernel's version, in the formats free, top, uptime, df
 * and mount read.
 */
#include "proc/procfs.h"
#include "proc/proc.h"
#include "arch/arch.h"
#include "arch/x86_64/clock.h"
#include "arch/x86_64/trap.h"
#include "block/bcache.h"
#include "block/blk.h"
#include "fs/vfs.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/pmm.h"
#include "mm/slab.h"
#include "mm/swap.h"
#include "mm/vm.h"
#include "sched/sched.h"
#include "sched/timer.h"
#include "sched/loadavg.h"
#include "sched/hung.h"
#include "uapi/stat.h"
#include "mm/kmap.h"
#include "proc/internal.h"

static int
show_meminfo(struct seqbuf *sb, int pid)
{
	struct pmm_stats st;
	struct kmalloc_stats ks;
	struct vm_reclaim_stats vmi;
	unsigned long long total, free, slab, empty;
	uint64_t swap_total, swap_free;

	pmm_stats(&st);
	kmalloc_stats(&ks);
	vm_reclaim_counters(&vmi);
	swap_totals(&swap_total, &swap_free);
	total = st.total_pages * 4;
	free = st.free_pages * 4;
	slab = (ks.slab_pages + ks.large_pages) * 4;
	empty = ks.empty_pages * 4;   /* slab pages kept for reuse: reclaimable */
	return seq_printf(sb,
		"MemTotal:       %8llu kB\nMemFree:        %8llu kB\nMemAvailable:   %8llu kB\n"
		"Buffers:               0 kB\nCached:                0 kB\nSwapCached:     %8llu kB\n"
		"Active:                0 kB\nInactive:              0 kB\n"
		"Mlocked:        %8llu kB\n"
		"SwapTotal:      %8llu kB\nSwapFree:       %8llu kB\n"
		"Dirty:                 0 kB\nWriteback:             0 kB\n"
		"AnonPages:      %8llu kB\nPageBuffer:     %8llu kB\n"
		"Shmem:                 0 kB\nSlab:           %8llu kB\n"
		"SReclaimable:   %8llu kB\nSUnreclaim:     %8llu kB\n"
		"KernelStack:    %8llu kB\nKvaPageTables:  %8llu kB\n"
		"ZeroFillFaults: %8llu\nCowFaults:      %8llu\nCowReuses:      %8llu\n",
		total, free, free + empty + (unsigned long long)vmi.standby * 4, (unsigned long long)vmi.swapcache * 4,
		(unsigned long long)vmi.mlocked * 4, (unsigned long long)swap_total * 4,
		(unsigned long long)swap_free * 4, (unsigned long long)vmi.resident * 4,
		(unsigned long long)vmi.standby * 4, slab, empty, slab - empty,
		(unsigned long long)sched_nr_threads() * (KSTACK_SIZE / 1024),
		(unsigned long long)kva_page_table_pages() * 4,
		(unsigned long long)vm_stats.zero_fill_faults,
		(unsigned long long)vm_stats.cow_faults,
		(unsigned long long)vm_stats.cow_reuses);
}

/* Linux's names where Linux has the counter; rescues and the policy are Keel's. */
static int
show_vmstat(struct seqbuf *sb, int pid)
{
	struct vm_reclaim_stats c;
	struct pmm_stats st;

	vm_reclaim_counters(&c);
	pmm_stats(&st);
#define U(x) (unsigned long long)(x)
	return seq_printf(sb,
		"nr_free_pages %llu\nnr_anon_pages %llu\nnr_swapcached %llu\n"
		"nr_page_buffer %llu\nnr_mlock %llu\n"
		"pgfault %llu\npgmajfault %llu\npswpin %llu\npswpout %llu\n"
		"pgscan %llu\npgsteal_kswapd %llu\npgsteal_direct %llu\n"
		"pgreferenced %llu\npgrescued %llu\nswapcache_hits %llu\n"
		"pgdrop_clean %llu\nkswapd_wakeups %llu\nallocstall %llu\n"
		"oom_kill %llu\nswap_io_errors %llu\nreclaim_ghost_hits %llu\n"
		"reclaim_policy %s\n",
		U(st.free_pages), U(c.resident), U(c.swapcache), U(c.standby), U(c.mlocked),
		U(c.pgfault), U(c.pgmajfault), U(c.pswpin), U(c.pswpout), U(c.pgscan),
		U(c.pgsteal_kswapd), U(c.pgsteal_direct), U(c.referenced), U(c.rescues),
		U(c.swapcache_hits), U(c.dropped_clean), U(c.kswapd_wakeups), U(c.allocstall),
		U(c.oom_kills), U(c.swap_io_errors), U(c.ghost_hits), vm_reclaim_policy_name());
#undef U
}

/* Linux's /proc/swaps: what swapon -s prints. */
static int
show_swaps(struct seqbuf *sb, int pid)
{
	struct swap_info si;
	int r = seq_printf(sb, "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");

	for (unsigned i = 0; !r && swap_area_info(i, &si) == 0; i++)
		r = seq_printf(sb, "/dev/%-33s partition\t%llu\t\t%llu\t\t%d\n", si.name,
			       (unsigned long long)si.pages * 4, (unsigned long long)si.used * 4,
			       si.prio);
	return r;
}

static int
show_cpuinfo(struct seqbuf *sb, int pid)
{
	char model[64];
	int r = 0;

	arch_cpu_model(model, sizeof(model));
	for (unsigned i = 0; i < ncpus && !r; i++)
		r = seq_printf(sb, "processor\t: %u\nvendor_id\t: x86_64\nmodel name\t: %s\n"
			       "cpu MHz\t\t: %llu.%03llu\napicid\t\t: %u\n"
			       "flags\t\t: fpu tsc msr pae apic sse sse2 syscall nx lm%s\n\n",
			       i, model, (unsigned long long)(clock_info.tsc_hz / 1000000),
			       (unsigned long long)(clock_info.tsc_hz / 1000 % 1000),
			       cpus[i].apic_id, arch_cpu_has(CPU_FEAT_SVM) ? " svm" : "");
	return r;
}

static int
show_uptime(struct seqbuf *sb, int pid)
{
	uint64_t up = time_ns(), idle = 0;

	for (unsigned i = 0; i < ncpus; i++)
		if (cpus[i].idle)
			idle += cpus[i].idle->run_ns;
	return seq_printf(sb, "%llu.%02llu %llu.%02llu\n",
			  (unsigned long long)(up / 1000000000),
			  (unsigned long long)(up / 10000000 % 100),
			  (unsigned long long)(idle / 1000000000),
			  (unsigned long long)(idle / 10000000 % 100));
}

static int
count_procs(int *running)
{
	int n = 0;

	*running = 0;
	spin_lock(&proc_tree_lock);
	list_for_each(it, &all_procs) {
		struct proc *p = list_entry(it, struct proc, all_node);
		n++;
		list_for_each(t, &p->threads)
			*running += list_entry(t, struct proc_thread, node)->thread->state ==
				    T_RUNNABLE;
	}
	spin_unlock(&proc_tree_lock);
	return n;
}

/*
 * One row per interrupt vector that has a handler: the vector, how many
 * times each CPU took it, and what it is.  A device's row shows which CPU
 * its interrupts are aimed at (drivers/pci_irq.c).  Linux numbers its rows
 * by IRQ, Keel by vector; the column layout is the same.
 */
static int
show_interrupts(struct seqbuf *sb, int pid)
{
	int r = seq_printf(sb, "     ");

	for (unsigned i = 0; i < ncpus && !r; i++)
		r = seq_printf(sb, " %10s%-2u", "CPU", i);
	r = r ? r : seq_printf(sb, "\n");
	for (int v = 32; v < 256 && !r; v++) {
		const char *name = irq_name(v);

		if (!name)
			continue;
		r = seq_printf(sb, "%4d:", v);
		for (unsigned i = 0; i < ncpus && !r; i++)
			r = seq_printf(sb, " %12llu", (unsigned long long)irq_vec_count(i, v));
		r = r ? r : seq_printf(sb, "   %s\n", name);
	}
	return r;
}

/* "1.00 0.50 0.20 2/31 57": the averages, runnable/all threads, the last pid. */
static int
show_loadavg(struct seqbuf *sb, int pid)
{
	unsigned long avg[3], w[3], h[3];
	unsigned running, blocked;

	sched_loadavg(avg);
	for (int i = 0; i < 3; i++)
		loadavg_split(avg[i], &w[i], &h[i]);
	sched_count_active(&running, &blocked);
	return seq_printf(sb, "%lu.%02lu %lu.%02lu %lu.%02lu %u/%u %d\n", w[0], h[0], w[1], h[1],
			  w[2], h[2], running, sched_nr_threads(), sched_last_tid());
}

/* Scheduler ticks in Linux's USER_HZ (100 a second), the unit of /proc/stat. */
static unsigned long long
user_hz(uint64_t ticks)
{
	return (unsigned long long)(ticks * 100 / sched_hz);
}

static int
stat_cpu_line(struct seqbuf *sb, const char *name, const struct sched_cpu_stat *st)
{
	return seq_printf(sb, "%s %llu %llu %llu %llu 0 0 0 0 0 0\n", name,
			  user_hz(st->user_ticks), user_hz(st->nice_ticks),
			  user_hz(st->system_ticks), user_hz(st->idle_ticks));
}

/*
 * The cpu lines count the ticks each CPU spent in user mode (nice above 0
 * apart), in the kernel, and idle: what top and vmstat turn into
 * percentages by taking differences between two reads.
 */
static int
show_stat(struct seqbuf *sb, int pid)
{
	struct sched_cpu_stat all = { 0 }, st;
	unsigned running, blocked;
	int procs_running, n = count_procs(&procs_running), r;
	uint64_t ctxt = 0, intr = 0;

	for (unsigned i = 0; i < ncpus; i++)
		intr += __atomic_load_n(&cpus[i].irq_count, __ATOMIC_RELAXED);
	for (unsigned i = 0; i < ncpus && sched_cpu_stat(i, &st) == 0; i++) {
		all.user_ticks += st.user_ticks;
		all.nice_ticks += st.nice_ticks;
		all.system_ticks += st.system_ticks;
		all.idle_ticks += st.idle_ticks;
		ctxt += st.nr_switches;
	}
	r = stat_cpu_line(sb, "cpu ", &all);
	for (unsigned i = 0; i < ncpus && !r && sched_cpu_stat(i, &st) == 0; i++) {
		char name[16];

		ksnprintf(name, sizeof(name), "cpu%u", i);
		r = stat_cpu_line(sb, name, &st);
	}
	sched_count_active(&running, &blocked);
	if (!r)
		r = seq_printf(sb, "intr %llu\nctxt %llu\nbtime 0\nprocesses %d\n"
			       "procs_running %u\nprocs_blocked %u\n", (unsigned long long)intr,
			       (unsigned long long)ctxt, n, running, blocked);
	return r;
}

/* Linux's "slabinfo - version: 2.1" layout; ps-style tools and the leak check read it. */
static int
show_slabinfo(struct seqbuf *sb, int pid)
{
	struct kmem_cache_stats st[64];
	unsigned n = kmem_cache_stats_all(st, 64);
	int r = seq_printf(sb, "slabinfo - version: 2.1\n# name            <active_objs> "
			   "<num_objs> <objsize> <objperslab> <pagesperslab> : tunables 0 0 0 "
			   ": slabdata <active_slabs> <num_slabs> 0\n");

	for (unsigned i = 0; i < n && !r; i++) {
		size_t per = st[i].size ? 4000 / st[i].size : 0;
		r = seq_printf(sb, "%-17s %6zu %6zu %6zu %4zu    1 : tunables 0 0 0 : "
			       "slabdata %6zu %6zu 0\n", st[i].name, st[i].active,
			       st[i].slabs * (per ? per : 1), st[i].size, per, st[i].slabs,
			       st[i].slabs);
	}
	return r;
}

static int
show_version(struct seqbuf *sb, int pid)
{
	return seq_printf(sb, "Linux version 6.1.0-keel (Keel) #1 SMP\n");
}

static int
show_mounts(struct seqbuf *sb, int pid)
{
	return vfs_show_mounts(sb, (int (*)(void *, const char *, ...))seq_printf);
}

static int
show_filesystems(struct seqbuf *sb, int pid)
{
	return vfs_show_filesystems(sb, (int (*)(void *, const char *, ...))seq_printf);
}

static int
partition_row(struct blkdev *d, void *arg)
{
	return seq_printf(arg, "%4u  %7u %10llu %s\n", d->major, d->minor,
			  (unsigned long long)(blkdev_bytes(d) / 1024), d->name);
}

/* Every disk and partition, sizes in 1 KiB blocks (what fdisk -l and mount read). */
static int
show_partitions(struct seqbuf *sb, int pid)
{
	int r = seq_printf(sb, "major minor  #blocks  name\n\n");

	return r ? r : blkdev_for_each(partition_row, sb);
}

/*
 * Linux's 17-field layout: requests and sectors read and written, requests
 * in flight, flushes.  Keel counts requests, not the time they take, so the
 * time fields say 0, and nothing is merged.  A partition's requests are its
 * disk's (blk_get_stats), so only whole disks get a row.
 */
static int
diskstats_row(struct blkdev *d, void *arg)
{
	struct blk_stats st;

	if (d->parent)
		return 0;
	blk_get_stats(d, &st);
	return seq_printf(arg, "%4u %7u %s %llu 0 %llu 0 %llu 0 %llu 0 %u 0 0 0 0 0 0 %llu 0\n",
			  d->major, d->minor, d->name, (unsigned long long)st.reads,
			  (unsigned long long)st.sectors_read, (unsigned long long)st.writes,
			  (unsigned long long)st.sectors_written, st.inflight,
			  (unsigned long long)st.flushes);
}

static int
show_diskstats(struct seqbuf *sb, int pid)
{
	return blkdev_for_each(diskstats_row, sb);
}

/* /proc/sys/vm/drop_caches: free what the caches hold (tests, benchmarks). */
static int
drop_caches(const char *text, size_t n)
{
	if (current()->cred->euid != 0)
		return -1;
	vfs_drop_caches();
	return 0;
}

/* /proc/sys/kernel/hung_task_timeout_secs: see sched/hung.c.  Root may set it. */
static int
show_hung_timeout(struct seqbuf *sb, int pid)
{
	return seq_printf(sb, "%u\n", READ_ONCE(hung_task_timeout_s));
}

static int
store_hung_timeout(const char *text, size_t n)
{
	const char *end;
	unsigned long long s = kstrtoull(text, &end, 10);

	if (current()->cred->euid != 0 || end == text || s > 86400u * 365)
		return -1;
	hung_task_set_timeout((unsigned)s);
	return 0;
}

/*
 * /proc/sys/vm/dirty_expire_centisecs: how long a change may wait in
 * memory before write-back takes it (delayed writes and the ordered
 * write-behind queue alike; block/bcache.h).  Root may set it.
 */
static int
show_dirty_expire(struct seqbuf *sb, int pid)
{
	return seq_printf(sb, "%llu\n",
			  (unsigned long long)(READ_ONCE(bcache_writeback_age_ns) / 10000000));
}

static int
store_dirty_expire(const char *text, size_t n)
{
	const char *end;
	unsigned long long cs = kstrtoull(text, &end, 10);

	if (current()->cred->euid != 0 || end == text || cs > 100u * 3600)
		return -1;
	WRITE_ONCE(bcache_writeback_age_ns, cs * 10000000ull);
	return 0;
}

static int
show_zero(struct seqbuf *sb, int pid)
{
	return seq_printf(sb, "0\n");
}

static int
show_hostname(struct seqbuf *sb, int pid)
{
	return seq_printf(sb, "%s\n", proc_hostname());
}

static const struct procfs_entry sys_vm[] = {
	{ "dirty_expire_centisecs", S_IFREG | 0644, .show = show_dirty_expire,
	  .store = store_dirty_expire },
	{ "drop_caches", S_IFREG | 0200, .show = show_zero, .store = drop_caches },
};
static const struct procfs_entry sys_kernel[] = {
	{ "hostname", S_IFREG | 0444, .show = show_hostname },
	{ "hung_task_timeout_secs", S_IFREG | 0644, .show = show_hung_timeout,
	  .store = store_hung_timeout },
};
static const struct procfs_entry sys_dirs[] = {
	{ "kernel", S_IFDIR | 0555, .dir_kind = PROCFS_DIR_TABLE, .sub = sys_kernel,
	  .nsub = ARRAY_SIZE(sys_kernel) },
	{ "vm", S_IFDIR | 0555, .dir_kind = PROCFS_DIR_TABLE, .sub = sys_vm,
	  .nsub = ARRAY_SIZE(sys_vm) },
};

const struct procfs_entry procfs_sys_entries[] = {
	{ "cpuinfo", S_IFREG | 0444, .show = show_cpuinfo },
	{ "diskstats", S_IFREG | 0444, .show = show_diskstats },
	{ "filesystems", S_IFREG | 0444, .show = show_filesystems },
	{ "interrupts", S_IFREG | 0444, .show = show_interrupts },
	{ "loadavg", S_IFREG | 0444, .show = show_loadavg },
	{ "meminfo", S_IFREG | 0444, .show = show_meminfo },
	{ "mounts", S_IFREG | 0444, .show = show_mounts },
	{ "partitions", S_IFREG | 0444, .show = show_partitions },
	{ "slabinfo", S_IFREG | 0400, .show = show_slabinfo },
	{ "stat", S_IFREG | 0444, .show = show_stat },
	{ "swaps", S_IFREG | 0444, .show = show_swaps },
	{ "sys", S_IFDIR | 0555, .dir_kind = PROCFS_DIR_TABLE, .sub = sys_dirs,
	  .nsub = ARRAY_SIZE(sys_dirs) },
	{ "uptime", S_IFREG | 0444, .show = show_uptime },
	{ "version", S_IFREG | 0444, .show = show_version },
	{ "vmstat", S_IFREG | 0444, .show = show_vmstat },
};
const size_t procfs_sys_nentries = ARRAY_SIZE(procfs_sys_entries);
