"""Streamlit page: ``streamlit run dashboard/app.py``.

A thin layer over the core: it reads the same data as the CLI and only
translates the model's output into widgets and a Folium map.  The base map is
the same on every rerun; the date's areas, front lines and places travel in one
feature group, so moving the slider redraws them without reloading the map.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

from dashboard import export, mapview, paths
from dashboard.model import ControlModel
from dashboard.problems import DataError

DEFAULT_DATE = dt.date(2016, 7, 15)

mapview.use_offline_assets()
st.set_page_config(page_title="frontlines", layout="wide")


@st.cache_resource
def load_model(events: str, geodata: str) -> ControlModel:
    return ControlModel.load(events, Path(geodata))


@st.cache_data
def features_for(events: str, geodata: str, date: dt.date) -> list[dict]:
    """Plain GeoJSON features of one date (cached per date; Folium objects are never cached)."""
    return export.date_features(load_model(events, geodata), date)


def date_from_query(model: ControlModel) -> dt.date:
    """The ``date`` query parameter, or the default with a visible warning when it is invalid."""
    raw = st.query_params.get("date")
    if raw is None:
        return DEFAULT_DATE
    try:
        date = dt.date.fromisoformat(raw)
    except ValueError:
        st.warning(f"Ignoring date={raw!r} in the link: not a date (YYYY-MM-DD).")
        return DEFAULT_DATE
    if not model.record.start <= date <= model.record.end:
        st.warning(f"Ignoring date={raw} in the link: outside {model.record.start} .. {model.record.end}.")
        return DEFAULT_DATE
    return date


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
    if "date" not in st.session_state:
        st.session_state["date"] = date_from_query(model)
    date = st.slider("Date", min_value=record.start, max_value=record.end, key="date",
                     format="YYYY-MM-DD")
    st.query_params["date"] = date.isoformat()
    layer = mapview.control_layer(features_for(*sources, date), record.colours, f"control on {date}")
    st_folium(mapview.base_map(Path(sources[1])), key="map", feature_group_to_add=layer, height=620,
              use_container_width=True, returned_objects=[])
    areas = model.area_by_faction(date)
    st.caption(f"Control on {date.isoformat()}. Sources: events.yaml; geography: Natural Earth, GeoNames "
               "(CC BY 4.0), GSHHG.")
    st.table({"faction": list(areas), "km²": [round(v) for v in areas.values()]})


main()
