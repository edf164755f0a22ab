/* SPDX-License-Identifier: MIT */
/*
 * The short list of machine operations generic kernel code may use.  Code
 * outside kernel/arch/ includes this header, never the x86 ones, so it
 * reads as plain C and the hardware stays in one folder.
 */
#pragma once

#include "lib/compiler.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/layout.h"

/* Interrupt flag. */
static inline unsigned long
arch_irq_save(void)
{
	unsigned long f = read_rflags();
	cli();
	return f;
}

static inline void
arch_irq_restore(unsigned long flags)
{
	if (flags & RFLAGS_IF)
		sti();
}

static inline bool arch_irqs_enabled(void) { return read_rflags() & RFLAGS_IF; }
static inline void arch_irq_enable(void) { sti(); }
static inline void arch_irq_disable(void) { cli(); }
static inline void arch_cpu_relax(void) { cpu_pause(); }
/* Enable interrupts and sleep until one arrives, with no lost-wakeup window. */
static inline void arch_wait_for_interrupt(void) { sti_hlt(); }
static inline uint64_t arch_cycles(void) { return rdtsc(); }
static inline uint64_t arch_frame_pointer(void) { return read_rbp(); }
/* The address the last page fault was about (%cr2). */
static inline uint64_t arch_fault_address(void) { return read_cr2(); }

/* Port I/O for drivers. */
static inline uint8_t arch_inb(uint16_t p) { return inb(p); }
static inline uint16_t arch_inw(uint16_t p) { return inw(p); }
static inline uint32_t arch_inl(uint16_t p) { return inl(p); }
static inline void arch_outb(uint16_t p, uint8_t v) { outb(p, v); }
static inline void arch_outw(uint16_t p, uint16_t v) { outw(p, v); }
static inline void arch_outl(uint16_t p, uint32_t v) { outl(p, v); }
/* String port I/O: n 16-bit words (ATA PIO sectors). */
static inline void arch_insw(uint16_t p, void *buf, size_t n) { insw(p, buf, n); }
static inline void arch_outsw(uint16_t p, const void *buf, size_t n) { outsw(p, buf, n); }

/*
 * Memory barriers for memory shared with devices (DMA rings).  x86 keeps
 * stores in order and loads in order, so the write and read barriers only
 * stop the compiler; the full barrier also orders a store before a later
 * load, which x86 does not do by itself.
 */
static inline void arch_mb(void) { mfence(); }
static inline void arch_wmb(void) { barrier(); }
static inline void arch_rmb(void) { barrier(); }

/*
 * Message-signalled interrupts: the address and data a PCI device writes to
 * raise `vector` on CPU `cpu` (arch/x86_64/msi.c).
 */
void arch_msi_message(int vector, unsigned cpu, uint64_t *addr, uint32_t *data);

/* Physical <-> direct-map virtual. */
static inline void *phys_to_virt(paddr_t pa) { return (void *)(pa + DIRECT_MAP_BASE); }
static inline paddr_t virt_to_phys(const void *va)
{
	uint64_t v = (uint64_t)va;
	return v >= KERNEL_VMA ? v - KERNEL_VMA : v - DIRECT_MAP_BASE;
}

/*
 * True when va lies in the direct map or the kernel image, where a buffer is
 * physically contiguous and virt_to_phys() is right (DMA may use it).
 */
static inline bool
arch_virt_is_linear(const void *va)
{
	uint64_t v = (uint64_t)va;

	return v >= KERNEL_VMA || (v >= DIRECT_MAP_BASE && v < DIRECT_MAP_BASE + DIRECT_MAP_SIZE);
}

/* Machine control (arch/x86_64/power.c). */
__noreturn void arch_halt_forever(void);
__noreturn void arch_poweroff(void);
__noreturn void arch_reboot(void);
/*
 * Leave QEMU through the isa-debug-exit device with a status the test harness
 * can read; falls back to power-off when the device is absent.
 */
__noreturn void arch_qemu_exit(int code);

/* Status codes written to isa-debug-exit; QEMU exits with (code << 1) | 1. */
#define QEMU_EXIT_PASS  0x10   /* QEMU exits 33 */
#define QEMU_EXIT_FAIL  0x11   /* QEMU exits 35 */
#define QEMU_EXIT_PANIC 0x12   /* QEMU exits 37 */

/*
 * Hardware random numbers (RDRAND; RDSEED, falling back to RDRAND).
 * => false when the CPU has none to give.
 */
bool arch_random(uint64_t *v);
bool arch_random_seed(uint64_t *v);

/* CPU identification for the banner and /proc/cpuinfo. */
void arch_cpu_model(char *buf, size_t size);
bool arch_cpu_has(int feature);
enum {
	CPU_FEAT_NX, CPU_FEAT_PCID, CPU_FEAT_INVPCID, CPU_FEAT_1GPAGE,
	CPU_FEAT_X2APIC, CPU_FEAT_TSC_DEADLINE, CPU_FEAT_INVARIANT_TSC,
	CPU_FEAT_XSAVE, CPU_FEAT_SVM, CPU_FEAT_FSGSBASE, CPU_FEAT_SMEP,
	CPU_FEAT_SMAP, CPU_FEAT_APIC, CPU_FEAT_HYPERVISOR,
};
