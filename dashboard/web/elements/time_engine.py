"""The time engine: every epoch of the record in the browser, with the slider and player that drive it.

The script (``time_engine.js``, beside this module) draws any date of :func:`mapview.engine_data`'s
record at once: the slider redraws the map on every frame while it is dragged, Play steps through
time with no server, and Previous/Next jump between events.  The record arrives inline (the
standalone page) or from a URL named by its content (the app: the browser fetches it once and
caches it).  Once the date rests, the engine tells the page: it writes the date into the address's
``#`` (``settle="hash"``) or reports it to Streamlit through streamlit-folium's returned
``selected_tags`` (``settle="streamlit"``: see :data:`REPORT_JS`).
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from jinja2 import Template

from dashboard.web.elements.literal import LiteralMacroElement
from dashboard.web.links import DATE_TAG

ENGINE_JS = Path(__file__).with_name("time_engine.js")
#: The engine reports a resting date to Streamlit by posing as a tag filter: streamlit-folium hooks
#: every ``window.tag_filter_button_*`` object's ``onSelectionComplete`` and returns the tags it is
#: given as ``selected_tags`` (with the map's centre and zoom), so the app reruns with that date.
REPORT_NAME = "tag_filter_button_frontlines"
#: Speeds of Play: what one frame moves on (days, or a calendar month).
SPEEDS = {"1": "a day a frame", "7": "a week a frame", "month": "a month a frame"}


class TimeEngine(LiteralMacroElement):
    """The engine and its player on a map.

    ``source``: the record (:func:`mapview.engine_data`) inline, or the URL to fetch it from;
    ``opening``: the ISO date to open on (a ``#YYYY-MM-DD`` in the address wins with
    ``settle="hash"``); ``title``: a line above the slider (escaped here); ``layers`` and ``shown``
    (``{"factions": [...], "types": [...]}``): what the map shows from the start.
    """

    _template = Template("""
{% macro header(this, kwargs) %}
{% if this.url %}<link rel="preload" href="{{ this.url }}" as="fetch" crossorigin="anonymous">{% endif %}
<style>
.fl-player {width: min(620px, 64vw);}
.fl-player .fl-title {font-weight: 600; margin-bottom: 2px;}
.fl-player input[type=range] {width: 100%; margin: 4px 0;}
.fl-player button, .fl-player select {font: 12px system-ui, sans-serif; padding: 2px 8px; margin-right: 4px;
  cursor: pointer;}
