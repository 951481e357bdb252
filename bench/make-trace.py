#!/usr/bin/env python3
"""make-trace.py: a long strace log for the replay benchmark, made of the corpus.

Usage:
    bench/make-trace.py --lines N [--corpus DIR] -o OUT

Writes to OUT (a file; "-" for standard output) a log of at least N lines
in the corpus's "replay" style (strace -f -ttt -T -n -y, pid column),
built from the real recordings DIR/*.replay.trace and DIR/*.replay64.trace
(DIR defaults to traces/corpus beside this script). The recordings are
repeated round-robin, whole, in name order, until N lines are written:
the last copy may go past N.

Each copy is a fresh set of processes and comes later than the one before:

  - every pid of the recording (the values of its pid column) gets a new
    number, never used before in the output (from 100000 up, wrapping at
    the kernel's PID_MAX_LIMIT back to 100000) and equal to no other
    number the recordings print (st_size=102912 is no pid). It changes in
    the pid column (padded as strace pads it, "%-5d ") and wherever else
    the recording names one of its processes: anywhere in the lines of
    clone, clone3, fork, vfork, getpid, gettid, set_tid_address, wait4,
    waitid, kill, tkill, tgkill, futex and rt_sigreturn (their results,
    wait4's pid, clone3's parent_tid=[N], a futex wait on a
    CLONE_CHILD_CLEARTID word, the clone result rt_sigreturn gives back),
    si_pid= in signal lines, /proc/N/ in -y paths, and "N in strace's
    PID NS" in --decode-pids=pidns comments. Numbers inside quoted
    strings, hex numbers and fractions are never touched. A pid number
    found anywhere else stops the script with an error (a re-recorded
    corpus may print one somewhere this list does not know: teach it
    rather than rewrite a byte count that happens to equal a pid);
  - the pid numbers *inside* a child pid namespace (pidns_noexec: A is 1
    in N1, B is 1 in N2 and 2 in N1; "getpid() = 1", "clone(...) = 2 /*
    3416 in strace's PID NS */") stay: they are namespace-local, and each
    copy's unshare(CLONE_NEWPID) makes new namespaces for them. So
    pidns_noexec is kept: only its strace-view numbers change;
  - the -ttt time stamps move by whole seconds (the microseconds stay as
    recorded): each copy starts in the second after the previous copy's
    last stamp, so time increases across copies. The -T durations stay.

Speed: each recording is turned once into a str.format template whose
fields are its pids (in both forms) and the distinct integer seconds of
its stamps; a copy is one format() call and one write: 10^7 lines
(1.5 GB) take about 5 s, most of it the kernel writing the file.

The *.ff directories (strace -ff, one file per process, no pid column)
and the other styles are not used: the bench measures one -f log.
"""

import argparse
import os
import re
import sys

PID_FIRST = 100000
PID_MAX_LIMIT = 4194304   # the kernel's upper bound for pid_max on 64-bit

# "PID  SECONDS.MICROS " at the start of every line of the style.
HEAD = re.compile(r'(\d+)( +)(\d+)(\.\d{6} )')
# A decimal number standing alone (not in a hex number, a fraction, a name).
NUMBER = re.compile(r'(?<![\w.])\d+(?![\w.])')
# A quoted string, possibly cut ("..."...): pids inside are left alone.
STRING = re.compile(r'"(?:[^"\\]|\\.)*"(?:\.\.\.)?')
# The call a line is about: "[ 56] clone(", "[ 56] <... clone resumed>".
CALL = re.compile(r'\[ *\d+\] (?:<\.\.\. )?(\w+)')
# Calls whose result or first arguments may name a process.
PID_CALLS = {
    'clone', 'clone3', 'fork', 'vfork', 'getpid', 'gettid', 'set_tid_address',
    'wait4', 'waitid', 'kill', 'tkill', 'tgkill', 'rt_sigreturn', 'futex',
}
# Places outside PID_CALLS that name a process: what the text before ends
# with (signal lines' si_pid=, -y paths) or after starts with (pidns).
PID_BEFORE = ('si_pid=', '</proc/')
PID_AFTER = " in strace's PID NS */"


def pid_hits(text, pids):
    """Spans of the decimal numbers outside strings in text that are in pids."""
    hits, pos = [], 0
    for s in STRING.finditer(text):
        hits += [(pos + m.start(), pos + m.end()) for m in NUMBER.finditer(text[pos:s.start()])
                 if m.group(0) in pids]
        pos = s.end()
    hits += [(pos + m.start(), pos + m.end()) for m in NUMBER.finditer(text[pos:]) if m.group(0) in pids]
    return hits


