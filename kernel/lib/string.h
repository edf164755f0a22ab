/* SPDX-License-Identifier: MIT */
/* The C string and memory functions the kernel uses.  Pure C. */
#pragma once

#include "lib/compiler.h"

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
size_t strlcpy(char *dst, const char *src, size_t size);
size_t strlcat(char *dst, const char *src, size_t size);
char *strstr(const char *hay, const char *needle);

/* Parse an unsigned number; base 0 takes 0x, 0 and decimal like C does. */
unsigned long long kstrtoull(const char *s, const char **end, int base);
/* Parse "123", "64K", "16M", "1G": a size with an optional binary suffix. */
int kparse_size(const char *s, uint64_t *out);
