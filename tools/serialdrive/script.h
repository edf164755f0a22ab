/* SPDX-License-Identifier: MIT */
/*
 * The script language of serialdrive: one command per line, '#' comments.
 * An argument is either a double-quoted string with C escapes (\r \n \t \e
 * \\ \" \xHH; any other backslash pair is kept as it is, for regexes) or,
 * unquoted, the rest of the line.
 *
 *	step NAME	start a named step (reported as PASS/FAIL NAME)
 *	timeout SECS	how long each later expect may wait
 *	send TEXT	send bytes as they are
 *	line TEXT	send TEXT and a carriage return (the Enter key)
 *	ctrl X		send control-X (ctrl C is 0x03, ctrl Z 0x1a, ctrl D 0x04)
 *	expect TEXT	wait until TEXT appears in the output
 *	expect-re RE	wait until the POSIX extended regex RE matches
 *	prompt TEXT	remember TEXT as the prompt
 *	sync		expect the prompt
 *	pause MS	let MS milliseconds of output arrive
 *	eof		wait for the other side to close (the shell exited)
 *
 * Output is matched from a cursor that each successful expect moves past
 * its match, so one expect never matches text an earlier one used.
 */
#pragma once

#include <stddef.h>

enum sd_op {
	SD_STEP, SD_TIMEOUT, SD_SEND, SD_EXPECT, SD_EXPECT_RE, SD_PROMPT, SD_SYNC,
	SD_PAUSE, SD_EOF,
};

struct sd_cmd {
	enum sd_op op;
	int line;		/* in the script, for messages */
	char *arg;		/* decoded text (may hold control bytes) */
	size_t len;		/* of arg */
	long num;		/* timeout seconds, pause milliseconds */
};

struct sd_script {
	const char *path;
	struct sd_cmd *cmds;
	int ncmds;
};

/* Parse a script file; prints the reason and returns -1 on a bad script. */
int sd_script_load(struct sd_script *s, const char *path);
