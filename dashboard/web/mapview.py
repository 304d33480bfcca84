"""Folium rendering of the model's output: an offline base map, the time engine's record, a view layer.

An adapter: it only translates core output (GeoJSON features, labels, faction
colours, the record in :mod:`dashboard.core.timeline`'s form) into Folium objects.  The base map
never depends on the date, so the Streamlit component keeps its iframe (and the user's pan and
zoom) when the page reruns; its time engine draws every date in the browser.  What the page asks
of the map (filters, a date to go to, a place to ring) goes into one small feature group.

Every piece of text from the data is HTML-escaped here, once, before it goes
into a tooltip or popup (Folium's GeoJSON tooltips and popups insert property
values as HTML).

Examples
--------
>>> import datetime as dt
>>> fmap = base_map(labels=[], factions={"isis": ("Islamic State", "#262626")})
>>> layer = engine_layer(EngineCommand(layers=["areas"], window=30, goto="2016-07-15", nonce=1))
>>> "fl-stamp" in fmap.get_root().render()
True
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

import folium
import numpy as np
import shapely
from shapely.geometry import mapping

from dashboard.core import features, geography, palette, paths
from dashboard.core.events import CONTESTED, SPECIAL_COLOURS, UNCLAIMED, EventRecord
from dashboard.core.features import event_when
from dashboard.core.files import OutputError, ensure_content
from dashboard.core.labels import Label
from dashboard.core.timeline import timeline
from dashboard.core.wording import change_text, cite, event_type
from dashboard.web import links
from dashboard.web.elements import (
    BaseGeography,
    CityLabels,
    ControlLayers,
    CountryNames,
    EngineCommand,
    MapFrame,
    OfflineMap,
    TileNotice,
)

#: Base geography is written here as static files, so the browser fetches it once and caches it
#: instead of receiving it with every redraw (Streamlit resends the whole map script on each rerun).
GENERATED_DIR = paths.STATIC / "generated"
GENERATED_URL = "/app/static/generated"
#: Zoom steps of a quarter, so the opening view can fit the theatre closely on any screen.
ZOOM_SNAP = 0.25
FRONT_COLOUR = palette.FRONT_COLOUR
UNKNOWN_COLOUR = palette.UNKNOWN_COLOUR
#: Online tile layers (optional: they need a network).
TILES = {
    "osm": ("https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'),
    "satellite": ("https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
                  "Imagery &copy; Esri, Maxar, Earthstar Geographics"),
}
TILE_NAMES = {"osm": "OpenStreetMap tiles", "satellite": "Satellite images"}
EVENT_COLOURS = palette.EVENT_COLOURS


def faction_legend(record: EventRecord) -> dict[str, tuple[str, str]]:
    """The legend's faction rows, (name, colour) by id, for :func:`base_map`."""
    return {fid: (f.name, f.colour) for fid, f in record.factions.items()}


def legend_html(factions: dict[str, tuple[str, str]], comparison: bool = True) -> str:
    """Legend rows for ``factions`` (id -> (name, colour)) and the map's symbols, HTML-escaped.

    ``comparison``: the map can highlight land changed since a comparison date (the row's symbol).
    """
    def row(swatch: str, text: str) -> str:
        return f"<div>{swatch}{html.escape(text)}</div>"

    def fill(colour: str, style: str = "") -> str:
        return f'<i style="background:{html.escape(colour)};{style}"></i>'

    rows = [row(fill(colour), name) for name, colour in factions.values()]
    sample = "#424242"  # how sure the map is, shown on one neutral colour
    rows += [row(fill(sample, f"opacity:{palette.TIER_OPACITY[tier]}"), label)
             for tier, label in palette.TIER_LABELS.items()]
    rows += [
        row(fill(SPECIAL_COLOURS[CONTESTED], "border:1px dashed #000"), "contested"),
        row(fill("#ffffff", f"border:2px solid {palette.BESIEGED_COLOUR}"), "besieged (purple outline)"),
        row(f'<i class="fl-line" style="border-top-color:{FRONT_COLOUR}"></i>', "front line"),
        row(f'<i class="fl-dot" style="background:#fff;border:2px solid {EVENT_COLOURS["capture"]}"></i>',
            "capture near the date"),
        row(f'<i class="fl-dot" style="background:#fff;border:2px solid {EVENT_COLOURS["siege"]}"></i>',
            "other event (ring by type)"),
    ]
    if comparison:
        rows.append(row(fill("#9e9e9e", "border:1.5px dashed #000"), "changed hands since comparison date"))
    # A <details> box: the legend folds away to its title (closed from the start on a small map).
    return ('<details class="fl-legend" open><summary><b>Control</b></summary>' + "".join(rows)
            + "</details>")


