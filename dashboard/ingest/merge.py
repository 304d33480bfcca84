"""Merging reviewed candidate events (from ``python -m dashboard ingest``) into ``events.yaml``.

A candidates file holds the article, its source and a list of ``candidates``: events in the
``events.yaml`` schema plus ingest-only keys (``confidence``, ``evidence``, ``factions``) that are
dropped on merge.  :func:`merge_candidates`

1. checks each candidate's fields (the same rules as ``events.yaml``, lines of the candidates file);
2. skips duplicates: same place and type within ``window_days`` of an existing event (or of an
   earlier candidate), or in the same month when either event is dated to the month only;
3. renames an id already in use by adding ``-2``, ``-3``, ...;
4. checks the would-be record as a whole (places, continuity of control, sieges) and leaves out
   any candidate that would make it invalid, reporting why;
5. inserts the rest as text at their date position, after existing events of the same date, so
   every byte already in ``events.yaml`` stays as it was; writes atomically and, first, keeps a
   timestamped backup ``events.yaml.YYYYMMDD-HHMMSS.bak`` beside it.  Nothing is written (and no
   backup made) when no candidate is added.

New events are written in the file's own style by :mod:`dashboard.ingest.record_text`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dashboard.core.events import Event, EventRecord, free_id, parse_events
from dashboard.core.files import OutputError, atomic_write, writable_target
from dashboard.core.places import Gazetteer
from dashboard.core.problems import DataError, Problem
from dashboard.core.validation import check_text, read_file
from dashboard.core.yamlfile import LineDict
from dashboard.ingest.candidate_file import read_candidates
from dashboard.ingest.record_text import Layout, Merged, Pending, render_event

#: Keys a candidate may carry for the reviewer's sake; never written to ``events.yaml``.
INGEST_KEYS = frozenset({"confidence", "evidence", "factions", "coordinates"})

# --------------------------------------------------------------------------- report


@dataclass
class MergeReport:
    """What a merge did: events added, candidates skipped, ids changed.

    >>> report = MergeReport(added=["a-2"], duplicates=[("b", "b-old")], renamed=[("a", "a-2")],
    ...                      invalid=["c.yaml:9: candidates[2].place: unknown place 'x'"])
    >>> print(report.summary())
    Added 1 event: a-2
    Renamed 1 (id already in use): a -> a-2
    Skipped 1 duplicate: b duplicates b-old
    Not added, 1 problem:
      c.yaml:9: candidates[2].place: unknown place 'x'
    >>> print(MergeReport(added=["a-2"], dry_run=True).summary())
    Would add 1 event: a-2
    """

    added: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    #: The backup of the events file made before writing (``None`` when nothing was written).
    backup: Path | None = None
    #: Nothing was written: ``added`` is what a real merge would add.
    dry_run: bool = False

    def summary(self) -> str:
        """A few plain lines for the command line or the app."""
        verb = "Would add" if self.dry_run else "Added"
        lines = [f"{verb} {_count(len(self.added), 'event')}: {', '.join(self.added)}" if self.added
                 else ("Nothing would be added" if self.dry_run else "Nothing added")]
        if self.backup is not None:
            lines.append(f"Backup of the previous file: {self.backup}")
        if self.renamed:
            pairs = ", ".join(f"{old} -> {new}" for old, new in self.renamed)
            lines.append(f"Renamed {len(self.renamed)} (id already in use): {pairs}")
        if self.duplicates:
            pairs = ", ".join(f"{cand} duplicates {other}" for cand, other in self.duplicates)
            lines.append(f"Skipped {_count(len(self.duplicates), 'duplicate')}: {pairs}")
        if self.invalid:
            lines.append(f"Not added, {_count(len(self.invalid), 'problem')}:")
            lines.extend(f"  {message}" for message in self.invalid)
        return "\n".join(lines)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


# --------------------------------------------------------------------------- merging


def merge_candidates(candidates_path: Path | str, events_path: Path | str, gazetteer: Gazetteer, *,
                     window_days: int = 3, backup: bool = True, dry_run: bool = False) -> MergeReport:
    """Merge the candidates of a candidates file into an events file (see the module's docstring).

    Raises :class:`DataError` when the candidates file is not readable or not shaped like one,
    or when the events file is itself invalid; problems with single candidates are reported in
    the returned :class:`MergeReport`, never raised.  ``dry_run`` reports without writing.

    Example (with the real files; see ``tests/test_merge.py``)::

        report = merge_candidates("candidates.yaml", "events.yaml", gazetteer)
        print(report.summary())
        # Added 1 event: fallujah-2016-05-23-offensive
        # Backup of the previous file: events.yaml.20240601-120501.bak
    """
    return merge_into(read_candidates(candidates_path), events_path, gazetteer, origin=str(candidates_path),
                      window_days=window_days, backup=backup, dry_run=dry_run)


def merge_into(candidates: Iterable[Mapping[str, Any]], events_path: Path | str, gazetteer: Gazetteer, *,
               origin: str = "candidates", window_days: int = 3, backup: bool = True,
               dry_run: bool = False) -> MergeReport:
    """Merge candidates already in memory (e.g. edited in the app); ``origin`` names them in messages.

    Candidates read by :func:`read_candidates` keep their lines; plain dicts are reported
    without a line.

    Example::

        merge_into([], "events.yaml", gazetteer).summary()  # 'Nothing added'
    """
    if window_days < 0:
        raise ValueError(f"window_days must be 0 or more, got {window_days}")
    events_path = Path(events_path)
    original, text = read_file(events_path)
    top, record = _parse_valid(text, str(events_path), gazetteer)
    report = MergeReport(dry_run=dry_run)
    rejected: list[tuple[int, str]] = []  # (candidate's position, message)
    pending = _screen(list(candidates), top, record, origin, window_days, report, rejected)
    layout = Layout.of(text, record) if pending else None
    kept = _settle(layout, pending, str(events_path), origin, gazetteer, rejected) if layout else []
    report.invalid = [message for _, message in sorted(rejected, key=lambda r: r[0])]
    if not kept or layout is None:
        report.renamed = []
        return report
    kept_ids = {p.data["id"] for p in kept}
    report.renamed = [(old, new) for old, new in report.renamed if new in kept_ids]
    report.added = [p.data["id"] for p in sorted(kept, key=lambda p: p.index)]
    if not dry_run:
        report.backup = _write(events_path, original, layout.merged(kept).text, backup)
    return report


def _parse_valid(text: str, name: str, gazetteer: Gazetteer) -> tuple[LineDict, EventRecord]:
    """The loaded document and record of a valid events file; :class:`DataError` if it is not."""
    checked = check_text(text, name, gazetteer)
    if checked.problems or checked.doc is None or checked.record is None:
        raise DataError(checked.problems)
    return checked.doc, checked.record


def _screen(candidates: list[Mapping[str, Any]], top: LineDict, record: EventRecord, origin: str,
            window_days: int, report: MergeReport, rejected: list[tuple[int, str]]) -> list[Pending]:
    """Check each candidate's own fields, skip duplicates and rename ids in use, in file order."""
    taken = {event.id for event in record.events}
    pending: list[Pending] = []
    for index, raw in enumerate(candidates):
        source = _as_linedict(raw)
        data = _clean(source)
        event, problems = _check_fields(data, top, origin, index)
        if problems or event is None:
            rejected.extend((index, str(p)) for p in problems)
            continue
        if (twin := _duplicate_of(event, [*record.events, *(p.event for p in pending)], window_days)):
            report.duplicates.append((event.id, twin.id))
            continue
        new_id = free_id(event.id, taken)
        if new_id != event.id:
            report.renamed.append((event.id, new_id))
            data["id"] = new_id
        taken.add(new_id)
        pending.append(Pending(index, source, data, event))
    return pending


def _as_linedict(raw: Mapping[str, Any]) -> LineDict:
    """A candidate held in memory as the parser's LineDicts, nested mappings too (lines unknown: 0)."""
    if isinstance(raw, LineDict):
        return raw
    out = LineDict((key, _as_lines(value)) for key, value in raw.items())
    out.line, out.key_lines = 0, {}
    return out


def _as_lines(value: Any) -> Any:
    if isinstance(value, Mapping):
        return _as_linedict(value)
    if isinstance(value, list):
        return [_as_lines(item) for item in value]
    return value


def _clean(candidate: LineDict) -> LineDict:
    """The candidate without its ingest-only keys, keeping its lines."""
    out = LineDict((k, v) for k, v in candidate.items() if k not in INGEST_KEYS)
    out.line, out.key_lines = candidate.line, candidate.key_lines
    return out


def _check_fields(data: LineDict, top: LineDict, origin: str,
                  index: int) -> tuple[Event | None, list[Problem]]:
    """Parse one candidate with the record's factions and dates, as ``events.yaml`` would."""
    alone = LineDict(top)
    alone.line, alone.key_lines = top.line, top.key_lines
    alone["baseline"], alone["events"] = [], [data]
    record, problems = parse_events(alone, origin)
    where = f"candidates[{index}]"
    problems = [Problem(p.path, p.line or None, p.field.replace("events[0]", where, 1), p.message)
                for p in problems]
    event = record.events[0] if record is not None and record.events else None
    if event is None and not problems:
        problems = [Problem(origin, data.line or None, where, "not a complete event")]
    return event, problems


def _duplicate_of(event: Event, others: Iterable[Event], window_days: int) -> Event | None:
    """The event closest in date that ``event`` repeats: same place and type, close dates."""
    twins = [other for other in others if other.place == event.place and other.type == event.type
             and _close(event, other, window_days)]
    return min(twins, key=lambda other: abs((other.date - event.date).days), default=None)


def _close(a: Event, b: Event, window_days: int) -> bool:
    if abs((a.date - b.date).days) <= window_days:
        return True
    month_only = "month" in (a.date_precision, b.date_precision)
    return month_only and (a.date.year, a.date.month) == (b.date.year, b.date.month)


# --------------------------------------------------------------------------- checking in context


def _settle(layout: Layout, pending: list[Pending], name: str, origin: str, gazetteer: Gazetteer,
            rejected: list[tuple[int, str]]) -> list[Pending]:
    """The candidates that keep the whole record valid; the others are reported.

    All at once first; if that fails, one at a time in date order, so each problem is
    blamed on the candidate that brings it.
    """
    writable = []
    for p in pending:
        try:
            p.text = render_event(p.data, indent=layout.indent, newline=layout.newline)
        except ValueError as exc:
            rejected.append((p.index, str(Problem(origin, p.source.line or None, f"candidates[{p.index}]",
                                                  str(exc)))))
            continue
        writable.append(p)
    if not writable or not check_text(layout.merged(writable).text, name, gazetteer).problems:
        return writable
    kept: list[Pending] = []
    for p in sorted(writable, key=lambda p: (p.event.date, p.index)):
        merged = layout.merged([*kept, p])
        problems = check_text(merged.text, name, gazetteer).problems
        if problems:
            rejected.extend((p.index, message) for message in _blame(p, problems, merged, name, origin))
        else:
            kept.append(p)
    return kept


def _blame(p: Pending, problems: list[Problem], merged: Merged, name: str, origin: str) -> list[str]:
    """Messages for the problems ``p`` brings, at lines of the candidates file."""
    where = f"candidates[{p.index}]"
    out = []
    for problem in problems:
        owner, line = merged.origin_of(problem.line or 0)
        if owner is p:
            sub = _subfield(problem.field)
            out.append(str(Problem(origin, _line_in(p.source, sub) or None,
                                   f"{where}.{sub}" if sub else where, problem.message)))
            continue
        there = (f"candidate {owner.data['id']} ({origin}:{owner.source.line})" if owner is not None
                 else f"{name}:{line}")
        out.append(str(Problem(origin, p.source.line or None, where,
                               f"conflicts with the record: {there}: {problem.field}: {problem.message}")))
    return out


_FIELD_PREFIX = re.compile(r"^(?:events\[\d+\]|event [^.]+)\.?")
_FIELD_PART = re.compile(r"([^.\[\]]+)(?:\[(\d+)\])?")


def _subfield(problem_field: str) -> str:
    """The part of a problem's field inside the event: ``event x.change.from`` -> ``change.from``.

    >>> _subfield("event fallujah-1.change.from"), _subfield("events[3].sources[0].url")
    ('change.from', 'sources[0].url')
    """
    return _FIELD_PREFIX.sub("", problem_field, count=1)


def _line_in(item: Any, subfield: str) -> int:
    """Line of a (nested) field of a candidate, or of the closest enclosing one."""
    line = item.line if isinstance(item, LineDict) else 0
    for key, index in _FIELD_PART.findall(subfield):
        if not isinstance(item, LineDict) or key not in item:
            break
        line, item = item.line_of(key), item[key]
        if index and isinstance(item, list) and int(index) < len(item):
            item = item[int(index)]
            line = item.line if isinstance(item, LineDict) else line
    return line


# --------------------------------------------------------------------------- writing


def _write(path: Path, original: bytes, text: str, backup: bool) -> Path | None:
    """Write ``text`` over ``path`` atomically, after saving ``original`` beside it if asked.

    Refuses if the file changed since it was read, and a file that cannot be replaced (read-only, not
    a regular file: :func:`writable_target`) before any backup is made; keeps the file's permissions.
    """
    if path.read_bytes() != original:
        raise DataError([Problem(str(path), None, "", "changed while merging; nothing written, try again")])
    try:
        writable_target(path)
    except OutputError as exc:
        reason = str(exc).removeprefix(f"cannot write {path}: ")
        raise DataError([Problem(str(path), None, "", f"{reason}; nothing written")]) from None
    mode = stat.S_IMODE(path.stat().st_mode)
    saved = None
    if backup:
        saved = backup_path(path)
        _write_bytes(saved, original, mode)
    _write_bytes(path, text.encode("utf-8"), mode)
    return saved


def _write_bytes(path: Path, data: bytes, mode: int) -> None:
    with atomic_write(path) as fh:
        fh.write(data)
        os.fchmod(fh.fileno(), mode)


def backup_path(path: Path | str, now: dt.datetime | None = None) -> Path:
    """A free name for a backup of ``path``: ``events.yaml.YYYYMMDD-HHMMSS.bak`` beside it.

    >>> backup_path("data/events.yaml", dt.datetime(2024, 6, 1, 12, 5, 1)).as_posix()
    'data/events.yaml.20240601-120501.bak'
    """
    target = Path(path)
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    candidate = target.with_name(f"{target.name}.{stamp}.bak")
    n = 2
    while candidate.exists():
        candidate = target.with_name(f"{target.name}.{stamp}-{n}.bak")
        n += 1
    return candidate
