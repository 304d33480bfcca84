"""Rivers, lakes and the Syrian Desert from Natural Earth's physical layers (and GSHHG rivers).

Natural Earth 1:10m names the Euphrates in three languages along its course (Firat, Al Furat,
Euphrates) and the Tigris in two (Dicle, Tigris), with lake centrelines through the reservoirs:
the pieces of each river are joined into one line and clipped to the theatre. Natural Earth has no
Khabur, Zabs, Diyala or Orontes at this scale, so those come from the GSHHG/WDBII lines the
previous build traced (``inputs/gshhg_rivers.geojson``), their mouths joined to Natural Earth's
main rivers.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections import defaultdict
from pathlib import Path
from typing import Any

import shapely
import shapely.ops
from geodata.common import (
    BuildError,
    area_km2,
    finish_polygons,
    polygons,
    read_geojson,
    write_geojson,
)
from pyproj import Geod
from shapely.geometry import LineString, MultiLineString
from shapely.geometry.base import BaseGeometry

NE = "natural_earth_physical_syr_irq"
RIVER_CLIP_BUFFER = 0.05  # degrees around Syria+Iraq, so border rivers (Tigris, Shatt) survive
RIVER_TOLERANCE = 0.002  # degrees (~200 m)
RIVER_GAP = (
    0.1  # degrees: pieces of one river (or a mouth and its main river) closer than this join
)
LAKE_TOLERANCE = 0.002
GEOD = Geod(ellps="WGS84")

#: Our name, Arabic name, Natural Earth names of its pieces (any featurecla), and the river it
#: flows into (its last vertex is joined to that river when they come within RIVER_GAP).
NE_RIVERS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("Euphrates", "الفرات", ("Firat", "Al Furat", "Euphrates"), "Shatt al-Arab"),
    ("Tigris", "دجلة", ("Dicle", "Tigris"), "Shatt al-Arab"),
    ("Shatt al-Arab", "شط العرب", ("Shatt al Arab",), ""),
    ("Gharraf", "الغراف", ("Gharraf Canal",), ""),
    ("Shatt al-Hillah", "شط الحلة", ("Shatt al Hillah",), ""),
    ("Hindiyah", "شط الهندية", ("Hindiyah Channel",), ""),
)
#: GSHHG tributaries (name -> river they flow into); Arabic names are in the input file.
GSHHG_RIVERS = {
    "Khabur": "Euphrates",
    "Great Zab": "Tigris",
    "Little Zab": "Tigris",
    "Diyala": "Tigris",
    "Orontes": "",
}
#: Natural Earth lake name -> our name and Arabic name. Others in the clip box (Atatürk, Urmia, the
#: Dead Sea, Galilee) lie outside the theatre.
LAKES = {
    "Buhayrat al-Assad": ("Lake Assad", "بحيرة الأسد"),
    "Buhayrat ath Tharthar": ("Lake Tharthar", "بحيرة الثرثار"),
    "Lake Habbaniyah": ("Lake Habbaniyah", "بحيرة الحبانية"),
    "Lake Razazah": ("Lake Razazah", "بحيرة الرزازة"),
    "Lake Hammar": ("Hammar Marsh", "هور الحمار"),
}
#: Natural Earth region name -> our name and Arabic name.
REGIONS = {
    "SYRIAN DESERT": ("Syrian Desert", "بادية الشام"),
    "Mesopotamia": ("Mesopotamia", "بلاد ما بين النهرين"),
}


def join_pieces(lines: list[BaseGeometry], gap: float = RIVER_GAP) -> LineString:
    """The main stem of a river: the shortest way along its pieces between its two farthest ends.

    Natural Earth's pieces include loops round islands and short side channels, and some end a
    little short of (or past) the piece they continue: each loose end is bridged to the nearest
    point of any other piece within ``gap``, so overshooting tails become spurs off the path.
    """
    parts = [
        p for p in shapely.get_parts(shapely.line_merge(shapely.union_all(lines))) if p.length > 0
    ]
    cuts: dict[int, set[float]] = defaultdict(set)
    bridges = []
    for i, part in enumerate(parts):
        for end in (shapely.Point(part.coords[0]), shapely.Point(part.coords[-1])):
            for j, other in enumerate(parts):
                if j != i and 0 < other.distance(end) <= gap:
                    at = other.project(end)
                    cuts[j].add(at)
                    bridges.append((end.coords[0], other.interpolate(at).coords[0]))
    pieces = []
    for i, part in enumerate(parts):
        marks = sorted({0.0, part.length, *cuts[i]})
        pieces += [shapely.ops.substring(part, a, b) for a, b in itertools.pairwise(marks) if b > a]
    nodes: dict[tuple[float, float], int] = {}

    def node(xy: tuple[float, ...]) -> int:
        return nodes.setdefault((round(xy[0], 7), round(xy[1], 7)), len(nodes))

    edges: dict[int, list[tuple[int, float, list[tuple[float, ...]]]]] = defaultdict(list)
    for piece in pieces:
        a, b, xy = node(piece.coords[0]), node(piece.coords[-1]), list(piece.coords)
        if a != b:  # a loop round an island starts and ends on the river: never needed
            edges[a].append((b, piece.length, xy))
            edges[b].append((a, piece.length, xy[::-1]))
    for p, q in bridges:  # a bridge costs more than river, so a path jumps only where a gap is
        a, b = node(p), node(q)
        edges[a].append((b, 3 * math.dist(p, q), [p, q]))
        edges[b].append((a, 3 * math.dist(p, q), [q, p]))
    xy_of = {i: xy for xy, i in nodes.items()}
    ends = [n for n in edges if len({m for m, _, _ in edges[n]}) == 1]
    start, goal = max(
        itertools.combinations(ends, 2), key=lambda ab: math.dist(xy_of[ab[0]], xy_of[ab[1]])
    )
    best, back, queue = {start: 0.0}, {}, [(0.0, start)]
    while queue:
        cost, here = heapq.heappop(queue)
        if here == goal:
            break
        for there, weight, xy in edges[here]:
            if cost + weight < best.get(there, math.inf):
                best[there], back[there] = cost + weight, (here, xy)
                heapq.heappush(queue, (cost + weight, there))
    if goal not in back:
        raise BuildError(f"river pieces do not connect {xy_of[start]} to {xy_of[goal]}")
    coords: list[tuple[float, ...]] = []
    here = goal
    while here != start:
        here, xy = back[here]
        coords = xy + coords[1:]
    return LineString(coords)


def to_mouth(line: BaseGeometry, main: BaseGeometry) -> BaseGeometry:
    """Extend a river's last vertex to the nearest point of the river it flows into."""
    end = shapely.Point(line.coords[-1])
    if line.geom_type != "LineString" or end.distance(main) > RIVER_GAP or end.distance(main) == 0:
        return line
    target = shapely.ops.nearest_points(main, end)[0]
    return LineString([*line.coords, target.coords[0]])


