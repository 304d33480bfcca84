"""Does the time engine scale? 30,000 territory units and 1,000 epochs, scrubbed in Chromium.

Run: ``python bench/bench_engine_scale.py [--units 30000] [--epochs 1000]``.  Prints figures; asserts
nothing.  Issue 13 asks that, with 1,000 epochs and 30,000 places (the dense gazetteer, every place
its own unit), scrubbing still draws at least 30 distinct dates per second.

The record is synthetic, in :mod:`dashboard.core.timeline`'s form: a grid of square units over the
theatre, each led by its own place, six holders, and per epoch a front that moves (a cluster of 30
neighbouring units changes hands).  It is drawn by the real engine (``time_engine.js``) in a page like
the standalone export; the real record (about 600 units, 300 epochs) is printed beside it.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dashboard.core import palette  # noqa: E402
from dashboard.core.model import ControlModel  # noqa: E402
from dashboard.web import mapview  # noqa: E402
from dashboard.web.elements import OfflineMap, TimeEngine  # noqa: E402
from dashboard.web.standalone import inline_leaflet  # noqa: E402
from tests import browser  # noqa: E402

HOLDERS = ["isis", "iraq", "krg", "syria", "sdf", "opposition"]
SCRUB_JS = """async () => {
  const e = window.frontlinesEngine, s = document.getElementById('fl-slider');
  const before = e.draws, t0 = performance.now(); let day = 0, frames = 0;
  while (performance.now() - t0 < 4000) {
    day = (day + 3) % e.data.days;
    s.value = day; s.dispatchEvent(new Event('input', {bubbles: true}));
    await new Promise(r => requestAnimationFrame(r));
    frames++;
  }
  const seconds = (performance.now() - t0) / 1000;
  return {per_s: (e.draws - before) / seconds, fps: frames / seconds};
}"""


def synthetic(units: int, epochs: int, seed: int = 13) -> dict:
    """A grid of ``units`` square units over 36-48 E, 30-37.5 N, and ``epochs`` epochs of moving fronts."""
    rng = random.Random(seed)
    cols = int((units * 12 / 7.5) ** 0.5)
    rows = units // cols
    w, h = 12 / cols, 7.5 / rows
    shapes, edges_a, edges_b, edge_shapes = [], [], [], []
    for r in range(rows):
        for c in range(cols):
            x, y = 36 + c * w, 30 + r * h
            corners = [(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)]
            ring = [[round(cx, 4), round(cy, 4)] for cx, cy in corners]
            shapes.append({"type": "Polygon", "coordinates": [ring]})
            i = r * cols + c
            if c + 1 < cols:
                edges_a.append(i), edges_b.append(i + 1)
                edge_shapes.append({"type": "LineString", "coordinates": [ring[1], ring[2]]})
            if r + 1 < rows:
                edges_a.append(i), edges_b.append(i + cols)
                edge_shapes.append({"type": "LineString", "coordinates": [ring[3], ring[2]]})
    n = rows * cols
    keys = [[f, [], None] for f in HOLDERS]
    state = [min(c * len(HOLDERS) // cols, len(HOLDERS) - 1) for r in range(rows) for c in range(cols)]
    out_epochs = [{"day": 0, "set": [[i, k] for i, k in enumerate(state)], "outlines": []}]
    for e in range(1, epochs):
        centre = rng.randrange(n)
        winner = rng.randrange(len(HOLDERS))
        cluster = {centre + dr * cols + dc for dr in range(-3, 3) for dc in range(-2, 3)}
        changed = sorted(i for i in cluster if 0 <= i < n and state[i] != winner)
        for i in changed:
            state[i] = winner
        out_epochs.append({"day": 2 * e, "set": [[i, winner] for i in changed], "outlines": []})
    colours = {"isis": "#262626", "iraq": "#d81b60", "krg": "#ef6c00", "syria": "#c62828", "sdf": "#f9c80e",
               "opposition": "#2e7d32", "contested": "#8e24aa", "unclaimed": "#ffffff"}
    tiers = ["held", "inferred", "dominated"]
    return {
        "start": "2014-01-01", "end": "2019-06-30", "days": 2 * epochs, "tiers": tiers,
        "leaders": [f"p{i}" for i in range(n)], "keys": keys,
        "units": {"leader": list(range(n)), "tier": [0] * n, "km2": [1.0] * n},
        "pockets": {"neighbours": [], "km2": []}, "shapes": shapes,
        "edges": {"a": edges_a, "b": edges_b, "shapes": edge_shapes}, "outlines": [],
        "places": [], "epochs": out_epochs, "events": [], "event_days": [],
        "look": {"colours": colours, "names": {f: f for f in colours}, "unknown_colour": "#bdbdbd",
                 "front_colour": palette.FRONT_COLOUR, "besieged_colour": palette.BESIEGED_COLOUR,
                 "area_opacity": palette.AREA_OPACITY, "window": 30,
                 "fills": {f: [palette.tier_fill(c, t) for t in tiers] for f, c in colours.items()}},
    }


def page(data: dict) -> str:
    fmap = OfflineMap(location=[33.7, 42.0], zoom_start=6, tiles=None, prefer_canvas=True)
    inline_leaflet(fmap)
    TimeEngine(data, data["start"]).add_to(fmap)
    return fmap.get_root().render()


def scrub(chromium, html: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scale.html"
        path.write_text(html, encoding="utf-8")
        tab = chromium.new_page(viewport=browser.VIEWPORT)
        t0 = time.perf_counter()
        tab.goto(path.as_uri())
        tab.wait_for_selector("[data-engine=ready]", state="attached", timeout=120_000)
        opened = time.perf_counter() - t0
        result = tab.evaluate(SCRUB_JS)
        tab.close()
    return {**result, "opened_s": opened}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=30_000)
    parser.add_argument("--epochs", type=int, default=1_000)
    args = parser.parse_args()
    real = mapview.engine_data(ControlModel.load())
    big = synthetic(args.units, args.epochs)
    with browser.chromium() as chromium:
        for name, data in [("real record", real), ("synthetic", big)]:
            raw = json.dumps(data, separators=(",", ":")).encode()
            got = scrub(chromium, page(data))
            print(f"{name}: {len(data['shapes']):,} units, {len(data['epochs']):,} epochs, "
                  f"{len(data['edges']['a']):,} edges; record {len(raw) / 1e6:.1f} MB raw, "
                  f"{len(gzip.compress(raw, 6)) / 1e6:.2f} MB gzipped; opened in {got['opened_s']:.1f} s; "
                  f"scrub: {got['per_s']:.0f} distinct dates drawn per second at {got['fps']:.0f} frames/s "
                  "(target >= 30)")


if __name__ == "__main__":
    main()
