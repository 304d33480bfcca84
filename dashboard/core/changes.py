"""Land that changed hands between two dates.

Territory units never move, so what changed between two dates is the set of units
(and pockets of sparse land) whose holder differs; each is land lost by its old
holder and gained by its new one.

Examples
--------
On the test record's five places (``small_model``), Fallujah was retaken in June 2016:

>>> import datetime as dt
>>> shifts = land_changes(small_model, dt.date(2016, 1, 1), dt.date(2017, 1, 1))
>>> [(shift.old, shift.new) for shift in shifts]
[('isis', 'iraq'), ('unclaimed', 'iraq')]
>>> totals = change_totals(shifts)
>>> totals["isis"].lost_km2 + totals["unclaimed"].lost_km2 == totals["iraq"].gained_km2 > 0
True

Land nobody reached can pass too: with Fallujah back, the Iraqi government is the only holder
around a pocket of desert, which it then dominates.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import shapely
from shapely.geometry.base import BaseGeometry

from dashboard.core.model import ControlModel
from dashboard.core.territory import GRID_M


@dataclass(frozen=True)
class Shift:
    """Land that passed from ``old`` to ``new`` holder (equal-area CRS)."""

    old: str
    new: str
    geometry: BaseGeometry
    area_km2: float


@dataclass(frozen=True)
class Balance:
    """Land one faction gained and lost between two dates, in km2."""

    faction: str
    gained_km2: float
    lost_km2: float

    @property
    def net_km2(self) -> float:
        return self.gained_km2 - self.lost_km2


def land_changes(model: ControlModel, since: dt.date, until: dt.date) -> list[Shift]:
    """Every (old holder -> new holder) transfer of land from ``since`` to ``until``.

    The order of the dates does not matter for which cells changed, only for the
    direction: ``old`` is the holder on ``since``.
    """
    before = model.territory.holdings(model.leader_keys(since))
    after = model.territory.holdings(model.leader_keys(until))
    groups: dict[tuple[str, str], list[tuple[BaseGeometry, float]]] = defaultdict(list)
    for (old, geometry, km2), (new, _, _) in zip(before, after, strict=True):
        if old != new and km2 > 0:
            groups[(old, new)].append((geometry, km2))
    return [Shift(old, new, shapely.union_all([g for g, _ in pieces], grid_size=GRID_M),
                  sum(km2 for _, km2 in pieces))
            for (old, new), pieces in sorted(groups.items())]


def change_totals(shifts: list[Shift]) -> dict[str, Balance]:
    """Gained and lost km2 per faction, largest turnover first."""
    gained: dict[str, float] = defaultdict(float)
    lost: dict[str, float] = defaultdict(float)
    for shift in shifts:
        gained[shift.new] += shift.area_km2
        lost[shift.old] += shift.area_km2
    factions = sorted(set(gained) | set(lost), key=lambda f: -(gained[f] + lost[f]))
    return {f: Balance(f, gained[f], lost[f]) for f in factions}


def clip_shifts(shifts: list[Shift], area: BaseGeometry) -> list[Shift]:
    """The part of each shift inside ``area`` (same CRS), for totals over one extent; empty parts dropped.

    >>> from shapely import box
    >>> [(s.new, s.area_km2) for s in clip_shifts([Shift("isis", "iraq", box(0, 0, 2000, 1000), 2.0)],
    ...                                           box(0, 0, 1000, 1000))]
    [('iraq', 1.0)]
    """
    clipped = []
    for shift in shifts:
        part = shift.geometry.intersection(area)
        if not part.is_empty and part.area > 0:
            clipped.append(Shift(shift.old, shift.new, part, part.area / 1e6))
    return clipped
