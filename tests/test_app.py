"""The Streamlit page on the real record, run by Streamlit's own test harness (AppTest)."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from urllib.parse import parse_qsl

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.core import paths
from tests.apptest import APP, drawn, open_app

app = open_app


@pytest.fixture(scope="module")
def default_page() -> AppTest:
    """The page as first opened, run once for the tests that only read it."""
    return app()


def walk(node):
    for child in getattr(node, "children", {}).values():
        yield child
        yield from walk(child)


def map_component(at: AppTest) -> tuple[str, dict]:
    """(element id, arguments) of the st_folium component on the page."""
    (proto,) = [el.proto for el in walk(at.main) if type(el).__name__ == "UnknownElement"
                and hasattr(el.proto, "json_args")]
    return proto.id, json.loads(proto.json_args)


def area_chart(at: AppTest) -> tuple[dict, dict[str, list[dict]]]:
    """The area chart's spec, and its named datasets as rows (they travel as Arrow, beside the spec)."""
    (chart,) = [el for el in walk(at.main) if getattr(el, "type", "") == "vega_lite_chart"]
    datasets = {d.name: pa.ipc.open_stream(d.data.data).read_all().to_pylist() for d in chart.proto.datasets}
    return json.loads(chart.proto.spec), datasets


def move_to(at: AppTest, date: dt.date) -> AppTest:
    """What the map's engine does once its date rests (``app.map_reported``): the page follows."""
    at.session_state["date"] = date
    return at.run()


def published(args: dict) -> dict:
    """The time engine's record the map fetches (a static file named in the map's script)."""
    (url,) = re.findall(r'"(/app/static/generated/record-[0-9a-f]{16}\.json)"', args["script"])
    return json.loads((paths.STATIC / url.removeprefix("/app/static/")).read_text(encoding="utf-8"))


def test_page_shows_the_map_with_the_whole_record(default_page, real_model):
    at = default_page
    assert not at.exception
    assert at.session_state["date"] == dt.date(2016, 7, 15)
    assert at.query_params["date"] == "2016-07-15"
    assert at.table[0].value is not None
    _, args = map_component(at)
    assert 'aria-label=\\"Date\\"' in args["script"] or 'aria-label="Date"' in args["script"]
    record = published(args)
    assert len(record["epochs"]) == len(real_model.epochs())
    assert record["start"] == real_model.record.start.isoformat()


