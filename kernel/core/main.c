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
#include "drivers/pci.h"
#include "drivers/serial.h"
#include "drivers/virtio_blk.h"
#include "drivers/vga.h"
#include "mm/kmap.h"
#include "mm/pmm.h"
#include "mm/slab.h"
#include "mm/vm.h"
#include "sched/sched.h"

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
	printk("Keel: booted by %s; %llu MiB of memory (%llu MiB free); CPU: %s; "
	       "timer %u Hz\n", boot_info.loader,
	       (unsigned long long)(st.total_pages >> 8),
	       (unsigned long long)(st.free_pages >> 8), model, sched_hz);
}

/* The first real thread: everything that may sleep happens here. */
static void
kernel_main_thread(void *arg)
{
	const char *ktest = cmdline_get(&kernel_cmdline, "keel.ktest");

	pci_init();                            /* enumerate the PCI buses */
	blk_init();                            /* block layer: buffer-cache write-back */
	virtio_blk_init();                     /* virtio disks: vda, vdb, ... */
	ata_init();                            /* IDE disks: sda, sdb, ... */
	if (ktest)
		ktest_run(*ktest ? ktest : "all");
	pr_notice("Keel: no init to run yet; idling (quit QEMU with Ctrl-A X)\n");
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
	arch_cpu_tables_init();                /* GDT, TSS, IDT */
	pmm_early_init(&boot_info);            /* memory map, reserved ranges */
	kmap_init();                           /* kernel page tables, direct map */
	pmm_init();                            /* buddy allocator over free frames */
	kmalloc_kernel_init();                 /* slab caches, kmalloc */
	vm_init();                             /* VMA cache, the zero page */
	vm_trap_init();                        /* page faults -> vm_fault() */
	arch_platform_init(&boot_info, pmm_phys_end() < (1ull << 30) ?
			   1ull << 30 : pmm_phys_end());   /* ACPI, APICs, clocks */
	printk_set_clock(clock_ns);            /* time stamps in the log */
	sched_hz = (unsigned)cmdline_get_int(&kernel_cmdline, "keel.hz", HZ_DEFAULT);
	sched_init();                          /* this context becomes idle */
	banner();
	sched_start();                         /* the tick: preemption begins */
	arch_irq_enable();
	if (!thread_create_detached(kernel_main_thread, NULL, "kmain"))
		panic("cannot create the main kernel thread");
	sched_idle_loop();
}
