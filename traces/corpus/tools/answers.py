#!/usr/bin/env python3
"""answers.py CORPUS_DIR > ANSWERS.md

Lists, for every recording of the trace corpus, the kernel answers a correct
`mmsim replay` must reproduce: each mseal, each memfd_create, F_ADD_SEALS and
F_GET_SEALS, each write to vm.memfd_noexec, and every refusal (-1 ERRNO) of a
call mmsim models. Each refusal says why where the trace shows it: the line
whose mseal covers the range, whose F_ADD_SEALS or memfd_create set the seal,
whose shared mapping made F_SEAL_WRITE busy, whose sysctl write set the
namespace's value. Rows are grouped under the corpus programs' step labels
(access("@ ...") lines, see src/corpus.h).

Line numbers are physical lines of the file: a call split into
"<unfinished ...>" and "<... resumed>" halves is listed at the line that has
its result. This is a reading aid, not a strace parser: it knows the styles
the corpus uses (scripts/record-corpus.sh) and nothing more.
"""
import os
import re
import sys

MM_CALLS = {"mmap", "munmap", "mprotect", "pkey_mprotect", "mremap", "madvise", "brk",
            "syscall_0x1ce", "mseal"}
FD_CALLS = {"read", "write", "pread64", "pwrite64", "lseek", "close", "dup", "dup2", "dup3",
            "fcntl", "ftruncate", "fallocate", "fchmod", "memfd_create", "close_range"}
PROC_CALLS = {"fork", "vfork", "clone", "clone3", "unshare", "execve", "execveat"}
OPEN_CALLS = {"open", "openat"}

F_ADD_SEALS, F_GET_SEALS = 0x409, 0x40A
SEAL_NAMES = [(0x1, "SEAL"), (0x2, "SHRINK"), (0x4, "GROW"), (0x8, "WRITE"),
              (0x10, "FUTURE_WRITE"), (0x20, "EXEC")]
PAGE = 4096

LEADER = re.compile(
    r"^(?:\[pid\s+(?P<pid1>\d+)\] |(?P<pid2>\d+)\s+)?"
    r"(?:(?:\d+\.\d+|\d\d:\d\d:\d\d(?:\.\d+)?) )?"
    r"(?:\[\s*\d+\] )?")
SPLICE = re.compile(r"^(?P<head>.+?)strace: Process \d+ attached$")
RESULT = re.compile(r"\)\s+= ")
ERRNO = re.compile(r"^-1 (?P<err>E[A-Z0-9]+)\b")
TIME_T = re.compile(r" <\d+\.\d+>$")


def num(text):
    """An argument as a number: 0x.., decimal, NULL; the part before a
    comment or annotation; None if it is no number."""
    t = text.strip()
    if t == "NULL":
        return 0
    m = re.match(r"^(-?(?:0x[0-9a-fA-F]+|\d+))", t)
    return int(m.group(1), 0) if m else None


def split_args(s):
    """Top-level arguments: commas outside strings, brackets, comments and
    fd annotations (3</memfd:a, b>(deleted))."""
    out, cur, depth, i, n = [], [], 0, 0, len(s)
    while i < n:
        c = s[i]
        if c == '"':
            j = i + 1
            while j < n and s[j] != '"':
                j += 2 if s[j] == "\\" else 1
            cur.append(s[i:j + 1])
            i = j + 1
            continue
        if s.startswith("/*", i):
            j = s.find("*/", i)
            j = n if j < 0 else j + 2
            cur.append(s[i:j])
            i = j
            continue
        if c == "<" and i > 0 and (s[i - 1].isalnum() or s[i - 1] in ")]"):
            d, j = 0, i
            while j < n:
                if s[j] == "<":
                    d += 1
                elif s[j] == ">":
                    d -= 1
                    if d == 0:
                        break
                j += 1
            cur.append(s[i:j + 1])
            i = j + 1
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "," and depth == 0:
            out.append("".join(cur).strip())
            cur = []
            i += 1
            continue
        cur.append(c)
        i += 1
    if cur or out:
        out.append("".join(cur).strip())
    return out


