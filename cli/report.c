/* mmsim report: merge `mmsim replay --json` outputs (traces/report.h).
 *
 *   mmsim report [--json] FILE...
 *
 * Exit status: 0 when no divergence was reported, 1 when one was, 2 for
 * usage errors or a file that is not a replay's JSON output.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "traces/report.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char *buf = NULL;
	size_t cap = 0;

	*len = 0;
	if (!f)
		return NULL;
	for (;;) {
		if (*len + 4096 > cap) {
			char *grown = realloc(buf, cap = 2 * cap + 65536);

			if (!grown) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = grown;
		}
		size_t got = fread(buf + *len, 1, cap - *len, f);

		*len += got;
		if (!got)
			break;
	}
	if (f != stdin)
		fclose(f);
	return buf;
}

int cli_report(int argc, char **argv)
{
	struct report rep;
	bool json = false;
	int i = 1, rc = 0;

	if (i < argc && !strcmp(argv[i], "--json")) {
		json = true;
		i++;
	}
	if (i >= argc || (argv[i][0] == '-' && argv[i][1])) {
		fputs("usage: mmsim report [--json] FILE...\n"
		      "Merge the outputs of `mmsim replay --json` into one summary.\n", stderr);
		return 2;
	}
	report_init(&rep);
	for (; i < argc && !rc; i++) {
		char err[256];
		size_t len;
		char *text = slurp(argv[i], &len);

		if (!text) {
			fprintf(stderr, "mmsim report: %s: %s\n", argv[i], strerror(errno ? errno : ENOMEM));
			rc = 2;
		} else if (report_add_json(&rep, argv[i], text, len, err, sizeof(err))) {
			fprintf(stderr, "mmsim report: %s\n", err);
			rc = 2;
		}
		free(text);
	}
	if (!rc) {
		if (json)
			report_print_json(&rep, stdout);
		else
			report_print_text(&rep, stdout);
		rc = rep.n[REPLAY_DIVERGE] ? 1 : 0;
	}
	report_destroy(&rep);
	return rc;
}
