// SPDX-License-Identifier: MIT
/*
 * reboot(2): power off, restart or halt the machine.  Like Linux it wants
 * two magic numbers (so a stray call with random arguments does nothing)
 * and privilege.
 */
#include "core/reboot.h"
#include "arch/arch.h"
#include "core/printk.h"
#include "sched/cred.h"
#include "sched/sched.h"
#include "uapi/errno.h"

#define MAGIC1  0xfee1dead
#define MAGIC2  672274793
#define MAGIC2A 85072278
#define MAGIC2B 369367448
#define MAGIC2C 537993216
#define CMD_RESTART   0x01234567
#define CMD_HALT      0xCDEF0123
#define CMD_CAD_ON    0x89ABCDEF
#define CMD_CAD_OFF   0x00000000
#define CMD_POWER_OFF 0x4321FEDC
#define CMD_RESTART2  0xA1B2C3D4

static void (*before_shutdown)(void);

void
reboot_set_sync_hook(void (*fn)(void))
{
	before_shutdown = fn;
}

long
sys_reboot(uint32_t magic1, uint32_t magic2, uint32_t cmd, void *arg)
{
	if (magic1 != MAGIC1 || (magic2 != MAGIC2 && magic2 != MAGIC2A &&
				 magic2 != MAGIC2B && magic2 != MAGIC2C))
		return -EINVAL;
	if (current()->cred->euid != 0)
		return -EPERM;
	switch (cmd) {
	case CMD_CAD_ON:
	case CMD_CAD_OFF:
		return 0;
	case CMD_POWER_OFF:
	case CMD_RESTART:
	case CMD_RESTART2:
	case CMD_HALT:
		break;
	default:
		return -EINVAL;
	}
	if (before_shutdown)
		before_shutdown();
	if (cmd == CMD_POWER_OFF) {
		printk("reboot: power down\n");
		arch_poweroff();
	}
	if (cmd == CMD_HALT) {
		printk("reboot: system halted\n");
		arch_halt_forever();
	}
	printk("reboot: restarting system\n");
	arch_reboot();
}
