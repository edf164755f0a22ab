// SPDX-License-Identifier: MIT
/*
 * linestamp: copy a serial console's output from stdin to stdout, each
 * line prefixed with the milliseconds since linestamp started, and give up
 * early on a guest that never boots.  A host tool of `make bench`.
 *
 *	linestamp [-m MARKER -w SECONDS] [-e END -g SECONDS] < serial > log
 *
 * The harness starts linestamp and QEMU together, so a line's stamp is the
 * time since QEMU started: the stamp of init's first line is the boot time.
 * With -m, if no line containing MARKER arrives within SECONDS, linestamp
 * stops reading and exits 3 (the harness then ends QEMU); it exits 4 when
 * the input ends without the marker, and 0 when it ends after it.  With -e,
 * a line containing END gives the guest -g SECONDS more (to power off)
 * before linestamp stops reading and exits 0, so a kernel that cannot
 * power off costs seconds, not the whole boot's time limit.
 * Carriage returns are dropped, so "\r\n" console lines read as plain lines.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double
ls_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The command line (see the top of the file) and what has been seen. */
struct ls_state {
	const char *marker, *end;
	double wait_ms, grace_ms;
	double t0;		/* start, in ls_now_ms() time */
	int seen_marker, seen_end;
	char buf[4096];		/* the line being gathered */
	size_t len;
	double line_ms;		/* when its first byte arrived */
};

/* Print the line gathered so far and note the markers it holds. */
static void
ls_emit(struct ls_state *s)
{
	s->buf[s->len] = '\0';
	printf("%10.1f %s\n", s->line_ms - s->t0, s->buf);
	fflush(stdout);
	if (s->marker && strstr(s->buf, s->marker))
		s->seen_marker = 1;
	if (s->end && strstr(s->buf, s->end))
		s->seen_end = 1;
	s->len = 0;
}

/* Take one chunk of input, emitting each line it completes. */
static void
ls_feed(struct ls_state *s, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s->len == 0)
			s->line_ms = ls_now_ms();
		if (p[i] == '\r')
			continue;
		if (p[i] == '\n' || s->len == sizeof(s->buf) - 1) {
			ls_emit(s);
			if (p[i] == '\n')
				continue;
			s->line_ms = ls_now_ms();
		}
		s->buf[s->len++] = p[i];
	}
}

static int
ls_parse(int argc, char **argv, struct ls_state *s)
{
	int opt;

	while ((opt = getopt(argc, argv, "m:w:e:g:")) != -1) {
		if (opt == 'm')
			s->marker = optarg;
		else if (opt == 'w')
			s->wait_ms = atof(optarg) * 1e3;
		else if (opt == 'e')
			s->end = optarg;
		else if (opt == 'g')
			s->grace_ms = atof(optarg) * 1e3;
		else
			return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static struct ls_state s;
	double end_ms = 0;

	s.t0 = ls_now_ms();
	if (ls_parse(argc, argv, &s) < 0)
		return 2;
	for (;;) {
		struct pollfd pfd = { .fd = 0, .events = POLLIN };
		char chunk[4096];
		ssize_t n;

		if (s.marker && !s.seen_marker && s.wait_ms > 0 && ls_now_ms() - s.t0 > s.wait_ms)
			return 3;
		if (s.seen_end && end_ms == 0)
			end_ms = ls_now_ms() + s.grace_ms;
		if (end_ms > 0 && ls_now_ms() > end_ms)
			break;
		if (poll(&pfd, 1, 200) == 0)
			continue;
		n = read(0, chunk, sizeof(chunk));
		if (n <= 0)
			break;
		ls_feed(&s, chunk, n);
	}
	if (s.len)
		ls_emit(&s);
	return !s.marker || s.seen_marker ? 0 : 4;
}
