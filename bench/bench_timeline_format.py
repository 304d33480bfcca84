"""How big the whole record is in the browser: the time engine's form against each epoch's areas.

Run: ``python bench/bench_timeline_format.py [--baseline]``.  Prints figures; asserts nothing.

The time engine (issue 13) gets every territory unit's outline once and, per epoch, only the leaders
whose state changed (:func:`dashboard.core.timeline.timeline`, with the look and the events:
:func:`dashboard.web.mapview.engine_data`).  This prints its size per part, raw and gzipped, the
standalone page of the whole record, and with ``--baseline`` the format it replaced: every epoch's
merged areas, front lines and places as features, each distinct feature written once (30 s).
"""

from __future__ import annotations

import argparse
import gzip
import json
import time

from dashboard.core import features
from dashboard.core.model import ControlModel
from dashboard.web import mapview
from dashboard.web.standalone import standalone_html


def sizes(data: object) -> tuple[int, int]:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return len(raw), len(gzip.compress(raw, 6))


def row(name: str, raw: int, packed: int, note: str = "") -> None:
    print(f"  {name:44} {raw / 1e6:7.2f} MB raw {packed / 1e6:6.2f} MB gzipped{note}")


def per_epoch_features(model: ControlModel, simplify_m: float = 1000.0) -> dict[str, list]:
    """The replaced format: each epoch's features (as the app drew them), each distinct one once."""
    unique: dict[str, int] = {}
    states = []
    for epoch in model.epochs():
        shown = features.state_features(model, epoch.valid_from, simplify_m)
        states.append([unique.setdefault(json.dumps(f, sort_keys=True), len(unique)) for f in shown])
    return {"features": [json.loads(f) for f in unique], "states": states}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", action="store_true", help="also build the replaced format (30 s)")
    args = parser.parse_args()
    model = ControlModel.load()
    t0 = time.perf_counter()
    data = mapview.engine_data(model)
    built = time.perf_counter() - t0
    print(f"record: {len(data['places'])} recorded places, {len(data['epochs'])} epochs, "
          f"{len(data['units']['leader'])} units, {len(data['pockets']['km2'])} pockets, "
          f"{len(data['edges']['a'])} shared edges, {len(data['events'])} events; built in {built:.2f} s")
    for part in ("shapes", "edges", "outlines", "epochs", "places", "events", "look"):
        row(part, *sizes(data[part]))
    row("whole record for the time engine", *sizes(data), "   (issue 13 target: <= 1.5 MB gzipped)")
    shapes_gz = sizes(data["shapes"])[1] + sizes(data["edges"])[1]
    per_epoch = sizes(data["epochs"])[1] / len(data["epochs"])
    print(f"  extrapolated to 1,000 epochs: {(shapes_gz + 1000 * per_epoch) / 1e6:.2f} MB gzipped")
    t0 = time.perf_counter()
    page = standalone_html(model, model.record.start, model.record.end).encode()
    row(f"standalone HTML, whole record ({time.perf_counter() - t0:.1f} s)", len(page),
        len(gzip.compress(page, 6)), "   (target: <= 2 MB)")
    if args.baseline:
        t0 = time.perf_counter()
        old = per_epoch_features(model)
        row(f"baseline: each epoch's features ({time.perf_counter() - t0:.0f} s)", *sizes(old))


if __name__ == "__main__":
    main()
