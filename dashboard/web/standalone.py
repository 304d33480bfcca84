"""A self-contained interactive map: one HTML file with Leaflet, the geography and every state inlined.

The file needs no server and no network (open it from disk, mail it, put it on a USB stick):
Leaflet's script and stylesheet (with its images as ``data:`` URIs), the base geography and the
range's record in the time engine's form (:func:`mapview.engine_data`: every unit's outline once,
then who holds each leading place per epoch) are written into the page.  The app's time engine
(:class:`TimeEngine`) draws any day of the range at once as the slider moves, plays through it, and
keeps the day in the address (``#YYYY-MM-DD``), so a bookmark opens on it.

It reuses the app's base map (:func:`mapview.base_map`: geography, city labels, legend, stamp box,
sources, scale) and the app's engine: one way to draw a date, in the app and in the file.

Examples
--------
With ``small_model`` (five places of the test record on the shipped geography) for
``ControlModel.load()``:

>>> import datetime as dt
>>> page = standalone_html(small_model, dt.date(2016, 1, 1), dt.date(2016, 12, 31))
>>> path = tmp_path / "map.html"
>>> path.write_text(page, encoding="utf-8") == len(page)
True
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dashboard.core import features, paths
from dashboard.core.labels import map_labels
from dashboard.core.model import ControlModel
from dashboard.web import mapview
from dashboard.web.elements import Text, TimeEngine
from dashboard.web.elements.offline_map import LEAFLET_VERSION

LEAFLET_DIR = paths.STATIC / f"leaflet-{LEAFLET_VERSION}"


def standalone_html(model: ControlModel, start: dt.date, end: dt.date, *, title: str | None = None,
                    window: int = features.DEFAULT_EVENT_WINDOW_DAYS, geodata: Path = paths.GEODATA,
                    opening: dt.date | None = None, home: tuple[float, float, int] | None = None,
                    factions: Sequence[str] | None = None, types: Sequence[str] | None = None,
                    layers: Sequence[str] | None = None) -> str:
    """The complete HTML page of an interactive map from ``start`` to ``end`` (inclusive).

    ``window``: days of events shown up to the slider's date; ``opening``: the date the page opens
    on (default ``start``; a ``#YYYY-MM-DD`` in the address wins); ``home``: the (lat, lon, zoom) it
    opens on (default: the theatre); ``factions``, ``types``, ``layers``: what it shows (default:
    all), as the app's view does.  Raises :class:`ValueError` if the range is empty or not within the
    record, or ``opening`` is outside it.

    >>> page = standalone_html(small_model, dt.date(2017, 1, 1), dt.date(2017, 12, 31))
    >>> "https://unpkg" in page or "<script src=" in page
    False
    """
    record = model.record
    if not record.start <= start <= end <= record.end:
        raise ValueError(f"the range {start}..{end} must be a non-empty range within the record "
                         f"({record.start}..{record.end})")
    if opening is not None and not start <= opening <= end:
        raise ValueError(f"the opening date {opening} is outside {start}..{end}")
    if window < 0:
        raise ValueError(f"the event window must be 0 days or more, not {window}")
    title = title or f"frontlines: control from {start.isoformat()} to {end.isoformat()}"
    labels = map_labels(model.places, model.leading_places)
    legend = mapview.faction_legend(record)
    where = {"home": home} if home else {}
    fmap = mapview.base_map(geodata, labels, legend, comparison=False, **where)  # never compares dates
    inline_leaflet(fmap)
    fmap.get_root().title = html.escape(title)
    data = mapview.engine_data(model, start, end, window)
    shown = {"factions": list(factions) if factions is not None else None,
             "types": list(types) if types is not None else None}
    TimeEngine(data, (opening or start).isoformat(), title=title, settle="hash",
               layers=list(layers) if layers is not None else None, shown=shown).add_to(fmap)
    return fmap.get_root().render()


def inline_leaflet(fmap: Any) -> None:
    """Write the vendored Leaflet into ``fmap``'s page instead of linking to it (on this map only).

    The stylesheet's images become ``data:`` URIs and the source map comment is dropped, so the
    page asks for nothing.
    """
    def data_uri(match: re.Match[str]) -> str:
        png = base64.b64encode((LEAFLET_DIR / match.group(1)).read_bytes()).decode()
        return f"url(data:image/png;base64,{png})"

    css = re.sub(r"url\((images/[\w.-]+\.png)\)", data_uri, (LEAFLET_DIR / "leaflet.css").read_text())
    js = re.sub(r"//# sourceMappingURL=\S+", "", (LEAFLET_DIR / "leaflet.js").read_text())
    if "</" in css or re.search(r"</script", js, re.IGNORECASE):
        raise ValueError("Leaflet's files cannot be inlined as they are")
    fmap.default_js, fmap.default_css = [], []  # instance attributes: other maps keep their links
    header = fmap.get_root().header
    header.add_child(Text(f"<style>{css}</style>"), name="leaflet_css")
    header.add_child(Text(f"<script>{js}</script>"), name="leaflet")
