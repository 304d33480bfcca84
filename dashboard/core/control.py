"""Who held each place on any date: the record replayed in date order.

Examples
--------
>>> import datetime as dt
>>> from dashboard.core.events import Control, Change, Event, EventRecord, Holding, Source
>>> src = (Source("T", "P", None),)
>>> record = EventRecord("e.yaml", {}, dt.date(2014, 1, 1), dt.date(2019, 3, 31),
...     (Holding("fallujah", Control("iraq"), src),),
...     (Event("f1", dt.date(2014, 1, 4), "fallujah", "capture", "s", src,
...            Change(Control("iraq"), Control("isis"))),
...      Event("f2", dt.date(2016, 6, 26), "fallujah", "capture", "s", src,
...            Change(Control("isis"), Control("iraq")))))
>>> history, problems = replay(record)
>>> history.at("fallujah", dt.date(2016, 5, 22)).control.faction
'isis'
>>> history.at("fallujah", dt.date(2016, 7, 15)).control.faction
'iraq'
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass

from dashboard.core.events import Control, Event, EventRecord
from dashboard.core.problems import Problem


@dataclass(frozen=True)
class PlaceState:
    """Control of a place, and who besieges it (``None`` when not besieged)."""

    control: Control
    besieged_by: str | None = None


class ControlHistory:
    """The dated states of every place the record names, from the start date on."""

    def __init__(self, start: dt.date, timelines: dict[str, list[tuple[dt.date, PlaceState]]]):
        self.start = start
        self._timelines = timelines
        self._dates = {place: [d for d, _ in states] for place, states in timelines.items()}
        self.change_dates: list[dt.date] = sorted({d for states in timelines.values()
                                                   for d, _ in states} | {start})

    @property
    def places(self) -> list[str]:
        """Ids of the places with a recorded history (the anchors of the model)."""
        return list(self._timelines)

    def at(self, place: str, date: dt.date) -> PlaceState | None:
        """State of ``place`` on ``date`` (a change takes effect on its own date)."""
        dates = self._dates.get(place)
        if not dates:
            return None
        i = bisect.bisect_right(dates, date) - 1
        return self._timelines[place][max(i, 0)][1]

    def timeline(self, place: str) -> list[tuple[dt.date, PlaceState]]:
        """Every (date, state) of a place, first the start state."""
        return list(self._timelines.get(place, []))

    def epoch(self, date: dt.date) -> int:
        """Number of the distinct state in force on ``date``; equal numbers, equal maps."""
        return max(bisect.bisect_right(self.change_dates, date) - 1, 0)


def replay(record: EventRecord) -> tuple[ControlHistory, list[Problem]]:
    """Replay baseline and events in date order; report breaks in continuity.

    Events on the same day apply in file order.  A change whose ``from`` is not
    the holder at that moment is reported and skipped, so one slip does not hide
    the next.
    """
    problems: list[Problem] = []

    def bad(event: Event, field: str, message: str) -> None:
        key = field.removeprefix(f"event {event.id}.")
        problems.append(Problem(record.path, event.line_of(key), field, message))

    states: dict[str, PlaceState] = {}
    timelines: dict[str, list[tuple[dt.date, PlaceState]]] = {}
    for holding in record.baseline:
        if holding.place in states:
            problems.append(Problem(record.path, holding.line, "baseline.place",
                                    f"{holding.place!r} is listed twice in the baseline"))
            continue
        states[holding.place] = PlaceState(holding.control)
        timelines[holding.place] = [(record.start, states[holding.place])]

    for event in sorted(record.events, key=lambda e: e.date):
        current = states.get(event.place)
        if event.change is None and event.type not in ("siege", "siege_broken"):
            continue
        if current is None:
            bad(event, f"event {event.id}.place",
                f"no baseline control for {event.place!r}: add it to the baseline")
            continue
        new = _apply(event, current, bad)
        if new is not None and new != current:
            states[event.place] = new
            line = timelines[event.place]
            if line[-1][0] == event.date:
                line[-1] = (event.date, new)
            else:
                line.append((event.date, new))
    return ControlHistory(record.start, timelines), problems


def _apply(event: Event, current: PlaceState, bad) -> PlaceState | None:
    besieged_by = current.besieged_by
    if event.type == "siege":
        if besieged_by:
            bad(event, f"event {event.id}.type",
                f"{event.place!r} is already besieged by {besieged_by} since an earlier event")
        besieged_by = event.besieged_by
    elif event.type == "siege_broken":
        if not besieged_by:
            bad(event, f"event {event.id}.type",
                f"no siege of {event.place!r} is in force to be broken")
        besieged_by = None
    control = current.control
    if event.change is not None:
        if event.change.old.faction != control.faction:
            bad(event, f"event {event.id}.change.from",
                f"{event.place!r} was held by {control} on {event.date}, "
                f"not by {event.change.old.faction}")
            return None
        control = event.change.new
    # A siege ends when it is broken, or when the besieger takes the place.
    if besieged_by and control.faction == besieged_by:
        besieged_by = None
    return PlaceState(control, besieged_by)
