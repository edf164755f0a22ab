/* SPDX-License-Identifier: MIT */
/*
 * The kernel's virtual address map, in one place.
 *
 *   0x0000000000000000 .. 0x00007fffffffffff  user space (128 TiB)
 *   0xffff800000000000 .. +64 TiB             direct map of all physical memory
 *   0xffffc90000000000 .. +4 GiB              kernel virtual ranges (stacks, MMIO)
 *   0xffffffff80000000 .. top                 the kernel image (-2 GiB)
 *
 * This header is shared with assembly, so it holds only constants.
 */
#pragma once

#define KERNEL_VMA        0xFFFFFFFF80000000
#define KERNEL_PHYS       0x100000
#define DIRECT_MAP_BASE   0xFFFF800000000000
#define DIRECT_MAP_SIZE   0x0000400000000000
#define KVA_BASE          0xFFFFC90000000000
#define KVA_SIZE          0x0000000100000000
#define USER_TOP          0x0000800000000000

#define PAGE_SHIFT 12
#define PAGE_SIZE  4096
#define KSTACK_SIZE (4 * PAGE_SIZE)

/* Segment selectors; the GDT layout is fixed by SYSCALL/SYSRET (see gdt.c). */
#define GDT_KCODE 0x08
#define GDT_KDATA 0x10
#define GDT_UCODE32 0x18
#define GDT_UDATA 0x20
#define GDT_UCODE 0x28
#define GDT_TSS   0x30
#define SEL_RPL3  3
