// SPDX-License-Identifier: MIT
/*
 * kmain: the kernel's table of contents.  Each line brings up one piece,
 * in the order their dependencies force; reading it top to bottom is the
 * boot sequence.
 */
#include "arch/arch.h"
#include "arch/bootinfo.h"
#include "arch/platform.h"
#include "arch/x86_64/clock.h"
#include "block/blk.h"
#include "core/cmdline.h"
#include "core/ktest.h"
#include "core/panic.h"
#include "core/printk.h"
#include "drivers/ata.h"
#include "drivers/fbcon.h"
#include "drivers/mem.h"
#include "drivers/pci.h"
#include "drivers/random.h"
#include "drivers/serial.h"
#include "drivers/virtio_blk.h"
#include "drivers/vga.h"
#include "fs/vfs.h"
#include "ipc/pipe.h"
#include "mm/kmap.h"
#include "mm/pmm.h"
#include "mm/slab.h"
#include "mm/vm.h"
#include "arch/smp.h"
#include "sched/sched.h"
#include "sched/hung.h"
#include "proc/proc.h"
#include "proc/futex.h"
#include "proc/procfs.h"
#include "proc/syscalls.h"
#include "fs/vfs.h"
#include "drivers/rtc.h"
#include "drivers/tty.h"
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/pcid.h"
#include "lib/string.h"
#include "lib/format.h"

void kmain(uint32_t magic, uint32_t info_phys);

static void
setup_log_level(void)
{
	if (cmdline_has(&kernel_cmdline, "quiet"))
		printk_set_level(4);
	if (cmdline_has(&kernel_cmdline, "debug"))
		printk_set_level(8);
	if (cmdline_has(&kernel_cmdline, "loglevel"))
		printk_set_level((int)cmdline_get_int(&kernel_cmdline, "loglevel", 7));
}

static void
report_cmdline(void)
{
	pr_info("command line: %s\n", boot_info.cmdline);
	if (kernel_cmdline.truncated)
		pr_warn("cmdline: too long; the rest was ignored\n");
	for (unsigned i = 0; i < kernel_cmdline.nwords; i++) {
		const struct cmdline_word *w = &kernel_cmdline.words[i];
		if (!w->known)
			pr_warn("cmdline: unknown word \"%s\" ignored by the kernel, passed to init\n",
				w->name);
	}
}

static void
banner(void)
{
	char model[64];
	struct pmm_stats st;

	arch_cpu_model(model, sizeof(model));
	pmm_stats(&st);
	printk("Keel: booted by %s (%s); %llu MiB of memory (%llu MiB free); CPU: %s; "
	       "timer %u Hz\n", boot_info.loader,
	       boot_info.loader_name[0] ? boot_info.loader_name : "loader unnamed",
	       (unsigned long long)(st.total_pages >> 8),
	       (unsigned long long)(st.free_pages >> 8), model, sched_hz);
}

#define INIT_MAX_ARGS 32

/*
 * As on Linux, command-line words the kernel does not know go to init:
 * bare words as arguments, name=value words as environment variables.
 */
static void
init_args(const char *path, char **argv, char **envp)
{
	int na = 0, ne = 0;

	argv[na++] = (char *)path;
	envp[ne++] = "HOME=/";
	envp[ne++] = "TERM=linux";
	for (unsigned i = 0; i < kernel_cmdline.nwords; i++) {
		const struct cmdline_word *w = &kernel_cmdline.words[i];
		static char pairs[CMDLINE_MAX_WORDS][128];

		if (w->known)
			continue;
		if (w->value && ne < INIT_MAX_ARGS - 1) {
			ksnprintf(pairs[i], sizeof(pairs[i]), "%s=%s", w->name, w->value);
			envp[ne++] = pairs[i];
		} else if (!w->value && na < INIT_MAX_ARGS - 1) {
			argv[na++] = (char *)w->name;
		}
	}
	argv[na] = NULL;
	envp[ne] = NULL;
}

/*
 * Without an initramfs, root= names the disk whose file system becomes
 * "/" (rootfstype=, ro, rootwait and rootdelay= as on Linux).
 */
static int
mount_root(void)
{
	const char *root = cmdline_get(&kernel_cmdline, "root");
	long wait_s = cmdline_get_int(&kernel_cmdline, "rootdelay", 5);

	if (boot_info.nmodules || !root)
		return 0;
	if (cmdline_has(&kernel_cmdline, "rootwait"))
		wait_s = -1;
	return vfs_mount_root(root, cmdline_get(&kernel_cmdline, "rootfstype"),
			      cmdline_has(&kernel_cmdline, "ro"), wait_s);
}

/* Run the first user program; Linux's order of fallbacks. */
static void
run_init(void)
{
	const char *rdinit = cmdline_get(&kernel_cmdline, "rdinit");
	const char *init = cmdline_get(&kernel_cmdline, "init");
	const char *tries[] = { NULL, NULL, "/sbin/init", "/etc/init", "/bin/init", "/bin/sh" };
	char *argv[INIT_MAX_ARGS], *envp[INIT_MAX_ARGS];

	if (mount_root()) {
		pr_err("Keel: cannot mount the root file system (root=%s); the system is idle.\n",
		       cmdline_get(&kernel_cmdline, "root"));
		return;
	}
	tries[0] = boot_info.nmodules ? (rdinit ? rdinit : "/init") : NULL;
	tries[1] = init;
	for (size_t i = 0; i < ARRAY_SIZE(tries); i++) {
		int r;

		if (!tries[i])
			continue;
		init_args(tries[i], argv, envp);
		r = proc_start_init(tries[i], argv, envp);
		pr_warn("init: cannot run %s: error %d\n", tries[i], -r);
	}
	/*
	 * Linux panics here; but no init is a configuration problem, not a
	 * broken kernel, so Keel says so and keeps running (idle), which also
	 * leaves the console on the screen.
	 */
	pr_err("Keel: no init found; pass an initramfs (-initrd) with rdinit=, or init=. "
	       "The system is idle.\n");
}

