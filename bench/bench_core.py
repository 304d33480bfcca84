"""Speed of the core: name search, one date's snapshot warm and cold, export end to end, history.

Run: ``python bench/bench_core.py``.  Prints figures; asserts nothing.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dashboard.core.changes import land_changes
from dashboard.core.model import ControlModel
from dashboard.web.mapview import engine_data


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    t0 = time.perf_counter()
    model = ControlModel.load()
    print(f"load model (gazetteer, events, territory units): {1000 * (time.perf_counter() - t0):.0f} ms")
    epochs = model.epochs()
    print(f"places: {len(model.places)}, recorded: {len(model.history.places)}, epochs: {len(epochs)}")
    gazetteer = model.gazetteer
    names = [p.name for p in random.Random(5).sample(list(gazetteer), 500)]
    gazetteer.resolve("Falujjahh")  # the looser indexes are built on the first miss
    took = timed(lambda: [gazetteer.resolve(name) for name in names])
    misspelt = timed(lambda: [gazetteer.suggest(name + "x") for name in names[:100]])
    print(f"search: a place's name resolved in {1e6 * took / len(names):.0f} us (500 names); "
          f"suggestions for a misspelt name in {1000 * misspelt / 100:.1f} ms")

    cold = [timed(lambda e=e: model.snapshot(e.valid_from)) for e in epochs[::5]]
    warm = [timed(lambda e=e: model.snapshot(e.valid_from)) for e in epochs[::5]]
    print(f"snapshot cold (first time a state is seen): median {1000 * statistics.median(cold):.1f} ms, "
          f"max {1000 * max(cold):.1f} ms")
    print(f"snapshot warm (state seen before): median {1e6 * statistics.median(warm):.1f} us")

    fresh = ControlModel.load()
    took = timed(lambda: engine_data(fresh))
    print(f"the time engine's record, every state (what the app publishes once per server): {took:.2f} s")

    with tempfile.TemporaryDirectory() as tmp:
        runs = []
        for _ in range(3):
            out = Path(tmp) / "d.geojson"
            cmd = [sys.executable, "-m", "dashboard", "export", "--date", "2016-07-15", "--out", str(out)]
            runs.append(timed(lambda cmd=cmd: subprocess.run(cmd, check=True)))
        print(f"export --date end to end (new process): median {statistics.median(runs):.2f} s")
        out = Path(tmp) / "h.geojson"
        cmd = [sys.executable, "-m", "dashboard", "export", "--history", "--out", str(out)]
        took = timed(lambda: subprocess.run(cmd, check=True))
        print(f"export --history end to end: {took:.1f} s, {out.stat().st_size / 1e6:.1f} MB")
    date = dt.date(2016, 7, 15)
    print(f"IS area on {date}: {model.area_by_faction(date).get('isis', 0):,.0f} km2")
    t0 = time.perf_counter()
    model.area_history()
    print(f"area per faction for all {len(epochs)} states (the app's chart): "
          f"{1000 * (time.perf_counter() - t0):.0f} ms")
    t0 = time.perf_counter()
    land_changes(model, model.record.start, model.record.end)
    print(f"land changed hands, whole record (the app's 'changes since'): "
          f"{1000 * (time.perf_counter() - t0):.0f} ms")


if __name__ == "__main__":
    main()
