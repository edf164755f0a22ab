// SPDX-License-Identifier: MIT
/*
 * serialdrive: type at a console and check what comes back, following a
 * script (the language is in script.h).  It talks either to a QEMU serial
 * port exposed as a Unix socket, or to any program it starts on a
 * pseudo-terminal, so one script can be proved on the host's shell and
 * then run against Keel unchanged:
 *
 *	serialdrive [-v] [-l LOG] -s SOCKET SCRIPT
 *	serialdrive [-v] [-l LOG] SCRIPT -- COMMAND [ARG...]
 *
 * It prints "PASS step" for each step that completes and, at the first
 * expectation not met, "FAIL step: ..." with the script line, what was
 * expected and the output it was looking at (control bytes made visible),
 * then exits 1.  -l writes the whole raw transcript to LOG; -v echoes the
 * output to stderr as it arrives.  The QEMU side is started with
 *
 *	-chardev socket,id=ser0,path=SOCKET,server=on,wait=on -serial chardev:ser0
 *
 * so no boot output is lost before the driver connects.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "script.h"
#include "transport.h"

static struct {
	int fd;			/* the console */
	pid_t child;		/* the program on the pty, if any */
	char *out;		/* everything received, NUL-terminated */
	size_t len, cap;
	size_t cursor;		/* matching starts here */
	int eof;
	int verbose;
	FILE *log;
	long timeout_ms;
	const char *step;
	char prompt[256];
} sd = { .fd = -1, .timeout_ms = 10000, .step = "start" };

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void
append(const char *buf, size_t n)
{
	if (sd.len + n + 1 > sd.cap) {
		sd.cap = (sd.len + n + 1) * 2;
		sd.out = realloc(sd.out, sd.cap);
		if (!sd.out) {
			perror("serialdrive");
			exit(2);
		}
	}
	for (size_t i = 0; i < n; i++)	/* NULs would end the regex's string */
		sd.out[sd.len++] = buf[i] ? buf[i] : '?';
	sd.out[sd.len] = 0;
	if (sd.log)
		fwrite(buf, 1, n, sd.log);
	if (sd.verbose)
		fwrite(buf, 1, n, stderr);
}

/* Take what output arrives within ms milliseconds (0: only what is there). */
static void
pump(long ms)
{
	struct pollfd p = { .fd = sd.fd, .events = POLLIN };
	char buf[4096];

	if (sd.eof || poll(&p, 1, ms) <= 0)
		return;
	ssize_t n = read(sd.fd, buf, sizeof(buf));
	if (n > 0)
		append(buf, n);
	else if (n == 0 || errno != EINTR)
		sd.eof = 1;	/* a pty master reads EIO once the slave is gone */
}

static void
send_bytes(const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(sd.fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "serialdrive: write: %s\n", strerror(errno));
			exit(2);
		}
		buf += n;
		len -= n;
	}
}

/* Copy text with control bytes written as \xNN, for one-line messages. */
static void
visible(const char *in, char *out, size_t size)
{
	size_t n = 0;

	for (; *in && n + 5 < size; in++) {
		unsigned char c = *in;

		if (c < 32 || c == 127)
			n += snprintf(out + n, size - n, "\\x%02x", c);
		else
			out[n++] = c;
	}
	out[n] = 0;
}

/* Print text with control bytes made visible. */
static void
show(FILE *f, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (c == '\n')
			fputs("\\n\n    ", f);
		else if (c == '\r')
			fputs("\\r", f);
		else if (c < 32 || c == 127)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc('\n', f);
}

static void __attribute__((noreturn))
fail(const struct sd_script *s, const struct sd_cmd *c, const char *why)
{
	size_t from = sd.cursor > 200 ? sd.cursor - 200 : 0;

	if (sd.len - from > 3000)
		from = sd.len - 3000;
	printf("FAIL %s: %s:%d: %s\n", sd.step, s->path, c->line, why);
	fflush(stdout);
	fprintf(stderr, "serialdrive: transcript (from byte %zu; matching resumed at %zu):\n    ",
		from, sd.cursor);
	show(stderr, sd.out + from, sd.len - from);
	if (sd.child > 0)
		kill(-sd.child, SIGKILL);
	exit(1);
}

