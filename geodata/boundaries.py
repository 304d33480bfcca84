"""Country outlines, governorates and Iraq's districts (OCHA COD-AB), neighbours (Natural Earth).

Syria (UNCS/OCHA 2020) and Iraq (CSO/ITOS 2019) come from different producers, so their outlines
overlap in thin slivers along the frontier and leave thin gaps between them. The build splits both
down the middle: a point of an overlap goes to the country it lies deeper inside, a point of a gap
to the country whose line is nearer (:func:`midline_split`). Governorates are then cut and filled
to match, made into one noded coverage, and simplified together, so Syria and Iraq are the unions
of their governorates and share one border line.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from geodata.common import (
    FOCUS,
    BuildError,
    area_km2,
    finish_polygons,
    polygons,
    read_geojson,
    simplify_coverage,
    write_geojson,
)
from pyproj import Geod
from shapely.geometry.base import BaseGeometry

OCHA = "ocha_cod_ab_syr_irq"
ADM1 = {"SY": "syr_adm1.geojson", "IQ": "irq_adm1.geojson"}
COUNTRY_NAMES = {"SY": ("Syria", "سوريا", "SYR"), "IQ": ("Iraq", "العراق", "IRQ")}
#: Coverage simplification of the governorates (and so of the two countries), degrees (~300 m).
#: Kobani (0.9 km) and Tell Abyad (0.2 km from the line) stay inside Syria at this tolerance.
GOVERNORATE_TOLERANCE = 0.003
MIDLINE_SPACING = 0.002  # degrees between points sampled along the two frontier lines (~200 m)
MIDLINE_ZONE = 0.02  # degrees around the slivers where the lines are sampled (~2 km)
SLIVER_DEG2 = 1e-10  # faces smaller than this after noding are numerical noise


@dataclass
class Unit:
    """One administrative unit: its code, names, parent, country and geometry."""

    pcode: str
    name: str
    name_ar: str
    country: str
    geometry: BaseGeometry
    parent: str = ""


def read_units(path: Path, level: int, country: str) -> list[Unit]:
    """OCHA units of one level from a COD-AB GeoJSON file."""
    out = []
    for props, geom in read_geojson(path):
        parent = props.get(f"ADM{level - 1}_PCODE", "") if level > 1 else ""
        out.append(
            Unit(
                props[f"ADM{level}_PCODE"],
                props[f"ADM{level}_EN"].strip(),
                (props.get(f"ADM{level}_AR") or "").strip(),
                country,
                shapely.make_valid(geom),
                parent or "",
            )
        )
    return sorted(out, key=lambda u: u.pcode)


# --- the Syria-Iraq frontier --------------------------------------------------------------------


def nearer_regions(
    sy_line: BaseGeometry, iq_line: BaseGeometry, zone: BaseGeometry
) -> tuple[BaseGeometry, BaseGeometry]:
    """Parts of ``zone`` nearer to Syria's line and nearer to Iraq's (Voronoi of sampled points)."""
    samples = []
    for label, line in ((0, sy_line), (1, iq_line)):
        dense = shapely.segmentize(shapely.intersection(line, zone), MIDLINE_SPACING)
        for xy in shapely.get_coordinates(dense):
            samples.append((round(xy[0], 7), round(xy[1], 7), label))
    labels: dict[tuple[float, float], set[int]] = defaultdict(set)
    for x, y, label in samples:
        labels[(x, y)].add(label)
    # A point on both lines lies on the midline itself: it decides nothing.
    points = [(xy, next(iter(ls))) for xy, ls in sorted(labels.items()) if len(ls) == 1]
    cells = shapely.get_parts(
        shapely.voronoi_polygons(
            shapely.multipoints([xy for xy, _ in points]),
            extend_to=zone.envelope.buffer(0.1),
            ordered=True,
        )
    )
    side = np.array([label for _, label in points])
    near_sy = shapely.intersection(shapely.union_all(cells[side == 0]), zone)
    near_iq = shapely.intersection(shapely.union_all(cells[side == 1]), zone)
    return near_sy, near_iq


def midline_split(
    sy: BaseGeometry, iq: BaseGeometry
) -> tuple[BaseGeometry, BaseGeometry, dict[str, float]]:
    """Syria and Iraq with their overlap and the gaps between them shared out down the middle."""
    overlap = polygons(shapely.intersection(sy, iq))
    union = shapely.union_all([sy, iq])
    holes = [shapely.Polygon(ring) for part in shapely.get_parts(union) for ring in part.interiors]
    gaps = polygons(shapely.union_all(holes)) if holes else shapely.Polygon()
    zone = shapely.union_all([overlap, gaps]).buffer(MIDLINE_ZONE)
    near_sy, near_iq = nearer_regions(sy.boundary, iq.boundary, zone)
    # In an overlap, a point nearer Iraq's line lies deeper inside Syria's, and the other way round.
    new_sy = shapely.union_all(
        [
            shapely.difference(sy, overlap),
            shapely.intersection(overlap, near_iq),
            shapely.intersection(gaps, near_sy),
        ]
    )
    new_iq = shapely.union_all(
        [shapely.difference(iq, new_sy), shapely.intersection(gaps, near_iq)]
    )
    report = {
        "overlap_km2": round(area_km2(overlap), 2),
        "gaps_km2": round(area_km2(gaps), 2),
        "overlap_pieces": len(shapely.get_parts(overlap)),
        "gap_pieces": len(holes),
    }
    return polygons(new_sy), polygons(shapely.difference(new_iq, new_sy)), report


def fit_units(units: list[Unit], outline: BaseGeometry) -> list[BaseGeometry]:
    """Cut units to their country's new outline; the land they miss goes to a neighbouring unit."""
    cut = [polygons(shapely.intersection(u.geometry, outline)) for u in units]
    missing = polygons(shapely.difference(outline, shapely.union_all(cut)))
    extra: dict[int, list[BaseGeometry]] = defaultdict(list)
    for piece in shapely.get_parts(missing):
        shared = [shapely.intersection(piece.buffer(1e-6), g.boundary).length for g in cut]
        extra[int(np.argmax(shared))].append(piece)
    return [polygons(shapely.union_all([g, *extra[i]])) for i, g in enumerate(cut)]


