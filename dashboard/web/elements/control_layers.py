"""GeoJSON layers drawn by one small Leaflet script: a searched place's ring on the app's map, and the
naive baseline's date (bench/naive_app.py).

The app's and the standalone page's dates are drawn by the time engine (:mod:`.time_engine`)."""

from __future__ import annotations

import json
from typing import Any

from jinja2 import Template

from dashboard.web.elements.literal import LiteralMacroElement


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
    #: ``draw(group, styles, parts)``: adds the parts to a Leaflet layer group.
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
