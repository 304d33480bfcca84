"""Streamlit page: ``streamlit run dashboard/app.py``.

A thin layer over the core: it reads the same data as the CLI and only
translates the model's output into widgets and a Folium map.  The map holds the
whole record (:class:`dashboard.web.elements.TimeEngine`): its slider, Play and
Previous/Next redraw it in the browser with no round trip.  Once the date rests,
the map reports it and the rest of the page (chart, tables, events, link) follows.
The base map is the same on every rerun, so the map keeps its pan and zoom; what
the page asks of it (filters, comparison, a searched place) travels in one small
feature group.

The URL always holds the current view (see :mod:`dashboard.web.links`), so copying
it shares exactly what is on screen.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import streamlit as st
from streamlit_folium import st_folium

from dashboard.core import features, geography, paths
from dashboard.core.changes import change_totals, land_changes
from dashboard.core.events import CONTESTED, EVENT_TYPES, UNCLAIMED
from dashboard.core.labels import map_labels
from dashboard.core.model import ControlModel
from dashboard.core.places import UnknownPlace
from dashboard.core.problems import DataError
from dashboard.core.wording import CREDITS, country_name, event_type, holder_name, long_date
from dashboard.web import mapview
from dashboard.web.downloads import view_downloads
from dashboard.web.elements import EngineCommand, TimeEngine
from dashboard.web.event_list import event_markdown, list_heading
from dashboard.web.links import LAYERS, WINDOWS, LinkLimits, View, quote, read_link, reported_date, same_view
from dashboard.web.session_keys import Key

DEFAULT_DATE = dt.date(2016, 7, 15)
VIEW_PARAMS = {"lat", "lon", "zoom"}
PLACE_ZOOM = 9
LAYER_NAMES = {"areas": "Control areas", "fronts": "Front lines", "places": "Recorded places",
               "events": "Events near the date", "osm": "OpenStreetMap tiles (online)",
               "satellite": "Satellite imagery (online)"}

st.set_page_config(page_title="frontlines", layout="wide")


# --- cached core results (plain data only: Folium objects are never cached) ---------------------

@st.cache_resource
def load_model(events: str, geodata: str) -> ControlModel:
    return ControlModel.load(events, Path(geodata))


@st.cache_resource
def base_map_problems(geodata: str) -> list[str]:
    return [p.for_visitors() for p in geography.base_layer_problems(Path(geodata))]


@st.cache_resource
def geography_urls(geodata: str) -> dict[str, str] | None:
    return mapview.publish_geography(Path(geodata))


@st.cache_resource
def record_source(events: str, geodata: str) -> str | dict:
    """The time engine's record: the URL of its static file (fetched once, cached by the browser),
    or the record itself where the static folder cannot be written."""
    model = load_model(events, geodata)
    return mapview.publish_record(model) or mapview.engine_data(model)


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
    names = model.record.names(short=True)
    for epoch, areas in history:
        for faction in sorted(factions):
            km2 = round(areas.get(faction, 0.0))
            if last.get(faction) != km2:
                rows.append({"date": epoch.valid_from.isoformat(), "faction": faction,
                             "holder": names[faction], "km2": km2})
                last[faction] = km2
    end = model.record.end.isoformat()
    rows += [{"date": end, "faction": f, "holder": names[f], "km2": km2} for f, km2 in sorted(last.items())]
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
        # view pushed after opening, its opening report could land last and reset the link). A link
        # with no view opens on Syria and Iraq, fitted to the window.
        Key.MAP_HOME: (view.lat, view.lon, view.zoom) if VIEW_PARAMS & set(st.query_params) else None,
        Key.MAP_SEEN: (view.lat, view.lon, view.zoom),
        # The map opens on the link's date; the date is part of the map's script, so it stays fixed
        # for the session (a new one would reload the map): later moves are sent as commands.
        Key.MAP_OPENING: view.date,
        Key.GOTO_NONCE: 0,
    })
    if place:  # the link's own lat/lon/zoom win over zooming to its place
        st.session_state[Key.PLACE_SHOWN] = place.id


def _place_text(model: ControlModel, place: Any) -> str:
    """What to put in the search box for a place: its name, or its id when the name means another place."""
    return place.name if model.gazetteer.resolve(place.name).id == place.id else place.id


def go_to(date: dt.date) -> None:
    """Move the page and the map to ``date`` (the map is told on this run; only from callbacks)."""
    st.session_state[Key.DATE] = date
    st.session_state[Key.GOTO_NONCE] += 1


def map_reported() -> None:
    """The map's engine reports the date it rests on: the page follows (a callback, before the run)."""
    record = load_model(str(paths.EVENTS), str(paths.GEODATA)).record
    date = reported_date(st.session_state.get(Key.MAP), record.start, record.end)
    if date is not None:
        st.session_state[Key.DATE] = date


