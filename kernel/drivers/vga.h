/* SPDX-License-Identifier: MIT */
/* VGA text mode (80x25 at 0xB8000): a mirror of the serial console. */
#pragma once

void vga_init(void);
