"""Territory units: the land each leading place's holder is taken to hold, built once.

Every place of the gazetteer gets its Voronoi cell within its country (so the international
border is never a front line).  Near a place (``held_km``) the cell is *settled* land; beyond that,
up to ``dominated_km``, it is *sparse* land (the Syrian Desert, the Jazira, the Anbar desert) that
whoever holds the place dominates; farther still it is nobody's.  Each place passes its land to
its leader (:mod:`dashboard.core.followers`), so a leader's *unit* is the settled land of its
followers (``held``, or ``inferred`` when the follower lies farther than ``inferred_km`` from it)
plus their sparse land (``dominated``).  A *sparse* place (a desert hamlet away from the rivers:
:func:`dashboard.core.geography.sparse_places`) settles nothing: its whole cell is dominated land.

Units never change; a date only says who holds each leader (:meth:`Territory.snapshot`).  Land
that no unit reaches but that only one faction's units touch (a desert enclosed by one side) is
dominated by that faction on that date.  Front lines are the shared edges of two leaders' units
held by different sides.

Examples
--------
>>> import numpy as np, shapely
>>> square = shapely.box(0, 0, 100_000, 100_000)
>>> xy = np.array([(25_000, 50_000), (75_000, 50_000)], dtype=float)
>>> t = Territory(xy, ["XX", "XX"], np.array([0, 1]), np.zeros(2), {"XX": square},
...               TerritoryParameters(held_km=20, dominated_km=200, inferred_km=30))
>>> snap = t.snapshot({0: ("isis", (), None), 1: ("iraq", (), None)})
>>> sorted((a.faction, a.tier, round(a.area_km2)) for a in snap.areas)
[('iraq', 'dominated', 3745), ('iraq', 'held', 1255), ('isis', 'dominated', 3745), ('isis', 'held', 1255)]
>>> [(f.sides, round(f.geometry.length)) for f in snap.front_lines]
[(('iraq', 'isis'), 100000)]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from dashboard.core.areas import Area, CellKey, FrontLine, Snapshot
from dashboard.core.events import CONTESTED, UNCLAIMED

#: How sure the map is of a piece of land: reported around a recorded town, inferred from a
#: distant one, or dominated sparse land.
TIERS = ("held", "inferred", "dominated")
#: Coordinates are snapped to this grid (metres) so neighbouring cells share their edges exactly:
#: unions then leave no hairline seams inside one faction's land.
GRID_M = 1.0
#: Settled land's outline is simplified to this tolerance (m): invisible at the map's scales, and it
#: keeps the shipped and exported geometry small.
SIMPLIFY_M = 25.0
#: Group unions a territory remembers (a few epochs' worth of every faction and tier).
UNION_CACHE_SIZE = 2048
#: Pieces of unreached land smaller than this (m²) are slivers of the snapping, not pockets.
SLIVER_M2 = 100_000.0


@dataclass(frozen=True)
class TerritoryParameters:
    """How far a place's holder reaches; each value and why is in the README ("How areas are drawn")."""

    #: Settled land around every place of the gazetteer.
    held_km: float = 8.5
    #: Sparse land beyond it, up to this distance of the nearest place, is dominated by its holder.
    dominated_km: float = 35.0
    #: A place farther than this from the recorded town it follows has its land marked inferred.
    inferred_km: float = 25.0
    #: In the desert, only places this close to the Euphrates or the Tigris settle the land around them.
    river_km: float = 10.0


