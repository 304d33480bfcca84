"""The curated record: factions, who held what at the start, and dated, sourced events.

:func:`parse_events` turns the YAML document into typed objects and reports every
structural problem (missing field, bad date, unknown faction) with its line.
Checks that need the gazetteer or the order of events (unknown places,
continuity of control, sieges) live in :mod:`dashboard.core.validation`.

Examples
--------
>>> from dashboard.core.yamlfile import load_yaml_text
>>> text = '''
... factions: [{id: isis, name: Islamic State, colour: "#222222"},
...            {id: iraq, name: Iraq, colour: "#2e7d32"}]
... start: 2014-01-01
... end: 2019-03-31
... baseline: [{place: fallujah, faction: iraq, sources: [{title: T, publisher: P, date: null}]}]
... events:
...   - id: fallujah-falls
...     date: 2014-01-04
...     place: fallujah
...     type: capture
...     change: {from: iraq, to: isis}
...     summary: IS fighters took the city.
...     sources: [{title: T, publisher: P, date: 2014-01-04}]
... '''
>>> record, problems = parse_events(load_yaml_text(text, "e.yaml"), "e.yaml")
>>> problems
[]
>>> record.events[0].change
Change(old=Control(faction='iraq', parties=()), new=Control(faction='isis', parties=()))
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from dashboard.core.problems import Problem, shown
from dashboard.core.yamlfile import LineDict

#: The Islamic State: the side whose war the record follows.
IS = "isis"
CONTESTED = "contested"
UNCLAIMED = "unclaimed"
#: Colours of the two pseudo-factions; faction colours come from the record (see EventRecord.colours).
SPECIAL_COLOURS = {CONTESTED: "#8e24aa", UNCLAIMED: "#ffffff"}
EVENT_TYPES = ("capture", "offensive", "siege", "siege_broken", "bombing", "evacuation", "other")
DATE_PRECISIONS = ("day", "month")
_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
#: Dates as the record writes them: YYYY-MM-DD only (Python 3.11's fromisoformat also takes 20190323).
_DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_COLOUR_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")


class Control(NamedTuple):
    """Who holds a place: a faction id, or ``contested`` between ``parties``."""

    faction: str
    parties: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"contested ({', '.join(self.parties)})" if self.parties else self.faction


class Change(NamedTuple):
    """A change of control, from ``old`` to ``new``."""

    old: Control
    new: Control


@dataclass(frozen=True)
class Faction:
    id: str
    name: str
    colour: str


@dataclass(frozen=True)
class Source:
    title: str
    publisher: str
    date: dt.date | None
    url: str | None = None


@dataclass(frozen=True)
class Leads:
    """What a recorded place leads by the record's say-so: districts, sub-districts or places.

    For the cases no follower rule gets right (:mod:`dashboard.core.followers`).
    """

    districts: tuple[str, ...] = ()
    subdistricts: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    line: int = 0

    def __bool__(self) -> bool:
        return bool(self.districts or self.subdistricts or self.places)

    def covers(self, place: Any) -> bool:
        """Whether a gazetteer place (with ``id``, ``district``, ``subdistrict``) is led.

        >>> from types import SimpleNamespace as P
        >>> Leads(districts=("IQD0601",)).covers(P(id="x", district="IQD0601", subdistrict=""))
        True
        """
        return (place.id in self.places or (place.district != "" and place.district in self.districts)
                or (place.subdistrict != "" and place.subdistrict in self.subdistricts))


@dataclass(frozen=True)
class Unrecorded:
    """A town the record leaves to its neighbours on purpose, and why (``unrecorded:`` in events.yaml):
    one the completeness rule (:mod:`dashboard.core.coverage`) asks for, but no source dates."""

    place: str
    note: str
    line: int = 0


@dataclass(frozen=True)
class Holding:
    """Control of one place on the start date, with its sources."""

    place: str
    control: Control
    sources: tuple[Source, ...]
    note: str = ""
    line: int = 0
    #: Control of a *local* place (a base, a camp, one district of a city) says nothing about the
    #: villages around it: they follow the nearest place that is not local.
    local: bool = False
    leads: Leads = field(default_factory=Leads)


@dataclass(frozen=True)
class Event:
    """One dated, sourced event at one place."""

    id: str
    date: dt.date
    place: str
    type: str
    summary: str
    sources: tuple[Source, ...]
    change: Change | None = None
    besieged_by: str | None = None
    date_precision: str = "day"
    approximate: bool = False
    note: str = ""
    line: int = 0
    key_lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def line_of(self, key: str) -> int:
        """Line of one of the event's fields in its file (the event's first line if absent)."""
        return self.key_lines.get(key, self.line)


@dataclass(frozen=True)
class EventRecord:
    """Everything in ``events.yaml``."""

    path: str
    factions: dict[str, Faction]
    start: dt.date
    end: dt.date
    baseline: tuple[Holding, ...]
    events: tuple[Event, ...] = field(default_factory=tuple)
    unrecorded: tuple[Unrecorded, ...] = field(default_factory=tuple)

    @property
    def holders(self) -> tuple[str, ...]:
        """Every category of land holder the map shows: each faction, then ``contested``."""
        return (*self.factions, CONTESTED)

    @property
    def colours(self) -> dict[str, str]:
        """Colour of every area category: each faction, ``contested`` and ``unclaimed``."""
        return {**SPECIAL_COLOURS, **{fid: f.colour for fid, f in self.factions.items()}}

    def names(self, short: bool = False) -> dict[str, str]:
        """Name of every area category; ``short`` drops a faction's bracketed qualifier
        (``Iraqi government (incl. PMF)`` -> ``Iraqi government``) for tables and tight spaces."""
        names = {fid: f.name.split(" (")[0] if short else f.name for fid, f in self.factions.items()}
        return {**names, CONTESTED: CONTESTED, UNCLAIMED: UNCLAIMED}


_TOP_KEYS = {"factions", "start", "end", "baseline", "events", "unrecorded"}
#: An event's keys and a source's keys, in the order events.yaml writes them.
EVENT_KEYS = ("id", "date", "date_precision", "approximate", "place", "type", "change",
              "besieged_by", "summary", "note", "sources")
SOURCE_KEYS = ("title", "publisher", "date", "url")
_EVENT_KEYS = set(EVENT_KEYS)
_HOLDING_KEYS = {"place", "faction", "factions", "note", "sources", "local", "leads"}
_LEADS_KEYS = {"district", "subdistrict", "places"}
_SOURCE_KEYS = set(SOURCE_KEYS)


def free_id(event_id: str, taken: set[str]) -> str:
    """``event_id``, or the first of ``event_id-2``, ``event_id-3``, ... not in ``taken``.

    >>> free_id("a", {"a", "a-2"}), free_id("b", {"a"})
    ('a-3', 'b')
    """
    if event_id not in taken:
        return event_id
    n = 2
    while f"{event_id}-{n}" in taken:
        n += 1
    return f"{event_id}-{n}"


class _Reader:
    """Collects problems while reading fields of one file."""

    def __init__(self, path: str):
        self.path = path
        self.problems: list[Problem] = []

    def bad(self, line: int | None, where: str, message: str) -> None:
        self.problems.append(Problem(self.path, line, where, message))

    def mapping(self, value: Any, where: str, line: int) -> LineDict | None:
        if not isinstance(value, LineDict):
            self.bad(line, where, f"expected a mapping, got {_kind(value)}")
            return None
        return value

    def unknown_keys(self, item: LineDict, allowed: set[str], where: str) -> None:
        for key in item:
            if key not in allowed:
                self.bad(item.line_of(key), f"{where}.{key}",
                         f"unknown field (expected one of: {', '.join(sorted(allowed))})")

    def text(self, item: LineDict, key: str, where: str, required: bool = True) -> str:
        value = item.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.bad(item.line_of(key), f"{where}.{key}", "missing")
            return ""
        if not isinstance(value, str | int | float):
            self.bad(item.line_of(key), f"{where}.{key}", f"expected text, got {_kind(value)}")
            return ""
        return str(value).strip()

    def date(self, item: LineDict, key: str, where: str, required: bool = True) -> dt.date | None:
        value = item.get(key)
        if value is None:
            if required:
                self.bad(item.line_of(key), f"{where}.{key}", "missing")
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return iso_date(value)
        except ValueError as exc:
            self.bad(item.line_of(key), f"{where}.{key}", str(exc))
            return None

    def faction(self, value: Any, factions: dict[str, Faction], line: int, where: str,
                allow_contested: bool = False) -> str | None:
        allowed = sorted(factions) + ([CONTESTED] if allow_contested else [])
        expected = f"(expected one of: {', '.join(allowed)})"
        if value is None:
            self.bad(line, where, f"missing {expected}")
            return None
        if not isinstance(value, str):  # a list ([isis]) or a mapping is not one faction id
            self.bad(line, where, f"expected one faction id, got {_kind(value)} {expected}")
            return None
        if value in factions or (allow_contested and value == CONTESTED):
            return value
        self.bad(line, where, f"unknown faction {shown(value)} {expected}")
        return None

    def control(self, item: LineDict, key: str, parties_key: str, factions: dict[str, Faction],
                where: str) -> Control | None:
        faction = self.faction(item.get(key), factions, item.line_of(key), f"{where}.{key}",
                               allow_contested=True)
        if faction is None:
            return None
        parties = item.get(parties_key)
        if faction != CONTESTED:
            if parties is not None:
                self.bad(item.line_of(parties_key), f"{where}.{parties_key}",
                         f"only for '{CONTESTED}' control")
            return Control(faction)
        line = item.line_of(parties_key)
        if not isinstance(parties, list) or len(set(map(str, parties))) < 2:
            self.bad(line, f"{where}.{parties_key}",
                     "contested control needs a list of at least two factions")
            return None
        checked = [self.faction(p, factions, line, f"{where}.{parties_key}") for p in parties]
        if None in checked:
            return None
        return Control(CONTESTED, tuple(sorted(set(map(str, checked)))))

    def sources(self, item: LineDict, where: str) -> tuple[Source, ...]:
        raw = item.get("sources")
        if not isinstance(raw, list) or not raw:
            self.bad(item.line_of("sources"), f"{where}.sources", "at least one source is required")
            return ()
        out = []
        for i, entry in enumerate(raw):
            sub = f"{where}.sources[{i}]"
            src = self.mapping(entry, sub, item.line_of("sources"))
            if src is None:
                continue
            self.unknown_keys(src, _SOURCE_KEYS, sub)
            url = self.text(src, "url", sub, required=False) or None
            if url and not url.startswith(("http://", "https://")):
                self.bad(src.line_of("url"), f"{sub}.url", f"not a web address: {shown(url)}")
            if "date" not in src:
                self.bad(src.line, f"{sub}.date", "missing (write date: null when unknown)")
            out.append(Source(self.text(src, "title", sub), self.text(src, "publisher", sub),
                              self.date(src, "date", sub, required=False), url))
        return tuple(out)


def _kind(value: Any) -> str:
    return {dict: "a mapping", LineDict: "a mapping", list: "a list"}.get(type(value), shown(value))


def iso_date(value: Any) -> dt.date:
    """A date written YYYY-MM-DD; ``ValueError`` with a message for anything else.

    >>> iso_date("2016-07-15")
    datetime.date(2016, 7, 15)
    >>> iso_date("2016-W28-5")
    Traceback (most recent call last):
    ...
    ValueError: malformed date '2016-W28-5' (expected YYYY-MM-DD)
    """
    if isinstance(value, str) and _DATE_PATTERN.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"malformed date {shown(value)} (expected YYYY-MM-DD)")


def parse_events(doc: Any, path: str) -> tuple[EventRecord | None, list[Problem]]:
    """Turn a loaded YAML document into an :class:`EventRecord`, listing every problem."""
    r = _Reader(path)
    top = r.mapping(doc, "(top level)", 1)
    if top is None:
        return None, r.problems
    r.unknown_keys(top, _TOP_KEYS, "(top level)")
    factions = _parse_factions(r, top)
    start = r.date(top, "start", "start") or dt.date(2014, 1, 1)
    end = r.date(top, "end", "end") or dt.date(2019, 3, 31)
    baseline = tuple(_parse_list(r, top, "baseline", lambda item, where: _parse_holding(
        r, item, where, factions)))
    events = tuple(_parse_list(r, top, "events", lambda item, where: _parse_event(
        r, item, where, factions, start, end)))
    unrecorded = tuple(_parse_list(r, top, "unrecorded", lambda item, where: _parse_unrecorded(
        r, item, where))) if "unrecorded" in top else ()
    return EventRecord(path, factions, start, end, baseline, events, unrecorded), r.problems


def _parse_unrecorded(r: _Reader, item: LineDict, where: str) -> Unrecorded | None:
    r.unknown_keys(item, {"place", "note"}, where)
    place, note = r.text(item, "place", where), r.text(item, "note", where)
    return Unrecorded(place, note, item.line) if place and note else None


def _parse_list(r: _Reader, top: LineDict, key: str, parse: Any) -> list[Any]:
    raw = top.get(key)
    if not isinstance(raw, list):
        r.bad(top.line_of(key), key, "missing or not a list")
        return []
    out = []
    for i, entry in enumerate(raw):
        item = r.mapping(entry, f"{key}[{i}]", top.line_of(key))
        if item is not None and (parsed := parse(item, f"{key}[{i}]")) is not None:
            out.append(parsed)
    return out


def _parse_factions(r: _Reader, top: LineDict) -> dict[str, Faction]:
    factions: dict[str, Faction] = {}
    for faction in _parse_list(r, top, "factions", lambda item, where: _parse_faction(r, item, where)):
        if faction.id in factions or faction.id in (CONTESTED, UNCLAIMED):
            r.bad(top.line_of("factions"), "factions", f"duplicate or reserved id {shown(faction.id)}")
        factions[faction.id] = faction
    return factions


def _parse_faction(r: _Reader, item: LineDict, where: str) -> Faction | None:
    r.unknown_keys(item, {"id", "name", "colour"}, where)
    fid, name, colour = (r.text(item, k, where) for k in ("id", "name", "colour"))
    if fid and not _ID_PATTERN.match(fid):
        r.bad(item.line_of("id"), f"{where}.id",
              f"{shown(fid)} must be lower-case letters, digits and hyphens")
        fid = ""
    if colour and not _COLOUR_PATTERN.match(colour):
        r.bad(item.line_of("colour"), f"{where}.colour", f"expected #rrggbb, got {shown(colour)}")
    return Faction(fid, name, colour) if fid and name and colour else None


def _parse_holding(r: _Reader, item: LineDict, where: str,
                   factions: dict[str, Faction]) -> Holding | None:
    r.unknown_keys(item, _HOLDING_KEYS, where)
    place = r.text(item, "place", where)
    control = r.control(item, "faction", "factions", factions, where)
    sources = r.sources(item, where)
    local = item.get("local", False)
    if not isinstance(local, bool):
        r.bad(item.line_of("local"), f"{where}.local", "expected true or false")
    leads = _parse_leads(r, item, where)
    if not place or control is None:
        return None
    return Holding(place, control, sources, r.text(item, "note", where, required=False), item.line,
                   bool(local), leads)


def _parse_leads(r: _Reader, item: LineDict, where: str) -> Leads:
    """``leads: {district: [...], subdistrict: [...], places: [...]}`` (each a code/id or a list)."""
    raw = item.get("leads")
    if raw is None:
        return Leads()
    leads = r.mapping(raw, f"{where}.leads", item.line_of("leads"))
    if leads is None:
        return Leads()
    r.unknown_keys(leads, _LEADS_KEYS, f"{where}.leads")
    found: dict[str, tuple[str, ...]] = {}
    for key in sorted(_LEADS_KEYS):
        value = leads.get(key, [])
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str) and v.strip() for v in values):
            r.bad(leads.line_of(key), f"{where}.leads.{key}", "expected a code or id, or a list of them")
            values = []
        found[key] = tuple(v.strip() for v in values)
    if not any(found.values()):
        r.bad(item.line_of("leads"), f"{where}.leads", "names no district, sub-district or place")
    return Leads(found["district"], found["subdistrict"], found["places"], item.line_of("leads"))


def _parse_event(r: _Reader, item: LineDict, where: str, factions: dict[str, Faction],
                 start: dt.date, end: dt.date) -> Event | None:
    r.unknown_keys(item, _EVENT_KEYS, where)
    event_id = r.text(item, "id", where)
    if event_id and not _ID_PATTERN.match(event_id):
        r.bad(item.line_of("id"), f"{where}.id",
              f"{shown(event_id)} must be lower-case letters, digits and hyphens")
    date = r.date(item, "date", where)
    if date is not None and not start <= date <= end:
        r.bad(item.line_of("date"), f"{where}.date", f"{date} is outside {start} .. {end}")
    precision = r.text(item, "date_precision", where, required=False) or "day"
    if precision not in DATE_PRECISIONS:
        r.bad(item.line_of("date_precision"), f"{where}.date_precision",
              f"expected one of: {', '.join(DATE_PRECISIONS)}")
    approximate = item.get("approximate", False)
    if not isinstance(approximate, bool):
        r.bad(item.line_of("approximate"), f"{where}.approximate", "expected true or false")
    etype = r.text(item, "type", where)
    if etype and etype not in EVENT_TYPES:
        r.bad(item.line_of("type"), f"{where}.type",
              f"unknown type {shown(etype)} (expected one of: {', '.join(EVENT_TYPES)})")
    change = _parse_change(r, item, where, factions)
    if etype == "capture" and "change" not in item:
        r.bad(item.line, f"{where}.change", "a capture needs a change of control (from, to)")
    besieged_by = None
    if etype == "siege":
        besieged_by = r.faction(item.get("besieged_by"), factions, item.line_of("besieged_by"),
                                f"{where}.besieged_by")
    elif "besieged_by" in item:
        r.bad(item.line_of("besieged_by"), f"{where}.besieged_by", "only for type siege")
    summary = r.text(item, "summary", where)
    sources = r.sources(item, where)
    place = r.text(item, "place", where)
    if not (event_id and date and place and etype and summary):
        return None
    return Event(event_id, date, place, etype, summary, sources, change, besieged_by, precision,
                 bool(approximate), r.text(item, "note", where, required=False), item.line,
                 _key_lines(item))


def _key_lines(item: LineDict) -> dict[str, int]:
    lines = dict(item.key_lines)
    change = item.get("change")
    if isinstance(change, LineDict):
        lines.update({f"change.{k}": v for k, v in change.key_lines.items()})
    return lines


def _parse_change(r: _Reader, item: LineDict, where: str,
                  factions: dict[str, Faction]) -> Change | None:
    if "change" not in item:
        return None
    sub = f"{where}.change"
    raw = r.mapping(item["change"], sub, item.line_of("change"))
    if raw is None:
        return None
    r.unknown_keys(raw, {"from", "to", "factions"}, sub)
    # "from" names only the faction: the parties of a contested "from" come from the record.
    old = r.faction(raw.get("from"), factions, raw.line_of("from"), f"{sub}.from",
                    allow_contested=True)
    new = r.control(raw, "to", "factions", factions, sub)
    if old is None or new is None:
        return None
    if old == new.faction and old != CONTESTED:
        r.bad(raw.line, sub, f"from and to are the same ({old})")
        return None
    return Change(Control(old), new)
