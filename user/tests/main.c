// SPDX-License-Identifier: MIT
/*
 * usertests: the runner of Keel's user-space test suite.
 *
 *	usertests [-v] [-l] [-t SECONDS] [--leak-check[=force]] [PATTERN...]
 *	usertests --helper=NAME [ARGS...]
 *
 * The same static binary runs on Keel and on Linux, which is the oracle: a
 * test that fails on Linux is a wrong test.  Each selected test (all, or
 * those whose name matches a shell PATTERN such as 'pipe_*') runs in its own
 * forked child, in its own process group, with its own empty directory under
 * $TMPDIR (default /tmp) as working directory and a pipe at UT_RESULT_FD
 * for its failure message.  The child's exit status is the verdict:
 *
 *	0			PASS name
 *	UT_SKIP_STATUS (77)	SKIP name: reason
 *	anything else		FAIL name: reason (the message, the signal, ...)
 *
 * A child still running after the time limit (default 10 s; UT_LONG tests
 * get UT_LONG_FACTOR times as long) is killed with its whole process group
 * and fails.  The last line is a summary,
 * "usertests: N passed, N failed, N skipped"; the exit status is 1 when a
 * test failed and 2 when no test matched.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errname.h"
#include "utest.h"

/* The linker's bounds of the two registration sections; weak, so a build
 * without any helper still links. */
extern const struct utest *const __start_utests[] __attribute__((weak));
extern const struct utest *const __stop_utests[] __attribute__((weak));
extern const struct uhelper *const __start_uhelpers[] __attribute__((weak));
extern const struct uhelper *const __stop_uhelpers[] __attribute__((weak));

static struct {
	int verbose;
	int list;
	unsigned timeout;
	char **patterns;
	int npatterns;
	char base[PATH_MAX];
	int passed, failed, skipped;
} run = { .timeout = 10 };

static volatile sig_atomic_t timed_out, stop_signal;

static void
on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
}

/* Interrupted (^C, a closed output pipe): stop after the current test so
 * the temporary tree is still removed. */
static void
on_stop(int sig)
{
	stop_signal = sig;
}

static int
selected(const struct utest *t)
{
	if (run.npatterns == 0)
		return 1;
	for (int i = 0; i < run.npatterns; i++)
		if (fnmatch(run.patterns[i], t->name, 0) == 0)
			return 1;
	return 0;
}

/* Remove a test's directory tree.  Tests may leave read-only or unsearchable
 * directories, so each directory is opened up before it is emptied. */
static void
remove_tree(int dirfd, const char *name)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlinkat(dirfd, name, 0);
		return;
	}
	fchmodat(dirfd, name, 0700, 0);
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;

	while (d && (e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			remove_tree(fd, e->d_name);
	if (d)
		closedir(d);
	unlinkat(dirfd, name, AT_REMOVEDIR);
}

/* In the child: a clean process state, then the test. */
static _Noreturn void
child_run(const struct utest *t, int result_w, const char *dir)
{
	sigset_t none;

	setpgid(0, 0);
	/* Default dispositions: a shell starting the runner in the background
	 * hands it SIGINT and SIGQUIT ignored, which tests must not inherit. */
	for (int sig = 1; sig < _NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	umask(022);
	if (dup2(result_w, UT_RESULT_FD) < 0)
		_exit(4);
	close(result_w);
	if (chdir(dir) < 0)
		FAIL("chdir %s: %s", dir, errname(errno));
	t->fn();
	_exit(0);
}

/* Wait for the test child, killing its process group at the time limit. */
static int
wait_child(pid_t pid, unsigned limit)
{
	int status;

	timed_out = 0;
	alarm(limit);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -1;
		if (timed_out || stop_signal) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
		}
	}
	alarm(0);
	kill(-pid, SIGKILL);	/* grandchildren the test left behind */
	return status;
}

/* A test's time limit in seconds. */
static unsigned
limit_of(const struct utest *t)
{
	return t->flags & UT_LONG ? run.timeout * UT_LONG_FACTOR : run.timeout;
}

static void
verdict(const struct utest *t, int status, const char *msg)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		run.passed++;
		printf("PASS %s\n", t->name);
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == UT_SKIP_STATUS) {
		run.skipped++;
		printf("SKIP %s: %s\n", t->name, msg[0] ? msg : "(no reason given)");
	} else {
		run.failed++;
		if (timed_out)
			printf("FAIL %s: timed out after %u s%s%s\n", t->name, limit_of(t),
			       msg[0] ? "; " : "", msg);
		else if (msg[0])
			printf("FAIL %s: %s\n", t->name, msg);
		else if (WIFSIGNALED(status))
			printf("FAIL %s: killed by signal %d (%s)\n", t->name,
			       WTERMSIG(status), strsignal(WTERMSIG(status)));
		else
			printf("FAIL %s: exit status %d\n", t->name, WEXITSTATUS(status));
	}
	fflush(stdout);
}

/* Gather what the test wrote to its result pipe: every line, joined. */
static void
read_message(int fd, char *msg, size_t size)
{
	size_t got = 0;
	ssize_t n;

	fcntl(fd, F_SETFL, O_NONBLOCK);
	while (got + 1 < size && (n = read(fd, msg + got, size - 1 - got)) > 0)
		got += n;
	while (got > 0 && msg[got - 1] == '\n')
		got--;
	msg[got] = 0;
	for (char *p = msg; *p; p++)
		if (*p == '\n')
			*p = ';';
}

