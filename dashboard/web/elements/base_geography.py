"""Countries, governorates, rivers and lakes: the base layers under the control areas."""

from __future__ import annotations

from typing import Any

from jinja2 import Template

from dashboard.core import palette
from dashboard.web.elements.literal import LiteralMacroElement

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


class BaseGeography(LiteralMacroElement):
    """Countries, governorates and rivers in their own pane under the control areas.

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
    return typeof source === "string" ? fetch(source).then(function (r) {
      if (!r.ok) throw new Error(source + ": HTTP " + r.status);
      return r.json();
    }) : source;
  })).then(function (collections) {
    collections.forEach(function (data, i) {
      var spec = specs[names[i]];
      L.geoJson(data, {pane: "fl-base", renderer: renderer, interactive: false, style: function (f) {
        var extra = spec.by ? (spec.by[1][f.properties[spec.by[0]]] || {}) : {};
        return Object.assign({}, spec.style, extra);
      }}).addTo(map);
    });
  }).catch(function (error) {
    // Say so on the map rather than leave out countries, governorates and rivers without a word.
    var note = L.control({position: "topleft"});
    note.onAdd = function () {
      var div = L.DomUtil.create("div", "fl-box fl-base-error");
      div.textContent = "The base map (borders, rivers) failed to load: reload the page.";
      return div;
    };
    note.addTo(map);
    console.error("frontlines base map:", error);
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
