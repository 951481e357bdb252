/* mmsim record: run a program under strace with the options that make
 * replay most exact (docs/replay.md, "Recording"), then replay the log.
 *
 *   mmsim record [-o FILE] [--json] -- PROGRAM [ARGS...]
 *
 * The log stays in FILE (default mmsim-record.trace). Exit status: the
 * replay's (0 nothing diverges, 1 something does), 2 when strace could
 * not run. The program's own exit status is printed, not returned.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"

/* The options, strace 6.1 and newer: follow forks (-f) into one log with a
 * pid column on every line (-o), time stamps (-ttt, -T), syscall numbers
 * (-n: mseal prints as syscall_0x1ce in 6.1), fd paths (-y), whole memfd
 * names and sysctl writes (-s 256), and personality lines (quiet= keeps
 * them, silencing only the attach, exit and path messages on stderr). */
static const char *const strace_opts[] = { "-f", "-ttt", "-T", "-n", "-y", "-s", "256", "-e",
					     "quiet=attach,exit,path-resolution" };
#define NOPTS (sizeof(strace_opts) / sizeof(strace_opts[0]))

static int run_strace(const char *log, char **prog)
{
	size_t nprog = 0, k = 0;
	char **argv;
	pid_t pid;
	int status;

	while (prog[nprog])
		nprog++;
	argv = calloc(NOPTS + nprog + 5, sizeof(*argv));
	if (!argv)
		return -1;
	argv[k++] = "strace";
	argv[k++] = "-o";
	argv[k++] = (char *)log;
	for (size_t i = 0; i < NOPTS; i++)
		argv[k++] = (char *)strace_opts[i];
	argv[k++] = "--";
	for (size_t i = 0; i < nprog; i++)
		argv[k++] = prog[i];
	pid = fork();
	if (pid == 0) {
		execvp("strace", argv);
		fprintf(stderr, "mmsim record: cannot run strace: %s (scripts/setup.sh installs it)\n", strerror(errno));
		_exit(127);
	}
	free(argv);
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return -1;
	if (WIFEXITED(status))
		fprintf(stderr, "mmsim record: %s exited with %d; log in %s\n", prog[0], WEXITSTATUS(status), log);
	else if (WIFSIGNALED(status))
		fprintf(stderr, "mmsim record: %s was killed by signal %d; log in %s\n", prog[0], WTERMSIG(status), log);
	return 0;
}

int cli_record(int argc, char **argv)
{
	const char *log = "mmsim-record.trace";
	bool json = false;
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			log = argv[++i];
		} else if (!strcmp(argv[i], "--json")) {
			json = true;
		} else {
			fprintf(stderr, "usage: mmsim record [-o FILE] [--json] -- PROGRAM [ARGS...]\n");
			return 2;
		}
	}
	if (i + 1 >= argc) {
		fprintf(stderr, "usage: mmsim record [-o FILE] [--json] -- PROGRAM [ARGS...]\n");
		return 2;
	}
	if (run_strace(log, argv + i + 1))
		return 2;
	{
		char *replay_argv[] = { "replay", json ? "--json" : "--", (char *)log, NULL };

		return cli_replay(3, replay_argv);
	}
}