def fd_of(arg):
    """(fd number, annotation path or None) of an fd argument or result."""
    m = re.match(r"^(-?\d+)(?:<(.*)>(?:\(deleted\))?)?", arg.strip())
    if not m:
        return None, None
    return int(m.group(1)), m.group(2)


def flag_bits(arg, names):
    """The value of a flags argument in any -X form: FOO|BAR|0x10, 0x3,
    0x3 /* FOO|BAR */."""
    arg = re.sub(r"/\*.*\*/", "", arg).strip()
    total = 0
    for part in arg.split("|"):
        part = part.strip()
        if part in names:
            total |= names[part]
        elif num(part) is not None:
            total |= num(part)
    return total


SEAL_BITS = {"F_SEAL_" + n: b for b, n in SEAL_NAMES}
MAP_BITS = {"MAP_SHARED": 0x1, "MAP_PRIVATE": 0x2, "MAP_FIXED": 0x10, "MAP_ANONYMOUS": 0x20,
            "MAP_SHARED_VALIDATE": 0x3, "MAP_FIXED_NOREPLACE": 0x100000}
PROT_BITS = {"PROT_NONE": 0, "PROT_READ": 1, "PROT_WRITE": 2, "PROT_EXEC": 4}
MREMAP_BITS = {"MREMAP_MAYMOVE": 1, "MREMAP_FIXED": 2, "MREMAP_DONTUNMAP": 4}
FCNTL_CMDS = {"F_ADD_SEALS": F_ADD_SEALS, "F_GET_SEALS": F_GET_SEALS}


def seals_text(bits):
    return "|".join(n for b, n in SEAL_NAMES if bits & b) or "0"


def pages(n):
    return (n + PAGE - 1) // PAGE * PAGE


class Call:
    def __init__(self, line, pid, name, args, result):
        self.line, self.pid, self.name = line, pid, name
        self.args = split_args(args)
        self.raw_args = args
        self.result = result
        m = ERRNO.match(result)
        self.err = m.group("err") if m else None
        self.value = None if self.err or result.startswith("?") else num(result)

    def arg(self, i):
        return self.args[i] if i < len(self.args) else ""


def events(path):
    """(kind, line, pid, payload) for each call and step label of a file."""
    pending = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        raw = f.read().split("\n")
    lines, lineno, carry = [], 0, None
    for text in raw:
        lineno += 1
        if carry is not None:            # stderr style: a message cut the line
            text, start = carry[0] + text, carry[1]
            carry = None
        else:
            start = lineno
        m = SPLICE.match(text)
        if m and not text.startswith("strace: "):
            carry = (m.group("head"), start)
            continue
        lines.append((lineno, text))
    for lineno, text in lines:
        m = LEADER.match(text)
        pid = int(m.group("pid1") or m.group("pid2") or 0)
        body = TIME_T.sub("", text[m.end():].rstrip())
        if body.startswith(("+++ exited", "+++ killed")):
            yield Call(lineno, pid, "_exit", "", "0")
            continue
        if not body or body.startswith(("strace: ", "+++", "---", "[ Process")):
            continue
        if body.endswith(" <unfinished ...>"):
            pending[pid] = body[: -len(" <unfinished ...>")]
            continue
        r = re.match(r"^<\.\.\. (\w+) resumed>(.*)$", body)
        if r:
            body = pending.pop(pid, r.group(1) + "(") + r.group(2)
        c = re.match(r"^(\w+)\((.*)$", body)
        if not c:
            continue
        rest = c.group(2)
        hits = list(RESULT.finditer(rest))
        if not hits:
            continue
        h = hits[-1]
        yield Call(lineno, pid, c.group(1), rest[: h.start()], rest[h.end():].strip())


