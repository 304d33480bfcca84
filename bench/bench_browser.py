"""Speed of the page in a real headless browser: first map, slider -> map redrawn, bytes per date change.

Run: ``python bench/bench_browser.py [--changes 30]``.  Prints figures; asserts nothing but sanity.

Measures the app (dashboard/app.py: the map's time engine redraws the date in the browser; the page
follows once the date rests) and, in the same run, the naive way (bench/naive_app.py: a Streamlit
slider, the whole map rebuilt with the date drawn into it, so the map iframe reloads).
Each app gets its own fresh server; the same inputs are replayed on both: from several deep-linked dates
one day before a change of control, ArrowRight (crosses the change, new date), ArrowLeft (back across
it), ArrowRight (across it again), ArrowRight (a new date).  The app's "Next event" button is timed on
its own.

A redraw is timed in the page's own clock: from the key/pointer down to two animation frames after the
date stamp in the map shows the new date with areas drawn.  Bytes are everything received (websocket
frames + HTTP responses) from the input until the app is idle again.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests import browser  # noqa: E402

DEFAULT = dt.date(2016, 7, 15)
#: Issue 13's targets (ours): first map warm (s), slider to map redrawn (ms), KB per date change.
TARGETS = {"first": 1.5, "median": 50.0, "p95": 100.0, "kb": 300.0}
#: From the day before a change: across it (new date), back (seen), across again (seen), on (new date).
PATTERN = ("ArrowRight", "ArrowLeft", "ArrowRight", "ArrowRight")
BIG_FRAME = 64 * 1024


@dataclass
class Change:
    """One date change: input -> painted map, what the page received, what the map did."""

    date: str
    new: bool  # first visit of the date in this session (Streamlit's browser-side message cache is cold)
    ms: float
    server_ms: float  # input -> largest websocket message (the map component's) received by the page
    ws_kb: float
    http_kb: float
    frame_kb: float  # largest websocket frame
    big_frames: int  # websocket frames >= 64 KB
    redrawn: bool  # the drawn areas differ from before
    reloaded: bool  # the map iframe was reloaded

    @property
    def kb(self) -> float:
        return self.ws_kb + self.http_kb


@dataclass
class Figures:
    name: str
    cold_s: float = math.nan
    warm: list[float] = field(default_factory=list)  # first map in new tabs of a warm server (s)
    changes: list[Change] = field(default_factory=list)
    clicks: list[Change] = field(default_factory=list)  # "Next event"

    @property
    def warm_s(self) -> float:
        return median(self.warm)

    def of(self, attr: str, new: bool | None = None, changes: list[Change] | None = None) -> list[float]:
        return [getattr(c, attr) for c in (self.changes if changes is None else changes)
                if new is None or c.new == new]


def p95(values: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)] if ordered else math.nan


def median(values: list[float]) -> float:
    return statistics.median(values) if values else math.nan


def start_dates(count: int) -> list[dt.date]:
    """Days just before changes of control (areas differ the next day), spread over the record."""
    core = browser.model()
    changes = []
    for epoch in core.epochs()[1:]:
        before = core.area_by_faction(epoch.valid_from - dt.timedelta(days=1))
        after = core.area_by_faction(epoch.valid_from)
        if any(abs(before.get(f, 0) - after.get(f, 0)) > 1 for f in before.keys() | after.keys()):
            changes.append(epoch.valid_from - dt.timedelta(days=1))
    step = max(1, len(changes) // count)
    return changes[step // 2::step][:count]


def fingerprint(state: dict) -> tuple:
    return state["layers"], state["styles"], state["fronts"]


def timed_change(page: browser.MapPage, act: Callable[[], None], seen: set[str]) -> Change:
    before = page.state()
    page.mark_iframe()
    mark = page.traffic.mark()
    page.arm_watch()
    act()
    result = page.watch_result()
    page.wait_idle()
    ws, http = page.traffic.bytes_since(mark)
    frames = page.traffic.ws_frames[mark[0]:]
    after = page.state()
    change = Change(
        date=result["date"], new=result["date"] not in seen, ms=result["ms"],
        server_ms=math.nan if result["biggest_message_ms"] is None else result["biggest_message_ms"],
        ws_kb=ws / 1024, http_kb=http / 1024, frame_kb=max(frames, default=0) / 1024,
        big_frames=sum(n >= BIG_FRAME for n in frames),
        redrawn=fingerprint(before) != fingerprint(after), reloaded=not page.iframe_marked())
    seen.add(result["date"])
    return change


def measure(name: str, script: Path, dates: list[dt.date], clicks: int, settle: float = 0.0,
            warm: int = 1) -> Figures:
    figures = Figures(name)
    with browser.StreamlitServer(script) as server, browser.chromium() as chromium:
        context = chromium.new_context(viewport=browser.VIEWPORT)
        context.add_init_script(browser.WS_LOG_INIT_JS)
        map_page = None
        for n in range(1 + warm):  # first load on a fresh server, then new tabs (warm caches)
            page = context.new_page()
            tab = browser.MapPage(page, server.url, browser.Traffic().attach(page))
            t0 = time.perf_counter()
            page.goto(server.url, wait_until="commit")
            tab.wait_for_map(DEFAULT.isoformat())  # stamp + areas, then two animation frames
            seconds = time.perf_counter() - t0
            if n:
                figures.warm.append(seconds)
            else:
                figures.cold_s = seconds
            tab.wait_idle()
            if map_page is not None:
                map_page.page.close()
            map_page = tab
        time.sleep(settle)  # lets the server's background warm-up finish first, when asked to

        for start in dates:
            map_page.goto(f"?date={start.isoformat()}", start.isoformat())  # a new session
            seen = {start.isoformat()}
            expected = start
            for key in PATTERN:
                expected += dt.timedelta(days=1 if key == "ArrowRight" else -1)
                change = timed_change(map_page, lambda key=key: map_page.press_slider(key), seen)
                assert change.date == expected.isoformat(), (change, expected)
                figures.changes.append(change)

        button = map_page.event_button("Next event")
        if button is not None and clicks:
            map_page.goto("", DEFAULT.isoformat())
            seen = {DEFAULT.isoformat()}
            for _ in range(clicks):
                figures.clicks.append(timed_change(map_page, button.click, seen))
        context.close()
    return figures


def naive_script(tmp: Path) -> Path:
    """bench/naive_app.py in a folder with the app's static files and settings, which Streamlit finds
    beside the script (./static, served with the settings' static serving, and ./.streamlit)."""
    script = tmp / "naive_app.py"
    shutil.copy(ROOT / "bench" / "naive_app.py", script)
    (tmp / "static").symlink_to(ROOT / "dashboard" / "static", target_is_directory=True)
    (tmp / ".streamlit").symlink_to(ROOT / "dashboard" / ".streamlit", target_is_directory=True)
    return script


def report(ours: Figures, naive: Figures) -> None:
    def row(label: str, a: float, b: float, fmt: str = ".0f", target: float | None = None,
            unit: str = "") -> None:
        ratio = f"{b / a:5.1f}x" if a and not math.isnan(a) and not math.isnan(b) else ""
        goal = f"<= {target:g} {unit}: {'ok' if a <= target else 'MISSED'}" if target is not None else ""
        print(f"  {label:<44}{a:>8{fmt}}{b:>8{fmt}}  {ratio:>10}   {goal}")

    def both(fn: Callable[[Figures], float]) -> tuple[float, float]:
        return fn(ours), fn(naive)

    n, new = len(ours.changes), len(ours.of("ms", new=True))
    print(f"\nfrontlines in headless Chromium: {n} slider changes per app ({new} to a date not yet shown "
          f"in the session), {sum(ours.of('redrawn'))} of them redraw changed areas")
    print(f"  {'':<44}{'ours':>8}{'naive':>8}  {'naive/ours':>10}   target (ours)")
    # The targets are for a warm server; the cold figure (first page of a new server: imports,
    # model load, Streamlit's scripts into an empty browser cache) is shown for information.
    row("first map, cold server (s)", *both(lambda f: f.cold_s), ".2f")
    row(f"first map, warm, median of {len(ours.warm)} (s)", *both(lambda f: f.warm_s), ".2f",
        TARGETS["first"], "s")
    row("slider -> map redrawn, median (ms)", *both(lambda f: median(f.of("ms"))), target=TARGETS["median"],
        unit="ms")
    row("slider -> map redrawn, p95 (ms)", *both(lambda f: p95(f.of("ms"))), target=TARGETS["p95"], unit="ms")
    row("  new dates only: median (ms)", *both(lambda f: median(f.of("ms", True))))
    row("  new dates only: p95 (ms)", *both(lambda f: p95(f.of("ms", True))))
    row("  dates seen before: median (ms)", *both(lambda f: median(f.of("ms", False))))
    row("  input -> map message arrives, median (ms)", *both(lambda f: median(f.of("server_ms", True))))
    row("KB per date change, median", *both(lambda f: median(f.of("kb"))), target=TARGETS["kb"], unit="KB")
    row("KB per date change, max", *both(lambda f: max(f.of("kb"), default=math.nan)), target=TARGETS["kb"],
        unit="KB")
    row("  new dates: median KB", *both(lambda f: median(f.of("kb", True))), target=TARGETS["kb"], unit="KB")
    row("  new dates: websocket median KB", *both(lambda f: median(f.of("ws_kb", True))))
    row("  new dates: largest ws frame, median KB", *both(lambda f: median(f.of("frame_kb", True))))
    row("  new dates: HTTP median KB", *both(lambda f: median(f.of("http_kb", True))))
    row("  dates seen before: median KB", *both(lambda f: median(f.of("kb", False))))
    print(f"  map iframe reloaded by a change: ours {sum(ours.of('reloaded'))}/{n}, "
          f"naive {sum(naive.of('reloaded'))}/{n}")
    big = {f.name: Counter(f.of("big_frames")) for f in (ours, naive)}
    print("  frames >= 64 KB per change (frames: changes): "
          + "; ".join(f"{k} {dict(sorted(v.items()))}" for k, v in big.items()))
    if ours.clicks:
        c = ours.clicks
        print(f"  'Next event' click -> map redrawn (ours, {len(c)} clicks): median "
              f"{median(ours.of('ms', changes=c)):.0f} ms, p95 {p95(ours.of('ms', changes=c)):.0f} ms; "
              f"median {median(ours.of('kb', changes=c)):.0f} KB, max {max(ours.of('kb', changes=c)):.0f} KB")
    else:
        print("  'Next event' button: not found in the app")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=32,
                        help="slider changes per app (rounded up to whole patterns of 4)")
    parser.add_argument("--clicks", type=int, default=10, help="'Next event' clicks (ours only)")
    parser.add_argument("--settle", type=float, default=0.0,
                        help="seconds to wait after the first pages before the slider changes (the app "
                             "computes every state in the background after its first map: ~5 s)")
    parser.add_argument("--warm", type=int, default=3,
                        help="first maps measured in new tabs once the server is warm (the median is shown)")
    parser.add_argument("--no-naive", action="store_true",
                        help="measure the app only (for quick experiments; the report then has no ratio)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every change")
    args = parser.parse_args()
    reason = browser.unavailable_reason()
    if reason:
        sys.exit(f"cannot run: {reason}")
    dates = start_dates(max(1, math.ceil(args.changes / len(PATTERN))))
    print(f"start dates (day before a change of control): {', '.join(d.isoformat() for d in dates)}")
    ours = measure("ours", browser.APP, dates, args.clicks, args.settle, args.warm)
    print(f"ours done: median {median(ours.of('ms')):.0f} ms")
    if args.no_naive:
        naive = Figures("naive")
    else:
        with tempfile.TemporaryDirectory(prefix="frontlines-naive-") as tmp:
            naive = measure("naive", naive_script(Path(tmp)), dates, 0, args.settle, args.warm)
    print(f"naive done: median {median(naive.of('ms')):.0f} ms")
    if args.verbose:
        for figures in (ours, naive):
            for c in figures.changes + figures.clicks:
                print(f"  {figures.name:<6}{c.date}  {'new ' if c.new else 'seen'}  {c.ms:6.0f} ms  "
                      f"(map message at {c.server_ms:6.0f} ms)  {c.kb:6.0f} KB  "
                      f"{'areas changed' if c.redrawn else ''}")
    report(ours, naive)


if __name__ == "__main__":
    main()
