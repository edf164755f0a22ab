/* SPDX-License-Identifier: MIT */
/* Machine bring-up steps that core/main.c calls in order. */
#pragma once

#include "lib/compiler.h"

struct boot_info;

/* Per-CPU block through GS: first, so this_cpu() works everywhere. */
void arch_cpu_early_init(void);
/* GDT, TSS and IDT on the boot CPU. */
void arch_cpu_tables_init(void);
/* ACPI, PIC, APICs, clock calibration. */
void arch_platform_init(const struct boot_info *bi, uint64_t direct_map_end);