def theatre(countries: Path) -> BaseGeometry:
    """Syria and Iraq as shipped (``countries.geojson``)."""
    return shapely.union_all([g for p, g in read_geojson(countries) if p.get("role") == "focus"])


def single(geom: BaseGeometry, name: str) -> BaseGeometry:
    """One line when the parts are one river; clipping can leave bits beyond a border bend."""
    parts = sorted((p for p in shapely.get_parts(geom) if p.length > 0), key=lambda p: -p.length)
    if not parts:
        raise BuildError(f"river {name} came out empty")
    return parts[0] if len(parts) == 1 else MultiLineString(parts)


def build_rivers(shared: Path, gshhg: Path, countries: Path, out: Path) -> dict[str, Any]:
    """Write rivers.geojson: Natural Earth's rivers of the theatre and GSHHG's tributaries."""
    region = theatre(countries).buffer(RIVER_CLIP_BUFFER)
    ne = read_geojson(shared / NE / "ne_10m_rivers_lake_centerlines_clip.geojson")
    lines: dict[str, BaseGeometry] = {}
    arabic: dict[str, str] = {}
    mouths: dict[str, str] = {}
    for name, name_ar, pieces, mouth in NE_RIVERS:
        found = [g for p, g in ne if p.get("name") in pieces]
        if not found:
            raise BuildError(f"Natural Earth has no {name} ({', '.join(pieces)})")
        lines[name], arabic[name], mouths[name] = join_pieces(found), name_ar, mouth
    for props, geom in read_geojson(gshhg):
        if props["name"] in GSHHG_RIVERS:
            lines[props["name"]], arabic[props["name"]] = geom, props["name_ar"]
            mouths[props["name"]] = GSHHG_RIVERS[props["name"]]
    features, report = [], {}
    for name, line in lines.items():
        if mouths[name]:
            line = to_mouth(line, lines[mouths[name]])
        clipped = shapely.intersection(line, region).simplify(
            RIVER_TOLERANCE, preserve_topology=False
        )
        geom = single(shapely.set_precision(clipped, 1e-4), name)
        features.append(({"name": name, "name_ar": arabic[name]}, geom))
        report[name] = {
            "parts": len(shapely.get_parts(geom)),
            "km": round(GEOD.geometry_length(geom) / 1000),
        }
    for name in ("Euphrates", "Tigris"):
        if report[name]["parts"] != 1:
            raise BuildError(f"the {name} is not one continuous line through the theatre")
    write_geojson(out / "rivers.geojson", features)
    return report


