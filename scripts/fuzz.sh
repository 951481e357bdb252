#!/usr/bin/env bash
# Run the libFuzzer targets (fuzz/README.md) for a set time each.
#
#   scripts/fuzz.sh [--time SECONDS] [--jobs N] [--build DIR] [--work DIR] [TARGET...]
#   scripts/fuzz.sh --seeds TARGET DIR      write TARGET's seed corpus into DIR
#
# TARGET: reader, replay, sysctl (fuzz/targets.txt); all of them by default.
#   --time SECONDS  how long each target runs (default 60)
#   --jobs N        targets fuzzed at the same time, one process each (default 1)
#   --build DIR     the clang fuzz build (default build-fuzz/): configured
#                   (-DMMSIM_FUZZ=ON -DMMSIM_SANITIZE=ON) when it does not
#                   exist, and the targets built in it (-j$MMSIM_BUILD_JOBS,
#                   default nproc)
#   --work DIR      working directories (default BUILD/fuzz-work/): per
#                   target corpus/ (kept between runs: it grows), seeds/
#                   (written afresh each run), artifacts/, fuzz.log
#
# Seeds: reader and replay start from every trace of traces/corpus (the
# *.trace files, the -ff directories' files, minimised/ and divergent/);
# sysctl from the texts tests/sysctl_write_test.cc writes, and a few more.
# A crash, leak, hang or out-of-memory input is copied to
# tests/fuzz-crashes/TARGET/ under libFuzzer's name: minimise it, name it for
# what it found (tests/fuzz-crashes/README.md) and keep it; CTest then
# replays it in every build. At the end, per target: executions, exec/s,
# coverage (cov: edges, ft: features, from libFuzzer's last status line),
# the corpus size and what was found.
#
# Exit status: 0 nothing found, 1 something found, 2 usage or build error.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

usage() {
	sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//' >&2
	exit 2
}

targets_all() {
	awk '/^[a-z]/ { print $1 }' "$root/fuzz/targets.txt"
}

# A target's libFuzzer options, with -dict= made absolute.
target_args() {
	awk -v t="$1" '$1 == t { $1 = ""; print }' "$root/fuzz/targets.txt" |
		sed "s|-dict=|-dict=$root/|g"
}

# --- seeds ---

