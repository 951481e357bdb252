/* The plain driver: runs a fuzz target's LLVMFuzzerTestOneInput once on
 * each file named, and on each file of each directory named (in name
 * order; names starting with '.' and README files are not inputs).
 * Linked without libFuzzer, so any compiler's build replays the kept
 * crashes (tests/fuzz-crashes/TARGET/).
 *
 *   fuzz_reader_plain [--timeout SECONDS] FILE|DIR...
 *
 * Each input runs in a child process of its own, so one that crashes (a
 * failed check aborts; a sanitizer reports and exits) or hangs (past
 * --timeout, default 20 s) does not hide the others: every input gets a
 * line, "ok" or what went wrong. Exit status: 0 every input ran clean,
 * 1 some did not, 2 usage errors or an input that cannot be read.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz/fuzz.h"

struct totals {
	unsigned ran, failed;
	int rc;
};

/* The whole file into memory: a buffer of exactly its size (ASan then
 * sees a read past the input, as under libFuzzer). 0, or -1. */
static int read_all(const char *path, unsigned char **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL, *exact;
	size_t n = 0, cap = 0, got;

	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (n == cap) {
			unsigned char *bigger = realloc(buf, cap ? 2 * cap : 65536);

			if (!bigger)
				goto fail;
			buf = bigger;
			cap = cap ? 2 * cap : 65536;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (!got)
			break;
	}
	if (ferror(f))
		goto fail;
	fclose(f);
	exact = malloc(n ? n : 1);
	if (!exact) {
		free(buf);
		fprintf(stderr, "%s: out of memory\n", path);
		return -1;
	}
	memcpy(exact, buf, n);
	free(buf);
	*data = exact;
	*size = n;
	return 0;
fail:
	fprintf(stderr, "%s: %s\n", path, ferror(f) ? "read error" : "out of memory");
	free(buf);
	fclose(f);
	return -1;
}

static void run_file(const char *path, unsigned timeout, struct totals *t)
{
	unsigned char *data;
	size_t size;
	pid_t pid;
	int status;

	if (read_all(path, &data, &size)) {
		t->rc = 2;
		return;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		alarm(timeout);
		LLVMFuzzerTestOneInput(data, size);
		free(data);
		exit(0);   /* exit, not _exit: LeakSanitizer checks at exit */
	}
	free(data);
	t->ran++;
	if (pid < 0) {
		fprintf(stderr, "%s: fork: %s\n", path, strerror(errno));
		t->rc = 2;
		return;
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "%s: waitpid: %s\n", path, strerror(errno));
			t->rc = 2;
			return;
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		printf("ok      %s (%zu bytes)\n", path, size);
		return;
	}
	t->failed++;
	if (t->rc == 0)
		t->rc = 1;
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		printf("HANG    %s (%zu bytes): still running after %u s\n", path, size, timeout);
	else if (WIFSIGNALED(status))
		printf("CRASH   %s (%zu bytes): %s\n", path, size, strsignal(WTERMSIG(status)));
	else
		printf("FAILED  %s (%zu bytes): exit status %d (a sanitizer's report is above)\n", path,
		       size, WEXITSTATUS(status));
}

static int is_input_name(const struct dirent *d)
{
	return d->d_name[0] != '.' && strncmp(d->d_name, "README", 6);
}

static void run_dir(const char *dir, unsigned timeout, struct totals *t)
{
	struct dirent **names;
	size_t dl = strlen(dir);
	int n = scandir(dir, &names, is_input_name, alphasort);

	if (n < 0) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		t->rc = 2;
		return;
	}
	for (int k = 0; k < n; k++) {
		size_t len = dl + strlen(names[k]->d_name) + 2;
		char *path = malloc(len);
		struct stat st;

		if (!path) {
			fprintf(stderr, "out of memory\n");
			t->rc = 2;
		} else {
			snprintf(path, len, "%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/",
				 names[k]->d_name);
			if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
				run_file(path, timeout, t);
		}
		free(path);
		free(names[k]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	struct totals t = { 0, 0, 0 };
	unsigned timeout = 20;
	int i = 1;

	if (argc > 2 && !strcmp(argv[1], "--timeout")) {
		char *end;
		unsigned long v = strtoul(argv[2], &end, 10);

		if (*end || !v || v > 86400) {
			fprintf(stderr, "%s: --timeout takes seconds (1 to 86400)\n", argv[0]);
			return 2;
		}
		timeout = (unsigned)v;
		i = 3;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: %s [--timeout SECONDS] FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st)) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			t.rc = 2;
		} else if (S_ISDIR(st.st_mode)) {
			run_dir(argv[i], timeout, &t);
		} else {
			run_file(argv[i], timeout, &t);
		}
	}
	printf("%u inputs ran, %u failed\n", t.ran, t.failed);
	return t.rc;
}