def build_lakes(shared: Path, countries: Path, out: Path) -> dict[str, Any]:
    """Write lakes.geojson: the lakes and reservoirs of the theatre, in English and Arabic."""
    features = []
    for props, geom in read_geojson(shared / NE / "ne_10m_lakes_clip.geojson"):
        if props.get("name") in LAKES:
            name, name_ar = LAKES[props["name"]]
            simple = shapely.simplify(shapely.make_valid(geom), LAKE_TOLERANCE)
            kind = "reservoir" if props.get("featurecla") == "Reservoir" else "lake"
            features.append(({"name": name, "name_ar": name_ar, "kind": kind}, polygons(simple)))
    missing = set(name for name, _ in LAKES.values()) - {p["name"] for p, _ in features}
    if missing:
        raise BuildError(f"Natural Earth lakes missing: {', '.join(sorted(missing))}")
    geoms = finish_polygons([g for _, g in features])
    write_geojson(
        out / "lakes.geojson", [(p, g) for (p, _), g in zip(features, geoms, strict=True)]
    )
    return {p["name"]: round(area_km2(g)) for (p, _), g in zip(features, geoms, strict=True)}


def build_regions(shared: Path, countries: Path, out: Path) -> dict[str, Any]:
    """Write regions.geojson: the Syrian Desert and Mesopotamia, clipped to Syria and Iraq."""
    land = theatre(countries)
    features = []
    for props, geom in read_geojson(shared / NE / "ne_10m_geography_regions_polys_clip.geojson"):
        if props.get("name") in REGIONS:
            name, name_ar = REGIONS[props["name"]]
            clipped = polygons(shapely.intersection(shapely.make_valid(geom), land))
            features.append(
                (
                    {"name": name, "name_ar": name_ar, "featurecla": props.get("featurecla", "")},
                    clipped,
                )
            )
    geoms = finish_polygons([g for _, g in features])
    write_geojson(
        out / "regions.geojson", [(p, g) for (p, _), g in zip(features, geoms, strict=True)]
    )
    return {p["name"]: round(area_km2(g)) for (p, _), g in zip(features, geoms, strict=True)}