static void
run_one(const struct utest *t)
{
	char dir[PATH_MAX + 64], msg[1024];
	int p[2];

	if (run.verbose)
		printf("---- %s: %s\n", t->name, t->desc);
	fflush(stdout);
	snprintf(dir, sizeof(dir), "%s/%s", run.base, t->name);
	if (mkdir(dir, 0777) < 0 || chmod(dir, 0777) < 0 || pipe(p) < 0) {
		printf("FAIL %s: runner: cannot set up: %s\n", t->name, errname(errno));
		run.failed++;
		return;
	}
	pid_t pid = fork();
	if (pid == 0)
		child_run(t, p[1], dir);
	close(p[1]);
	if (pid < 0) {
		printf("FAIL %s: runner: fork: %s\n", t->name, errname(errno));
		run.failed++;
		close(p[0]);
		return;
	}
	setpgid(pid, pid);
	int status = wait_child(pid, limit_of(t));
	read_message(p[0], msg, sizeof(msg));
	close(p[0]);
	verdict(t, status, msg);
	remove_tree(AT_FDCWD, dir);
}

/* Where this binary lives, so exec tests can start it again. */
static const char *
find_self(const char *argv0)
{
	static char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);

	if (n > 0) {
		path[n] = 0;
		return path;
	}
	if (strchr(argv0, '/') && realpath(argv0, path))
		return path;
	return "/bin/usertests";
}

static int
run_helper(const char *name, int argc, char **argv)
{
	for (const struct uhelper *const *h = __start_uhelpers; h < __stop_uhelpers; h++)
		if (strcmp((*h)->name, name) == 0)
			return (*h)->fn(argc, argv);
	fprintf(stderr, "usertests: no helper named %s\n", name);
	return 127;
}

unsigned
ut_timeout(void)
{
	return run.timeout;
}

static void
usage(void)
{
	fprintf(stderr, "usage: usertests [-v] [-l] [-t SECONDS] [--leak-check[=force]] [PATTERN...]\n");
	exit(2);
}

static void
parse_args(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-v"))
			run.verbose = 1;
		else if (!strcmp(argv[i], "-l"))
			run.list = 1;
		else if (!strcmp(argv[i], "--leak-check"))
			ut_leak_requested = 1;
		else if (!strcmp(argv[i], "--leak-check=force"))
			ut_leak_requested = 2;
		else if (!strcmp(argv[i], "-t") && i + 1 < argc)
			run.timeout = atoi(argv[++i]);
		else
			usage();
	}
	run.patterns = argv + i;
	run.npatterns = argc - i;
}

static int
make_base(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(run.base, sizeof(run.base), "%s/usertests.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(run.base) || chmod(run.base, 0711) < 0) {
		fprintf(stderr, "usertests: cannot make %s: %s\n", run.base, errname(errno));
		return -1;
	}
	return 0;
}

/* Source order: tests of one family sit together, as in their file. */
static int
by_place(const void *a, const void *b)
{
	const struct utest *x = *(const struct utest *const *)a;
	const struct utest *y = *(const struct utest *const *)b;
	int c = strcmp(x->file, y->file);

	return c ? c : x->line - y->line;
}

/* Run every selected test; those flagged UT_LAST after all the others. */
static int
run_all(void)
{
	size_t n = __stop_utests - __start_utests;
	const struct utest **tab = malloc((n + 1) * sizeof(*tab));
	int matched = 0;

	if (!tab)
		return 0;
	memcpy(tab, __start_utests, n * sizeof(*tab));
	qsort(tab, n, sizeof(*tab), by_place);
	for (int pass = 0; pass < 2; pass++)
		for (const struct utest **t = tab; t < tab + n && !stop_signal; t++) {
			if (((*t)->flags & UT_LAST) != (pass ? UT_LAST : 0) || !selected(*t))
				continue;
			matched++;
			if (run.list)
				printf("%-44s %s\n", (*t)->name, (*t)->desc);
			else
				run_one(*t);
		}
	free(tab);
	return matched;
}

/* The leak check runs in the runner, after everything else (t_leak.c). */
static void
leak_verdict(void)
{
	char why[256];
	int r = ut_leak_final(why, sizeof(why));

	if (r > 0) {
		run.passed++;
		printf("PASS leak_check\n");
	} else if (r == 0) {
		run.failed++;
		printf("FAIL leak_check: %s\n", why);
	} else {
		run.skipped++;
		printf("SKIP leak_check: %s\n", why);
	}
}

int
main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct sigaction stop = { .sa_handler = on_stop };

	ut_self = find_self(argv[0]);
	if (argc >= 2 && !strncmp(argv[1], "--helper=", 9))
		return run_helper(argv[1] + 9, argc - 1, argv + 1);
	parse_args(argc, argv);
	/* Tests count on 0, 1 and 2 being taken, as under any shell. */
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
			return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART: the wait must break */
	sigaction(SIGHUP, &stop, NULL);
	sigaction(SIGINT, &stop, NULL);
	sigaction(SIGPIPE, &stop, NULL);
	sigaction(SIGTERM, &stop, NULL);
	if (!run.list && make_base() < 0)
		return 2;
	if (!run.list && ut_leak_requested)
		ut_leak_baseline();
	int matched = run_all();
	if (!run.list)
		remove_tree(AT_FDCWD, run.base);
	if (!run.list && ut_leak_requested && !stop_signal)
		leak_verdict();
	if (stop_signal) {
		signal(stop_signal, SIG_DFL);
		raise(stop_signal);
	}
	if (matched == 0) {
		fprintf(stderr, "usertests: no test matches\n");
		return 2;
	}
	if (!run.list)
		printf("usertests: %d passed, %d failed, %d skipped\n", run.passed, run.failed,
		       run.skipped);
	return run.failed ? 1 : 0;
}
