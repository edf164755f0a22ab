/* SPDX-License-Identifier: MIT */
/* Shared between vm.c, fault.c and the mm system calls. */
#pragma once

#include "mm/vm.h"
#include "arch/x86_64/paging.h"

extern struct vm_file_ops vm_file_ops;

struct vma *vma_new(uint64_t start, uint64_t end, uint32_t prot, uint32_t flags);
void vma_insert(struct mm *mm, struct vma *v);
struct vma *vma_first_from(struct mm *mm, uint64_t addr);
struct vma *vma_next(struct vma *v);
pte_t *vm_pte(struct mm *mm, uint64_t va, bool create);
/* Clear [start, end): frames and swap slots go after the TLB shootdown.  => mm->lock held */
void vm_zap_range(struct mm *mm, uint64_t start, uint64_t end);
/* PTE bits for a page of v. */
uint64_t vm_pte_prot(const struct vma *v, bool writable);
/* One fault with mm->lock held (fault.c). */
int vm_fault_locked(struct mm *mm, uint64_t addr, unsigned access);
extern struct spinlock mm_list_lock;
extern struct list_node mm_list;
int unmap_range_locked(struct mm *mm, uint64_t start, uint64_t end);
void vm_zero_page_init(void);
/* Make addr a VMA boundary; merge v with identical neighbours.  => mm->lock held. */
int vm_split(struct mm *mm, uint64_t addr);
void vm_merge(struct mm *mm, struct vma *v);
/* Highest free gap of len bytes below mmap_top, or 0.  => mm->lock held. */
uint64_t vm_find_free_locked(struct mm *mm, uint64_t len);