seed_traces() {
	local out=$1 f name
	for f in "$root"/traces/corpus/*.trace "$root"/traces/corpus/*.ff/trace.* \
		"$root"/traces/corpus/minimised/*.trace "$root"/traces/corpus/divergent/*.trace; do
		[ -f "$f" ] || continue
		name=${f#"$root"/traces/corpus/}
		cp "$f" "$out/${name//\//-}"
	done
}

seed_sysctl() {
	local out=$1 n=0 s
	# Every input of tests/sysctl_write_test.cc's table of probed writes
	# ({"text", ret, after}), escapes as C writes them.
	while IFS= read -r s; do
		printf '%b' "$s" > "$out/probed-$n"
		n=$((n + 1))
	done < <(grep -o '{"[^"]*", -\{0,1\}[A-Z0-9]*, [0-9]*}' "$root/tests/sysctl_write_test.cc" |
		sed 's/^{"\(.*\)", [^,]*, [^,]*}$/\1/')
	if [ "$n" -lt 30 ]; then
		echo "fuzz.sh: only $n sysctl inputs found in tests/sysctl_write_test.cc" >&2
		exit 2
	fi
	# and what that table writes otherwise, or does not have
	printf '2\0' > "$out/nul-after"
	printf '0x' > "$out/hex-no-digits"
	printf -- '-' > "$out/minus"
	printf '2147483647\n' > "$out/int-max"
	printf -- '-2147483648\n' > "$out/int-min"
	printf '0x7fffffff' > "$out/hex-int-max"
	printf ' \t\n\v\f\r1 \t\n\v\f\r' > "$out/every-space"
	printf '0777777777777777777777' > "$out/octal-long"
	printf '12' > "$out/two-digits"
}

write_seeds() {
	local target=$1 out=$2
	mkdir -p "$out"
	case $target in
	reader | replay) seed_traces "$out" ;;
	sysctl) seed_sysctl "$out" ;;
	*) echo "fuzz.sh: no seeds for target '$target'" >&2; exit 2 ;;
	esac
}

if [ "${1:-}" = --seeds ]; then
	[ $# -eq 3 ] || usage
	write_seeds "$2" "$3"
	exit 0
fi

# --- options ---

time_each=60 jobs=1 build="$root/build-fuzz" work="" targets=()
while [ $# -gt 0 ]; do
	case $1 in
	--time) time_each=${2:?--time needs seconds}; shift 2 ;;
	--jobs) jobs=${2:?--jobs needs a number}; shift 2 ;;
	--build) build=${2:?--build needs a directory}; shift 2 ;;
	--work) work=${2:?--work needs a directory}; shift 2 ;;
	-h | --help) usage ;;
	-*) echo "fuzz.sh: unknown option '$1'" >&2; usage ;;
	*) targets+=("$1"); shift ;;
	esac
done
case $time_each$jobs in *[!0-9]*) echo "fuzz.sh: --time and --jobs take whole numbers" >&2; exit 2 ;; esac
[ "$jobs" -ge 1 ] || jobs=1
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(targets_all)
for t in "${targets[@]}"; do
	if ! targets_all | grep -qx "$t"; then
		echo "fuzz.sh: unknown target '$t' (known: $(targets_all | tr '\n' ' '))" >&2
		exit 2
	fi
done
work=${work:-$build/fuzz-work}

# --- the build ---

if [ ! -f "$build/CMakeCache.txt" ]; then
	CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DMMSIM_FUZZ=ON -DMMSIM_SANITIZE=ON \
		-DCMAKE_BUILD_TYPE=Debug >/dev/null || exit 2
elif ! grep -q '^MMSIM_FUZZ:BOOL=ON' "$build/CMakeCache.txt"; then
	echo "fuzz.sh: $build is not a fuzz build (configure it with -DMMSIM_FUZZ=ON, clang)" >&2
	exit 2
fi
build_targets=()
for t in "${targets[@]}"; do build_targets+=(--target "fuzz_$t"); done
cmake --build "$build" -j"${MMSIM_BUILD_JOBS:-$(nproc)}" "${build_targets[@]}" >/dev/null || {
	echo "fuzz.sh: the build failed (cmake --build $build)" >&2
	exit 2
}

# --- the runs ---

run_one() {
	local t=$1 dir="$work/$1" args
	args=$(target_args "$t")
	rm -rf "$dir/seeds"
	mkdir -p "$dir/corpus" "$dir/artifacts"
	write_seeds "$t" "$dir/seeds"
	# new inputs go to corpus/ (the first directory); seeds/ is only read
	# shellcheck disable=SC2086
	if (cd "$dir" && exec "$build/fuzz/fuzz_$t" $args -max_total_time="$time_each" \
		-print_final_stats=1 -artifact_prefix="$dir/artifacts/" \
		"$dir/corpus" "$dir/seeds") > "$dir/fuzz.log" 2>&1; then
		echo 0 > "$dir/status"
	else
		echo $? > "$dir/status"
	fi
}

for t in "${targets[@]}"; do
	mkdir -p "$work/$t/artifacts"
	# what was there before: only new artifacts are reported
	ls "$work/$t/artifacts" > "$work/$t/artifacts.before"
done
echo "fuzzing ${targets[*]} for ${time_each}s each, $jobs at a time (logs in $work/TARGET/fuzz.log)"
running=0
for t in "${targets[@]}"; do
	if [ "$running" -ge "$jobs" ]; then
		wait -n || true
		running=$((running - 1))
	fi
	run_one "$t" &
	running=$((running + 1))
done
wait || true

# --- the results ---

found=0
printf '\n%-8s %-8s %12s %8s %8s %8s %8s  %s\n' target status execs exec/s cov ft corpus found
for t in "${targets[@]}"; do
	dir="$work/$t" log="$work/$t/fuzz.log"
	rc=$(cat "$dir/status" 2>/dev/null || echo 2)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	last=$(grep -E '^#[0-9]+' "$log" | grep ' cov: ' | tail -n 1 || true)
	cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<< "$last")
	ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<< "$last")
	corpus=$(find "$dir/corpus" -type f | wc -l)
	new=()
	for a in "$dir"/artifacts/*; do
		a=${a##*/}
		[ "$a" != "*" ] && ! grep -qxF "$a" "$dir/artifacts.before" && new+=("$a")
	done
	status=ok
	[ "$rc" = 0 ] || status=error
	kept=()
	for a in "${new[@]}"; do
		case $a in
		crash-* | leak-* | timeout-* | oom-* | slow-unit-*) ;;
		*) continue ;;
		esac
		status=${a%%-*}
		mkdir -p "$root/tests/fuzz-crashes/$t"
		# the same bytes kept already (under any name) are not kept twice
		dup=""
		for k in "$root/tests/fuzz-crashes/$t"/*; do
			[ -f "$k" ] && cmp -s "$k" "$dir/artifacts/$a" && dup=$k
		done
		if [ -z "$dup" ]; then
			cp "$dir/artifacts/$a" "$root/tests/fuzz-crashes/$t/$a"
			kept+=("tests/fuzz-crashes/$t/$a")
		else
			kept+=("${dup#"$root"/} (already kept)")
		fi
	done
	[ "$status" = ok ] || found=1
	printf '%-8s %-8s %12s %8s %8s %8s %8s  %s\n' "$t" "$status" "${execs:-?}" "${rate:-?}" \
		"${cov:-?}" "${ft:-?}" "$corpus" "${kept[*]:-}"
	if [ "$status" = error ]; then
		echo "  $t: libFuzzer exited $rc without an artifact; see $log" >&2
	fi
done
if [ "$found" = 1 ]; then
	cat <<EOF

Something was found. For each kept file (its stack trace is in the target's
fuzz.log): minimise it,
  $build/fuzz/fuzz_TARGET -minimize_crash=1 -max_total_time=60 -exact_artifact_path=SMALL FILE
(-minimize_crash is for crashes; for a hang or leak, shorten it by hand), replace
the file with the small one named for what it found (tests/fuzz-crashes/README.md),
and fix the library: CTest replays every kept file, in every build.
EOF
	exit 1
fi
