"""How old the last report is around each recorded town: where the map's land rests on old news.

The record notes changes of control, so a town's land is *reported* on the day it changes hands
and *modelled* afterwards, for as long as nothing is heard of it.  Far behind the lines that is no
doubt at all (Baghdad in 2016, Raqqa in 2015), but on a front with the Islamic State, the war this
record follows, land whose last report is old may have moved without anyone recording it.  So a
town is **stale** on a date when

- it faces the other side of the IS war: a recorded place within ``report_km`` is held by IS while
  the town is not, or the other way round, and
- nothing within ``report_km`` of it (the town itself included: a clash or an offensive next door
  that left it where it was is news of it too) has an event dated in the last ``stale_days``.

A stale town's reported land is drawn as *inferred* (:meth:`Territory.snapshot`).  Fronts between
other sides (the government and the opposition, Turkey and the SDF) are not judged: the record
follows them only where they touch IS, so their quiet there says nothing.  Staleness changes on
three kinds of dates: when control changes (fronts move), when an event refreshes a town, and when
its last report grows older than ``stale_days``; :meth:`ReportAges.dates` lists the last two.

Examples
--------
Two towns 20 km apart across an IS front, one report in January 2015:

>>> import datetime as dt
>>> from dashboard.core.control import ControlHistory, PlaceState
>>> from dashboard.core.events import Control
>>> history = ControlHistory(dt.date(2014, 1, 1), {
...     "a": [(dt.date(2014, 1, 1), PlaceState(Control("isis")))],
...     "b": [(dt.date(2014, 1, 1), PlaceState(Control("iraq")))]})
>>> ages = ReportAges(history, {"a": (0.0, 0.0), "b": (20_000.0, 0.0)},
...                   {"b": [dt.date(2015, 1, 10)]}, ReportRules(stale_days=365))
>>> sorted(ages.stale(dt.date(2015, 6, 1))), sorted(ages.stale(dt.date(2016, 6, 1)))
([], ['a', 'b'])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from dashboard.core.control import ControlHistory
from dashboard.core.events import IS


@dataclass(frozen=True)
class ReportRules:
    """When a town's land rests on old news; each value and why is in the README ("How areas are drawn")."""

    #: A town on an IS front with nothing reported around it for longer than this is stale.
    stale_days: int = 365
    #: How close another side's town makes a front, and how close an event is news of the town.
    report_km: float = 30.0


class ReportAges:
    """Which recorded towns are stale on any date.

    Parameters
    ----------
    history : ControlHistory
        Who held each recorded place, and when.
    xy : mapping
        Place id -> (x, y) in the equal-area CRS (metres), for every recorded place.
    reports : mapping
        Place id -> the dates of its events (any type).
    rules : ReportRules
    """

    def __init__(self, history: ControlHistory, xy: Mapping[str, tuple[float, float]],
                 reports: Mapping[str, Iterable[dt.date]], rules: ReportRules = ReportRules()):
        self.history, self.rules = history, rules
        self.places = sorted(history.places)
        points = np.array([xy[p] for p in self.places], dtype=float).reshape(-1, 2)
        distance = np.hypot(*(points[:, None, :] - points[None, :, :]).transpose(2, 0, 1))
        near = (distance < rules.report_km * 1000) & ~np.eye(len(self.places), dtype=bool)
        #: Which towns are each town's neighbours (itself excluded): who makes a front with it, and
        #: whose news is its news.
        self._near = near.astype(np.float32)
        own = [{d.toordinal() for d in reports.get(p, ())} for p in self.places]
        #: Each town's report days (ordinals): its own events, its neighbours', and the record's start.
        self._reports = [np.array(sorted({history.start.toordinal(), *own[i],
                                          *(d for j in np.flatnonzero(row) for d in own[j])}), dtype=np.int64)
                         for i, row in enumerate(near)]

    def stale(self, date: dt.date) -> frozenset[str]:
        """Ids of the towns on an IS front whose last report is older than ``stale_days`` on ``date``."""
        return self.stale_on([date])[0]

    def stale_on(self, dates: Sequence[dt.date]) -> list[frozenset[str]]:
        """:meth:`stale` on many dates at once (a whole history's in milliseconds)."""
        days = np.array([d.toordinal() for d in dates], dtype=np.int64)
        holds_is = np.zeros((len(days), len(self.places)), dtype=np.float32)
        old = np.zeros((len(days), len(self.places)), dtype=bool)
        for i, place in enumerate(self.places):
            timeline = self.history.timeline(place)
            changed = np.array([d.toordinal() for d, _ in timeline], dtype=np.int64)
            is_held = np.array([state.control.faction == IS for _, state in timeline])
            holds_is[:, i] = is_held[np.maximum(np.searchsorted(changed, days, "right") - 1, 0)]
            reports = self._reports[i]
            last = reports[np.maximum(np.searchsorted(reports, days, "right") - 1, 0)]
            old[:, i] = days - last > self.rules.stale_days
        # A front: some neighbour on the other side of the IS war (counted by one product each way).
        is_near = holds_is @ self._near
        other_near = (1 - holds_is) @ self._near
        front = np.where(holds_is > 0, other_near, is_near) > 0
        names = np.array(self.places, dtype=object)
        return [frozenset(names[row].tolist()) for row in front & old]

    def dates(self) -> list[dt.date]:
        """Dates, besides changes of control, on which a town can become stale or fresh again."""
        age = self.rules.stale_days + 1
        days = {int(d) for reports in self._reports for r in reports for d in (r, r + age)}
        return [dt.date.fromordinal(d) for d in sorted(days)]
