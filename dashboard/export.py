"""Writing the model's state as GeoJSON, KML or CSV (for one date, or all of history).

Every feature carries a ``kind``: ``area``, ``front_line``, ``place``, ``event``, or
``change`` (land that changed hands since a comparison date).
History exports add ``valid_from``/``valid_to`` (ISO dates, ``valid_to``
exclusive) to every feature, the layout QGIS's temporal controller and kepler.gl
animate.

Examples
--------
>>> import datetime as dt
>>> model = ControlModel.load()                                   # doctest: +SKIP
>>> fc = date_features(model, dt.date(2016, 7, 15))               # doctest: +SKIP
>>> sorted({f["properties"]["kind"] for f in fc})                 # doctest: +SKIP
['area', 'event', 'front_line', 'place']
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import os
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Collection, Iterable, Iterator
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping

from dashboard.areas import Snapshot
from dashboard.changes import Shift
from dashboard.events import UNCLAIMED, Event, Source
from dashboard.geography import unproject
from dashboard.model import ControlModel, Epoch

FORMATS = ("geojson", "kml", "csv")
#: Events this many days before a date (and the date itself) go with that date.
DEFAULT_EVENT_WINDOW_DAYS = 30
_DECIMALS = 5  # ~1 m: more digits only make the files bigger

Feature = dict[str, Any]


def _geometry(geom: Any, decimals: int = _DECIMALS) -> dict[str, Any]:
    rounded = shapely.transform(unproject(geom), lambda c: np.round(c, decimals))
    return mapping(rounded)


def snapshot_features(snapshot: Snapshot, simplify_m: float = 0.0) -> Iterator[Feature]:
    """Area and front-line features of a snapshot (WGS84).

    ``simplify_m`` > 0 trades detail for size (for drawing on screen): areas are simplified
    together, so neighbours keep one shared border, and coordinates keep 4 decimals (~10 m).
    """
    decimals = 4 if simplify_m else _DECIMALS
    shapes = [area.geometry for area in snapshot.areas]
    if simplify_m:
        shapes = list(shapely.coverage_simplify(np.array(shapes, dtype=object), simplify_m))
    for area, geometry in zip(snapshot.areas, shapes, strict=True):
        props: dict[str, Any] = {"kind": "area", "faction": area.faction,
                                 "area_km2": round(area.area_km2, 1)}
        if area.parties:
            props["factions"] = list(area.parties)
        if area.besieged_by:
            props["besieged_by"] = area.besieged_by
        yield {"type": "Feature", "properties": props, "geometry": _geometry(geometry, decimals)}
    for line in snapshot.front_lines:
        geometry = line.geometry.simplify(simplify_m) if simplify_m else line.geometry
        yield {"type": "Feature",
               "properties": {"kind": "front_line", "factions": list(line.factions),
                              "length_km": round(line.geometry.length / 1000, 1)},
               "geometry": _geometry(geometry, decimals)}


def _point(lon: float, lat: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [round(lon, _DECIMALS), round(lat, _DECIMALS)]}


def place_features(model: ControlModel, date: dt.date) -> Iterator[Feature]:
    """One point per place with who held it on ``date``."""
    anchors = model.recorded_places
    for place, state in zip(model.places, model.states(date), strict=True):
        props: dict[str, Any] = {"kind": "place", "id": place.id, "name": place.name,
                                 "name_ar": place.name_ar, "faction": state.control.faction,
                                 "country": place.country, "governorate": place.governorate,
                                 "recorded": place.id in anchors}
        if state.control.parties:
            props["factions"] = list(state.control.parties)
        if state.besieged_by:
            props["besieged_by"] = state.besieged_by
        yield {"type": "Feature", "properties": props, "geometry": _point(place.lon, place.lat)}


def source_dict(source: Source) -> dict[str, Any]:
    """A source as plain data."""
    return {"title": source.title, "publisher": source.publisher,
            "date": source.date.isoformat() if source.date else None, "url": source.url}


def event_feature(model: ControlModel, event: Event) -> Feature:
    """An event as a point at its place."""
    place = model.gazetteer[event.place]
    props: dict[str, Any] = {
        "kind": "event", "id": event.id, "date": event.date.isoformat(),
        "date_precision": event.date_precision, "approximate": event.approximate,
        "place": event.place, "place_name": place.name, "type": event.type,
        "summary": event.summary, "sources": [source_dict(s) for s in event.sources]}
    if event.change:
        props["from"] = event.change.old.faction
        props["to"] = event.change.new.faction
    return {"type": "Feature", "properties": props, "geometry": _point(place.lon, place.lat)}


def state_features(model: ControlModel, date: dt.date, simplify_m: float = 0.0) -> list[Feature]:
    """Areas, front lines and places on one date: the same for every day of an epoch."""
    return [*snapshot_features(model.snapshot(date), simplify_m), *place_features(model, date)]


class EpochFeatures:
    """:func:`state_features` of each epoch, computed once and shared (thread-safe; treat as read-only).

    ``warm()`` computes every epoch ahead in a background thread, so the first visit of a state
    costs a lookup instead of ~35 ms of geometry (``bench/bench_core.py``).  The thread works only
    while nobody else has asked for features for ``idle_s`` seconds: it would otherwise hold the GIL
    against the very requests it is meant to speed up.

    >>> layers = EpochFeatures(ControlModel.load(), simplify_m=1000)  # doctest: +SKIP
    >>> layers(dt.date(2016, 7, 15)) is layers(dt.date(2016, 7, 16))  # same epoch   # doctest: +SKIP
    True
    """

    def __init__(self, model: ControlModel, simplify_m: float = 0.0, idle_s: float = 0.5):
        self.model = model
        self.simplify_m = simplify_m
        self.idle_s = idle_s
        self._done: dict[dt.date, list[Feature]] = {}
        self._lock = threading.Lock()
        self._warming: threading.Thread | None = None
        self._last_asked = 0.0  # time.monotonic() of the last request from another thread

    def __call__(self, date: dt.date) -> list[Feature]:
        if threading.current_thread() is not self._warming:
            self._last_asked = time.monotonic()
        start = self.model.epoch(date).valid_from
        with self._lock:
            found = self._done.get(start)
        if found is None:  # two threads may both compute an epoch: the first result is kept
            found = state_features(self.model, start, self.simplify_m)
            with self._lock:
                found = self._done.setdefault(start, found)
        return found

    def __len__(self) -> int:
        """Epochs computed so far."""
        with self._lock:
            return len(self._done)

    def warm(self) -> threading.Thread:
        """Compute every epoch in a daemon thread, started on the first call (returned, for joining).

        On Linux the thread runs at a lower CPU priority, so pages being served come first.
        """
        with self._lock:
            if self._warming is None:
                self._warming = threading.Thread(target=self._warm, name="frontlines-warm", daemon=True)
                self._warming.start()
            return self._warming

    def _warm(self) -> None:
        if sys.platform == "linux":  # per-thread priority: Linux only
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
        for epoch in self.model.epochs():
            while (wait := self._last_asked + self.idle_s - time.monotonic()) > 0:
                time.sleep(wait)
            self(epoch.valid_from)


def recent_event_features(model: ControlModel, date: dt.date,
                          window_days: int = DEFAULT_EVENT_WINDOW_DAYS) -> list[Feature]:
    """Events of the ``window_days`` days up to ``date`` (inclusive)."""
    since = date - dt.timedelta(days=window_days)
    return [event_feature(model, e) for e in model.events_between(since, date)]


def date_features(model: ControlModel, date: dt.date,
                  window_days: int = DEFAULT_EVENT_WINDOW_DAYS) -> list[Feature]:
    """Areas, front lines, places and recent events on one date."""
    return state_features(model, date) + recent_event_features(model, date, window_days)


def change_features(shifts: Iterable[Shift]) -> list[Feature]:
    """One feature per (old holder -> new holder) transfer of land."""
    return [{"type": "Feature",
             "properties": {"kind": "change", "from": s.old, "to": s.new, "area_km2": round(s.area_km2, 1)},
             "geometry": _geometry(s.geometry)} for s in shifts]


def select(features: Iterable[Feature], factions: Collection[str] | None = None,
           types: Collection[str] | None = None) -> list[Feature]:
    """Features concerning the shown ``factions`` and event ``types`` (``None``: all).

    Areas and places are kept by holder, front lines and changed land if either side
    is shown, events by type and, when they change control, if either side is shown.
    """
    def shown(*sides: str | None) -> bool:
        return factions is None or any(side in factions for side in sides if side)

    out = []
    for f in features:
        props = f["properties"]
        kind = props["kind"]
        if kind in ("area", "place"):
            keep = props["faction"] == UNCLAIMED or shown(props["faction"])
        elif kind == "front_line":
            keep = shown(*props["factions"])
        elif kind == "change":
            keep = shown(props["from"], props["to"])
        elif kind == "event":
            keep = (types is None or props["type"] in types) and (
                "to" not in props or shown(props["from"], props["to"]))
        else:
            keep = True
        if keep:
            out.append(f)
    return out


def _dated(feature: Feature, start: dt.date, end: dt.date) -> Feature:
    feature["properties"]["valid_from"] = start.isoformat()
    feature["properties"]["valid_to"] = end.isoformat()
    return feature


def history_features(model: ControlModel, start: dt.date | None = None, end: dt.date | None = None,
                     window_days: int = DEFAULT_EVENT_WINDOW_DAYS) -> list[Feature]:
    """Every distinct state between two dates, each feature with ``valid_from``/``valid_to``."""
    epochs = model.epochs(start, end)
    features: list[Feature] = []
    for epoch in epochs:
        for f in snapshot_features(model.snapshot(epoch.valid_from)):
            features.append(_dated(f, epoch.valid_from, epoch.valid_to))
    features += _place_stretches(model, epochs)
    first, last = epochs[0].valid_from, epochs[-1].valid_to
    for event in model.events_between(first, last - dt.timedelta(days=1)):
        end_shown = min(event.date + dt.timedelta(days=window_days + 1), last)
        features.append(_dated(event_feature(model, event), event.date, end_shown))
    return features


def _place_stretches(model: ControlModel, epochs: list[Epoch]) -> Iterator[Feature]:
    """Place features merged over consecutive epochs in which the place's state is unchanged."""
    runs: dict[int, tuple[Feature, dt.date, dt.date, Any]] = {}
    for epoch in epochs:
        for i, feature in enumerate(place_features(model, epoch.valid_from)):
            key = (feature["properties"]["faction"], feature["properties"].get("factions"),
                   feature["properties"].get("besieged_by"))
            run = runs.get(i)
            if run and run[3] == key:
                runs[i] = (run[0], run[1], epoch.valid_to, key)
                continue
            if run:
                yield _dated(run[0], run[1], run[2])
            runs[i] = (feature, epoch.valid_from, epoch.valid_to, key)
    for feature, start, end, _ in runs.values():
        yield _dated(feature, start, end)


