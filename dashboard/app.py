"""Streamlit page: ``streamlit run dashboard/app.py``.

A thin layer over the core: it reads the same data as the CLI, and only
translates the model's output into widgets and a Folium map.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import folium
import streamlit as st
from streamlit_folium import st_folium

from dashboard import export, paths
from dashboard.model import ControlModel
from dashboard.problems import DataError

st.set_page_config(page_title="frontlines", layout="wide")


@st.cache_resource
def load_model(events: str, geodata: str) -> ControlModel:
    return ControlModel.load(events, Path(geodata))


@st.cache_data
def features_for(events: str, geodata: str, date: dt.date) -> str:
    model = load_model(events, geodata)
    return export.to_geojson(export.snapshot_features(model.snapshot(date)))


def main() -> None:
    st.title("frontlines")
    sources = (str(paths.EVENTS), str(paths.GEODATA))
    try:
        model = load_model(*sources)
    except DataError as exc:
        st.error("The data files are invalid:")
        st.code("\n".join(str(p) for p in exc.problems), language=None)
        return
    record = model.record
    date = st.slider("Date", min_value=record.start, max_value=record.end,
                     value=dt.date(2016, 7, 15), format="YYYY-MM-DD")
    colours = {fid: f.colour for fid, f in record.factions.items()}
    fmap = folium.Map(location=[34.5, 41.5], zoom_start=6, tiles=None)
    layer = folium.FeatureGroup(name=f"control {date}")
    folium.GeoJson(
        json.loads(features_for(*sources, date)),
        style_function=lambda f: {
            "fillColor": colours.get(f["properties"].get("faction"), "#bdbdbd"),
            "color": "#000000" if f["properties"]["kind"] == "front_line" else "#555555",
            "weight": 3 if f["properties"]["kind"] == "front_line" else 0.5,
            "fillOpacity": 0.55,
        },
    ).add_to(layer)
    st_folium(fmap, feature_group_to_add=layer, height=600, use_container_width=True,
              returned_objects=[])
    areas = model.area_by_faction(date)
    st.table({"faction": list(areas), "km²": [round(v) for v in areas.values()]})


main()
