"""The Streamlit page on the real record, run by Streamlit's own test harness (AppTest)."""

from __future__ import annotations

import datetime as dt
import json
import re
from urllib.parse import parse_qsl

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.core import paths

APP = str(paths.ROOT / "dashboard" / "app.py")


def app(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query)
    return at.run()


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


def test_page_shows_a_date_slider_and_the_map(default_page):
    at = default_page
    assert not at.exception
    assert at.slider[0].value == dt.date(2016, 7, 15)
    assert at.query_params["date"] == "2016-07-15"
    assert at.table[0].value is not None


def test_the_time_controls_sit_above_the_map_and_the_play_settings_in_the_sidebar(default_page):
    at = default_page
    order = [getattr(el, "type", None) for el in walk(at.main)]
    first_map = order.index("component_instance")  # st_folium
    assert order.index("slider") < first_map
    assert order.count("popover") == 2 and max(i for i, t in enumerate(order) if t == "popover") < first_map
    assert at.sidebar.selectbox(key="play_step") and at.sidebar.select_slider(key="play_delay")


def test_moving_the_slider_swaps_the_layers_but_not_the_map():
    at = app()
    before_id, before = map_component(at)
    at.slider[0].set_value(dt.date(2017, 3, 15)).run()
    assert not at.exception
    after_id, after = map_component(at)
    assert after_id == before_id
    assert after["script"] == before["script"]
    assert after["feature_group"] != before["feature_group"]
    assert "East Mosul: isis" in before["feature_group"]
    assert "East Mosul: iraq" in after["feature_group"]
    assert at.query_params["date"] == "2017-03-15"


def test_no_script_or_stylesheet_comes_from_outside(default_page):
    _, args = map_component(default_page)
    links = args["js_links"] + args["css_links"]
    assert links, "the map loads Leaflet from somewhere"
    assert all(link.startswith("/app/static/") for link in links), links
    for link in links:
        assert (paths.ROOT / "dashboard" / "static" / link.removeprefix("/app/static/")).is_file()


def test_deep_link_opens_on_its_date():
    at = app(date="2017-03-15")
    assert at.slider[0].value == dt.date(2017, 3, 15)
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
    at.slider(key="date").set_value(dt.date(2018, 1, 1)).run()
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
    assert at.slider(key="date").value == dt.date(2017, 7, 10)
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


def test_layers_and_filters_decide_what_the_map_draws():
    at = app(date="2016-08-20")
    _, args = map_component(at)
    assert '"faction": "isis"' in args["feature_group"] and '"kind": "front_line"' in args["feature_group"]
    at.multiselect(key="factions").set_value(["sdf", "syria"])
    at.multiselect(key="layers").set_value(["areas"]).run()
    _, args = map_component(at)
    assert '"faction": "sdf"' in args["feature_group"]
    assert '"faction": "isis"' not in args["feature_group"]
    assert '"kind": "front_line"' not in args["feature_group"]
    assert '"kind": "place"' not in args["feature_group"]


def test_online_tiles_are_an_option_not_the_default(default_page):
    _, args = map_component(default_page)
    assert "tile.openstreetmap.org" not in args["script"]
    _, args = map_component(app(layers="areas,osm"))
    assert "tile.openstreetmap.org" in args["script"]


def test_changes_since_a_date_list_gains_and_losses_and_draw_them():
    at = app(date="2017-07-20", compare="2016-10-01")
    _, args = map_component(at)
    assert '"kind": "change"' in args["feature_group"]
    assert "changes since 1 October 2016 highlighted" in args["feature_group"]
    rows = at.dataframe[0].value
    isis = rows[rows["faction"] == "isis"].iloc[0]
    assert isis["lost km²"] > isis["gained km²"] and isis["net km²"] < 0
    assert "Changes since 2016-10-01" in [h.value for h in at.subheader]


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
    assert {"isis", "iraq"} <= set(history["held by"]) and list(history["held by"])[-1] == "iraq"


def test_a_misspelt_place_gets_suggestions():
    at = app()
    at.text_input(key="place_query").set_value("Falluja City").run()
    assert not at.exception
    assert "Did you mean: fallujah" in at.sidebar.warning[0].value


def test_next_and_previous_event_buttons_step_through_the_events():
    at = app(date="2016-08-01")
    at.button(key="next").click().run()
    later = at.slider(key="date").value
    assert later > dt.date(2016, 8, 1)
    at.button(key="previous").click().run()
    assert at.slider(key="date").value < later
    assert at.query_params["date"] == at.slider(key="date").value.isoformat()


def test_play_steps_to_the_end_and_stops():
    at = app(date="2019-02-20")
    at.selectbox(key="play_step").set_value("month by month")
    at.select_slider(key="play_delay").set_value(0.5)
    at.button(key="play").click().run()
    assert not at.exception
    assert at.slider(key="date").value == dt.date(2019, 3, 20)
    assert at.button(key="play").label == "▶ Play"


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
    assert at.slider[0].value == dt.date(2016, 7, 15)
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
    # Folium writes the data as JSON with & < > as \u0026 \u003c \u003e; our escaping is underneath.
    shown = args["feature_group"].replace("\\u0026", "&").replace("\\u003c", "<").replace("\\u003e", ">")
    popups = re.findall(r'"popup": "(.*?)", "', shown)
    assert any("&lt;script&gt;alert(1)&lt;/script&gt; took" in p for p in popups)
    assert not any("<script" in p for p in popups)
    assert "<script>alert(1)</script> took" in at.dataframe[-1].value["summary"].iloc[0]  # shown as text
    assert "<script>" not in args["feature_group"]


def test_invalid_events_file_shows_the_problems_not_a_traceback(tmp_path, monkeypatch):
    bad = tmp_path / "events.yaml"
    bad.write_text(paths.EVENTS.read_text(encoding="utf-8").replace("place: fallujah", "place: Falujah", 1),
                   encoding="utf-8")
    monkeypatch.setattr(paths, "EVENTS", bad)
    at = app()
    assert not at.exception
    assert "invalid" in at.error[0].value
    assert "did you mean: fallujah" in at.code[0].value


def share_link(at: AppTest) -> str:
    (code,) = [el for el in walk(at.main) if getattr(el, "type", "") == "code"]
    return code.proto.code_text


def test_share_link_and_downloads_follow_the_view():
    at = app(**FULL_LINK)
    assert dict(parse_qsl(share_link(at).split("?", 1)[1])) == FULL_LINK
    buttons = [el.proto for el in walk(at.main) if getattr(el, "type", "") == "download_button"]
    assert [b.label for b in buttons] == ["Map (PNG)", "Map (PDF)", "GeoJSON", "KML", "CSV",
                                          "Interactive map (HTML)"]
    assert all(b.deferred_file_id and b.ignore_rerun for b in buttons)  # made on click, no rerun
    at.slider(key="date").set_value(dt.date(2018, 1, 1)).run()
    assert dict(parse_qsl(share_link(at).split("?", 1)[1]))["date"] == "2018-01-01"
