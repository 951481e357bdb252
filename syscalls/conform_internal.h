/* What the conform runners share and nobody else needs: a forked child
 * that reports through a pipe, in records, under a deadline
 * (syscalls/conform_child.c).
 *
 * Both sides run in children: the live one because its syscalls must
 * not touch this process (it seals memory, moves its break), the model
 * one so that a model that crashes or loops forever is reported as a
 * mismatch instead of taking the whole run down.
 */
#ifndef MMSIM_SYSCALLS_CONFORM_INTERNAL_H
#define MMSIM_SYSCALLS_CONFORM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "syscalls/conform.h"

enum conform_rec_kind {
	REC_START = 1,  /* live: a = VMA count; text: maps lines outside the region */
	REC_BRK,        /* live: a = start_brk, b = brk */
	REC_CALL,       /* idx, a = result; text: the region's lines */
	REC_RULE,       /* model: idx; text: why it refused */
	REC_END,        /* live: a = VMA count; text: maps lines outside the region */
	REC_ERROR,      /* text: why the child could not go on */
};

/* One record on the pipe, followed by len bytes of text. */
struct conform_rec {
	uint32_t kind, idx;
	int64_t a, b;
	uint64_t len;
};

/* Write a record (and its text) to fd; a child whose parent is gone exits. */
void conform_send(int fd, uint32_t kind, uint32_t idx, int64_t a, int64_t b, const char *text,
		  size_t len);

struct conform_child {
	char *buf;          /* everything the child wrote */
	size_t len;
	bool timed_out;     /* killed at the deadline */
	int status;         /* from waitpid */
};

/* Fork; the child runs fn(ctx, fd) and _exits; the parent collects what
 * it writes to fd until it exits or timeout_ms pass (then it is killed).
 * Returns 0, or -errno when the child could not be started or read. */
int conform_child_run(void (*fn)(void *ctx, int fd), void *ctx, long timeout_ms,
		      struct conform_child *res);

/* Walk the records of res->buf: *pos is advanced; returns false at the
 * end (or at a record cut short by the child's death). */
bool conform_next_rec(const struct conform_child *res, size_t *pos, struct conform_rec *r,
		      const char **text);

/* A malloc'd, NUL-terminated copy of n bytes. */
char *conform_strndup(const char *p, size_t n);

#endif
