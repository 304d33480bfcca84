"""The standalone HTML map: one file, Leaflet and data inlined, a working slider, nothing fetched.

The browser tests open the file from disk in headless Chromium with the network off and every
non-file request aborted and recorded.  Skipped when Chromium or Playwright is missing, unless
FRONTLINES_REQUIRE_BROWSER=1 (then they fail).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

from dashboard.core import features, paths
from dashboard.core.model import ControlModel
from dashboard.web.elements import OfflineMap
from dashboard.web.standalone import LEAFLET_DIR, standalone_html
from tests import browser
from tests.conftest import DATA

START, END = dt.date(2016, 1, 1), dt.date(2016, 12, 31)
LATER = dt.date(2016, 7, 15)
HOSTILE = "</script><script>alert(1)</script>"
TEMPLATE = "{{ range(3) | list }}"  # Jinja syntax: must stay text, never be evaluated
SCREENSHOT = browser.ROOT / "artifacts" / "browser" / "standalone.png"


def page_data(page: str) -> dict[str, Any]:
    """The JSON the page's script reads."""
    (text,) = re.findall(r'<script type="application/json" id="fl-data">(.*?)</script>', page, re.DOTALL)
    return json.loads(text)


@pytest.fixture(scope="module")
def page_2016(model) -> str:
    """The real record's 2016, for the browser tests."""
    return standalone_html(model, START, END, window=30)


#: The synthetic record's 2016 has seven events; its window reaches back to the one of September 2015.
SYNTHETIC_WINDOW = 150


@pytest.fixture(scope="module")
def page_synthetic(synthetic_model) -> str:
    """The synthetic record's 2016, for the tests of the page's text (built in a fraction of a second)."""
    return standalone_html(synthetic_model, START, END, window=SYNTHETIC_WINDOW)


@pytest.fixture(scope="module")
def hostile_model(tmp_path_factory) -> ControlModel:
    """The small test record with an event summary that tries to end the page's script."""
    path = tmp_path_factory.mktemp("hostile") / "events.yaml"
    text = (DATA / "events_small.yaml").read_text(encoding="utf-8")
    summary = f"summary: '{HOSTILE} {TEMPLATE}'"
    path.write_text(text.replace("summary: IS fighters took the city.", summary, 1), encoding="utf-8")
    return ControlModel.load(path, paths.GEODATA)


# --- the page's text ------------------------------------------------------------------------------

def test_nothing_is_linked_leaflet_is_inline(page_synthetic):
    assert not re.search(r"<script[^>]*\bsrc=", page_synthetic, re.IGNORECASE)
    assert not re.search(r"<link\b", page_synthetic, re.IGNORECASE)
    assert not re.search(r"url\((?!data:|#default#VML)", page_synthetic)  # stylesheet images are data: URIs
    for cdn in ("cdn.jsdelivr", "unpkg.com", "cdnjs", "code.jquery", "/app/static"):
        assert cdn not in page_synthetic
    leaflet_js = (LEAFLET_DIR / "leaflet.js").read_text()
    assert leaflet_js[:2000] in page_synthetic
    assert ".leaflet-pane" in page_synthetic and "sourceMappingURL" not in page_synthetic
    # What a screenshot must carry: date stamp, legend, sources, scale.
    for part in ("fl-stamp", "fl-legend", "Natural Earth", "L.control.scale"):
        assert part in page_synthetic
    assert "changed hands" not in page_synthetic  # the page never compares dates: no legend row for it
    # Other maps (the app's) keep their links to the served Leaflet.
    assert OfflineMap.default_js and OfflineMap.default_css


