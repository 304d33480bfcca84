"""The model as GeoJSON-like feature dicts: the one format every writer and the web map read.

A feature is ``{"type": "Feature", "properties": {...}, "geometry": {...}}`` in EPSG:4326, and its
``properties["kind"]`` says what it is:

- ``area``: ``faction`` (a faction id, ``contested`` or ``unclaimed``), ``area_km2``, ``dominated``
  (sparse land its holder dominates) and ``inferred`` (modelled rather than reported: dominated, or
  followed from a distant town); ``factions`` for contested land; ``besieged_by`` for a besieged enclave;
- ``front_line``: ``sides`` (the two factions, sorted), ``length_km``;
- ``place``: ``id``, ``name``, ``name_ar``, ``faction``, ``country``, ``governorate``, ``recorded``;
- ``event``: ``id``, ``date``, ``date_precision``, ``place``, ``place_name``, ``type``, ``summary``,
  ``sources``, and ``from``/``to`` for changes of control;
- ``change``: land that changed hands since a comparison date: ``from``, ``to``, ``area_km2``.

History features add ``valid_from``/``valid_to`` (ISO dates, ``valid_to`` exclusive), the layout
QGIS's temporal controller and kepler.gl animate.

Examples
--------
>>> import datetime as dt
>>> fc = date_features(small_model, dt.date(2016, 7, 15))
>>> sorted({f["properties"]["kind"] for f in fc})
['area', 'event', 'front_line', 'place']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from dashboard.core.areas import Area, FrontLine, Snapshot
from dashboard.core.changes import Shift
from dashboard.core.control import PlaceState
from dashboard.core.events import UNCLAIMED, Event, Source
from dashboard.core.geography import unproject
from dashboard.core.model import ControlModel, Epoch
from dashboard.core.places import Place
from dashboard.core.wording import date_text

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
        yield _area_feature(area, geometry, decimals)
    for line in snapshot.front_lines:
        geometry = line.geometry.simplify(simplify_m) if simplify_m else line.geometry
        yield _front_feature(line, geometry, decimals)


def _area_feature(area: Area, geometry: BaseGeometry, decimals: int) -> Feature:
    props: dict[str, Any] = {"kind": "area", "faction": area.faction, "area_km2": round(area.area_km2, 1),
                             "dominated": area.tier == "dominated", "inferred": area.tier != "held"}
    if area.parties:
        props["factions"] = list(area.parties)
    if area.besieged_by:
        props["besieged_by"] = area.besieged_by
    return {"type": "Feature", "properties": props, "geometry": _geometry(geometry, decimals)}


def _front_feature(line: FrontLine, geometry: BaseGeometry, decimals: int) -> Feature:
    return {"type": "Feature",
            "properties": {"kind": "front_line", "sides": list(line.sides),
                           "length_km": round(line.geometry.length / 1000, 1)},
            "geometry": _geometry(geometry, decimals)}


def _point(lon: float, lat: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [round(lon, _DECIMALS), round(lat, _DECIMALS)]}


def place_features(model: ControlModel, date: dt.date, every: bool = False) -> Iterator[Feature]:
    """One point per recorded place (``every``: per place of the gazetteer) with who held it on ``date``.

    The map and the history need only the recorded places: an unrecorded place's control is that
    of the area it lies in, and the gazetteer has some 30,000 of them.
    """
    if not every:  # a recorded place leads itself: its own history, without the gazetteer's states
        for place in model.recorded:
            yield _place_feature(place, model.history.at(place.id, date), True)
        return
    anchors = model.recorded_places
    for place, state in zip(model.places, model.states(date), strict=True):
        yield _place_feature(place, state, place.id in anchors)


def place_feature(model: ControlModel, place_id: str, date: dt.date) -> Feature:
    """The point of any one place with who held it on ``date`` (a searched place, say)."""
    return _place_feature(model.gazetteer[place_id], model.state_of(place_id, date),
                          place_id in model.recorded_places)


def _place_feature(place: Place, state: PlaceState, recorded: bool) -> Feature:
    props: dict[str, Any] = {"kind": "place", "id": place.id, "name": place.name, "name_ar": place.name_ar,
                             "faction": state.control.faction, "country": place.country,
                             "governorate": place.governorate, "recorded": recorded}
    if state.control.parties:
        props["factions"] = list(state.control.parties)
    if state.besieged_by:
        props["besieged_by"] = state.besieged_by
    return {"type": "Feature", "properties": props, "geometry": _point(place.lon, place.lat)}


def source_dict(source: Source) -> dict[str, Any]:
    """A source as plain data."""
    return {"title": source.title, "publisher": source.publisher,
            "date": source.date.isoformat() if source.date else None, "url": source.url}


def event_when(props: dict[str, Any]) -> str:
    """An event feature's date in words, as precisely as it is known (``wording.date_text``).

    >>> event_when({"date": "2014-06-01", "date_precision": "month", "approximate": False})
    'June 2014'
    """
    return date_text(dt.date.fromisoformat(props["date"]), props.get("date_precision", "day"),
                     bool(props.get("approximate")))


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


def recent_event_features(model: ControlModel, date: dt.date,
                          window_days: int = DEFAULT_EVENT_WINDOW_DAYS) -> list[Feature]:
    """Events of the ``window_days`` days up to ``date`` (inclusive)."""
    since = date - dt.timedelta(days=window_days)
    return [event_feature(model, e) for e in model.events_between(since, date)]


def date_features(model: ControlModel, date: dt.date,
                  window_days: int = DEFAULT_EVENT_WINDOW_DAYS) -> list[Feature]:
    """Areas, front lines, every place of the gazetteer and the recent events on one date (an export)."""
    return [*snapshot_features(model.snapshot(date)), *place_features(model, date, every=True),
            *recent_event_features(model, date, window_days)]


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
            keep = shown(*props["sides"])
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


def within(features: Iterable[Feature], area: BaseGeometry) -> list[Feature]:
    """The features inside ``area`` (WGS84): areas, front lines and changed land cut to it, points in it.

    A date's export of one view holds what the view shows, with areas' ``area_km2`` left as the
    whole area's (the cut is for drawing; the figure is the faction's area there, not the view's).

    >>> import shapely
    >>> ring = [[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]
    >>> square = {"type": "Feature", "properties": {"kind": "area"},
    ...           "geometry": {"type": "Polygon", "coordinates": [ring]}}
    >>> point = {"type": "Feature", "properties": {"kind": "place"},
    ...          "geometry": {"type": "Point", "coordinates": [5, 5]}}
    >>> [f["geometry"]["type"] for f in within([square, point], shapely.box(1, 1, 3, 3))]
    ['Polygon']
    """
    shapely.prepare(area)
    out = []
    for f in features:
        geometry = shape(f["geometry"])
        if geometry.geom_type == "Point":
            if area.contains(geometry):
                out.append(f)
            continue
        # Only the parts of the feature's own kind: a cut polygon can also leave edges and corners.
        try:
            cut = shapely.intersection(geometry, area)
        except shapely.errors.GEOSException:  # coordinates rounded for output can cross: mend, then cut
            cut = shapely.intersection(shapely.make_valid(geometry), area)
        parts = [p for p in shapely.get_parts(cut)
                 if not p.is_empty and shapely.get_dimensions(p) == shapely.get_dimensions(geometry)]
        if parts:
            cut = shapely.union_all(parts) if len(parts) > 1 else parts[0]
            out.append({**f, "geometry": mapping(shapely.set_precision(cut, 10 ** -_DECIMALS))})
    return out


def _dated(feature: Feature, start: dt.date, end: dt.date) -> Feature:
    feature["properties"]["valid_from"] = start.isoformat()
    feature["properties"]["valid_to"] = end.isoformat()
    return feature


def history_features(model: ControlModel, start: dt.date | None = None, end: dt.date | None = None,
                     window_days: int = DEFAULT_EVENT_WINDOW_DAYS) -> list[Feature]:
    """Every distinct state between two dates, each feature with ``valid_from``/``valid_to``."""
    epochs = model.epochs(start, end)
    features = list(_shape_stretches(model, epochs))
    features += _place_stretches(model, epochs)
    first, last = epochs[0].valid_from, epochs[-1].valid_to
    for event in model.events_between(first, last - dt.timedelta(days=1)):
        end_shown = min(event.date + dt.timedelta(days=window_days + 1), last)
        features.append(_dated(event_feature(model, event), event.date, end_shown))
    return features


def _stretches(epochs: list[Epoch], items: Callable[[Epoch], dict[Hashable, Any]]
               ) -> Iterator[tuple[Any, dt.date, dt.date]]:
    """(item, first day, day after the last) for each run of consecutive epochs in which an item's
    key (from ``items``) stays the same: what the history writes once instead of once per epoch."""
    open_runs: dict[Hashable, tuple[Any, dt.date, dt.date]] = {}
    for epoch in epochs:
        now = items(epoch)
        for key in [k for k in open_runs if k not in now]:
            yield open_runs.pop(key)
        for key, item in now.items():
            first = open_runs[key][0] if key in open_runs else item
            start = open_runs[key][1] if key in open_runs else epoch.valid_from
            open_runs[key] = (first, start, epoch.valid_to)
    yield from open_runs.values()


def _shape_stretches(model: ControlModel, epochs: list[Epoch]) -> Iterator[Feature]:
    """Area and front-line features over the epochs in which they are unchanged.

    An area that did not change is the very same geometry object from one epoch to the next (the
    territory remembers its unions), so it is written, and converted, once for its whole stretch.
    """
    def shapes(epoch: Epoch) -> dict[Hashable, Area | FrontLine]:
        snapshot = model.snapshot(epoch.valid_from)
        now: dict[Hashable, Area | FrontLine] = {
            ("area", a.faction, a.parties, a.besieged_by, a.tier, id(a.geometry)): a for a in snapshot.areas}
        now.update({("front", f.sides, shapely.to_wkb(f.geometry)): f for f in snapshot.front_lines})
        return now

    for item, start, end in _stretches(epochs, shapes):
        feature = (_area_feature(item, item.geometry, _DECIMALS) if isinstance(item, Area)
                   else _front_feature(item, item.geometry, _DECIMALS))
        yield _dated(feature, start, end)


def _place_stretches(model: ControlModel, epochs: list[Epoch]) -> Iterator[Feature]:
    """Place features over the epochs in which the place's state is unchanged."""
    def places(epoch: Epoch) -> dict[Hashable, Feature]:
        def key(p: dict[str, Any]) -> Hashable:
            return p["id"], p["faction"], tuple(p.get("factions", ())), p.get("besieged_by")
        return {key(f["properties"]): f for f in place_features(model, epoch.valid_from)}

    for feature, start, end in _stretches(epochs, places):
        yield _dated(feature, start, end)


