/* The bench table: a new bench is a bench_def (bench.h) added here.
 * Benches run in this order, for each N. */
#include "bench/bench.h"
#include "bench/impl.h"

extern const struct bench_def bench_def_bytes_per_vma;
extern const struct bench_def bench_def_image_bytes;
extern const struct bench_def bench_def_lookup_latency;
extern const struct bench_def bench_def_refuse_mprotect_same, bench_def_refuse_mprotect_other,
	bench_def_refuse_munmap, bench_def_refuse_madvise, bench_def_refuse_mremap, bench_def_refuse_mmap,
	bench_def_span_mprotect, bench_def_span_madvise, bench_def_split_merge_mprotect,
	bench_def_split_merge_munmap;
extern const struct bench_def bench_def_lookup_throughput;
extern const struct bench_def bench_def_insert;
extern const struct bench_def bench_def_erase;
extern const struct bench_def bench_def_split_merge;
extern const struct bench_def bench_def_replay_lines;
extern const struct bench_def bench_def_replay_corpus;
extern const struct bench_def bench_def_replay_synthetic;

const struct bench_def *const bench_registry[] = {
	&bench_def_bytes_per_vma,
	&bench_def_image_bytes,
	&bench_def_lookup_latency,
	&bench_def_lookup_throughput,
	&bench_def_insert,
	&bench_def_erase,
	&bench_def_split_merge,
	&bench_def_refuse_mprotect_same,
	&bench_def_refuse_mprotect_other,
	&bench_def_refuse_munmap,
	&bench_def_refuse_madvise,
	&bench_def_refuse_mremap,
	&bench_def_refuse_mmap,
	&bench_def_span_mprotect,
	&bench_def_span_madvise,
	&bench_def_split_merge_mprotect,
	&bench_def_split_merge_munmap,
	&bench_def_replay_lines,
	&bench_def_replay_corpus,
	&bench_def_replay_synthetic,
};
const size_t bench_registry_len = sizeof(bench_registry) / sizeof(bench_registry[0]);

/* The store implementations, mmsim first: ratios are X/mmsim. */
const struct impl *const impl_all[] = {
	&impl_mmsim,
	&impl_sorted,
	&impl_sorted_cmov,
	&impl_rbtree,
};
const size_t impl_count = sizeof(impl_all) / sizeof(impl_all[0]);
