"""The real page in headless Chromium: what the map draws, slider redraws, deep links, no network.

One Streamlit server and one browser page serve every test here (see tests/browser.py).
Skipped when Chromium or Playwright is missing, unless FRONTLINES_REQUIRE_BROWSER=1 (then they fail).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import struct
from collections.abc import Iterator
from itertools import combinations
from typing import Any

import numpy as np
import pytest
from matplotlib.colors import to_rgb
from PIL import Image

from dashboard.core import palette
from dashboard.core.labels import OPENING_ZOOM
from dashboard.web import mapview
from tests import browser
from tests.images import assert_looks_like

pytestmark = pytest.mark.browser

DEFAULT = dt.date(2016, 7, 15)
DEEP_LINK = dt.date(2017, 7, 10)
SCREENSHOT = browser.ROOT / "artifacts" / "browser" / "map.png"

#: Faction of the drawn area containing a point, found in the engine's layers (even-odd over all rings).
FACTION_AT_JS = """(w, a) => {
  const rings = x => Array.isArray(x[0]) ? x.flatMap(rings) : [x];
  const inside = ring => { let c = false;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const p = ring[i], q = ring[j];
      if ((p.lat > a.lat) !== (q.lat > a.lat) &&
          a.lon < (q.lng - p.lng) * (a.lat - p.lat) / (q.lat - p.lat) + p.lng) c = !c; }
    return c; };
  const e = w.frontlinesEngine, found = [];
  e.units.forEach(l => { if (l._flStyle && e.group.areas.hasLayer(l) &&
      rings(l.getLatLngs()).filter(inside).length % 2 === 1) found.push(e.data.keys[l._flStyle.key][0]); });
  return [...new Set(found)];
}"""


#: The theatre's box and the legend's and player's boxes, in the map's pixels (left, top, right, bottom).
COVERING_JS = """(w, b) => {
  const m = w.map, c = m.getContainer().getBoundingClientRect();
  const sw = m.latLngToContainerPoint(b[0]), ne = m.latLngToContainerPoint(b[1]);
  const rect = el => { const r = el.getBoundingClientRect();
    return [r.left - c.left, r.top - c.top, r.right - c.left, r.bottom - c.top]; };
  const q = s => m.getContainer().querySelector(s);
  return [[sw.x, ne.y, ne.x, sw.y], {legend: rect(q('.fl-legend').closest('.fl-box')),
                                     player: rect(q('.fl-player'))}];
}"""


#: The names shown on the map, with their boxes in the map's pixels (left, top, right, bottom).
NAMES_JS = """(w) => {
  const c = w.map.getContainer().getBoundingClientRect(), out = {};
  w.map.getContainer().querySelectorAll('.fl-label span').forEach(el => {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > c.left && r.left < c.right && r.bottom > c.top && r.top < c.bottom)
      out[el.textContent] = [r.left, r.top, r.right, r.bottom];
  });
  return out;
}"""


@pytest.fixture(scope="module")
def session() -> Iterator[tuple[browser.MapPage, browser.Traffic, list[str]]]:
    """(page on the app, its recorded traffic, uncaught page errors), shared by the module."""
    reason = browser.unavailable_reason()
    if reason:
        if os.environ.get("FRONTLINES_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests required (FRONTLINES_REQUIRE_BROWSER=1) but {reason}")
        pytest.skip(reason)
    with browser.StreamlitServer(browser.APP) as server, browser.chromium() as chromium:
        page = chromium.new_page(viewport=browser.VIEWPORT)
        traffic = browser.Traffic().attach(page)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        yield browser.MapPage(page, server.url, traffic), traffic, errors


@pytest.fixture
def map_page(session) -> browser.MapPage:
    return session[0]


def stamp_shows(state: dict[str, Any], date: dt.date) -> bool:
    """The stamp's text names the date, as ISO or spelled out (``15 July 2016``)."""
    text = state["stamp_text"] or ""
    return date.isoformat() in text or f"{date.day} {date:%B %Y}" in text