class Mm:
    """One address space as the trace shows it: the mseals made in it and its
    shared mappings of memfds. Threads (CLONE_VM) share one."""

    def __init__(self, seals=None, shared=None):
        self.seals = list(seals or [])      # (line, start, end)
        self.shared = list(shared or [])    # [line, start, end, key, may_write]
        self.users = 1


class Reader:
    """Follows one file: seals per address space, seals per memfd, fds per
    pid, shared maps, sysctl writes; gives the rows of its table."""

    def __init__(self):
        self.mm = {}              # pid -> Mm
        self.fds = {}             # pid -> {fd: (key, writable)}, shared under CLONE_FILES
        self.parent = {}          # pid -> the pid that made it
        self.memfds = {}          # key -> (line of memfd_create, initial seal bits)
        self.add_seals = {}       # key -> [(line, bits)]
        self.maps = {}            # address -> line of the mmap that returned it
        self.opened = {}          # (pid, fd) -> line of its open
        self.sysctl = {}          # pid -> (line, value written)
        self.label = {}           # pid -> last step label
        self.last_parent = None
        self.seen = set()
        self.alias = {}           # pid -> 0: see rows()

    # A pid seen before its clone returned (a child printing first, or the
    # unprefixed first process of the stderr style) starts from the state of
    # the last process that cloned.
    def fdmap(self, pid):
        if pid not in self.fds:
            self.fds[pid] = dict(self.fds.get(self.last_parent, {}))
        return self.fds[pid]

    def mm_of(self, pid):
        if pid not in self.mm:
            src = self.mm.get(self.last_parent)
            self.mm[pid] = Mm(src.seals, src.shared) if src else Mm()
        return self.mm[pid]

    def key(self, pid, arg):
        """(fd, the file's name, open for writing) of an fd argument."""
        fd, ann = fd_of(arg)
        if fd is None:
            return None, None, True
        known = self.fdmap(pid).get(fd)
        name = ann or (known[0] if known else "fd %d" % fd)
        return fd, name, known[1] if known else True

    def sysctl_of(self, pid):
        """The last write to vm.memfd_noexec by pid or an ancestor."""
        seen = set()
        while pid is not None and pid not in seen:
            if pid in self.sysctl:
                return self.sysctl[pid]
            seen.add(pid)
            pid = self.parent.get(pid)
        return None

    def seal_line(self, pid, start, end):
        own = self.mm_of(pid)
        for mm in [own] + [m for m in self.mm.values() if m is not own]:
            for line, s, e in reversed(mm.seals):
                if s < end and start < e:
                    return "sealed at line %d (%#x-%#x)" % (line, s, e)
        return None

    def memfd_seal_line(self, key, want):
        for line, bits, effective in reversed(self.add_seals.get(key, [])):
            if effective & want:
                extra = effective & ~bits
                return "F_ADD_SEALS %s at line %d%s" % (
                    seals_text(bits), line,
                    " (on an executable memfd EXEC brings %s)" % seals_text(extra) if extra else "")
        made = self.memfds.get(key)
        if made and made[1] & want:
            return "%s from memfd_create at line %d" % (seals_text(made[1] & want), made[0])
        return None

    def writable_maps(self, key):
        live = {id(m): m for m in self.mm.values() if m.users > 0}
        return sorted({m[0] for mm in live.values() for m in mm.shared
                       if m[3] == key and m[4]})

    def rows(self, call):
        """(label, row cells) to list for this call, or None."""
        c, name, pid = call, call.name, call.pid
        why = ""
        listed = False

        # The stderr style prints the first process without a pid until it
        # has a child, then as "[pid N]": a pid that no clone made, seen
        # after unprefixed lines, is that first process.
        if pid and pid not in self.seen and pid not in self.parent and 0 in self.seen:
            self.alias[pid] = 0
        self.seen.add(pid)
        pid = self.alias.get(pid, pid)

        if name == "_exit":
            mm = self.mm_of(pid)
            mm.users -= 1
            if mm.users == 0:
                mm.shared = []
            return None
        if name in ("clone", "clone3", "fork", "vfork") and c.value is not None:
            self.last_parent = pid
            m = re.search(r"/\* (\d+) in strace's PID NS \*/", c.result)
            child = int(m.group(1)) if m else c.value
            self.parent[child] = pid
            self.alias.pop(child, None)     # it was a child after all
            mm = self.mm_of(pid)
            if "CLONE_VM" in c.raw_args or name == "vfork":
                mm.users += 1
                self.mm[child] = mm
            else:
                self.mm[child] = Mm(mm.seals, [list(x) for x in mm.shared])
            files = self.fdmap(pid)
            self.fds[child] = files if "CLONE_FILES" in c.raw_args else dict(files)
        if name == "access":
            m = re.match(r'^"(@ .*)"', c.arg(0))
            if m:
                self.label[pid] = m.group(1)[2:]
            return None

        if name in ("syscall_0x1ce", "mseal"):
            a, ln, fl = num(c.arg(0)), num(c.arg(1)), num(c.arg(2))
            listed = True
            if c.value == 0 and ln:
                self.mm_of(pid).seals.append((c.line, a, a + pages(ln)))
            elif c.err == "ENOMEM":
                why = "a hole in [%#x, %#x)" % (a, a + pages(ln))
            elif c.err == "EINVAL":
                why = "flags != 0" if fl else "address not page-aligned" if a % PAGE else "bad range"
            elif c.value == 0 and not ln:
                why = "length 0: nothing looked up"
        elif name in ("mmap", "munmap", "mprotect", "pkey_mprotect", "madvise", "mremap"):
            a, ln = num(c.arg(0)), num(c.arg(1)) or 0
            mm = self.mm_of(pid)
            if name == "mmap" and c.value is not None:
                self.maps[c.value] = c.line
                flags = flag_bits(c.arg(3), MAP_BITS)
                fd, key, rw = self.key(pid, c.arg(4))
                if flags & 0x3 == 0x1 and fd is not None and fd >= 0:
                    sealed = self.memfd_seal_line(key, 0x18)
                    may_write = rw and not sealed
                    mm.shared.append([c.line, c.value, c.value + pages(ln), key, may_write])
            if name == "munmap" and c.value == 0:
                end = a + pages(ln)
                mm.shared = [m for m in mm.shared if not (a <= m[1] and m[2] <= end)]
            if c.err:
                listed = True
                if c.err == "EPERM":
                    if name == "mmap":
                        fd, key, _ = self.key(pid, c.arg(4))
                        flags = flag_bits(c.arg(3), MAP_BITS)
                        if flags & 0x10:
                            why = self.seal_line(pid, a, a + pages(ln)) or ""
                        elif key:
                            why = "%s: %s" % (key, self.memfd_seal_line(key, 0x18) or "write-sealed")
                    elif name == "mremap":
                        why = self.seal_line(pid, a, a + pages(ln or PAGE)) or ""
                        mflags = flag_bits(c.arg(3), MREMAP_BITS)
                        if not why and mflags & 2:
                            d = num(c.arg(4))
                            why = "destination " + (self.seal_line(pid, d, d + pages(num(c.arg(2)))) or "")
                    else:
                        why = self.seal_line(pid, a, a + pages(ln)) or ""
                elif c.err == "EACCES" and name == "mprotect":
                    src = self.maps.get(a)
                    why = "the shared mapping from line %d has no VM_MAYWRITE" % src if src else ""
                elif c.err == "EACCES" and name == "mmap":
                    fd, key, rw = self.key(pid, c.arg(4))
                    line = self.opened.get((pid, fd))
                    why = "%s opened read-only%s" % (key, " at line %d" % line if line else "")
                elif c.err == "ENOMEM":
                    why = "no VMA over part of the range"
        elif name == "memfd_create":
            listed = True
            m = re.match(r'^"(.*)"', c.arg(0))
            mname = "/memfd:" + (m.group(1) if m else "?")
            flags = flag_bits(c.arg(1), {"MFD_CLOEXEC": 1, "MFD_ALLOW_SEALING": 2, "MFD_HUGETLB": 4,
                                         "MFD_NOEXEC_SEAL": 8, "MFD_EXEC": 0x10})
            if c.value is not None:
                s = self.sysctl_of(pid)
                noexec = flags & 0x8 or (not flags & 0x10 and s and s[1] in ("1", "2"))
                initial = 0x20 if noexec else 0 if flags & 0x2 else 0x1
                self.fdmap(pid)[c.value] = (mname, True)
                self.memfds[mname] = (c.line, initial)
                self.add_seals.pop(mname, None)
            elif c.err == "EACCES":
                s = self.sysctl_of(pid)
                why = "MFD_EXEC under vm.memfd_noexec = 2" + (
                    " (written at line %d)" % s[0] if s and s[1] == "2" else "")
            elif c.err == "EINVAL":
                why = "invalid flags"
        elif name == "fcntl":
            fd, key, rw = self.key(pid, c.arg(0))
            cmd = flag_bits(c.arg(1), FCNTL_CMDS)
            is_memfd = (key or "").startswith("/memfd:")
            if cmd == F_ADD_SEALS:
                listed = True
                bits = flag_bits(c.arg(2), SEAL_BITS)
                if c.value == 0:
                    made = self.memfds.get(key)
                    effective = bits
                    if bits & 0x20 and made and not made[1] & 0x20:
                        effective |= 0x1e   # F_SEAL_EXEC on a mode with x bits
                    self.add_seals.setdefault(key, []).append((c.line, bits, effective))
                elif c.err == "EBUSY":
                    maps = self.writable_maps(key)
                    why = ("shared mapping of %s that may become writable, made at line %s" % (
                        key, ", ".join(map(str, maps)))) if maps else "a shared writable mapping"
                elif c.err == "EPERM":
                    line = self.opened.get((pid, fd))
                    sealed = self.memfd_seal_line(key, 0x1) if is_memfd else None
                    if not rw or not is_memfd:
                        why = "fd not open for writing%s" % (" (opened at line %d)" % line if line else "")
                    elif sealed:
                        why = "F_SEAL_SEAL: " + sealed
                elif c.err == "EINVAL":
                    why = "unknown seal bits" if is_memfd else "not a memfd"
            elif cmd == F_GET_SEALS:
                listed = True
                if c.err == "EBADF":
                    why = "fd not open"
                elif c.err == "EINVAL":
                    why = "not a memfd"
            elif c.value is not None and re.match(r"^(F_DUPFD|F_DUPFD_CLOEXEC|0x0|0x406)\b", c.arg(1)):
                self.fdmap(pid)[c.value] = self.fdmap(pid).get(fd, (key, rw))
            elif c.err:
                listed = True
        elif name in ("dup", "dup2", "dup3"):
            fd, key, rw = self.key(pid, c.arg(0))
            if c.value is not None:
                self.fdmap(pid)[c.value] = (key, rw)
            elif c.err:
                listed = True
                why = "bad flags, or the same fd twice" if c.err == "EINVAL" else ""
        elif name in ("close", "close_range"):
            if name == "close":
                fd, _ = fd_of(c.arg(0))
                self.fdmap(pid).pop(fd, None)
            if c.err:
                listed = True
                why = "fd not open" if c.err == "EBADF" else "first > last" if name == "close_range" else ""
            elif name == "close_range" and not re.search(r"CLOEXEC|0x4", c.arg(2)):
                lo, hi = num(c.arg(0)), num(c.arg(1))
                for fd in [f for f in self.fdmap(pid) if lo <= f <= hi]:
                    del self.fdmap(pid)[fd]
        elif name in OPEN_CALLS:
            path_arg = c.arg(1 if name == "openat" else 0)
            m = re.match(r'^"(.*)"', path_arg)
            path = m.group(1) if m else ""
            mode = c.arg(2 if name == "openat" else 1)
            rw = bool(re.search(r"O_RDWR|O_WRONLY", mode)) or (
                num(mode) is not None and num(mode) & 3 != 0)
            if c.value is not None:
                fd = c.value
                self.opened[(pid, fd)] = c.line
                r = re.match(r"^/proc/(?:self|thread-self|\d+)/fd/(\d+)$", path)
                ann = fd_of(c.result)[1]
                if r:
                    src = self.fdmap(pid).get(int(r.group(1)))
                    self.fdmap(pid)[fd] = (ann or (src[0] if src else path), rw)
                else:
                    self.fdmap(pid)[fd] = (ann or path, rw)
            elif c.err and ("/fd/" in path or "memfd_noexec" in path):
                listed = True
                why = "fd %s not open" % path.rsplit("/", 1)[1] if c.err == "ENOENT" else \
                    "a truncate of a shrink-sealed memfd with data" if c.err == "EPERM" else ""
        elif name in ("write", "pwrite64", "ftruncate", "fallocate", "fchmod", "read", "pread64", "lseek"):
            fd, key, rw = self.key(pid, c.arg(0))
            if (key or "").endswith("memfd_noexec") and name in ("write", "pwrite64"):
                listed = True
                m = re.match(r'^"(.*)"', c.arg(1))
                if c.value is not None and m:
                    self.sysctl[pid] = (c.line, m.group(1).strip())
                elif c.err == "EINVAL":
                    why = "outside [parent's value, 2]"
            elif c.value is not None and name in ("write", "pwrite64") and (key or "").startswith("/memfd:") \
                    and num(c.arg(2)) is not None and c.value < num(c.arg(2)):
                listed = True
                why = "short: %s" % (self.memfd_seal_line(key, 0x4) or "stops at the end of the file")
            elif c.err:
                listed = True
                if c.err == "EPERM":
                    want = {"write": 0x1C, "pwrite64": 0x1C, "ftruncate": 0x6,
                            "fallocate": 0x0C, "fchmod": 0x20}.get(name, 0x3f)
                    why = "%s: %s" % (key, self.memfd_seal_line(key, want) or "sealed")
                elif c.err == "EINVAL" and name == "ftruncate":
                    line = self.opened.get((pid, fd))
                    why = "fd not open for writing%s" % (" (opened at line %d)" % line if line else "")
        elif name in PROC_CALLS:
            if c.err or name in ("execveat", "unshare"):
                listed = True
                why = {"ENOMEM": "the pid namespace's init has exited",
                       "EACCES": "no exec permission (mode or F_SEAL_EXEC'd memfd)",
                       "ENOEXEC": "not an executable format (an empty memfd)",
                       "ETXTBSY": "the memfd is open for writing through a reopen"}.get(c.err, "")
            if name in ("execve", "execveat") and c.value == 0:
                old = self.mm_of(pid)
                old.users -= 1
                if old.users == 0:
                    old.shared = []
                self.mm[pid] = Mm()       # a new address space: no seals
        if not listed:
            return None
        return self.label.get(pid), [str(c.line), str(call.pid) if call.pid else "", short(c), answer(c),
                                     why.replace("|", "\\|")]


