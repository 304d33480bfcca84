"""Static maps and briefing packs: how long they take and how big they are.

    python bench/bench_briefing.py

Targets (issue 4): one PNG snapshot <= 3 s; a 24-page pack <= 60 s.  The PNG is timed twice:
end to end through the command line (a new Python process: imports, loading the model, drawing,
writing), and drawing plus writing alone in a warm process.
"""

from __future__ import annotations

import datetime as dt
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dashboard.core.model import ControlModel
from dashboard.outputs import briefing, staticmap, textfit
from dashboard.web.standalone import standalone_html


def clock(fn, repeat: int = 1) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    out = Path(tempfile.mkdtemp(prefix="bench-briefing-"))
    cli = clock(lambda: subprocess.run([sys.executable, "-m", "dashboard", "snapshot", "--date", "2017-07-10",
                                        "--out", str(out / "cli.png")], check=True, capture_output=True), 3)
    print(f"snapshot PNG via CLI (new process, model load included): median {statistics.median(cli):.2f} s "
          f"(runs: {', '.join(f'{t:.2f}' for t in cli)})")
    model = ControlModel.load()
    for name, kwargs in (("theatre", {}), ("focus Mosul", {"frame": staticmap.Frame.around(
            model.gazetteer.resolve("Mosul"))}), ("theatre + compare", {"compare": dt.date(2016, 10, 17)})):
        for kind in ("png", "pdf"):
            times = clock(lambda k=kind, kw=kwargs: staticmap.save_figure(
                staticmap.draw_map(model, dt.date(2017, 7, 10), **kw), out / f"m.{k}"), 3)
            size = (out / f"m.{kind}").stat().st_size
            print(f"snapshot {kind.upper()} {name:18s} warm: median {statistics.median(times):.2f} s, "
                  f"{size / 1e6:.2f} MB")
    dates = briefing.pack_dates(model, start=dt.date(2014, 1, 1), end=dt.date(2019, 3, 31), every="10W")[:24]
    pages = briefing.briefing_pages(model, dates)
    for kind in ("pdf", "pptx"):
        (seconds,) = clock(lambda k=kind: briefing.write_pack(model, pages, out / f"pack.{k}"))
        size = (out / f"pack.{kind}").stat().st_size
        print(f"{len(pages)}-page pack {kind.upper():4s}: {seconds:.1f} s "
              f"({seconds / len(pages):.2f} s a page), {size / 1e6:.1f} MB")
    from pptx import Presentation

    slides = len(Presentation(str(out / "pack.pptx")).slides)
    print(f"  PPTX: {slides} slides for {len(pages)} dates ({slides - len(pages)} continued)")
    width = (briefing.PANEL_WIDTH_IN - 2 * briefing.INSET_IN) * 72
    fits = briefing._at_most(briefing.MAX_EVENT_LINES, width, briefing.EVENT_SIZES[-1])
    (seconds,) = clock(lambda: [textfit.lay_out(briefing.event_paragraphs(model, page, fits), width,
                                                first=250, then=435, sizes=briefing.EVENT_SIZES)
                                for page in pages])
    print(f"  measuring and laying out the {len(pages)} pages' events (part of the above): {seconds:.2f} s")
    record = model.record
    page = out / "map.html"
    (seconds,) = clock(lambda: page.write_text(standalone_html(model, record.start, record.end)))
    print(f"standalone HTML, whole record: {seconds:.1f} s, {page.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