def drawn_factions_match(state: dict[str, Any], date: dt.date) -> None:
    """Every faction the core says holds land is drawn, and nothing else is."""
    expected = browser.expected_factions(date)
    holding = {f for f, km2 in browser.model().area_by_faction(date).items() if km2 > 0}
    drawn = set(state["factions"])
    assert expected <= drawn, f"{date}: factions holding land but not drawn: {sorted(expected - drawn)}"
    assert drawn <= holding - {"unclaimed"}, f"{date}: drawn but holding nothing: {sorted(drawn - holding)}"


def first_change_after(date: dt.date) -> dt.date:
    """The first day after ``date`` on which the core's areas change (so one slider step redraws them)."""
    core = browser.model()
    for epoch in core.epochs(date, core.record.end)[1:]:
        before = core.area_by_faction(epoch.valid_from - dt.timedelta(days=1))
        after = core.area_by_faction(epoch.valid_from)
        if any(abs(before.get(f, 0) - after.get(f, 0)) > 1 for f in before.keys() | after.keys()):
            return epoch.valid_from
    raise AssertionError(f"no change of areas after {date}")


def core_faction_at(date: dt.date, lon: float, lat: float) -> str | None:
    """Faction of the core's area (as exported for the map) that contains a point."""
    from shapely.geometry import Point, shape

    from dashboard.core import features

    for f in features.date_features(browser.model(), date):
        if f["properties"]["kind"] == "area" and shape(f["geometry"]).contains(Point(lon, lat)):
            return f["properties"]["faction"]
    return None


def fingerprint(state: dict[str, Any]) -> tuple:
    return state["layers"], state["styles"], state["fronts"]


def test_default_date_draws_every_faction_holding_land(map_page):
    state = map_page.goto("", DEFAULT.isoformat())
    assert state["date"] == DEFAULT.isoformat()
    assert stamp_shows(state, DEFAULT), state["stamp_text"]
    assert map_page.slider_date() == DEFAULT.isoformat()
    drawn_factions_match(state, DEFAULT)
    # Map first: no banner above it, no Deploy button or developer menu (.streamlit/config.toml).
    page = map_page.page
    assert page.locator("h1").count() == 0
    assert page.get_by_role("button", name="Deploy").count() == 0
    assert page.locator('[data-testid="stMainMenu"]').count() == 0
    # The pages are named for what they hold, in the sidebar's navigation.
    nav = page.locator('[data-testid="stSidebarNav"] a')
    assert [nav.nth(i).inner_text().strip() for i in range(nav.count())] == ["Map", "Add article"]
    # The rest of the page follows the drawn map by itself (the first run sends the map alone).
    map_page.wait_for_full_page()


def test_slider_redraws_the_map_in_the_browser_and_the_page_follows(session):
    map_page, traffic, _ = session
    change = first_change_after(DEFAULT)
    before_day = change - dt.timedelta(days=1)
    map_page.goto(f"?date={before_day.isoformat()}", before_day.isoformat())
    before = map_page.set_view(7, (35.0, 42.0))  # a reload would put it back to zoom 6
    map_page.mark_iframe()

    frames = len(traffic.ws_frames)
    map_page.press_slider("ArrowRight")
    after = map_page.wait_for_map(change.isoformat())
    # Drawn with no message from the server: the map holds the whole record.
    assert len(traffic.ws_frames) == frames, "the redraw waited on the server"
    assert map_page.slider_date() == change.isoformat()
    assert fingerprint(after) != fingerprint(before), "areas not redrawn across a change of control"
    drawn_factions_match(after, change)
    map_page.wait_for_link(change.isoformat())  # then the page follows: link, caption, tables
    map_page.page.get_by_text(f"Control on {change.day} {change:%B %Y}.").wait_for(timeout=30_000)
    assert after["zoom"] == 7, "zoom lost: the map was rebuilt"
    assert map_page.state()["center"] == pytest.approx(before["center"], abs=1e-4)
    assert map_page.iframe_marked(), "the map iframe was reloaded"

    map_page.press_slider("ArrowLeft")
    back = map_page.wait_for_map(before_day.isoformat())
    assert fingerprint(back) == fingerprint(before)
    map_page.wait_for_link(before_day.isoformat())
    assert back["zoom"] == 7 and map_page.iframe_marked()

    button = map_page.event_button("Next event")
    button.click()
    moved = map_page.wait_for_map()
    assert moved["date"] > before_day.isoformat() and moved["slider"] == moved["date"]
    map_page.wait_for_link(moved["date"])
    assert map_page.state()["zoom"] == 7 and map_page.iframe_marked(), "Next event reloaded the map"


