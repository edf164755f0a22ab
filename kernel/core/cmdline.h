/* SPDX-License-Identifier: MIT */
/*
 * The kernel command line, Linux style: words separated by blanks, each
 * `name=value` or a bare `name`; a value may be double-quoted to hold
 * blanks.  Words the kernel knows configure it; as on Linux, the rest are
 * handed to init, `name=value` words in its environment and bare words as
 * its arguments.  Pure C, unit tested on the host.
 */
#pragma once

#include "lib/compiler.h"

#define CMDLINE_MAX_WORDS 64
#define CMDLINE_MAX_LEN   1024

struct cmdline_word {
	const char *name;
	const char *value;   /* NULL for a bare word */
	bool known;
};

struct cmdline {
	char buf[CMDLINE_MAX_LEN];
	unsigned nwords;
	struct cmdline_word words[CMDLINE_MAX_WORDS];
	unsigned nunknown;   /* words passed on to init */
	bool truncated;      /* too long or too many words */
};

/* Split s into words and mark the ones the kernel understands. */
void cmdline_parse(struct cmdline *cl, const char *s);
/* The value of the last `name=value` word, "" for a bare `name`, NULL if absent. */
const char *cmdline_get(const struct cmdline *cl, const char *name);
bool cmdline_has(const struct cmdline *cl, const char *name);
/* Integer value of name, or def when absent or not a number. */
long cmdline_get_int(const struct cmdline *cl, const char *name, long def);
/* True when name is a word the kernel itself acts on. */
bool cmdline_is_kernel_word(const char *name);

extern struct cmdline kernel_cmdline;