def base_map(geodata: Path = paths.GEODATA, labels: Iterable[Label] = (),
             factions: dict[str, tuple[str, str]] | None = None, tiles: Collection[str] = (),
             geography_urls: dict[str, str] | None = None,
             home: tuple[float, float, float] | None = None,
             comparison: bool = True) -> OfflineMap:
    """Countries, governorates, rivers, city labels, legend and stamp box: the same on every date.

    With ``geography_urls`` (from :func:`publish_geography`) the browser fetches the base layers;
    without, they are written into the page (a self-contained map).  ``tiles`` adds online tile
    layers (``osm``, ``satellite``) under our geography; without them the map needs no network.
    ``home`` (lat, lon, zoom) is where the map opens; without it, the map fits Syria and Iraq to its
    size (a fractional zoom: steps of a quarter).  ``comparison=False`` drops the legend's row for
    changed land, on maps that never show it.
    """
    start = home or (*links.CENTER, links.ZOOM)
    fmap = OfflineMap(location=list(start[:2]), zoom_start=start[2], tiles=None, control_scale=True,
                      prefer_canvas=True, min_zoom=links.ZOOM_RANGE[0], max_zoom=links.ZOOM_RANGE[1],
                      zoom_snap=ZOOM_SNAP)
    for name in links.ONLINE_LAYERS:
        if name in tiles:
            url, attribution = TILES[name]
            layer = folium.TileLayer(url, attr=attribution, name=name).add_to(fmap)
            TileNotice(f"{TILE_NAMES[name]} need a network connection, and none reached them: the map "
                       "works without them (untick the layer).").add_to(layer)
    sources: dict[str, Any] = dict(geography_urls) if geography_urls else base_geography(geodata)
    BaseGeography(sources, transparent=bool(tiles)).add_to(fmap)
    CountryNames(geography.countries(geodata)).add_to(fmap)
    CityLabels(labels).add_to(fmap)
    fit = None if home else theatre_bounds(geodata)
    MapFrame(legend_html(factions or {}, comparison), fit=fit).add_to(fmap)
    return fmap


def theatre_bounds(geodata: Path = paths.GEODATA) -> tuple[float, float, float, float]:
    """Syria and Iraq's (west, south, east, north) in degrees: the map's opening view.

    >>> [round(v) for v in theatre_bounds()]
    [36, 29, 49, 37]
    """
    return shapely.union_all([f.geometry for f in geography.countries(geodata)
                              if f.properties.get("iso_a2") in geography.FOCUS_COUNTRIES]).bounds


def base_geography(geodata: Path = paths.GEODATA) -> dict[str, dict[str, Any]]:
    """The base layers as GeoJSON FeatureCollections, by name."""
    layers = {"countries": _collection(geography.countries(geodata)),
              "governorates": _collection(geography.governorates(geodata)),
              "rivers": _collection(geography.rivers(geodata))}
    if geography.lakes(geodata):  # geodata built before lakes were added has none
        layers["lakes"] = _collection(geography.lakes(geodata))
    return layers


def publish_geography(geodata: Path = paths.GEODATA,
                      directory: Path = GENERATED_DIR) -> dict[str, str] | None:
    """Write the base layers as static files named by their content; their URLs, or ``None`` if unwritable.

    A name changes when its content does, so a browser never keeps a stale copy.
    """
    try:
        return {name: _publish(name, collection, directory)
                for name, collection in base_geography(geodata).items()}
    except (OSError, OutputError):
        return None


def publish_record(model: Any, directory: Path = GENERATED_DIR) -> str | None:
    """Write the time engine's record (:func:`engine_data`) as a static file named by its content.

    Its URL, or ``None`` if the folder cannot be written (the map then carries the record inline).
    The browser fetches it once and keeps it: a new record gets a new name.
    """
    try:
        return _publish("record", engine_data(model), directory)
    except (OSError, OutputError):
        return None


def _publish(name: str, data: Any, directory: Path) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}-{hashlib.sha256(text.encode()).hexdigest()[:16]}.json"
    ensure_content(path, text.encode("utf-8"))  # the name says what it should hold, not that it does
    return f"{GENERATED_URL}/{path.name}"


