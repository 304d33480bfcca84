"""Benchmark baseline: the naive way, ``streamlit run`` by bench/bench_browser.py.

Same core and the same Folium building blocks as dashboard/app.py, but the date's layer is drawn
*into* the map and the whole map is rebuilt on every rerun (no ``feature_group_to_add``), so the
component reloads the map on every date change.  Needs a ``static`` folder next to it (the bench
runs a copy from a temporary folder that links ``dashboard/static``).
"""

from __future__ import annotations

import datetime as dt

import folium
import streamlit as st
from jinja2 import Template
from streamlit_folium import st_folium

from dashboard.core import features, paths
from dashboard.core.labels import map_labels
from dashboard.core.model import ControlModel
from dashboard.core.wording import long_date
from dashboard.web import mapview
from dashboard.web.elements import LiteralMacroElement

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


class Stamp(LiteralMacroElement):
    """Writes the date into the map's stamp box."""

    _template = Template("""{% macro script(this, kwargs) %}
(function () { var s = document.getElementById("fl-stamp");
  if (s) { s.textContent = {{ this.text | tojson }};
           s.setAttribute("data-date", {{ this.iso | tojson }}); } })();
{% endmacro %}""")

    def __init__(self, date: dt.date):
        super().__init__()
        self.text, self.iso = long_date(date), date.isoformat()


model = load_model()
if "date" not in st.session_state:
    st.session_state["date"] = dt.date.fromisoformat(st.query_params.get("date", "2016-07-15"))
date = st.slider("Date", min_value=model.record.start, max_value=model.record.end, key="date",
                 format="YYYY-MM-DD")
st.query_params["date"] = date.isoformat()
factions = mapview.faction_legend(model.record)
fmap = mapview.base_map(paths.GEODATA, labels(), factions)  # the same base map as the app ...
layer = folium.FeatureGroup(name="date")  # ... with the date's layers drawn into it
mapview.control_layers(features.select(features_for(date)), model.record.colours).add_to(layer)
Stamp(date).add_to(layer)
layer.add_to(fmap)
st_folium(fmap, key="map", height=620, use_container_width=True, returned_objects=[])
