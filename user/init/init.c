// SPDX-License-Identifier: MIT
/*
 * Keel's init: the first user process (pid 1), started from the initramfs
 * as /init.
 *
 * What it does, in order:
 *
 *   1. Makes sure fds 0, 1 and 2 are open on /dev/console.
 *   2. Mounts /proc, /sys, /dev/pts and (if /dev has no nodes) devtmpfs on /dev.  A
 *      young kernel may not have these file systems yet: a failed mount is
 *      reported and init carries on.
 *   3. Sets the host name from /etc/hostname.
 *   4. Chooses a mode.  Like Linux, the kernel hands init the command-line
 *      words it does not know: "name=value" words as environment variables,
 *      bare words as arguments.  The word keel.test=MODE is looked for in
 *      both, then in /proc/cmdline, then in the file /etc/keel-mode:
 *
 *	keel.test=user	run /bin/usertests (with the leak check), print a
 *			summary line, power off
 *	keel.test=shell	run one /bin/sh on the console, power off when it exits
 *	(none)		run /bin/sh as a login shell on the console, and
 *			start a new one whenever it exits
 *
 *      keel.filter=PATTERN (same places) limits the user tests to PATTERN;
 *      keel.timeout=SECONDS gives each test that long (usertests -t).
 *   5. Reaps every orphan that is handed to it, forever.
 *
 * Started as any pid other than 1 (on a development machine) it changes
 * nothing: it prints the mode it would choose and exits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "errname.h"

#define SHELL		"/bin/sh"
#define USERTESTS	"/bin/usertests"

static char cmdline[4096];	/* /proc/cmdline, if it could be read */

static void
say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
say(const char *fmt, ...)
{
	va_list ap;

	fputs("init: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

/* fds 0-2 on the console.  Linux opens them for init already when the
 * initramfs has /dev/console; a kernel that did not gets them here. */
static void
setup_console(void)
{
	for (int fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) >= 0)
			continue;
		int c = open("/dev/console", O_RDWR | O_NOCTTY);
		if (c < 0)
			return;	/* nowhere to report it either */
		if (c != fd) {
			dup2(c, fd);
			close(c);
		}
	}
}

static void
try_mount(const char *src, const char *dir, const char *type)
{
	mkdir(dir, 0755);
	if (mount(src, dir, type, 0, NULL) < 0 && errno != EBUSY)
		say("mount %s on %s: %s (continuing)", type, dir, errname(errno));
}

static void
mount_filesystems(void)
{
	struct stat st;

	try_mount("proc", "/proc", "proc");
	try_mount("sysfs", "/sys", "sysfs");
	if (stat("/dev/null", &st) < 0)
		try_mount("devtmpfs", "/dev", "devtmpfs");
	try_mount("devpts", "/dev/pts", "devpts");	/* behind /dev/ptmx */
	mkdir("/tmp", 01777);
}

static void
set_hostname(void)
{
	char name[65] = "";
	FILE *f = fopen("/etc/hostname", "r");

	if (!f)
		return;
	if (fscanf(f, "%64s", name) == 1 && sethostname(name, strlen(name)) < 0)
		say("sethostname %s: %s (continuing)", name, errname(errno));
	fclose(f);
}

static void
read_cmdline(void)
{
	int fd = open("/proc/cmdline", O_RDONLY);

	if (fd < 0)
		return;
	ssize_t n = read(fd, cmdline, sizeof(cmdline) - 1);
	cmdline[n > 0 ? n : 0] = 0;
	close(fd);
}

/* The value of the last "name=value" word in a space-separated list, copied
 * into out; 0 if found. */
static int
find_word(const char *words, const char *name, char *out, size_t size)
{
	size_t len = strlen(name);
	int found = -1;

	for (const char *p = words; *p;) {
		size_t wlen = strcspn(p, " \t\n");

		if (wlen > len && !strncmp(p, name, len) && p[len] == '=') {
			snprintf(out, size, "%.*s", (int)(wlen - len - 1), p + len + 1);
			found = 0;
		}
		p += wlen;
		p += strspn(p, " \t\n");
	}
	return found;
}

/* Look for name=value in the places the kernel may have put it. */
static int
lookup(int argc, char **argv, const char *name, char *out, size_t size)
{
	const char *env = getenv(name);

	for (int i = 1; i < argc; i++)
		if (find_word(argv[i], name, out, size) == 0)
			return 0;
	if (env) {
		snprintf(out, size, "%s", env);
		return 0;
	}
	return find_word(cmdline, name, out, size);
}

static void
choose_mode(int argc, char **argv, char *mode, size_t size)
{
	FILE *f;

	mode[0] = 0;
	if (lookup(argc, argv, "keel.test", mode, size) == 0)
		return;
	if ((f = fopen("/etc/keel-mode", "r")) != NULL) {
		if (fscanf(f, "%31s", mode) != 1)
			mode[0] = 0;
		fclose(f);
	}
}

/* The tty behind the console: the last console= word (as Linux picks),
 * so the shell gets a real tty it can make its controlling terminal. */
