"""The standalone HTML map: one file, Leaflet and data inlined, a working slider, nothing fetched.

The browser tests open the file from disk in headless Chromium with the network off and every
non-file request aborted and recorded.  Skipped when Chromium or Playwright is missing, unless
FRONTLINES_REQUIRE_BROWSER=1 (then they fail).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path
from typing import Any

import pytest

from dashboard.core import palette, paths
from dashboard.core.model import ControlModel
from dashboard.core.timeline import decode, pocket_owner, timeline
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


def test_the_page_carries_the_range_in_the_engines_form(synthetic_model, page_synthetic):
    data = page_data(page_synthetic)
    # The core's record of the range, as it is (tests/test_timeline.py checks it against the model).
    core = json.loads(json.dumps(timeline(synthetic_model, START, END)))
    added = ("look", "events", "event_days", "change_days", "places")
    assert {k: v for k, v in data.items() if k not in added} == {
        k: v for k, v in core.items() if k not in added}
    for place, ours in zip(data["places"], core["places"], strict=True):
        name = ours.pop("name")
        assert place == {**ours, "tip": html.escape(name)}
    assert data["look"]["colours"] == synthetic_model.record.colours
    assert data["look"]["window"] == SYNTHETIC_WINDOW
    days = [e["day"] for e in data["events"]]
    expected = synthetic_model.events_between(START - dt.timedelta(days=SYNTHETIC_WINDOW), END)
    assert [e["id"] for e in data["events"]] == [e.id for e in expected]
    assert min(days) < 0 <= max(days) <= 365  # events of the window before the start are there too
    assert data["event_days"] == sorted({d for d in days if d >= 0})


def test_a_hostile_summary_cannot_leave_its_script_or_popup(hostile_model):
    page = standalone_html(hostile_model, dt.date(2014, 1, 1), dt.date(2014, 3, 31), title=HOSTILE + TEMPLATE)
    assert "<script>alert(1)" not in page
    assert "[0, 1, 2]" not in page
    assert page.count("<script") == page.count("</script>")
    assert "<title>&lt;/script&gt;" in page
    data = page_data(page)  # still valid JSON, and the popup is escaped HTML
    (event,) = [e for e in data["events"] if e["id"] == "fallujah-2014-01-04"]
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in event["popup"]
    assert "<script" not in event["popup"]
    assert TEMPLATE in event["popup"]


def test_a_range_outside_the_record_is_refused(model):
    with pytest.raises(ValueError, match="within the record"):
        standalone_html(model, dt.date(2013, 12, 1), END)
    with pytest.raises(ValueError, match="non-empty"):
        standalone_html(model, END, START)


# --- in the browser -------------------------------------------------------------------------------

#: What the time engine has drawn: areas (fill colours by faction), front lines, events, stamp, player.
STATE_JS = """() => {
  const e = window.frontlinesEngine, fills = {};
  let areas = 0;
  e.units.forEach(l => {
    if (!l._flStyle || !e.group.areas.hasLayer(l)) return;
    areas++;
    const faction = e.data.keys[l._flStyle.key][0];
    fills[faction] = fills[faction] || [];
    if (!fills[faction].includes(l.options.fillColor)) fills[faction].push(l.options.fillColor);
  });
  const stamp = document.getElementById('fl-stamp');
  return {date: stamp.getAttribute('data-date'), text: stamp.textContent, areas, fills,
          events: e.group.events.getLayers().length, fronts: e.group.fronts.getLayers().length,
          fingerprint: e.units.map(l => l._flStyle ? l._flStyle.id : '-').join(' '),
          opaque: e.units.every(l => !l._flStyle
                                || (l.options.fillOpacity === 1 && l.options.color === l.options.fillColor)),
          pane: getComputedStyle(e.map.getPane('fl-areas')).opacity,
          slider: document.getElementById('fl-slider').value,
          label: document.getElementById('fl-slider').getAttribute('aria-label'),
          play: document.getElementById('fl-play').textContent};
}"""

SET_SLIDER_JS = """(day) => { const s = document.getElementById('fl-slider'); s.value = day;
  for (const type of ['input', 'change']) s.dispatchEvent(new Event(type, {bubbles: true})); }"""



def slide_to(page: Any, date: dt.date) -> None:
    """Move the slider as a drag does (an ``input`` event) and wait for the engine to draw the date."""
    page.evaluate(SET_SLIDER_JS, (date - START).days)
    wait_for_date(page, date)


def wait_for_date(page: Any, date: dt.date) -> None:
    """Wait until the engine has drawn ``date`` (it draws on the next animation frame)."""
    page.wait_for_function(f"() => document.getElementById('fl-stamp').dataset.date === {date.isoformat()!r}")


def open_text(chromium: Any, path: Path, text: str, fragment: str = "",
              viewport: dict[str, int] = browser.VIEWPORT) -> tuple[Any, list[str], list[str]]:
    """Write a page to ``path`` and open it as :func:`open_offline` does."""
    path.write_text(text, encoding="utf-8")
    return open_offline(chromium, path, fragment, viewport)


def open_offline(chromium: Any, path: Path, fragment: str = "",
                 viewport: dict[str, int] = browser.VIEWPORT) -> tuple[Any, list[str], list[str]]:
    """(page on the file, requests that were not for a file, uncaught errors and dialogs)."""
    context = chromium.new_context(offline=True, viewport=viewport)
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
        tiers = {palette.tier_fill(colours[faction], tier) for tier in palette.TIER_OPACITY}
        assert set(fills) <= tiers and colours[faction] in fills, faction
    # Opaque units with a hairline of their own colour, in one translucent pane: no seams inside a faction.
    assert state["opaque"] and float(state["pane"]) == palette.AREA_OPACITY


@pytest.mark.browser
def test_the_file_works_offline_and_the_slider_redraws_it(chromium, page_2016, model, tmp_path):
    page, foreign, problems = open_text(chromium, tmp_path / "map.html", page_2016)
    colours = model.record.colours

    first = page.evaluate(STATE_JS)
    assert first["date"] == START.isoformat() and first["text"] == "1 January 2016"
    assert first["areas"] > 0 and first["slider"] == "0"
    assert_drawn_as_the_core_says(first, START, colours)

    slide_to(page, LATER)
    later = page.evaluate(STATE_JS)
    assert later["date"] == LATER.isoformat() and later["text"] == "15 July 2016"
    assert later["fingerprint"] != first["fingerprint"], "areas not redrawn"
    assert_drawn_as_the_core_says(later, LATER, colours)
    shown = len(model.events_between(LATER - dt.timedelta(days=30), LATER))
    assert later["events"] == shown > 0
    page.wait_for_function("() => location.hash === '#2016-07-15'")  # once the date rests

    page.focus("#fl-slider")
    page.keyboard.press("ArrowRight")
    wait_for_date(page, dt.date(2016, 7, 16))
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

    slide_to(page, LATER)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))  # to look at; the picture is compared in tests/test_pictures.py
    assert foreign == [] and problems == []
    page.context.close()


@pytest.mark.browser
def test_a_date_in_the_fragment_opens_there_and_hostile_text_stays_text(chromium, hostile_model, tmp_path):
    page_text = standalone_html(hostile_model, dt.date(2014, 1, 1), dt.date(2014, 3, 31))
    page, foreign, problems = open_text(chromium, tmp_path / "hostile.html", page_text, "#2014-01-10")
    assert page.evaluate(STATE_JS)["date"] == "2014-01-10"
    text = page.evaluate("""() => { const e = window.frontlinesEngine;
      const i = e.data.events.findIndex(x => x.id === 'fallujah-2014-01-04');
      if (i < 0 || !e.group.events.hasLayer(e.events[i])) return null;
      e.events[i].openPopup(); return e.events[i].getPopup().getElement().textContent; }""")
    assert HOSTILE in text  # shown as text, not run
    assert foreign == [] and problems == []
    page.context.close()



@pytest.mark.browser
def test_a_page_made_to_open_on_a_date_opens_there(chromium, model, tmp_path):
    page_text = standalone_html(model, START, dt.date(2016, 12, 31), opening=LATER)
    page, foreign, problems = open_text(chromium, tmp_path / "opening.html", page_text)
    state = page.evaluate(STATE_JS)
    assert state["date"] == LATER.isoformat() and state["slider"] == str((LATER - START).days)
    assert foreign == [] and problems == []
    page.context.close()


def test_an_opening_date_outside_the_range_is_refused(model):
    with pytest.raises(ValueError, match="opening date"):
        standalone_html(model, START, dt.date(2016, 12, 31), opening=dt.date(2017, 1, 1))


@pytest.mark.browser
def test_an_area_tooltip_says_how_sure_the_map_is(chromium, page_2016, tmp_path):
    """Hovering land drawn lighter says why: old news (a stale town's held land), distance or sparse land."""
    page, _, _ = open_text(chromium, tmp_path / "map.html", page_2016)
    data = page_data(page_2016)
    day = (dt.date(2016, 10, 20) - START).days
    state = decode(data, day)
    stale = [i for i, (tier, drawn) in enumerate(zip(data["units"]["tier"], state.tiers, strict=True))
             if data["tiers"][tier] == "held" and data["tiers"][drawn] == "inferred"]
    held = [i for i, drawn in enumerate(state.tiers) if data["tiers"][drawn] == "held"]
    assert stale and held  # the real record has quiet IS fronts in October 2016 (README)
    tips = page.evaluate("""([day, units]) => { const e = window.frontlinesEngine; e.show(day);
                            return units.map(i => e._areaTip(i)); }""", [day, [stale[0], held[0]]])
    assert tips[0].endswith("\u00b7 " + html.escape(palette.TIER_LABELS["inferred"])), tips[0]
    assert "\u00b7" not in tips[1] and tips[1].endswith("km\u00b2"), tips[1]
    # The stale town's own dot says why; a town with recent news does not.
    slots = {place["slot"]: j for j, place in enumerate(data["places"])}
    stale_town = slots[data["units"]["leader"][stale[0]]]
    fresh_town = next(j for slot, j in slots.items() if slot not in set(data["epochs"][state.epoch]["stale"]))
    place_tips = page.evaluate("""(places) => places.map(j => {
        const tip = window.frontlinesEngine.places[j].getTooltip().getContent();
        return typeof tip === "function" ? tip() : tip; })""", [stale_town, fresh_town])
    assert place_tips[0].endswith("(no news for over a year)"), place_tips[0]
    assert "no news" not in place_tips[1], place_tips[1]


@pytest.mark.browser
@pytest.mark.parametrize("whole", [False, True], ids=["synthetic world", "real 2016"])
def test_the_browser_draws_what_the_core_decodes(chromium, synthetic_model, page_2016, whole, tmp_path):
    """The engine's rules (time_engine.js) against the core's (timeline.decode), on every epoch's
    first and last day, going back in time (the engine replays its deltas from the start then).

    The synthetic world has besieged and contested land, pockets and an epoch of every kind."""
    page_text = page_2016 if whole else standalone_html(synthetic_model, synthetic_model.record.start,
                                                        synthetic_model.record.end)
    page, foreign, problems = open_text(chromium, tmp_path / "map.html", page_text)
    data = page_data(page_text)
    days = sorted({d for e in data["epochs"] for d in (e["day"], max(0, e["day"] - 1))}, reverse=True)
    keys = [(f, tuple(p), b) for f, p, b in data["keys"]]
    drawn = page.evaluate("(days) => days.map(d => window.frontlinesEngine.stateAt(d))", days)
    for day, js in zip(days, drawn, strict=True):
        core = decode(data, day)
        assert js["epoch"] == core.epoch and js["fronts"] == list(core.fronts), day
        assert [keys[k] for k in js["units"]] == list(core.units), day
        assert js["tiers"] == list(core.tiers), day
        assert [None if k is None else keys[k] for k in js["pockets"]] == list(core.pockets), day
        assert [tuple(o) for o in js["outlines"]] == list(core.outlines), day
    # The pocket rule on every kind of neighbour, some of which no record may happen to show.
    table = [["isis", [], None], ["iraq", [], None], ["contested", ["iraq", "isis"], None],
             ["iraq", [], "isis"], ["unclaimed", [], None]]
    cases = [[a] for a in range(5)] + [[a, b] for a in range(5) for b in range(5)] + [[]]
    owners = page.evaluate("""([table, cases]) => cases.map(ns =>
      FrontlinesTime.TimeEngine.prototype._pocketOwner.call({data: {keys: table}}, ns, [0, 1, 2, 3, 4]))""",
                           [table, cases])
    keyed = [(f, tuple(p), b) for f, p, b in table]
    assert owners == [None if (o := pocket_owner(ns, keyed)) is None else keyed.index(o) for ns in cases]
    assert foreign == [] and problems == []
    page.context.close()


@pytest.mark.browser
def test_a_drag_redraws_every_frame(chromium, page_2016, tmp_path):
    page, foreign, problems = open_text(chromium, tmp_path / "map.html", page_2016)
    # A real drag of the thumb across the slider: the map follows frame by frame, not at the end.
    box = page.locator("#fl-slider").bounding_box()
    y = box["y"] + box["height"] / 2
    before = page.evaluate("window.frontlinesEngine.draws")
    page.mouse.move(box["x"] + 2, y)
    page.mouse.down()
    for step in range(1, 41):
        page.mouse.move(box["x"] + box["width"] * step / 40, y)
        page.evaluate("() => new Promise(r => requestAnimationFrame(r))")
    page.mouse.up()
    state = page.evaluate(STATE_JS)
    assert page.evaluate("window.frontlinesEngine.draws") - before >= 30
    assert state["date"] == END.isoformat() and state["slider"] == str((END - START).days)
    assert state["label"] == "Date"
    # The changes of control are ticks along the slider.
    ticks = page.evaluate("() => [...document.querySelectorAll('#fl-ticks option')].map(o => +o.value)")
    data = page_data(page_2016)
    assert ticks == data["change_days"] and 0 < len(ticks) < len(data["event_days"]) + 1
    assert page.evaluate("document.getElementById('fl-slider').getAttribute('list')") == "fl-ticks"
    assert foreign == [] and problems == []
    page.context.close()


@pytest.mark.browser
def test_on_a_phone_the_legend_starts_folded_and_the_player_fits(chromium, page_synthetic, tmp_path):
    page, foreign, problems = open_text(chromium, tmp_path / "map.html", page_synthetic,
                                        viewport={"width": 390, "height": 844})
    legend = page.locator(".fl-legend")
    assert legend.get_attribute("open") is None
    page.locator(".fl-legend summary").click()
    assert legend.get_attribute("open") is not None
    player = page.locator(".fl-player").bounding_box()
    assert player["x"] >= 0 and player["x"] + player["width"] <= 390  # the controls are within reach
    assert foreign == [] and problems == []
    page.context.close()


@pytest.mark.browser
def test_a_page_made_for_a_view_opens_on_its_extent_and_filters(chromium, model, tmp_path):
    page_text = standalone_html(model, START, END, opening=LATER, home=(36.34, 43.13, 9), factions=["isis"],
                                types=["capture"])
    page, foreign, problems = open_text(chromium, tmp_path / "view.html", page_text)
    state = page.evaluate(STATE_JS)
    assert state["date"] == LATER.isoformat() and set(state["fills"]) == {"isis"}
    view = page.evaluate("() => { const m = window.frontlinesEngine.map, c = m.getCenter();"
                         " return [c.lat, c.lng, m.getZoom()]; }")
    assert view == [36.34, 43.13, 9]
    shown = page.evaluate("() => { const e = window.frontlinesEngine;"
                          " return e.shownEvents.map(i => e.data.events[i]); }")
    assert shown and all(e["type"] == "capture" and "isis" in (e["from"], e["to"]) for e in shown)
    assert foreign == [] and problems == []
    page.context.close()
