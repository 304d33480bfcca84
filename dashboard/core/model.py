"""The control model: every place's holder, areas and front lines on any date.

Places named in ``events.yaml`` (the *anchors*) have their own recorded history.
Every other place of the gazetteer follows its nearest anchor in the same
country: a village is taken to be held by whoever holds the nearest town whose
control is recorded.  The state of the map changes only on the dates of events
that change control, so a snapshot is computed once per distinct state
(an *epoch*) and reused for every day in it.

Examples
--------
``ControlModel.load()`` reads ``events.yaml`` and the shipped geography; ``small_model`` is the
same geography with five places of the test record (``tests/fixtures/events_small.yaml``):

>>> import datetime as dt
>>> small_model.state_of("fallujah", dt.date(2016, 5, 22)).control.faction
'isis'
>>> small_model.leader_of("saqlawiyah").id  # a village near Fallujah follows it
'fallujah'
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from dashboard.core import paths
from dashboard.core.areas import CellKey, Snapshot
from dashboard.core.control import ControlHistory, PlaceState
from dashboard.core.events import Event, EventRecord
from dashboard.core.followers import FollowerRules
from dashboard.core.geography import main_rivers, outlines, sparse_places, to_projected
from dashboard.core.places import Gazetteer, Place, read_places
from dashboard.core.reports import ReportAges, ReportRules
from dashboard.core.territory import TerritoryParameters
from dashboard.core.territory_cache import cached_follow, cached_territory
from dashboard.core.validation import load_record


@dataclass(frozen=True)
class ModelParameters:
    """Tunable parameters of the area model (see the README, "How areas are drawn")."""

    territory: TerritoryParameters = field(default_factory=TerritoryParameters)
    followers: FollowerRules = field(default_factory=FollowerRules)
    reports: ReportRules = field(default_factory=ReportRules)


@dataclass(frozen=True)
class Epoch:
    """A stretch of days with one map: ``valid_from`` inclusive, ``valid_to`` exclusive."""

    number: int
    valid_from: dt.date
    valid_to: dt.date


class ControlModel:
    """Control of places, areas and front lines on any date of the record."""

    def __init__(self, gazetteer: Gazetteer, record: EventRecord, history: ControlHistory,
                 params: ModelParameters = ModelParameters(), geodata: Path = paths.GEODATA):
        self.gazetteer = gazetteer
        self.record = record
        self.history = history
        self.params = params
        self.geodata = Path(geodata)
        self.places: list[Place] = list(gazetteer)
        self._index = {p.id: i for i, p in enumerate(self.places)}
        x, y = to_projected(np.array([p.lon for p in self.places]), np.array([p.lat for p in self.places]))
        self.xy = np.column_stack([x, y])
        #: Places whose control the record gives (the others follow their nearest one).
        self.recorded_places: frozenset[str] = frozenset(history.places)
        #: The recorded places themselves, in gazetteer order.
        self.recorded: list[Place] = [p for p in self.places if p.id in self.recorded_places]
        local = {h.place for h in record.baseline if h.local}
        #: Recorded places whose control the villages around them follow (the non-local ones).
        self.leading_places: frozenset[str] = frozenset(p for p in history.places if p not in local)
        self.leaders, self.leader_km = self._leaders()
        #: Places whose surroundings are dominated, not held: desert hamlets away from the rivers
        #: (recorded places always hold the land around them).
        self.sparse = sparse_places(self.xy, self.geodata, params.territory.river_km)
        self.sparse[[self._index[p] for p in self.recorded_places]] = False
        self.territory = cached_territory(self.xy, [p.country for p in self.places], self.leaders,
                                          self.leader_km, outlines(geodata), params.territory, self.sparse)
        self._snapshots: dict[int, Snapshot] = {}
        self._event_dates = sorted({e.date for e in self.record.events})
        self.reports = ReportAges(history, {p: tuple(self.xy[self._index[p]]) for p in self.recorded_places},
                                  self._report_dates(), params.reports)
        #: First day of each distinct map: a change of control, or a town going stale or fresh again.
        self.epoch_dates, self._stale = self._epochs()

    def _report_dates(self) -> dict[str, list[dt.date]]:
        out: dict[str, list[dt.date]] = {}
        for event in self.record.events:
            out.setdefault(event.place, []).append(event.date)
        return out

    def _epochs(self) -> tuple[list[dt.date], list[frozenset[int]]]:
        """The days the map changes on, and the leaders (by index) that are stale from each."""
        dates, stale = [], []
        changes = set(self.history.change_dates)
        candidates = sorted(changes | {d for d in self.reports.dates()
                                       if self.record.start < d <= self.record.end})
        for date, ids in zip(candidates, self.reports.stale_on(candidates), strict=True):
            now = frozenset(self._index[p] for p in ids)
            if date in changes or now != stale[-1]:
                dates.append(date)
                stale.append(now)
        return dates, stale

    @classmethod
    def load(cls, events: Path | str = paths.EVENTS, geodata: Path = paths.GEODATA,
             params: ModelParameters = ModelParameters()) -> ControlModel:
        """Read the gazetteer and events; raise :class:`~dashboard.core.problems.DataError` if invalid."""
        gazetteer = read_places(Path(geodata) / "places.csv")
        record, history = load_record(events, gazetteer)
        return cls(gazetteer, record, history, params, Path(geodata))

    def _leaders(self) -> tuple[np.ndarray, np.ndarray]:
        """Index of the leader each place follows (itself for a recorded place), and how far it is (km)."""
        leading = [self._index[p] for p in self.leading_places]
        leaders, km = cached_follow(self.xy, [p.country for p in self.places], leading,
                                    districts=[p.district for p in self.places],
                                    subdistricts=[p.subdistrict for p in self.places],
                                    rivers=main_rivers(self.geodata), explicit=self._explicit_leads(),
                                    rules=self.params.followers)
        for place in self.recorded_places:  # local places are their own leaders too
            leaders[self._index[place]] = self._index[place]
            km[self._index[place]] = 0.0
        return leaders, km

    def _explicit_leads(self) -> dict[int, int]:
        """Places the record assigns to a leader (``leads``), by index."""
        out: dict[int, int] = {}
        for holding in self.record.baseline:
            if not holding.leads:
                continue
            leader = self._index[holding.place]
            for place in self.places:
                if place.id != holding.place and holding.leads.covers(place):
                    out[self._index[place.id]] = leader
        return out

    def leader_of(self, place_id: str) -> Place:
        """The anchor whose control a place follows (the place itself for an anchor)."""
        return self.places[self.leaders[self._index[place_id]]]

    def epoch_index(self, date: dt.date) -> int:
        """Number of the distinct map in force on ``date``; equal numbers, equal maps."""
        return max(bisect.bisect_right(self.epoch_dates, date) - 1, 0)

    def epoch(self, date: dt.date) -> Epoch:
        """The distinct state in force on ``date``."""
        n = self.epoch_index(date)
        dates = self.epoch_dates
        end = dates[n + 1] if n + 1 < len(dates) else self.record.end + dt.timedelta(days=1)
        return Epoch(n, dates[n], end)

    def epochs(self, start: dt.date | None = None, end: dt.date | None = None) -> list[Epoch]:
        """Every distinct state between two dates (inclusive), clipped to them."""
        start = start or self.record.start
        end = end or self.record.end
        out = []
        first = self.epoch_index(start)
        for n in range(first, self.epoch_index(end) + 1):
            e = self.epoch(self.epoch_dates[n])
            out.append(Epoch(n, max(e.valid_from, start), min(e.valid_to, end + dt.timedelta(days=1))))
        return out

    def states(self, date: dt.date) -> list[PlaceState]:
        """State of every place of the gazetteer on ``date``, in gazetteer order."""
        anchor_states = {i: self.history.at(self.places[i].id, date) for i in set(self.leaders.tolist())}
        return [anchor_states[leader] for leader in self.leaders]

    def leader_keys(self, date: dt.date) -> dict[int, CellKey]:
        """What decides each leader's land on ``date``: (faction, contested parties, besieger)."""
        out = {}
        for i in self.territory.leaders:
            state = self.history.at(self.places[i].id, date)
            out[i] = (state.control.faction, state.control.parties, state.besieged_by)
        return out

    def stale_leaders(self, date: dt.date) -> frozenset[int]:
        """Leaders (by index) whose reported land is inferred on ``date``: their last report is old
        (:mod:`dashboard.core.reports`)."""
        return self._stale[self.epoch_index(date)]

    def state_of(self, place_id: str, date: dt.date) -> PlaceState:
        """State of one place (any id in the gazetteer) on ``date``."""
        return self.history.at(self.leader_of(place_id).id, date)

    def snapshot(self, date: dt.date) -> Snapshot:
        """Areas and front lines on ``date`` (computed once per epoch)."""
        n = self.epoch_index(date)
        if n not in self._snapshots:
            self._snapshots[n] = self.territory.snapshot(self.leader_keys(date), self._stale[n])
        return self._snapshots[n]

    def area_by_faction(self, date: dt.date) -> dict[str, float]:
        """km2 held by each faction on ``date`` (plus ``contested`` and ``unclaimed``).

        Equal to the areas of :meth:`snapshot` (all tiers together), but summed from the units'
        fixed areas, so a whole history of areas costs milliseconds.
        """
        totals = self.territory.area_by_key(self.leader_keys(date))
        return {faction: km2 for faction, km2 in totals.items() if km2 > 0}

    def area_history(self, start: dt.date | None = None, end: dt.date | None = None
                     ) -> list[tuple[Epoch, dict[str, float]]]:
        """Area per faction of every distinct state between two dates."""
        return [(epoch, self.area_by_faction(epoch.valid_from)) for epoch in self.epochs(start, end)]

    def next_event_date(self, date: dt.date, events: Iterable[Event] | None = None) -> dt.date | None:
        """Date of the first event after ``date`` (of ``events``, default all), or ``None``."""
        dates = self._dates_of(events)
        i = bisect.bisect_right(dates, date)
        return dates[i] if i < len(dates) else None

    def previous_event_date(self, date: dt.date, events: Iterable[Event] | None = None) -> dt.date | None:
        """Date of the last event before ``date`` (of ``events``, default all), or ``None``."""
        dates = self._dates_of(events)
        i = bisect.bisect_left(dates, date)
        return dates[i - 1] if i > 0 else None

    def _dates_of(self, events: Iterable[Event] | None) -> list[dt.date]:
        return self._event_dates if events is None else sorted({e.date for e in events})

    def events_between(self, start: dt.date, end: dt.date) -> list[Event]:
        """Events dated from ``start`` to ``end`` inclusive, in date order."""
        return sorted((e for e in self.record.events if start <= e.date <= end), key=lambda e: e.date)
