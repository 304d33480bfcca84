"""The "Add article" page through Streamlit's AppTest: paste, review, merge into a copy of events.yaml."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import streamlit as st
import yaml
from streamlit.testing.v1 import AppTest

from dashboard.core import paths
from dashboard.ingest import background, candidates, merge
from dashboard.ingest.reading import MAX_CHARS
from dashboard.web.editing import EDITING_ENV, TOKEN_ENV

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


@pytest.fixture(autouse=True)
def no_cached_candidates():
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def pasted(text: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    at.text_area(key="pasted").set_value(text).run()
    return at


def with_source(at: AppTest) -> AppTest:
    at.text_input(key="source_title").set_value("Our test wire")
    return at.text_input(key="source_publisher").set_value("Test News").run()


@pytest.fixture
def editing(monkeypatch):
    """Editing switched on, as FRONTLINES_EDITING=1 does (the page runs on localhost in AppTest)."""
    monkeypatch.setenv(EDITING_ENV, "1")
    monkeypatch.delenv(TOKEN_ENV, raising=False)


def download_labels(at: AppTest) -> list[str]:
    return [el.proto.label for el in walk(at.main) if getattr(el, "type", "") == "download_button"]


def walk(node):
    for child in getattr(node, "children", {}).values():
        yield child
        yield from walk(child)


def test_pasted_article_gives_candidates_and_merges_the_accepted_one(events, editing):
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
    at = pasted("Baghdad. " * (MAX_CHARS // 9 + 1))
    assert "over the 1,048,576-character limit" in at.error[0].value
    assert not at.exception and not at.text_input


def test_the_same_text_is_read_once(events, monkeypatch):
    calls = []

    def counted(*args, **kwargs):
        calls.append(args[0])
        return propose(*args, **kwargs)

    propose = candidates.propose_events
    monkeypatch.setattr(candidates, "propose_events", counted)
    first = with_source(pasted(ARTICLE))
    second = with_source(pasted(ARTICLE))        # another session, the same text and source
    assert first.subheader[0].value == second.subheader[0].value == "1 candidate event(s)"
    assert calls == [ARTICLE]
    with_source(pasted(ARTICLE + "\nMore text.\n"))
    assert len(calls) == 2


def test_a_reading_over_the_time_limit_says_so_and_is_collected_later(events, monkeypatch):
    release = threading.Event()

    def stuck(*args, **kwargs):
        release.wait(30)
        return []

    monkeypatch.setattr(candidates, "propose_events", stuck)
    monkeypatch.setattr(background, "TIME_LIMIT", 0.01)
    try:
        at = with_source(pasted(ARTICLE))
        assert "took over 0.01 s" in at.error[0].value
        assert not at.exception
    finally:
        release.set()
    monkeypatch.setattr(background, "TIME_LIMIT", 30.0)
    at.run()                                    # the rerun collects the work that went on
    assert "No events found" in at.warning[0].value


def test_a_broken_record_gets_a_message_not_a_traceback(events):
    events.write_text("events:\n  - id: [not, an, id]\n", encoding="utf-8")
    st.cache_resource.clear()
    at = with_source(pasted(ARTICLE))
    assert "events.yaml has problems" in at.error[0].value
    assert not at.exception


def test_with_editing_off_the_candidates_are_offered_as_a_file_and_nothing_written(events, monkeypatch):
    monkeypatch.delenv(EDITING_ENV, raising=False)
    before = events.read_bytes()
    at = with_source(pasted(ARTICLE))
    assert at.subheader[0].value == "1 candidate event(s)"
    assert not [b for b in at.button if b.key == "merge"]
    assert "Editing is off here" in at.info[-1].value and "python -m dashboard merge" in at.info[-1].value
    assert "Download the 1 accepted candidate(s) (YAML)" in download_labels(at)
    assert events.read_bytes() == before


def test_with_a_token_merging_waits_for_it(events, editing, monkeypatch):
    monkeypatch.setenv(TOKEN_ENV, "s3cret")
    at = with_source(pasted(ARTICLE))
    assert at.button(key="merge").disabled
    at.text_input(key="edit_token").set_value("guess").run()
    assert at.button(key="merge").disabled
    at.text_input(key="edit_token").set_value("s3cret").run()
    assert not at.button(key="merge").disabled


def test_an_unwritable_data_folder_gets_a_message_without_server_paths(events, editing, monkeypatch):
    before = events.read_bytes()

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied", "/app/dashboard/data/.events.yaml.x1.tmp")

    monkeypatch.setattr(merge, "merge_into", refused)
    at = with_source(pasted(ARTICLE))
    at.button(key="merge").click().run()
    assert not at.exception
    message = at.error[0].value
    assert "cannot write events.yaml" in message and "FRONTLINES_EVENTS" in message
    assert "/app/" not in message
    assert events.read_bytes() == before