def _collection(features: list[geography.Feature]) -> dict[str, Any]:
    def rounded(geometry: Any) -> dict[str, Any]:
        return mapping(shapely.transform(geometry, lambda c: np.round(c, 4)))  # ~10 m

    return {"type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": f.properties, "geometry": rounded(f.geometry)}
                         for f in features]}


def engine_layer(command: EngineCommand, highlight: dict[str, Any] | None = None) -> folium.FeatureGroup:
    """What the page sends the map on each run: the engine's command and a searched place's ring.

    The map's engine (:class:`TimeEngine`, in the base map) draws every date itself; this small layer
    is all that streamlit-folium swaps when the page reruns.  ``highlight`` is a place feature to ring
    (``features.place_feature``: a searched place, recorded or not).
    """
    group = folium.FeatureGroup(name="view")
    command.add_to(group)
    if highlight:
        control_layers([], {}, layers=(), highlight=highlight).add_to(group)
    return group


def control_layers(features: list[dict[str, Any]], colours: dict[str, str], *,
                   layers: Collection[str] = links.DEFAULT_LAYERS,
                   highlight: dict[str, Any] | None = None) -> ControlLayers:
    """A date's styled, escaped layers (``features`` as ``features.state_features`` gives them, with events
    and changed land) as one :class:`ControlLayers`; ``highlight``: a place feature to ring."""
    def colour(faction: str) -> str:
        return colours.get(faction, UNKNOWN_COLOUR)

    by_kind: dict[str, list[dict[str, Any]]] = {}
    for f in features:
        by_kind.setdefault(f["properties"]["kind"], []).append(f)
    parts = ControlLayers()
    if "areas" in layers:
        areas = [f for f in by_kind.get("area", []) if f["properties"]["faction"] != UNCLAIMED]
        parts.add("areas", areas, _area_tip, lambda p: _area_style(p, colour(p["faction"])),
                  keep=("kind", "faction"))
    parts.add("changes", by_kind.get("change", []), _change_tip, lambda p: {
        "fillColor": colour(p["to"]), "fillOpacity": 0.8, "color": "#000000", "weight": 1.5,
        "dashArray": "3 3"}, keep=("kind", "from", "to"))
    if "fronts" in layers:
        parts.add("fronts", by_kind.get("front_line", []), None,
                  lambda p: {"color": FRONT_COLOUR, "weight": 3.5}, keep=("kind", "sides"))
    places = [f for f in by_kind.get("place", []) if f["properties"].get("recorded")]
    if "places" in layers:
        parts.add("places", places, _place_tip, lambda p: {
            "radius": 4, "weight": 1, "color": "#212121", "fillColor": colour(p["faction"]),
            "fillOpacity": 1}, keep=("kind", "id", "faction"))
    if "events" in layers:
        parts.add("events", by_kind.get("event", []), _event_tip, lambda p: {
            "radius": 8, "weight": 3, "color": EVENT_COLOURS.get(p["type"], "#000000"),
            "fillColor": "#ffffff", "fillOpacity": 0.35}, keep=("kind", "id", "type"), popup=event_popup_html)
    if highlight:
        parts.add("highlight", [highlight], lambda p: html.escape(p["name"]),
                  lambda p: {"radius": 13, "weight": 3, "color": "#0d47a1", "fill": False}, keep=("id",))
    return parts


def _area_tip(props: dict[str, Any]) -> str:
    text = f"{props['faction']}: {props['area_km2']:,.0f} km²"
    if props.get("factions"):
        text = f"contested ({', '.join(props['factions'])}): {props['area_km2']:,.0f} km²"
    if props.get("besieged_by"):
        text += f", besieged by {props['besieged_by']}"
    return html.escape(text)


def _area_style(props: dict[str, Any], fill: str) -> dict[str, Any]:
    besieged = bool(props.get("besieged_by"))
    opacity = palette.area_opacity(bool(props.get("dominated")), bool(props.get("inferred")))
    style: dict[str, Any] = {"fillColor": fill, "fillOpacity": opacity}
    if besieged:
        style.update(color=palette.BESIEGED_COLOUR, weight=2)
    elif props["faction"] == CONTESTED:
        style.update(color=fill, weight=1, dashArray="6 4")
    else:  # no outline: one faction's land reads as one area, whatever its tiers
        style["stroke"] = False
    return style


def _place_tip(props: dict[str, Any]) -> str:
    text = f"{props['name']}: {props['faction']}"
    if props.get("factions"):
        text += f" ({', '.join(props['factions'])})"
    if props.get("besieged_by"):
        text += f", besieged by {props['besieged_by']}"
    return html.escape(text)


