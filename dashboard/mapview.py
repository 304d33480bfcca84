"""Folium rendering of the model's output: an offline base map and per-date layers.

An adapter: it only translates core output (GeoJSON features, faction colours)
into Folium objects.  The base map never depends on the date, so the Streamlit
component keeps its iframe (and the user's pan and zoom) when the date changes;
everything that does depend on the date goes into one feature group.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import folium

from dashboard import geography, paths
from dashboard.events import CONTESTED, UNCLAIMED

#: Leaflet ships with the project (dashboard/static, served by Streamlit at /app/static).
LEAFLET_VERSION = "1.9.4"
STATIC_URL = f"/app/static/leaflet-{LEAFLET_VERSION}"
OFFLINE_JS = [("leaflet", f"{STATIC_URL}/leaflet.js")]
OFFLINE_CSS = [("leaflet_css", f"{STATIC_URL}/leaflet.css")]
CENTER = (34.6, 41.5)
ZOOM = 6


def use_offline_assets() -> None:
    """Point every Folium map at the vendored Leaflet instead of CDNs (no jQuery/Bootstrap needed)."""
    folium.Map.default_js = list(OFFLINE_JS)
    folium.Map.default_css = list(OFFLINE_CSS)


def base_map(geodata: Path = paths.GEODATA, center: tuple[float, float] = CENTER,
             zoom: int = ZOOM) -> folium.Map:
    """Countries, governorates and rivers, with no tile layer (works with no network)."""
    fmap = folium.Map(location=list(center), zoom_start=zoom, tiles=None, control_scale=True,
                      prefer_canvas=True)
    folium.GeoJson(
        _collection(geography.countries(geodata)), name="countries",
        style_function=lambda f: {
            "fillColor": "#ffffff" if f["properties"]["role"] == "focus" else "#e8e4dc",
            "fillOpacity": 1, "color": "#6d6d6d", "weight": 1.2},
        tooltip=folium.GeoJsonTooltip(["name"], labels=False),
    ).add_to(fmap)
    folium.GeoJson(
        _collection(geography.governorates(geodata)), name="governorates",
        style_function=lambda f: {"fill": False, "color": "#9e9e9e", "weight": 0.6, "dashArray": "3"},
    ).add_to(fmap)
    folium.GeoJson(
        _collection(geography.rivers(geodata)), name="rivers",
        style_function=lambda f: {"color": "#4a90c2", "weight": 1.5},
        tooltip=folium.GeoJsonTooltip(["name"], labels=False),
    ).add_to(fmap)
    return fmap


def _collection(features: list[geography.Feature]) -> dict[str, Any]:
    from shapely.geometry import mapping

    return {"type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": f.properties, "geometry": mapping(f.geometry)}
                         for f in features]}


def control_layer(features: list[dict[str, Any]], colours: dict[str, str], label: str) -> folium.FeatureGroup:
    """Areas, front lines and places of one date; ``colours`` by area category (``EventRecord.colours``)."""
    group = folium.FeatureGroup(name=label)
    areas = [f for f in features if f["properties"]["kind"] == "area"
             and f["properties"]["faction"] != UNCLAIMED]
    folium.GeoJson(
        {"type": "FeatureCollection", "features": areas},
        style_function=lambda f: {
            "fillColor": colours.get(f["properties"]["faction"], "#bdbdbd"), "fillOpacity": 0.5,
            "color": "#000000" if f["properties"].get("besieged_by") else colours.get(
                f["properties"]["faction"], "#bdbdbd"),
            "weight": 2 if f["properties"].get("besieged_by") else 0.5,
            "dashArray": "6 4" if f["properties"]["faction"] == CONTESTED else None},
        tooltip=folium.GeoJsonTooltip(["faction", "area_km2"], aliases=["held by", "km²"]),
    ).add_to(group)
    fronts = [f for f in features if f["properties"]["kind"] == "front_line"]
    folium.GeoJson({"type": "FeatureCollection", "features": fronts},
                   style_function=lambda f: {"color": "#b71c1c", "weight": 3.5}).add_to(group)
    for f in features:
        props = f["properties"]
        if props["kind"] != "place" or not props.get("recorded"):
            continue
        lon, lat = f["geometry"]["coordinates"]
        folium.CircleMarker(
            (lat, lon), radius=4, color="#212121", weight=1, fill=True, fill_opacity=1,
            fill_color=colours.get(props["faction"], "#bdbdbd"),
            tooltip=html.escape(f"{props['name']}: {props['faction']}"),
        ).add_to(group)
    return group
