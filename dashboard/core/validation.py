"""Checking ``events.yaml`` against the gazetteer and itself.

Every problem is reported at once, each with file, line, field and a plain
message; :func:`load_record` refuses invalid data by raising
:class:`~dashboard.core.problems.DataError` with the same messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dashboard.core.control import ControlHistory, replay
from dashboard.core.events import EventRecord, Holding, parse_events
from dashboard.core.places import Gazetteer, UnknownPlace
from dashboard.core.problems import DataError, Problem, shown
from dashboard.core.sourcing import sourcing_errors
from dashboard.core.yamlfile import LineDict, load_yaml_text, read_limited


def check_record(record: EventRecord, gazetteer: Gazetteer) -> tuple[ControlHistory, list[Problem]]:
    """Cross-check a parsed record: places, duplicate ids, continuity of control, sieges, and the hard
    sourcing rules (:mod:`dashboard.core.sourcing`)."""
    problems: list[Problem] = []
    districts = {p.district for p in gazetteer} - {""}
    subdistricts = {p.subdistrict for p in gazetteer} - {""}
    for holding in record.baseline:
        _check_place(record.path, holding.line, "baseline.place", holding.place, gazetteer, problems)
        _check_leads(record.path, holding, gazetteer, districts, subdistricts, problems)
    seen: dict[str, int] = {}
    for event in record.events:
        if event.id in seen:
            problems.append(Problem(record.path, event.line_of("id"), f"event {event.id}.id",
                                    f"duplicate id (first on line {seen[event.id]})"))
        seen.setdefault(event.id, event.line)
        _check_place(record.path, event.line_of("place"), f"event {event.id}.place", event.place, gazetteer,
                     problems)
    recorded = {h.place for h in record.baseline} | {e.place for e in record.events}
    for gap in record.unrecorded:
        _check_place(record.path, gap.line, "unrecorded.place", gap.place, gazetteer, problems)
        if gap.place in recorded:
            problems.append(Problem(record.path, gap.line, "unrecorded.place",
                                    f"{gap.place} has a history in the record: it is not unrecorded"))
    history, continuity = replay(record)
    return history, problems + continuity + sourcing_errors(record)


def _check_leads(path: str, holding: Holding, gazetteer: Gazetteer, districts: set[str],
                 subdistricts: set[str], problems: list[Problem]) -> None:
    """A ``leads`` may only name districts, sub-districts and places the gazetteer has."""
    leads = holding.leads
    where = f"baseline {holding.place}.leads"
    for code in leads.districts:
        if code not in districts:
            problems.append(Problem(path, leads.line, f"{where}.district", f"unknown district {shown(code)}"))
    for code in leads.subdistricts:
        if code not in subdistricts:
            problems.append(Problem(path, leads.line, f"{where}.subdistrict",
                                    f"unknown sub-district {shown(code)}"))
    for place_id in leads.places:
        _check_place(path, leads.line, f"{where}.places", place_id, gazetteer, problems)


def _check_place(path: str, line: int, field: str, place_id: str, gazetteer: Gazetteer,
                 problems: list[Problem]) -> None:
    if place_id in gazetteer:
        return
    try:
        meant = gazetteer.resolve(place_id)
    except UnknownPlace as exc:
        problems.append(Problem(path, line, field, str(exc)))
        return
    problems.append(Problem(path, line, field,
                            f"unknown place id {shown(place_id)} (did you mean: {meant.id}?)"))


@dataclass(frozen=True)
class Checked:
    """An events file loaded, parsed and checked: whatever got that far, and every problem found."""

    doc: LineDict | None
    record: EventRecord | None
    history: ControlHistory | None
    problems: list[Problem]


def read_file(path: Path | str) -> tuple[bytes, str]:
    """The bytes of an events file and their text; :class:`DataError` if it cannot be read, or is larger
    than :data:`~dashboard.core.yamlfile.MAX_BYTES`."""
    try:
        data = read_limited(path)
        return data, data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError([Problem(str(path), None, "", f"cannot read file: {exc}")]) from None


def check_text(text: str, name: str, gazetteer: Gazetteer) -> Checked:
    """Load, parse and check the text of an events file saved as ``name``: the one path that
    ``validate``, the app, the CLI and merge all take."""
    try:
        doc = load_yaml_text(text, name)
    except DataError as exc:
        return Checked(None, None, None, list(exc.problems))
    record, problems = parse_events(doc, name)
    if record is None:
        return Checked(doc, None, None, problems)
    history, more = check_record(record, gazetteer)
    return Checked(doc, record, history, sorted(problems + more, key=lambda p: (p.line or 0, p.field)))


def read_record(path: Path | str, gazetteer: Gazetteer
                ) -> tuple[EventRecord | None, ControlHistory | None, list[Problem]]:
    """Read and check an events file; return the record, its history and all problems."""
    try:
        text = read_file(path)[1]
    except DataError as exc:
        return None, None, list(exc.problems)
    checked = check_text(text, str(path), gazetteer)
    return checked.record, checked.history, checked.problems


def validate(path: Path | str, gazetteer: Gazetteer) -> list[Problem]:
    """Return every problem in an events file (empty when it is valid)."""
    return read_record(path, gazetteer)[2]


def load_record(path: Path | str, gazetteer: Gazetteer) -> tuple[EventRecord, ControlHistory]:
    """Read an events file, raising :class:`DataError` if anything is wrong."""
    record, history, problems = read_record(path, gazetteer)
    if problems or record is None or history is None:
        raise DataError(problems)
    return record, history
