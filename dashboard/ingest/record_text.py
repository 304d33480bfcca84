"""``events.yaml`` as text: where a new event goes, and how it is written in the file's own style.

Merging inserts new events as text, so every byte already in the file stays as it was.
New events are rendered (:func:`render_event`): a block mapping per
event, ``id`` first, defaults (``date_precision: day``, ``approximate: false``) left out,
flow-style ``change`` and source lines, long text folded at 100 characters.

Examples
--------
>>> print(render_event({"id": "fallujah-2016-05-23-offensive", "date": "2016-05-23",
...     "date_precision": "day", "approximate": False, "place": "fallujah", "type": "offensive",
...     "summary": "Iraqi forces began the offensive to retake Fallujah.",
...     "sources": [{"title": "T", "publisher": "P", "date": "2016-05-25", "url": "https://x.org/a"}]}),
...     end="")
- id: fallujah-2016-05-23-offensive
  date: 2016-05-23
  place: fallujah
  type: offensive
  summary: Iraqi forces began the offensive to retake Fallujah.
  sources:
  - {title: T, publisher: P, date: 2016-05-25, url: 'https://x.org/a'}
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from dashboard.core.events import DATE_PRECISIONS, EVENT_KEYS, SOURCE_KEYS, Event, EventRecord
from dashboard.core.problems import DataError, Problem
from dashboard.core.yamlfile import LineDict, load_yaml_text

# YAML's line breaks: line numbers in problems count these, not just "\n".
_LINE = re.compile(r"[^\r\n\x85\u2028\u2029]*(?:\r\n|[\r\n\x85\u2028\u2029]|\Z)")

CHANGE_KEY_ORDER = ("from", "to", "factions")
#: Width ``events.yaml`` is folded at (PyYAML's ``width``).
WIDTH = 100


@dataclass
class Pending:
    """A candidate on its way into the record."""

    index: int  # position in the candidates file
    source: LineDict  # as read, for lines of the candidates file
    data: dict[str, Any]  # cleaned and renamed: what is written
    event: Event  # parsed, for dates and duplicates
    text: str = ""  # rendered block



def _split_lines(text: str) -> list[str]:
    """Lines as YAML counts them, each with its break; joined they give back ``text``.

    >>> _split_lines("a\\r\\nb\\u2028c")
    ['a\\r\\n', 'b\\u2028', 'c']
    """
    return [line for line in _LINE.findall(text) if line]


@dataclass
class Merged:
    """A would-be events file, and which candidate (or original line) each of its lines comes from."""

    text: str
    #: (first merged line, last merged line, candidate) of each inserted block, 1-based
    spans: list[tuple[int, int, Pending]]

    def origin_of(self, line: int) -> tuple[Pending | None, int]:
        """The candidate a merged line belongs to, or ``None`` and the line in the original file."""
        before = 0
        for first, last, pending in self.spans:
            if first <= line <= last:
                return pending, line
            if last < line:
                before += last - first + 1
        return None, line - before


@dataclass
class Layout:
    """Where new events go in the text of an events file."""

    lines: list[str]
    #: (date, line index before which an event later than ``date`` starts), in file order
    starts: list[tuple[dt.date, int]]
    end: int  # line index just after the last event
    indent: int  # column of the "-" of each event
    newline: str

    @classmethod
    def of(cls, text: str, record: EventRecord) -> Layout:
        if not record.events:
            raise DataError([Problem(record.path, None, "events",
                                     "no event to place new ones after: add the first event by hand")])
        lines = _split_lines(text)
        dash = [_dash_line(lines, event.line - 1) for event in record.events]
        indent = len(lines[dash[0]]) - len(lines[dash[0]].lstrip(" "))
        starts = [(event.date, _attached_start(lines, i, indent)) for event, i in zip(record.events, dash,
                                                                                        strict=True)]
        newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
        return cls(lines, starts, _block_end(lines, dash[-1], indent), indent, newline)

    def position(self, date: dt.date) -> int:
        """Line index to insert an event of ``date`` at: before the first later event."""
        return next((start for when, start in self.starts if when > date), self.end)

    def merged(self, pending: list[Pending]) -> Merged:
        """The text with each candidate's block inserted at its date (by date, then file order)."""
        at: dict[int, list[Pending]] = {}
        for p in sorted(pending, key=lambda p: (p.event.date, p.index)):
            at.setdefault(self.position(p.event.date), []).append(p)
        pieces: list[str] = []
        spans: list[tuple[int, int, Pending]] = []
        line = 0  # merged lines so far
        for i in range(len(self.lines) + 1):
            for p in at.get(i, ()):
                block = p.text
                if i == len(self.lines) and pieces and not _ends_line(pieces[-1]):
                    block = self.newline + block.removesuffix(self.newline)  # file ends without a break
                count = len(_split_lines(p.text))
                spans.append((line + 1, line + count, p))
                line += count
                pieces.append(block)
            if i < len(self.lines):
                pieces.append(self.lines[i])
                line += 1
        return Merged("".join(pieces), spans)


