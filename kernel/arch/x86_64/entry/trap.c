// SPDX-License-Identifier: MIT
/*
 * trap_dispatch(): where every exception and interrupt lands in C.
 *
 * Exceptions (vectors 0-31) return in one of three ways, as the CPU defines
 * them:
 *   - a trap (int3, #DB single step) reports the instruction *after* the one
 *     that trapped, so returning simply resumes;
 *   - a fault (#PF, #GP, #UD, #DE, ...) reports the faulting instruction
 *     itself, so returning restarts it: a handler that fixed the cause (mapped
 *     the page, corrected the register) gets a clean retry;
 *   - an abort (#DF, #MC) leaves no reliable state to return to, so the
 *     kernel reports and stops.
 * A registered handler gets the first look.  After that, a fault in user
 * mode becomes a signal (through trap_upcalls), a kernel fault on a user
 * address recovers through the exception table, and anything else panics.
 *
 * Interrupts (vectors 32-255) run their handler with interrupts off, then send
 * the end-of-interrupt.  On the way out of the outermost interrupt, if the
 * scheduler asked for it and the interrupted code allows it, the current
 * thread is preempted.
 */
#include "arch/x86_64/trap.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/pic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/arch.h"
#include "core/panic.h"
#include "core/printk.h"

struct trap_upcalls trap_upcalls;

static trap_handler_t exc_handlers[32];
static struct {
	irq_handler_t fn;
	void *data;
	const char *name;
} irq_handlers[256];

static const char *const exc_names[32] = {
	"divide error (#DE)", "debug (#DB)", "NMI", "breakpoint (#BP)",
	"overflow (#OF)", "bound range (#BR)", "invalid opcode (#UD)",
	"device not available (#NM)", "double fault (#DF)", "coprocessor overrun",
	"invalid TSS (#TS)", "segment not present (#NP)", "stack fault (#SS)",
	"general protection (#GP)", "page fault (#PF)", "reserved 15",
	"x87 error (#MF)", "alignment check (#AC)", "machine check (#MC)",
	"SIMD error (#XM)", "virtualization (#VE)", "control protection (#CP)",
};

const char *
trap_name(int v)
{
	if (v < 32)
		return exc_names[v] ? exc_names[v] : "reserved";
	return v == VEC_SPURIOUS ? "spurious" : "interrupt";
}

trap_handler_t
trap_set_handler(int v, trap_handler_t fn)
{
	trap_handler_t old = exc_handlers[v];

	exc_handlers[v] = fn;
	return old;
}

void
irq_set_handler(int v, const char *name, irq_handler_t fn, void *data)
{
	irq_handlers[v].data = data;
	irq_handlers[v].name = fn ? name : NULL;
	irq_handlers[v].fn = fn;
}

const char *
irq_name(int v)
{
	return v >= 32 && v < 256 && irq_handlers[v].fn ? irq_handlers[v].name : NULL;
}

/* A racy read of another CPU's counter is fine: it only ever grows. */
uint64_t
irq_vec_count(unsigned cpu, int v)
{
	return cpu < ncpus && v >= 0 && v < 256 ? __atomic_load_n(&cpus[cpu].vec_count[v], __ATOMIC_RELAXED) : 0;
}

static void
print_reg_sym(const char *label, uint64_t v)
{
	uint64_t off;
	const char *sym = ksym_lookup(v, &off);

	if (sym)
		printk(KERN_EMERG "%s %016llx <%s+0x%llx>\n", label,
		       (unsigned long long)v, sym, (unsigned long long)off);
	else
		printk(KERN_EMERG "%s %016llx\n", label, (unsigned long long)v);
}

