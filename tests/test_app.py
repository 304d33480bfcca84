"""The Streamlit page, run by Streamlit's own test harness (AppTest)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import paths

APP = str(paths.ROOT / "dashboard" / "app.py")


def app(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query)
    return at.run()


def map_component(at: AppTest) -> tuple[str, dict]:
    """(element id, arguments) of the st_folium component on the page."""
    def walk(node):
        for child in getattr(node, "children", {}).values():
            yield child
            yield from walk(child)
    (proto,) = [el.proto for el in walk(at.main) if type(el).__name__ == "UnknownElement"
                and hasattr(el.proto, "json_args")]
    return proto.id, json.loads(proto.json_args)


def test_page_shows_a_date_slider_and_the_map():
    at = app()
    assert not at.exception
    assert at.slider[0].value == dt.date(2016, 7, 15)
    assert at.query_params["date"] == "2016-07-15"
    assert at.table[0].value is not None


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


def test_no_script_or_stylesheet_comes_from_outside():
    _, args = map_component(app())
    links = args["js_links"] + args["css_links"]
    assert links, "the map loads Leaflet from somewhere"
    assert all(link.startswith("/app/static/") for link in links), links
    for link in links:
        assert (paths.ROOT / "dashboard" / "static" / link.removeprefix("/app/static/")).is_file()


def test_deep_link_opens_on_its_date():
    at = app(date="2017-03-15")
    assert at.slider[0].value == dt.date(2017, 3, 15)
    assert not at.warning


@pytest.mark.parametrize("value", ["2017-13-01", "yesterday", "2021-01-01"])
def test_invalid_date_in_the_link_falls_back_with_a_warning(value):
    at = app(date=value)
    assert not at.exception
    assert at.slider[0].value == dt.date(2016, 7, 15)
    assert value in at.warning[0].value


def test_invalid_events_file_shows_the_problems_not_a_traceback(tmp_path, monkeypatch):
    bad = tmp_path / "events.yaml"
    bad.write_text(paths.EVENTS.read_text(encoding="utf-8").replace("place: fallujah", "place: Falujah", 1),
                   encoding="utf-8")
    monkeypatch.setattr(paths, "EVENTS", bad)
    at = app()
    assert not at.exception
    assert "invalid" in at.error[0].value
    assert "did you mean: fallujah" in at.code[0].value
