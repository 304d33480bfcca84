"""Shared harness for driving the dashboard in headless Chromium (tests/test_browser.py, bench/).

Starts ``streamlit run`` on a free local port, opens pages with Playwright on Debian's Chromium
(never a downloaded browser), and reads the Leaflet map inside the streamlit-folium iframe.

All map reads run in the top page and reach into the (same-origin) component iframe, so they keep
working when the iframe reloads.  The map draws on canvas, so polygons are read from Leaflet's layers
(``feature.properties``), and the shown date from the ``#fl-stamp`` element (``data-date``).
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "dashboard" / "app.py"
CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1400, "height": 1000}
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
#: The date slider: the map's own (its time engine's player, inside the component's iframe); the naive
#: baseline (bench/naive_app.py) has a Streamlit slider in the page instead.
SLIDER = "#fl-slider"
STREAMLIT_SLIDER = ('[data-testid="stMain"] [data-testid="stSlider"] input[type="range"], '
                    '[data-testid="stMain"] [data-testid="stSlider"] [role="slider"]')
RUNNING = '[data-testid="stStatusWidgetRunningIcon"]'
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
LOCAL_SCHEMES = {"data", "blob", "about", "chrome-error"}
T = TypeVar("T")


def unavailable_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found (Debian package 'chromium')"
    if importlib.util.find_spec("playwright") is None:
        return "the Python package 'playwright' is not installed"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition: Callable[[], T], timeout: float, what: str, interval: float = 0.05) -> T:
    """Poll ``condition`` until it returns a true value, and return that value at once.

    Raises :class:`TimeoutError` naming ``what`` after ``timeout`` seconds; ``interval`` only spaces
    the polls (for conditions that cannot be waited on, like a server starting to listen).
    """
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {timeout} s")
        time.sleep(interval)
    return value


def stop_process_group(proc: subprocess.Popen) -> None:
    """Stop a server started with ``start_new_session=True`` and its children: TERM, then KILL."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)


def is_healthy(url: str) -> bool:
    """True when ``url`` (a health endpoint) answers 200."""
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


class StreamlitServer:
    """``streamlit run SCRIPT`` from the repo root, in its own process group.

    Streamlit reads the settings in ``.streamlit/config.toml`` beside the script (dashboard/.streamlit).
    """

    def __init__(self, script: Path | str = APP, port: int | None = None, log: Path | None = None):
        self.script = Path(script)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = log or ROOT / "artifacts" / "browser" / f"streamlit-{self.script.stem}.log"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> StreamlitServer:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        pythonpath = [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(pythonpath))
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", str(self.script), "--server.port", str(self.port),
                 "--server.address", "127.0.0.1", "--server.headless", "true",
                 "--browser.gatherUsageStats", "false"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        proc = self.proc

        def up() -> bool:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{self.log_tail()}")
            return is_healthy(f"{self.url}_stcore/health")

        try:
            wait_until(up, timeout, "streamlit's health check")
        except TimeoutError:
            self.stop()
            raise TimeoutError(f"streamlit not healthy after {timeout} s:\n{self.log_tail()}") from None
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            stop_process_group(self.proc)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def __enter__(self) -> StreamlitServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """A headless Debian Chromium driven by Playwright (yields the Browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Traffic:
    """Everything a page asked for (HTTP and websocket URLs) and the bytes it received."""

    urls: list[str] = field(default_factory=list)
    ws_frames: list[int] = field(default_factory=list)  # payload length of each received frame
    requests: list[Any] = field(default_factory=list)  # finished requests (sizes read lazily)

    def attach(self, page: Any) -> Traffic:
        page.on("request", lambda req: self.urls.append(req.url))
        page.on("requestfinished", lambda req: self.requests.append(req))
        page.on("websocket", self._websocket)
        return self

    def _websocket(self, ws: Any) -> None:
        self.urls.append(ws.url)
        ws.on("framereceived", lambda payload: self.ws_frames.append(len(payload)))

    def mark(self) -> tuple[int, int]:
        return len(self.ws_frames), len(self.requests)

    def bytes_since(self, mark: tuple[int, int]) -> tuple[int, int]:
        """(websocket bytes, HTTP bytes: headers + body) received since ``mark``."""
        ws = sum(self.ws_frames[mark[0]:])
        http = 0
        for req in self.requests[mark[1]:]:
            with contextlib.suppress(Exception):
                sizes = req.sizes()
                http += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        return ws, http

    def foreign_urls(self) -> list[str]:
        """URLs that left this machine (anything but 127.0.0.1/localhost, data:, blob:, about:)."""
        return [u for u in self.urls if not is_local(u)]


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return parts.hostname in LOCAL_HOSTS or f"[{parts.hostname}]" in LOCAL_HOSTS


# --- reading the map (evaluated in the top page) ---------------------------------------------------

_WIN = f"""const __f = document.querySelector('{MAP_IFRAME}');
const w = __f && __f.contentWindow; const d = w && w.document;
const e = w && w.frontlinesEngine;
const featureAreas = () => {{ const out = [];  // a map without the engine (bench/naive_app.py)
  w.map.eachLayer(l => {{ const p = l.feature && l.feature.properties;
    if (p && p.kind === 'area') out.push(l); }});
  return out; }};
