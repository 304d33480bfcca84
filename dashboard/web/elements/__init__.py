"""Folium elements, one per module, each with its own script and style.

:class:`OfflineMap` (the map with the vendored Leaflet), :class:`MapFrame` (legend, stamp, credits),
:class:`BaseGeography`, :class:`CountryNames`, :class:`CityLabels`, :class:`ControlLayers` (a searched
place's ring),
:class:`TimeEngine` (the record in the browser, with its slider), :class:`TileNotice` (online tiles
that cannot be reached); all derive
from :class:`LiteralMacroElement`, which writes its output into the page as it is.
"""

from dashboard.web.elements.base_geography import BaseGeography
from dashboard.web.elements.city_labels import CityLabels
from dashboard.web.elements.control_layers import ControlLayers
from dashboard.web.elements.country_names import CountryNames
from dashboard.web.elements.literal import LiteralMacroElement, Text
from dashboard.web.elements.map_frame import MapFrame
from dashboard.web.elements.offline_map import OfflineMap
from dashboard.web.elements.tile_notice import TileNotice
from dashboard.web.elements.time_engine import EngineCommand, TimeEngine

__all__ = ["BaseGeography", "CityLabels", "ControlLayers", "CountryNames", "EngineCommand",
           "LiteralMacroElement", "MapFrame", "OfflineMap", "Text", "TileNotice", "TimeEngine"]
