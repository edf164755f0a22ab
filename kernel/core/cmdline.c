// SPDX-License-Identifier: MIT
/* Command-line splitting and lookup.  See cmdline.h. */
#include "core/cmdline.h"
#include "lib/string.h"

struct cmdline kernel_cmdline;

/* Words Keel acts on; Linux's where Linux has one, keel.* for Keel's own. */
static const char *const kernel_words[] = {
	"console", "root", "rootfstype", "rootflags", "rootwait", "rootdelay", "init", "rdinit",
	"quiet", "loglevel", "debug", "ro", "rw", "mem", "nosmp", "maxcpus", "irqaffinity",
	"panic", "keel.ktest", "keel.sched", "keel.reclaim", "keel.smp",
	"keel.swap", "keel.lockdep", "keel.bench", "keel.hz", "keel.pcid",
	"keel.shelltest",
};

bool
cmdline_is_kernel_word(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(kernel_words); i++)
		if (strcmp(name, kernel_words[i]) == 0)
			return true;
	return false;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Copy one word from *sp into *dp, dropping the quotes around quoted parts.
 * Returns false when the output buffer is full.
 */
static bool
copy_word(const char **sp, char **dp, const char *dend)
{
	const char *s = *sp;
	char *d = *dp;
	bool quoted = false;

	for (; *s && (quoted || !is_blank(*s)); s++) {
		if (*s == '"') {
			quoted = !quoted;
			continue;
		}
		if (d + 1 >= dend)
			return false;
		*d++ = *s;
	}
	*d++ = '\0';
	*sp = s;
	*dp = d;
	return true;
}

void
cmdline_parse(struct cmdline *cl, const char *s)
{
	char *d = cl->buf, *dend = cl->buf + sizeof(cl->buf);

	memset(cl, 0, sizeof(*cl));
	while (*s) {
		struct cmdline_word *w;
		char *start = d, *eq;

		while (is_blank(*s))
			s++;
		if (!*s)
			break;
		if (cl->nwords == CMDLINE_MAX_WORDS || !copy_word(&s, &d, dend)) {
			cl->truncated = true;
			break;
		}
		w = &cl->words[cl->nwords++];
		w->name = start;
		eq = strchr(start, '=');
		if (eq) {
			*eq = '\0';
			w->value = eq + 1;
		}
		w->known = cmdline_is_kernel_word(w->name);
		if (!w->known)
			cl->nunknown++;
	}
}

const char *
cmdline_get(const struct cmdline *cl, const char *name)
{
	const char *v = NULL;

	for (unsigned i = 0; i < cl->nwords; i++)
		if (strcmp(cl->words[i].name, name) == 0)
			v = cl->words[i].value ? cl->words[i].value : "";
	return v;
}

bool
cmdline_has(const struct cmdline *cl, const char *name)
{
	return cmdline_get(cl, name) != NULL;
}

long
cmdline_get_int(const struct cmdline *cl, const char *name, long def)
{
	const char *v = cmdline_get(cl, name), *end;
	bool neg = false;
	long n;

	if (!v || !*v)
		return def;
	if (*v == '-')
		neg = true, v++;
	n = (long)kstrtoull(v, &end, 0);
	if (end == v || *end)
		return def;
	return neg ? -n : n;
}
