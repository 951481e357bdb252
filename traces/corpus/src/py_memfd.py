# py_memfd: ordinary Python work with a sealed memfd, the way a program
# hands a buffer to another process: create, size, fill through mmap, then
# seal it read-only and check that the seals hold. Exits 0 when the kernel
# answered as expected.
import errno
import fcntl
import mmap
import os
import sys

fd = os.memfd_create("py-buffer", os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
os.ftruncate(fd, 2 * mmap.PAGESIZE)
with mmap.mmap(fd, 2 * mmap.PAGESIZE) as m:          # MAP_SHARED, rw
    m[:12] = b"hello, seals"
    try:                                              # a writable map exists
        fcntl.fcntl(fd, fcntl.F_ADD_SEALS, fcntl.F_SEAL_WRITE)
        sys.exit("F_SEAL_WRITE under a shared writable map did not fail")
    except OSError as e:
        assert e.errno == errno.EBUSY, e

fcntl.fcntl(fd, fcntl.F_ADD_SEALS,
            fcntl.F_SEAL_WRITE | fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW | fcntl.F_SEAL_SEAL)
seals = fcntl.fcntl(fd, fcntl.F_GET_SEALS)
assert seals == 0xf, hex(seals)

for what, call in [("write", lambda: os.write(fd, b"x")),
                   ("ftruncate", lambda: os.ftruncate(fd, 0)),
                   ("mmap rw", lambda: mmap.mmap(fd, mmap.PAGESIZE)),
                   ("add seal", lambda: fcntl.fcntl(fd, fcntl.F_ADD_SEALS, fcntl.F_SEAL_GROW))]:
    try:
        call()
        sys.exit(f"{what} on the sealed memfd did not fail")
    except PermissionError:
        pass

with mmap.mmap(fd, mmap.PAGESIZE, prot=mmap.PROT_READ) as m:  # read-only: fine
    assert m[:12] == b"hello, seals"
with open(f"/proc/self/fd/{fd}", "rb") as f:                 # another process would
    assert f.read(12) == b"hello, seals"
os.close(fd)
print("py_memfd: ok")