def _ends_line(text: str) -> bool:
    return text.endswith(("\n", "\r", "\x85", "\u2028", "\u2029"))


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _dash_line(lines: list[str], index: int) -> int:
    """The line of the ``-`` that opens the event whose mapping starts on line ``index``."""
    while index > 0 and not lines[index].lstrip(" ").startswith("-"):
        index -= 1
    return index


def _attached_start(lines: list[str], index: int, indent: int) -> int:
    """Start of an event with the comments and blank lines just above it (they belong to it)."""
    while index > 0:
        above = lines[index - 1]
        if above.strip() and not (above.lstrip(" ").startswith("#") and _indent(above) <= indent):
            break
        index -= 1
    return index


def _block_end(lines: list[str], index: int, indent: int) -> int:
    """Index just after the last line of the event starting at ``index`` (trailing blanks excluded)."""
    end = index + 1
    while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > indent):
        end += 1
    while end > index + 1 and not lines[end - 1].strip():
        end -= 1
    return end




class _Flow(dict):
    """A mapping written on one line (``{from: isis, to: iraq}``)."""


class _FlowList(list):
    """A list written on one line (``[iraq, isis]``)."""


class _Dumper(yaml.SafeDumper):
    """Safe dumper writing sources, simple changes and faction lists in flow style."""


_Dumper.add_representer(_Flow, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v, flow_style=True))
_Dumper.add_representer(_FlowList,
                        lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))


def render_event(event: Mapping[str, Any], *, indent: int = 0, newline: str = "\n") -> str:
    """YAML text of one event as an item of ``events.yaml``'s list, in the file's style.

    Keys in the schema's order, unknown and ingest-only keys left out, defaults omitted.
    Raises ValueError if the text would not read back as the same values.

    >>> print(render_event({"id": "x", "date": "2016-08-12", "place": "manbij", "type": "capture",
    ...     "change": {"from": "isis", "to": "sdf"}, "summary": "Taken: 'at last' # really",
    ...     "sources": [{"title": "T", "publisher": "P", "date": None}]}, indent=2), end="")
      - id: x
        date: 2016-08-12
        place: manbij
        type: capture
        change: {from: isis, to: sdf}
        summary: 'Taken: ''at last'' # really'
        sources:
        - {title: T, publisher: P, date: null}
    """
    data = _for_yaml(event)
    text = yaml.dump([data], Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=WIDTH - indent,
                     default_flow_style=False, line_break=newline)
    if indent:
        text = "".join(" " * indent + line if line.strip() else line for line in _split_lines(text))
    back = load_yaml_text(text, "(rendered event)")
    if back != [_plain(data)]:
        raise ValueError("cannot be written so that it reads back the same")
    return text


def _for_yaml(event: Mapping[str, Any]) -> dict[str, Any]:
    """The event as it is written: schema order, defaults dropped, dates as dates, flow parts."""
    out: dict[str, Any] = {}
    for key in EVENT_KEYS:
        value = event.get(key)
        if value is None or (key, value) in (("date_precision", DATE_PRECISIONS[0]), ("approximate", False)):
            continue
        if key == "note" and value == "":
            continue
        if key == "date":
            value = _as_date(value)
        elif key == "change" and isinstance(value, Mapping):
            value = _change(value)
        elif key == "sources" and isinstance(value, list):
            value = [_source(s) if isinstance(s, Mapping) else s for s in value]
        out[key] = value
    return out


def _change(change: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: change[k] for k in CHANGE_KEY_ORDER if k in change}
    if isinstance(out.get("factions"), list):
        out["factions"] = _FlowList(out["factions"])
        return out
    return _Flow(out)


def _source(source: Mapping[str, Any]) -> _Flow:
    return _Flow({k: _as_date(source[k]) if k == "date" else source[k]
                  for k in SOURCE_KEYS if k in source})


def _as_date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _plain(value: Any) -> Any:
    """``value`` as the line-tracking loader reads it back (dates as text, plain containers)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
