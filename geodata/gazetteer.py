"""places.csv: the Who's On First / GeoNames gazetteer of Syria and Iraq, with our ids kept.

Steps (each documented in ``geodata/README.md``):

1. Read the WOF localities; a row with impossible coordinates stops the build with
   ``file:line: field: message``.
2. Keep the "clean" rows of SOURCE.md, and merge into them the rows flagged as their duplicates
   (``possible_duplicate_of``) or superseded by them (``superseded_by``): the names become aliases.
   Two clean rows with the same normalised name within 3 km are merged the same way.
3. Match every place of the previous gazetteer (``inputs/places_cities500.csv``, whose ids the
   record uses) and every entry of ``places_curated.yaml`` to a WOF place: by GeoNames id, else by
   name within a few km. A match keeps our id, name and aliases and adds WOF's names; a place with
   no match stays as it was.
4. Drop WOF places lying more than 2 km outside both countries; move places lying just outside
   (coast, border) onto their country; refuse our own places lying more than 10 km outside.
5. Country, governorate, district and sub-district from the OCHA polygons; new ids are slugs.
"""

from __future__ import annotations

import csv
import itertools
import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
import shapely.ops
from dashboard.core.geography import project, to_lonlat, to_projected
from dashboard.core.names import normalise, skeleton
from dashboard.core.places import OPTIONAL_COLUMNS, PLACE_COLUMNS
from dashboard.core.problems import Problem
from dashboard.core.yamlfile import load_yaml_text
from geodata.boundaries import ADM1, OCHA, read_units, syria_districts
from geodata.common import (
    FOCUS,
    PLACE_PRECISION,
    BuildError,
    is_latin,
    read_geojson,
    slugify,
    split_names,
)

WOF = "wof_gazetteer_syr_irq"
WOF_FILES = {"SY": "places_syria.csv", "IQ": "places_iraq.csv"}
#: The app's columns (``dashboard.core.places``), then the optional district codes.
COLUMNS = (*PLACE_COLUMNS, *OPTIONAL_COLUMNS)
GONE = frozenset({"PPLQ", "PPLW", "PPLH"})  # abandoned, destroyed, historical
#: Rank of GeoNames feature codes when choosing the stronger of two records (lower is stronger).
#: Empty codes are WOF's own records of towns (Quattroshapes, Natural Earth).
CODE_RANK = {"PPLC": 0, "PPLA": 1, "PPLA2": 2, "PPLA3": 3, "": 4, "PPL": 5, "PPLL": 6, "PPLS": 6}
DUPLICATE_KM = 3.0  # same normalised name this close: one place (the SOURCE.md rule)
MATCH_KM = 5.0  # our place and a WOF place of the same name this close: the same place
SKELETON_MATCH_KM = 2.0  # ... or of similar names (same skeleton) this close
CURATED_MATCH_KM = 25.0  # a new curated entry's lat/lon is approximate
DROP_KM = 2.0  # WOF places farther outside both countries than this are dropped
REFUSE_KM = 10.0  # our own places farther outside than this stop the build
INSIDE_M = 50.0  # places just outside their country are moved this far inside it


@dataclass
class Locality:
    """A WOF locality, with the names of the records merged into it."""

    wof_id: str
    country: str
    latin: list[str]
    arabic: list[str]
    lat: float
    lon: float
    code: str
    population: int
    geonames: list[str]
    strength: tuple
    where: str  # file:line


@dataclass
class Row:
    """One row of places.csv in the making."""

    id: str
    name: str
    name_ar: str
    aliases: list[str]
    lat: float
    lon: float
    country: str
    population: int
    source: str
    where: str = ""  # file:line it comes from, for messages
    ours: bool = False  # from the previous gazetteer or the curated list: its id is kept
    governorate: str = ""
    district: str = ""
    subdistrict: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


# --- reading WOF --------------------------------------------------------------------------------


def read_wof(folder: Path) -> tuple[list[dict[str, str]], list[Problem]]:
    """Every WOF row with its ``where``; rows with impossible coordinates become problems."""
    rows, problems = [], []
    for country, name in WOF_FILES.items():
        path = folder / name
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            for row in reader:
                row["where"] = f"{path}:{reader.line_num}"
                for key, low, high in (("lat", -90, 90), ("lon", -180, 180)):
                    try:
                        value = float(row[key])
                        ok = math.isfinite(value) and low <= value <= high
                    except (TypeError, ValueError):
                        ok = False
                    if not ok:
                        problems.append(
                            Problem(
                                str(path),
                                reader.line_num,
                                key,
                                f"impossible coordinate {row[key]!r}",
                            )
                        )
                if row.get("country") != country:
                    problems.append(
                        Problem(
                            str(path),
                            reader.line_num,
                            "country",
                            f"{row.get('country')!r} in the {country} file",
                        )
                    )
                rows.append(row)
    return rows, problems


