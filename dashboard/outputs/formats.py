"""File formats for features (:mod:`dashboard.core.features`): GeoJSON, KML and CSV.

Examples
--------
>>> point = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [43.13, 36.34]},
...          "properties": {"kind": "place", "id": "mosul", "name": "Mosul", "faction": "isis"}}
>>> print(to_csv([point]).splitlines()[1])
place,mosul,Mosul,,mosul,36.34,43.13,isis,,,,,,,,,,,,
>>> to_geojson([point])[:41]
'{"type":"FeatureCollection","features":[{'
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import Any

import shapely

from dashboard.core.features import Feature, event_when

FORMATS = ("geojson", "kml", "csv")


def to_geojson(features: Iterable[Feature]) -> str:
    """A GeoJSON FeatureCollection (EPSG:4326)."""
    return json.dumps({"type": "FeatureCollection", "features": list(features)},
                      ensure_ascii=False, separators=(",", ":"))


CSV_COLUMNS = ("kind", "id", "name", "date", "place", "lat", "lon", "faction", "factions", "sides", "type",
               "from", "to", "summary", "sources", "area_km2", "length_km", "valid_from", "valid_to", "wkt")


def to_csv(features: Iterable[Feature]) -> str:
    """One row per feature: places and events with ``lat``/``lon``; areas, front lines and changed
    land with their shape as WKT (WGS84) in ``wkt``, the column GIS tools read a CSV's shapes from."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for f in features:
        props = f["properties"]
        if f["geometry"]["type"] != "Point":
            writer.writerow({**props, "factions": ";".join(props.get("factions", [])),
                             "sides": ";".join(props.get("sides", [])),
                             "wkt": shapely.geometry.shape(f["geometry"]).wkt})
            continue
        lon, lat = f["geometry"]["coordinates"]
        row = {**props, "lat": lat, "lon": lon, "factions": ";".join(props.get("factions", [])),
               "date": _csv_date(props),
               "name": props.get("place_name", props.get("name")),
               "place": props.get("place", props.get("id")),
               "sources": "; ".join(_cite(s) for s in props.get("sources", []))}
        writer.writerow(row)
    return out.getvalue()


def _csv_date(props: dict[str, Any]) -> str | None:
    """An event's date as precisely as it is known, in ISO 8601: ``2014-06`` for a month."""
    date = props.get("date")
    return date[:7] if date and props.get("date_precision") == "month" else date


def _cite(source: dict[str, Any]) -> str:
    parts = [source["title"], source["publisher"], source.get("date") or "n.d.", source.get("url") or ""]
    return ", ".join(p for p in parts if p)


def _kml_colour(hex_rgb: str, alpha: str) -> str:
    r, g, b = hex_rgb[1:3], hex_rgb[3:5], hex_rgb[5:7]
    return f"{alpha}{b}{g}{r}".lower()


def to_kml(features: Iterable[Feature], colours: dict[str, str]) -> str:
    """KML with one folder per kind; ``colours`` by area category (``EventRecord.colours``)."""
    kml = ET.Element("kml", xmlns="http://www.opengis.net/kml/2.2")
    doc = ET.SubElement(kml, "Document")
    ET.SubElement(doc, "name").text = "frontlines"
    for faction, colour in sorted(colours.items()):
        style = ET.SubElement(doc, "Style", id=f"f-{faction}")
        ET.SubElement(ET.SubElement(style, "LineStyle"), "color").text = _kml_colour(colour, "ff")
        ET.SubElement(ET.SubElement(style, "PolyStyle"), "color").text = _kml_colour(colour, "80")
        ET.SubElement(ET.SubElement(style, "IconStyle"), "color").text = _kml_colour(colour, "ff")
    folders: dict[str, ET.Element] = {}
    for f in features:
        props = f["properties"]
        kind = props["kind"]
        if kind not in folders:
            folders[kind] = ET.SubElement(doc, "Folder")
            ET.SubElement(folders[kind], "name").text = kind
        _kml_placemark(folders[kind], f)
    ET.indent(kml)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(kml, encoding="unicode")


def _kml_placemark(folder: ET.Element, feature: Feature) -> None:
    props = feature["properties"]
    mark = ET.SubElement(folder, "Placemark")
    kind = props["kind"]
    if kind == "event":
        label = f"{event_when(props)} {props.get('place_name')}"
    else:
        label = {"area": props.get("faction"), "front_line": " / ".join(props.get("sides", [])),
                 "place": props.get("name"), "change": f"{props.get('from')} -> {props.get('to')}"}[kind]
    ET.SubElement(mark, "name").text = str(label)
    if kind == "event":
        ET.SubElement(mark, "description").text = props["summary"] + "\n" + "\n".join(
            _cite(s) for s in props["sources"])
    faction = props.get("faction") or (props.get("sides") or [None])[0]
    if kind != "event" and faction:
        ET.SubElement(mark, "styleUrl").text = f"#f-{faction}"
    if "valid_from" in props:
        span = ET.SubElement(mark, "TimeSpan")
        ET.SubElement(span, "begin").text = props["valid_from"]
        ET.SubElement(span, "end").text = props["valid_to"]
    data = ET.SubElement(mark, "ExtendedData")
    for key, value in props.items():
        if key in ("sources", "summary") or value is None:
            continue
        item = ET.SubElement(data, "Data", name=key)
        ET.SubElement(item, "value").text = ", ".join(value) if isinstance(value, list) else str(value)
    _kml_geometry(mark, feature["geometry"])


def _ring(parent: ET.Element, tag: str, coords: list) -> None:
    boundary = ET.SubElement(parent, tag)
    ring = ET.SubElement(boundary, "LinearRing")
    ET.SubElement(ring, "coordinates").text = " ".join(f"{x},{y}" for x, y in coords)


def _kml_geometry(parent: ET.Element, geometry: dict[str, Any]) -> None:
    gtype, coords = geometry["type"], geometry.get("coordinates")
    if gtype == "Point":
        ET.SubElement(ET.SubElement(parent, "Point"), "coordinates").text = f"{coords[0]},{coords[1]}"
    elif gtype == "LineString":
        ET.SubElement(ET.SubElement(parent, "LineString"), "coordinates").text = " ".join(
            f"{x},{y}" for x, y in coords)
    elif gtype == "Polygon":
        poly = ET.SubElement(parent, "Polygon")
        _ring(poly, "outerBoundaryIs", coords[0])
        for hole in coords[1:]:
            _ring(poly, "innerBoundaryIs", hole)
    else:  # Multi* and collections
        multi = ET.SubElement(parent, "MultiGeometry")
        if gtype == "GeometryCollection":
            parts = geometry["geometries"]
        else:
            single = gtype.removeprefix("Multi")
            parts = [{"type": single, "coordinates": c} for c in coords]
        for part in parts:
            _kml_geometry(multi, part)


def render(features: list[Feature], fmt: str, colours: dict[str, str]) -> str:
    """Serialise features in one of :data:`FORMATS`."""
    if fmt == "geojson":
        return to_geojson(features)
    if fmt == "kml":
        return to_kml(features, colours)
    if fmt == "csv":
        return to_csv(features)
    raise ValueError(f"unknown format {fmt!r} (expected one of: {', '.join(FORMATS)})")