# --- page -------------------------------------------------------------------------------------

#: The map fills the window below the Share and Download row (the iframe's own height is a fallback).
PAGE_STYLE = """<style>
iframe[title="streamlit_folium.st_folium"] {height: calc(100vh - 9.5rem) !important; min-height: 360px;}
[data-testid="stMainBlockContainer"] {padding-top: 2.5rem;}
@media (max-width: 800px) {
  /* Narrow screens: Streamlit's header (3.75rem) is opaque there, so the page starts below it. */
  [data-testid="stMainBlockContainer"] {padding-top: 4rem;}
  iframe[title="streamlit_folium.st_folium"] {height: calc(100vh - 11rem) !important;}
}
</style>"""


def main() -> None:
    st.html(PAGE_STYLE)
    sources = (str(paths.EVENTS), str(paths.GEODATA))
    try:
        model = load_model(*sources)
    except DataError as exc:
        st.error("The data files are invalid:")
        st.code("\n".join(p.for_visitors() for p in exc.problems), language=None)
        return
    problems = base_map_problems(sources[1])
    if problems:  # the map would lack its borders and rivers without a word: say so instead
        st.error("The base map's geography files cannot be read:")
        st.code("\n".join(problems), language=None)
        return
    init_state(model)
    # Shown until the whole page is, then dropped (the first run, map alone, is followed by a full one).
    warnings = st.session_state.get(Key.LINK_WARNINGS, [])
    if st.session_state.get(Key.PAGE_FULL):
        st.session_state.pop(Key.LINK_WARNINGS, None)
    for warning in warnings:
        st.warning(warning)
    # The map goes out before the sidebar's widgets (their values are in the session already), so the
    # browser starts on it first; the sidebar's boxes are made here, in their order, and filled after.
    controls_area, search_area = st.sidebar.container(), st.sidebar.container()
    with search_area:
        place = searched_place(model)
    date_page(model, sources, place)
    if st.session_state.get(Key.PAGE_FULL):
        with controls_area:
            controls(model)


def map_has_drawn(model: ControlModel) -> bool:
    """Whether the map's engine has painted a date and reported it (it does once it first has)."""
    return reported_date(st.session_state.get(Key.MAP), model.record.start, model.record.end) is not None