def latin_names(row: dict[str, str]) -> list[str]:
    """English name first, then GeoNames' spelling, WOF's, and the variants."""
    names = [row["name_en"], row["name_gn"], row["name"], *split_names(row["alt_names"])]
    return [n.strip() for n in names if n.strip() and is_latin(n)]


def strength(row: dict[str, str]) -> tuple:
    """Sort key: the stronger of two records of one place comes first."""
    population = int(row["population"] or 0)
    return (
        -population,
        CODE_RANK.get(row["feature_code"], 7),
        row["is_current"] != "1",
        not row["geonames_id"],
        int(row["wof_id"]),
    )


def localities(rows: list[dict[str, str]]) -> tuple[list[Locality], dict[str, int]]:
    """The clean localities with their duplicates merged in; and counts of what happened."""
    by_id = {r["wof_id"]: r for r in rows}

    def clean(r: dict[str, str]) -> bool:
        # A row superseded by a record that is not a locality here (Abu Ghraib) stays: nothing
        # else in the data stands for it.
        superseded = r["superseded_by"] and r["superseded_by"] in by_id
        return not (
            r["deprecated"] or superseded or r["feature_code"] in GONE or r["possible_duplicate_of"]
        )

    parent = {r["wof_id"]: r["wof_id"] for r in rows if clean(r)}
    merged, dropped = 0, 0
    for (
        r
    ) in rows:  # flagged rows point to the stronger record, possibly through another flagged one
        if clean(r):
            continue
        target, hops = r["possible_duplicate_of"] or r["superseded_by"], 0
        while target in by_id and not clean(by_id[target]) and hops < 5:
            nxt = by_id[target]
            target, hops = nxt["possible_duplicate_of"] or nxt["superseded_by"], hops + 1
        if target in parent and target != r["wof_id"]:
            parent[r["wof_id"]] = target
            merged += 1
        else:
            dropped += 1

    def root(w: str) -> str:
        while parent[w] != w:
            w = parent[w]
        return w

    # Same normalised name within DUPLICATE_KM among the clean rows: the weaker joins the stronger.
    by_key: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        if clean(r):
            for key in {normalise(n) for n in latin_names(r)[:3]}:
                by_key[(r["country"], key)].append(r)
    residual = 0
    for group in by_key.values():
        for a, b in itertools.combinations(sorted(group, key=strength), 2):
            ra, rb = root(a["wof_id"]), root(b["wof_id"])
            if ra != rb and km_between(a, b) <= DUPLICATE_KM:
                weak, strong = sorted((ra, rb), key=lambda w: strength(by_id[w]), reverse=True)
                parent[weak] = strong
                residual += 1
    members: dict[str, list[dict[str, str]]] = defaultdict(list)
    for w in parent:
        members[root(w)].append(by_id[w])
    out = [locality(sorted(group, key=strength)) for group in members.values()]
    counts = {
        "wof_rows": len(rows),
        "clean": sum(clean(r) for r in rows),
        "flagged_merged": merged,
        "flagged_dropped": dropped,
        "same_name_merged": residual,
        "localities": len(out),
    }
    return sorted(out, key=lambda p: int(p.wof_id)), counts


def km_between(a: dict[str, str], b: dict[str, str]) -> float:
    """Distance between two WOF rows in km (equirectangular; fine at a few km)."""
    lat = math.radians((float(a["lat"]) + float(b["lat"])) / 2)
    dx = (float(a["lon"]) - float(b["lon"])) * math.cos(lat)
    return 111.2 * math.hypot(dx, float(a["lat"]) - float(b["lat"]))


def locality(group: list[dict[str, str]]) -> Locality:
    """One locality from its records, strongest first: its position and code, everyone's names."""
    head = group[0]
    latin = unique([n for r in group for n in latin_names(r)])
    arabic = unique([n for r in group for n in split_names(r["name_ar"])])
    if not is_latin(head["name"]) and head["name"] and head["name"] not in arabic:
        arabic.append(head["name"])  # a few WOF names are in Arabic script (Raqqa: الرقة)
    return Locality(
        head["wof_id"],
        head["country"],
        latin,
        arabic,
        float(head["lat"]),
        float(head["lon"]),
        head["feature_code"],
        max(int(r["population"] or 0) for r in group),
        unique([r["geonames_id"] for r in group if r["geonames_id"]]),
        strength(head),
        head["where"],
    )


