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
import html
import io
import json
import re
import secrets
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
    land with their shape as WKT (WGS84) in ``wkt``, the column GIS tools read a CSV's shapes from.

    Text that a spreadsheet would run as a formula is neutralised (:func:`csv_text`); numbers stay
    numbers.
    """
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for f in features:
        props = f["properties"]
        if f["geometry"]["type"] != "Point":
            row = {**props, "factions": ";".join(props.get("factions", [])),
                   "sides": ";".join(props.get("sides", [])),
                   "wkt": shapely.geometry.shape(f["geometry"]).wkt}
        else:
            lon, lat = f["geometry"]["coordinates"]
            row = {**props, "lat": lat, "lon": lon, "factions": ";".join(props.get("factions", [])),
                   "date": _csv_date(props),
                   "name": props.get("place_name", props.get("name")),
                   "place": props.get("place", props.get("id")),
                   "sources": "; ".join(_cite(s) for s in props.get("sources", []))}
        writer.writerow({key: csv_text(value) if isinstance(value, str) else value
                         for key, value in row.items()})
    return out.getvalue()


#: What a cell must not start with, lest a spreadsheet run it as a formula (OWASP, "CSV injection"):
#: ``=``, ``+``, ``-``, ``@``, tab and carriage return.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def csv_text(text: str) -> str:
    """A text cell no spreadsheet runs: one that would start a formula gets a leading ``'``.

    A plain number (``-12.5``) is left as it is: it cannot be a formula, and stays a number.

    >>> print(csv_text('=HYPERLINK("http://x", "click")'), csv_text("@SUM(A1)"), csv_text("-2+3"))
    '=HYPERLINK("http://x", "click") '@SUM(A1) '-2+3
    >>> csv_text("-12.5"), csv_text("Raqqa")
    ('-12.5', 'Raqqa')
    """
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


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
    """KML with one folder per kind; ``colours`` by area category (``EventRecord.colours``).

    Placemarks' names and descriptions are HTML-escaped text in CDATA: Google Earth shows them as
    HTML, so text from the data must not become markup there (:func:`_html_text`).

    >>> event = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [43.1, 36.3]},
    ...          "properties": {"kind": "event", "date": "2016-07-15", "place_name": "Mosul",
    ...                         "summary": "<b>x</b> ]]> y", "sources": []}}
    >>> kml = to_kml([event], {})
    >>> kml[kml.index("<description>"):].split("\\n")[0]
    '<description><![CDATA[&lt;b&gt;x&lt;/b&gt; ]]&gt; y'
    """
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
    # ElementTree cannot write CDATA: each marked text is written as a numbered placeholder between
    # markers nothing else can contain (a fresh random token), then put back as a CDATA section.
    marker = secrets.token_hex(16)
    texts: list[str] = []
    for element in kml.iter():
        if element.attrib.pop(_CDATA, None) is not None:
            texts.append(element.text or "")
            element.text = f"{marker}{len(texts) - 1}{marker}"
    text = re.sub(f"{marker}(\\d+){marker}", lambda m: f"<![CDATA[{texts[int(m.group(1))]}]]>",
                  ET.tostring(kml, encoding="unicode"))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + text


#: An attribute marking, while the tree is built, an element whose text goes out as CDATA.
_CDATA = "_frontlines_cdata"


def _html_text(element: ET.Element, text: str) -> None:
    """Give ``element`` ``text`` for a tool that renders it as HTML (Google Earth): HTML-escaped, to be
    written in CDATA.  Escaping turns every ``>`` into ``&gt;``, so no ``]]>`` can end the section early.
    Characters XML does not allow (control characters) are dropped: the file must stay XML."""
    element.text = html.escape(_XML_INVALID.sub("", text), quote=False)
    element.set(_CDATA, "")


_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")



def _kml_placemark(folder: ET.Element, feature: Feature) -> None:
    props = feature["properties"]
    mark = ET.SubElement(folder, "Placemark")
    kind = props["kind"]
    if kind == "event":
        label = f"{event_when(props)} {props.get('place_name')}"
    else:
        label = {"area": props.get("faction"), "front_line": " / ".join(props.get("sides", [])),
                 "place": props.get("name"), "change": f"{props.get('from')} -> {props.get('to')}"}[kind]
    _html_text(ET.SubElement(mark, "name"), str(label))
    if kind == "event":
        _html_text(ET.SubElement(mark, "description"), props["summary"] + "\n" + "\n".join(
            _cite(s) for s in props["sources"]))
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