.fl-player .fl-day {font-variant-numeric: tabular-nums; margin-left: 6px; font-weight: 600;}
</style>
{% endmacro %}
{% macro html(this, kwargs) %}
{% if this.inline %}<script type="application/json" id="fl-data">{{ this.inline }}</script>{% endif %}
{% endmacro %}
{% macro script(this, kwargs) %}
{{ this.engine_js }}
(function (map) {
  var source = {{ this.url | tojson }} || JSON.parse(document.getElementById("fl-data").textContent);
  var options = {{ this.options | tojson }};
  var control = L.control({position: "bottomleft"});
  control.onAdd = function () {
    var div = L.DomUtil.create("div", "fl-box fl-player");
    div.innerHTML = {{ this.player_html | tojson }};
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    return div;
  };
  control.addTo(map);
  var report = {_selectedTags: [], options: {onSelectionComplete: null}};
  if (options.settle === "streamlit") window[{{ this.report_name | tojson }}] = report;
  function tell(engine, day) {
    var iso = engine.iso(day);
    if (options.settle === "hash") {
      try { history.replaceState(null, "", "#" + iso); } catch (err) { /* not allowed here */ }
    } else if (report.options.onSelectionComplete) {
      report.options.onSelectionComplete([{{ this.date_tag | tojson }} + iso]);
    }
  }
  function start(data) {
    var engine = new FrontlinesTime.TimeEngine(map, data, options);
    var player = new FrontlinesTime.Player(engine, control.getContainer(), {
      settle_ms: options.settle_ms, onSettle: function (day) { tell(engine, day); }
    });
    window.frontlinesEngine = engine;
    window.frontlinesPlayer = player;
    if (options.shown.factions || options.shown.types) {
      engine.command({factions: options.shown.factions, types: options.shown.types});
    }
    if (window.__flCommand) engine.command(window.__flCommand);  // sent before the record arrived
    var asked = options.settle === "hash" ? /^#(\\d{4}-\\d{2}-\\d{2})$/.exec(location.hash) : null;
    var opening = engine.dayOf(asked ? asked[1] : options.opening);
    engine.show(isNaN(opening) ? engine.dayOf(options.opening) : opening);
    map.getContainer().setAttribute("data-engine", "ready");
    if (options.settle === "streamlit") {
      // The app shows the rest of its page once the map is painted (two frames after drawing): it
      // waits for this first report, so the page does not compete with the map for the browser.
      requestAnimationFrame(function () {
        requestAnimationFrame(function () { if (!player.timer) tell(engine, engine.day); });
      });
    }
  }
  if (typeof source === "string") {
    fetch(source).then(function (r) { return r.json(); }).then(start);
  } else {
    start(source);
  }
})({{ this._parent.get_name() }});
{% endmacro %}
""")

    def __init__(self, source: dict[str, Any] | str, opening: str, *, title: str | None = None,
                 settle: str = "hash", layers: list[str] | None = None, settle_ms: int = 300,
                 shown: dict[str, list[str] | None] | None = None):
        super().__init__()
        self._name = "TimeEngine"
        self.engine_js = _script_safe(ENGINE_JS.read_text(encoding="utf-8"))
        self.url = source if isinstance(source, str) else None
        self.inline = None if isinstance(source, str) else script_json(source)
        self.report_name = REPORT_NAME
        self.date_tag = DATE_TAG
        self.options = {"opening": opening, "settle": settle, "settle_ms": settle_ms,
                        "layers": layers or ["areas", "fronts", "places", "events"],
                        # The factions and event types shown from the start (None: all).
                        "shown": shown or {}}
        speeds = "".join(f'<option value="{value}"{" selected" if value == "7" else ""}>'
                         f'{html.escape(text)}</option>' for value, text in SPEEDS.items())
        heading = f'<div class="fl-title">{html.escape(title)}</div>' if title else ""
        self.player_html = (
            heading
            + '<input type="range" id="fl-slider" class="fl-slider" min="0" step="1" value="0" '
            'aria-label="Date">'
            '<div><button type="button" id="fl-prev" class="fl-prev">\u25c0 Previous event</button>'
            '<button type="button" id="fl-play" class="fl-play" aria-pressed="false">\u25b6 Play</button>'
            '<button type="button" id="fl-next" class="fl-next">Next event \u25b6</button>'
            f'<select id="fl-speed" class="fl-speed" aria-label="Play speed">{speeds}</select>'
            '<span id="fl-day" class="fl-day" aria-live="polite"></span></div>')


def script_json(data: Any) -> str:
    """JSON that cannot end or alter the ``<script>`` element it is written into (no ``<``, ``>``, ``&``).

    >>> script_json({"a": "</script>"})
    '{"a":"\\\\u003c/script\\\\u003e"}'
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _script_safe(js: str) -> str:
    if "</" in js:
        raise ValueError("time_engine.js must not contain '</' (it is written into a <script> element)")
    return js


class EngineCommand(LiteralMacroElement):
    """What the page asks of the map's engine, sent in the layer streamlit-folium swaps on each run.

    ``factions``/``types``: what to show (``None``: all); ``window``: days of events up to the date;
    ``layers``; ``compare``: the ISO date whose land changed hands since is highlighted, or ``None``;
    ``goto``: an ISO date to move to, done once per ``nonce`` (so a rerun that only follows the
    engine's own report never pulls it back to an older date).
    """

    _template = Template("""
{% macro script(this, kwargs) %}
(function () {
  var command = {{ this.command | tojson }};
  window.__flCommand = command;
  if (window.frontlinesEngine) window.frontlinesEngine.command(command);
})();
{% endmacro %}
""")

    def __init__(self, *, layers: list[str], window: int, factions: list[str] | None = None,
                 types: list[str] | None = None, compare: str | None = None, goto: str | None = None,
                 nonce: int = 0):
        super().__init__()
        self._name = "EngineCommand"
        self.command = {"layers": layers, "window": window, "factions": factions, "types": types,
                        "compare": compare, "goto": goto, "nonce": nonce}