def unique(names: list[str], exclude: tuple[str, ...] = ()) -> list[str]:
    """Names in order with repeats dropped: two names are one when they normalise alike."""
    seen = {normalise(n) for n in exclude}
    out = []
    for name in names:
        key = normalise(name)
        if name and key and key not in seen and "|" not in name:
            seen.add(key)
            out.append(name)
    return out


# --- our places -----------------------------------------------------------------------------------


def read_ours(previous: Path, curated: Path) -> list[Row]:
    """The previous gazetteer's rows, with the curated entries applied (and added when new)."""
    rows: dict[str, Row] = {}
    with previous.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        for r in reader:
            rows[r["id"]] = Row(
                r["id"],
                r["name"],
                r["name_ar"],
                split_names(r["aliases"]),
                float(r["lat"]),
                float(r["lon"]),
                r["country"],
                int(r["population"] or 0),
                r["source"],
                f"{previous}:{reader.line_num}",
                ours=True,
            )
    doc = load_yaml_text(curated.read_text(encoding="utf-8"), str(curated))
    for entry in doc["places"]:
        where = f"{curated}:{entry.line}"
        if entry.get("country") not in FOCUS or not entry.get("name"):
            raise BuildError(
                f"{where}: country: curated place {entry.get('id')} needs a name and SY or IQ"
            )
        aliases = [str(a) for a in entry.get("aliases") or []]
        row = rows.get(entry["id"])
        if row is None:
            row = rows[entry["id"]] = Row(
                entry["id"],
                entry["name"],
                entry.get("name_ar") or "",
                [],
                float(entry["lat"]),
                float(entry["lon"]),
                entry["country"],
                int(entry.get("population", 0)),
                "curated",
                where,
                ours=True,
            )
            row.extra = {
                "geonames": entry.get("geonames"),
                "coord_source": entry.get("coord_source"),
                "new": True,
            }
        row.name, row.name_ar = entry["name"], entry.get("name_ar") or row.name_ar
        row.aliases = [a for a in dict.fromkeys([*aliases, *row.aliases]) if a != row.name]
    return list(rows.values())


def match(ours: list[Row], places: list[Locality]) -> dict[str, Locality]:
    """Our place id -> the WOF locality it is (each locality taken once)."""
    by_geonames = {g: p for p in places for g in p.geonames}
    by_key: dict[tuple[str, str], list[Locality]] = defaultdict(list)
    by_skeleton: dict[tuple[str, str], list[Locality]] = defaultdict(list)
    for p in places:
        for name in [*p.latin, *p.arabic]:
            by_key[(p.country, normalise(name))].append(p)
            by_skeleton[(p.country, skeleton(name))].append(p)
    taken: set[str] = set()
    found: dict[str, Locality] = {}

    def claim(row: Row, options: list[Locality], radius: float) -> bool:
        near = [
            p
            for p in {p.wof_id: p for p in options}.values()
            if p.wof_id not in taken and distance_km(row.lat, row.lon, p.lat, p.lon) <= radius
        ]
        if not near:
            return False
        best = min(
            near, key=lambda p: (p.strength[:2], distance_km(row.lat, row.lon, p.lat, p.lon))
        )
        found[row.id] = best
        taken.add(best.wof_id)
        return True

    # GeoNames ids first, so that name matching cannot take a town another place is known to be;
    # a locality's own GeoNames id before the ids of the records merged into it.
    for primary in (True, False):
        for row in ours:
            ref = row.extra.get("geonames")
            gid = str(ref) if isinstance(ref, int) else row.source.removeprefix("geonames:")
            p = by_geonames.get(gid)
            if (
                row.id not in found
                and p
                and p.wof_id not in taken
                and (p.geonames[0] == gid) == primary
            ):
                found[row.id] = p
                taken.add(p.wof_id)
    for row in ours:
        if row.id in found:
            continue
        names = [row.name, row.name_ar, *row.aliases]
        if isinstance(row.extra.get("geonames"), str):
            names = [row.extra["geonames"]]
        radius = CURATED_MATCH_KM if row.extra.get("new") else MATCH_KM
        if not claim(
            row,
            [p for n in names if n for p in by_key.get((row.country, normalise(n)), [])],
            radius,
        ):
            claim(
                row,
                [p for n in names if n for p in by_skeleton.get((row.country, skeleton(n)), [])],
                min(radius, SKELETON_MATCH_KM),
            )
    return found


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Equirectangular distance in km (a few km apart: within 0.1 %)."""
    dx = (lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return 111.2 * math.hypot(dx, lat2 - lat1)


def source_of(p: Locality) -> str:
    """``geonames:<id>`` of the locality's strongest record, else ``wof:<id>``."""
    return f"geonames:{p.geonames[0]}" if p.geonames else f"wof:{p.wof_id}"


