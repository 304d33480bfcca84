"""Which places get a name on the map, and from which zoom on.

Big cities and the cities the war is told by (:data:`WAR_CITIES`) are named at every zoom; towns
whose control is recorded (the
campaign's Fallujahs and Manbijs) from one zoom in; the other recorded places
from two zooms in.  A label is dropped when a higher-ranked label already sits
within ``spacing_km``: a city's districts (New Mosul, Sadr City) would otherwise
print on top of the city.

Examples
--------
>>> from dashboard.core.places import Place
>>> places = [Place("mosul", "Mosul", None, (), 36.34, 43.13, "IQ", "Nineveh", 1_683_000),
...           Place("new-mosul", "New Mosul", None, (), 36.36, 43.12, "IQ", "Nineveh", 2_000_000),
...           Place("bashiqa", "Bashiqa", None, (), 36.45, 43.35, "IQ", "Nineveh", 40_000)]
>>> [(label.place.id, label.rank) for label in map_labels(places, recorded={"mosul", "bashiqa"})]
[('mosul', 1), ('bashiqa', 2)]
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

import numpy as np

from dashboard.core.geography import to_projected
from dashboard.core.places import Place

CITY_POPULATION = 1_000_000
TOWN_POPULATION = 30_000
#: The cities the war is told by, named at every zoom like the big cities: the names an analyst looks for
#: first on any map of it (ISW's, Wikipedia's), whatever their size.  Fallujah is not among them: at the
#: opening zoom its name would print over Ramadi's and Baghdad's, 50 km either side; it shows one zoom in.
WAR_CITIES = frozenset({"raqqa", "mosul", "deir-ez-zor", "palmyra", "ramadi", "kobani", "tikrit", "tal-afar",
                        "manbij"})
#: Zoom from which labels of each rank show in the web map.
RANK_MIN_ZOOM = {1: 0, 2: 7, 3: 8}


@dataclass(frozen=True)
class Label:
    """A place to name, and its rank (1 = most important)."""

    place: Place
    rank: int


def rank_of(place: Place, recorded: Collection[str]) -> int | None:
    """1 for big cities and the war's cities, 2 for recorded towns, 3 for other recorded places, ``None``
    otherwise."""
    if place.population >= CITY_POPULATION or place.id in WAR_CITIES:
        return 1
    if place.id in recorded:
        return 2 if place.population >= TOWN_POPULATION else 3
    return None


def map_labels(places: Iterable[Place], recorded: Collection[str], spacing_km: float = 12.0) -> list[Label]:
    """Labels in drawing order: by rank, then biggest first, none within ``spacing_km`` of another.

    Recorded places come first within a rank, so a recorded city (Mosul) keeps its name over
    a bigger district of it that records nothing (New Mosul).
    """
    ranked = [(rank, p) for p in places if (rank := rank_of(p, recorded)) is not None]
    ranked.sort(key=lambda rp: (rp[0], rp[1].id not in recorded, -rp[1].population, rp[1].id))
    kept: list[Label] = []
    xy: list[tuple[float, float]] = []
    limit = (spacing_km * 1000) ** 2
    for rank, place in ranked:
        x, y = to_projected(place.lon, place.lat)
        if xy and (((np.array(xy) - (x, y)) ** 2).sum(axis=1) < limit).any():
            continue
        kept.append(Label(place, rank))
        xy.append((x, y))
    return kept
