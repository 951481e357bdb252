# py_mmap: Python's mmap module doing ordinary work: an anonymous shared
# buffer that grows (mremap), advice, a private copy-on-write map of a file,
# and a sealed memfd that refuses to grow. Exits 0 when all went as expected.
import mmap
import os
import tempfile

page = mmap.PAGESIZE
buf = mmap.mmap(-1, 4 * page)                   # MAP_SHARED|MAP_ANONYMOUS
buf.write(b"abc" * 100)
buf.resize(16 * page)                           # mremap(..., MREMAP_MAYMOVE)
assert buf[:3] == b"abc"
buf.madvise(mmap.MADV_DONTNEED, 4 * page, 4 * page)
buf.madvise(mmap.MADV_WILLNEED)
buf.close()                                     # munmap

with tempfile.TemporaryFile() as f:
    f.write(b"0123456789" * 1000)
    f.flush()
    with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_COPY) as m:  # MAP_PRIVATE
        m[:4] = b"XXXX"
        assert m.find(b"9012") == 9
    f.seek(0)
    assert f.read(4) == b"0123"                 # the copy never reached the file

fd = os.memfd_create("py-mmap", os.MFD_ALLOW_SEALING)
os.ftruncate(fd, 4 * page)
import fcntl
fcntl.fcntl(fd, fcntl.F_ADD_SEALS, fcntl.F_SEAL_GROW)
m = mmap.mmap(fd, 4 * page)
try:
    m.resize(8 * page)                          # ftruncate larger: EPERM
    raise SystemExit("resize of a grow-sealed memfd did not fail")
except OSError:
    pass
m.close()
os.close(fd)
print("py_mmap: ok")
