"""Streamlit page: ``streamlit run dashboard/app.py``.

A thin layer over the core: it reads the same data as the CLI and only
translates the model's output into widgets and a Folium map.  The base map is
the same on every rerun; the date's areas, front lines, places and events travel
in one feature group, so moving the slider redraws them without reloading the
map (pan and zoom stay where the user left them).

The URL always holds the current view (see :mod:`dashboard.web.links`), so copying
it shares exactly what is on screen.
"""

from __future__ import annotations

import datetime as dt
import itertools
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import streamlit as st
from streamlit.errors import StreamlitAPIException
from streamlit_folium import st_folium

from dashboard.core import features, paths
from dashboard.core.changes import change_totals, land_changes
from dashboard.core.events import EVENT_TYPES, UNCLAIMED
from dashboard.core.labels import map_labels
from dashboard.core.model import ControlModel
from dashboard.core.places import UnknownPlace
from dashboard.core.problems import DataError
from dashboard.core.stats import date_range
from dashboard.core.wording import CREDITS, country_name, event_date, event_type, long_date, source_text
from dashboard.web import mapview
from dashboard.web.downloads import view_downloads
from dashboard.web.epochs import EpochFeatures
from dashboard.web.links import LAYERS, WINDOWS, LinkLimits, View, quote, read_link
from dashboard.web.session_keys import Key

DEFAULT_DATE = dt.date(2016, 7, 15)
PLACE_ZOOM = 9
#: Simplification of areas drawn on screen (``shapely.coverage_simplify`` tolerance, metres). With the
#: territory model's three tiers per faction, 2000 sends a date in 266 KB instead of 390 KB at 1000
#: (measured on 2015-06-01) and keeps the warm first map under 4 s (bench/bench_browser.py).
SCREEN_SIMPLIFY_M = 2000.0
LAYER_NAMES = {"areas": "Control areas", "fronts": "Front lines", "places": "Recorded places",
               "events": "Events near the date", "osm": "OpenStreetMap tiles (online)",
               "satellite": "Satellite imagery (online)"}
PLAY_STEPS = {"event by event": "event", "week by week": "1W", "month by month": "1M"}
PLAY_DELAYS = (0.5, 1.0, 2.0, 4.0)

st.set_page_config(page_title="frontlines", layout="wide")


# --- cached core results (plain data only: Folium objects are never cached) ---------------------

@st.cache_resource
def load_model(events: str, geodata: str) -> ControlModel:
    return ControlModel.load(events, Path(geodata))


@st.cache_resource
def geography_urls(geodata: str) -> dict[str, str] | None:
    return mapview.publish_geography(Path(geodata))


@st.cache_resource
def epoch_features(events: str, geodata: str) -> EpochFeatures:
    """Areas, front lines and places of each epoch, simplified for the screen (shared: never modified).

    ``date_page`` starts computing every epoch in the background once its first map is out.
    """
    return EpochFeatures(load_model(events, geodata), SCREEN_SIMPLIFY_M)


@st.cache_data(max_entries=2048)
def event_features_for(events: str, geodata: str, date: dt.date, window: int) -> list[dict]:
    return features.recent_event_features(load_model(events, geodata), date, window)


@st.cache_data
def changes_for(events: str, geodata: str, since: dt.date, until: dt.date) -> tuple[list[dict], list[dict]]:
    """Changed land as features, and gained/lost km2 per faction as table rows."""
    shifts = land_changes(load_model(events, geodata), since, until)
    rows = [{"faction": b.faction, "gained km²": round(b.gained_km2), "lost km²": round(b.lost_km2),
             "net km²": round(b.net_km2)} for b in change_totals(shifts).values()]
    return features.change_features(shifts), rows


