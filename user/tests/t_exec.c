// SPDX-License-Identifier: MIT
/*
 * execve: what the new program receives (argv, envp, the auxiliary vector
 * with AT_PAGESZ, AT_RANDOM and AT_EXECFN), what survives the exec (pid,
 * open fds without FD_CLOEXEC, ignored signals, the signal mask) and what
 * does not (caught signals, close-on-exec fds), "#!" scripts, re-exec
 * through /proc/self/exe, and the errors for things that cannot run.
 *
 * The programs exec'd are helpers in this same binary (HELPER(), run as
 * "usertests --helper=NAME ..."); a helper's failed CHECK reaches the runner
 * through the result fd, which stays open across exec.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "utest.h"

extern char **environ;

/* Print argc, each argument and $UT_ENV, one per line. */
HELPER(argv)
{
	printf("%d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("%s\n", argv[i]);
	printf("env=%s\n", getenv("UT_ENV") ? getenv("UT_ENV") : "(unset)");
	return 0;
}

/* argv[1]: the path the exec was given, to compare with AT_EXECFN. */
HELPER(auxv)
{
	const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
	const char *execfn = (const char *)getauxval(AT_EXECFN);
	int nonzero = 0;

	CHECK_EQ(getauxval(AT_PAGESZ), 4096);
	CHECK(rnd != NULL);
	for (int i = 0; i < 16; i++)
		nonzero |= rnd[i];
	CHECK(nonzero);
	CHECK(execfn != NULL);
	if (strcmp(execfn, argv[1]) != 0)
		FAIL("AT_EXECFN is '%s', expected '%s'", execfn, argv[1]);
	CHECK(getauxval(AT_PHDR) != 0);
	CHECK(getauxval(AT_PHNUM) > 0);
	CHECK(getauxval(AT_ENTRY) != 0);
	CHECK_EQ(getauxval(AT_UID), getuid());
	CHECK_EQ(getauxval(AT_EUID), geteuid());
	CHECK_EQ(getauxval(AT_GID), getgid());
	CHECK_EQ(getauxval(AT_SECURE), 0);
	return 0;
}

/* Arguments come in pairs: an fd number and "open" or "closed". */
HELPER(fds)
{
	for (int i = 1; i + 1 < argc; i += 2) {
		int open_now = fcntl(atoi(argv[i]), F_GETFD) >= 0;

		if (open_now != !strcmp(argv[i + 1], "open"))
			FAIL("fd %s is %s after exec", argv[i], open_now ? "open" : "closed");
	}
	return 0;
}

HELPER(signals)
{
	struct sigaction sa;
	sigset_t mask;

	CHECK_OK(sigaction(SIGUSR1, NULL, &sa));
	CHECK(sa.sa_handler == SIG_DFL);	/* caught: reset */
	CHECK_OK(sigaction(SIGUSR2, NULL, &sa));
	CHECK(sa.sa_handler == SIG_IGN);	/* ignored: kept */
	CHECK_OK(sigprocmask(SIG_BLOCK, NULL, &mask));
	CHECK(sigismember(&mask, SIGINT));	/* the mask is kept */
	return 0;
}

/* Print the pid and parent pid. */
HELPER(ids)
{
	printf("%d %d\n", (int)getpid(), (int)getppid());
	return 0;
}

HELPER(count)
{
	char want[16];

	for (int i = 1; i < argc; i++) {
		snprintf(want, sizeof(want), "arg%d", i);
		if (strcmp(argv[i], want))
			FAIL("argument %d is '%.20s'", i, argv[i]);
	}
	return argc == 2001 ? 0 : 1;
}

/* Run a helper in a child with stdout on a file; the output is returned in
 * buf.  argv starts after the "--helper=NAME" word. */
static void
run_helper(const char *path, char *const argv[], char *const envp[], char *buf, size_t size)
{
	pid_t pid = ut_fork();

	if (pid == 0) {
		int fd = CHECK_OK(open("out", O_WRONLY | O_CREAT | O_TRUNC, 0644));
		dup2(fd, 1);
		execve(path, argv, envp);
		FAIL("execve %s: %s", path, ut_errname(errno));
	}
	ut_wait_exit(pid, 0);
	ut_read_file("out", buf, size);
}

TEST(execve_passes_argv_envp, "the new program gets exactly the argv and envp given")
{
	char *argv[] = { "name-ignored", "--helper=argv", "one", "", "three words", NULL };
	char *envp[] = { "UT_ENV=value=with=equals", "OTHER=1", NULL };
	char out[256];

	run_helper(ut_self, argv, envp, out, sizeof(out));
	if (strcmp(out, "4\n--helper=argv\none\n\nthree words\nenv=value=with=equals\n"))
		FAIL("helper printed: %s", out);
}

TEST(execve_auxv, "the auxiliary vector has AT_PAGESZ, AT_RANDOM, AT_EXECFN and the IDs")
{
	char *argv[] = { "x", "--helper=auxv", (char *)ut_self, NULL };
	char out[16];

	run_helper(ut_self, argv, environ, out, sizeof(out));
}

TEST(execve_many_arguments, "2000 arguments reach the new program intact")
{
	static char *argv[2003];
	static char store[2000][12];
	char out[16];

	argv[0] = "x";
	argv[1] = "--helper=count";
	for (int i = 0; i < 2000; i++) {
		snprintf(store[i], sizeof(store[i]), "arg%d", i + 1);
		argv[i + 2] = store[i];
	}
	run_helper(ut_self, argv, environ, out, sizeof(out));
}

TEST(execve_keeps_pid, "exec keeps the process's pid and parent")
{
	char *argv[] = { "x", "--helper=ids", NULL };
	char out[64];
	int pid, ppid;
	int p[2];

	CHECK_OK(pipe(p));
	pid_t child = ut_fork();
	if (child == 0) {
		dup2(p[1], 1);
		execve(ut_self, argv, environ);
		_exit(99);
	}
	close(p[1]);
	ssize_t n = CHECK_OK(read(p[0], out, sizeof(out) - 1));
	out[n] = 0;
	CHECK_EQ(sscanf(out, "%d %d", &pid, &ppid), 2);
	CHECK_EQ(pid, child);
	CHECK_EQ(ppid, getpid());
	ut_wait_exit(child, 0);
}

TEST(execve_closes_cloexec_only, "exec closes FD_CLOEXEC descriptors and keeps the others")
{
	char out[8];
	int keep = CHECK_OK(open("/", O_RDONLY));
	int drop = CHECK_OK(open("/", O_RDONLY | O_CLOEXEC));
	int drop2 = CHECK_OK(fcntl(keep, F_DUPFD_CLOEXEC, 60));
	char k[12], d[12], d2[12];

	snprintf(k, sizeof(k), "%d", keep);
	snprintf(d, sizeof(d), "%d", drop);
	snprintf(d2, sizeof(d2), "%d", drop2);
	char *argv[] = { "x", "--helper=fds", k, "open", d, "closed", d2, "closed", NULL };
	run_helper(ut_self, argv, environ, out, sizeof(out));
}

TEST(execve_signal_dispositions, "exec resets caught signals, keeps ignored ones and the mask")
{
	char *argv[] = { "x", "--helper=signals", NULL };
	char out[8];
	sigset_t s;

	ut_catch(SIGUSR1, 0);
	signal(SIGUSR2, SIG_IGN);
	sigemptyset(&s);
	sigaddset(&s, SIGINT);
	CHECK_OK(sigprocmask(SIG_BLOCK, &s, NULL));
	run_helper(ut_self, argv, environ, out, sizeof(out));
}

TEST(execve_errors, "exec of missing, non-executable, directory or garbage files fails properly")
{
	char *argv[] = { "x", NULL };

	ut_write_file("plain", "#just text\n");
	ut_write_file("garbage", "\x7f" "ELF but not really an ELF file at all, not even close");
	CHECK_OK(chmod("garbage", 0755));
	CHECK_OK(mkdir("dir", 0755));
	CHECK_ERR(execve("missing", argv, environ), ENOENT);
	CHECK_ERR(execve("plain", argv, environ), EACCES);
	CHECK_ERR(execve("dir", argv, environ), EACCES);
	CHECK_ERR(execve("garbage", argv, environ), ENOEXEC);
	CHECK_ERR(execve("plain/x", argv, environ), ENOTDIR);
	CHECK_ERR(syscall(SYS_execve, UT_BAD_PTR, argv, environ), EFAULT);
	CHECK_ERR(syscall(SYS_execve, ut_self, UT_BAD_PTR, environ), EFAULT);
}

TEST(execve_shebang_script, "a #! script runs its interpreter with the optional argument and path")
{
	char script[4200], out[512], want[512];
	char *argv[] = { "./script", "a1", "a2", NULL };

	snprintf(script, sizeof(script), "#!%s --helper=argv\nthis line is never read\n", ut_self);
	ut_write_file("script", script);
	CHECK_OK(chmod("script", 0755));
	run_helper("./script", argv, environ, out, sizeof(out));
	snprintf(want, sizeof(want), "4\n--helper=argv\n./script\na1\na2\nenv=(unset)\n");
	if (strcmp(out, want))
		FAIL("script's interpreter printed: %s", out);
}

TEST(execve_shebang_missing_interpreter, "a #! script whose interpreter is missing fails with ENOENT")
{
	char *argv[] = { "s", NULL };

	ut_write_file("s", "#!/no/such/interpreter\n");
	CHECK_OK(chmod("s", 0755));
	CHECK_ERR(execve("s", argv, environ), ENOENT);
}

TEST(execve_proc_self_exe, "a program can re-exec itself through /proc/self/exe")
{
	char *argv[] = { "again", "--helper=argv", "re", NULL };
	char out[128];

	if (access("/proc/self/exe", F_OK) < 0)
		SKIP("no /proc/self/exe");
	run_helper("/proc/self/exe", argv, environ, out, sizeof(out));
	if (strcmp(out, "2\n--helper=argv\nre\nenv=(unset)\n"))
		FAIL("re-exec printed: %s", out);
}
