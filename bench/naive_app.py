"""Benchmark baseline: the naive way, ``streamlit run`` by bench/bench_browser.py.

Same core and the same Folium building blocks as dashboard/app.py, but the date's layer is drawn
*into* the map and the whole map is rebuilt on every rerun (no ``feature_group_to_add``), so the
component reloads the map on every date change.  Needs a ``static`` folder next to it (the bench
runs a copy from a temporary folder that links ``dashboard/static``).
"""

from __future__ import annotations

import datetime as dt

import streamlit as st
from streamlit_folium import st_folium

from dashboard.core import features, paths
from dashboard.core.labels import map_labels
from dashboard.core.model import ControlModel
from dashboard.web import mapview

st.set_page_config(page_title="frontlines (naive)", layout="wide")


@st.cache_resource
def load_model() -> ControlModel:
    return ControlModel.load()


@st.cache_data
def features_for(date: dt.date) -> list[dict]:
    return features.date_features(load_model(), date)


@st.cache_data
def labels() -> list:
    model = load_model()
    return map_labels(model.places, model.leading_places)


model = load_model()
if "date" not in st.session_state:
    st.session_state["date"] = dt.date.fromisoformat(st.query_params.get("date", "2016-07-15"))
date = st.slider("Date", min_value=model.record.start, max_value=model.record.end, key="date",
                 format="YYYY-MM-DD")
st.query_params["date"] = date.isoformat()
factions = mapview.faction_legend(model.record)
fmap = mapview.base_map(paths.GEODATA, labels(), factions)  # the same base map as the app ...
mapview.date_layer(features_for(date), model.record.colours, date).add_to(fmap)  # ... with the date in it
st_folium(fmap, key="map", height=620, use_container_width=True, returned_objects=[])
