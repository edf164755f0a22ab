/* SPDX-License-Identifier: MIT */
/* The memory devices of major 1: null, zero, full, random, urandom. */
#pragma once

/* Register them with the character device table. */
void mem_devices_init(void);
