/* SPDX-License-Identifier: MIT */
/* The 16550 UART on COM1: Keel's console. */
#pragma once

#include "lib/compiler.h"

void serial_init(void);
void serial_putc(char c);
/* Receive: returns -1 when no byte is waiting. */
int serial_getc(void);
/* Deliver received bytes to fn from the UART interrupt (the tty installs it). */
void serial_enable_rx_irq(void (*fn)(char c));