def to_geojson(features: Iterable[Feature]) -> str:
    """A GeoJSON FeatureCollection (EPSG:4326)."""
    return json.dumps({"type": "FeatureCollection", "features": list(features)},
                      ensure_ascii=False, separators=(",", ":"))


CSV_COLUMNS = ("kind", "id", "name", "date", "place", "lat", "lon", "faction", "factions", "type", "from",
               "to", "summary", "sources", "area_km2", "length_km", "valid_from", "valid_to", "wkt")


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
                             "wkt": shapely.geometry.shape(f["geometry"]).wkt})
            continue
        lon, lat = f["geometry"]["coordinates"]
        row = {**props, "lat": lat, "lon": lon, "factions": ";".join(props.get("factions", [])),
               "name": props.get("place_name", props.get("name")),
               "place": props.get("place", props.get("id")),
               "sources": "; ".join(_cite(s) for s in props.get("sources", []))}
        writer.writerow(row)
    return out.getvalue()


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
    label = {"area": props.get("faction"), "front_line": " / ".join(props.get("factions", [])),
             "place": props.get("name"), "event": f"{props.get('date')} {props.get('place_name')}",
             "change": f"{props.get('from')} -> {props.get('to')}"}[kind]
    ET.SubElement(mark, "name").text = str(label)
    if kind == "event":
        ET.SubElement(mark, "description").text = props["summary"] + "\n" + "\n".join(
            _cite(s) for s in props["sources"])
    faction = props.get("faction") or (props.get("factions") or [None])[0]
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
