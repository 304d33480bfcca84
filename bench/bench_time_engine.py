"""The time engine in the real app, in headless Chromium: first map, slider to map redrawn, drag scrub.

Run: ``python bench/bench_time_engine.py``.  Prints figures against issue 13's targets; asserts nothing.

- first map, cold (a new server) and warm (a new page on the same server): page opened to the engine
  having drawn its first date;
- slider move to map redrawn: an ``input`` event on the map's slider to two animation frames after
  the engine drew the new date (the paint), over 40 random dates, median and p95;
- drag scrub: a real mouse drag of the thumb across the slider, distinct dates drawn per second;
- websocket bytes the page received per date change (the page following the map, not map data).
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests import browser  # noqa: E402

MOVE_JS = """async (day) => {
  const e = window.frontlinesEngine, s = document.getElementById('fl-slider');
  const t0 = performance.now();
  s.value = day; s.dispatchEvent(new Event('input', {bubbles: true}));
  const frame = () => new Promise(r => requestAnimationFrame(r));
  await frame(); await frame(); await frame();
  return {ms: performance.now() - t0, drawn: e.day === day};
}"""


def first_map(server: browser.StreamlitServer, chromium, query: str = "") -> float:
    page = chromium.new_page(viewport=browser.VIEWPORT)
    t0 = time.perf_counter()
    page.goto(server.url + query, wait_until="domcontentloaded")
    page.frame_locator(browser.MAP_IFRAME).locator("[data-engine=ready]").wait_for(state="attached",
                                                                                    timeout=60_000)
    took = time.perf_counter() - t0
    page.close()
    return took


def main() -> None:
    with browser.StreamlitServer(browser.APP) as server, browser.chromium() as chromium:
        cold = first_map(server, chromium)
        warm = statistics.median(first_map(server, chromium) for _ in range(3))
        page = chromium.new_page(viewport=browser.VIEWPORT)
        traffic = browser.Traffic().attach(page)
        map_page = browser.MapPage(page, server.url, traffic)
        map_page.goto("", None)
        frame = next(f for f in page.frames if "st_folium" in f.url)
        days = frame.evaluate("window.frontlinesEngine.data.days")
        rng = random.Random(13)
        moves = [frame.evaluate(MOVE_JS, rng.randrange(days)) for _ in range(40)]
        ms = sorted(m["ms"] for m in moves)
        # A real drag across the whole slider, 120 pointer moves.
        box = map_page.slider_thumb().bounding_box()
        y = box["y"] + box["height"] / 2
        page.mouse.move(box["x"] + 1, y)
        page.mouse.down()
        before = frame.evaluate("window.frontlinesEngine.draws")
        t0 = time.perf_counter()
        for step in range(1, 121):
            page.mouse.move(box["x"] + box["width"] * step / 120, y)
            frame.evaluate("() => new Promise(r => requestAnimationFrame(r))")
        took = time.perf_counter() - t0
        drawn = frame.evaluate("window.frontlinesEngine.draws") - before
        page.mouse.up()
        map_page.wait_idle(quiet=1.0)
        mark = traffic.mark()
        map_page.press_slider("ArrowLeft")
        map_page.wait_idle(quiet=1.0)
        ws_bytes, _ = traffic.bytes_since(mark)
    print(f"first map, cold server: {cold:.2f} s (target <= 5 s); warm: {warm:.2f} s (target <= 1.5 s)")
    print(f"slider move to map redrawn (input to 2 frames after the draw, 40 dates): median "
          f"{statistics.median(ms):.0f} ms, p95 {ms[int(0.95 * len(ms)) - 1]:.0f} ms (targets 50 / 100 ms); "
          f"all drawn: {all(m['drawn'] for m in moves)}")
    print(f"drag scrub: {drawn} distinct dates drawn in {took:.2f} s = {drawn / took:.0f} per second "
          "(target >= 30)")
    print(f"after one date change the page received {ws_bytes / 1000:.0f} KB over the websocket "
          "(the page following the map: chart mark, tables, link; no map data)")


if __name__ == "__main__":
    main()
