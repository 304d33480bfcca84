"""What a map of control is made of: areas (by holder and tier) and front lines on one date.

:mod:`dashboard.core.territory` builds them from the control of places.

>>> import shapely
>>> snap = Snapshot((Area("isis", shapely.box(0, 0, 10_000, 10_000)),
...                  Area("isis", shapely.box(10_000, 0, 20_000, 10_000), tier="dominated")), ())
>>> snap.area_by_faction()
{'isis': 200.0}
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from shapely.geometry.base import BaseGeometry

# (faction, contested parties, besieger or None): everything that decides a cell's area.
CellKey = tuple[str, tuple[str, ...], str | None]


@dataclass(frozen=True)
class Area:
    """Land held by one faction (or contested, or unclaimed), in the equal-area CRS."""

    faction: str
    geometry: BaseGeometry
    parties: tuple[str, ...] = ()
    besieged_by: str | None = None
    #: ``held`` (around recorded and nearby places), ``inferred`` (followed from a distant town) or
    #: ``dominated`` (sparse land); see :mod:`dashboard.core.territory`.
    tier: str = "held"

    @property
    def area_km2(self) -> float:
        return self.geometry.area / 1e6


@dataclass(frozen=True)
class FrontLine:
    """Where the areas of two sides meet (``sides`` sorted: a faction id or ``contested``)."""

    sides: tuple[str, str]
    geometry: BaseGeometry


@dataclass(frozen=True)
class Snapshot:
    """Areas and front lines on one date."""

    areas: tuple[Area, ...]
    front_lines: tuple[FrontLine, ...]

    def area_by_faction(self) -> dict[str, float]:
        """km2 per faction id (``contested`` and ``unclaimed`` included)."""
        totals: dict[str, float] = defaultdict(float)
        for area in self.areas:
            totals[area.faction] += area.area_km2
        return dict(totals)
