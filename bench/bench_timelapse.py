"""Timelapse films: how long the whole record takes at one frame a week, against drawing every frame whole.

    python bench/bench_timelapse.py

Target (issue 14): the whole record (2014-01-01 .. 2019-03-31) at one frame a week, 1280x720, in well
under a minute.  Baseline in the same run: the naive film, ``draw_map`` for every frame (comparing
with the frame before) rendered at the same size, timed on the first weeks of 2016 and extrapolated
per frame.  Each run gets a model of its own, so both pay for the areas of the states they meet.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path

import numpy as np

from dashboard.core.model import ControlModel
from dashboard.outputs import staticmap
from dashboard.outputs.timelapse import DPI, SIZE_PX, TimelapseFrames, frame_dates, write_video

START, END, EVERY = dt.date(2014, 1, 1), dt.date(2019, 3, 31), "1W"
BASELINE_FRAMES = 12


def film(model: ControlModel, dates: list[dt.date], out: Path) -> tuple[float, int]:
    """Seconds to draw and encode the film, and how many distinct pictures were drawn."""
    start = time.perf_counter()
    frames = TimelapseFrames(model, dates)
    write_video((frames.image(i) for i in range(len(dates))), out, out.suffix[1:])
    return time.perf_counter() - start, frames.renders


def naive_frame(model: ControlModel, date: dt.date, previous: dt.date | None) -> np.ndarray:
    """One frame as a snapshot draws it: the whole map, every time."""
    figure = staticmap.draw_map(model, date, compare=previous, size_in=(SIZE_PX[0] / DPI, SIZE_PX[1] / DPI))
    figure.set_dpi(DPI)
    figure.canvas.draw()
    return np.asarray(figure.canvas.buffer_rgba())[..., :3].copy()


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-timelapse-"))
    started = time.perf_counter()
    model = ControlModel.load()
    print(f"model load: {time.perf_counter() - started:.1f} s (not counted below)")
    dates = frame_dates(model, START, END, EVERY)
    epochs = len({model.epoch_index(d) for d in dates})
    print(f"{START} .. {END} every {EVERY}: {len(dates)} frames, {epochs} distinct states, "
          f"{SIZE_PX[0]}x{SIZE_PX[1]}")
    for kind in ("mp4", "gif"):
        out = folder / f"war.{kind}"
        seconds, renders = film(ControlModel.load() if kind == "gif" else model, dates, out)
        print(f"timelapse {kind.upper()}: {seconds:.1f} s ({seconds / len(dates) * 1000:.0f} ms a frame), "
              f"{renders} distinct rasters drawn, {out.stat().st_size / 1e6:.1f} MB")
    baseline_model = ControlModel.load()
    short = frame_dates(baseline_model, dt.date(2016, 1, 1), END, EVERY)[:BASELINE_FRAMES]
    started = time.perf_counter()
    for i, date in enumerate(short):
        naive_frame(baseline_model, date, short[i - 1] if i else None)
    per_frame = (time.perf_counter() - started) / len(short)
    print(f"baseline, draw_map for every frame: {per_frame * 1000:.0f} ms a frame over {len(short)} frames; "
          f"the whole record would take {per_frame * len(dates):.0f} s before encoding")


if __name__ == "__main__":
    main()
