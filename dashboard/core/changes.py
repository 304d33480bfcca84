"""Land that changed hands between two dates.

Cells of the tessellation never move, so what changed between two dates is the
set of cells whose holder differs; each such cell is land lost by its old
holder and gained by its new one.

Examples
--------
On the test record's five places (``small_model``), Fallujah was retaken in June 2016:

>>> import datetime as dt
>>> shifts = land_changes(small_model, dt.date(2016, 1, 1), dt.date(2017, 1, 1))
>>> [(shift.old, shift.new) for shift in shifts]
[('isis', 'iraq')]
>>> totals = change_totals(shifts)
>>> totals["isis"].lost_km2 == totals["iraq"].gained_km2 > 0
True
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import shapely
from shapely.geometry.base import BaseGeometry

from dashboard.core.model import ControlModel


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
    before, after = model.states(since), model.states(until)
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, (a, b) in enumerate(zip(before, after, strict=True)):
        if a.control.faction != b.control.faction and model.cell_km2[i] > 0:
            groups[(a.control.faction, b.control.faction)].append(i)
    return [Shift(old, new, shapely.union_all(model.tessellation.cells[cells]),
                  float(model.cell_km2[cells].sum()))
            for (old, new), cells in sorted(groups.items())]


def change_totals(shifts: list[Shift]) -> dict[str, Balance]:
    """Gained and lost km2 per faction, largest turnover first."""
    gained: dict[str, float] = defaultdict(float)
    lost: dict[str, float] = defaultdict(float)
    for shift in shifts:
        gained[shift.new] += shift.area_km2
        lost[shift.old] += shift.area_km2
    factions = sorted(set(gained) | set(lost), key=lambda f: -(gained[f] + lost[f]))
    return {f: Balance(f, gained[f], lost[f]) for f in factions}
