"""Writing output files safely: a known extension, and all or nothing.

Examples
--------
>>> output_kind("pack.PPTX", ("pdf", "pptx"))
'pptx'
>>> output_kind("pack.docx", ("pdf", "pptx"))
Traceback (most recent call last):
...
dashboard.core.files.OutputError: cannot write pack.docx: unknown extension '.docx' (use .pdf, .pptx)
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO


class OutputError(ValueError):
    """An output path that cannot be written (bad extension, missing folder)."""


def output_kind(path: Path | str, formats: Sequence[str]) -> str:
    """The format an output path asks for by its extension, one of ``formats``."""
    target = Path(path)
    kind = target.suffix.lower().lstrip(".")
    if kind not in formats:
        raise OutputError(f"cannot write {path}: unknown extension {target.suffix or '(none)'!r} "
                          f"(use {', '.join('.' + f for f in formats)})")
    return kind


def writable_target(path: Path | str) -> Path:
    """The file a write of ``path`` lands in, checked: :class:`OutputError` if it must not be replaced.

    A symlink is followed, so the write replaces the file it points to and the link stays a link.
    Refused: a missing folder; anything but a regular file (a folder, a device such as ``/dev/full``,
    a FIFO), since renaming over it would swap it for a file; and a read-only file (no write bit, as
    after ``chmod a-w``, or not writable by this user): it was made so to keep it as it is, and the
    rename that an atomic write ends with would replace it regardless.

    >>> writable_target("/dev/full")
    Traceback (most recent call last):
    ...
    dashboard.core.files.OutputError: cannot write /dev/full: it is a device, not a regular file
    """
    given = Path(path)
    try:
        target = given.resolve()
    except (OSError, RuntimeError):  # a symlink loop (RuntimeError before Python 3.13)
        raise OutputError(f"cannot write {path}: a symlink that leads nowhere (a loop)") from None
    folder = given.parent if not given.parent.is_dir() else target.parent
    if not folder.is_dir():
        raise OutputError(f"cannot write {path}: folder {folder} does not exist")
    try:
        status = target.stat()
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror}") from None
    if not stat.S_ISREG(status.st_mode):
        raise OutputError(f"cannot write {path}: it is {_file_kind(status.st_mode)}, not a regular file")
    mode = stat.S_IMODE(status.st_mode)
    if not mode & 0o222 or not os.access(target, os.W_OK):  # root may write anything: look at the bits
        raise OutputError(f"cannot write {path}: it is read-only (mode {mode:04o}); "
                          "make it writable (chmod u+w) to replace it")
    return target


def _file_kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    kinds = ((stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
             (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"))
    return next((name for test, name in kinds if test(mode)), "not a plain file")


@contextlib.contextmanager
def atomic_write(path: Path | str) -> Iterator[BinaryIO]:
    """Write to a temporary file beside ``path``, renamed over it only if the block succeeds.

    ``path`` is first checked by :func:`writable_target` (a symlink is followed: its target is
    replaced, the link kept).  A failure, Ctrl-C or a SIGTERM (which the CLI turns into an
    exception) leaves no temporary file and keeps whatever was at ``path``.  The file gets the mode
    of the one it replaces, or a new file's (0666 less the umask, as ``open`` gives): the temporary
    file's private 0600 would otherwise stay on every output.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     with atomic_write(Path(folder) / "a.txt") as fh:
    ...         _ = fh.write(b"all or nothing")
    ...     [p.name for p in Path(folder).iterdir()]
    ['a.txt']
    """
    target = writable_target(path)
    # The temporary's name is chosen before the file exists, so an interrupt at any point after it is
    # made (a SIGTERM turned into an exception lands between any two bytecodes) finds it to remove.
    # Blocking signals around its creation is not enough: the mask is per thread, and a signal sent
    # to the process goes to a thread that does not block it (numpy's and others' workers).
    tmp = target.parent / f".{target.name}.{secrets.token_hex(4)}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        with os.fdopen(fd, "wb") as fh:
            yield fh
        os.chmod(tmp, _mode_for(target))
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def ensure_content(path: Path | str, data: bytes) -> bool:
    """Make ``path`` hold ``data``: written (atomically) unless it holds exactly that already.

    For generated files named by a hash of their content: the name says what the file should hold,
    not that it does (a write interrupted by a crash, a full disk, an edit by hand can leave it empty
    or short), so what is there is compared, not trusted.  A file that cannot be read is rewritten.
    True if it was written.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "countries-0123.json"
    ...     _ = path.write_bytes(b"")  # left empty by an earlier crash
    ...     ensure_content(path, b"{}"), ensure_content(path, b"{}"), path.read_bytes()
    (True, False, b'{}')
    """
    target = Path(path)
    with contextlib.suppress(OSError):
        if target.stat().st_size == len(data) and target.read_bytes() == data:
            return False
    with atomic_write(target) as out:
        out.write(data)
    return True




def _mode_for(target: Path) -> int:
    """The permission bits a write of ``target`` should leave: those it has, or a new file's."""
    with contextlib.suppress(OSError):
        return target.stat().st_mode & 0o7777
    return 0o666 & ~_umask()


def _umask() -> int:
    """The process's umask, read without changing it where the system says it (Linux)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)  # elsewhere: set and restore (a moment in which other threads see 022)
    os.umask(mask)
    return mask
