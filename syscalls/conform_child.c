/* A forked child that reports through a pipe, in records, under a
 * deadline: the plumbing of both conform runners (conform_internal.h).
 *
 *   parent                         child
 *   pipe2, fork ----------------> fn(ctx, write end): conform_send()...
 *   poll + read until EOF  <----- _exit(0)
 *   deadline passed: SIGKILL
 *   waitpid
 */
#include "syscalls/conform_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			_exit(3);   /* the parent is gone */
		}
		p += n;
		len -= (size_t)n;
	}
}

void conform_send(int fd, uint32_t kind, uint32_t idx, int64_t a, int64_t b, const char *text,
		  size_t len)
{
	struct conform_rec r = { kind, idx, a, b, text ? len : 0 };

	write_all(fd, &r, sizeof(r));
	if (text && len)
		write_all(fd, text, len);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Everything the child writes, until EOF or the deadline. */
static int slurp(int fd, long deadline, struct conform_child *res)
{
	size_t cap = 1 << 16;

	res->buf = malloc(cap);
	if (!res->buf)
		return -ENOMEM;
	for (;;) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		long left = deadline - now_ms();
		int rc;

		if (left <= 0) {
			res->timed_out = true;
			return 0;
		}
		rc = poll(&pfd, 1, (int)(left > 1000 ? 1000 : left));
		if (rc < 0 && errno != EINTR)
			return -errno;
		if (rc <= 0)
			continue;
		if (res->len == cap) {
			char *b = realloc(res->buf, cap * 2);

			if (!b)
				return -ENOMEM;
			res->buf = b;
			cap *= 2;
		}
		ssize_t n = read(fd, res->buf + res->len, cap - res->len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return 0;
		res->len += (size_t)n;
	}
}

/* ---- signals that end mmsim ---- */

static const int ending_signals[] = { SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGTERM };
#define NENDING (sizeof(ending_signals) / sizeof(ending_signals[0]))

static struct sigaction saved_action[NENDING];
static bool caught[NENDING];
/* The process group of the child running now (its pid), 0 for none: set
 * once the parent made it a group, cleared before it is reaped (after
 * that its number may be reused). */
static volatile sig_atomic_t running_group;

static void on_ending_signal(int sig)
{
	pid_t group = (pid_t)running_group;

	if (group > 0)
		kill(-group, SIGKILL);
	/* die of it as before: the old disposition acts once this returns
	 * (sig is blocked in here, so raise only makes it pending) */
	for (size_t i = 0; i < NENDING; i++)
		if (ending_signals[i] == sig && caught[i])
			sigaction(sig, &saved_action[i], NULL);
	raise(sig);
}

void conform_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_ending_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NENDING; i++) {
		struct sigaction old;

		caught[i] = false;
		if (sigaction(ending_signals[i], NULL, &old) != 0 || old.sa_handler == SIG_IGN)
			continue;   /* nohup's SIGHUP stays ignored */
		saved_action[i] = old;
		caught[i] = sigaction(ending_signals[i], &sa, NULL) == 0;
	}
}

void conform_release_signals(void)
{
	for (size_t i = 0; i < NENDING; i++) {
		if (caught[i])
			sigaction(ending_signals[i], &saved_action[i], NULL);
		caught[i] = false;
	}
}

/* ---- the child ---- */

/* The child leads a process group of its own, so that whatever it forks
 * (fork() children, pid-namespace actors, in any namespace) can be
 * killed at once; it dies with this process too. Signals act on it as
 * they did before conform_catch_signals. */
static void become_group(pid_t parent)
{
	conform_release_signals();
	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(3);
}

/* Wait for the child to exit, kill what is left of its group while its
 * pid (the group's id) cannot be reused -- it is a zombie, not yet
 * reaped -- then reap it. */
static void end_group(pid_t pid, int *status)
{
	siginfo_t info;

	while (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT) < 0 && errno == EINTR)
		;
	kill(-pid, SIGKILL);
	running_group = 0;
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
}

int conform_child_run(void (*fn)(void *ctx, int fd), void *ctx, long timeout_ms,
		      struct conform_child *res)
{
	pid_t pid, parent = getpid();
	int fds[2], rc;

	memset(res, 0, sizeof(*res));
	if (pipe2(fds, O_CLOEXEC) != 0)
		return -errno;
	fflush(NULL);   /* nothing buffered twice */
	pid = fork();
	if (pid < 0) {
		rc = -errno;
		close(fds[0]);
		close(fds[1]);
		return rc;
	}
	if (pid == 0) {
		become_group(parent);
		close(fds[0]);
		fn(ctx, fds[1]);
		_exit(0);
	}
	setpgid(pid, pid);   /* either of the two calls wins the race */
	running_group = pid;
	close(fds[1]);
	rc = slurp(fds[0], now_ms() + timeout_ms, res);
	close(fds[0]);
	if (res->timed_out || rc)
		kill(-pid, SIGKILL);
	end_group(pid, &res->status);
	if (rc) {
		free(res->buf);
		res->buf = NULL;
	}
	return rc;
}

bool conform_next_rec(const struct conform_child *res, size_t *pos, struct conform_rec *r,
		      const char **text)
{
	if (*pos + sizeof(*r) > res->len)
		return false;
	memcpy(r, res->buf + *pos, sizeof(*r));
	if (r->len > res->len - *pos - sizeof(*r))
		return false;   /* cut short: the child died while writing */
	*text = res->buf + *pos + sizeof(*r);
	*pos += sizeof(*r) + r->len;
	return true;
}

char *conform_strndup(const char *p, size_t n)
{
	char *s = malloc(n + 1);

	if (s) {
		memcpy(s, p, n);
		s[n] = '\0';
	}
	return s;
}