def test_the_first_run_sends_the_map_alone_and_the_page_follows_once_it_is_drawn():
    """The sidebar, chart, tables and events list wait for the map's first report, so they do not
    compete with it for the browser; a link's warning is shown on both runs."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(date="2016-07-15", zoom="99")
    at.run()
    assert not at.exception
    assert map_component(at) and at.caption  # the map and its caption
    assert not at.sidebar.multiselect and not at.table and not at.subheader
    assert "Ignoring zoom=`99`" in at.warning[0].value
    at.run()  # a rerun before the map has drawn (its opening report has no date) changes nothing
    assert not at.sidebar.multiselect
    drawn(at)
    assert not at.exception
    assert [m.label for m in at.sidebar.multiselect] == ["Layers", "Factions", "Event types"]
    assert at.table and any(" events from " in h.value for h in at.subheader)
    assert "Ignoring zoom=`99`" in at.warning[0].value
    at.run()
    assert not at.warning and at.sidebar.multiselect  # the warning was shown on the whole page once


def test_the_share_and_download_controls_sit_above_the_map(default_page):
    order = [getattr(el, "type", None) for el in walk(default_page.main)]
    first_map = order.index("component_instance")  # st_folium
    assert order.count("popover") == 2 and max(i for i, t in enumerate(order) if t == "popover") < first_map
    assert "slider" not in order  # the date is the map's own slider


def test_a_new_date_keeps_the_map_and_sends_no_geometry():
    at = app()
    before_id, before = map_component(at)
    move_to(at, dt.date(2017, 3, 15))
    assert not at.exception
    after_id, after = map_component(at)
    assert after_id == before_id and after["script"] == before["script"]
    # The engine draws the date itself: the page sends a command, not a map.
    assert "coordinates" not in after["feature_group"] and len(after["feature_group"]) < 2_000
    command = json.loads(re.search(r"var command = (\{.*?\});", after["feature_group"]).group(1))
    assert command["goto"] == "2017-03-15" and command["nonce"] == 0  # a date the map itself reported
    assert at.query_params["date"] == "2017-03-15"
    assert any(c.value.startswith("Control on 15 March 2017.") for c in at.caption)


def test_no_script_or_stylesheet_comes_from_outside(default_page):
    _, args = map_component(default_page)
    links = args["js_links"] + args["css_links"]
    assert links, "the map loads Leaflet from somewhere"
    assert all(link.startswith("/app/static/") for link in links), links
    for link in links:
        assert (paths.ROOT / "dashboard" / "static" / link.removeprefix("/app/static/")).is_file()


def test_deep_link_opens_on_its_date():
    at = app(date="2017-03-15")
    assert at.session_state["date"] == dt.date(2017, 3, 15)
    _, args = map_component(at)
    assert '"opening": "2017-03-15"' in args["script"]
    assert not at.warning


def test_area_chart_steps_through_the_models_areas_and_marks_the_date(real_model):
    at = app(date="2017-03-15")
    spec, data = area_chart(at)
    lines, rule = spec["layer"]
    assert data[rule["data"]["name"]] == [{"date": "2017-03-15"}]
    rows = data[lines["data"]["name"]]
    for date in (dt.date(2015, 6, 1), dt.date(2017, 3, 15)):
        for faction, km2 in real_model.area_by_faction(date).items():
            if faction == "unclaimed":
                continue
            last = max((r for r in rows if r["faction"] == faction and r["date"] <= date.isoformat()),
                       key=lambda r: r["date"])
            assert last["km2"] == round(km2), (date, faction)
    move_to(at, dt.date(2018, 1, 1))
    moved, data = area_chart(at)
    assert data[rule["data"]["name"]] == [{"date": "2018-01-01"}]
    # Only the data moves: an unchanged spec lets the browser update the live chart in place.
    assert moved == spec


FULL_LINK = {"date": "2017-07-10", "lat": "36.3400", "lon": "43.1300", "zoom": "9",
             "layers": "areas,fronts,events", "compare": "2016-10-17", "factions": "iraq,isis",
             "types": "capture", "window": "90", "place": "mosul"}


def test_a_full_link_restores_the_view_and_is_written_back_unchanged():
    at = app(**FULL_LINK)
    assert not at.exception and not at.warning
    assert at.session_state["date"] == dt.date(2017, 7, 10)
    assert at.multiselect(key="layers").value == ["areas", "fronts", "events"]
    assert at.multiselect(key="factions").value == ["iraq", "isis"]
    assert at.multiselect(key="types").value == ["capture"]
    assert at.selectbox(key="window").value == 90
    assert at.checkbox(key="compare_on").value and at.date_input(key="compare").value == dt.date(2016, 10, 17)
    assert at.text_input(key="place_query").value == "Mosul"
    _, args = map_component(at)
    # the map opens there: a view pushed after opening would race the map's own first report
    assert re.search(r"center: \[36\.34, 43\.13\],[^}]*\"zoom\": 9,", args["script"]), args["script"][:600]
    assert {k: at.query_params[k] for k in FULL_LINK} == FULL_LINK


def test_changing_widgets_rewrites_the_link():
    at = app()
    at.multiselect(key="layers").set_value(["areas", "osm"])
    at.checkbox(key="compare_on").check().run()
    at.date_input(key="compare").set_value(dt.date(2016, 1, 1))
    at.multiselect(key="types").set_value(["siege", "siege_broken"]).run()
    assert not at.exception
    assert at.query_params["layers"] == "areas,osm"
    assert at.query_params["compare"] == "2016-01-01"
    assert at.query_params["types"] == "siege,siege_broken"
    assert "factions" not in at.query_params  # all factions shown: nothing to say


def engine_command(at: AppTest) -> dict:
    _, args = map_component(at)
    return json.loads(re.search(r"var command = (\{.*?\});", args["feature_group"]).group(1))


def test_layers_and_filters_decide_what_the_map_draws():
    at = app(date="2016-08-20")
    command = engine_command(at)
    assert command["factions"] is None and command["types"] is None and command["window"] == 30
    assert command["layers"] == ["areas", "fronts", "places", "events"]
    at.multiselect(key="factions").set_value(["sdf", "syria"])
    at.selectbox(key="window").set_value(90)
    at.multiselect(key="layers").set_value(["areas"]).run()
    command = engine_command(at)
    assert command["factions"] == ["sdf", "syria"] and command["layers"] == ["areas"]
    assert command["window"] == 90


def test_online_tiles_are_an_option_not_the_default(default_page):
    _, args = map_component(default_page)
    assert "tile.openstreetmap.org" not in args["script"]
    _, args = map_component(app(layers="areas,osm"))
    assert "tile.openstreetmap.org" in args["script"]


def test_changes_since_a_date_list_gains_and_losses_and_draw_them():
    at = app(date="2017-07-20", compare="2016-10-01")
    assert engine_command(at)["compare"] == "2016-10-01"  # the engine outlines what changed hands
    rows = at.dataframe[0].value
    isis = rows[rows["faction"] == "Islamic State"].iloc[0]  # names, never ids
    assert isis["lost km²"] > isis["gained km²"] and isis["net km²"] < 0
    assert "Changes since 1 October 2016" in [h.value for h in at.subheader]


def test_place_search_by_alias_zooms_there_and_shows_its_history(gazetteer):
    at = app()
    at.text_input(key="place_query").set_value("الفلوجة").run()
    assert not at.exception
    _, args = map_component(at)
    fallujah = gazetteer["fallujah"]
    assert args["center"] == [fallujah.lat, fallujah.lon] and args["zoom"] == 9
    assert at.query_params["place"] == "fallujah"
    assert any(h.value.startswith("Fallujah") for h in at.subheader)
    history = at.dataframe[0].value
    assert {"Islamic State", "Iraqi government"} <= set(history["held by"])
    assert list(history["held by"])[-1] == "Iraqi government"


def test_a_misspelt_place_gets_suggestions():
    at = app()
    at.text_input(key="place_query").set_value("Falluja City").run()
    assert not at.exception
    assert "Did you mean: fallujah" in at.sidebar.warning[0].value


@pytest.mark.parametrize(("name", "value"), [("zoom", "99"), ("layers", "tanks"), ("compare", "1990-01-01"),
                                             ("place", "atlantis"), ("factions", "martians"), ("lat", "x")])
def test_invalid_link_parameters_warn_and_fall_back(name, value):
    at = app(**{name: value})
    assert not at.exception
    assert f"Ignoring {name}=`{value}`" in at.warning[0].value
    assert name not in at.query_params or at.query_params[name] != value


@pytest.mark.parametrize("value", ["2017-13-01", "yesterday", "2021-01-01"])
def test_invalid_date_in_the_link_falls_back_with_a_warning(value):
    at = app(date=value)
    assert not at.exception
    assert at.session_state["date"] == dt.date(2016, 7, 15)
    assert value in at.warning[0].value


def test_event_popups_escape_the_data(tmp_path, monkeypatch):
    hostile = tmp_path / "events.yaml"
    text = paths.EVENTS.read_text(encoding="utf-8")
    hostile.write_text(text.replace("summary: ISIS took over the Raqqa countryside",
                                    "summary: <script>alert(1)</script> took over the Raqqa countryside", 1),
                       encoding="utf-8")
    monkeypatch.setattr(paths, "EVENTS", hostile)
    at = app(date="2014-01-15", window="365")
    assert not at.exception, at.exception
    _, args = map_component(at)
    popups = [e["popup"] for e in published(args)["events"]]
    assert any("&lt;script&gt;alert(1)&lt;/script&gt; took" in p for p in popups)
    assert not any("<script" in p for p in popups)
    listed = [m.value for m in at.markdown if "took over the Raqqa countryside" in m.value]
    assert listed and "\\<script\\>alert\\(1\\)\\</script\\>" in listed[0]  # shown as text
    assert "<script>alert(1)" not in args["script"] + args["feature_group"]


def test_invalid_events_file_shows_the_problems_not_a_traceback(tmp_path, monkeypatch):
    bad = tmp_path / "events.yaml"
    bad.write_text(paths.EVENTS.read_text(encoding="utf-8").replace("place: fallujah", "place: Falujah", 1),
                   encoding="utf-8")
    monkeypatch.setattr(paths, "EVENTS", bad)
    at = app()
    assert not at.exception
    assert "invalid" in at.error[0].value
    assert "did you mean: fallujah" in at.code[0].value
    assert str(tmp_path) not in at.code[0].value  # the file's name, not the server's folders


def test_unreadable_base_geography_is_said_not_silently_dropped(tmp_path, monkeypatch):
    geodata = tmp_path / "geodata"
    shutil.copytree(paths.GEODATA, geodata)
    (geodata / "governorates.geojson").write_bytes(b"")  # left empty by an interrupted build
    monkeypatch.setattr(paths, "GEODATA", geodata)
    at = app()
    assert not at.exception
    assert "geography files cannot be read" in at.error[0].value
    assert "governorates.geojson" in at.code[0].value


def share_link(at: AppTest) -> str:
    (code,) = [el for el in walk(at.main) if getattr(el, "type", "") == "code"]
    return code.proto.code_text


def test_share_link_and_downloads_follow_the_view():
    at = app(**FULL_LINK)
    assert dict(parse_qsl(share_link(at).split("?", 1)[1])) == FULL_LINK
    buttons = [el.proto for el in walk(at.main) if getattr(el, "type", "") == "download_button"]
    assert [b.label for b in buttons] == ["Map (PNG)", "Map (PDF)", "GeoJSON", "KML", "CSV",
                                          "Interactive map (HTML)",
                                          "Timelapse (MP4), 2016-10-17 to 2017-07-10, a frame a week"]
    assert all(b.deferred_file_id and b.ignore_rerun for b in buttons)  # made on click, no rerun
    move_to(at, dt.date(2018, 1, 1))
    assert dict(parse_qsl(share_link(at).split("?", 1)[1]))["date"] == "2018-01-01"


def test_the_events_list_reads_as_text_and_matches_the_window(real_model):
    at = app(date="2016-08-12", window="30")
    since = dt.date(2016, 7, 13)
    expected = real_model.events_between(since, dt.date(2016, 8, 12))
    assert f"{len(expected)} events from 13 July to 12 August 2016" in [h.value for h in at.subheader]
    shown = [m.value for m in at.markdown if "*Sources:*" in m.value]
    assert len(shown) == len(expected) > 0
    manbij = next(m for m in shown if "Manbij" in m and "2016\\-08\\-12" in m)
    assert "contested → SDF" in manbij.replace("\\", "")  # names, never ids
    assert "](https://" in manbij  # sources as links
    assert not any("manbij-2016" in m for m in shown)  # no event ids


def test_show_moves_the_map_to_the_events_date_and_place(gazetteer, real_model):
    at = app(date="2016-08-12", window="30")
    event_id = next(b.key for b in at.button if b.key and b.key.startswith("show-"))
    event = next(e for e in real_model.record.events if e.id == event_id.removeprefix("show-"))
    at.button(key=event_id).click().run()
    assert not at.exception
    assert at.session_state["date"] == event.date and at.query_params["date"] == event.date.isoformat()
    command = engine_command(at)
    assert command["goto"] == event.date.isoformat() and command["nonce"] == 1  # the map is told to move
    _, args = map_component(at)
    place = gazetteer[event.place]
    assert args["center"] == [place.lat, place.lon] and args["zoom"] == 9