def noded_coverage(geoms: list[BaseGeometry]) -> list[BaseGeometry]:
    """The same polygons rebuilt from one noded set of edges, so neighbours share exact edges."""
    faces = shapely.get_parts(
        shapely.polygonize(shapely.get_parts(shapely.union_all([g.boundary for g in geoms])))
    )
    faces = faces[shapely.area(faces) > SLIVER_DEG2]
    tree = shapely.STRtree(geoms)
    owned: dict[int, list[BaseGeometry]] = defaultdict(list)
    for face in faces:
        inside = shapely.point_on_surface(face)
        hits = [int(i) for i in tree.query(inside, predicate="intersects")]
        if hits:  # faces in no polygon are holes of the coverage (enclaves of a neighbour)
            owned[min(hits, key=lambda i: -shapely.intersection(geoms[i], face).area)].append(face)
    return [
        shapely.coverage_union_all(owned[i]) if owned[i] else shapely.Polygon()
        for i in range(len(geoms))
    ]


def finish_coverage(geoms: list[BaseGeometry]) -> list[BaseGeometry]:
    """:func:`finish_polygons` for a coverage: edges that rounding makes cross are noded again."""
    out = finish_polygons(geoms)
    for _ in range(5):
        if shapely.coverage_is_valid(out):
            return out
        out = finish_polygons(noded_coverage(out))
    raise BuildError("the simplified governorates do not stay a coverage once rounded")


def governorates(shared: Path) -> tuple[list[Unit], list[BaseGeometry], dict[str, Any]]:
    """The 32 governorates, cut to the shared-out outlines, noded and simplified as one coverage."""
    units = {c: read_units(shared / OCHA / ADM1[c], 1, c) for c in FOCUS}
    raw = {c: shapely.union_all([u.geometry for u in units[c]]) for c in FOCUS}
    sy, iq, report = midline_split(raw["SY"], raw["IQ"])
    fitted = fit_units(units["SY"], sy) + fit_units(units["IQ"], iq)
    every = units["SY"] + units["IQ"]
    coverage = noded_coverage(fitted)
    simple = finish_coverage(simplify_coverage(coverage, GOVERNORATE_TOLERANCE))
    report["areas_km2"] = {
        c: {
            "ocha": round(area_km2(raw[c])),
            "shipped": round(
                area_km2(
                    shapely.union_all(
                        [g for u, g in zip(every, simple, strict=True) if u.country == c]
                    )
                )
            ),
        }
        for c in FOCUS
    }
    return every, simple, report


# --- neighbours ---------------------------------------------------------------------------------


def neighbours(
    path: Path, focus: dict[str, BaseGeometry]
) -> list[tuple[dict[str, Any], BaseGeometry]]:
    """Natural Earth's neighbours, cut back from the OCHA outlines.

    They also take the land Natural Earth gives Syria or Iraq but OCHA does not, so no gap shows
    between a focus country and its neighbour.
    """
    features = read_geojson(path)
    ne_focus = shapely.union_all([g for p, g in features if p.get("iso_a2") in FOCUS])
    ocha = shapely.union_all(list(focus.values()))
    context = [
        (p, polygons(shapely.difference(shapely.make_valid(g), ocha)))
        for p, g in features
        if p.get("iso_a2") not in FOCUS
    ]
    extra: dict[int, list[BaseGeometry]] = defaultdict(list)
    for piece in shapely.get_parts(polygons(shapely.difference(ne_focus, ocha))):
        shared = [shapely.intersection(piece.buffer(1e-6), g.boundary).length for _, g in context]
        if max(shared) > 0:  # pieces touching no neighbour are Natural Earth's coast: dropped
            extra[int(np.argmax(shared))].append(piece)
    grown = [polygons(shapely.union_all([g, *extra[i]])) for i, (_, g) in enumerate(context)]
    # Cut again after rounding, so the rounded neighbours never overlap the focus outlines.
    cut = finish_polygons([polygons(shapely.difference(g, ocha)) for g in finish_polygons(grown)])
    return [(p, g) for (p, _), g in zip(context, cut, strict=True)]


