/* SPDX-License-Identifier: MIT */
/* printf-style formatting into buffers.  Pure C, unit tested on the host. */
#pragma once

#include <stdarg.h>
#include "lib/compiler.h"

/*
 * Supports %d %i %u %x %X %o %p %s %c %%, the flags "-0+ #", width and
 * precision (both may be *), and the length modifiers hh h l ll z t j.
 * Returns the length the full output would have, like C99 vsnprintf.
 */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
