#!/bin/sh
# CTest's checks of scripts/conform-long.sh (docs/conform.md, "Long runs"):
#
#   conform_long_test.sh short SCRIPT MMSIM   a few seconds of it: exit 0 and
#       a totals line whose counts add up (20 sequences a seed, 30 calls each)
#   conform_long_test.sh cases SCRIPT MMSIM   every mismatch a batch reports
#       is saved as a file `mmsim conform --replay` runs: through a fake mmsim
#       that runs the real one with --verbose (which prints every sequence as
#       a mismatch is printed) and calls each sequence a mismatch. The script
#       must exit 1, save one file per sequence, and each must replay (and
#       pass: both sides agree on it) with all its calls.
#
# Runs in the current directory (CTest's: the build's tests/).
set -u
mode=$1 script=$2 mmsim=$3
work="conform-long-$mode"
rm -rf "$work"
mkdir -p "$work"

case "$mode" in
short)
	bash "$script" --minutes 0.1 --batch 20 --build "$(dirname "$mmsim")" --out "$work/out" > "$work/stdout"
	rc=$?
	cat "$work/out/log"
	last=$(tail -n 1 "$work/stdout")
	echo "exit $rc, last line: $last"
	[ "$rc" -eq 0 ] || exit 1
	echo "$last" | grep -Eqx 'sequences=[1-9][0-9]* calls=[1-9][0-9]* mismatches=0 errors=0 seeds=[1-9][0-9]* wall=[0-9]+s' || exit 1
	# sequences=N calls=M mismatches=K errors=E seeds=B wall=Ts
	echo "$last" | awk -F'[= ]' '{ exit !($2 == 20 * $10 && $4 == 30 * $2) }' || exit 1
	[ "$(grep -c ' exit=0 sequences=20 calls=600 mismatches=0 ' "$work/out/log")" -eq "$(echo "$last" | sed 's/.*seeds=\([0-9]*\).*/\1/')" ] || exit 1
	;;
cases)
	mkdir "$work/fake"
	cat > "$work/fake/mmsim" <<'FAKE'
#!/bin/sh
"$MMSIM_REAL" "$@" --verbose | awk '
	/^== sequence [0-9]+ \(seed 0x[0-9a-f]+\): same$/ {
		n++
		sub(/^== /, "")
		sub(/: same$/, "")
		print "== mismatch " n ": " $0 ": mmap, the return value differs (call 1)"
		next
	}
	/^sequences=[0-9]+ calls=[0-9]+ mismatches=0$/ { sub(/mismatches=0$/, "mismatches=" n) }
	{ print }
	END { exit n ? 1 : 0 }'
FAKE
	chmod +x "$work/fake/mmsim"
	MMSIM_REAL=$mmsim bash "$script" --minutes 0.01 --batch 3 --build "$work/fake" --out "$work/out" > "$work/stdout"
	rc=$?
	cat "$work/out/log"
	echo "exit $rc, last line: $(tail -n 1 "$work/stdout")"
	[ "$rc" -eq 1 ] || exit 1
	seeds=$(grep -c ' exit=1 sequences=3 calls=90 mismatches=3 ' "$work/out/log")
	files=$(ls "$work/out"/mismatch-0x*-[123].txt | wc -l)
	echo "$seeds batches, $files cases"
	[ "$seeds" -ge 1 ] && [ "$files" -eq $((3 * seeds)) ] || exit 1
	for f in "$work/out"/mismatch-0x*.txt; do
		"$mmsim" conform --replay "$f" > "$f.replay" 2>&1
		rc=$?
		if [ "$rc" -ne 0 ] || [ "$(tail -n 1 "$f.replay")" != "sequences=1 calls=30 mismatches=0" ]; then
			echo "$f: replay exit $rc"
			cat "$f" "$f.replay"
			exit 1
		fi
	done
	;;
*)
	echo "usage: $0 short|cases SCRIPT MMSIM" >&2
	exit 2
	;;
esac
exit 0