@st.fragment
def date_page(model: ControlModel, sources: tuple[str, str], place: Any) -> None:
    """The map and everything that changes with the date.

    A fragment: when the map reports a new date, only this part reruns, so the sidebar's widgets
    are neither rebuilt nor resent.
    """
    # A session's first run sends the map alone: the sidebar's widgets, the chart, the tables and the
    # events list, drawn by the browser at the same time, made the first map 0.4-0.7 s slower (measured
    # with bench/bench_browser.py --warm). Once the map is drawn, the whole page follows in one run.
    if not st.session_state.get(Key.PAGE_FULL) and map_has_drawn(model):
        st.session_state[Key.PAGE_FULL] = True
        st.rerun(scope="app")
    record = model.record
    date = st.session_state[Key.DATE]
    view = current_view(model, date)
    # The map goes out first, so the browser starts drawing it before anything else: the share and
    # download controls shown above it are sent after it, with the view the map reported.
    controls_box = st.container(horizontal=True)
    command = EngineCommand(layers=list(view.layers), window=view.window,
                            factions=list(view.factions) if view.factions is not None else None,
                            types=list(view.types) if view.types is not None else None,
                            compare=view.compare.isoformat() if view.compare else None,
                            goto=date.isoformat(), nonce=st.session_state[Key.GOTO_NONCE])
    layer = mapview.engine_layer(command, features.place_feature(model, place.id, date) if place else None)
    fmap = mapview.base_map(Path(sources[1]), labels_for(*sources), mapview.faction_legend(record),
                            tiles=[t for t in view.layers if t in mapview.TILES],
                            geography_urls=geography_urls(sources[1]), home=st.session_state[Key.MAP_HOME])
    TimeEngine(record_source(*sources), st.session_state[Key.MAP_OPENING].isoformat(),
               settle="streamlit").add_to(fmap)
    # The view is pushed to the map only when it is asked for (link, search): on other reruns the
    # map keeps whatever view the user has panned or zoomed to.
    target = st.session_state.pop(Key.MAP_TARGET, None)
    seen = st_folium(fmap, key=Key.MAP, feature_group_to_add=layer, height=640, use_container_width=True,
                     center=target[:2] if target else None, zoom=target[2] if target else None,
                     returned_objects=["center", "zoom", "selected_tags"], on_change=map_reported)
    remember_map_view(seen)
    lat, lon, zoom = st.session_state[Key.MAP_SEEN]
    view = view.with_(lat=lat, lon=lon, zoom=zoom, place=place.id if place else None)
    publish(view)
    with controls_box:
        share_and_download(model, view)
    st.caption(f"Control on {long_date(date)}. " + "; ".join(CREDITS) + ".")
    if st.session_state.get(Key.PAGE_FULL):
        change_rows = changes_for(*sources, view.compare, date)[1] if view.compare else []
        below_map(model, sources, date, view, change_rows, place)


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
    st.header("Find a place")
    st.text_input("Name (any spelling, English or Arabic)", key=Key.PLACE_QUERY,
                  placeholder="e.g. Deir al-Zour, الرقة, Falluja")


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
    """Keep the view the map reports (after the user pans or zooms) for the link.

    A report within a pixel of the kept view, at its zoom, is that view: Leaflet snaps a link's
    centre to whole pixels, and the map reports once it has drawn, so the link would otherwise
    move by a pixel's worth of degrees as it opens.
    """
    if isinstance(seen, dict) and seen.get("center") and seen.get("zoom"):
        centre = seen["center"]
        view = (round(centre["lat"], 4), round(centre["lng"], 4), round(float(seen["zoom"]), 2))
        if not same_view(view, st.session_state[Key.MAP_SEEN]):
            st.session_state[Key.MAP_SEEN] = view


def publish(view: View) -> None:
    """Write the view into the URL (only when it changed: each write is a browser history entry)."""
    query = view.to_query()
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)


def below_map(model: ControlModel, sources: tuple[str, str], date: dt.date, view: View,
              change_rows: list[dict], place: Any) -> None:
    record = model.record
    names = record.names(short=True)
    left, right = st.columns([3, 2])
    with left:
        st.subheader("Area held, 2014–2019")
        chart = area_chart(area_rows(*sources), record.colours, date, record)
        st.vega_lite_chart(spec=chart, width="stretch")
        # Factions by area, then contested land, then land nobody holds.
        areas = sorted(model.area_by_faction(date).items(),
                       key=lambda item: (item[0] == UNCLAIMED, item[0] == CONTESTED, -item[1]))
        st.table([{"held by": names.get(f, f), "km²": f"{km2:,.0f}"} for f, km2 in areas])
    with right:
        if view.compare:
            st.subheader(f"Changes since {long_date(view.compare)}")
            if change_rows:
                named = [{**row, "faction": names.get(row["faction"], row["faction"])} for row in change_rows]
                st.dataframe(named, hide_index=True, width="stretch")
            else:
                st.write("No land changed hands.")
        if place:
            place_history(model, place, date)
    events_list(model, date, view)


