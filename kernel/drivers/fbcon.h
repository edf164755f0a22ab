/* SPDX-License-Identifier: MIT */
/* Text console on a linear framebuffer (UEFI GOP, VBE): a mirror of the serial console. */
#pragma once

#include "arch/bootinfo.h"

/*
 * Map the loader's framebuffer and register it as a console.  Needs the
 * kernel page tables and kmalloc.  Returns 0, or -errno with the reason
 * logged (no framebuffer, an unsupported pixel format, no memory).
 */
int fbcon_init(const struct boot_fb *fb);
