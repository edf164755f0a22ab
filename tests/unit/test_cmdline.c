// SPDX-License-Identifier: MIT
// Kernel command-line splitting, quoting and lookup.
// UNIT_SRCS: kernel/core/cmdline.c kernel/lib/string.c
// UNIT_CFLAGS: -fno-builtin -Dmemcpy=k_memcpy -Dmemmove=k_memmove -Dmemset=k_memset -Dmemcmp=k_memcmp -Dmemchr=k_memchr -Dstrlen=k_strlen -Dstrnlen=k_strnlen -Dstrcmp=k_strcmp -Dstrncmp=k_strncmp -Dstrchr=k_strchr -Dstrrchr=k_strrchr -Dstrstr=k_strstr -Dstrlcpy=k_strlcpy -Dstrlcat=k_strlcat
#include "unit.h"
#include "core/cmdline.h"

static struct cmdline cl;

TEST(words_and_values)
{
	cmdline_parse(&cl, "  console=ttyS0 rdinit=/init quiet loglevel=3  ");
	CHECK_EQ(cl.nwords, 4);
	CHECK_STR(cmdline_get(&cl, "console"), "ttyS0");
	CHECK_STR(cmdline_get(&cl, "rdinit"), "/init");
	CHECK_STR(cmdline_get(&cl, "quiet"), "");
	CHECK(cmdline_get(&cl, "root") == NULL);
	CHECK(cmdline_has(&cl, "quiet"));
	CHECK_EQ(cmdline_get_int(&cl, "loglevel", 7), 3);
	CHECK_EQ(cmdline_get_int(&cl, "missing", 7), 7);
	CHECK_EQ(cl.nunknown, 0);
}

TEST(unknown_words_go_to_init)
{
	cmdline_parse(&cl, "keel.ktest=all HOME=/root single foo.bar=1");
	CHECK_EQ(cl.nwords, 4);
	CHECK(cl.words[0].known);
	CHECK(!cl.words[1].known);
	CHECK(!cl.words[2].known);
	CHECK_EQ(cl.nunknown, 3);
}

TEST(quotes_and_last_wins)
{
	cmdline_parse(&cl, "init=/bin/sh msg=\"hello world\" init=/sbin/init x=\"\"");
	CHECK_STR(cmdline_get(&cl, "msg"), "hello world");
	CHECK_STR(cmdline_get(&cl, "init"), "/sbin/init");
	CHECK_STR(cmdline_get(&cl, "x"), "");
	CHECK_EQ(cmdline_get_int(&cl, "init", -1), -1);   /* not a number */
}

TEST(overlong_input_is_truncated_not_overrun)
{
	static char big[4000];

	for (int i = 0; i < (int)sizeof(big) - 1; i++)
		big[i] = (i % 5 == 4) ? ' ' : 'a';
	cmdline_parse(&cl, big);
	CHECK(cl.truncated);
	CHECK(cl.nwords <= CMDLINE_MAX_WORDS);
	cmdline_parse(&cl, "");
	CHECK_EQ(cl.nwords, 0);
}
