"""Problems found in input data, reported with file, line and field.

Examples
--------
>>> str(Problem("events.yaml", 12, "events[3].place", "unknown place 'Falujah'"))
"events.yaml:12: events[3].place: unknown place 'Falujah'"
>>> shown("x" * 100)
"'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…"
"""

from __future__ import annotations

import reprlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

#: Longest piece of a value from the input repeated in a message.
SHOWN = 60
# Bounds the work of repr on a huge value; the cut to SHOWN characters comes after.
_REPR = reprlib.Repr()  # keyword arguments only from Python 3.12
_REPR.maxlevel, _REPR.maxlist, _REPR.maxdict, _REPR.maxstring, _REPR.maxother = 2, 4, 4, 4 * SHOWN, 4 * SHOWN


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input file."""

    path: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        return self._text(self.path)

    def for_visitors(self) -> str:
        """The problem with its file's name only: a web page never shows the server's folders.

        >>> Problem("/srv/app/data/events.yaml", 12, "place", "unknown place").for_visitors()
        'events.yaml:12: place: unknown place'
        """
        return self._text(PurePath(self.path).name)

    def _text(self, path: str) -> str:
        where = f"{path}:{self.line}" if self.line else path
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class DataError(Exception):
    """Raised when input data is invalid; carries every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def shown(value: Any, limit: int = SHOWN) -> str:
    """``repr`` of a value read from the input, cut to ``limit`` characters with "…": a message never
    repeats a whole value (it may be megabytes, or a list its aliases expand)."""
    text = _REPR.repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"