static unsigned
max_cpus(void)
{
	if (cmdline_has(&kernel_cmdline, "nosmp"))
		return 1;
	return (unsigned)cmdline_get_int(&kernel_cmdline, "maxcpus", CPU_MAX);
}

/* keel.pcid=off keeps %cr3 loads flushing (for comparison); on by default. */
static bool
pcid_wanted(void)
{
	const char *v = cmdline_get(&kernel_cmdline, "keel.pcid");

	return !v || (strcmp(v, "off") != 0 && strcmp(v, "0") != 0);
}

/* The initramfs is boot module 0; its frames go back to the allocator once unpacked. */
static void
unpack_initramfs(void)
{
	const struct boot_module *m = &boot_info.modules[0];

	if (!boot_info.nmodules) {
		initramfs_unpack(NULL, 0);     /* just the default /dev */
		return;
	}
	initramfs_unpack(phys_to_virt(m->start), m->end - m->start);
	pmm_release_boot_range(m->start, m->end);
}

/* The file-system half of the kernel. */
static void
fs_init(void)
{
	random_init();                         /* the kernel's random numbers */
	vfs_init();                            /* rootfs at /, devtmpfs */
	pipe_init();                           /* FIFOs open as pipes */
	mem_devices_init();                    /* /dev/null, zero, full, random, urandom */
	unpack_initramfs();                    /* the boot module into / */
}

/* The first real thread: everything that may sleep happens here. */
static void
kernel_main_thread(void *arg)
{
	const char *ktest = cmdline_get(&kernel_cmdline, "keel.ktest");

	pci_init();                            /* enumerate the PCI buses */
	vm_reclaim_start();                    /* kswapd: reclaim ahead of need */
	blk_init();                            /* block layer: buffer-cache write-back */
	virtio_blk_init();                     /* virtio disks: vda, vdb, ... */
	ata_init();                            /* IDE disks: sda, sdb, ... */
	fs_init();                             /* VFS, devices, the initramfs */
	tty_register_devices();                /* /dev/console, /dev/tty, /dev/ttyS0 */
	procfs_init();                         /* "proc" for mount -t proc */
	if (ktest)
		ktest_run(*ktest ? ktest : "all");
	run_init();
}

void
kmain(uint32_t magic, uint32_t info_phys)
{
	arch_cpu_early_init();                 /* this_cpu() through GS */
	serial_init();                         /* console: COM1 */
	if (!multiboot_parse(&boot_info, magic, phys_to_virt(info_phys), info_phys))
		panic("unknown boot loader magic %#x", magic);
	cmdline_parse(&kernel_cmdline, boot_info.cmdline);
	setup_log_level();                     /* quiet, loglevel= */
	if (boot_info.fb.text_mode)
		vga_init();                    /* mirror the console on VGA */
	report_cmdline();
	boot_info_log(&boot_info);             /* loader, modules, framebuffer */
	arch_cpu_tables_init();                /* GDT, TSS, IDT */
	pmm_early_init(&boot_info);            /* memory map, reserved ranges */
	pcid_choose(pcid_wanted());   /* tagged TLB */
	kmap_init();                           /* kernel page tables, direct map */
	pmm_init();                            /* buddy allocator over free frames */
	kmalloc_kernel_init();                 /* slab caches, kmalloc */
	vm_init();                             /* VMA cache, the zero page */
	vm_reclaim_init(cmdline_get(&kernel_cmdline, "keel.reclaim"));   /* page replacement */
	vm_trap_init();                        /* page faults -> vm_fault() */
	if (!boot_info.fb.text_mode)
		fbcon_init(&boot_info.fb);     /* mirror the console on a framebuffer */
	arch_platform_init(&boot_info, pmm_phys_end() < (1ull << 30) ?
			   1ull << 30 : pmm_phys_end());   /* ACPI, APICs, clocks */
	printk_set_clock(clock_ns);            /* time stamps in the log */
	tty_init();                            /* the console's line discipline */
	sched_hz = (unsigned)cmdline_get_int(&kernel_cmdline, "keel.hz", HZ_DEFAULT);
	sched_init();                          /* this context becomes idle */
	proc_init();                           /* process hooks: switch, signals */
	futex_init();
	time_set_boot_epoch(rtc_read_unix_time(acpi.century));   /* wall clock */
	banner();
	sched_start();                         /* the tick: preemption begins */
	arch_irq_enable();
	smp_start_aps(max_cpus());             /* the other CPUs join */
	/* The first thread made gets id 1: it becomes init, pid 1. */
	if (!thread_create_detached(kernel_main_thread, NULL, "kmain"))
		panic("cannot create the main kernel thread");
	thread_reaper_start();                 /* frees dead threads */
	hung_task_start();                     /* names threads stuck asleep */
	sched_idle_loop();
}
