// SPDX-License-Identifier: MIT
/*
 * Reading serialdrive scripts (the language is described in script.h).
 * Parsing happens before anything is sent, so a typo in a script is found
 * at once instead of minutes into a boot.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script.h"

static const struct {
	const char *word;
	enum sd_op op;
	int arg;	/* 0 none, 1 text, 2 number */
} words[] = {
	{ "step", SD_STEP, 1 },		{ "timeout", SD_TIMEOUT, 2 },
	{ "send", SD_SEND, 1 },		{ "line", SD_SEND, 1 },
	{ "ctrl", SD_SEND, 1 },		{ "expect", SD_EXPECT, 1 },
	{ "expect-re", SD_EXPECT_RE, 1 }, { "prompt", SD_PROMPT, 1 },
	{ "sync", SD_SYNC, 0 },		{ "pause", SD_PAUSE, 2 },
	{ "eof", SD_EOF, 0 },
};

static int
hexval(int c)
{
	return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}

/* Decode a quoted string starting after the opening quote.  Returns the
 * decoded length, or -1 if the closing quote is missing. */
static long
unquote(const char *in, char *out)
{
	size_t n = 0;

	for (; *in && *in != '"'; in++) {
		if (*in != '\\') {
			out[n++] = *in;
			continue;
		}
		switch (*++in) {
		case 'n': out[n++] = '\n'; break;
		case 'r': out[n++] = '\r'; break;
		case 't': out[n++] = '\t'; break;
		case 'e': out[n++] = 0x1b; break;
		case 'x':
			if (!isxdigit((unsigned char)in[1]) || !isxdigit((unsigned char)in[2]))
				return -1;
			out[n++] = (char)(hexval(in[1]) * 16 + hexval(in[2]));
			in += 2;
			break;
		case '\\':
		case '"': out[n++] = *in; break;
		case 0: return -1;
		default:	/* kept whole, so regexes keep their \[ and \. */
			out[n++] = '\\';
			out[n++] = *in;
			break;
		}
	}
	out[n] = 0;
	return *in == '"' ? (long)n : -1;
}

/* Fill in a command's argument from the text after its word. */
static int
parse_arg(struct sd_cmd *c, const char *word, const char *rest)
{
	long n;

	c->arg = malloc(strlen(rest) + 3);	/* decoding never lengthens */
	if (!c->arg)
		return -1;
	if (rest[0] == '"') {
		if ((n = unquote(rest + 1, c->arg)) < 0)
			return -1;
	} else {
		strcpy(c->arg, rest);
		n = strlen(rest);
		while (n > 0 && isspace((unsigned char)c->arg[n - 1]))
			c->arg[--n] = 0;
	}
	c->len = n;
	if (!strcmp(word, "line"))
		c->arg[c->len++] = '\r';
	if (!strcmp(word, "ctrl")) {
		if (c->len != 1 || !isalpha((unsigned char)c->arg[0]))
			return -1;
		c->arg[0] = (char)(toupper((unsigned char)c->arg[0]) & 0x1f);
	}
	return c->len > 0 || !strcmp(word, "send") ? 0 : -1;
}

static int
parse_line(struct sd_cmd *c, char *text)
{
	char *word = text + strspn(text, " \t");
	size_t wlen = strcspn(word, " \t");
	char *rest = word + wlen;

	rest += strspn(rest, " \t");
	word[wlen] = 0;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strcmp(word, words[i].word))
			continue;
		c->op = words[i].op;
		if (words[i].arg == 0)
			return *rest ? -1 : 0;
		if (words[i].arg == 2) {
			char *end;
			c->num = strtol(rest, &end, 10);
			return end == rest || c->num < 0 ? -1 : 0;
		}
		return parse_arg(c, word, rest);
	}
	return -1;
}

static int
is_blank_or_comment(const char *s)
{
	s += strspn(s, " \t\r\n");
	return *s == 0 || *s == '#';
}

int
sd_script_load(struct sd_script *s, const char *path)
{
	char buf[4096];
	FILE *f = fopen(path, "r");
	int line = 0, cap = 0;

	s->path = path;
	s->ncmds = 0;
	s->cmds = NULL;
	if (!f) {
		perror(path);
		return -1;
	}
	while (fgets(buf, sizeof(buf), f)) {
		line++;
		buf[strcspn(buf, "\n")] = 0;
		if (is_blank_or_comment(buf))
			continue;
		if (s->ncmds == cap) {
			cap = cap ? cap * 2 : 64;
			s->cmds = realloc(s->cmds, cap * sizeof(*s->cmds));
			if (!s->cmds)
				return -1;
		}
		struct sd_cmd *c = &s->cmds[s->ncmds];
		memset(c, 0, sizeof(*c));
		c->line = line;
		if (parse_line(c, buf) < 0) {
			fprintf(stderr, "serialdrive: %s:%d: cannot parse this line\n", path, line);
			fclose(f);
			return -1;
		}
		s->ncmds++;
	}
	fclose(f);
	return 0;
}