@st.cache_data
def area_rows(events: str, geodata: str) -> list[dict]:
    """km2 per faction as a step series: a row only where a faction's area changes (and at the end)."""
    model = load_model(events, geodata)
    rows: list[dict] = []
    last: dict[str, int] = {}
    history = model.area_history()
    factions = {f for _, areas in history for f in areas} - {UNCLAIMED}
    for epoch, areas in history:
        for faction in sorted(factions):
            km2 = round(areas.get(faction, 0.0))
            if last.get(faction) != km2:
                rows.append({"date": epoch.valid_from.isoformat(), "faction": faction, "km2": km2})
                last[faction] = km2
    end = model.record.end.isoformat()
    rows += [{"date": end, "faction": f, "km2": km2} for f, km2 in sorted(last.items())]
    return rows


@st.cache_data
def labels_for(events: str, geodata: str) -> list:
    model = load_model(events, geodata)
    return map_labels(model.places, model.leading_places)


# --- state ------------------------------------------------------------------------------------

def first_view(model: ControlModel) -> View:
    """The view the URL asks for; warnings for what it got wrong are kept to show on this run."""
    record = model.record
    limits = LinkLimits(record.start, record.end, record.holders, model.gazetteer.places)
    view, warnings = read_link(st.query_params.to_dict(), View(date=DEFAULT_DATE), limits)
    st.session_state[Key.LINK_WARNINGS] = warnings
    return view


def init_state(model: ControlModel) -> None:
    """Seed the widgets from the link, once per session."""
    if st.session_state.get(Key.LINK_READ):
        return
    view = first_view(model)
    place = model.gazetteer.places.get(view.place) if view.place else None
    st.session_state.update({
        Key.LINK_READ: True,
        Key.DATE: view.date,
        Key.COMPARE_ON: view.compare is not None,
        Key.COMPARE: view.compare or dt.date(view.date.year, 1, 1),
        Key.WINDOW: view.window,
        Key.FACTIONS: list(view.factions if view.factions is not None else model.record.holders),
        Key.TYPES: list(view.types if view.types is not None else EVENT_TYPES),
        Key.LAYERS: list(view.layers),
        Key.PLACE_QUERY: _place_text(model, place) if place else "",
        # The map opens on the link's view, so the first view it reports is the link's own (with the
        # view pushed after opening, its opening report could land last and reset the link).
        Key.MAP_HOME: (view.lat, view.lon, view.zoom),
        Key.MAP_SEEN: (view.lat, view.lon, view.zoom),
        Key.PLAYING: False,
    })
    if place:  # the link's own lat/lon/zoom win over zooming to its place
        st.session_state[Key.PLACE_SHOWN] = place.id


def _place_text(model: ControlModel, place: Any) -> str:
    """What to put in the search box for a place: its name, or its id when the name means another place."""
    return place.name if model.gazetteer.resolve(place.name).id == place.id else place.id


def go_to(date: dt.date | None) -> None:
    """Move the slider (only from callbacks, or before the slider exists on this run)."""
    if date is not None:
        st.session_state[Key.DATE] = date


def step_from(model: ControlModel, date: dt.date, step: str, forward: bool = True) -> dt.date | None:
    """The date one play/jump step away, or ``None`` at the end of the record."""
    shown = [e for e in model.record.events if e.type in st.session_state[Key.TYPES]]
    if step == "event":
        return model.next_event_date(date, shown) if forward else model.previous_event_date(date, shown)
    return next(itertools.islice(date_range(date, model.record.end, step), 1, None), None)


# --- page -------------------------------------------------------------------------------------

def main() -> None:
    st.title("frontlines")
    sources = (str(paths.EVENTS), str(paths.GEODATA))
    try:
        model = load_model(*sources)
    except DataError as exc:
        st.error("The data files are invalid:")
        st.code("\n".join(str(p) for p in exc.problems), language=None)
        return
    init_state(model)
    for warning in st.session_state.pop(Key.LINK_WARNINGS, []):
        st.warning(warning)
    with st.sidebar:
        controls(model)
        place = searched_place(model)
    date_page(model, sources, place)


