// SPDX-License-Identifier: MIT
/* ktests for the kernel's own plumbing: symbols, backtraces, the command line. */
#include "core/ktest.h"
#include "core/cmdline.h"
#include "core/panic.h"
#include "arch/arch.h"
#include "lib/string.h"

static __attribute__((noinline)) const char *
caller_name(void)
{
	/* Our frame: [rbp] = caller's rbp, [rbp + 8] = return address into it. */
	uint64_t *rbp = (uint64_t *)arch_frame_pointer();
	uint64_t off;
	const char *name = ksym_lookup(rbp[1] - 1, &off);

	return name ? name : "";
}

KTEST(core_frame_chain_names_caller, "the saved frame pointer and return address name the caller")
{
	KT_ASSERT(strcmp(caller_name(), "core_frame_chain_names_caller") == 0);
	return 0;
}

KTEST(core_symbol_table_sorted, "the generated symbol table resolves known functions")
{
	uint64_t off = 99;
	const char *n = ksym_lookup((uint64_t)ksym_lookup, &off);

	KT_ASSERT(n && strcmp(n, "ksym_lookup") == 0);
	KT_EQ(off, 0);
	n = ksym_lookup((uint64_t)panic + 3, &off);
	KT_ASSERT(n && strcmp(n, "panic") == 0);
	KT_EQ(off, 3);
	return 0;
}

KTEST(core_cmdline_seen_by_kernel, "the boot command line reached the kernel, split into words")
{
	KT_ASSERT(cmdline_has(&kernel_cmdline, "keel.ktest"));
	KT_ASSERT(cmdline_has(&kernel_cmdline, "console"));
	return 0;
}
