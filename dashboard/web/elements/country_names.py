"""Country names drawn on the map in spaced capitals, under the city names, to about zoom 8."""

from __future__ import annotations

import html
from collections.abc import Iterable

import shapely
from jinja2 import Template
from shapely.ops import polylabel

from dashboard.core import palette
from dashboard.core.geography import Feature
from dashboard.web.elements.literal import LiteralMacroElement

#: Where Syria's and Iraq's names go (lat, lon): in their deserts, clear of the river towns and of the
#: city names a country's centre would fall on (Syria's falls on Palmyra).
FOCUS_NAME_AT = {"SY": (33.75, 38.3), "IQ": (31.7, 42.4)}
#: Neighbours smaller than this (square degrees, about 50,000 km²) are not named: their names would
#: print over each other and over western Syria.
MIN_NAMED_DEG2 = 4.5


class CountryNames(LiteralMacroElement):
    """Syria's, Iraq's and the larger neighbours' names, each well inside its largest part (or at
    :data:`FOCUS_NAME_AT`)."""

    _template = Template("""
{% macro header(this, kwargs) %}
<style>
.fl-country {white-space: nowrap; font: 600 13px system-ui, sans-serif; letter-spacing: .25em;
  color: {{ this.colour }}; text-transform: uppercase; text-shadow: 0 0 2px #fff, 0 0 3px #fff;}
.fl-country.fl-focus {font-size: 16px; letter-spacing: .35em;}
{% for z in range(9, 19) %}[data-zoom="{{ z }}"] .fl-country {display: none;}
{% endfor %}
</style>
{% endmacro %}
{% macro script(this, kwargs) %}
(function (map) {
  {{ this.names | tojson }}.forEach(function (c) {
    L.marker([c[1], c[2]], {interactive: false, keyboard: false, icon: L.divIcon({
      className: "fl-country" + (c[3] ? " fl-focus" : ""), html: c[0], iconSize: null, iconAnchor: [0, 8]})}
    ).addTo(map);
  });
})({{ this._parent.get_name() }});
{% endmacro %}
""")

    def __init__(self, countries: Iterable[Feature]):
        super().__init__()
        self._name = "CountryNames"
        self.colour = palette.BORDER_COLOUR
        self.names = []
        for country in countries:
            props = country.properties
            focus = props.get("role") == "focus"
            if not focus and country.geometry.area < MIN_NAMED_DEG2:
                continue
            lat, lon = FOCUS_NAME_AT.get(props.get("iso_a2", ""), (None, None))
            if lat is None or not country.geometry.contains(shapely.Point(lon, lat)):  # another geography
                largest = max(shapely.get_parts(country.geometry), key=lambda part: part.area)
                point = polylabel(largest, tolerance=0.05)  # the point farthest from its edges
                lat, lon = point.y, point.x
            # Names are escaped here: the browser inserts them as HTML.
            self.names.append((html.escape(props.get("name", "")), round(lat, 3), round(lon, 3), focus))