@st.fragment
def date_page(model: ControlModel, sources: tuple[str, str], place: Any) -> None:
    """Everything that changes with the date.

    A fragment: moving the slider, stepping or playing reruns only this part, so the sidebar's
    widgets are neither rebuilt nor resent on every date change.
    """
    record = model.record
    pending = st.session_state.pop(Key.PENDING_DATE, None)  # the player's next step
    if pending and st.session_state[Key.PLAYING]:  # not if Pause was clicked meanwhile
        go_to(pending)
    # The map goes out first, so the browser starts drawing it before anything else: the time
    # controls shown above it are sent after it (the slider's new value is already in the session).
    controls_box = st.container()
    date = st.session_state[Key.DATE]
    view = current_view(model, date)

    states = epoch_features(*sources)
    shown = features.select(states(date) + event_features_for(*sources, date, view.window),
                            view.factions, view.types)
    change_rows: list[dict] = []
    if view.compare:
        change_features, change_rows = changes_for(*sources, view.compare, date)
        shown += features.select(change_features, view.factions)
    layer = mapview.date_layer(shown, record.colours, date, compare=view.compare, layers=view.layers,
                               highlight=features.place_feature(model, place.id, date) if place else None)
    factions = mapview.faction_legend(record)
    fmap = mapview.base_map(Path(sources[1]), labels_for(*sources), factions,
                            tiles=[t for t in view.layers if t in mapview.TILES],
                            geography_urls=geography_urls(sources[1]), home=st.session_state[Key.MAP_HOME])
    # The view is pushed to the map only when it is asked for (link, search): on other reruns the
    # map keeps whatever view the user has panned or zoomed to.
    target = st.session_state.pop(Key.MAP_TARGET, None)
    seen = st_folium(fmap, key=Key.MAP, feature_group_to_add=layer, height=640, use_container_width=True,
                     center=target[:2] if target else None, zoom=target[2] if target else None,
                     returned_objects=["center", "zoom"])
    remember_map_view(seen)
    lat, lon, zoom = st.session_state[Key.MAP_SEEN]
    view = view.with_(lat=lat, lon=lon, zoom=zoom, place=place.id if place else None)
    publish(view)
    with controls_box:
        date_slider(model)
        # One flex row rather than columns: fewer elements for the browser to redraw on each change.
        with st.container(horizontal=True):
            step_buttons(model)
            share_and_download(model, view)
    st.caption(f"Control on {long_date(date)}. " + "; ".join(CREDITS) + ".")
    below_map(model, sources, date, view, change_rows, place)
    states.warm()  # once per server: later first visits of a state cost a lookup
    play(model, date)


def share_and_download(model: ControlModel, view: View) -> None:
    """The view's link, ready to copy, and its files (each made only when its button is clicked).

    In two popovers beside the time controls: closed, their content costs the browser nothing on a
    date change.
    """
    base = (st.context.url or "").split("?")[0]
    if base and not urlsplit(base).path:
        base += "/"
    link = f"{base}?{urlencode(view.to_query())}"
    with st.popover("Share", icon=":material/link:"):
        st.caption("Link to this view (copy button on the right)")
        st.code(link, language=None, wrap_lines=True)
    with st.popover("Download", icon=":material/download:"):
        st.caption("This view as")
        for item in view_downloads(model, view):
            st.download_button(item.label, data=item.make, file_name=item.file_name, mime=item.mime,
                               on_click="ignore", width="stretch", key=f"download-{item.label}")


