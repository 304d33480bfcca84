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
import tempfile
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


@contextlib.contextmanager
def atomic_write(path: Path | str) -> Iterator[BinaryIO]:
    """Write to a temporary file beside ``path``, renamed over it only if the block succeeds.

    A failure (or an interrupt) leaves no partial file and keeps whatever was at ``path``.  The file
    gets the mode of the one it replaces, or a new file's (0666 less the umask, as ``open`` gives):
    the temporary file's private 0600 would otherwise stay on every output.
    """
    target = Path(path)
    if not target.parent.is_dir():
        raise OutputError(f"cannot write {path}: folder {target.parent} does not exist")
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
        os.chmod(tmp, _mode_for(target))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
