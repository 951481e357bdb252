#!/usr/bin/env bash
# A long conformance run: mmsim conform for a given time, in batches with
# fresh seeds, every mismatch kept as a case `mmsim conform --replay` runs
# again (docs/conform.md, "Long runs").
#
#   scripts/conform-long.sh [--minutes M] [--out DIR] [--build DIR] [--area AREA] [--batch N]
#
#   --minutes M   how long to start batches (60; fractions allowed: 0.2). A
#                 batch that starts before the end runs to its end, so the
#                 run takes up to one batch longer.
#   --out DIR     where the log and the cases go (conform-long-DATE-TIME)
#   --build DIR   the build directory holding mmsim (build)
#   --area AREA   mm, memfd, pidns or all (all)
#   --batch N     sequences per batch, i.e. per seed (1000: about 8 s of the
#                 all area on 2 CPUs)
#
# Each batch runs `mmsim conform --area AREA --seed S --sequences N` with S
# from /dev/urandom and appends to DIR/log one line:
#
#   2025-01-01T12:00:00+00:00 seed=0x1c1f... exit=0 sequences=1000 calls=30000 mismatches=0 seconds=8
#
# Each mismatch conform printed (shrunk) is saved as
# DIR/mismatch-SEED-I.txt (I: its sequence number in the batch): the
# sequence as conform printed it, under two comments -- its headline and
# the command that generates it again -- and replayed at once (the log
# says whether it still fails). A batch that did not end cleanly (a
# mismatch, or a harness failure: exit 2) keeps its whole output as
# DIR/batch-SEED.out; the first batch's header is DIR/header.txt.
#
# Last line, also in the log:
#
#   sequences=N calls=M mismatches=K errors=E seeds=B wall=Ts
#
# Exit status: 0 no mismatch and no error, 1 mismatches, 2 errors only (a
# harness failure in a batch, or conform could not start: then the run
# stops at once). SIGINT/SIGTERM/SIGHUP stop the batch running (conform
# takes its children with it; that batch is not counted), print the totals
# of the batches before and exit 130/143/129.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
minutes=60
out=""
build="$root/build"
area=all
batch=1000

usage() {
	sed -n '2,/^set -uo/p' "$0" | sed -e '/^set -uo/d' -e 's/^# \{0,1\}//' >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--minutes) minutes=${2:-}; shift 2 || usage ;;
	--out) out=${2:-}; shift 2 || usage ;;
	--build) build=${2:-}; shift 2 || usage ;;
	--area) area=${2:-}; shift 2 || usage ;;
	--batch) batch=${2:-}; shift 2 || usage ;;
	-h|--help) usage ;;
	*) echo "conform-long: unknown option '$1'" >&2; usage ;;
	esac
done

if ! [[ "$minutes" =~ ^[0-9]+([.][0-9]+)?$ ]]; then
	echo "conform-long: --minutes needs a number, not '$minutes'" >&2
	exit 2
fi
if ! [[ "$batch" =~ ^[1-9][0-9]*$ ]]; then
	echo "conform-long: --batch needs a whole number above 0, not '$batch'" >&2
	exit 2
fi
case "$area" in
mm|memfd|pidns|all) ;;
*) echo "conform-long: --area is mm, memfd, pidns or all, not '$area'" >&2; exit 2 ;;
esac
mmsim="$build/mmsim"
if [ ! -x "$mmsim" ]; then
	echo "conform-long: no $mmsim: build first, or say where with --build DIR" >&2
	exit 2
fi
[ -n "$out" ] || out="conform-long-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out" || exit 2
log="$out/log"
batch_out="$out/.batch.out"
batch_err="$out/.batch.err"

sequences=0 calls=0 mismatches=0 errors=0 seeds=0
started=$(date +%s)
seconds=$(awk -v m="$minutes" 'BEGIN { printf "%d", m * 60 + 0.5 }')
deadline=$((started + seconds))
running=""

totals() {
	local line="sequences=$sequences calls=$calls mismatches=$mismatches errors=$errors seeds=$seeds wall=$(($(date +%s) - started))s"

	echo "$line" >> "$log"
	echo "$line"
}

finish() {
	rm -f "$batch_out" "$batch_err"
	totals
	if [ "$mismatches" -gt 0 ]; then
		exit 1
	elif [ "$errors" -gt 0 ]; then
		exit 2
	fi
	exit 0
}