def test_one_state_per_epoch_and_the_events_of_the_range(synthetic_model, page_synthetic):
    data = page_data(page_synthetic)
    epochs = synthetic_model.epochs(START, END)
    assert [s["day"] for s in data["states"]] == [(e.valid_from - START).days for e in epochs]
    assert data["start"] == "2016-01-01" and data["days"] == 365 and data["window"] == SYNTHETIC_WINDOW
    by_kind = {name for s in data["states"] for name, _ in s["parts"]}
    assert by_kind == {"areas", "fronts", "places"}
    # Every state's areas are the core's (with the app's screen simplification), fill by faction.
    for state, epoch in zip(data["states"], epochs, strict=True):
        areas = [data["features"][i] for name, ids in state["parts"] if name == "areas" for i in ids]
        drawn = features.state_features(synthetic_model, epoch.valid_from, 1000.0)
        core = {f["properties"]["faction"] for f in drawn if f["properties"]["kind"] == "area"}
        core -= {"unclaimed"}
        assert {f["properties"]["faction"] for f in areas} == core
        for f in areas:
            props = f["properties"]
            assert data["styles"][props["s"]]["fillColor"] == synthetic_model.record.colours[props["faction"]]
    days = [e["properties"]["d"] for e in data["events"]]
    expected = synthetic_model.events_between(START - dt.timedelta(days=SYNTHETIC_WINDOW), END)
    assert [e["properties"]["id"] for e in data["events"]] == [e.id for e in expected]
    assert min(days) < 0 <= max(days) <= 365  # events of the window before the start are there too


def test_a_hostile_summary_cannot_leave_its_script_or_popup(hostile_model):
    page = standalone_html(hostile_model, dt.date(2014, 1, 1), dt.date(2014, 3, 31), title=HOSTILE + TEMPLATE)
    assert "<script>alert(1)" not in page
    assert "[0, 1, 2]" not in page
    assert page.count("<script") == page.count("</script>")
    assert "<title>&lt;/script&gt;" in page
    data = page_data(page)  # still valid JSON, and the popup is escaped HTML
    (event,) = [e for e in data["events"] if e["properties"]["id"] == "fallujah-2014-01-04"]
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in event["properties"]["popup"]
    assert "<script" not in event["properties"]["popup"]
    assert TEMPLATE in event["properties"]["popup"]


def test_a_range_outside_the_record_is_refused(model):
    with pytest.raises(ValueError, match="within the record"):
        standalone_html(model, dt.date(2013, 12, 1), END)
    with pytest.raises(ValueError, match="non-empty"):
        standalone_html(model, END, START)


# --- in the browser -------------------------------------------------------------------------------

#: ``__MAP__`` in the scripts below is the Leaflet map.
MAP_JS = browser.MAP_JS
#: The map's drawn control layers: area count and fill colours by faction, fingerprint, events, stamp.
STATE_JS = """() => {
  const map = __MAP__;
  const count = a => Array.isArray(a) ? a.reduce((s, x) => s + count(x), 0) : 1;
  const sum = a => Array.isArray(a) ? a.reduce((s, x) => s + sum(x), 0) : a.lat * 3 + a.lng;
  const fills = {}; let areas = 0, vertices = 0, checksum = 0, events = 0;
  map.eachLayer(l => {
    const p = l.feature && l.feature.properties;
    if (p && p.kind === 'event') events++;
    if (!p || p.kind !== 'area') return;
    areas++; (fills[p.faction] = fills[p.faction] || []).push(l.options.fillColor);
    vertices += count(l.getLatLngs()); checksum += sum(l.getLatLngs());
  });
  const stamp = document.getElementById('fl-stamp');
  return {date: stamp.getAttribute('data-date'), text: stamp.textContent, areas, fills, events,
          fingerprint: [vertices, Math.round(checksum * 1000) / 1000],
          slider: document.getElementById('fl-slider').value,
          play: document.getElementById('fl-play').textContent};
}""".replace("__MAP__", MAP_JS)

SET_SLIDER_JS = """(day) => { const s = document.getElementById('fl-slider'); s.value = day;
  for (const type of ['input', 'change']) s.dispatchEvent(new Event(type, {bubbles: true})); }"""




def open_offline(chromium: Any, path: Path, fragment: str = "") -> tuple[Any, list[str], list[str]]:
    """(page on the file, requests that were not for a file, uncaught errors and dialogs)."""
    context = chromium.new_context(offline=True, viewport=browser.VIEWPORT)
    foreign: list[str] = []
    problems: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            foreign.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("request", lambda req: req.url.startswith(("file:", "data:")) or foreign.append(req.url))
    page.on("pageerror", lambda exc: problems.append(f"error: {exc}"))
    page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.clock.install()  # the page's timers run on Playwright's clock: running, until a test pauses it
    page.goto(path.as_uri() + fragment, wait_until="load")
    page.wait_for_function("() => document.getElementById('fl-stamp')?.getAttribute('data-date')")
    return page, foreign, problems


