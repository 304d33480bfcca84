"""Control areas and front lines from the control of places.

The method (documented in the README, section "How areas are drawn"):

1. Each country is divided among its own places by nearest place (a Voronoi
   tessellation), so a Syrian town never claims Iraqi land and the border is
   never a front line.
2. A place claims only the part of its cell within ``claim_radius_km`` of it:
   land farther than that from every place (open desert) stays ``unclaimed``
   instead of going wholesale to whoever holds the nearest town.
3. On a date, cells are merged by who holds their place; a front line is a shared
   cell edge whose two sides are held differently.

Cells and their shared edges never change, so they are built once
(:class:`Tessellation`); a date only regroups them (:meth:`Tessellation.snapshot`).

Examples
--------
>>> import shapely
>>> square = shapely.box(0, 0, 100_000, 100_000)
>>> t = Tessellation([(25_000, 50_000), (75_000, 50_000)], ["XX", "XX"], {"XX": square},
...                  claim_radius_m=100_000)
>>> snap = t.snapshot([("isis", (), None), ("iraq", (), None)])
>>> sorted((a.faction, round(a.area_km2)) for a in snap.areas)
[('iraq', 5000), ('isis', 5000)]
>>> [(f.sides, round(f.geometry.length)) for f in snap.front_lines]
[(('iraq', 'isis'), 100000)]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from dashboard.core.events import UNCLAIMED

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


class Tessellation:
    """Each place's claim on the land, and the edges between neighbouring claims.

    Parameters
    ----------
    points : sequence of (x, y)
        Place positions in the equal-area CRS (metres).
    countries : sequence of str
        Country code of each place; places are only tessellated within their country.
    outlines : dict
        Country code -> outline polygon in the same CRS.
    claim_radius_m : float
        How far from a place its holder's claim can reach.
    """

    def __init__(self, points: Sequence[tuple[float, float]], countries: Sequence[str],
                 outlines: dict[str, BaseGeometry], claim_radius_m: float):
        self.claim_radius_m = claim_radius_m
        n = len(points)
        self.cells = np.array([shapely.Polygon()] * n, dtype=object)
        self._edges: list[tuple[int, int, BaseGeometry]] = []
        claimed = []
        for country, outline in outlines.items():
            members = [i for i in range(n) if countries[i] == country]
            if members:
                self._tessellate(np.array(members), np.asarray(points, dtype=float)[members], outline)
            claimed.append(outline)
        land = shapely.union_all(claimed)
        self.unclaimed = shapely.difference(land, shapely.union_all(self.cells))
        self.edge_pairs = np.array([(i, j) for i, j, _ in self._edges], dtype=int).reshape(-1, 2)
        self.edge_lines = np.array([line for _, _, line in self._edges], dtype=object)

    def _tessellate(self, members: np.ndarray, xy: np.ndarray, outline: BaseGeometry) -> None:
        # Places at the same spot share one cell: the first of them gets it.
        _, first = np.unique(xy.round(0), axis=0, return_index=True)
        first.sort()
        members, xy = members[first], xy[first]
        points = shapely.points(xy)
        if len(points) == 1:
            raw = np.array([outline.envelope.buffer(self.claim_radius_m)], dtype=object)
        else:
            envelope = shapely.box(*outline.buffer(self.claim_radius_m).bounds)
            raw = shapely.get_parts(shapely.voronoi_polygons(
                shapely.multipoints(points), extend_to=envelope, ordered=True))
        disks = shapely.buffer(points, self.claim_radius_m, quad_segs=16)
        cells = shapely.intersection(shapely.intersection(raw, disks), outline)
        self.cells[members] = cells
        self._add_edges(members, raw, disks, outline)

    def _add_edges(self, members: np.ndarray, raw: np.ndarray, disks: np.ndarray,
                   outline: BaseGeometry) -> None:
        tree = shapely.STRtree(raw)
        left, right = tree.query(raw, predicate="intersects")
        keep = left < right
        for a, b in zip(left[keep], right[keep], strict=True):
            # Neighbouring Voronoi cells share exactly one bisector segment.
            shared = shapely.intersection(raw[a], raw[b])
            shared = shapely.line_merge(shapely.union_all(
                [g for g in shapely.get_parts(shared) if g.geom_type in ("LineString", "MultiLineString")]))
            if shared.is_empty:
                continue
            clipped = shapely.intersection(shapely.intersection(shared, disks[a]), disks[b])
            clipped = shapely.intersection(clipped, outline)
            if clipped.length > 0:
                self._edges.append((int(members[a]), int(members[b]), clipped))

    def snapshot(self, keys: Sequence[CellKey]) -> Snapshot:
        """Group cells by their key and find the front lines between groups."""
        groups: dict[CellKey, list[int]] = defaultdict(list)
        for i, key in enumerate(keys):
            groups[key].append(i)
        areas = []
        for (faction, parties, besieger), members in sorted(groups.items(), key=_sort_key):
            geometry = shapely.union_all(self.cells[members])
            if not geometry.is_empty:
                areas.append(Area(faction, geometry, parties, besieger))
        if not self.unclaimed.is_empty:
            areas.append(Area(UNCLAIMED, self.unclaimed))
        return Snapshot(tuple(areas), self._front_lines(keys))

    def _front_lines(self, keys: Sequence[CellKey]) -> tuple[FrontLine, ...]:
        holders = np.array([k[0] for k in keys], dtype=object)
        if not len(self.edge_pairs):
            return ()
        left, right = holders[self.edge_pairs[:, 0]], holders[self.edge_pairs[:, 1]]
        differ = left != right
        sides: dict[tuple[str, str], list[int]] = defaultdict(list)
        for k in np.flatnonzero(differ):
            a, b = sorted((left[k], right[k]))
            sides[(a, b)].append(k)
        return tuple(FrontLine(pair, shapely.line_merge(shapely.union_all(self.edge_lines[idx])))
                     for pair, idx in sorted(sides.items()))


def _sort_key(item: tuple[CellKey, list[int]]) -> tuple[str, tuple[str, ...], str]:
    (faction, parties, besieger), _ = item
    return faction, parties, besieger or ""
