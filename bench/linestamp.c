// SPDX-License-Identifier: MIT
/*
 * linestamp: copy a serial console's output from stdin to stdout, each
 * line prefixed with the milliseconds since linestamp started, and give up
 * early on a guest that never boots.  A host tool of `make bench`.
 *
 *	linestamp [-m MARKER -w SECONDS] < serial > log
 *
 * The harness starts linestamp and QEMU together, so a line's stamp is the
 * time since QEMU started: the stamp of init's first line is the boot time.
 * With -m, if no line containing MARKER arrives within SECONDS, linestamp
 * stops reading and exits 3 (the harness then ends QEMU); it exits 4 when
 * the input ends without the marker, and 0 when it ends after it.
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

struct ls_line {
	char buf[4096];
	size_t len;
	double start_ms;	/* when the line's first byte arrived */
};

/* Print the line gathered so far and report whether it held the marker. */
static int
ls_emit(struct ls_line *l, double t0, const char *marker)
{
	int hit;

	l->buf[l->len] = '\0';
	printf("%10.1f %s\n", l->start_ms - t0, l->buf);
	fflush(stdout);
	hit = marker && strstr(l->buf, marker) != NULL;
	l->len = 0;
	return hit;
}

/* Take one chunk of input; returns 1 once the marker has been seen. */
static int
ls_feed(struct ls_line *l, const char *p, size_t n, double t0, const char *marker)
{
	int hit = 0;

	for (size_t i = 0; i < n; i++) {
		if (l->len == 0)
			l->start_ms = ls_now_ms();
		if (p[i] == '\r')
			continue;
		if (p[i] == '\n' || l->len == sizeof(l->buf) - 1) {
			hit |= ls_emit(l, t0, marker);
			if (p[i] == '\n')
				continue;
			l->start_ms = ls_now_ms();
		}
		l->buf[l->len++] = p[i];
	}
	return hit;
}

int
main(int argc, char **argv)
{
	static struct ls_line line;
	const char *marker = NULL;
	double t0 = ls_now_ms(), wait_ms = 0;
	int seen = 0, opt;

	while ((opt = getopt(argc, argv, "m:w:")) != -1) {
		if (opt == 'm')
			marker = optarg;
		else if (opt == 'w')
			wait_ms = atof(optarg) * 1e3;
		else
			return 2;
	}
	for (;;) {
		struct pollfd pfd = { .fd = 0, .events = POLLIN };
		char chunk[4096];
		ssize_t n;

		if (marker && !seen && wait_ms > 0 && ls_now_ms() - t0 > wait_ms)
			return 3;
		if (poll(&pfd, 1, 200) == 0)
			continue;
		n = read(0, chunk, sizeof(chunk));
		if (n <= 0)
			break;
		seen |= ls_feed(&line, chunk, n, t0, marker);
	}
	if (line.len)
		seen |= ls_emit(&line, t0, marker);
	return !marker || seen ? 0 : 4;
}