def events_list(model: ControlModel, date: dt.date, view: View) -> None:
    """The events of the sidebar's window up to the date, newest first, each with a button to show it."""
    since = date - dt.timedelta(days=view.window)
    shown = [e for e in model.events_between(since, date) if view.types is None or e.type in view.types]
    st.subheader(list_heading(since, date, len(shown)))
    names = model.record.names(short=True)
    for event in reversed(shown):
        with st.container(border=True, horizontal=True, vertical_alignment="center"):
            st.markdown(event_markdown(event, model.gazetteer[event.place].name, names), width="stretch")
            st.button("Show", key=f"show-{event.id}", icon=":material/my_location:",
                      help="Move the map to this event's date and place",
                      on_click=show_event, args=(model, event))


def show_event(model: ControlModel, event: Any) -> None:
    """Move the map to an event: its date (the engine is told) and its place (a callback)."""
    go_to(event.date)
    place = model.gazetteer[event.place]
    st.session_state[Key.MAP_TARGET] = (place.lat, place.lon, PLACE_ZOOM)


def area_chart(rows: list[dict], colours: dict[str, str], date: dt.date, record: Any) -> dict:
    """Vega-Lite spec: km2 per faction as steps, and a rule on ``date``.

    Both series travel as named datasets, so the spec itself is the same for every date: the browser
    then swaps the rule's one row into the live chart instead of re-embedding the chart, which kept
    the page busy while the map was redrawing.  A plain spec rather than Altair: building and
    validating an Altair chart costs ~70 ms per rerun, a third of a slider move.
    """
    factions = [f for f in record.holders if any(r["faction"] == f for r in rows)]
    names = record.names(short=True)
    return {
        "height": 280,
        "datasets": {"areas": rows, "date": [{"date": date.isoformat()}]},
        "layer": [
            {"data": {"name": "areas"}, "mark": {"type": "line", "interpolate": "step-after"},
             "encoding": {"x": {"field": "date", "type": "temporal", "title": None},
                          "y": {"field": "km2", "type": "quantitative", "title": "km²"},
                          "color": {"field": "holder", "type": "nominal", "title": None,
                                    "scale": {"domain": [names[f] for f in factions],
                                              "range": [colours[f] for f in factions]}}}},
            {"data": {"name": "date"},
             "mark": {"type": "rule", "color": "#000000", "strokeDash": [4, 3]},
             "encoding": {"x": {"field": "date", "type": "temporal"}}},
        ],
    }


def place_history(model: ControlModel, place: Any, date: dt.date) -> None:
    st.subheader(f"{place.name}" + (f" ({place.name_ar})" if place.name_ar else ""))
    leader = model.leader_of(place.id)
    state = model.state_of(place.id, date)
    names = model.record.names(short=True)
    st.write(f"{place.governorate}, {country_name(place.country)}. "
             f"Held by **{holder_name(state.control, names)}** on {long_date(date)}.")
    if leader.id != place.id:
        st.caption(f"Not recorded itself: it follows the nearest recorded place, {leader.name}.")
    rows = [{"from": d.isoformat(), "held by": holder_name(s.control, names),
             "besieged by": holder_name(s.besieged_by, names) if s.besieged_by else ""}
            for d, s in model.history.timeline(leader.id)]
    st.dataframe(rows, hide_index=True, width="stretch")


#: The app's pages, named as the sidebar shows them (the map is the home page, at "/").  No icons:
#: Streamlit fetches a page's Material icon from fonts.gstatic.com, and the app makes no request out.
PAGES = [st.Page(main, title="Map", default=True),
         st.Page(Path(__file__).parent / "pages" / "add_article.py", title="Add article",
                 url_path="add_article")]

st.navigation(PAGES).run()