def controls(model: ControlModel) -> None:
    record = model.record
    st.header("Show")
    st.multiselect("Layers", LAYERS, key=Key.LAYERS, format_func=LAYER_NAMES.__getitem__)
    names = record.names()
    st.multiselect("Factions", list(record.holders), key=Key.FACTIONS, format_func=names.__getitem__)
    st.multiselect("Event types", EVENT_TYPES, key=Key.TYPES, format_func=event_type)
    st.selectbox("Events from the last", WINDOWS, key=Key.WINDOW, format_func=lambda d: f"{d} days")
    st.header("Compare")
    st.checkbox("Highlight changes since", key=Key.COMPARE_ON)
    st.date_input("Comparison date", key=Key.COMPARE, min_value=record.start, max_value=record.end,
                  disabled=not st.session_state[Key.COMPARE_ON], format="YYYY-MM-DD")
    st.header("Play")
    st.selectbox("Step", list(PLAY_STEPS), key=Key.PLAY_STEP, index=2)
    st.select_slider("Seconds per step", PLAY_DELAYS, key=Key.PLAY_DELAY, value=1.0)
    st.header("Find a place")
    st.text_input("Name (any spelling, English or Arabic)", key=Key.PLACE_QUERY,
                  placeholder="e.g. Deir al-Zour, الرقة, Falluja")


def date_slider(model: ControlModel) -> None:
    record = model.record
    st.slider("Date", min_value=record.start, max_value=record.end, key=Key.DATE, format="YYYY-MM-DD")


def step_buttons(model: ControlModel) -> None:
    """Previous/next event, and play/pause (its step and speed are set in the sidebar)."""
    st.button("◀ Previous event", key=Key.PREVIOUS,
              on_click=lambda: go_to(step_from(model, st.session_state[Key.DATE], "event", forward=False)))
    st.button("Next event ▶", key=Key.NEXT,
              on_click=lambda: go_to(step_from(model, st.session_state[Key.DATE], "event")))
    playing = st.session_state[Key.PLAYING]
    st.button("⏸ Pause" if playing else "▶ Play", key=Key.PLAY,
              on_click=lambda: st.session_state.update({Key.PLAYING: not playing}))


def current_view(model: ControlModel, date: dt.date) -> View:
    """The view on screen, from the widgets and the map's last reported position."""
    s = st.session_state
    lat, lon, zoom = s[Key.MAP_SEEN]
    return View(date=date, lat=lat, lon=lon, zoom=zoom, layers=tuple(s[Key.LAYERS]),
                compare=s[Key.COMPARE] if s[Key.COMPARE_ON] else None,
                factions=_unless_all(s[Key.FACTIONS], model.record.holders),
                types=_unless_all(s[Key.TYPES], EVENT_TYPES), window=s[Key.WINDOW])


def _unless_all(chosen: list[str], every: tuple[str, ...] | list[str]) -> tuple[str, ...] | None:
    return None if set(chosen) >= set(every) else tuple(chosen)


def searched_place(model: ControlModel) -> Any:
    """The place typed in the search box (zooming to it when it is new), or ``None``."""
    text = st.session_state[Key.PLACE_QUERY].strip()
    if not text:
        st.session_state.pop(Key.PLACE_SHOWN, None)
        return None
    try:
        place = model.gazetteer.resolve(text)
    except UnknownPlace as exc:
        hint = f" Did you mean: {', '.join(exc.suggestions)}?" if exc.suggestions else ""
        st.warning(f"No place called {quote(text)}.{hint}")
        return None
    if st.session_state.get(Key.PLACE_SHOWN) != place.id:
        st.session_state[Key.PLACE_SHOWN] = place.id
        st.session_state[Key.MAP_TARGET] = (place.lat, place.lon, PLACE_ZOOM)
    return place


def remember_map_view(seen: Any) -> None:
    """Keep the view the map reports (after the user pans or zooms) for the link."""
    if isinstance(seen, dict) and seen.get("center") and seen.get("zoom"):
        centre = seen["center"]
        st.session_state[Key.MAP_SEEN] = (round(centre["lat"], 4), round(centre["lng"], 4), int(seen["zoom"]))


def publish(view: View) -> None:
    """Write the view into the URL (only when it changed: each write is a browser history entry)."""
    query = view.to_query()
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)


