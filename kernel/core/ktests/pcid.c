// SPDX-License-Identifier: MIT
/*
 * ktests for switching address spaces with tagged TLBs (arch/x86_64/pcid.c).
 *
 * Two address spaces map the same user address to different frames; the
 * test switches between them and reads through the TLB each time.  The
 * values must always be those of the loaded space.  Where the CPU has
 * PCIDs (Bochs's Haswell model does; QEMU's TCG does not), the test also
 * checks that going back to a space kept its entries, and that a
 * shootdown made while the space was switched out is honoured on return
 * (a read through the stale entry would see the old frame: the test can
 * fail, and does when the count check is taken out of pcid_load).
 * Without PCIDs the same reads check the flushing path.
 */
#include "core/ktest.h"
#include "arch/arch.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/pcid.h"
#include "mm/usercopy.h"
#include "mm/vm.h"
#include "sched/sched.h"
#include "uapi/mman.h"

#define X 0x20000000ull
#define POP (MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_POPULATE)

/* Map one populated page at X in mm holding byte v. */
static int
map_byte(struct mm *mm, uint8_t v)
{
	pte_t *pte;

	if (vm_mmap(mm, X, PAGE_SIZE, PROT_READ | PROT_WRITE, POP, NULL, 0) != (long)X)
		return -1;
	pte = paging_walk(mm->pml4, X, NULL);
	if (!pte || !(*pte & PTE_P))
		return -1;
	*(volatile uint8_t *)phys_to_virt(*pte & PTE_ADDR) = v;
	return 0;
}

/* Switch this thread to mm and read the byte at X through the MMU. */
static int
load_and_read(struct mm *mm)
{
	uint8_t v;

	current()->mm = mm;
	mm_activate(mm);
	if (copy_from_user(&v, (const void *)X, 1) != 0)
		return -1;
	return v;
}

static void
leave(void)
{
	current()->mm = NULL;
	mm_activate(NULL);
}

KTEST(pcid_switches_read_the_loaded_space, "switching address spaces never shows the other's page, with or without PCIDs")
{
	struct mm *a = mm_create(), *b = mm_create(), *keep;
	struct pcid_stats s0, s1;

	KT_ASSERT(a && b);
	KT_EQ(map_byte(a, 0xA1), 0);
	KT_EQ(map_byte(b, 0xB2), 0);
	KT_EQ(load_and_read(a), 0xA1);
	KT_EQ(load_and_read(b), 0xB2);
	pcid_get_stats(&s0);
	KT_EQ(load_and_read(a), 0xA1);      /* back to a: its tag is cached */
	pcid_get_stats(&s1);
	if (pcid_enabled())
		KT_ASSERT(s1.kept > s0.kept);

	/* With b loaded, move a's X to a new frame (munmap, map again; a fork
	 * holds on to the old frame so it cannot come straight back).  The
	 * shootdown skips this CPU, which has a only cached, so the load must
	 * flush, or the read would go through the old entry to the old frame. */
	keep = mm_fork(a);
	KT_ASSERT(keep);
	KT_EQ(load_and_read(b), 0xB2);
	KT_EQ(vm_munmap(a, X, PAGE_SIZE), 0);
	KT_EQ(map_byte(a, 0xC3), 0);
	pcid_get_stats(&s0);
	KT_EQ(load_and_read(a), 0xC3);
	pcid_get_stats(&s1);
	if (pcid_enabled())
		KT_ASSERT(s1.stale > s0.stale);
	KT_EQ(load_and_read(keep), 0xA1);
	KT_EQ(load_and_read(b), 0xB2);
	leave();
	printk("ktest:   PCIDs %s\n", pcid_enabled() ? "in use" : "not offered by this CPU (flushing path)");
	mm_put(keep);
	mm_put(a);
	mm_put(b);
	return 0;
}

KTEST(pcid_slots_are_recycled, "more address spaces than PCID slots: each still reads its own page")
{
	enum { N = 9 };   /* more than the slots a CPU keeps */
	struct mm *mm[N];

	for (int i = 0; i < N; i++) {
		mm[i] = mm_create();
		KT_ASSERT(mm[i]);
		KT_EQ(map_byte(mm[i], (uint8_t)(0x40 + i)), 0);
	}
	for (int round = 0; round < 3; round++)
		for (int i = 0; i < N; i++)
			KT_EQ(load_and_read(mm[(i * 4 + round) % N]), 0x40 + (i * 4 + round) % N);
	leave();
	for (int i = 0; i < N; i++)
		mm_put(mm[i]);
	return 0;
}