def merged_row(row: Row, p: Locality) -> Row:
    """Our place on top of its WOF locality: our id, name and aliases first, WOF's names after."""
    row.aliases = [
        *row.aliases,
        *unique([*p.latin, *p.arabic], exclude=(row.name, row.name_ar, *row.aliases)),
    ]
    row.name_ar = row.name_ar or (p.arabic[0] if p.arabic else "")
    row.population = max(row.population, p.population)
    if row.source == "curated":  # our position was approximate: WOF's is GeoNames'
        row.lat, row.lon, row.source = p.lat, p.lon, source_of(p)
    return row


def new_row(p: Locality) -> Row:
    """A WOF locality nobody had: its English or GeoNames name, the rest as aliases."""
    name = p.latin[0] if p.latin else p.arabic[0]
    name_ar = p.arabic[0] if p.arabic else ""
    aliases = unique([*p.latin, *p.arabic], exclude=(name, name_ar))
    return Row(
        "", name, name_ar, aliases, p.lat, p.lon, p.country, p.population, source_of(p), p.where
    )


# --- where places are -----------------------------------------------------------------------------


def place_rows(rows: list[Row], countries: Path) -> tuple[list[Row], dict[str, Any], list[Problem]]:
    """Give each row the country whose outline holds it; drop, move or refuse rows lying outside."""
    focus = {
        p["iso_a2"]: project(g) for p, g in read_geojson(countries) if p.get("iso_a2") in FOCUS
    }
    points = shapely.points(
        np.column_stack(
            to_projected(np.array([r.lon for r in rows]), np.array([r.lat for r in rows]))
        )
    )
    dist = np.column_stack([shapely.distance(focus[c], points) for c in FOCUS]) / 1000
    inner = {c: focus[c].buffer(-INSIDE_M) for c in FOCUS}
    kept, problems, moved, changed, dropped = [], [], [], [], 0
    for row, point, d in zip(rows, points, dist, strict=True):
        outside = float(d.min())
        if outside > (REFUSE_KM if row.ours else DROP_KM):
            if row.ours:
                path, line = row.where.rsplit(":", 1)
                problems.append(
                    Problem(
                        path,
                        int(line),
                        "lat/lon",
                        f"{row.id} ({row.lat}, {row.lon}) lies "
                        f"{outside:.1f} km outside Syria and Iraq (more than {REFUSE_KM:g} km)",
                    )
                )
            else:
                dropped += 1
            continue
        country = FOCUS[int(d.argmin())]
        if outside > 0:
            lon, lat = to_lonlat(*shapely.ops.nearest_points(inner[country], point)[0].coords[0])
            row.extra["moved_km"] = round(outside, 2)
            row.lat, row.lon = lat, lon
            moved.append(row)
        if country != row.country:
            changed.append((row, f"{row.id or row.where} {row.country}->{country}"))
            row.country = country
        kept.append(row)
    report = {
        "dropped_outside": dropped,
        "moved_inside": len(moved),
        "moved_max_km": max((r.extra["moved_km"] for r in moved), default=0),
        "moved_ours": {r.id: r.extra["moved_km"] for r in moved if r.ours},
        "country_changed": len(changed),
        "country_changed_ours": [c for r, c in changed if r.ours],
    }
    return kept, report, problems


def assign_admin(rows: list[Row], shared: Path) -> None:
    """Governorate (OCHA adm1 name); for Iraq district and sub-district codes (OCHA adm2, adm3); for
    Syria the district of the nearest place GeoNames gives one (``syria_districts``)."""
    units = {c: read_units(shared / OCHA / ADM1[c], 1, c) for c in FOCUS}
    sub = read_units(shared / OCHA / "irq_adm3.geojson", 3, "IQ")
    for country in FOCUS:
        mine = [r for r in rows if r.country == country]
        points = shapely.points([(r.lon, r.lat) for r in mine])
        for r, unit in zip(mine, containing(units[country], points), strict=True):
            r.governorate = unit.name
        if country == "IQ":
            for r, unit in zip(mine, containing(sub, points), strict=True):
                r.district, r.subdistrict = unit.parent, unit.pcode
        else:
            named = syria_districts(shared)[1]
            tree = shapely.STRtree(shapely.points([(x, y) for x, y, _ in named]))
            nearest = tree.query_nearest(points, all_matches=False)
            for i, j in zip(*nearest.tolist(), strict=True):
                mine[i].district = named[j][2]


