/* SPDX-License-Identifier: MIT */
/*
 * Kernel log.  Messages carry a Linux-style level prefix; all go to the log
 * ring (for dmesg), and those more urgent than the console level
 * (`loglevel=`, `quiet`) go to every registered console as well.
 */
#pragma once

#include <stdarg.h>
#include "lib/compiler.h"

#define KERN_EMERG   "\0010"
#define KERN_ALERT   "\0011"
#define KERN_CRIT    "\0012"
#define KERN_ERR     "\0013"
#define KERN_WARNING "\0014"
#define KERN_NOTICE  "\0015"
#define KERN_INFO    "\0016"
#define KERN_DEBUG   "\0017"

int printk(const char *fmt, ...) __printf(1, 2);
int vprintk(const char *fmt, va_list ap);

#define pr_emerg(fmt, ...) printk(KERN_EMERG fmt, ##__VA_ARGS__)
#define pr_err(fmt, ...)   printk(KERN_ERR fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...)  printk(KERN_WARNING fmt, ##__VA_ARGS__)
#define pr_notice(fmt, ...) printk(KERN_NOTICE fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...)  printk(KERN_INFO fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...) printk(KERN_DEBUG fmt, ##__VA_ARGS__)

/* A console is anything that can show text: the serial port, VGA, a framebuffer. */
struct console {
	const char *name;
	/* Log text: a console may translate "\n" to what its device needs. */
	void (*write)(struct console *con, const char *s, size_t n);
	/* Program output, already processed by the tty: bytes as they are. */
	void (*write_raw)(struct console *con, const char *s, size_t n);
	struct console *next;
};

void console_register(struct console *con);
/* Program output (the tty): straight to every console, not into the log. */
void console_write_raw(const char *s, size_t n);
void printk_set_level(int level);
/* Copy up to size bytes of the log ring, oldest first; returns the count. */
size_t printk_read_log(char *buf, size_t size);
/* panic(): from now on print without taking the log lock. */
void printk_panic_mode(void);
/* Time stamp source for log lines, installed once the clock is calibrated. */
void printk_set_clock(uint64_t (*ns_since_boot)(void));
