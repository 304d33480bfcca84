"""A self-contained interactive map: one HTML file with Leaflet, the geography and every state inlined.

The file needs no server and no network (open it from disk, mail it, put it on a USB stick):
Leaflet's script and stylesheet (with its images as ``data:`` URIs), the base geography, every
distinct control state of the range and the events are written into the page.  A slider steps
through every day of the range; the browser draws the state in force on that day and the events
of the ``window`` days up to it, and rewrites the date stamp on the map.

It reuses the app's rendering: :func:`mapview.base_map` (geography, city labels, legend, stamp
box, sources, scale) and :func:`mapview.control_layers` (styles, escaped tooltips and popups),
drawn by the same Leaflet code (``ControlLayers.draw_js``).  Features repeated from one state to
the next (a faction's unchanged area, a place that did not change hands) are written once.

Examples
--------
With ``small_model`` (five places of the test record on the shipped geography) for
``ControlModel.load()``:

>>> import datetime as dt
>>> page = standalone_html(small_model, dt.date(2016, 1, 1), dt.date(2016, 12, 31))
>>> path = tmp_path / "map.html"
>>> path.write_text(page, encoding="utf-8") == len(page)
True
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import json
import re
from pathlib import Path
from typing import Any

from jinja2 import Template

from dashboard.core import features, paths
from dashboard.core.labels import map_labels
from dashboard.core.model import ControlModel
from dashboard.web import mapview
from dashboard.web.elements import ControlLayers, LiteralMacroElement, Text
from dashboard.web.elements.offline_map import LEAFLET_VERSION

LEAFLET_DIR = paths.STATIC / f"leaflet-{LEAFLET_VERSION}"
#: Simplification of the areas (metres), as on the app's screen: the full record (130 states) makes ~3 MB.
SIMPLIFY_M = 1000.0
STATE_LAYERS = ("areas", "fronts", "places")
#: Days the player moves on per step, and milliseconds per step.
PLAY_STEP_DAYS = 7
PLAY_DELAY_MS = 400


def standalone_html(model: ControlModel, start: dt.date, end: dt.date, *, title: str | None = None,
                    window: int = features.DEFAULT_EVENT_WINDOW_DAYS, geodata: Path = paths.GEODATA,
                    opening: dt.date | None = None) -> str:
    """The complete HTML page of an interactive map from ``start`` to ``end`` (inclusive).

    ``window``: days of events shown up to the slider's date; ``opening``: the date the page opens
    on (default ``start``; a ``#YYYY-MM-DD`` in the address wins).  Raises :class:`ValueError` if
    the range is empty or not within the record, or ``opening`` is outside it.

    >>> page = standalone_html(small_model, dt.date(2017, 1, 1), dt.date(2017, 12, 31))
    >>> "https://unpkg" in page or "<script src=" in page
    False
    """
    record = model.record
    if not record.start <= start <= end <= record.end:
        raise ValueError(f"the range {start}..{end} must be a non-empty range within the record "
                         f"({record.start}..{record.end})")
    if opening is not None and not start <= opening <= end:
        raise ValueError(f"the opening date {opening} is outside {start}..{end}")
    if window < 0:
        raise ValueError(f"the event window must be 0 days or more, not {window}")
    title = title or f"frontlines: control from {start.isoformat()} to {end.isoformat()}"
    factions = mapview.faction_legend(record)
    labels = map_labels(model.places, model.leading_places)
    fmap = mapview.base_map(geodata, labels, factions, comparison=False)  # the page never compares dates
    inline_leaflet(fmap)
    fmap.get_root().title = html.escape(title)
    data = timeline_data(model, start, end, window)
    data["opening"] = ((opening or start) - start).days
    Timeline(data, title).add_to(fmap)
    return fmap.get_root().render()


def timeline_data(model: ControlModel, start: dt.date, end: dt.date, window: int) -> dict[str, Any]:
    """What the page's script needs: days are counted from ``start``.

    ``states``: per distinct state, its first day and its parts as (name, indices into
    ``features``); ``events``: event features with ``d``, their day; ``styles``: the style table
    every feature's ``s`` points into.
    """
    table = ControlLayers()
    unique: list[dict[str, Any]] = []
    seen: dict[str, int] = {}

    def index(feature: dict[str, Any]) -> int:
        key = json.dumps(feature, sort_keys=True)
        if key not in seen:
            seen[key] = len(unique)
            unique.append(feature)
        return seen[key]

    states = []
    for epoch in model.epochs(start, end):
        first = len(table.parts)
        shown = features.state_features(model, epoch.valid_from, SIMPLIFY_M)
        mapview.control_layers(shown, model.record.colours, layers=STATE_LAYERS, into=table)
        parts = [[p["name"], [index(f) for f in p["features"]]] for p in table.parts[first:]]
        states.append({"day": (epoch.valid_from - start).days, "parts": parts})
    # Events from ``window`` days before the start, so the first day shows what the app would.
    events = model.events_between(start - dt.timedelta(days=window), end)
    first = len(table.parts)
    mapview.control_layers([features.event_feature(model, e) for e in events], model.record.colours,
                           layers=("events",), into=table)
    drawn = [f for part in table.parts[first:] for f in part["features"]]
    for event, feature in zip(events, drawn, strict=True):
        feature["properties"]["d"] = (event.date - start).days
    return {"start": start.isoformat(), "days": (end - start).days, "window": window,
            "styles": table.styles, "features": unique, "states": states, "events": drawn}


def script_json(data: Any) -> str:
    """JSON that cannot end or alter the ``<script>`` element it is written into (no ``<``, ``>``, ``&``)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def inline_leaflet(fmap: Any) -> None:
    """Write the vendored Leaflet into ``fmap``'s page instead of linking to it (on this map only).

    The stylesheet's images become ``data:`` URIs and the source map comment is dropped, so the
    page asks for nothing.
    """
    def data_uri(match: re.Match[str]) -> str:
        png = base64.b64encode((LEAFLET_DIR / match.group(1)).read_bytes()).decode()
        return f"url(data:image/png;base64,{png})"

    css = re.sub(r"url\((images/[\w.-]+\.png)\)", data_uri, (LEAFLET_DIR / "leaflet.css").read_text())
    js = re.sub(r"//# sourceMappingURL=\S+", "", (LEAFLET_DIR / "leaflet.js").read_text())
    if "</" in css or re.search(r"</script", js, re.IGNORECASE):
        raise ValueError("Leaflet's files cannot be inlined as they are")
    fmap.default_js, fmap.default_css = [], []  # instance attributes: other maps keep their links
    header = fmap.get_root().header
    header.add_child(Text(f"<style>{css}</style>"), name="leaflet_css")
    header.add_child(Text(f"<script>{js}</script>"), name="leaflet")


class Timeline(LiteralMacroElement):
    """The slider, its buttons and the script that draws the state and events of the chosen day."""

    _template = Template("""
{% macro header(this, kwargs) %}
<style>
.fl-player {width: min(560px, 60vw);}
.fl-player .fl-title {font-weight: 600; margin-bottom: 2px;}
.fl-player input[type=range] {width: 100%; margin: 4px 0;}
.fl-player button {font: 12px system-ui, sans-serif; padding: 2px 8px; margin-right: 4px; cursor: pointer;}
.fl-player .fl-day {font-variant-numeric: tabular-nums; margin-left: 6px;}
</style>
{% endmacro %}
{% macro html(this, kwargs) %}
<script type="application/json" id="fl-data">{{ this.data }}</script>
{% endmacro %}
{% macro script(this, kwargs) %}
(function (map) {
  var data = JSON.parse(document.getElementById("fl-data").textContent);
  var draw = {{ this.draw_js }};
  var months = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December"];
  var t0 = Date.parse(data.start + "T00:00:00Z"), DAY = 86400000;
  var group = L.featureGroup().addTo(map), drawn = null, timer = null, day = 0;
  var eventDays = data.events.map(function (e) { return e.properties.d; })
    .filter(function (d, i, all) { return d >= 0 && all.indexOf(d) === i; });  // in date order already

  var control = L.control({position: "bottomleft"});
  control.onAdd = function () {
    var div = L.DomUtil.create("div", "fl-box fl-player");
    div.innerHTML = {{ this.player_html | tojson }};
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    return div;
  };
  control.addTo(map);
  var box = control.getContainer(), slider = box.querySelector("#fl-slider");
  var play = box.querySelector("#fl-play"), prev = box.querySelector("#fl-prev");
  var next = box.querySelector("#fl-next"), label = box.querySelector(".fl-day");
  slider.max = data.days;

  function iso(d) { return new Date(t0 + d * DAY).toISOString().slice(0, 10); }
  function longDate(d) {
    var date = new Date(t0 + d * DAY);
    return date.getUTCDate() + " " + months[date.getUTCMonth()] + " " + date.getUTCFullYear();
  }
  function stateOn(d) {
    var lo = 0, hi = data.states.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (data.states[mid].day <= d) lo = mid; else hi = mid - 1;
    }
    return lo;
  }
  function show(d) {
    if (d === undefined || isNaN(d)) return;
    day = Math.max(0, Math.min(data.days, d));
    var n = stateOn(day), events = data.events.filter(function (e) {
      return e.properties.d <= day && e.properties.d >= day - data.window;
    });
    var key = n + ":" + events.map(function (e) { return e.properties.id; }).join(",");
    if (key !== drawn) {
      var parts = data.states[n].parts.map(function (p) {
        return {name: p[0], features: p[1].map(function (i) { return data.features[i]; })};
      });
      if (events.length) parts.push({name: "events", features: events});
      group.clearLayers();
      draw(group, data.styles, parts);
      drawn = key;
    }
    var stamp = document.getElementById("fl-stamp");
    if (stamp) { stamp.textContent = longDate(day); stamp.setAttribute("data-date", iso(day)); }
    slider.value = day;
    label.textContent = iso(day);
    prev.disabled = !eventDays.length || eventDays[0] >= day;
    next.disabled = !eventDays.length || eventDays[eventDays.length - 1] <= day;
    try { history.replaceState(null, "", "#" + iso(day)); } catch (err) { /* not allowed here */ }
  }
  function stop() { clearInterval(timer); timer = null; play.textContent = "\u25b6 Play"; }
  slider.addEventListener("input", function () { show(+slider.value); });
  slider.addEventListener("change", function () { show(+slider.value); });
  prev.addEventListener("click", function () {
    stop(); show(eventDays.filter(function (d) { return d < day; }).pop());
  });
  next.addEventListener("click", function () {
    stop(); show(eventDays.filter(function (d) { return d > day; })[0]);
  });
  play.addEventListener("click", function () {
    if (timer) { stop(); return; }
    if (day >= data.days) show(0);
    play.textContent = "\u23f8 Pause";
    timer = setInterval(function () {
      show(day + {{ this.step }});
      if (day >= data.days) stop();
    }, {{ this.delay }});
  });
  var asked = /^#(\\d{4}-\\d{2}-\\d{2})$/.exec(location.hash);
  var opening = asked ? Math.round((Date.parse(asked[1] + "T00:00:00Z") - t0) / DAY) : data.opening;
  show(isNaN(opening) ? data.opening : opening);
})({{ this._parent.get_name() }});
{% endmacro %}
""")

    def __init__(self, data: dict[str, Any], title: str):
        super().__init__()
        self._name = "Timeline"
        self.data = script_json(data)
        self.draw_js = ControlLayers.draw_js
        self.step, self.delay = PLAY_STEP_DAYS, PLAY_DELAY_MS
        self.player_html = (
            f'<div class="fl-title">{html.escape(title)}</div>'
            '<input type="range" id="fl-slider" min="0" step="1" value="0" aria-label="Date">'
            '<div><button type="button" id="fl-prev">\u25c0 Previous event</button>'
            '<button type="button" id="fl-play">\u25b6 Play</button>'
            '<button type="button" id="fl-next">Next event \u25b6</button>'
            '<span class="fl-day"></span></div>')