class Territory:
    """The units of every leader, their shared edges, and the land no unit reaches.

    Parameters
    ----------
    xy : array (n, 2)
        Place positions in the equal-area CRS (metres).
    countries : sequence of str
        Country code of each place; places are only tessellated within their country.
    leaders : array (n,)
        Index of the place each place follows (itself for a leader).
    leader_km : array (n,)
        Distance of each place to its leader, km.
    outlines : dict
        Country code -> outline polygon in the same CRS.
    """

    def __init__(self, xy: np.ndarray, countries: Sequence[str], leaders: np.ndarray, leader_km: np.ndarray,
                 outlines: Mapping[str, BaseGeometry], params: TerritoryParameters = TerritoryParameters(),
                 sparse: np.ndarray | None = None):
        self.params = params  # read while cutting; kept with the parts by _hold
        countries = np.asarray(countries, dtype=object)
        sparse = np.zeros(len(countries), dtype=bool) if sparse is None else np.asarray(sparse, dtype=bool)
        cells: dict[int, list[BaseGeometry]] = defaultdict(list)  # by leader: its followers' cells
        near: dict[int, list[BaseGeometry]] = defaultdict(list)  # ... and their settled disks
        far: dict[int, list[BaseGeometry]] = defaultdict(list)  # cells of followers far from the leader
        for country, outline in outlines.items():
            members = np.flatnonzero(countries == country)
            if len(members):
                self._cut(members, np.asarray(xy, dtype=float)[members], outline, leaders,
                          leader_km > params.inferred_km, sparse, cells, near, far)
        # The cells are on the grid: a plain union dissolves their shared edges exactly, and fast.
        leader_land = {leader: _areal(shapely.union_all(parts))
                       for leader, parts in cells.items()}
        units: dict[tuple[int, str], BaseGeometry] = {}
        for leader, land in leader_land.items():
            for tier, geometry in self._tiers(land, near[leader], far[leader]).items():
                if not geometry.is_empty:
                    units[(leader, tier)] = geometry
        keys = sorted(units)
        # Land no unit reaches, in connected pieces per country, and the leaders whose land touches each.
        pockets, owners = [], []
        for country, outline in outlines.items():
            mine = [land for leader, land in leader_land.items() if countries[leader] == country]
            rest = shapely.difference(outline, shapely.union_all(mine, grid_size=GRID_M), grid_size=GRID_M)
            # Slivers left by snapping along the outline are not land anybody could hold.
            parts = [g for g in shapely.get_parts(rest) if g.area >= SLIVER_M2]
            pockets += parts
            owners += [country] * len(parts)
        pocket_array = np.array(pockets, dtype=object)
        self._hold(params, keys, [units[k] for k in keys], pocket_array,
                   self._touching(pocket_array, owners, leader_land, countries),
                   self._edges(leader_land, countries))

    @classmethod
    def from_parts(cls, params: TerritoryParameters, units: list[tuple[int, str]],
                   unit_geometry: Sequence[BaseGeometry], pockets: Sequence[BaseGeometry],
                   pocket_neighbours: list[tuple[int, ...]],
                   edges: list[tuple[int, int, BaseGeometry]]) -> Territory:
        """A territory from parts built before (:mod:`dashboard.core.territory_cache`)."""
        territory = cls.__new__(cls)
        territory._hold(params, units, unit_geometry, pockets, pocket_neighbours, edges)
        return territory

    def _hold(self, params: TerritoryParameters, units: list[tuple[int, str]],
              unit_geometry: Sequence[BaseGeometry], pockets: Sequence[BaseGeometry],
              pocket_neighbours: list[tuple[int, ...]], edges: list[tuple[int, int, BaseGeometry]]) -> None:
        """Keep the parts, and what follows from them (areas, leaders), in one place."""
        self.params = params
        #: (leader, tier) of each unit, its geometry and km².
        self.units = list(units)
        self.unit_geometry = np.array(list(unit_geometry), dtype=object)
        self.unit_km2 = shapely.area(self.unit_geometry) / 1e6
        self.unit_leader = np.array([k[0] for k in self.units], dtype=int)
        self.leaders = sorted(set(self.unit_leader.tolist()))
        #: Land no unit reaches, the leaders touching each piece, and the shared edges of leaders' land.
        self.pockets = np.array(list(pockets), dtype=object)
        self.pocket_km2 = shapely.area(self.pockets) / 1e6 if len(self.pockets) else np.zeros(0)
        self.pocket_neighbours = list(pocket_neighbours)
        self.edges = list(edges)
        #: Unions of groups of units and pockets already made, by their indices (:meth:`_union`).
        self._unions: dict[tuple[int, ...], BaseGeometry] = {}

    def _cut(self, members: np.ndarray, xy: np.ndarray, outline: BaseGeometry, leaders: np.ndarray,
             inferred: np.ndarray, sparse: np.ndarray, cells: dict[int, list[BaseGeometry]],
             near: dict[int, list[BaseGeometry]],
             far: dict[int, list[BaseGeometry]]) -> None:
        """Each place's cell within ``outline`` and its reach, and its settled disk, given to its leader."""
        # Places at the same spot share one cell: the first of them gets it.
        _, first = np.unique(xy.round(0), axis=0, return_index=True)
        first.sort()
        members, xy = members[first], xy[first]
        points = shapely.points(xy)
        reach = self.params.dominated_km * 1000
        if len(points) == 1:
            raw = np.array([outline], dtype=object)
        else:
            envelope = shapely.box(*outline.buffer(reach).bounds)
            raw = shapely.get_parts(shapely.voronoi_polygons(
                shapely.multipoints(points), extend_to=envelope, ordered=True))
        disks = shapely.buffer(points, reach, quad_segs=16)
        mine = shapely.intersection(raw, disks)
        # Only cells across the outline need cutting by it (the costly part); all go on the grid.
        shapely.prepare(outline)
        inside = shapely.contains_properly(outline, mine)
        mine[inside] = shapely.set_precision(mine[inside], GRID_M)
        mine[~inside] = shapely.intersection(mine[~inside], outline, grid_size=GRID_M)
        mine = [_areal(g) for g in mine]  # a cell touching the outline at a point can bring the point
        settled = shapely.buffer(points, self.params.held_km * 1000, quad_segs=16)
        for i, place in enumerate(members):
            leader = int(leaders[place])
            if not mine[i].is_empty:
                cells[leader].append(mine[i])
                if not sparse[place]:
                    near[leader].append(settled[i])
                if inferred[place]:
                    far[leader].append(mine[i])

    @staticmethod
    def _tiers(land: BaseGeometry, near: list[BaseGeometry],
               far: list[BaseGeometry]) -> dict[str, BaseGeometry]:
        """A leader's land cut into held, inferred and dominated land.

        Settled land is the union of the followers' disks, simplified (neighbouring disks merge into
        one outline with far fewer vertices) and kept inside the leader's land; the tiers are cut out of
        that land, so together they tile it exactly.
        """
        settled = shapely.union_all(near).simplify(SIMPLIFY_M)
        settled = _areal(shapely.intersection(land, settled, grid_size=GRID_M))
        inferred, held = shapely.Polygon(), settled
        if far:
            inferred = _areal(shapely.intersection(settled, shapely.union_all(far), grid_size=GRID_M))
            held = _areal(shapely.difference(settled, inferred, grid_size=GRID_M))
        return {"held": held, "inferred": inferred,
                "dominated": _areal(shapely.difference(land, settled, grid_size=GRID_M))}

    @staticmethod
    def _touching(pockets: np.ndarray, owners: list[str], leader_land: dict[int, BaseGeometry],
                  countries: np.ndarray) -> list[tuple[int, ...]]:
        """Leaders of the pocket's own country whose land borders it (within 10 m)."""
        ids = list(leader_land)
        if not ids:
            return [() for _ in pockets]
        tree = shapely.STRtree([leader_land[i] for i in ids])
        return [tuple(sorted(ids[j] for j in tree.query(pocket, predicate="dwithin", distance=10.0)
                             if countries[ids[j]] == country))
                for pocket, country in zip(pockets, owners, strict=True)]

    @staticmethod
    def _edges(leader_land: dict[int, BaseGeometry],
               countries: np.ndarray) -> list[tuple[int, int, BaseGeometry]]:
        """Shared edges of two leaders' land in the same country (never the international border)."""
        ids = list(leader_land)
        geoms = [leader_land[i] for i in ids]
        tree = shapely.STRtree(geoms)
        left, right = tree.query(geoms, predicate="intersects")
        out = []
        for a, b in zip(left, right, strict=True):
            if a >= b or countries[ids[a]] != countries[ids[b]]:
                continue
            shared = shapely.intersection(geoms[a].boundary, geoms[b].boundary, grid_size=GRID_M)
            lines = [g for g in shapely.get_parts(shared) if g.geom_type in ("LineString", "MultiLineString")]
            if lines:
                line = shapely.line_merge(shapely.union_all(lines))
                if line.length > 0:
                    out.append((ids[a], ids[b], line))
        return out

    def snapshot(self, keys: Mapping[int, CellKey], stale: Collection[int] = ()) -> Snapshot:
        """Areas (by holder and tier; contested land with its parties, besieged with its besieger), fronts.

        ``keys``: the state of each leader, (faction, contested parties, besieger or ``None``);
        ``stale``: leaders whose last report is old, whose held land is drawn as inferred.
        """
        # Parts by index: units 0..n-1, then pockets n.. (so that a group's union can be looked up).
        groups: dict[tuple[CellKey, str], list[int]] = defaultdict(list)
        for i, (leader, tier) in enumerate(self.units):
            groups[(keys[leader], drawn_tier(tier, leader in stale))].append(i)
        unclaimed = []
        for j, neighbours in enumerate(self.pocket_neighbours):
            owner = self.pocket_owner(neighbours, keys)
            if owner is None:
                unclaimed.append(self.pockets[j])
            else:
                groups[(owner, "dominated")].append(len(self.units) + j)
        areas = []
        for ((faction, parts_key, besieger), tier), parts in sorted(groups.items(), key=_sort_key):
            geometry = self._union(tuple(parts))
            if not geometry.is_empty:
                areas.append(Area(faction, geometry, parts_key, besieger, tier))
        if unclaimed:
            areas.append(Area(UNCLAIMED, shapely.union_all(unclaimed, grid_size=GRID_M), tier="dominated"))
        return Snapshot(tuple(areas), self._front_lines(keys))

    def _union(self, parts: tuple[int, ...]) -> BaseGeometry:
        """The union of these units and pockets, remembered: from one epoch to the next most factions'
        groups are unchanged, so a history or a slider mostly finds its unions already made."""
        cache = self._unions
        geometry = cache.get(parts)
        if geometry is None:
            if len(cache) >= UNION_CACHE_SIZE:
                cache.clear()
            n = len(self.unit_geometry)
            geoms = [self.unit_geometry[i] if i < n else self.pockets[i - n] for i in parts]
            # The units are already on the grid: a plain union dissolves their shared edges exactly, at a
            # quarter of the cost of a fixed-precision one.
            geometry = cache[parts] = shapely.union_all(geoms)
        return geometry

    @staticmethod
    def pocket_owner(neighbours: Sequence[int], keys: Mapping[int, CellKey]) -> CellKey | None:
        """The one uncontested, unbesieged holder around a pocket, if every neighbour has it."""
        holders = {keys[n] for n in neighbours}
        if len(holders) != 1:
            return None
        (key,) = holders
        faction, _, besieger = key
        return None if faction in (CONTESTED, UNCLAIMED) or besieger else key

    def holdings(self, keys: Mapping[int, CellKey]) -> list[tuple[str, BaseGeometry, float]]:
        """(holder, geometry, km²) of every unit and pocket, always in the same order: two dates'
        holdings line up piece by piece."""
        units = zip(self.unit_leader, self.unit_geometry, self.unit_km2, strict=True)
        out = [(keys[int(leader)][0], geometry, float(km2)) for leader, geometry, km2 in units]
        pockets = zip(self.pockets, self.pocket_neighbours, self.pocket_km2, strict=True)
        for pocket, neighbours, km2 in pockets:
            owner = self.pocket_owner(neighbours, keys)
            out.append((owner[0] if owner else UNCLAIMED, pocket, float(km2)))
        return out

    def area_by_key(self, keys: Mapping[int, CellKey]) -> dict[str, float]:
        """km² per faction (all tiers) and ``unclaimed``, from the units' fixed areas (no geometry)."""
        totals: dict[str, float] = defaultdict(float)
        for leader, km2 in zip(self.unit_leader, self.unit_km2, strict=True):
            totals[keys[int(leader)][0]] += km2
        for neighbours, km2 in zip(self.pocket_neighbours, self.pocket_km2, strict=True):
            owner = self.pocket_owner(neighbours, keys)
            totals[owner[0] if owner else UNCLAIMED] += km2
        return dict(totals)

    def _front_lines(self, keys: Mapping[int, CellKey]) -> tuple[FrontLine, ...]:
        sides: dict[tuple[str, str], list[BaseGeometry]] = defaultdict(list)
        for a, b, line in self.edges:
            fa, fb = keys[a][0], keys[b][0]
            if fa != fb:
                sides[tuple(sorted((fa, fb)))].append(line)
        return tuple(FrontLine(pair, shapely.line_merge(shapely.union_all(lines)))
                     for pair, lines in sorted(sides.items()))


def drawn_tier(tier: str, stale: bool) -> str:
    """The tier a unit is drawn in: a stale leader's held land is inferred.

    >>> drawn_tier("held", True), drawn_tier("dominated", True), drawn_tier("held", False)
    ('inferred', 'dominated', 'held')
    """
    return "inferred" if stale and tier == "held" else tier


def _areal(geometry: BaseGeometry) -> BaseGeometry:
    """The polygons of an overlay's result (a shared edge or corner can come out as a line or a point)."""
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    return shapely.union_all([g for g in shapely.get_parts(geometry) if g.geom_type == "Polygon"])


def _sort_key(item: tuple[tuple[CellKey, str], list[BaseGeometry]]) -> tuple[str, tuple[str, ...], str, int]:
    ((faction, parties, besieger), tier), _ = item
    return faction, parties, besieger or "", TIERS.index(tier)
