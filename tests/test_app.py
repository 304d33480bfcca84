"""The Streamlit page, run by Streamlit's own test harness."""

from __future__ import annotations

import datetime as dt

from streamlit.testing.v1 import AppTest

from dashboard import paths

APP = str(paths.ROOT / "dashboard" / "app.py")


def test_page_shows_a_date_slider_and_the_map():
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    slider = at.slider[0]
    assert slider.value == dt.date(2016, 7, 15)
    slider.set_value(dt.date(2017, 3, 15)).run()
    assert not at.exception
    assert at.table[0].value is not None


def test_invalid_events_file_shows_the_problems_not_a_traceback(tmp_path, monkeypatch):
    bad = tmp_path / "events.yaml"
    bad.write_text(paths.EVENTS.read_text(encoding="utf-8").replace("place: fallujah", "place: Falujah", 1),
                   encoding="utf-8")
    monkeypatch.setattr(paths, "EVENTS", bad)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "invalid" in at.error[0].value
    assert "did you mean: fallujah" in at.code[0].value
