/* SPDX-License-Identifier: MIT */
/* Keeping every CPU's TLB consistent with the page tables (mm/tlb.c). */
#pragma once

#include "lib/compiler.h"

struct mm;

/* Drop cached translations of [start, end) of mm (NULL: kernel) on every CPU. */
void tlb_flush_range(struct mm *mm, uint64_t start, uint64_t end);
/* The online CPUs with address space mm loaded (every online CPU for NULL). */
uint64_t tlb_cpus_using(const struct mm *mm);
uint64_t tlb_shootdown_count(void);
