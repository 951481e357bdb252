/* mmsim: the command-line entry point. Subcommands arrive with their
 * issues; the ones not built yet say so and exit 2. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static void usage(FILE *out)
{
	fputs("usage: mmsim COMMAND [ARGS]\n"
	      "\n"
	      "commands:\n"
	      "  demo               build an address space, seal part of it, try operations,\n"
	      "                     and print each result and the final /proc/PID/maps\n"
	      "  replay TRACE...    check an strace log against the model, call by call\n"
	      "  report JSON...     merge `replay --json` outputs into one summary\n"
	      "  conform --area A   compare the model with the live kernel on random sequences\n"
	      "  record -- CMD      run CMD under strace with replay's options, then replay it\n"
	      "  version            print the version, profile and allocator\n"
	      "\n"
	      "exit status: 0 success, 1 the check found a difference, 2 usage or input error\n",
	      out);
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd || !strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
		usage(cmd ? stdout : stderr);
		return cmd ? 0 : 2;
	}
	if (!strcmp(cmd, "demo"))
		return cli_demo(argc - 1, argv + 1);
	if (!strcmp(cmd, "version")) {
		printf("mmsim %s (profile linux-6.18, allocator %s)\n", MMSIM_VERSION, MMSIM_ALLOCATOR);
		return 0;
	}
	if (!strcmp(cmd, "conform"))
		return cli_conform(argc - 1, argv + 1);
	if (!strcmp(cmd, "replay"))
		return cli_replay(argc - 1, argv + 1);
	if (!strcmp(cmd, "report"))
		return cli_report(argc - 1, argv + 1);
	if (!strcmp(cmd, "record"))
		return cli_record(argc - 1, argv + 1);
	fprintf(stderr, "mmsim: unknown command '%s'\n", cmd);
	usage(stderr);
	return 2;
}