def test_dragging_the_slider_redraws_the_map_frame_by_frame(session):
    map_page, traffic, _ = session
    map_page.goto("?date=2014-01-01", "2014-01-01")
    box = map_page.slider_thumb().bounding_box()
    y = box["y"] + box["height"] / 2
    map_page.wait_idle()
    start = map_page.state()
    frames = len(traffic.ws_frames)
    page = map_page.page
    page.mouse.move(box["x"] + 2, y)
    page.mouse.down()
    for step in range(1, 31):
        page.mouse.move(box["x"] + box["width"] * step / 60, y)
        page.evaluate(browser.TWO_FRAMES_JS)
    moved = map_page.state()
    assert moved["draws"] - start["draws"] >= 25, "the map did not follow the drag"
    assert len(traffic.ws_frames) == frames, "the drag waited on the server"
    page.mouse.up()
    map_page.wait_for_link(moved["slider"])
    assert moved["date"] == moved["slider"]


#: Whether the point (x, y) lands on the button named ``name`` (and not on something drawn over it).
TOP_OF_BUTTON_JS = """([x, y, name]) => {
  const button = document.elementFromPoint(x, y).closest('button');
  return !!button && button.innerText.includes(name);
}"""


@pytest.mark.parametrize("size", [(390, 844), (768, 1024), (1366, 768)])
def test_share_and_download_are_not_under_the_header(map_page, size):
    """Streamlit's header is opaque on narrow screens: the buttons above the map must start below it,
    or a tap on their upper half lands on the header."""
    page = map_page.page
    page.set_viewport_size({"width": size[0], "height": size[1]})
    try:
        map_page.goto("", DEFAULT.isoformat())
        header = page.locator('[data-testid="stHeader"]').bounding_box()
        for name in ("Share", "Download"):
            button = page.get_by_role("button", name=name, exact=True)
            box = button.bounding_box()
            hit = page.evaluate(TOP_OF_BUTTON_JS, [box["x"] + box["width"] / 2, box["y"] + 2, name])
            assert hit, f"{name} at {box} is covered at its top edge (header {header}) at {size}"
    finally:
        page.set_viewport_size(browser.VIEWPORT)


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_the_map_fills_the_window(map_page, size):
    page = map_page.page
    page.set_viewport_size({"width": size[0], "height": size[1]})
    try:
        map_page.goto("", DEFAULT.isoformat())
        frame = page.locator(browser.MAP_IFRAME).bounding_box()
        inner = map_page.in_map("(w) => { const s = w.map.getSize(); return [s.x, s.y]; }")
        assert inner == [round(frame["width"]), round(frame["height"])]  # Leaflet fills its frame
        assert frame["y"] + frame["height"] <= size[1]  # the whole map is on screen ...
        assert frame["height"] >= 0.75 * size[1] and frame["width"] >= 0.6 * size[0]  # ... and most of it
        # It opens on Syria and Iraq whole, and little else: the two countries span most of the
        # view's width or height (the zoom goes in quarter steps: 2 ** 0.25 = 1.19 between them) ...
        west, south, east, north = mapview.theatre_bounds()
        shown = map_page.in_map("(w) => w.map.getBounds().toBBoxString().split(',').map(Number)")
        assert shown[0] <= west and shown[1] <= south and shown[2] >= east and shown[3] >= north, shown
        fill = max((east - west) / (shown[2] - shown[0]), (north - south) / (shown[3] - shown[1]))
        assert fill >= 0.7, f"Syria and Iraq fill {fill:.0%} of the opening view at {size}"
        # ... and the legend and the player cover none of their box.
        theatre, boxes = map_page.in_map(COVERING_JS, [[south, west], [north, east]])
        for name, box in boxes.items():
            apart = (box[2] <= theatre[0] or box[0] >= theatre[2] or box[3] <= theatre[1]
                     or box[1] >= theatre[3])
            assert apart, f"the {name} covers Syria and Iraq at {size}: {box} over {theatre}"
        # At the opening zoom the cities of the war are named, and no two names touch.
        names = map_page.in_map(NAMES_JS)
        assert {"Raqqa", "Mosul", "Deir ez-Zor", "Palmyra", "Ramadi", "Fallujah"} <= set(names), sorted(names)
        touching = [(a, b) for (a, ra), (b, rb) in combinations(names.items(), 2)
                    if ra[0] < rb[2] and rb[0] < ra[2] and ra[1] < rb[3] and rb[1] < ra[3]]
        assert not touching, f"names over each other at {size}: {touching}"
    finally:
        page.set_viewport_size(browser.VIEWPORT)