def short(c):
    text = "%s(%s)" % ("mseal" if c.name == "syscall_0x1ce" else c.name, ", ".join(
        c.args[:3] if c.name == "syscall_0x1ce" else c.args))
    text = re.sub(r"\(deleted\)", "", text)
    if len(text) > 90:
        text = text[:87] + "..."
    return "`" + text.replace("|", "\\|").replace("`", "'") + "`"


def answer(c):
    if c.err:
        return "**%s**" % c.err
    r = re.sub(r"\(deleted\)", "", c.result)
    r = re.sub(r" /\* (\d+) in strace's PID NS \*/", r" (pid \1 outside)", r)
    return r.replace("|", "\\|")


def read_meta(corpus):
    meta = {}
    path = os.path.join(corpus, "recordings.tsv")
    if os.path.exists(path):
        for row in open(path, encoding="utf-8"):
            if row.startswith("#") or not row.strip():
                continue
            f = row.rstrip("\n").split("\t")
            meta[f[0]] = f
    return meta


def table(path, rel, out):
    rd = Reader()
    rows, last_label = [], None
    n = sum(1 for _ in open(path, encoding="utf-8", errors="replace"))
    counts, refused = {}, 0
    for call in events(path):
        if call.name in MM_CALLS | FD_CALLS | PROC_CALLS | OPEN_CALLS | {"exit_group"}:
            nm = "mseal" if call.name == "syscall_0x1ce" else call.name
            counts[nm] = counts.get(nm, 0) + 1
            refused += call.err is not None
        r = rd.rows(call)
        if not r:
            continue
        label, cells = r
        if label and label != last_label:
            rows.append("| | | *%s* | | |" % label.replace("|", "\\|"))
            last_label = label
        rows.append("| " + " | ".join(cells) + " |")
    out.append("%s — %d lines, %d bytes" % ("`" + rel + "`", n, os.path.getsize(path)))
    out.append("")
    out.append("calls of the kinds mmsim models: %s; %d refused." % (
        ", ".join("%s %d" % kv for kv in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))) or "none",
        refused))
    out.append("")
    if rows:
        out.append("| line | pid | call | kernel answer | why (from the trace) |")
        out.append("|---|---|---|---|---|")
        out.extend(rows)
    else:
        out.append("(no call this file records is one of those listed)")
    out.append("")


