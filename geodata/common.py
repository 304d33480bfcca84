"""What every step of the geography build shares: precision, names, GeoJSON in and out, checks."""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

PRECISION = 4  # decimals kept in every output polygon or line coordinate (~10 m)
GRID = 10.0**-PRECISION
PLACE_PRECISION = 5  # decimals kept in place coordinates (~1 m; the sources have 5-6)
EQUAL_AREA = "EPSG:6933"
FOCUS = ("SY", "IQ")


class BuildError(ValueError):
    """The inputs cannot make valid outputs; the message says where (``file:line: field: ...``)."""


# --- names ------------------------------------------------------------------------------------

_APOSTROPHES = "'’‘`´ʿʾʻʼ"  # transliteration marks for ayn and hamza, stripped


def fold(text: str) -> str:
    """Lower-case ``text`` and drop diacritics and apostrophes, keeping everything else."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.translate({ord(c): None for c in _APOSTROPHES}).lower()


def slugify(name: str) -> str:
    """Return a lower-case ASCII slug ('Tall ‘Afar' -> 'tall-afar')."""
    ascii_text = fold(name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def is_latin(text: str) -> bool:
    """True when every letter of ``text`` is Latin script (accents allowed)."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(unicodedata.name(c, "").startswith("LATIN") for c in letters)


def split_names(value: str) -> list[str]:
    """The names of a ``' | '``-separated source field, stripped, blanks dropped."""
    return [v.strip() for v in (value or "").split("|") if v.strip()]


# --- geometry ---------------------------------------------------------------------------------


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(h))


def area_km2(geom: BaseGeometry) -> float:
    """Area of a lon/lat geometry in square kilometres in an equal-area CRS."""
    return float(gpd.GeoSeries([geom], crs="EPSG:4326").to_crs(EQUAL_AREA).area.iloc[0]) / 1e6


def polygons(geom: BaseGeometry) -> BaseGeometry:
    """Only the polygonal parts of ``geom`` (overlay results can carry stray lines and points)."""
    parts = [
        p
        for p in shapely.get_parts(geom)
        if p.geom_type in ("Polygon", "MultiPolygon") and p.area > 0
    ]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def finish_polygons(geoms: list[BaseGeometry]) -> list[BaseGeometry]:
    """Round to the output grid, orient rings per RFC 7946 and insist on validity.

    Rounding every vertex (rather than GEOS's precision reduction, which works polygon by polygon
    and may drop a vertex on one side of a shared edge only) keeps a coverage a coverage: an edge
    shared by two polygons has the same vertices in both before and after.
    """
    rounded = shapely.transform(np.asarray(geoms, dtype=object), lambda xy: np.round(xy, PRECISION))
    out = []
    for i, geom in enumerate(shapely.orient_polygons(rounded, exterior_cw=False)):
        if not geom.is_valid:
            geom = shapely.orient_polygons(polygons(shapely.make_valid(geom)), exterior_cw=False)
        if not geom.is_valid or geom.is_empty:
            raise BuildError(f"polygon {i} is invalid or empty after rounding")
        out.append(geom)
    return out


def simplify_coverage(geoms: list[BaseGeometry], tolerance: float) -> list[BaseGeometry]:
    """Simplify polygons as a coverage so shared borders are simplified once, identically."""
    if not shapely.coverage_is_valid(geoms):
        raise BuildError(
            "input polygons do not form a valid coverage (overlaps or mismatched edges)"
        )
    return list(shapely.coverage_simplify(geoms, tolerance))


# --- files ------------------------------------------------------------------------------------


def read_geojson(path: Path) -> list[tuple[dict[str, Any], BaseGeometry]]:
    """(properties, geometry) of every feature of a GeoJSON FeatureCollection."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return [(f.get("properties") or {}, shape(f["geometry"])) for f in data["features"]]


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
