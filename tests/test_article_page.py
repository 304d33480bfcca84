"""The "Add article" page through Streamlit's AppTest: paste, review, merge into a copy of events.yaml."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from dashboard.core import paths

PAGE = str(paths.ROOT / "dashboard" / "pages" / "add_article.py")
ARTICLE = """Tuesday, 27 June 2017

A car bomb exploded in a market in Baghdad on Sunday, killing at least 20 people.
"""


@pytest.fixture
def events(tmp_path, monkeypatch):
    """The page writes into a copy of the real events.yaml."""
    copy = tmp_path / "events.yaml"
    copy.write_bytes(paths.EVENTS.read_bytes())
    monkeypatch.setattr(paths, "EVENTS", copy)
    return copy


def pasted(text: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    at.text_area(key="pasted").set_value(text).run()
    return at


def test_pasted_article_gives_candidates_and_merges_the_accepted_one(events):
    at = pasted(ARTICLE)
    assert at.date_input(key="source_published").value == dt.date(2017, 6, 27)  # from the dateline
    assert "title, publisher" in at.info[0].value  # a source is needed before anything is proposed
    at.text_input(key="source_title").set_value("Our test wire")
    at.text_input(key="source_publisher").set_value("Test News").run()
    assert not at.exception
    assert at.subheader[0].value == "1 candidate event(s)"
    before = events.read_text(encoding="utf-8")
    at.button(key="merge").click().run()
    assert at.success[0].value.startswith("Added 1 event: baghdad-2017-06-25-bombing")
    record = yaml.safe_load(events.read_text(encoding="utf-8"))
    added = next(e for e in record["events"] if e["id"] == "baghdad-2017-06-25-bombing")
    assert added["sources"][0] == {"title": "Our test wire", "publisher": "Test News",
                                   "date": dt.date(2017, 6, 27), "url": None}
    assert before.splitlines()[0] == events.read_text(encoding="utf-8").splitlines()[0]


def test_undated_article_asks_for_its_date_and_nothing_is_written(events):
    before = events.read_bytes()
    at = pasted("Iraqi forces entered Fallujah after a month of fighting.\n")
    assert at.date_input(key="source_published").value is None
    assert any("No date found" in c.value for c in at.caption)
    assert not at.exception and not at.button
    assert events.read_bytes() == before


def test_text_over_the_limit_gets_a_clear_message(events):
    at = pasted("Baghdad. " * 120_000)  # ~1.1 MB
    assert "over the 1 MB limit" in at.error[0].value
    assert not at.exception and not at.text_input
