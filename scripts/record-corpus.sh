#!/usr/bin/env bash
# Re-record the trace corpus in traces/corpus/ (what it holds: traces/corpus/README.md).
#
#   scripts/record-corpus.sh              every recording
#   scripts/record-corpus.sh NAME...      only the recordings whose file name starts with NAME
#
# Builds traces/corpus/src/*.c (and traces/corpus/divergent/src/*.c, statically)
# into a scratch directory (/tmp/mmsim-corpus, removed afterwards), runs each
# program under strace in the style its recording documents, checks that every
# program exited 0 (each program checks the kernel's answers itself, so a
# changed kernel shows up here), replaces the recordings of the programs that
# did (a failed run leaves the old recording in place), makes the divergent/
# copies with their one documented edit, and regenerates
# traces/corpus/recordings.tsv and traces/corpus/ANSWERS.md. Idempotent: a
# second run replaces the same files. Exits 1 if anything failed.
#
# Needs root: the pid-namespace programs unshare(CLONE_NEWPID) and write
# /proc/sys/vm/memfd_noexec *inside the namespaces they make* (each checks
# that it is pid 1 of a namespace other than the one it started in before
# writing). The value in this, the initial, namespace is never written: the
# script reads it before and after and fails if it changed.
#
# Reproducibility: programs run with a fixed small environment (env -i) and
# under `setarch -R` (no address-space randomisation; setarch wraps strace so
# it adds nothing to the traces). Addresses and line numbers of the
# single-process recordings (and of pidns_noexec, whose parents sleep while
# their children run) are then the same from run to run on one machine; pids,
# times and the interleaving of processes that run side by side are not.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
corpus=$root/traces/corpus