def _change_tip(props: dict[str, Any]) -> str:
    return html.escape(f"{props['from']} → {props['to']}: {props['area_km2']:,.0f} km²")


def _event_tip(props: dict[str, Any]) -> str:
    return html.escape(f"{event_when(props)} {props['place_name']}: {event_type(props['type'])}")


def event_popup_html(props: dict[str, Any], new_tab: bool = True, names: dict[str, str] | None = None) -> str:
    """An event's popup: date, place, type, from → to, our summary and its sources as links (all escaped);
    its width is the map's popup option (``maxWidth``), not set here.

    ``names``: faction id -> name (``EventRecord.names``), so the change reads "Kurdistan Region →
    Iraqi government"; ``new_tab=False`` leaves out the links' ``target`` and ``rel`` (the time engine
    adds them when a popup opens: the whole record's popups are a third smaller without them).
    """
    e = html.escape
    change = ""
    if props.get("to"):
        change = f" &middot; {e(change_text((props['from'], props['to']), names or {}))}"
    sources = "".join(f"<li>{source_html(s, new_tab)}</li>" for s in props.get("sources", []))
    return (f'<div class="fl-popup"><b>{e(event_when(props))}</b> &middot; '
            f'{e(props["place_name"])}'
            f'<br><i>{e(event_type(props["type"]))}</i>{change}<p>{e(props["summary"])}</p>'
            f"<small>Sources:<ul>{sources}</ul></small></div>")


def source_html(source: dict[str, Any], new_tab: bool = True) -> str:
    """A source as escaped HTML: a link only for http(s) URLs (opening in a new tab, or as ``new_tab``)."""
    e = html.escape
    title = e(source["title"])
    url = source.get("url") or ""
    if url.startswith(("https://", "http://")):
        where = ' target="_blank" rel="noopener noreferrer"' if new_tab else ""
        title = f'<a href="{e(url, quote=True)}"{where}>{title}</a>'
    return cite(title, e(source["publisher"]), e(source["date"]) if source.get("date") else None)





def engine_data(model: Any, start: dt.date | None = None, end: dt.date | None = None,
                window: int = 30) -> dict[str, Any]:
    """The time engine's record (:func:`dashboard.core.timeline.timeline`) with the map's look and events.

    Everything shown as HTML (place names, faction names, event tooltips and popups) is escaped here.
    ``window``: days of events shown up to a date, counted from ``start`` (events from ``window``
    days before it are included, so the first day shows what the app would).
    """
    record = model.record
    data = timeline(model, start, end)
    start = dt.date.fromisoformat(data["start"])
    colours = record.colours
    names = {fid: html.escape(f.name) for fid, f in record.factions.items()}
    names.update({special: special for special in SPECIAL_COLOURS})
    data["look"] = {
        "colours": colours, "names": names, "unknown_colour": UNKNOWN_COLOUR,
        "front_colour": FRONT_COLOUR, "besieged_colour": palette.BESIEGED_COLOUR,
        "event_colours": EVENT_COLOURS,
        "area_opacity": palette.AREA_OPACITY, "window": window,
        "tier_labels": {tier: html.escape(label) for tier, label in palette.TIER_LABELS.items()},
        # Areas are drawn opaque in one translucent pane (no seams): each tier's fill (palette.tier_fill).
        "fills": {holder: [palette.tier_fill(colour, tier) for tier in data["tiers"]]
                  for holder, colour in colours.items()}}
    for place in data["places"]:
        place["tip"] = html.escape(place.pop("name"))
    events = model.events_between(start - dt.timedelta(days=window), dt.date.fromisoformat(data["end"]))
    data["events"] = []
    for event in events:
        props = features.event_feature(model, event)
        lon, lat = props["geometry"]["coordinates"]
        change = {"from": event.change.old.faction, "to": event.change.new.faction} if event.change else {}
        data["events"].append({"day": (event.date - start).days, "lon": lon, "lat": lat, "id": event.id,
                               "type": event.type, **change, "tip": _event_tip(props["properties"]),
                               "popup": event_popup_html(props["properties"], new_tab=False,
                                                         names=record.names(short=True))})
    data["event_days"] = sorted({e["day"] for e in data["events"] if e["day"] >= 0})
    # Days with a change of control: the ticks along the slider.
    data["change_days"] = sorted({e["day"] for e in data["events"] if e["day"] >= 0 and "to" in e})
    return data
