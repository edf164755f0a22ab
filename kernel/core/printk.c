// SPDX-License-Identifier: MIT
/*
 * printk: format, time-stamp, keep in the log ring, write to the consoles.
 *
 * One spinlock serializes everything, so lines from interrupt handlers and
 * threads never interleave mid-line.  panic() switches to lock-free mode,
 * since it may have interrupted a printk that holds the lock.
 */
#include "core/printk.h"
#include "lib/format.h"
#include "lib/string.h"
#include "sync/spinlock.h"

#define LOG_RING_SIZE (64 * 1024)

/* Protects the ring, the console list and console output.  Lock order: leaf. */
static struct spinlock log_lock = SPINLOCK_INIT("printk");
static char log_ring[LOG_RING_SIZE];      /* [log_lock] */
static uint64_t log_head;                 /* [log_lock] bytes ever written */
static struct console *consoles;          /* [log_lock] */
static int console_level = 7;             /* print levels below this */
static bool panic_mode;
static uint64_t (*clock_ns)(void);

void
printk_set_level(int level)
{
	console_level = level;
}

void
printk_set_clock(uint64_t (*ns_since_boot)(void))
{
	clock_ns = ns_since_boot;
}

void
printk_panic_mode(void)
{
	panic_mode = true;
	console_level = 8;
}

void
console_register(struct console *con)
{
	spin_lock(&log_lock);
	con->next = consoles;
	consoles = con;
	spin_unlock(&log_lock);
}

static void
emit(const char *s, size_t n, bool to_console)
{
	for (size_t i = 0; i < n; i++)
		log_ring[(log_head + i) % LOG_RING_SIZE] = s[i];
	log_head += n;
	if (!to_console)
		return;
	for (struct console *c = consoles; c; c = c->next)
		c->write(c, s, n);
}

int
vprintk(const char *fmt, va_list ap)
{
	char line[512];
	int level = 6, n = 0, len;
	uint64_t ns = clock_ns ? clock_ns() : 0;

	if (fmt[0] == '\001' && fmt[1] >= '0' && fmt[1] <= '7') {
		level = fmt[1] - '0';
		fmt += 2;
	}
	n = ksnprintf(line, sizeof(line), "[%5llu.%06llu] ",
		      (unsigned long long)(ns / 1000000000),
		      (unsigned long long)(ns % 1000000000 / 1000));
	len = kvsnprintf(line + n, sizeof(line) - n, fmt, ap);
	len = MIN(len + n, (int)sizeof(line) - 1);

	if (panic_mode) {
		emit(line, len, true);
		return len;
	}
	spin_lock(&log_lock);
	emit(line, len, level < console_level);
	spin_unlock(&log_lock);
	return len;
}

int
printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

static void
emit_raw(const char *s, size_t n)
{
	for (struct console *c = consoles; c; c = c->next)
		(c->write_raw ? c->write_raw : c->write)(c, s, n);
}

void
console_write_raw(const char *s, size_t n)
{
	if (panic_mode) {
		emit_raw(s, n);
		return;
	}
	spin_lock(&log_lock);
	emit_raw(s, n);
	spin_unlock(&log_lock);
}

size_t
printk_read_log(char *buf, size_t size)
{
	size_t n, start;

	spin_lock(&log_lock);
	n = MIN(size, (size_t)MIN(log_head, (uint64_t)LOG_RING_SIZE));
	start = log_head - n;
	for (size_t i = 0; i < n; i++)
		buf[i] = log_ring[(start + i) % LOG_RING_SIZE];
	spin_unlock(&log_lock);
	return n;
}