def main():
    corpus = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    meta = read_meta(corpus)
    out = ["# Kernel answers in the trace corpus", "",
           "Generated by `tools/answers.py` from the recordings (scripts/record-corpus.sh runs it);",
           "do not edit. For each recording: every mseal (`syscall_0x1ce` in strace 6.1), memfd_create,",
           "F_ADD_SEALS, F_GET_SEALS, unshare, execveat, write to `vm.memfd_noexec`, and every refusal",
           "of a call mmsim models, with the line of the trace that explains it. A correct",
           "`mmsim replay` reproduces each answer. Italic rows are the programs' step labels.",
           "Line numbers count physical lines; a call cut into `<unfinished ...>` and",
           "`<... resumed>` halves is listed at the line with its result.", ""]
    entries = []
    for name in sorted(os.listdir(corpus)):
        p = os.path.join(corpus, name)
        if name.endswith(".trace"):
            entries.append((name, [(name, p)]))
        elif name.endswith(".ff") and os.path.isdir(p):
            files = sorted(os.listdir(p), key=lambda f: int(f.rsplit(".", 1)[-1]) if f.rsplit(".", 1)[-1].isdigit() else 0)
            entries.append((name, [(name + "/" + f, os.path.join(p, f)) for f in files]))
    div = os.path.join(corpus, "divergent")
    if os.path.isdir(div):
        for name in sorted(os.listdir(div)):
            if name.endswith(".trace"):
                entries.append(("divergent/" + name, [("divergent/" + name, os.path.join(div, name))]))
    for name, files in entries:
        out.append("## " + name)
        out.append("")
        m = meta.get(name)
        if m and len(m) >= 7:
            out.append("program `%s` · style %s · %s · `%s` · %s" % (m[6], m[2], m[3], m[4] or "(none)", m[5]))
            out.append("")
        if name.startswith("divergent/"):
            out.append("Edited on purpose: see divergent/README.md for the line a replay must report.")
            out.append("")
        for rel, p in files:
            table(p, rel, out)
    print("\n".join(out))


if __name__ == "__main__":
    main()
