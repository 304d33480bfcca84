"""Static geography: country outlines, governorates, rivers, lakes, regions, and the map projection.

All measuring is done in one Lambert azimuthal equal-area projection centred on
the theatre, so areas come out in true km2 and distances in metres.

Examples
--------
>>> x, y = to_projected(42.0, 34.0)
>>> round(x), round(y)
(0, 0)
>>> [round(v, 6) for v in to_lonlat(x, y)]
[42.0, 34.0]
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import shapely
import shapely.errors
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

from dashboard.core import paths
from dashboard.core.problems import DataError, Problem

EQUAL_AREA_CRS = "+proj=laea +lat_0=34 +lon_0=42 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
FOCUS_COUNTRIES = ("SY", "IQ")

_FORWARD = Transformer.from_crs("EPSG:4326", EQUAL_AREA_CRS, always_xy=True)
_BACKWARD = Transformer.from_crs(EQUAL_AREA_CRS, "EPSG:4326", always_xy=True)


def to_projected(lon: Any, lat: Any) -> tuple[Any, Any]:
    """Project longitude/latitude (degrees) to equal-area x/y (metres)."""
    return _FORWARD.transform(lon, lat)


def to_lonlat(x: Any, y: Any) -> tuple[Any, Any]:
    """Inverse of :func:`to_projected`."""
    return _BACKWARD.transform(x, y)


def _transform_coords(transformer: Transformer):
    def apply(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])
    return apply


def project(geometry: Any) -> Any:
    """Project WGS84 geometries (one or an array) to the equal-area CRS."""
    return shapely.transform(geometry, _transform_coords(_FORWARD))


def unproject(geometry: Any) -> Any:
    """Project equal-area geometries (one or an array) back to WGS84."""
    return shapely.transform(geometry, _transform_coords(_BACKWARD))


@dataclass(frozen=True)
class Feature:
    """A geometry (WGS84) with its properties, as read from a GeoJSON file."""

    geometry: BaseGeometry
    properties: dict[str, Any]


#: What to do about a generated geography file that cannot be used.
REBUILD = "rebuild the geography (python geodata/build.py) or reinstall the package"


def read_features(path: Path) -> list[Feature]:
    """Read a GeoJSON FeatureCollection into :class:`Feature` objects.

    The geography files are generated, and checked here rather than trusted by their names: one that
    is empty (an interrupted build), unreadable, not JSON or not a FeatureCollection of shapes raises
    :class:`DataError` naming the file and what is wrong with it.

    >>> len(read_features(paths.GEODATA / "countries.geojson")) > 2
    True
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _unusable(path, f"cannot be read ({exc.strerror})") from None
    if not data.strip():
        raise _unusable(path, f"is empty ({len(data)} bytes)")
    try:
        doc = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise _unusable(path, "is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise _unusable(path, f"is not JSON (line {exc.lineno}: {exc.msg}; cut short?)") from None
    except RecursionError:
        raise _unusable(path, "is not GeoJSON (nested too deeply)") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" \
            or not isinstance(doc.get("features"), list):
        raise _unusable(path, "is not a GeoJSON FeatureCollection")
    found = []
    for index, item in enumerate(doc["features"]):
        try:
            properties = item.get("properties") or {}
            if not isinstance(properties, dict):
                raise TypeError("properties are not a mapping")
            found.append(Feature(shapely.geometry.shape(item["geometry"]), properties))
        except (AttributeError, IndexError, KeyError, TypeError, ValueError, shapely.errors.ShapelyError):
            raise DataError([Problem(str(path), None, f"features[{index}]",
                                     f"not a GeoJSON feature with a geometry; {REBUILD}")]) from None
    return found


def _unusable(path: Path, what: str) -> DataError:
    return DataError([Problem(str(path), None, "", f"{what}; {REBUILD}")])


def _layer(path: Path) -> list[Feature]:
    """A base layer the map cannot do without: its features, at least one."""
    found = read_features(path)
    if not found:
        raise _unusable(path, "has no features")
    return found


@cache
def countries(geodata: Path = paths.GEODATA) -> list[Feature]:
    """Syria, Iraq and their neighbours (property ``role``: ``focus`` or ``context``)."""
    return _layer(geodata / "countries.geojson")


@cache
def governorates(geodata: Path = paths.GEODATA) -> list[Feature]:
    """The governorates of Syria and Iraq."""
    return _layer(geodata / "governorates.geojson")


@cache
def rivers(geodata: Path = paths.GEODATA) -> list[Feature]:
    """Named main rivers (Euphrates, Tigris, Khabur, ...)."""
    return _layer(geodata / "rivers.geojson")


#: Rivers wide enough to be a front (the Euphrates at Deir ez-Zor and Raqqa, the Tigris at Mosul):
#: a village follows a town on its own bank (:mod:`dashboard.core.followers`).
MAIN_RIVERS = ("Euphrates", "Tigris")


@cache
def main_rivers(geodata: Path = paths.GEODATA) -> tuple[BaseGeometry, ...]:
    """The :data:`MAIN_RIVERS`, projected."""
    return tuple(project(f.geometry) for f in rivers(geodata) if f.properties.get("name") in MAIN_RIVERS)


@cache
def lakes(geodata: Path = paths.GEODATA) -> list[Feature]:
    """Lakes and reservoirs (Lake Assad, Tharthar, Habbaniyah, ...); absent from older geodata."""
    path = geodata / "lakes.geojson"
    return read_features(path) if path.exists() else []


@cache
def regions(geodata: Path = paths.GEODATA) -> list[Feature]:
    """Natural regions within Syria and Iraq (``Syrian Desert``, ``Mesopotamia``), by ``name``."""
    path = geodata / "regions.geojson"
    return read_features(path) if path.exists() else []


def base_layer_problems(geodata: Path = paths.GEODATA) -> list[Problem]:
    """Why base layers of the map cannot be drawn: a problem per file that fails to load, ``[]`` if none.

    For the map to say so rather than silently leave out countries, governorates or rivers.

    >>> base_layer_problems()
    []
    """
    problems: list[Problem] = []
    for layer in (countries, governorates, rivers, lakes, regions):
        try:
            layer(Path(geodata))
        except DataError as exc:
            problems.extend(exc.problems)
    return problems


#: The natural regions whose scattered settlements do not make the land around them held.
DESERTS = ("Syrian Desert",)


def sparse_places(xy: np.ndarray, geodata: Path = paths.GEODATA, river_km: float = 10.0) -> np.ndarray:
    """Which places (projected ``xy``) lie in a desert (:data:`DESERTS`), away from the main rivers.

    There people live along the Euphrates; a Bedouin hamlet out in the desert does not make the land
    around it anyone's settled land.

    >>> x, y = to_projected(np.array([38.9, 40.9]), np.array([33.6, 34.45]))  # near al-Tanf; al-Qaim
    >>> sparse_places(np.column_stack([x, y])).tolist()
    [True, False]
    """
    desert = [project(f.geometry) for f in regions(geodata) if f.properties.get("name") in DESERTS]
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    if not desert:
        return np.zeros(len(xy), dtype=bool)
    sparse = shapely.contains_xy(shapely.union_all(desert), xy[:, 0], xy[:, 1])
    rivers = shapely.union_all(list(main_rivers(geodata)))
    if not rivers.is_empty:
        # Only the few desert places need their distance to a river (a hundredth of the time: 3 ms).
        shapely.prepare(rivers)
        desert_places = np.flatnonzero(sparse)
        sparse[desert_places] = ~shapely.dwithin(shapely.points(xy[desert_places]), rivers, river_km * 1000)
    return sparse


def places_outside(places_csv: Path, geodata: Path = paths.GEODATA, max_km: float = 10.0) -> list[Problem]:
    """Rows of a gazetteer CSV lying more than ``max_km`` outside both Syria and Iraq.

    Reading the gazetteer does not look (it has no outlines, and must stay fast); ``validate``
    and the geography build do. Rows that cannot be read are left to :func:`read_places`.
    """
    rows = []
    with open(places_csv, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            try:
                lon, lat = float(row.get("lon") or ""), float(row.get("lat") or "")
            except ValueError:
                continue
            if math.isfinite(lon) and math.isfinite(lat):
                rows.append((reader.line_num, row.get("id"), lon, lat))
    if not rows:
        return []
    land = shapely.union_all(list(outlines(geodata).values()))
    x, y = to_projected(np.array([r[2] for r in rows]), np.array([r[3] for r in rows]))
    points = shapely.points(np.column_stack([x, y]))
    shapely.prepare(land)
    km = np.where(shapely.contains(land, points), 0.0, shapely.distance(land, points) / 1000)
    return [Problem(str(places_csv), line, "lat", f"{place_id} ({lat}, {lon}) lies {d:.0f} km outside "
                    f"Syria and Iraq (more than {max_km:g} km)")
            for (line, place_id, lon, lat), d in zip(rows, km, strict=True) if d > max_km]


@cache
def outlines(geodata: Path = paths.GEODATA) -> dict[str, BaseGeometry]:
    """Projected outlines of Syria and Iraq by ISO code (``SY``, ``IQ``)."""
    found = {f.properties["iso_a2"]: f.geometry for f in countries(geodata)
             if f.properties.get("iso_a2") in FOCUS_COUNTRIES}
    missing = set(FOCUS_COUNTRIES) - set(found)
    if missing:
        raise _unusable(geodata / "countries.geojson", f"has no outline for {', '.join(sorted(missing))}")
    return {iso: shapely.make_valid(project(geom)) for iso, geom in found.items()}