def template(path):
    """(format string, pids in slot order, distinct seconds in slot order,
    lines, the other numbers it prints) of one recording."""
    with open(path, encoding='latin-1', newline='') as f:
        lines = f.read().split('\n')
    if lines and lines[-1] == '':
        lines.pop()
    heads = []
    for no, line in enumerate(lines, 1):
        m = HEAD.match(line)
        if not m:
            sys.exit('make-trace.py: %s:%d: no "PID SECONDS.MICROS" at the start: '
                     'not the replay style' % (path, no))
        heads.append(m)
    pids = sorted({m.group(1) for m in heads}, key=int)
    secs = sorted({m.group(3) for m in heads}, key=int)
    pid_slot = {p: i for i, p in enumerate(pids)}
    # Fields: {i} inline pid i, {P+i} pid i as the padded column,
    # {2P+j} second j.
    npid = len(pids)
    out, numbers = [], set()
    for no, (line, m) in enumerate(zip(lines, heads), 1):
        body = line[m.end():]
        call = CALL.match(body)
        call = call.group(1) if call else None
        parts, pos = [], 0
        for a, b in pid_hits(body, pid_slot):
            before, after = body[:a], body[b:]
            if not (call in PID_CALLS or before.endswith(PID_BEFORE) or
                    (before.endswith('/* ') and after.startswith(PID_AFTER))):
                sys.exit("make-trace.py: %s:%d: pid %s where no process is named (...%s): "
                         "teach make-trace.py this place or leave the file out" %
                         (path, no, body[a:b], body[max(0, a - 30):b]))
            parts.append(esc(body[pos:a]))
            parts.append('{%d}' % pid_slot[body[a:b]])
            pos = b
        parts.append(esc(body[pos:]))
        numbers.update(int(n) for n in NUMBER.findall(''.join(parts[::2])))
        out.append('{%d}{%d}%s%s\n' % (npid + pid_slot[m.group(1)],
                                       2 * npid + secs.index(m.group(3)),
                                       m.group(4), ''.join(parts)))
    return ''.join(out), pids, secs, len(lines), numbers


def esc(s):
    return s.replace('{', '{{').replace('}', '}}')


def recordings(corpus):
    names = sorted(n for n in os.listdir(corpus)
                   if n.endswith('.replay.trace') or n.endswith('.replay64.trace'))
    if not names:
        sys.exit('make-trace.py: no *.replay.trace or *.replay64.trace in %s' % corpus)
    return [os.path.join(corpus, n) for n in names]


def write(out, tmpls, want):
    """Copies round-robin until want lines; returns lines written."""
    next_pid, last_sec, written, k = PID_FIRST, None, 0, 0
    taken = set().union(*(t[4] for t in tmpls))
    while written < want:
        fmt, pids, secs, nlines, _ = tmpls[k % len(tmpls)]
        k += 1
        new = []
        while len(new) < len(pids):
            if next_pid >= PID_MAX_LIMIT:
                next_pid = PID_FIRST
            if next_pid not in taken:
                new.append(str(next_pid))
            next_pid += 1
        shift = 0 if last_sec is None else last_sec + 1 - int(secs[0])
        last_sec = int(secs[-1]) + shift
        fields = new + ['%-5s ' % p for p in new] + [str(int(s) + shift) for s in secs]
        out.write(fmt.format(*fields).encode('latin-1'))
        written += nlines
    return written


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(
        description='A long strace log for the replay bench, made of the corpus.')
    ap.add_argument('--lines', type=int, required=True, help='at least this many lines')
    ap.add_argument('--corpus', default=os.path.join(here, '..', 'traces', 'corpus'),
                    help='the recordings (default: traces/corpus)')
    ap.add_argument('-o', dest='out', required=True, help='the output file, - for stdout')
    args = ap.parse_args()
    if args.lines < 0:
        ap.error('--lines must not be negative')
    tmpls = [template(p) for p in recordings(args.corpus)]
    if args.out == '-':
        write(sys.stdout.buffer, tmpls, args.lines)
        sys.stdout.buffer.flush()
        return
    with open(args.out, 'wb', buffering=1 << 22) as out:
        write(out, tmpls, args.lines)


if __name__ == '__main__':
    main()
