// SPDX-License-Identifier: MIT
// kvsnprintf against the host's snprintf on the conversions the kernel uses.
// UNIT_SRCS: kernel/lib/format.c kernel/lib/string.c
// UNIT_CFLAGS: -fno-builtin -Dmemcpy=k_memcpy -Dmemmove=k_memmove -Dmemset=k_memset -Dmemcmp=k_memcmp -Dmemchr=k_memchr -Dstrlen=k_strlen -Dstrnlen=k_strnlen -Dstrcmp=k_strcmp -Dstrncmp=k_strncmp -Dstrchr=k_strchr -Dstrrchr=k_strrchr -Dstrstr=k_strstr -Dstrlcpy=k_strlcpy -Dstrlcat=k_strlcat
#include <stdio.h>
#include "unit.h"
#include "lib/format.h"

#define SAME(...)                                                           \
	do {                                                                \
		char k[128], h[128];                                        \
		int kn = ksnprintf(k, sizeof(k), __VA_ARGS__);              \
		int hn = snprintf(h, sizeof(h), __VA_ARGS__);               \
		CHECK_EQ(kn, hn);                                           \
		CHECK_STR(k, h);                                            \
	} while (0)

TEST(integers)
{
	SAME("%d %i %u", 42, -17, 3000000000u);
	SAME("%ld %lld %lu", -1L, -9223372036854775807LL - 1, 18446744073709551615UL);
	SAME("%x %X %o %#x %#o", 255, 255, 8, 255, 8);
	SAME("%5d|%-5d|%05d|%+d|% d", 42, 42, 42, 42, 42);
	SAME("%.3d|%8.3d|%-8.3d|%.0d", 7, 7, 7, 0);
	SAME("%hhd %hd %zu %td", 300, 70000, (size_t)12, (ptrdiff_t)-3);
	SAME("%#x %#X", 0, 0xabc);
	SAME("%*d|%-*d|%.*d", 6, 1, 6, 2, 4, 3);
	SAME("%016llx", 0xdeadbeefULL);
}

TEST(strings_and_chars)
{
	SAME("%s|%10s|%-10s|%.2s", "abc", "abc", "abc", "abc");
	SAME("%c%c%c", 'a', 'b', 'c');
	SAME("100%% sure");
	SAME("%3c|%-3c|", 'x', 'y');
}

TEST(pointers)
{
	char k[64], h[64];

	ksnprintf(k, sizeof(k), "%p", (void *)0x1234);
	snprintf(h, sizeof(h), "%p", (void *)0x1234);
	CHECK_STR(k, h);
}

TEST(truncation)
{
	char buf[8];

	CHECK_EQ(ksnprintf(buf, sizeof(buf), "hello, world"), 12);
	CHECK_STR(buf, "hello, ");
	CHECK_EQ(ksnprintf(buf, 1, "abc"), 3);
	CHECK_STR(buf, "");
	CHECK_EQ(ksnprintf(NULL, 0, "%d", 12345), 5);
	const char *volatile nul = NULL;   /* hide the NULL from -Wformat */
	CHECK_EQ(ksnprintf(buf, sizeof(buf), "%s", nul), 6);
	CHECK_STR(buf, "(null)");
}