die() { echo "record-corpus: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (unshare(CLONE_NEWPID), vm.memfd_noexec in child namespaces)"
for tool in strace gcc python3 setarch sh seq sort head; do
	command -v "$tool" >/dev/null || die "$tool is missing (scripts/setup.sh installs strace, gcc and python3)"
done

strace_version=$(strace -V | sed -n '1s/.*version //p')
[ "$strace_version" = 6.1 ] ||
	echo "record-corpus: warning: strace $strace_version; the corpus documents strace 6.1's output" >&2

sysctl=/proc/sys/vm/memfd_noexec
noexec_before=$(cat "$sysctl")
[ "$noexec_before" = 0 ] ||
	die "vm.memfd_noexec is $noexec_before in this namespace; the programs expect 0"
check_sysctl() {
	local now
	now=$(cat "$sysctl")
	[ "$now" = "$noexec_before" ] ||
		die "vm.memfd_noexec in the initial namespace changed: $noexec_before -> $now"
}

# A fixed name, so that the paths -y prints (AT_FDCWD</tmp/mmsim-corpus>)
# are the same in every recording; removed before and after.
work=/tmp/mmsim-corpus
rm -rf "$work"
mkdir -m 700 "$work"
trap 'rm -rf "$work"' EXIT

# ---- build ----
mkdir -p "$work/bin" "$work/div"
for src in "$corpus"/src/*.c; do
	name=$(basename "$src" .c)
	gcc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -pthread \
		-o "$work/bin/$name" "$src"
done
for src in "$corpus"/divergent/src/*.c; do
	name=$(basename "$src" .c)
	# static: a dozen start-up lines instead of the dynamic loader's sixty
	gcc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -static \
		-o "$work/div/$name" "$src"
done
cp "$corpus"/src/*.py "$corpus"/inputs/hello.c "$work/"

# ---- the strace styles ----
# Each style is the option list strace gets besides -o; why each exists:
#
# replay   the form recommended for `mmsim replay` (shared/strace-formats.md):
#          -f follow children; -ttt absolute times (orders -ff files, keeps
#          sub-second detail); -T time in call; -n syscall numbers (mseal is
#          syscall_0x1ce in 6.1, the number names it; 32-bit calls stand
#          out); -y paths of fds (which memfd a call is on); -s 256 enough of
#          every string; -e quiet=none keeps "+++ exited" and personality
#          lines that -o would hide; --decode-pids=pidns prints the pid a
#          process has in strace's namespace next to the one inside a child
#          pid namespace.
# replay64 the same with -s 64, for programs whose strings do not matter
#          (compilers reading files) and would only make the trace big.
# plain    strace -o FILE PROG: the default a user types; no -f, so children
#          are not traced (used for programs that do not fork).
# stderr   strace -f with the trace on stderr (2>FILE): "[pid N] " prefixes
#          while several processes live, and "strace: Process N attached"
#          spliced into the middle of the clone line that made N.
# ff       -ff -o DIR/trace: one file per process, DIR/trace.PID, no pid
#          column; with -ttt -T -n -y so the files can be merged by time.
# tt       -tt -T: time of day with microseconds, and time in call.
# xraw     -X raw: every constant as a number (flags, errno names stay).
# xverbose -X verbose: numbers with the names as comments, nested.
# yy       -yy: fds with all details (pipe:[inode], sockets, devices).
# memory   -e trace=%memory: only memory calls; mseal still shows (6.1
#          prints unknown syscalls under every filter); -y names the memfds.
style_opts() {
	case $1 in
	replay) echo "-f -ttt -T -n -y -s 256 -e quiet=none --decode-pids=pidns" ;;
	replay64) echo "-f -ttt -T -n -y -s 64 -e quiet=none --decode-pids=pidns" ;;
	plain) echo "" ;;
	stderr) echo "-f -s 64" ;;
	ff) echo "-ff -ttt -T -n -y -s 64 -e quiet=none" ;;
	tt) echo "-tt -T -s 64" ;;
	xraw) echo "-f -X raw -s 64" ;;
	xverbose) echo "-f -X verbose -s 64" ;;
	yy) echo "-f -yy -s 64" ;;
	memory) echo "-f -y -e trace=%memory" ;;
	*) die "unknown style $1" ;;
	esac
}

# The programs: how to run each inside $work.
program() {
	case $1 in
	py_memfd) echo "python3 py_memfd.py" ;;
	py_mmap) echo "python3 py_mmap.py" ;;
	gcc_c) echo "gcc -O2 -c hello.c -o hello.o" ;;
	sh_pipeline) echo "sh -c 'seq 1 500 | sort -rn | head -n 3'" ;;
	*) echo "./bin/$1" ;;
	esac
}

# The recordings: PROGRAM STYLE. The file is traces/corpus/PROGRAM.STYLE.trace
# (a directory PROGRAM.ff/ for style ff).
recordings=(
	"mseal_basic replay" "mseal_partial replay" "memfd_seals replay"
	"memfd_exec replay" "pidns_noexec replay" "fork_inherit replay"
	"fd_reopen replay" "py_memfd replay" "py_mmap replay64"
	"gcc_c replay64" "sh_pipeline replay"
	"mseal_basic plain" "memfd_seals plain" "py_memfd plain"
	"fork_inherit stderr" "pidns_noexec stderr" "sh_pipeline stderr"
	"fork_inherit ff" "pidns_noexec ff"
	"mseal_partial tt" "py_mmap tt"
	"memfd_seals xraw" "fd_reopen xraw"
	"mseal_basic xverbose" "memfd_exec xverbose"
	"fd_reopen yy" "sh_pipeline yy"
	"mseal_partial memory" "gcc_c memory"
)

wanted() {
	local file=$1 w
	[ "${#selected[@]}" -eq 0 ] && return 0
	for w in "${selected[@]}"; do
		case $file in "$w"*) return 0 ;; esac
	done
	return 1
}
selected=("$@")

# run_traced OUT STYLE CMD...: the command under strace in $work, with
# env -i and no ASLR; stdin and stdout are /dev/null (the programs print one
# line when all went well), strace's and the program's stderr go to
# $work/stderr (or to the trace itself, in the stderr style). Fails when the
# program did: strace exits with the traced program's status.
run_traced() {
	local out=$1 style=$2
	shift 2
	local -a opts
	read -r -a opts <<<"$(style_opts "$style")"
	local -a cmd=(env -i PATH=/usr/bin:/bin LC_ALL=C
		setarch "$(uname -m)" -R strace "${opts[@]}")
	if [ "$style" = stderr ]; then
		(cd "$work" && "${cmd[@]}" "$@" </dev/null >/dev/null 2>"$out")
	else
		(cd "$work" && "${cmd[@]}" -o "$out" "$@" </dev/null >/dev/null 2>"$work/stderr")
	fi
}

# recordings.tsv: one row per recording, for ANSWERS.md and the replay tests.
meta=$corpus/recordings.tsv
meta_new=$work/recordings.tsv
if [ -f "$meta" ]; then cp "$meta" "$meta_new"; else : >"$meta_new"; fi
note_recording() { # FILE PROGRAM STYLE COMMAND
	local file=$1
	awk -F '\t' -v f="$file" '$1 != f && $1 !~ /^#/' "$meta_new" >"$meta_new.tmp"
	printf '%s\t%s\t%s\tstrace %s\t%s\tLinux %s\t%s\n' "$file" "$2" "$3" \
		"$strace_version" "$(style_opts "$3")" "$(uname -r)" "$4" >>"$meta_new.tmp"
	LC_ALL=C sort -o "$meta_new" "$meta_new.tmp"
}

failed=0
for rec in "${recordings[@]}"; do
	read -r prog style <<<"$rec"
	if [ "$style" = ff ]; then
		file=$prog.ff
	else
		file=$prog.$style.trace
	fi
	wanted "$file" || continue
	eval "set -- $(program "$prog")"
	new=$work/new.$file
	rm -rf "$new"
	if [ "$style" = ff ]; then
		mkdir "$new"
		target=$new/trace
	else
		target=$new
	fi
	if run_traced "$target" "$style" "$@"; then
		rm -rf "${corpus:?}/$file"
		mv "$new" "$corpus/$file"
		echo "recorded $file"
		note_recording "$file" "$prog" "$style" "$(program "$prog")"
	else
		echo "record-corpus: $file: $prog exited $? under strace (the old recording stays):" >&2
		if [ "$style" = stderr ]; then tail -n 5 "$target" >&2; else cat "$work/stderr" >&2; fi
		failed=1
	fi
	check_sysctl
done

# ---- the divergent copies: a genuine recording with one result edited ----
# divergent/NAME.trace is divergent/src/NAME.c recorded in the replay style,
# then the one line matching PATTERN gets REPLACEMENT for its result. The
# edit must hit exactly one line; its number is printed for the README.
divergent=(
	# name | the line to edit (an extended regex) | sed replacement of its result
	"mprotect_sealed|mprotect\(.*\) = -1 EPERM|s/= -1 EPERM \(Operation not permitted\)/= 0/"
	"memfd_exec_ns2|memfd_create\(\"inner-exec\".*= -1 EACCES|s/= -1 EACCES \(Permission denied\)/= 3<\/memfd:inner-exec>(deleted)/"
	"seal_write_ebusy|F_ADD_SEALS, F_SEAL_WRITE\) = -1 EBUSY|s/= -1 EBUSY \(Device or resource busy\)/= 0/"
)
mkdir -p "$corpus/divergent"
for d in "${divergent[@]}"; do
	IFS='|' read -r name pattern edit <<<"$d"
	wanted "divergent/$name" || wanted "$name" || continue
	target=$corpus/divergent/$name.trace
	if ! run_traced "$work/$name.genuine" replay "./div/$name"; then
		echo "record-corpus: divergent/$name: the genuine run failed" >&2
		failed=1
		continue
	fi
	hits=$(grep -cE "$pattern" "$work/$name.genuine" || true)
	if [ "$hits" != 1 ]; then
		echo "record-corpus: divergent/$name: $hits lines match /$pattern/, want 1" >&2
		failed=1
		continue
	fi
	line=$(grep -nE "$pattern" "$work/$name.genuine" | cut -d: -f1)
	sed -E "${line}${edit}" "$work/$name.genuine" >"$work/$name.edited"
	if cmp -s "$work/$name.genuine" "$work/$name.edited"; then
		echo "record-corpus: divergent/$name: the edit changed nothing" >&2
		failed=1
		continue
	fi
	mv "$work/$name.edited" "$target"
	echo "recorded divergent/$name.trace (edited line $line)"
	documented=$(sed -n "s/^| \`$name\.trace\` | \*\*\([0-9]*\)\*\*.*/\1/p" "$corpus/divergent/README.md")
	if [ "$documented" != "$line" ]; then
		echo "record-corpus: divergent/$name: the edit is on line $line, divergent/README.md says ${documented:-nothing}: update it" >&2
		failed=1
	fi
	note_recording "divergent/$name.trace" "$name" replay "./div/$name (static); line $line edited"
	check_sysctl
done

check_sysctl
{
	printf '#file\tprogram\tstyle\tstrace\toptions\tkernel\tcommand\n'
	grep -v '^#' "$meta_new" || true
} >"$meta"
python3 "$corpus/tools/answers.py" "$corpus" >"$corpus/ANSWERS.md"
echo "wrote traces/corpus/ANSWERS.md"
echo "corpus: $(find "$corpus" -type f \( -name '*.trace' -o -path '*.ff/*' \) | wc -l) trace files," \
	"$(find "$corpus" -type f \( -name '*.trace' -o -path '*.ff/*' \) -print0 | xargs -0 cat | wc -c) bytes"
exit "$failed"
