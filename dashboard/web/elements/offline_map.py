"""A Folium map that loads the Leaflet shipped with the project instead of CDN copies.

The assets are declared on this class, so plain ``folium.Map`` objects elsewhere in the process
keep their own.  Streamlit serves ``dashboard/static`` at ``/app/static``.

>>> fmap = OfflineMap(location=[35, 40], zoom_start=6, tiles=None)
>>> "/app/static/leaflet-1.9.4/leaflet.js" in fmap.get_root().render()
True
>>> from typing import ClassVar

import folium
>>> folium.Map.default_js != OfflineMap.default_js
True
"""

from __future__ import annotations

from typing import ClassVar

import folium

LEAFLET_VERSION = "1.9.4"
STATIC_URL = f"/app/static/leaflet-{LEAFLET_VERSION}"


class OfflineMap(folium.Map):
    """``folium.Map`` with the vendored Leaflet (no jQuery, Bootstrap or Font Awesome: we use none)."""

    default_js: ClassVar = [("leaflet", f"{STATIC_URL}/leaflet.js")]
    default_css: ClassVar = [("leaflet_css", f"{STATIC_URL}/leaflet.css")]