def test_a_phone_names_the_war_without_names_over_each_other(map_page):
    """A phone's map opens a zoom lower, where not every city's name fits: the capitals and the war's
    cities keep theirs, on whichever side is clear (labels.thin), and no two names touch."""
    page = map_page.page
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        map_page.goto("", DEFAULT.isoformat())
        assert map_page.in_map("(w) => w.map.getZoom()") < OPENING_ZOOM
        names = map_page.in_map(NAMES_JS)
        war = {"Baghdad", "Damascus", "Mosul", "Raqqa", "Deir ez-Zor", "Palmyra"}
        assert war <= set(names), sorted(names)
        touching = [(a, b) for (a, ra), (b, rb) in combinations(names.items(), 2)
                    if ra[0] < rb[2] and rb[0] < ra[2] and ra[1] < rb[3] and rb[1] < ra[3]]
        assert not touching, f"names over each other on a phone: {touching}"
    finally:
        page.set_viewport_size(browser.VIEWPORT)


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080), (390, 844)])
def test_the_page_looks_like_its_reference(map_page, size):
    """The page as a user first sees it, on a laptop, a desktop and a phone, against a saved picture
    (tests/images.py; FRONTLINES_UPDATE_REFERENCES=1 rewrites it): map first, fitted to Syria and Iraq,
    the legend and the player off the land, the cities of the war named, the sidebar's pages."""
    page = map_page.page
    page.set_viewport_size({"width": size[0], "height": size[1]})
    try:
        map_page.goto("", DEFAULT.isoformat())
        map_page.wait_for_full_page()  # the picture is of the whole page, sidebar included
        # The credits and the scale's labels are small text whose width moves by a pixel or two from
        # one Chromium build to the next (their content is checked elsewhere).
        page.frame_locator(browser.MAP_IFRAME).locator("body").evaluate(
            "b => { const s = b.ownerDocument.createElement('style'); b.appendChild(s); s.textContent = "
            "'.leaflet-control-attribution, .leaflet-control-scale {visibility: hidden}'; }")
        page.evaluate("() => document.fonts.ready")
        map_page.in_map("(w) => w.document.fonts.ready.then(() => 0)")
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        shot = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
    finally:
        page.set_viewport_size(browser.VIEWPORT)
    half = shot.resize((shot.width // 2, shot.height // 2), Image.Resampling.BOX)  # a smaller reference
    assert_looks_like(half, f"app-{size[0]}x{size[1]}.png", mean=1.0, worst=40.0)


def test_deep_link_opens_on_its_date(map_page):
    state = map_page.goto(f"?date={DEEP_LINK.isoformat()}", DEEP_LINK.isoformat())
    assert stamp_shows(state, DEEP_LINK), state["stamp_text"]
    assert map_page.slider_date() == DEEP_LINK.isoformat()
    drawn_factions_match(state, DEEP_LINK)
    mosul = browser.model().gazetteer["mosul"]
    at_mosul = {"lat": mosul.lat, "lon": mosul.lon}
    assert core_faction_at(DEEP_LINK, mosul.lon, mosul.lat) == "iraq"
    assert map_page.in_map(FACTION_AT_JS, at_mosul) == ["iraq"]
    map_page.goto("", DEFAULT.isoformat())
    assert core_faction_at(DEFAULT, mosul.lon, mosul.lat) == "isis"
    assert map_page.in_map(FACTION_AT_JS, at_mosul) == ["isis"]


def test_the_link_follows_the_map_and_reopens_the_same_view(map_page):
    map_page.goto(f"?date={DEEP_LINK.isoformat()}", DEEP_LINK.isoformat())
    map_page.set_view(8, (36.1, 42.9))  # as a user panning and zooming to Mosul
    # The map reports its view once it has settled, and the link follows that report's rerun, which
    # may start after the app looked idle: wait for the link itself.
    map_page.page.wait_for_function("() => location.search.includes('zoom=8')", timeout=30_000)
    query = map_page.page.url.split("?", 1)[1]
    assert "lat=36.1000" in query and "lon=42.9000" in query and "zoom=8" in query, query
    assert f"date={DEEP_LINK.isoformat()}" in query

    state = map_page.goto("?" + query, DEEP_LINK.isoformat())
    assert state["zoom"] == 8
    pixel = 360 / (256 * 2 ** 8)  # Leaflet snaps the view to whole pixels
    assert state["center"] == pytest.approx([36.1, 42.9], abs=pixel)
    assert map_page.page.url.split("?", 1)[1] == query


def test_base_geography_and_the_record_come_from_the_apps_static_files(session):
    map_page, traffic, _ = session
    map_page.goto("", DEFAULT.isoformat())
    fetched = [u for u in traffic.urls if "/app/static/generated/" in u]
    assert {u.rsplit("/", 1)[1].split("-")[0] for u in fetched} == {"countries", "governorates", "rivers",
                                                                     "lakes", "record"}
    drawn = map_page.in_map("(w) => { let n = 0; w.map.eachLayer(l => { if (l.options && "
                            "l.options.pane === 'fl-base' && l.feature) n++; }); return n; }")
    assert drawn == 10 + 32 + 11 + 5  # countries, governorates, rivers, lakes in geodata/


def test_play_and_pause_leave_slider_map_stamp_and_link_on_one_date(map_page):
    start = dt.date(2016, 10, 1)
    for _ in range(3):
        map_page.goto(f"?date={start.isoformat()}", start.isoformat())
        frame = map_page.in_frame()
        frame.get_by_role("button", name="Play").click()
        map_page.page.wait_for_function(f"() => ({browser.MAP_STATE_JS})()?.date > {start.isoformat()!r}",
                                        polling="raf", timeout=30_000)
        frame.get_by_role("button", name="Pause").click()
        shown = map_page.state()
        map_page.wait_for_link(shown["date"])
        after = map_page.state()
        assert after["date"] == shown["date"] == after["slider"], "the map moved on after Pause"
        day = dt.date.fromisoformat(shown["date"])
        assert stamp_shows(after, day)
        assert f"date={shown['date']}" in map_page.page.url


def test_the_map_is_painted_in_each_factions_colour(map_page):
    """A screenshot of the map (kept in artifacts/browser/map.png): every faction holding land shows its
    fill, at one of the app's opacities over the white land, in a good number of pixels."""
    map_page.goto("", DEFAULT.isoformat())
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    map_page.page.screenshot(path=str(SCREENSHOT), full_page=True)
    shot = map_page.page.locator(browser.MAP_IFRAME).screenshot()
    pixels = np.asarray(Image.open(io.BytesIO(shot)).convert("RGB")).astype(int).reshape(-1, 3)
    colours = browser.model().record.colours
    for faction in browser.expected_factions(DEFAULT, min_km2=5_000):
        near = 0
        for opacity in palette.TIER_OPACITY.values():  # reported, inferred or dominated land
            fill = np.array(to_rgb(colours[faction])) * opacity + (1 - opacity)
            near += (np.abs(pixels - np.round(255 * fill)).max(axis=1) <= 8).sum()
        assert near >= 200, (faction, near)


def test_downloads_and_share_link_give_the_view_on_screen(map_page, tmp_path):
    query = f"?date={DEEP_LINK.isoformat()}&lat=36.3400&lon=43.1300&zoom=9"
    map_page.goto(query, DEEP_LINK.isoformat())
    page = map_page.page
    page.get_by_role("button", name="Share", exact=True).click()
    link = page.locator('[data-testid="stCode"] code').first.inner_text()
    assert link.startswith(map_page.base_url + "?") and query[1:] in link
    got = {}
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Download", exact=True).click()
    for label in ("CSV", "Map (PNG)"):
        with page.expect_download(timeout=60_000) as info:
            page.get_by_role("button", name=label, exact=True).click()
        target = tmp_path / info.value.suggested_filename
        info.value.save_as(target)
        got[label] = target
    assert got["CSV"].name == f"frontlines-{DEEP_LINK.isoformat()}.csv"
    rows = got["CSV"].read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("kind,") and any(r.startswith("place,mosul,") for r in rows)
    data = got["Map (PNG)"].read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", data[16:24]) == (2400, 1600)


def test_an_events_whole_ring_and_its_dot_open_its_popup(map_page):
    """Clicked at its centre (over the place's dot), inside its ring and on the ring's edge, an event
    opens its popup, also after the places are switched off and on again (drawn after the events)."""
    map_page.goto(f"?date={DEFAULT.isoformat()}&lat=36.3&lon=43.1&zoom=9", DEFAULT.isoformat())
    page = map_page.page
    box = page.locator(browser.MAP_IFRAME).bounding_box()
    shown = map_page.in_map("""(w) => { const out = [];
      w.frontlinesEngine.group.events.eachLayer(l => {
        const p = w.map.latLngToContainerPoint(l.getLatLng()); out.push([p.x, p.y, l.getRadius()]); });
      return out; }""")
    x, y, radius = next(s for s in shown if 60 < s[0] < box["width"] - 60 and 60 < s[1] < box["height"] - 60)
    set_layers = "(w, l) => { w.frontlinesEngine.setLayers(l); return 0; }"
    map_page.in_map(set_layers, ["areas", "fronts", "events"])
    map_page.in_map(set_layers, ["areas", "fronts", "places", "events"])
    for dx in (0, radius / 2, radius):
        map_page.in_map("(w) => { w.map.closePopup(); return 0; }")
        page.mouse.click(box["x"] + x + dx, box["y"] + y)
        assert map_page.in_map("(w) => w.document.querySelectorAll('.leaflet-popup').length") == 1, dx
    map_page.in_map("(w) => { w.map.closePopup(); return 0; }")


def note_when_cut_off(map_page: browser.MapPage, address: str, query: str, note: str) -> str:
    """The text of the map's ``note`` element on a page opened in a fresh browser context in which
    requests to ``address`` (a glob) fail, as with no network."""
    context = map_page.page.context.browser.new_context(viewport=browser.VIEWPORT)
    try:
        page = context.new_page()
        page.route(address, lambda route: route.abort("internetdisconnected"))
        page.goto(map_page.base_url + query, wait_until="domcontentloaded")
        shown = page.frame_locator(browser.MAP_IFRAME).locator(note)
        shown.wait_for(timeout=60_000)
        return shown.inner_text()
    finally:
        context.close()


def test_a_base_map_that_fails_to_load_is_said_on_the_map(map_page):
    text = note_when_cut_off(map_page, "**/generated/countries-*.json", "", ".fl-base-error")
    assert "failed to load" in text


def test_online_tiles_that_cannot_be_reached_are_said_on_the_map(map_page):
    text = note_when_cut_off(map_page, "https://tile.openstreetmap.org/**", "?layers=areas,fronts,osm",
                             ".fl-tile-notice")
    assert "OpenStreetMap tiles need a network connection" in text


def paste_article(page: Any, base_url: str, article: str, title: str) -> None:
    """On the Add article page: paste ``article`` and give its source (``title``, Test News)."""
    page.goto(base_url + "add_article", wait_until="domcontentloaded")
    page.get_by_label("Article text").fill(article)
    page.keyboard.press("Control+Enter")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Publisher").fill("Test News")
    page.keyboard.press("Enter")


def test_add_article_page_proposes_candidates_on_its_map(map_page):
    page = map_page.page
    article = "Tuesday, 27 June 2017\n\nA car bomb exploded in Baghdad on Sunday."
    paste_article(page, map_page.base_url, article, "Our test wire")
    page.get_by_text("1 candidate event(s)").wait_for(timeout=30_000)
    # The candidate's marker, drawn on the map's canvas (read from the top page: the iframe may reload).
    markers = f"""() => {{ const f = document.querySelector('{browser.MAP_IFRAME}');
      const w = f && f.contentWindow; let n = 0;
      if (w && w.map) w.map.eachLayer(l => {{ if (l.getRadius && l.options.color === '#1565c0') n += 1; }});
      return n; }}"""
    page.wait_for_function(f"() => ({markers})() === 1", timeout=30_000)
    # Editing is off unless the server is started with it (FRONTLINES_EDITING): the candidates are
    # offered as a file, and nothing here can write the record.
    page.get_by_role("button", name="Download the 1 accepted candidate(s) (YAML)").wait_for(timeout=30_000)
    page.get_by_text("Editing is off here").wait_for(timeout=30_000)
    assert page.get_by_role("button", name="Merge 1 accepted event(s) into events.yaml").count() == 0


def test_nothing_leaves_the_machine(session):
    map_page, traffic, errors = session
    if not traffic.urls:  # run on its own: load a page first (otherwise this checks all the tests above)
        map_page.goto(f"?date={DEEP_LINK.isoformat()}", DEEP_LINK.isoformat())
    assert any(u.startswith("ws://127.0.0.1") for u in traffic.urls), "websocket not recorded"
    assert any("/app/static/leaflet" in u for u in traffic.urls), "vendored Leaflet not requested"
    assert traffic.foreign_urls() == []
    assert errors == [], f"uncaught errors in the page: {errors}"


def test_a_long_article_being_read_leaves_another_users_map_responsive(session):
    """One session reads an article at the size limit (the densest shape) while another moves the
    slider: the second map redraws and its page follows before the first one's candidates come."""
    from dashboard.ingest.reading import MAX_CHARS

    map_page, _, _ = session
    change = first_change_after(DEFAULT)
    before_day = change - dt.timedelta(days=1)
    map_page.goto(f"?date={before_day.isoformat()}", before_day.isoformat())

    reader = map_page.page.context.browser.new_page(viewport=browser.VIEWPORT)  # another session
    try:
        article = "BAGHDAD, May 23, 2016 (AFP) - " + "IS Mosul captured " * ((MAX_CHARS - 40) // 18)
        paste_article(reader, map_page.base_url, article, "A long wire")
        reader.get_by_text("Finding the article's events").wait_for(timeout=60_000)

        map_page.press_slider("ArrowRight")
        map_page.wait_for_map(change.isoformat())
        map_page.wait_for_link(change.isoformat())   # the server answered the settle
        assert reader.get_by_text("Finding the article's events").is_visible(), \
            "the article was read before the map's page followed: nothing was tested"
        reader.get_by_text("candidate event(s)").wait_for(timeout=120_000)
    finally:
        reader.close()
