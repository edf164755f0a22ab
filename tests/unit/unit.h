/* SPDX-License-Identifier: MIT */
/*
 * A very small host test framework.  TEST(name) defines a test function and
 * registers it before main() runs; CHECK(cond) and CHECK_EQ(a, b) fail the
 * current test (printing the line) without stopping the others.  Each test
 * prints "PASS unit/<file>/<name>" or "FAIL ...".
 */
#pragma once

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct unit_test {
	const char *name;
	void (*fn)(void);
};

void unit_register(const char *name, void (*fn)(void));
extern int unit_failed;

#define TEST(name)                                                        \
	static void test_##name(void);                                    \
	__attribute__((constructor)) static void reg_##name(void)         \
	{                                                                 \
		unit_register(#name, test_##name);                        \
	}                                                                 \
	static void test_##name(void)

#define CHECK(c)                                                          \
	do {                                                              \
		if (!(c)) {                                               \
			printf("  %s:%d: check failed: %s\n", __FILE__,   \
			       __LINE__, #c);                             \
			unit_failed = 1;                                  \
		}                                                         \
	} while (0)

#define CHECK_EQ(a, b)                                                    \
	do {                                                              \
		long long _a = (long long)(a), _b = (long long)(b);       \
		if (_a != _b) {                                           \
			printf("  %s:%d: %s == %s failed: %lld != %lld\n", \
			       __FILE__, __LINE__, #a, #b, _a, _b);       \
			unit_failed = 1;                                  \
		}                                                         \
	} while (0)

#define CHECK_STR(a, b)                                                   \
	do {                                                              \
		const char *_a = (a), *_b = (b);                          \
		if (strcmp(_a, _b) != 0) {                                \
			printf("  %s:%d: \"%s\" != \"%s\"\n", __FILE__,   \
			       __LINE__, _a, _b);                         \
			unit_failed = 1;                                  \
		}                                                         \
	} while (0)
