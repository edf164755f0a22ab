/* SPDX-License-Identifier: MIT */
#pragma once

#include "lib/compiler.h"

/* Called before power-off or restart (file systems flush here). */
void reboot_set_sync_hook(void (*fn)(void));
long sys_reboot(uint32_t magic1, uint32_t magic2, uint32_t cmd, void *arg);
