/* SPDX-License-Identifier: MIT */
/*
 * Physical memory map normalization.  Firmware maps can be unsorted, can
 * overlap and can disagree with themselves; memmap_normalize() turns one
 * into sorted, disjoint ranges where, in an overlap, the more restrictive
 * type wins (anything beats usable; bad beats everything).  Pure C.
 */
#pragma once

#include "arch/bootinfo.h"

/* Normalize in place; returns the new count.  cap: capacity of r[]. */
unsigned memmap_normalize(struct mem_range *r, unsigned n, unsigned cap);
/* Total bytes of the given type. */
uint64_t memmap_total(const struct mem_range *r, unsigned n, uint32_t type);