def assert_drawn_as_the_core_says(state: dict[str, Any], date: dt.date, colours: dict[str, str]) -> None:
    missing = browser.expected_factions(date) - set(state["fills"])
    assert not missing, f"{date}: not drawn: {missing}"
    for faction, fills in state["fills"].items():
        assert set(fills) == {colours[faction]}, faction


@pytest.mark.browser
def test_the_file_works_offline_and_the_slider_redraws_it(chromium, page_2016, model, tmp_path):
    path = tmp_path / "map.html"
    path.write_text(page_2016, encoding="utf-8")
    page, foreign, problems = open_offline(chromium, path)
    colours = model.record.colours

    first = page.evaluate(STATE_JS)
    assert first["date"] == START.isoformat() and first["text"] == "1 January 2016"
    assert first["areas"] > 0 and first["slider"] == "0"
    assert_drawn_as_the_core_says(first, START, colours)

    page.evaluate(SET_SLIDER_JS, (LATER - START).days)
    later = page.evaluate(STATE_JS)
    assert later["date"] == LATER.isoformat() and later["text"] == "15 July 2016"
    assert later["fingerprint"] != first["fingerprint"], "areas not redrawn"
    assert_drawn_as_the_core_says(later, LATER, colours)
    shown = len(model.events_between(LATER - dt.timedelta(days=30), LATER))
    assert later["events"] == shown > 0
    assert page.url.endswith("#2016-07-15")

    page.focus("#fl-slider")
    page.keyboard.press("ArrowRight")
    assert page.evaluate(STATE_JS)["date"] == "2016-07-16"
    page.click("#fl-next")
    after = model.next_event_date(dt.date(2016, 7, 16))
    assert page.evaluate(STATE_JS)["date"] == after.isoformat()
    page.click("#fl-prev")
    assert page.evaluate(STATE_JS)["date"] == model.previous_event_date(after).isoformat()

    page.click("#fl-play")
    played = page.evaluate(STATE_JS)["date"]
    page.wait_for_function(f"() => document.getElementById('fl-stamp').dataset.date > {played!r}")
    page.click("#fl-play")
    paused = page.evaluate(STATE_JS)
    assert paused["play"].endswith("Play")
    page.clock.pause_at(page.evaluate("Date.now()"))
    page.clock.run_for(5_000)  # a dozen steps' worth of the page's timers, fired at once
    assert page.evaluate(STATE_JS)["date"] == paused["date"]
    page.clock.resume()

    page.evaluate(SET_SLIDER_JS, (LATER - START).days)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))  # to look at; the picture is compared in tests/test_pictures.py
    assert foreign == [] and problems == []
    page.context.close()


@pytest.mark.browser
def test_a_date_in_the_fragment_opens_there_and_hostile_text_stays_text(chromium, hostile_model, tmp_path):
    path = tmp_path / "hostile.html"
    page_text = standalone_html(hostile_model, dt.date(2014, 1, 1), dt.date(2014, 3, 31))
    path.write_text(page_text, encoding="utf-8")
    page, foreign, problems = open_offline(chromium, path, "#2014-01-10")
    assert page.evaluate(STATE_JS)["date"] == "2014-01-10"
    text = page.evaluate("""() => { let shown = null;
      (__MAP__).eachLayer(l => { const p = l.feature && l.feature.properties;
        if (p && p.id === 'fallujah-2014-01-04') {
          l.openPopup(); shown = l.getPopup().getElement().textContent; } });
      return shown; }""".replace("__MAP__", MAP_JS))
    assert HOSTILE in text  # shown as text, not run
    assert foreign == [] and problems == []
    page.context.close()



@pytest.mark.browser
def test_a_page_made_to_open_on_a_date_opens_there(chromium, model, tmp_path):
    path = tmp_path / "opening.html"
    path.write_text(standalone_html(model, START, dt.date(2016, 12, 31), opening=LATER), encoding="utf-8")
    page, foreign, problems = open_offline(chromium, path)
    state = page.evaluate(STATE_JS)
    assert state["date"] == LATER.isoformat() and state["slider"] == str((LATER - START).days)
    assert foreign == [] and problems == []
    page.context.close()


def test_an_opening_date_outside_the_range_is_refused(model):
    with pytest.raises(ValueError, match="opening date"):
        standalone_html(model, START, dt.date(2016, 12, 31), opening=dt.date(2017, 1, 1))
