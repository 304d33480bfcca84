"""Ingest off the caller's thread, with a time limit: a web page waits for it, but no longer than it
should, and a text being read is read once however many times it is asked for.

Reading is linear and bounded by :data:`dashboard.ingest.reading.MAX_CHARS`, so the work always
ends; the pool thread finishes it even when the caller stops waiting, and the next caller asking
for the same text (``key``) collects that result instead of starting again. The work is pure Python
in small steps (each regular expression reads a few words), so a thread here leaves the server's
other threads their turns: another user's map still redraws (``tests/test_browser.py``).

Examples
--------
>>> run_bounded("sum-1", sum, [1, 2, 3], timeout=5)
6
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

_T = TypeVar("_T")
#: Seconds a page waits for candidates: ingest of the longest text allowed takes about 5 s.
TIME_LIMIT = 30.0
# One worker: two heavy articles at once would only share the same cores more slowly.
_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest")
_RUNNING: dict[str, Future[Any]] = {}
_LOCK = threading.Lock()


class IngestTimeout(Exception):
    """The work did not end within the time limit (it goes on, for the next call with its key)."""


def run_bounded(key: str, work: Callable[..., _T], *args: Any, timeout: float) -> _T:
    """``work(*args)`` on the ingest thread, waiting at most ``timeout`` seconds, else
    :class:`IngestTimeout`. A call with the ``key`` of work started before (and not yet collected)
    waits for that work instead of starting it again."""
    with _LOCK:
        future = _RUNNING.get(key)
        if future is None:
            _forget_uncollected()
            future = _RUNNING[key] = _POOL.submit(work, *args)
    try:
        result = future.result(timeout=timeout)
    except FutureTimeout:
        raise IngestTimeout(f"not done within {timeout:g} s") from None
    finally:
        if future.done():
            with _LOCK:
                if _RUNNING.get(key) is future:
                    del _RUNNING[key]
    return result


def _forget_uncollected(keep: int = 8) -> None:
    """Drop finished work nobody came back for, beyond the ``keep`` latest."""
    done = [key for key, future in _RUNNING.items() if future.done()]
    for key in done[:max(0, len(done) - keep)]:
        del _RUNNING[key]
