/* SPDX-License-Identifier: MIT */
/*
 * The local APIC (one per CPU: its timer, IPIs, end-of-interrupt) and the
 * I/O APIC (routes device interrupt lines, GSIs, to vectors on CPUs).
 */
#pragma once

#include "lib/compiler.h"

void lapic_init(uint64_t phys);
void lapic_cpu_init(void);
uint32_t lapic_id(void);
void lapic_eoi(void);
/* Periodic timer on vector at `count` ticks of the (divided) bus clock. */
void lapic_timer_periodic(int vector, uint32_t count);
void lapic_timer_stop(void);
/* Start a one-shot countdown from 0xFFFFFFFF; read how far it got. */
void lapic_timer_start_count(void);
uint32_t lapic_timer_elapsed(void);
void lapic_send_ipi(uint32_t apic_id, int vector);
void lapic_send_nmi(uint32_t apic_id);
void lapic_send_init(uint32_t apic_id);
void lapic_send_sipi(uint32_t apic_id, uint8_t page);
bool lapic_present(void);

/* I/O APIC trigger/polarity flags for ioapic_route(). */
#define IOAPIC_LEVEL    (1u << 15)
#define IOAPIC_LOW      (1u << 13)
#define IOAPIC_MASKED   (1u << 16)

void ioapic_init(void);
/* Route GSI to vector on the CPU with apic_id; flags as above. */
int ioapic_route(uint32_t gsi, int vector, uint32_t apic_id, uint32_t flags);
void ioapic_mask(uint32_t gsi, bool masked);
/* Route an ISA IRQ (0-15), honouring ACPI's interrupt source overrides. */
int ioapic_route_isa(uint8_t irq, int vector);