static void
console_tty(char *path, size_t size)
{
	char name[64];

	snprintf(path, size, "/dev/console");
	if (find_word(cmdline, "console", name, sizeof(name)) == 0) {
		name[strcspn(name, ",")] = 0;
		if (name[0])
			snprintf(path, size, "/dev/%s", name);
	}
}

/* In the child: a new session on the console tty, then exec. */
static _Noreturn void
exec_on_console(char *const argv[])
{
	char tty[80];
	int fd;

	setsid();
	console_tty(tty, sizeof(tty));
	fd = open(tty, O_RDWR);
	if (fd < 0)
		fd = open("/dev/console", O_RDWR);
	if (fd >= 0) {
		ioctl(fd, TIOCSCTTY, 0);
		for (int i = 0; i < 3; i++)
			dup2(fd, i);
		if (fd > 2)
			close(fd);
	}
	execv(argv[0], argv);
	say("exec %s: %s", argv[0], errname(errno));
	_exit(127);
}

static pid_t
spawn(char *const argv[], int on_console)
{
	pid_t pid = fork();

	if (pid < 0) {
		say("fork: %s", errname(errno));
		return -1;
	}
	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (on_console)
			exec_on_console(argv);
		execv(argv[0], argv);
		say("exec %s: %s", argv[0], errname(errno));
		_exit(127);
	}
	return pid;
}

/* Reap children until `pid` is among them; returns its wait status.  Every
 * other process reaped on the way is an orphan handed to init. */
static int
reap_until(pid_t pid)
{
	int st;

	for (;;) {
		pid_t r = wait(&st);

		if (r == pid)
			return st;
		if (r < 0 && errno == ECHILD)
			return -1;
	}
}

static _Noreturn void
power_off(void)
{
	sync();
	reboot(RB_POWER_OFF);
	say("reboot(RB_POWER_OFF): %s; reaping forever", errname(errno));
	for (;;)
		reap_until(-2);
}

static void
describe_status(const char *what, int st)
{
	if (st == -1)
		say("%s: lost (no such child)", what);
	else if (WIFEXITED(st))
		say("%s: exit status %d", what, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		say("%s: killed by signal %d (%s)", what, WTERMSIG(st), strsignal(WTERMSIG(st)));
}

/* Keel says so in /proc/version (its uname says Linux, for compatibility). */
static int
running_on_keel(void)
{
	char buf[128] = "";
	int fd = open("/proc/version", O_RDONLY);

	if (fd < 0)
		return 0;
	read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return strstr(buf, "Keel") != NULL;
}

static _Noreturn void
run_user_tests(int argc, char **argv)
{
	char filter[256], secs[16];
	/* Keel frees what the tests used, so its leak check must come back to zero. */
	char *targv[6] = { USERTESTS, running_on_keel() ? "--leak-check=force" : "--leak-check" };
	int n = 2;

	if (lookup(argc, argv, "keel.timeout", secs, sizeof(secs)) == 0) {
		targv[n++] = "-t";
		targv[n++] = secs;
	}
	if (lookup(argc, argv, "keel.filter", filter, sizeof(filter)) == 0)
		targv[n++] = filter;
	targv[n] = NULL;
	say("running %s%s%s", USERTESTS, n > 2 ? " " : "", n > 2 ? targv[n - 1] : "");
	int st = reap_until(spawn(targv, 0));
	describe_status("usertests", st);
	if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0)
		say("KEEL-USERTESTS: PASS");
	else
		say("KEEL-USERTESTS: FAIL");
	power_off();
}

static _Noreturn void
run_shells(int once)
{
	char *login_argv[] = { SHELL, "-l", NULL };

	for (;;) {
		time_t start = time(NULL);
		pid_t pid = spawn(login_argv, 1);
		int st = pid > 0 ? reap_until(pid) : -1;

		describe_status(SHELL, st);
		if (once)
			power_off();
		if (time(NULL) - start < 2)
			sleep(2);	/* a shell that dies at once must not spin */
	}
}

int
main(int argc, char **argv)
{
	char mode[32];

	if (getpid() != 1) {
		read_cmdline();
		choose_mode(argc, argv, mode, sizeof(mode));
		printf("init: not pid 1, changing nothing; mode would be '%s'\n",
		       mode[0] ? mode : "interactive");
		return 0;
	}
	setup_console();
	say("Keel init starting");
	mount_filesystems();
	set_hostname();
	read_cmdline();
	setenv("PATH", "/bin:/sbin:/usr/bin:/usr/sbin", 0);
	setenv("HOME", "/root", 0);
	setenv("TERM", "vt100", 0);
	choose_mode(argc, argv, mode, sizeof(mode));
	if (!strcmp(mode, "user"))
		run_user_tests(argc, argv);
	if (mode[0] && strcmp(mode, "shell"))
		say("unknown keel.test mode '%s': starting a shell", mode);
	run_shells(!strcmp(mode, "shell"));
}