void
trap_frame_print(const struct trap_frame *tf)
{
	printk(KERN_EMERG "vector %llu (%s) error %#llx cr2 %016llx\n",
	       (unsigned long long)tf->vector, trap_name(tf->vector),
	       (unsigned long long)tf->error, (unsigned long long)read_cr2());
	print_reg_sym("RIP", tf->rip);
	printk(KERN_EMERG "CS  %04llx RFLAGS %016llx RSP %016llx SS %04llx\n",
	       (unsigned long long)tf->cs, (unsigned long long)tf->rflags,
	       (unsigned long long)tf->rsp, (unsigned long long)tf->ss);
	printk(KERN_EMERG "RAX %016llx RBX %016llx RCX %016llx\n",
	       (unsigned long long)tf->rax, (unsigned long long)tf->rbx,
	       (unsigned long long)tf->rcx);
	printk(KERN_EMERG "RDX %016llx RSI %016llx RDI %016llx\n",
	       (unsigned long long)tf->rdx, (unsigned long long)tf->rsi,
	       (unsigned long long)tf->rdi);
	printk(KERN_EMERG "RBP %016llx R8  %016llx R9  %016llx\n",
	       (unsigned long long)tf->rbp, (unsigned long long)tf->r8,
	       (unsigned long long)tf->r9);
	printk(KERN_EMERG "R10 %016llx R11 %016llx R12 %016llx\n",
	       (unsigned long long)tf->r10, (unsigned long long)tf->r11,
	       (unsigned long long)tf->r12);
	printk(KERN_EMERG "R13 %016llx R14 %016llx R15 %016llx\n",
	       (unsigned long long)tf->r13, (unsigned long long)tf->r14,
	       (unsigned long long)tf->r15);
	printk(KERN_EMERG "CR0 %016llx CR3 %016llx CR4 %016llx\n",
	       (unsigned long long)read_cr0(), (unsigned long long)read_cr3(),
	       (unsigned long long)read_cr4());
}

extern const struct extable_entry __extable_start[], __extable_end[];

/* A kernel instruction allowed to fault (copy_from_user): jump to its fixup. */
static bool
extable_fixup(struct trap_frame *tf)
{
	for (const struct extable_entry *e = __extable_start; e < __extable_end; e++) {
		if (e->fault_ip == tf->rip) {
			tf->rip = e->fixup_ip;
			return true;
		}
	}
	return false;
}

static void
exception(struct trap_frame *tf)
{
	int v = (int)tf->vector;
	struct cpu *c = this_cpu();

	c->trap_nest++;
	if (exc_handlers[v] && exc_handlers[v](tf)) {
		c->trap_nest--;
		return;
	}
	c->trap_nest--;
	if (v == T_NMI) {
		/* Another CPU panicked and stops everyone; otherwise report and go on. */
		if (panic_in_progress())
			arch_halt_forever();
		pr_warn("trap: NMI on CPU %u\n", c->id);
		return;
	}
	if (trap_from_user(tf) && trap_upcalls.user_fault) {
		trap_upcalls.user_fault(tf);
		return;
	}
	if (!trap_from_user(tf) && (v == T_PF || v == T_GP) && extable_fixup(tf))
		return;
	if (v == T_DF || v == T_MC)
		panic_frame(tf, "abort: %s", trap_name(v));
	panic_frame(tf, "unhandled %s in %s mode", trap_name(v),
		    trap_from_user(tf) ? "user" : "kernel");
}

static void
interrupt(struct trap_frame *tf)
{
	struct cpu *c = this_cpu();
	int v = (int)tf->vector;

	c->irq_count++;
	c->vec_count[v]++;
	/* A spurious interrupt is not in service: no handler, and no EOI. */
	if (v == VEC_SPURIOUS)
		return;
	if (v >= VEC_PIC_BASE && v < VEC_PIC_BASE + 16) {
		pic_spurious_or_eoi(v - VEC_PIC_BASE);
		return;
	}
	c->irq_depth++;
	if (irq_handlers[v].fn)
		irq_handlers[v].fn(tf, irq_handlers[v].data);
	else
		pr_warn("trap: interrupt on vector %d with no handler\n", v);
	lapic_eoi();
	c->irq_depth--;
}

void
trap_dispatch(struct trap_frame *tf)
{
	struct cpu *c = this_cpu();

	if (tf->vector < 32)
		exception(tf);
	else
		interrupt(tf);

	if (c->need_resched && c->irq_depth == 0 && c->preempt_count == 0 &&
	    c->noff == 0 && (tf->rflags & RFLAGS_IF) && trap_upcalls.preempt)
		trap_upcalls.preempt(tf);
	if (trap_from_user(tf) && trap_upcalls.return_to_user)
		trap_upcalls.return_to_user(tf);
}
