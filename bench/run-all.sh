#!/usr/bin/env bash
# The published benchmark numbers: every bench with jemalloc (mmsim-bench)
# and with glibc's malloc (mmsim-bench-glibc), as JSON lines, the jemalloc
# run's text table too, and the plots (bench/plot.py).
#
# usage: bench/run-all.sh [-b BUILD_DIR] [-o OUT_DIR] [--no-table] [--] [MMSIM_BENCH_ARGS...]
#
#   -b, --build DIR   the build holding bench/mmsim-bench and bench/mmsim-bench-glibc
#                     (default: build/ in the source tree); this script builds nothing
#   -o, --out DIR     where the results go (default: bench-results/YYYY-MM-DD/ in the
#                     source tree); files of the same name there are replaced
#   --no-table        skip the text-table run (it runs every bench a second time)
#   MMSIM_BENCH_ARGS  passed to every run, e.g. --quick, --filter lookup, --n 1e3,1e5
#
# OUT_DIR then holds
#   mmsim-bench.json        mmsim-bench --json ARGS (jemalloc in the default build)
#   mmsim-bench-glibc.json  mmsim-bench-glibc --json ARGS
#   mmsim-bench.txt         mmsim-bench ARGS, the tables (unless --no-table)
#   run.txt                 the commands, the build and the source commit
#   plots/*.svg             bench/plot.py's plots, allocator_compare.svg among them
#                           (the SVGs of an earlier run into OUT_DIR are removed first)
# Exits non-zero as soon as a step fails.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=$root/build
out=$root/bench-results/$(date +%F)
table=1

usage() {
	sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
}

while [ $# -gt 0 ]; do
	case $1 in
	-b | --build)
		[ $# -ge 2 ] || { echo "run-all.sh: $1 needs a directory" >&2; exit 2; }
		build=$2
		shift 2
		;;
	-o | --out)
		[ $# -ge 2 ] || { echo "run-all.sh: $1 needs a directory" >&2; exit 2; }
		out=$2
		shift 2
		;;
	--no-table)
		table=0
		shift
		;;
	-h | --help)
		usage
		exit 0
		;;
	--)
		shift
		break
		;;
	*)
		break # the rest is for mmsim-bench
		;;
	esac
done

bench=$build/bench/mmsim-bench
bench_glibc=$build/bench/mmsim-bench-glibc
for b in "$bench" "$bench_glibc"; do
	if [ ! -x "$b" ]; then
		echo "run-all.sh: no $b; build first: cmake -S $root -B $build && cmake --build $build" >&2
		exit 1
	fi
done

mkdir -p "$out"
{
	echo "date: $(date -Is)"
	echo "host: $(uname -n) $(uname -r)"
	echo "source: $(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown)"
	echo "build: $build"
	echo "args: $*"
} >"$out/run.txt"

run() { # run OUTFILE COMMAND...: stdout into OUTFILE, the command into run.txt too
	local dest=$1
	shift
	echo "run-all.sh: $* > $dest" >&2
	echo "run: $* > $(basename "$dest")" >>"$out/run.txt"
	"$@" >"$dest"
}

run "$out/mmsim-bench.json" "$bench" --json "$@"
run "$out/mmsim-bench-glibc.json" "$bench_glibc" --json "$@"
if [ "$table" = 1 ]; then
	run "$out/mmsim-bench.txt" "$bench" "$@"
else
	rm -f "$out/mmsim-bench.txt" # not an earlier run's
fi

case $(head -n 1 "$out/mmsim-bench.json") in
*'"allocator": "jemalloc"'*) ;;
*)
	echo "run-all.sh: warning: $bench does not use jemalloc (MMSIM_JEMALLOC=OFF or a" \
		"sanitized build): the allocator comparison compares glibc with itself" >&2
	;;
esac

rm -f "$out/plots/"*.svg # none left over from an earlier run into the same place
plot=("$here/plot.py" -o "$out/plots" "$out/mmsim-bench.json" "$out/mmsim-bench-glibc.json")
echo "run-all.sh: ${plot[*]}" >&2
echo "run: ${plot[*]}" >>"$out/run.txt"
"${plot[@]}"
echo "run-all.sh: results in $out" >&2
