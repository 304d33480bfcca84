"""Place names drawn as text on the map, shown by rank as the user zooms in."""

from __future__ import annotations

import html
from collections.abc import Iterable

from jinja2 import Template

from dashboard.core.labels import Label
from dashboard.web.elements.literal import LiteralMacroElement


class CityLabels(LiteralMacroElement):
    """Place names as plain text, each shown from its zoom on (its rank's, ``labels.RANK_MIN_ZOOM``, or
    later where a name would touch another on a narrow screen's map, ``labels.thin``)."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function (map) {
  {{ this.labels | tojson }}.forEach(function (l) {
    // The name sits on its side of the dot (labels.place_sides), positioned by the stylesheet; at a
    // narrow screen's lower zooms it may show later or sit elsewhere (labels.thin).
    var sides = ["fl-at-" + l[4]].concat(l[6].map(function (zs) { return "fl-at" + zs[0] + "-" + zs[1]; }));
    L.marker([l[1], l[2]], {interactive: false, keyboard: false, icon: L.divIcon({
      className: "fl-label fl-rank-" + l[3] + " fl-from-" + l[5],
      html: '<span class="' + sides.join(" ") + '">' + l[0] + "</span>",
      iconSize: null, iconAnchor: [0, 0]})}).addTo(map);
  });
})({{ this._parent.get_name() }});
{% endmacro %}
""")

    def __init__(self, labels: Iterable[Label]):
        super().__init__()
        self._name = "CityLabels"
        # Names are escaped here: the browser inserts them as HTML.
        self.labels = [(html.escape(label.place.name), round(label.place.lat, 4), round(label.place.lon, 4),
                        label.rank, label.side, label.min_zoom, [list(zs) for zs in label.low_sides])
                       for label in labels]
