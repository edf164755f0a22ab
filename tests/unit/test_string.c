// SPDX-License-Identifier: MIT
// Kernel string and memory routines against libc's.
// UNIT_SRCS: kernel/lib/string.c
// UNIT_CFLAGS: -fno-builtin -Dmemcpy=k_memcpy -Dmemmove=k_memmove -Dmemset=k_memset -Dmemcmp=k_memcmp -Dmemchr=k_memchr -Dstrlen=k_strlen -Dstrnlen=k_strnlen -Dstrcmp=k_strcmp -Dstrncmp=k_strncmp -Dstrchr=k_strchr -Dstrrchr=k_strrchr -Dstrstr=k_strstr -Dstrlcpy=k_strlcpy -Dstrlcat=k_strlcat
#include "unit.h"
#include "lib/string.h"

static int sign(int x) { return (x > 0) - (x < 0); }

TEST(memcpy_all_alignments)
{
	unsigned char src[64], dst[80];

	for (int i = 0; i < 64; i++)
		src[i] = (unsigned char)(i * 7 + 1);
	for (int so = 0; so < 8; so++)
		for (int doff = 0; doff < 8; doff++)
			for (int n = 0; n <= 48; n++) {
				k_memset(dst, 0xAA, sizeof(dst));
				k_memcpy(dst + doff, src + so, n);
				for (int i = 0; i < n; i++)
					CHECK_EQ(dst[doff + i], src[so + i]);
				CHECK_EQ(dst[doff + n], 0xAA);
			}
}

TEST(memmove_overlap)
{
	char a[32], b[32];

	for (int shift = -8; shift <= 8; shift++) {
		for (int i = 0; i < 32; i++)
			a[i] = b[i] = (char)i;
		k_memmove(a + 8 + shift, a + 8, 12);
		for (int i = 0; i < 12; i++)
			b[8 + shift + i] = (char)(8 + i);
		CHECK(k_memcmp(a, b, 32) == 0);
	}
}

TEST(memset_and_memcmp)
{
	char a[40];

	k_memset(a, 'x', sizeof(a));
	for (int i = 0; i < 40; i++)
		CHECK_EQ(a[i], 'x');
	CHECK_EQ(sign(k_memcmp("abc", "abd", 3)), -1);
	CHECK_EQ(sign(k_memcmp("abd", "abc", 3)), 1);
	CHECK_EQ(k_memcmp("abc", "abc", 3), 0);
	CHECK_EQ(sign(k_memcmp("\x80", "\x01", 1)), 1);   /* bytes compare unsigned */
	CHECK(k_memchr("hello", 'l', 5) != NULL);
	CHECK(*(const char *)k_memchr("hello", 'l', 5) == 'l');
	CHECK(k_memchr("hello", 'z', 5) == NULL);
}

TEST(strings)
{
	const char *s = "hello, world";
	char buf[8];

	CHECK_EQ(k_strlen(s), 12);
	CHECK_EQ(k_strnlen(s, 5), 5);
	CHECK_EQ(sign(k_strcmp("a", "b")), -1);
	CHECK_EQ(k_strcmp("same", "same"), 0);
	CHECK_EQ(k_strncmp("abcX", "abcY", 3), 0);
	CHECK(k_strchr(s, 'w') == s + 7);
	CHECK(k_strchr(s, 'z') == NULL);
	CHECK(k_strchr(s, '\0') == s + 12);
	CHECK(k_strrchr(s, 'o') == s + 8);
	CHECK(k_strstr(s, "world") == s + 7);
	CHECK(k_strstr(s, "xyz") == NULL);
	CHECK_EQ(k_strlcpy(buf, s, sizeof(buf)), 12);
	CHECK_STR(buf, "hello, ");
	CHECK_EQ(k_strlcat(buf, "abc", sizeof(buf)), 10);
	CHECK_STR(buf, "hello, ");
	k_strlcpy(buf, "ab", sizeof(buf));
	CHECK_EQ(k_strlcat(buf, "cd", sizeof(buf)), 4);
	CHECK_STR(buf, "abcd");
}

TEST(number_parsing)
{
	const char *end;
	uint64_t v;

	CHECK_EQ(kstrtoull("1234xyz", &end, 10), 1234);
	CHECK_EQ(*end, 'x');
	CHECK_EQ(kstrtoull("0x1F", NULL, 0), 31);
	CHECK_EQ(kstrtoull("017", NULL, 0), 15);
	CHECK_EQ(kstrtoull("0", NULL, 0), 0);
	CHECK_EQ(kparse_size("64K", &v), 0);
	CHECK_EQ(v, 65536);
	CHECK_EQ(kparse_size("2G", &v), 0);
	CHECK_EQ(v, 2ull << 30);
	CHECK_EQ(kparse_size("12Q", &v), -1);
	CHECK_EQ(kparse_size("", &v), -1);
}
