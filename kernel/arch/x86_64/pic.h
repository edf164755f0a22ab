/* SPDX-License-Identifier: MIT */
/* The legacy 8259 PIC pair: remapped out of the exception range, then masked. */
#pragma once

void pic_init_and_mask(void);
/* A PIC vector fired although the PIC is masked: ignore spurious IRQ 7/15. */
void pic_spurious_or_eoi(int irq);
