// SPDX-License-Identifier: MIT
/*
 * ktests for exceptions: each class returns the way the CPU defines it.
 *   trap:  int3 reports the address after itself; returning resumes there.
 *   fault: #DE, #GP, #UD, #PF report the faulting instruction; a handler that
 *          corrects the cause and returns makes the CPU run it again.
 *   abort: #DF and #MC panic cleanly (run by name; see tests/run-ktest.sh).
 * And NMI arrives on its own IST stack.
 */
#include "core/ktest.h"
#include "arch/arch.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/trap.h"
#include "mm/kmap.h"
#include "mm/pmm.h"
#include "sched/sched.h"

static volatile uint64_t seen_rip, seen_cr2, seen_frame;
static volatile int seen_count;

static bool
bp_handler(struct trap_frame *tf)
{
	seen_rip = tf->rip;
	seen_count++;
	return true;
}

KTEST(trap_int3_resumes_after, "int3 is a trap: the saved RIP is the next instruction")
{
	uint64_t after;
	trap_handler_t old = trap_set_handler(T_BP, bp_handler);

	seen_count = 0;
	__asm__ __volatile__("leaq 1f(%%rip), %0\n\tint3\n1:" : "=r"(after));
	trap_set_handler(T_BP, old);
	KT_EQ(seen_count, 1);
	KT_EQ(seen_rip, after);
	return 0;
}

static bool
de_handler(struct trap_frame *tf)
{
	seen_rip = tf->rip;
	seen_count++;
	tf->rcx = 2;        /* correct the divisor; the CPU retries the divide */
	return true;
}

KTEST(trap_divide_error_restarts, "#DE is a fault: fixing the divisor restarts the div")
{
	uint64_t q, at;
	trap_handler_t old = trap_set_handler(T_DE, de_handler);

	seen_count = 0;
	__asm__ __volatile__(
		"leaq 1f(%%rip), %[at]\n\t"
		"xorl %%edx, %%edx\n\t"
		"movq $10, %%rax\n\t"
		"xorl %%ecx, %%ecx\n"
		"1:\tdivq %%rcx\n\t"
		: "=a"(q), [at] "=&r"(at) : : "rcx", "rdx");
	trap_set_handler(T_DE, old);
	KT_EQ(seen_count, 1);
	KT_EQ(seen_rip, at);
	KT_EQ(q, 5);
	return 0;
}

static volatile uint64_t gp_target = 0x1234abcd;

static bool
gp_handler(struct trap_frame *tf)
{
	seen_rip = tf->rip;
	seen_count++;
	tf->rbx = (uint64_t)&gp_target;   /* a canonical address this time */
	return true;
}

KTEST(trap_general_protection_restarts, "#GP on a non-canonical load is a fault: fixed, the load reruns")
{
	uint64_t v, at;
	trap_handler_t old = trap_set_handler(T_GP, gp_handler);

	seen_count = 0;
	__asm__ __volatile__(
		"leaq 1f(%%rip), %[at]\n\t"
		"movabsq $0x8000000000000000, %%rbx\n"
		"1:\tmovq (%%rbx), %[v]\n\t"
		: [v] "=r"(v), [at] "=&r"(at) : : "rbx", "memory");
	trap_set_handler(T_GP, old);
	KT_EQ(seen_count, 1);
	KT_EQ(seen_rip, at);
	KT_EQ(v, 0x1234abcd);
	return 0;
}

static bool
ud_handler(struct trap_frame *tf)
{
	seen_rip = tf->rip;
	seen_count++;
	tf->rip += 2;       /* ud2 cannot be corrected; skip it */
	return true;
}

KTEST(trap_invalid_opcode_reports_instruction, "#UD is a fault: the saved RIP is the ud2 itself")
{
	uint64_t at;
	trap_handler_t old = trap_set_handler(T_UD, ud_handler);

	seen_count = 0;
	__asm__ __volatile__("leaq 1f(%%rip), %0\n1:\tud2\n" : "=r"(at));
	trap_set_handler(T_UD, old);
	KT_EQ(seen_count, 1);
	KT_EQ(seen_rip, at);
	return 0;
}

static uint64_t pf_page_va;
static paddr_t pf_frame;

static paddr_t
alloc_pt(void)
{
	return pmm_alloc_zeroed(0);
}

static bool
pf_handler(struct trap_frame *tf)
{
	pte_t *pte;

	seen_cr2 = read_cr2();
	seen_count++;
	if ((seen_cr2 & ~0xFFFull) != pf_page_va)
		return false;
	pte = paging_walk(kmap_root(), pf_page_va, NULL);
	if (!pte)
		return false;
	*pte = pf_frame | PTE_P | PTE_W | PTE_NX;   /* map it: the load reruns */
	return true;
}

KTEST(trap_page_fault_restarts, "#PF is a fault: mapping the page restarts the load")
{
	uint8_t *va = kva_alloc(1);
	uint64_t v;
	trap_handler_t old;
	pte_t *pte;

	KT_ASSERT(va);
	/* Make sure the page table exists, with the entry not present. */
	pte = paging_walk(kmap_root(), (uint64_t)va, alloc_pt);
	KT_ASSERT(pte && !(*pte & PTE_P));
	pf_frame = pmm_alloc_zeroed(0);
	KT_ASSERT(pf_frame);
	*(uint64_t *)phys_to_virt(pf_frame + 8) = 0xfeedface;
	pf_page_va = (uint64_t)va;
	seen_count = 0;
	old = trap_set_handler(T_PF, pf_handler);
	v = *(volatile uint64_t *)(va + 8);
	trap_set_handler(T_PF, old);
	KT_EQ(seen_count, 1);
	KT_EQ(seen_cr2, (uint64_t)va + 8);
	KT_EQ(v, 0xfeedface);
	*pte = 0;
	paging_flush_page((uint64_t)va);
	pmm_free(pf_frame, 0);
	kva_free(va, 1);
	return 0;
}

static bool
nmi_handler(struct trap_frame *tf)
{
	seen_frame = (uint64_t)tf;
	seen_count++;
	return true;
}

KTEST(trap_nmi_on_ist_stack, "a self-NMI runs its handler on the NMI's own IST stack")
{
	struct cpu *c = this_cpu();
	uint64_t lo = (uint64_t)c->ist_stacks[IST_NMI - 1], hi = lo + IST_STACK_SIZE;
	trap_handler_t old = trap_set_handler(T_NMI, nmi_handler);

	seen_count = 0;
	lapic_send_nmi(lapic_id());
	for (int i = 0; i < 1000000 && !seen_count; i++)
		arch_cpu_relax();
	trap_set_handler(T_NMI, old);
	KT_EQ(seen_count, 1);
	KT_ASSERT(seen_frame >= lo && seen_frame < hi);
	return 0;
}

KTEST_FLAGS(trap_double_fault_panics, "a fault while delivering a fault is an abort: panic", KTEST_EXPECT_PANIC)
{
	/* With RSP on an unmapped page, the #PF cannot push its frame: #DF. */
	__asm__ __volatile__("movq $0x10000, %%rsp\n\tpushq $0" ::: "memory");
	return -1;
}

KTEST_FLAGS(trap_machine_check_panics, "a machine check is an abort: panic", KTEST_EXPECT_PANIC)
{
	__asm__ __volatile__("int $18");
	return -1;
}
