// SPDX-License-Identifier: MIT
/*
 * Byte and string routines.  Written for clarity over speed: the kernel copies
 * little in hot paths, and the freestanding build cannot call libc.  The host
 * unit tests compile this file as it is and compare it with libc.
 */
#include "lib/string.h"

void *
memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	/*
	 * Eight bytes at a time once both pointers allow it, 64 per turn of
	 * the loop: the kernel copies whole 4 KiB blocks and pages, and under
	 * an emulator (QEMU's TCG) every loop instruction costs as much as a
	 * load or a store.
	 */
	if ((((uintptr_t)d | (uintptr_t)s) & 7) == 0) {
		uint64_t *d8 = (uint64_t *)d;
		const uint64_t *s8 = (const uint64_t *)s;

		for (; n >= 64; n -= 64, d8 += 8, s8 += 8) {
			uint64_t a = s8[0], b = s8[1], c = s8[2], e = s8[3];
			uint64_t f = s8[4], g = s8[5], h = s8[6], i = s8[7];

			d8[0] = a; d8[1] = b; d8[2] = c; d8[3] = e;
			d8[4] = f; d8[5] = g; d8[6] = h; d8[7] = i;
		}
		for (; n >= 8; n -= 8)
			*d8++ = *s8++;
		d = (unsigned char *)d8;
		s = (const unsigned char *)s8;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *
memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return dst;
	if (d < s || d >= s + n)
		return memcpy(dst, src, n);
	/* Overlap with dst above src: copy backwards. */
	while (n--)
		d[n] = s[n];
	return dst;
}

void *
memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	if (((uintptr_t)d & 7) == 0) {
		uint64_t v = (unsigned char)c * 0x0101010101010101ULL, *d8 = (uint64_t *)d;

		for (; n >= 64; n -= 64, d8 += 8) {     /* as memcpy: 64 bytes a turn */
			d8[0] = v; d8[1] = v; d8[2] = v; d8[3] = v;
			d8[4] = v; d8[5] = v; d8[6] = v; d8[7] = v;
		}
		for (; n >= 8; n -= 8)
			*d8++ = v;
		d = (unsigned char *)d8;
	}
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

int
memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

void *
memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (size_t i = 0; i < n; i++)
		if (p[i] == (unsigned char)c)
			return (void *)(p + i);
	return NULL;
}

size_t
strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t
strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int
strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int
strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

char *
strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *
strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

/* Copy with truncation; always terminates when size > 0. Returns strlen(src). */
size_t
strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

size_t
strlcat(char *dst, const char *src, size_t size)
{
	size_t dlen = strnlen(dst, size);

	if (dlen == size)
		return size + strlen(src);
	return dlen + strlcpy(dst + dlen, src, size - dlen);
}

char *
strstr(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (strncmp(hay, needle, n) == 0)
			return (char *)hay;
	return n == 0 ? (char *)hay : NULL;
}

static int
digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

unsigned long long
kstrtoull(const char *s, const char **end, int base)
{
	unsigned long long v = 0;

	if (base == 0) {
		if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
			base = 16, s += 2;
		else if (s[0] == '0' && s[1])
			base = 8, s++;
		else
			base = 10;
	} else if (base == 16 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
	}
	for (int d; (d = digit_value(*s)) < base; s++)
		v = v * base + d;
	if (end)
		*end = s;
	return v;
}

int
kparse_size(const char *s, uint64_t *out)
{
	const char *end;
	uint64_t v;

	if (digit_value(*s) >= 10)
		return -1;
	v = kstrtoull(s, &end, 0);
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	default: break;
	}
	if (*end)
		return -1;
	*out = v;
	return 0;
}