def containing(units: list, points: np.ndarray) -> list:
    """The unit holding each point, or the nearest one (coast and border points)."""
    tree = shapely.STRtree([u.geometry for u in units])
    pairs = tree.query(points, predicate="intersects")
    found = dict(zip(pairs[0].tolist(), pairs[1].tolist(), strict=True))
    missing = [i for i in range(len(points)) if i not in found]
    if missing:
        near = tree.query_nearest(points[missing])
        found.update(zip([missing[i] for i in near[0]], near[1].tolist(), strict=True))
    return [units[found[i]] for i in range(len(points))]


def assign_ids(rows: list[Row]) -> None:
    """Slugs for new rows: the name's, else with the governorate, else with a number too."""
    taken = {r.id for r in rows if r.id}
    pending = sorted(
        (r for r in rows if not r.id), key=lambda r: (r.country, slugify(r.name), r.source)
    )
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in pending:
        groups[slugify(row.name) or f"wof-{row.where.rsplit(':', 1)[-1]}"].append(row)
    for base, group in groups.items():
        if len(group) == 1 and base not in taken:
            group[0].id = base
            taken.add(base)
            continue
        for row in group:
            stem = f"{base}-{slugify(row.governorate)}"
            candidate, n = stem, 1
            while candidate in taken:
                n += 1
                candidate = f"{stem}-{n}"
            row.id = candidate
            taken.add(candidate)


def number(value: float) -> str:
    """A coordinate with PLACE_PRECISION decimals and no trailing zeros."""
    return f"{value:.{PLACE_PRECISION}f}".rstrip("0").rstrip(".")


def write_places(out: Path, rows: list[Row]) -> None:
    """Write places.csv: our places first, then the others, each by country and id.

    The order matters: among places of one name and equal population the resolver takes the
    earlier row (``dashboard.core.places.Gazetteer``), so "Saqlawiyah" stays the town near Fallujah
    rather than a village of the same name in Muthanna. Population and codes are empty when unknown.
    """
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for r in sorted(rows, key=lambda r: (not r.ours, r.country, r.id)):
            writer.writerow(
                [
                    r.id,
                    r.name,
                    r.name_ar,
                    "|".join(r.aliases),
                    number(r.lat),
                    number(r.lon),
                    r.country,
                    r.governorate,
                    r.population or "",
                    r.source,
                    r.district,
                    r.subdistrict,
                ]
            )


def build_places(
    shared: Path, previous: Path, curated: Path, countries: Path, record_ids: set[str], out: Path
) -> dict[str, Any]:
    """Write places.csv; return what happened at each step."""
    raw, problems = read_wof(shared / WOF)
    if problems:
        raise BuildError("\n".join(str(p) for p in problems))
    places, report = localities(raw)
    ours = read_ours(previous, curated)
    found = match(ours, places)
    taken = {p.wof_id for p in found.values()}
    rows = [merged_row(r, found[r.id]) if r.id in found else r for r in ours]
    for row in rows:
        if row.source == "curated" and row.extra.get("new") and not row.extra.get("coord_source"):
            raise BuildError(
                f"{row.where}: coord_source: curated place {row.id} matches no WOF place: "
                "give lat, lon and coord_source"
            )
    rows += [new_row(p) for p in places if p.wof_id not in taken]
    rows, where, problems = place_rows(rows, countries)
    if problems:
        raise BuildError("\n".join(str(p) for p in problems))
    assign_admin(rows, shared)
    assign_ids(rows)
    missing = sorted(record_ids - {r.id for r in rows})
    if missing:
        raise BuildError(f"record place ids missing from places.csv: {', '.join(missing)}")
    write_places(out / "places.csv", rows)
    report.update(
        {
            "ours": len(ours),
            "ours_matched": len(found),
            "ours_unmatched": sorted(r.id for r in ours if r.id not in found),
            **where,
            "rows": len(rows),
            "per_country": {c: sum(r.country == c for r in rows) for c in FOCUS},
        }
    )
    return report