/* Search the unmatched output; on a match move the cursor past it. */
static int
find(const struct sd_cmd *c, const regex_t *re)
{
	const char *base = sd.out + sd.cursor;
	regmatch_t m;

	if (re) {
		if (regexec(re, base, 1, &m, sd.cursor ? REG_NOTBOL : 0) != 0)
			return 0;
		sd.cursor += m.rm_eo;
		return 1;
	}
	const char *hit = memmem(base, sd.len - sd.cursor, c->arg, c->len);
	if (!hit)
		return 0;
	sd.cursor = hit - sd.out + c->len;
	return 1;
}

static void
expect(const struct sd_script *s, const struct sd_cmd *c, const char *text, int is_re)
{
	long long deadline = now_ms() + sd.timeout_ms;
	struct sd_cmd lit = *c;
	regex_t re;
	char why[700], shown[512];

	lit.arg = (char *)text;
	lit.len = strlen(text);
	if (is_re && regcomp(&re, text, REG_EXTENDED | REG_NEWLINE) != 0)
		fail(s, c, "bad regular expression");
	for (;;) {
		if (find(&lit, is_re ? &re : NULL))
			break;
		long left = deadline - now_ms();
		if (left <= 0 || sd.eof) {
			visible(text, shown, sizeof(shown));
			snprintf(why, sizeof(why), "expected %s\"%s\" within %ld s%s",
				 is_re ? "a match for " : "", shown, sd.timeout_ms / 1000,
				 sd.eof ? " (the other side closed)" : "");
			fail(s, c, why);
		}
		pump(left);
	}
	if (is_re)
		regfree(&re);
}

static void
wait_eof(const struct sd_script *s, const struct sd_cmd *c)
{
	long long deadline = now_ms() + sd.timeout_ms;

	while (!sd.eof) {
		long left = deadline - now_ms();
		if (left <= 0)
			fail(s, c, "expected the other side to close");
		pump(left);
	}
}

static void
step_done(void)
{
	if (strcmp(sd.step, "start"))
		printf("PASS %s\n", sd.step);
	fflush(stdout);
}

static void
run_cmd(const struct sd_script *s, const struct sd_cmd *c)
{
	long long until;

	switch (c->op) {
	case SD_STEP:
		step_done();
		sd.step = c->arg;
		break;
	case SD_TIMEOUT:
		sd.timeout_ms = c->num * 1000;
		break;
	case SD_SEND:
		pump(0);
		send_bytes(c->arg, c->len);
		break;
	case SD_EXPECT:
	case SD_EXPECT_RE:
		expect(s, c, c->arg, c->op == SD_EXPECT_RE);
		break;
	case SD_PROMPT:
		snprintf(sd.prompt, sizeof(sd.prompt), "%s", c->arg);
		break;
	case SD_SYNC:
		if (!sd.prompt[0])
			fail(s, c, "sync before any prompt was set");
		expect(s, c, sd.prompt, 0);
		break;
	case SD_PAUSE:
		until = now_ms() + c->num;
		while (now_ms() < until && !sd.eof)
			pump(until - now_ms());
		break;
	case SD_EOF:
		wait_eof(s, c);
		break;
	}
}

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: serialdrive [-v] [-l LOG] -s SOCKET SCRIPT\n"
			"       serialdrive [-v] [-l LOG] SCRIPT -- COMMAND [ARG...]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *sock = NULL, *logpath = NULL;
	struct sd_script script;
	int opt;

	while ((opt = getopt(argc, argv, "+vl:s:")) != -1) {
		switch (opt) {
		case 'v': sd.verbose = 1; break;
		case 'l': logpath = optarg; break;
		case 's': sock = optarg; break;
		default: usage();
		}
	}
	if (optind >= argc || (!sock && (optind + 2 >= argc || strcmp(argv[optind + 1], "--"))))
		usage();
	if (sd_script_load(&script, argv[optind]) < 0)
		return 2;
	if (logpath && !(sd.log = fopen(logpath, "w"))) {
		perror(logpath);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	append("", 0);	/* an empty, NUL-terminated transcript */
	sd.fd = sock ? sd_connect_socket(sock, 30) : sd_start_on_pty(argv + optind + 2, &sd.child);
	if (sd.fd < 0)
		return 2;
	for (int i = 0; i < script.ncmds; i++)
		run_cmd(&script, &script.cmds[i]);
	step_done();
	sd_finish_child(sd.child);
	printf("serialdrive: %s: every step passed\n", script.path);
	return 0;
}