def below_map(model: ControlModel, sources: tuple[str, str], date: dt.date, view: View,
              change_rows: list[dict], place: Any) -> None:
    record = model.record
    left, right = st.columns([3, 2])
    with left:
        st.subheader("Area held, 2014–2019")
        chart = area_chart(area_rows(*sources), record.colours, date, record)
        st.vega_lite_chart(spec=chart, width="stretch")
        areas = model.area_by_faction(date)
        st.table([{"faction": f, "km²": round(km2)} for f, km2 in sorted(areas.items(), key=lambda x: -x[1])])
    with right:
        if view.compare:
            st.subheader(f"Changes since {view.compare.isoformat()}")
            if change_rows:
                st.dataframe(change_rows, hide_index=True, width="stretch")
            else:
                st.write("No land changed hands.")
        if place:
            place_history(model, place, date)
    window = dt.timedelta(days=view.window)
    st.subheader(f"Events from {date - window} to {date + window}")
    rows = [event_row(e) for e in model.events_between(date - window, date + window)
            if view.types is None or e.type in view.types]
    st.dataframe(rows, hide_index=True, width="stretch",
                 column_config={"link": st.column_config.LinkColumn("first source")})


def area_chart(rows: list[dict], colours: dict[str, str], date: dt.date, record: Any) -> dict:
    """Vega-Lite spec: km2 per faction as steps, and a rule on ``date``.

    Both series travel as named datasets, so the spec itself is the same for every date: the browser
    then swaps the rule's one row into the live chart instead of re-embedding the chart, which kept
    the page busy while the map was redrawing.  A plain spec rather than Altair: building and
    validating an Altair chart costs ~70 ms per rerun, a third of a slider move.
    """
    factions = [f for f in record.holders if any(r["faction"] == f for r in rows)]
    return {
        "height": 280,
        "datasets": {"areas": rows, "date": [{"date": date.isoformat()}]},
        "layer": [
            {"data": {"name": "areas"}, "mark": {"type": "line", "interpolate": "step-after"},
             "encoding": {"x": {"field": "date", "type": "temporal", "title": None},
                          "y": {"field": "km2", "type": "quantitative", "title": "km²"},
                          "color": {"field": "faction", "type": "nominal", "title": None,
                                    "scale": {"domain": factions, "range": [colours[f] for f in factions]}}}},
            {"data": {"name": "date"},
             "mark": {"type": "rule", "color": "#000000", "strokeDash": [4, 3]},
             "encoding": {"x": {"field": "date", "type": "temporal"}}},
        ],
    }


def place_history(model: ControlModel, place: Any, date: dt.date) -> None:
    st.subheader(f"{place.name}" + (f" ({place.name_ar})" if place.name_ar else ""))
    leader = model.leader_of(place.id)
    state = model.state_of(place.id, date)
    st.write(f"{place.governorate}, {country_name(place.country)}. "
             f"Held by **{state.control}** on {date.isoformat()}.")
    if leader.id != place.id:
        st.caption(f"Not recorded itself: it follows the nearest recorded place, {leader.name}.")
    rows = [{"from": d.isoformat(), "held by": str(s.control), "besieged by": s.besieged_by or ""}
            for d, s in model.history.timeline(leader.id)]
    st.dataframe(rows, hide_index=True, width="stretch")


def event_row(event: Any) -> dict:
    first = event.sources[0]
    return {"date": event_date(event), "place": event.place, "type": event_type(event.type),
            "change": f"{event.change.old} → {event.change.new}" if event.change else "",
            "summary": event.summary, "source": source_text(first), "link": first.url}


def play(model: ControlModel, date: dt.date) -> None:
    """While playing: wait, then move on one step (stopping at the end of the record)."""
    if not st.session_state[Key.PLAYING]:
        return
    time.sleep(st.session_state[Key.PLAY_DELAY])
    following = step_from(model, date, PLAY_STEPS[st.session_state[Key.PLAY_STEP]])
    if following is None:
        st.session_state[Key.PLAYING] = False
    else:
        st.session_state[Key.PENDING_DATE] = following
    try:
        st.rerun(scope="fragment")  # only the date's part of the page
    except StreamlitAPIException:  # on a full run of the script Streamlit allows only a full rerun
        st.rerun()


main()
