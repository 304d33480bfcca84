"""The map's furniture, the same on every date: legend box, date stamp box, credits, zoom-aware labels."""

from __future__ import annotations

import html

from jinja2 import Template

from dashboard.core.labels import OPENING_ZOOM, RANK_MIN_ZOOM, THIN_TO_ZOOM
from dashboard.core.wording import CREDITS
from dashboard.web.elements.literal import LiteralMacroElement

ATTRIBUTION = " &middot; ".join(html.escape(credit) for credit in CREDITS)


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
.fl-legend summary {cursor: pointer;}
.fl-label {white-space: nowrap; font: 600 11px system-ui, sans-serif; color: #111;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff;}
.fl-label.fl-rank-1 {font-size: 13px;}
.fl-label span {position: absolute; line-height: 16px;}
.fl-at-right {left: 4px; top: -8px;}
.fl-at-left {right: 4px; top: -8px;}
.fl-at-below {left: 0; top: 6px; transform: translateX(-50%);}
.fl-at-above {left: 0; bottom: 6px; transform: translateX(-50%);}
{% for z in this.thin_zooms_below %}
[data-zoom="{{ z }}"] .fl-at{{ z }}-right {left: 4px; right: auto; top: -8px; bottom: auto; transform: none;}
[data-zoom="{{ z }}"] .fl-at{{ z }}-left {left: auto; right: 4px; top: -8px; bottom: auto; transform: none;}
[data-zoom="{{ z }}"] .fl-at{{ z }}-below {left: 0; right: auto; top: 6px; bottom: auto;
  transform: translateX(-50%);}
[data-zoom="{{ z }}"] .fl-at{{ z }}-above {left: 0; right: auto; top: auto; bottom: 6px;
  transform: translateX(-50%);}
{% endfor %}
.leaflet-control-attribution {font-size: 10px;}
/* The map fills its frame (the app sizes the frame to the window). */
html, body {height: 100%; margin: 0;}
.folium-map, .leaflet-container {height: 100vh !important;}
{% for rank, zoom in this.rank_zoom %}{% for z in range(0, zoom) %}
[data-zoom="{{ z }}"] .fl-rank-{{ rank }} {display: none;}{% endfor %}{% endfor %}
{% for first in this.thin_zooms %}{% for z in range(0, first) %}
[data-zoom="{{ z }}"] .fl-from-{{ first }} {display: none;}{% endfor %}{% endfor %}
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
  window.addEventListener("resize", function () { map.invalidateSize(); });
  // On a small map (a phone, a narrow window) the legend starts folded, so it covers no land.
  var legend = map.getContainer().querySelector(".fl-legend");
  if (legend && (map.getSize().x < 700 || map.getSize().y < 500)) legend.removeAttribute("open");
  // A fitted map's zoom is fractional (6.25): the label rules go by whole levels.
  function showZoom() { map.getContainer().setAttribute("data-zoom", Math.floor(map.getZoom())); }
  map.on("zoomend", showZoom);
  showZoom();
  // Opening on a region (no view asked for): fit it beside the boxes in the map's bottom corners
  // (legend, player), so they cover none of it, and again whenever the map or a box changes size,
  // until the user moves the map.
  var fit = {{ this.fit | tojson }}, fitting = false, moved = false;
  if (fit) {
    map.on("movestart", function () { if (!fitting) moved = true; });
    var corner = function (where) { return map.getContainer().querySelector(".leaflet-" + where); };
    var home = function () {
      var size = map.getSize();
      if (moved || !size.x || !size.y) return;  // a frame not laid out yet has no size to fit
      map.invalidateSize({pan: false});
      // The player and scale (bottom left), the legend above the credits (bottom right).
      var box = map.getContainer().getBoundingClientRect();
      var above = function (el) { return el ? box.bottom - el.getBoundingClientRect().top : 0; };
      var legend = map.getContainer().querySelector(".fl-legend"), m = 8;
      legend = legend && legend.closest(".fl-box");
      var lh = above(corner("bottom.leaflet-left")), rh = above(legend),
          rw = legend ? box.right - legend.getBoundingClientRect().left : 0,
          credits = above(map.getContainer().querySelector(".leaflet-control-attribution"));
      // Either both boxes below the region, or the legend beside it: whichever fits it larger.
      var ways = [[[m, m], [m, Math.max(lh, rh) + m]], [[m, m], [rw + m, Math.max(lh, credits) + m]]];
      // (a padding as large as the map leaves no room: that way cannot fit the region)
      var zoom = function (w) {
        var pad = L.point(w[0]).add(w[1]);
        return pad.x < size.x && pad.y < size.y ? map.getBoundsZoom(fit, false, pad) : -Infinity;
      };
      var best = zoom(ways[0]) >= zoom(ways[1]) ? ways[0] : ways[1];
      if (!isFinite(zoom(best))) best = [[0, 0], [0, 0]];
      fitting = true;
      map.fitBounds(fit, {paddingTopLeft: best[0], paddingBottomRight: best[1], animate: false});
      fitting = false;
    };
    var watch = new ResizeObserver(function () { home(); });
    [map.getContainer(), corner("bottom.leaflet-left"), corner("bottom.leaflet-right")].forEach(
      function (el) { if (el) watch.observe(el); });
    home();
  }
})({{ this._parent.get_name() }});
{% endmacro %}
""")

    def __init__(self, legend_html: str, attribution: str = ATTRIBUTION,
                 fit: tuple[float, float, float, float] | None = None):
        """``fit``: (west, south, east, north) in degrees to open on, fitted to the map's size."""
        super().__init__()
        self.fit = [[fit[1], fit[0]], [fit[3], fit[2]]] if fit else None
        self._name = "MapFrame"
        self.legend_html = legend_html
        self.stamp_html = '<div id="fl-stamp" data-date=""></div><div id="fl-compare"></div>'
        self.attribution = attribution
        self.prefix = '<a href="https://leafletjs.com">Leaflet</a>'
        self.rank_zoom = sorted(RANK_MIN_ZOOM.items())
        # Zooms a name may wait for on a narrow screen (labels.thin): hidden below each.
        self.thin_zooms = list(range(THIN_TO_ZOOM + 1, OPENING_ZOOM + 1))
        self.thin_zooms_below = list(range(THIN_TO_ZOOM, OPENING_ZOOM))  # where a name may change side