# shellcheck disable=SC2317  # called from the traps below
# A signal: the batch running ends first (mmsim conform kills its own
# children on SIGTERM), then the totals so far.
stop() {
	local sig=$1 code=$2

	if [ -n "$running" ]; then
		kill -TERM "$running" 2>/dev/null
		wait "$running" 2>/dev/null
	fi
	echo "conform-long: stopped by SIG$sig" | tee -a "$log" >&2
	rm -f "$batch_out" "$batch_err"
	totals
	exit "$code"
}
trap 'stop INT 130' INT
trap 'stop TERM 143' TERM
trap 'stop HUP 129' HUP

# The cases of one batch's output: each "== mismatch K: sequence I (...)"
# headline, then the text between "-- sequence (paste ...)" and "-- end
# of sequence", into mismatch-SEED-I.txt. Prints the files' names.
save_cases() {
	local seed=$1

	awk -v dir="$out" -v seed="$seed" -v area="$area" '
		/^== mismatch [0-9]+: sequence [0-9]+ / { seq = $5; headline = $0; want = 1; next }
		want && /^-- sequence \(paste/ {
			file = dir "/mismatch-" seed "-" seq ".txt"
			print "# " headline > file
			print "# again: mmsim conform --area " area " --seed " seed " --first " seq " --sequences 1" > file
			copying = 1; want = 0; next
		}
		copying && /^-- end of sequence/ { copying = 0; close(file); print file; next }
		copying { print > file }
	' "$batch_out"
}

echo "conform-long: $mmsim conform --area $area, batches of $batch sequences, for $minutes min; output in $out" >&2
# One batch per seed until the time is up. Its last line is conform's
# summary (none: conform could not run).
while [ "$(date +%s)" -lt "$deadline" ]; do
	seed=0x$(od -An -N8 -tx8 /dev/urandom | tr -d ' \n')
	t0=$(date +%s)
	"$mmsim" conform --area "$area" --seed "$seed" --sequences "$batch" > "$batch_out" 2> "$batch_err" &
	running=$!
	wait "$running"
	rc=$?
	running=""
	t1=$(date +%s)
	last=$(tail -n 1 "$batch_out")
	if ! [[ "$last" =~ ^sequences=([0-9]+)\ calls=([0-9]+)\ mismatches=([0-9]+)$ ]]; then
		# conform did not run at all (usage, the window not free, no
		# CAP_SYS_ADMIN for pid namespaces): another seed will not help
		echo "$(date -Iseconds) seed=$seed exit=$rc no summary: conform could not run" >> "$log"
		cat "$batch_out" "$batch_err" > "$out/batch-$seed.out"
		echo "conform-long: conform could not run (exit $rc):" >&2
		cat "$batch_err" >&2
		errors=$((errors + 1))
		finish
	fi
	n=${BASH_REMATCH[1]} m=${BASH_REMATCH[2]} k=${BASH_REMATCH[3]}
	[ "$seeds" -gt 0 ] || grep '^conform: ' "$batch_out" > "$out/header.txt"
	seeds=$((seeds + 1))
	sequences=$((sequences + n))
	calls=$((calls + m))
	mismatches=$((mismatches + k))
	echo "$(date -Iseconds) seed=$seed exit=$rc sequences=$n calls=$m mismatches=$k seconds=$((t1 - t0))" >> "$log"
	if [ "$rc" -eq 2 ]; then
		errors=$((errors + 1))
		echo "  error: $(grep -m 1 '^== harness failure' "$batch_out")" >> "$log"
	fi
	if [ "$rc" -ne 0 ]; then
		cat "$batch_out" "$batch_err" > "$out/batch-$seed.out"
	fi
	if [ "$k" -gt 0 ]; then
		for file in $(save_cases "$seed"); do
			"$mmsim" conform --replay "$file" > /dev/null 2>&1
			case $? in
			1) how="fails again when replayed" ;;
			0) how="passes when replayed (not reproducible: a flaky kernel answer?)" ;;
			*) how="cannot be replayed (exit 2)" ;;
			esac
			echo "  case $file: $how" >> "$log"
			echo "conform-long: mismatch saved as $file; it $how" >&2
		done
	fi
done
finish
