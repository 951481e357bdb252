/* Results, stats and output (harness.c), used by main.c. */
#ifndef MMSIM_BENCH_HARNESS_H
#define MMSIM_BENCH_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "bench/bench.h"

enum result_kind {
	RESULT_TIME,
	RESULT_BYTES,
};

struct result {
	const struct bench_def *def;
	const char *impl;                    /* a string literal: valid in a forked child too */
	size_t n;
	char variant[40];                    /* "" for none */
	const char *unit;                    /* "op", "VMA", ...: a literal */
	enum result_kind kind;
	double ns_min, ns_median, ns_p99;    /* RESULT_TIME */
	unsigned reps;
	size_t batch;                        /* operations per repetition */
	size_t struct_bytes, vma_bytes;      /* RESULT_BYTES */
	size_t struct_bytes_usable;          /* 0: unknown */
	double bytes_per_vma;
};

/* Where results go as they come: JSON lines to `json` if not NULL. */
void harness_init(const struct bench_opts *opts, FILE *json);
/* The whole table, grouped by bench, one row per N, one column per impl
 * with ratios to mmsim; then whether the lookup-latency target is met. */
void harness_print_table(FILE *out);
/* Quote a string for JSON (static buffer). */
const char *harness_json_str(const char *s);

#endif