# --- writing ------------------------------------------------------------------------------------


def build_boundaries(shared: Path, neighbours_path: Path, out: Path) -> dict[str, Any]:
    """Write countries.geojson, governorates.geojson and districts.csv; return the checks."""
    units, simple, report = governorates(shared)
    gov_features = [
        ({"id": u.pcode, "name": u.name, "name_ar": u.name_ar, "country": u.country}, g)
        for u, g in zip(units, simple, strict=True)
    ]
    report["governorates"] = write_geojson(out / "governorates.geojson", gov_features)
    focus = {
        c: shapely.coverage_union_all(
            [g for u, g in zip(units, simple, strict=True) if u.country == c]
        )
        for c in FOCUS
    }
    focus = dict(zip(FOCUS, finish_polygons([focus[c] for c in FOCUS]), strict=True))
    features = []
    for code in FOCUS:
        name, name_ar, iso3 = COUNTRY_NAMES[code]
        features.append(
            (
                {"iso_a2": code, "iso_a3": iso3, "name": name, "name_ar": name_ar, "role": "focus"},
                focus[code],
            )
        )
    features += neighbours(neighbours_path, focus)
    report["countries"] = write_geojson(out / "countries.geojson", features)
    report["check"] = check_countries(out / "countries.geojson")
    report["districts"] = write_districts(shared, out / "districts.csv")
    return report


def check_countries(path: Path) -> dict[str, float]:
    """Read the written outlines back: no overlap between any two, no gap between Syria and Iraq."""
    shapes = {p["iso_a2"]: g for p, g in read_geojson(path)}
    sy, iq = shapes["SY"], shapes["IQ"]
    overlap = shapely.intersection(sy, iq).area
    if overlap > 0:
        raise BuildError(f"{path}: Syria and Iraq overlap by {overlap:.3g} square degrees")
    for code, geom in shapes.items():
        # Neighbours are cut from the outlines, then rounded: they may cross them by a few metres.
        if (
            code not in FOCUS
            and shapely.intersection(geom, shapely.union_all([sy, iq])).area > 1e-6
        ):
            raise BuildError(f"{path}: {code} overlaps Syria or Iraq by more than rounding")
    holes = [
        shapely.Polygon(r)
        for p in shapely.get_parts(shapely.union_all([sy, iq]))
        for r in p.interiors
    ]
    return {
        "sy_iq_overlap_deg2": overlap,
        "sy_iq_gap_km2": round(sum(area_km2(h) for h in holes), 4),
        "shared_border_km": round(
            Geod(ellps="WGS84").geometry_length(shapely.intersection(sy.boundary, iq.boundary))
            / 1000,
            1,
        ),
    }


#: Syria's districts come from GeoNames' second-level division as WOF's gazetteer names it
#: (``wof_admin2``): the OCHA files shared with the project stop at Syria's governorates.
SYRIA_PLACES = Path("wof_gazetteer_syr_irq") / "places_syria.csv"


@dataclass(frozen=True)
class NamedDistrict:
    """A Syrian district known by name only (no polygon): its code, name and governorate's pcode."""

    pcode: str
    name: str
    parent: str


def syria_districts(shared: Path) -> tuple[list[NamedDistrict], list[tuple[float, float, str]]]:
    """Syria's districts (codes ``SYD01``... in the order of their names) and the WOF places that
    name one, as (lon, lat, code), to give every other place its nearest named neighbour's district.

    A district's governorate is the OCHA governorate most of its places lie in.
    """
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    points = []
    with (shared / SYRIA_PLACES).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            name = row["wof_admin2"].strip()
            if name:
                counts[name][row["adm1_pcode"]] += 1
                points.append((float(row["lon"]), float(row["lat"]), name))
    codes = {name: f"SYD{i:02d}" for i, name in enumerate(sorted(counts), start=1)}
    districts = [NamedDistrict(codes[n], n, max(c, key=c.__getitem__)) for n, c in counts.items()]
    return sorted(districts, key=lambda d: d.pcode), [(x, y, codes[n]) for x, y, n in points]


def write_districts(shared: Path, out: Path) -> int:
    """districts.csv: Iraq's districts (adm2) and sub-districts (adm3) and Syria's districts (named
    by GeoNames, no Arabic), with parent codes."""
    rows = []
    for level, name in ((2, "irq_adm2.geojson"), (3, "irq_adm3.geojson")):
        rows += [
            (u.pcode, level, u.name, u.name_ar, u.parent)
            for u in read_units(shared / OCHA / name, level, "IQ")
        ]
    rows += [(d.pcode, 2, d.name, "", d.parent) for d in syria_districts(shared)[0]]
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("pcode", "level", "name", "name_ar", "parent"))
        writer.writerows(sorted(rows))
    return len(rows)
