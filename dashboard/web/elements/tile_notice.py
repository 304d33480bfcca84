"""A note on the map when an online tile layer cannot be reached: the map itself works offline, the
tiles do not, and a blank background with no word of why reads as a broken map."""

from __future__ import annotations

from jinja2 import Template

from dashboard.web.elements.literal import LiteralMacroElement


class TileNotice(LiteralMacroElement):
    """Added to a ``folium.TileLayer``: the first tile that fails to load shows ``message`` on the map.

    >>> import folium
    >>> fmap = folium.Map(tiles=None)
    >>> layer = folium.TileLayer("https://tile.example/{z}/{x}/{y}.png", attr="x").add_to(fmap)
    >>> _ = TileNotice("Example tiles need a network.").add_to(layer)
    >>> "Example tiles need a network." in fmap.get_root().render()
    True
    """

    _template = Template("""
{% macro script(this, kwargs) %}
(function (layer, map) {
  var shown = false;
  layer.on("tileerror", function () {
    if (shown) return;
    shown = true;
    var note = L.control({position: "topleft"});
    note.onAdd = function () {
      var div = L.DomUtil.create("div", "fl-box fl-tile-notice");
      div.textContent = {{ this.message | tojson }};
      return div;
    };
    note.addTo(map);
  });
})({{ this._parent.get_name() }}, {{ this._parent._parent.get_name() }});
{% endmacro %}
""")

    def __init__(self, message: str):
        super().__init__()
        self._name = "TileNotice"
        self.message = message