const areaCount = () => e ? e.group.areas.getLayers().length : (w && w.map ? featureAreas().length : 0);"""

#: The map's state: stamp date/text, drawn areas by faction, a fingerprint of their styles, view, probe.
MAP_STATE_JS = f"""() => {{
  {_WIN}
  if (!w || !w.map || !w.L) return null;
  const stamp = d.getElementById('fl-stamp');
  const factions = {{}}; let layers = 0;
  if (!e) {{
    const areas = featureAreas();
    areas.forEach(l => {{ const f = l.feature.properties.faction; factions[f] = (factions[f] || 0) + 1; }});
    return {{date: stamp ? stamp.getAttribute('data-date') : null,
             stamp_text: stamp ? stamp.textContent : null, factions, layers: areas.length,
             styles: JSON.stringify(areas.map(l => l.getLatLngs().length)), fronts: null, slider: null,
             draws: null, zoom: w.map.getZoom(), center: [0, 0],
             probe: w.__probe === undefined ? null : w.__probe}};
  }}
  const styles = e.units.map(l => {{
    if (!l._flStyle || !e.group.areas.hasLayer(l)) return '-';
    const faction = e.data.keys[l._flStyle.key][0];
    layers++; factions[faction] = (factions[faction] || 0) + 1;
    return l._flStyle.id; }});
  const c = w.map.getCenter();
  return {{date: stamp ? stamp.getAttribute('data-date') : null, stamp_text: stamp ? stamp.textContent : null,
           factions, layers, styles: styles.join(' '), fronts: e.group.fronts.getLayers().length,
           slider: e.iso(+d.getElementById('fl-slider').value), draws: e.draws,
           zoom: w.map.getZoom(), center: [c.lat, c.lng], probe: w.__probe === undefined ? null : w.__probe}};
}}"""

#: True when the map shows area polygons and the stamp shows ``date`` (or any date when null).
MAP_READY_JS = f"""(date) => {{
  {_WIN}
  if (!w || !w.map || !d) return false;
  const stamp = d.getElementById('fl-stamp');
  if (!stamp || (date !== null && stamp.getAttribute('data-date') !== date)) return false;
  return areaCount() > 0;
}}"""

#: Resolves after two animation frames of the map's window (the canvas has been painted).
TWO_FRAMES_JS = f"""() => {{
  {_WIN}
  const raf = (w && w.requestAnimationFrame) ? w.requestAnimationFrame.bind(w) : requestAnimationFrame;
  return new Promise(r => raf(() => raf(() => r(performance.now()))));
}}"""

#: Arms an in-page watcher: the next user input (key or pointer) starts a clock; the watcher stops it two
#: animation frames after the stamp shows a date other than ``from`` with areas drawn (the frame drawn,
#: then painted).
#: Times are read in the top page's clock, so Playwright's round trips are not counted.
ARM_WATCH_JS = f"""(from) => {{
  const s = window.__flw = {{from, t0: null, t1: null, date: null}};
  const start = () => {{ if (s.t0 === null) s.t0 = performance.now(); }};
  const frame = document.querySelector('{MAP_IFRAME}');
  // The map's own slider is in its frame; the naive baseline's is in the page.
  for (const target of [window, frame && frame.contentWindow].filter(Boolean)) {{
    target.addEventListener('keydown', start, {{capture: true, once: true}});
    target.addEventListener('pointerdown', start, {{capture: true, once: true}});
  }}
  let done = false;
  const check = () => {{
    if (window.__flw !== s || done) return true;
    {_WIN}
    if (s.t0 === null || !w || !w.map || !d) return false;
    const stamp = d.getElementById('fl-stamp');
    const date = stamp && stamp.getAttribute('data-date');
    if (!date || date === s.from || areaCount() === 0) return false;
    done = true; s.date = date;
    requestAnimationFrame(() => requestAnimationFrame(() => {{ s.t1 = performance.now(); }}));
    return true;
  }};
  // The stamp is rewritten in the same task as the map is drawn: watching it sees the draw at once (a map
  // that keeps its frame); polling every frame covers a map whose frame is reloaded (the naive page).
  const stamp = frame && frame.contentDocument && frame.contentDocument.getElementById('fl-stamp');
  if (stamp) new MutationObserver(check).observe(stamp, {{attributes: true}});
  const tick = () => {{ if (!check()) requestAnimationFrame(tick); }};
  requestAnimationFrame(tick);
}}"""

#: Add with ``context.add_init_script``: logs [time, bytes] of every websocket message the page receives
#: (``window.__flws``, the page's clock), to split a redraw into "waiting for the server" and the rest.
WS_LOG_INIT_JS = """(() => {
  if (window.top !== window || window.__flws) return;
  const Base = window.WebSocket; window.__flws = [];
  window.WebSocket = class extends Base {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', e => {
        const d = e.data;
        window.__flws.push([performance.now(), d.byteLength ?? d.size ?? d.length ?? 0]);
      });
    }
  };
})();"""

WATCH_DONE_JS = "() => window.__flw && window.__flw.t1 !== null"
WATCH_RESULT_JS = """() => {
  const s = window.__flw, log = (window.__flws || []).filter(([t]) => t >= s.t0 && t <= s.t1);
  const biggest = log.reduce((a, b) => (b[1] > a[1] ? b : a), [null, 0]);
  return {ms: s.t1 - s.t0, date: s.date,
          first_message_ms: log.length ? log[0][0] - s.t0 : null,
          biggest_message_ms: biggest[0] === null ? null : biggest[0] - s.t0};
}"""


class MapPage:
    """One browser page on the dashboard, with helpers to wait for and read the map."""

    def __init__(self, page: Any, base_url: str, traffic: Traffic | None = None):
        self.page = page
        self.base_url = base_url
        self.traffic = traffic

    def goto(self, query: str = "", date: str | None = None, timeout: float = 60_000) -> dict:
        """Open the page (``query`` like ``"?date=2017-07-10"``), wait until the map shows ``date``.

        Then (with ``traffic``) wait until the app is idle: streamlit-folium reports back once
        rendered, which reruns the script.
        """
        self.page.goto(self.base_url + query, wait_until="domcontentloaded", timeout=timeout)
        state = self.wait_for_map(date, timeout=timeout)
        if self.traffic is not None:
            self.wait_idle()
        return state

    def wait_for_map(self, date: str | None = None, timeout: float = 60_000) -> dict:
        """Wait until the stamp shows ``date`` (any date when None) and areas are drawn; then 2 frames."""
        self.page.wait_for_selector(MAP_IFRAME, state="attached", timeout=timeout)
        self.page.wait_for_function(MAP_READY_JS, arg=date, polling="raf", timeout=timeout)
        self.page.evaluate(TWO_FRAMES_JS)
        return self.state()

    def state(self) -> dict:
        return self.page.evaluate(MAP_STATE_JS)

    def in_map(self, js: str, arg: Any = None) -> Any:
        """Evaluate ``js`` (a function of (window, arg)) in the map iframe's window."""
        return self.page.evaluate(
            f"([a]) => ({js})(document.querySelector('{MAP_IFRAME}').contentWindow, a)", [arg])

    def set_view(self, zoom: int, center: tuple[float, float] | None = None) -> dict:
        """Move the map programmatically (no animation); returns the new state."""
        self.in_map("(w, a) => { w.map.setView(a.center || w.map.getCenter(), a.zoom, {animate: false}); }",
                    {"zoom": zoom, "center": center})
        if self.traffic is not None:
            self.wait_idle()  # the app may rerun on pan/zoom (returned_objects)
        return self.state()

    def mark_iframe(self) -> None:
        """Tag the iframe's window and element; both tags vanish if the map iframe is reloaded/replaced."""
        self.in_map("(w) => { w.__probe = 1; w.frameElement.dataset.flProbe = '1'; }")

    def iframe_marked(self) -> bool:
        return self.page.evaluate(
            f"() => {{ const f = document.querySelector('{MAP_IFRAME}');"
            " return !!f && f.dataset.flProbe === '1' && f.contentWindow.__probe === 1; }")

    def in_frame(self) -> Any:
        """The map component's frame, for locators (the slider and buttons are the map's own)."""
        return self.page.frame_locator(MAP_IFRAME)

    def slider_thumb(self) -> Any:
        own = self.in_frame().locator(SLIDER)
        return own if own.count() else self.page.locator(STREAMLIT_SLIDER).first

    def slider_date(self) -> str | None:
        state = self.state()
        return state["slider"] if state else None

    def press_slider(self, key: str = "ArrowRight") -> None:
        thumb = self.slider_thumb()
        thumb.focus()
        thumb.press(key)

    def event_button(self, label: str) -> Any | None:
        """The map's "Next event" / "Previous event" button, or None when the map has none."""
        button = self.in_frame().get_by_role("button", name=label)
        return button.first if button.count() else None

    def wait_for_link(self, date: str, timeout: float = 30_000) -> None:
        """Wait until the page's link says ``date`` (the page follows the map once its date rests)."""
        self.page.wait_for_function(f"() => location.search.includes('date={date}')", timeout=timeout)

    def wait_for_full_page(self, timeout: float = 30_000) -> None:
        """Wait until the rest of the page has followed the drawn map (a session's first run sends the
        map alone): the sidebar's widgets and the area chart are shown, then the app is idle."""
        sidebar = self.page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_text("Layers", exact=True).wait_for(timeout=timeout)
        self.page.get_by_text("Area held, 2014–2019").wait_for(timeout=timeout)
        if self.traffic is not None:
            self.wait_idle()

    def arm_watch(self) -> None:
        """Call before an input; then ``watch_result`` gives the input -> painted map time (ms)."""
        current = self.state()
        self.page.evaluate(ARM_WATCH_JS, current["date"] if current else None)

    def watch_result(self, timeout: float = 30_000) -> dict:
        self.page.wait_for_function(WATCH_DONE_JS, polling="raf", timeout=timeout)
        return self.page.evaluate(WATCH_RESULT_JS)

    def wait_idle(self, quiet: float = 0.3, timeout: float = 15) -> bool:
        """Wait until the app shows no "Running" and no websocket frame arrived for ``quiet`` s.

        Returns False if the app was still busy after ``timeout`` s.  A poll: every 50 ms Playwright
        delivers the frames received meanwhile, and the wait ends as soon as ``quiet`` s passed without one.
        """
        assert self.traffic is not None, "wait_idle needs the page's Traffic"
        traffic = self.traffic
        deadline = time.monotonic() + timeout
        with contextlib.suppress(Exception):
            self.page.wait_for_selector(RUNNING, state="detached", timeout=timeout * 1000)
        last = len(traffic.ws_frames)
        calm_since = time.monotonic()
        while time.monotonic() < deadline:
            self.page.wait_for_timeout(50)  # the poll's interval: Playwright delivers pending events in it
            now = len(traffic.ws_frames)
            if now != last:
                last, calm_since = now, time.monotonic()
            elif time.monotonic() - calm_since >= quiet:
                return True
        return False


@functools.cache
def model() -> Any:
    """The core's ControlModel (loaded once per process)."""
    from dashboard.core.model import ControlModel

    return ControlModel.load()


def expected_factions(date: Any, min_km2: float = 1.0) -> set[str]:
    """Factions the core says hold land on ``date`` (what the map must draw; ``unclaimed`` is not drawn)."""
    return {f for f, km2 in model().area_by_faction(date).items() if f != "unclaimed" and km2 >= min_km2}


#: The page's Leaflet map, as a JavaScript expression (Folium names it ``map_<id>``).
MAP_JS = ("Object.keys(window).filter(k => k.startsWith('map_')).map(k => window[k])"
          ".find(v => v instanceof L.Map)")
