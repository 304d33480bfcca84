"""Which places get a name on the map, and from which zoom on.

Big cities and the cities the war is told by (:data:`WAR_CITIES`) are named at every zoom; towns
whose control is recorded (the
campaign's Fallujahs and Manbijs) from one zoom in; the other recorded places
from two zooms in.  A label is dropped when a higher-ranked label already sits
within ``spacing_km``: a city's districts (New Mosul, Sadr City) would otherwise
print on top of the city.  The names shown at the opening zoom are each put on the side of their
dot (right, left, below, above) where they touch no other (:func:`place_sides`): Ramadi, Fallujah and
Baghdad lie 50 km apart, less than a name's width at that zoom.

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

import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace

import numpy as np

from dashboard.core.geography import to_projected
from dashboard.core.places import Place

CITY_POPULATION = 1_000_000
TOWN_POPULATION = 30_000
#: The cities the war is told by, named at every zoom like the big cities: the names an analyst looks for
#: first on any map of it (ISW's, Wikipedia's), whatever their size.
WAR_CITIES = frozenset({"raqqa", "mosul", "deir-ez-zor", "palmyra", "ramadi", "fallujah", "kobani", "tikrit",
                        "tal-afar", "manbij"})
#: Named first on a narrow screen, where not every city's name fits (:func:`thin`).
CAPITALS = frozenset({"baghdad", "damascus"})
#: Zoom from which labels of each rank show in the web map.
RANK_MIN_ZOOM = {1: 0, 2: 7, 3: 8}
#: The whole zoom level the map opens at (it fits Syria and Iraq: 6 to 6.75 on a laptop or desktop).
OPENING_ZOOM = 6
#: Sides of its dot a name may take, in the order tried.
SIDES = ("right", "left", "below", "above")
#: A rank-1 name's size on the web map (13 px bold): width per character and line height, in pixels.
_CHAR_PX, _LINE_PX, _GAP_PX = 8.0, 16.0, 4.0
_BELOW_PX = 6.0  # a name below or above its dot clears the dot's ring


#: The lowest zoom :func:`thin` makes room at (a phone's map opens at 4 to 5, a desktop's at 6 to 6.75).
THIN_TO_ZOOM = 3


@dataclass(frozen=True)
class Label:
    """A place to name, its rank (1 = most important), the side of its dot the name goes, and the zoom
    from which it is shown (below the opening zoom, a name that would touch another waits)."""

    place: Place
    rank: int
    side: str = "right"
    min_zoom: int = 0
    #: (zoom, side) where a narrow screen's lower zoom puts the name on another side (:func:`thin`).
    low_sides: tuple[tuple[int, str], ...] = ()


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
    sided = place_sides(kept)
    # On a narrow screen the capitals and the war's cities keep their names before bigger towns.
    order = sorted(range(len(sided)), key=lambda i: (sided[i].place.id not in CAPITALS,
                                                     sided[i].place.id not in WAR_CITIES, i))
    thinned = dict(zip(order, thin([sided[i] for i in order]), strict=True))
    return [thinned[i] for i in range(len(sided))]


def thin(labels: list[Label], zoom: int = OPENING_ZOOM) -> list[Label]:
    """The labels with the zoom each is first shown from and its side at each zoom below ``zoom`` (a
    narrow screen's map opens there): at each such zoom, in the labels' order, a name takes the first
    side (its own first) that touches no name or dot shown before it, or waits for the next zoom in.

    >>> from dashboard.core.places import Place
    >>> towns = [Place(n.lower(), n, None, (), 35.0, lon, "SY", "Raqqa", 100_000)
    ...          for n, lon in (("Westtown", 39.0), ("Midtown", 39.7), ("Easttown", 41.0))]
    >>> for label in thin(place_sides([Label(t, 1) for t in towns])):
    ...     print(label.place.name, label.side, label.min_zoom, label.low_sides)
    Westtown left 0 ()
    Midtown below 5 ((5, 'right'),)
    Easttown right 6 ()
    """
    shown_from = {label.place.id: RANK_MIN_ZOOM[label.rank] for label in labels}
    moved: dict[str, list[tuple[int, str]]] = {label.place.id: [] for label in labels}
    for z in range(zoom - 1, THIN_TO_ZOOM - 1, -1):
        taken: list[tuple[float, float, float, float]] = []
        for label in labels:
            if shown_from[label.place.id] > z:
                continue
            x, y = _pixel(label.place, z)
            dot = (x - _GAP_PX, y - _GAP_PX, x + _GAP_PX, y + _GAP_PX)
            width = len(label.place.name) * _CHAR_PX
            sides = (label.side, *(side for side in SIDES if side != label.side))
            clear = [side for side in sides if not any(_overlap(_name_box((x, y), width, side), t) or
                                                       _overlap(dot, t) for t in taken)]
            if not clear:
                shown_from[label.place.id] = z + 1
                continue
            if clear[0] != label.side:
                moved[label.place.id].append((z, clear[0]))
            taken += [dot, _name_box((x, y), width, clear[0])]
    return [replace(label, min_zoom=shown_from[label.place.id],
                    low_sides=tuple((z, side) for z, side in moved[label.place.id]
                                    if z >= shown_from[label.place.id]))
            for label in labels]


def place_sides(labels: list[Label], zoom: int = OPENING_ZOOM) -> list[Label]:
    """The labels with a side each, so that the names shown at ``zoom`` touch neither each other nor
    the dots they name; first come, first served, in the labels' order (the most important first).

    >>> from dashboard.core.places import Place
    >>> ramadi, fallujah = (Place(i, n, None, (), 33.42, lon, "IQ", "Anbar", 200_000)
    ...                     for i, n, lon in (("ramadi", "Ramadi", 43.30), ("fallujah", "Fallujah", 43.78)))
    >>> [label.side for label in place_sides([Label(ramadi, 1), Label(fallujah, 1)])]
    ['left', 'right']
    """
    shown = [label for label in labels if RANK_MIN_ZOOM[label.rank] <= zoom]
    points = {label.place.id: _pixel(label.place, zoom) for label in shown}
    taken = [(x - _GAP_PX, y - _GAP_PX, x + _GAP_PX, y + _GAP_PX) for x, y in points.values()]  # dots
    sides: dict[str, str] = {}
    for label in shown:
        boxes = {side: _name_box(points[label.place.id], len(label.place.name) * _CHAR_PX, side)
                 for side in SIDES}
        # The first side clear of everything; where none is, the one that covers least.
        side = min(SIDES, key=lambda side: (sum(_overlap(boxes[side], t) for t in taken), SIDES.index(side)))
        sides[label.place.id] = side
        taken.append(boxes[side])
    return [Label(label.place, label.rank, sides.get(label.place.id, "right")) for label in labels]


def _pixel(place: Place, zoom: int) -> tuple[float, float]:
    """Web Mercator pixel of a place at ``zoom`` (what Leaflet draws)."""
    scale = 256 * 2 ** zoom
    y = math.asinh(math.tan(math.radians(place.lat)))
    return (place.lon + 180) / 360 * scale, (1 - y / math.pi) / 2 * scale


def _name_box(point: tuple[float, float], width: float, side: str) -> tuple[float, float, float, float]:
    x, y = point
    h = _LINE_PX
    return {"right": (x + _GAP_PX, y - h / 2, x + _GAP_PX + width, y + h / 2),
            "left": (x - _GAP_PX - width, y - h / 2, x - _GAP_PX, y + h / 2),
            "below": (x - width / 2, y + _BELOW_PX, x + width / 2, y + _BELOW_PX + h),
            "above": (x - width / 2, y - _BELOW_PX - h, x + width / 2, y - _BELOW_PX)}[side]


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    """The area two boxes share (0 when apart)."""
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
