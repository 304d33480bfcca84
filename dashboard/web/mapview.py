"""Folium rendering of the model's output: an offline base map and one layer per date.

An adapter: it only translates core output (GeoJSON features, labels, faction
colours) into Folium objects.  The base map never depends on the date, so the
Streamlit component keeps its iframe (and the user's pan and zoom) when the
date changes; everything that does depend on the date goes into one feature
group, including the script that rewrites the date stamp drawn on the map.

Every piece of text from the data is HTML-escaped here, once, before it goes
into a tooltip or popup (Folium's GeoJSON tooltips and popups insert property
values as HTML).

Examples
--------
>>> import datetime as dt
>>> use_offline_assets()
>>> fmap = base_map(labels=[], factions={"isis": ("Islamic State", "#262626")})
>>> layer = date_layer([], {"isis": "#262626"}, dt.date(2016, 7, 15))
>>> "fl-stamp" in fmap.get_root().render()
True
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import os
import tempfile
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

import folium
import numpy as np
import shapely
from branca.element import Element, Figure, MacroElement
from jinja2 import Template
from shapely.geometry import mapping

from dashboard.core import geography, palette, paths
from dashboard.core.events import CONTESTED, SPECIAL_COLOURS, UNCLAIMED, EventRecord
from dashboard.core.labels import RANK_MIN_ZOOM, Label
from dashboard.core.wording import long_date
from dashboard.web import links

#: Leaflet ships with the project (dashboard/static, served by Streamlit at /app/static).
LEAFLET_VERSION = "1.9.4"
STATIC_URL = f"/app/static/leaflet-{LEAFLET_VERSION}"
OFFLINE_JS = [("leaflet", f"{STATIC_URL}/leaflet.js")]
OFFLINE_CSS = [("leaflet_css", f"{STATIC_URL}/leaflet.css")]
#: Base geography is written here as static files, so the browser fetches it once and caches it
#: instead of receiving it with every redraw (Streamlit resends the whole map script on each rerun).
GENERATED_DIR = paths.STATIC / "generated"
GENERATED_URL = "/app/static/generated"
BASE_LAYERS = {
    "countries": {"style": {"color": palette.BORDER_COLOUR, "weight": 1.2,
                            "fillColor": palette.CONTEXT_COLOUR, "fillOpacity": 1},
                  "by": ["role", {"focus": {"fillColor": palette.LAND_COLOUR}}]},
    "governorates": {"style": {"fill": False, "color": palette.GOVERNORATE_COLOUR, "weight": 0.6,
                               "dashArray": "3"}},
    "rivers": {"style": {"color": palette.RIVER_COLOUR, "weight": 1.5, "fill": False}},
    "lakes": {"style": {"color": palette.RIVER_COLOUR, "weight": 0.8, "fillColor": palette.SEA_COLOUR,
                        "fillOpacity": 1}},
}
FRONT_COLOUR = palette.FRONT_COLOUR
UNKNOWN_COLOUR = palette.UNKNOWN_COLOUR
#: Online tile layers (optional: they need a network).
TILES = {
    "osm": ("https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'),
    "satellite": ("https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
                  "Imagery &copy; Esri, Maxar, Earthstar Geographics"),
}
ATTRIBUTION = " &middot; ".join(html.escape(credit) for credit in palette.CREDITS)
EVENT_COLOURS = palette.EVENT_COLOURS


def use_offline_assets() -> None:
    """Point every Folium map at the vendored Leaflet instead of CDNs (no jQuery/Bootstrap needed)."""
    folium.Map.default_js = list(OFFLINE_JS)
    folium.Map.default_css = list(OFFLINE_CSS)


class Text(Element):
    """Text written into the page as it is (never read as a Jinja template)."""

    _template = Template("{{ this.text }}")

    def __init__(self, text: str):
        super().__init__()
        self.text = text


class LiteralMacroElement(MacroElement):
    """A ``MacroElement`` whose rendered macros go into the page as they are.

    branca's ``MacroElement.render`` compiles each rendered macro as a new Jinja template.  For our
    elements that second pass is harmful: it would evaluate any ``{{ }}`` or ``{% %}`` written in an
    event's free text (a summary typed on the Add article page, say) on the server, and compiling a
    date's 100 KB of GeoJSON costs ~15 ms of every slider move.

    >>> from jinja2 import Template
    >>> class Note(LiteralMacroElement):
    ...     _template = Template("{% macro html(this, kwargs) %}{{ this.text }}{% endmacro %}")
    ...     def __init__(self, text):
    ...         super().__init__()
    ...         self.text = text
    >>> figure = Figure()
    >>> _ = figure.add_child(Note("{{ 7 * 7 }}"))
    >>> "{{ 7 * 7 }}" in figure.render()
    True
    """

    def render(self, **kwargs: Any) -> None:
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError(f"{type(self).__name__} can only be rendered inside a Figure")
        macros = self._template.module.__dict__
        for part in ("header", "html", "script"):
            if part in macros:
                getattr(figure, part).add_child(Text(macros[part](self, kwargs)), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


class MapFrame(LiteralMacroElement):
    """What every map carries whatever the date: legend, date stamp box, sources, zoom-aware labels."""

    _template = Template("""
{% macro header(this, kwargs) %}
<style>
.fl-box {background: rgba(255,255,255,.92); padding: 6px 9px; border-radius: 4px;
         box-shadow: 0 1px 4px rgba(0,0,0,.3); font: 12px/1.35 system-ui, sans-serif; color: #212121;}
#fl-stamp {font-size: 20px; font-weight: 600;}
#fl-compare {font-size: 12px; color: #424242;}
.fl-legend {font-size: 11px; line-height: 1.2;}
.fl-legend i {display: inline-block; width: 14px; height: 10px; margin-right: 5px; vertical-align: middle;
              border: 1px solid rgba(0,0,0,.35);}
.fl-legend .fl-line {height: 0; border: 0; border-top: 3px solid; margin-top: -2px;}
.fl-legend .fl-dot {width: 9px; height: 9px; border-radius: 50%;}
.fl-label {white-space: nowrap; font: 600 11px system-ui, sans-serif; color: #111;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff;}
.fl-label.fl-rank-1 {font-size: 13px;}
.leaflet-control-attribution {font-size: 10px;}
{% for rank, zoom in this.rank_zoom %}{% for z in range(0, zoom) %}
[data-zoom="{{ z }}"] .fl-rank-{{ rank }} {display: none;}{% endfor %}{% endfor %}
</style>
{% endmacro %}
{% macro script(this, kwargs) %}
(function (map) {
  function box(position, html) {
    var control = L.control({position: position});
    control.onAdd = function () {
      var div = L.DomUtil.create("div", "fl-box");
      div.innerHTML = html;
      L.DomEvent.disableClickPropagation(div);
      return div;
    };
    control.addTo(map);
  }
  box("topright", {{ this.stamp_html | tojson }});
  box("bottomright", {{ this.legend_html | tojson }});
  map.attributionControl.setPrefix({{ this.prefix | tojson }});
  map.attributionControl.addAttribution({{ this.attribution | tojson }});
  function showZoom() { map.getContainer().setAttribute("data-zoom", map.getZoom()); }
  map.on("zoomend", showZoom);
  showZoom();
})({{ this._parent.get_name() }});
{% endmacro %}
""")

    def __init__(self, legend_html: str, attribution: str = ATTRIBUTION):
        super().__init__()
        self._name = "MapFrame"
        self.legend_html = legend_html
        self.stamp_html = '<div id="fl-stamp" data-date=""></div><div id="fl-compare"></div>'
        self.attribution = attribution
        self.prefix = '<a href="https://leafletjs.com">Leaflet</a>'
        self.rank_zoom = sorted(RANK_MIN_ZOOM.items())


class BaseGeography(LiteralMacroElement):
    """Countries, governorates, rivers and lakes in their own pane under the control areas.

    Each source is a URL to fetch or an inline FeatureCollection; the layers are added in
    a fixed order once all have arrived.  The layers are not interactive: the control areas
    above them take the pointer.
    """

    _template = Template("""
{% macro script(this, kwargs) %}
(function (map) {
  var pane = map.createPane("fl-base");
  pane.style.zIndex = 350;
  var renderer = L.canvas({pane: "fl-base"});
  var specs = {{ this.specs | tojson }}, sources = {{ this.sources | tojson }};
  var names = Object.keys(specs);
  Promise.all(names.map(function (name) {
    var source = sources[name];
    return typeof source === "string" ? fetch(source).then(function (r) { return r.json(); }) : source;
  })).then(function (collections) {
    collections.forEach(function (data, i) {
      var spec = specs[names[i]];
      L.geoJson(data, {pane: "fl-base", renderer: renderer, interactive: false, style: function (f) {
        var extra = spec.by ? (spec.by[1][f.properties[spec.by[0]]] || {}) : {};
        return Object.assign({}, spec.style, extra);
      }}).addTo(map);
    });
  });
})({{ this._parent.get_name() }});
{% endmacro %}
""")

    def __init__(self, sources: dict[str, Any], transparent: bool = False):
        super().__init__()
        self._name = "BaseGeography"
        self.sources = sources
        self.specs = {name: dict(spec) for name, spec in BASE_LAYERS.items()}
        if transparent:  # let tiles show through the land
            self.specs["countries"] = {"style": {**BASE_LAYERS["countries"]["style"], "fillOpacity": 0}}


class CityLabels(LiteralMacroElement):
    """Place names as plain text, each shown from its rank's zoom on (``labels.RANK_MIN_ZOOM``)."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function (map) {
  {{ this.labels | tojson }}.forEach(function (l) {
    L.marker([l[1], l[2]], {interactive: false, keyboard: false, icon: L.divIcon({
      className: "fl-label fl-rank-" + l[3], html: l[0], iconSize: null, iconAnchor: [-4, 8]})}).addTo(map);
  });
})({{ this._parent.get_name() }});
{% endmacro %}
""")

    def __init__(self, labels: Iterable[Label]):
        super().__init__()
        self._name = "CityLabels"
        # Names are escaped here: the browser inserts them as HTML.
        self.labels = [(html.escape(label.place.name), round(label.place.lat, 4), round(label.place.lon, 4),
                        label.rank) for label in labels]


class DateStamp(LiteralMacroElement):
    """Writes the layer's date (and comparison date) into the map's stamp box when the layer is added."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function () {
  var stamp = document.getElementById("fl-stamp"), compare = document.getElementById("fl-compare");
  if (stamp) {
    stamp.textContent = {{ this.text | tojson }};
    stamp.setAttribute("data-date", {{ this.iso | tojson }});
  }
  if (compare) { compare.textContent = {{ this.compare | tojson }}; }
})();
{% endmacro %}
""")

    def __init__(self, date: dt.date, compare: dt.date | None = None):
        super().__init__()
        self._name = "DateStamp"
        self.iso = date.isoformat()
        self.text = long_date(date)
        self.compare = f"changes since {long_date(compare)} highlighted" if compare else ""


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
    rows += [
        row(fill(SPECIAL_COLOURS[CONTESTED], "border:1px dashed #000"), "contested"),
        row(fill("#ffffff", "border:2px solid #000"), "besieged (black outline)"),
        row(f'<i class="fl-line" style="border-top-color:{FRONT_COLOUR}"></i>', "front line"),
        row('<i class="fl-dot" style="background:#fff;border:2px solid #000"></i>', "event near the date"),
    ]
    if comparison:
        rows.append(row(fill("#9e9e9e", "border:1.5px dashed #000"), "changed hands since comparison date"))
    return '<div class="fl-legend"><b>Control</b>' + "".join(rows) + "</div>"


def base_map(geodata: Path = paths.GEODATA, labels: Iterable[Label] = (),
             factions: dict[str, tuple[str, str]] | None = None, tiles: Collection[str] = (),
             geography_urls: dict[str, str] | None = None,
             home: tuple[float, float, int] = (*links.CENTER, links.ZOOM),
             comparison: bool = True) -> folium.Map:
    """Countries, governorates, rivers, lakes, city labels, legend and stamp box: the same on every date.

    With ``geography_urls`` (from :func:`publish_geography`) the browser fetches the base layers;
    without, they are written into the page (a self-contained map).  ``tiles`` adds online tile
    layers (``osm``, ``satellite``) under our geography; without them the map needs no network.
    ``home`` (lat, lon, zoom) is where the map opens; ``comparison=False`` drops the legend's row
    for changed land, on maps that never show it.
    """
    fmap = folium.Map(location=list(home[:2]), zoom_start=home[2], tiles=None, control_scale=True,
                      prefer_canvas=True, min_zoom=links.ZOOM_RANGE[0], max_zoom=links.ZOOM_RANGE[1])
    for name in links.ONLINE_LAYERS:
        if name in tiles:
            url, attribution = TILES[name]
            folium.TileLayer(url, attr=attribution, name=name).add_to(fmap)
    sources: dict[str, Any] = dict(geography_urls) if geography_urls else base_geography(geodata)
    BaseGeography(sources, transparent=bool(tiles)).add_to(fmap)
    CityLabels(labels).add_to(fmap)
    MapFrame(legend_html(factions or {}, comparison)).add_to(fmap)
    return fmap


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
    urls = {}
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for name, collection in base_geography(geodata).items():
            text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
            path = directory / f"{name}-{hashlib.sha256(text.encode()).hexdigest()[:16]}.json"
            if not path.exists():
                fd, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp")
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    out.write(text)
                os.replace(tmp, path)
            urls[name] = f"{GENERATED_URL}/{path.name}"
    except OSError:
        return None
    return urls


def _collection(features: list[geography.Feature]) -> dict[str, Any]:
    def rounded(geometry: Any) -> dict[str, Any]:
        return mapping(shapely.transform(geometry, lambda c: np.round(c, 5)))

    return {"type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": f.properties, "geometry": rounded(f.geometry)}
                         for f in features]}


def date_layer(features: list[dict[str, Any]], colours: dict[str, str], date: dt.date, *,
               compare: dt.date | None = None, layers: Collection[str] = links.DEFAULT_LAYERS,
               highlight: str | None = None) -> folium.FeatureGroup:
    """Everything that depends on the date: areas, front lines, places, events, changed land, stamp.

    ``features`` are core GeoJSON features (``export.date_features`` plus
    ``export.change_features``), already filtered to what should be shown;
    ``colours`` maps area categories to colours (``EventRecord.colours``).
    """
    group = folium.FeatureGroup(name=f"control on {date.isoformat()}")
    control_layers(features, colours, layers=layers, highlight=highlight).add_to(group)
    DateStamp(date, compare).add_to(group)
    return group


def control_layers(features: list[dict[str, Any]], colours: dict[str, str], *,
                   layers: Collection[str] = links.DEFAULT_LAYERS, highlight: str | None = None,
                   into: ControlLayers | None = None) -> ControlLayers:
    """The styled, escaped layers of :func:`date_layer` (without the stamp), added to ``into`` or a new one.

    Adding several dates' features to one :class:`ControlLayers` shares its style table among them.
    """
    def colour(faction: str) -> str:
        return colours.get(faction, UNKNOWN_COLOUR)

    by_kind: dict[str, list[dict[str, Any]]] = {}
    for f in features:
        by_kind.setdefault(f["properties"]["kind"], []).append(f)
    parts = into if into is not None else ControlLayers()
    if "areas" in layers:
        areas = [f for f in by_kind.get("area", []) if f["properties"]["faction"] != UNCLAIMED]
        parts.add("areas", areas, _area_tip, lambda p: _area_style(p, colour(p["faction"])),
                  keep=("kind", "faction"))
    parts.add("changes", by_kind.get("change", []), _change_tip, lambda p: {
        "fillColor": colour(p["to"]), "fillOpacity": 0.8, "color": "#000000", "weight": 1.5,
        "dashArray": "3 3"}, keep=("kind", "from", "to"))
    if "fronts" in layers:
        parts.add("fronts", by_kind.get("front_line", []), None,
                  lambda p: {"color": FRONT_COLOUR, "weight": 3.5}, keep=("kind", "factions"))
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
        chosen = [f for f in by_kind.get("place", []) if f["properties"]["id"] == highlight]
        parts.add("highlight", chosen, lambda p: html.escape(p["name"]),
                  lambda p: {"radius": 13, "weight": 3, "color": "#0d47a1", "fill": False}, keep=("id",))
    return parts


class ControlLayers(LiteralMacroElement):
    """The date's GeoJSON layers, drawn by a few lines of Leaflet instead of one Folium element each.

    Styles, tooltips and popups are computed here, in Python, once per feature; tooltip and popup
    text arrives escaped (Leaflet inserts it as HTML).  Each feature keeps only the properties in
    ``keep`` plus ``s`` (its style's index), ``tip`` and ``popup``.
    """

    _template = Template("""
{% macro script(this, kwargs) %}
({{ this.draw_js }})({{ this._parent.get_name() }}, {{ this.styles | tojson }}, {{ this.parts | tojson }});
{% endmacro %}
""")
    #: ``draw(group, styles, parts)``: adds the parts to a Leaflet layer group (also used by
    #: :mod:`dashboard.web.standalone`, which draws parts chosen in the browser).
    draw_js = """function (group, styles, parts) {
  parts.forEach(function (part) {
    group.addLayer(L.geoJson({type: "FeatureCollection", features: part.features}, {
      style: function (f) { return styles[f.properties.s]; },
      pointToLayer: function (f, at) { return L.circleMarker(at, styles[f.properties.s]); },
      onEachFeature: function (f, layer) {
        if (f.properties.tip) layer.bindTooltip(f.properties.tip, {sticky: f.geometry.type !== "Point"});
        if (f.properties.popup) layer.bindPopup(f.properties.popup, {maxWidth: 340});
      }
    }));
  });
}"""

    def __init__(self) -> None:
        super().__init__()
        self._name = "ControlLayers"
        self.parts: list[dict[str, Any]] = []
        self.styles: list[dict[str, Any]] = []
        self._style_index: dict[str, int] = {}

    def add(self, name: str, features: list[dict[str, Any]], tip: Any, style: Any,
            keep: tuple[str, ...] = (), popup: Any = None) -> None:
        """Add one layer; ``tip``/``popup``/``style`` are functions of a feature's properties."""
        if not features:
            return
        out = []
        for f in features:
            props = {key: f["properties"][key] for key in keep if key in f["properties"]}
            props["s"] = self._style(style(f["properties"]))
            if tip:
                props["tip"] = tip(f["properties"])
            if popup:
                props["popup"] = popup(f["properties"])
            out.append({"type": "Feature", "properties": props, "geometry": f["geometry"]})
        self.parts.append({"name": name, "features": out})

    def _style(self, style: dict[str, Any]) -> int:
        key = json.dumps(style, sort_keys=True)
        if key not in self._style_index:
            self._style_index[key] = len(self.styles)
            self.styles.append(style)
        return self._style_index[key]


def _area_tip(props: dict[str, Any]) -> str:
    text = f"{props['faction']}: {props['area_km2']:,.0f} km²"
    if props.get("factions"):
        text = f"contested ({', '.join(props['factions'])}): {props['area_km2']:,.0f} km²"
    if props.get("besieged_by"):
        text += f", besieged by {props['besieged_by']}"
    return html.escape(text)


def _area_style(props: dict[str, Any], fill: str) -> dict[str, Any]:
    besieged = bool(props.get("besieged_by"))
    style = {"fillColor": fill, "fillOpacity": palette.AREA_OPACITY,
             "color": palette.BESIEGED_COLOUR if besieged else fill, "weight": 2 if besieged else 0.5}
    if props["faction"] == CONTESTED:
        style["dashArray"] = "6 4"
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
    return html.escape(f"{props['date']} {props['place_name']}: {props['type'].replace('_', ' ')}")


def event_popup_html(props: dict[str, Any]) -> str:
    """An event's popup: date, place, type, our summary and its sources as links (all escaped)."""
    e = html.escape
    when = props["date"][:7] if props.get("date_precision") == "month" else props["date"]
    if props.get("approximate"):
        when += " (approx.)"
    change = f" &middot; {e(props['from'])} &rarr; {e(props['to'])}" if props.get("to") else ""
    sources = "".join(f"<li>{source_html(s)}</li>" for s in props.get("sources", []))
    return (f'<div class="fl-popup" style="max-width:320px"><b>{e(when)}</b> &middot; '
            f'{e(props["place_name"])}'
            f'<br><i>{e(props["type"].replace("_", " "))}</i>{change}<p>{e(props["summary"])}</p>'
            f"<small>Sources:<ul>{sources}</ul></small></div>")


def source_html(source: dict[str, Any]) -> str:
    """A source as escaped HTML: a link only for http(s) URLs."""
    e = html.escape
    title = e(source["title"])
    url = source.get("url") or ""
    if url.startswith(("https://", "http://")):
        title = f'<a href="{e(url, quote=True)}" target="_blank" rel="noopener noreferrer">{title}</a>'
    date = f", {e(source['date'])}" if source.get("date") else ""
    return f"{title}, {e(source['publisher'])}{date}"
