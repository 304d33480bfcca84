"""The files a user can take away from a view: static maps, data and a standalone page.

Each :class:`Download` knows its file name and type and makes its bytes only when asked
(the app passes :attr:`Download.make` to ``st.download_button``, which calls it on click),
so showing the buttons costs nothing.

Examples
--------
>>> import datetime as dt
>>> from dashboard.web.links import View
>>> files = view_downloads(small_model, View(date=dt.date(2016, 7, 15)))  # small_model: a ControlModel
>>> [d.file_name for d in files][:2]
['frontlines-2016-07-15.png', 'frontlines-2016-07-15.pdf']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dashboard.core import features
from dashboard.core.model import ControlModel
from dashboard.outputs import formats
from dashboard.web.links import View

if TYPE_CHECKING:
    from dashboard.outputs.staticmap import Frame

#: The map's size on screen in CSS pixels (the app's map is 640 high and about 1000 wide):
#: a static map of the view covers what the user sees.
SCREEN_PX = (1000, 640)
#: The timelapse of a view: a frame a week, at least this many days.
TIMELAPSE_STEP = "1W"
TIMELAPSE_DAYS_MIN = 28


@dataclass(frozen=True)
class Download:
    """One file: its button label, name, media type, and how to make it."""

    label: str
    file_name: str
    mime: str
    make: Callable[[], bytes]


def view_downloads(model: ControlModel, view: View) -> list[Download]:
    """Static map (PNG, PDF), data (GeoJSON, KML, CSV) and a standalone page for ``view``."""
    stem = f"frontlines-{view.date.isoformat()}"

    def frame() -> Frame:
        """What the user sees on screen, for the static map, the data and the timelapse alike."""
        from dashboard.outputs.staticmap import Frame  # matplotlib: only when a file is asked for

        return Frame.web_view(view.lat, view.lon, view.zoom, SCREEN_PX)

    def static(kind: str) -> Callable[[], bytes]:
        def make() -> bytes:
            # matplotlib (a third of a second to import) only when a map is asked for, not on every
            # new server's first page.
            from dashboard.outputs import staticmap

            figure = staticmap.draw_map(model, view.date, frame=frame(), compare=view.compare,
                                        factions=view.factions)
            return staticmap.figure_bytes(figure, kind)
        return make

    def data(fmt: str) -> Callable[[], bytes]:
        def make() -> bytes:
            shown = features.select(features.date_features(model, view.date, view.window), view.factions,
                                    view.types)
            shown = features.within(shown, frame().lonlat_outline())
            return formats.render(shown, fmt, model.record.colours).encode("utf-8")
        return make

    def page() -> bytes:
        from dashboard.web.standalone import standalone_html  # Folium: only when asked for

        record = model.record
        return standalone_html(model, record.start, record.end, window=view.window, opening=view.date,
                               home=(view.lat, view.lon, view.zoom), factions=view.factions,
                               types=view.types, layers=view.layers).encode("utf-8")

    def film() -> bytes:
        from dashboard.outputs.timelapse import timelapse_bytes  # imageio: only when asked for

        return timelapse_bytes(model, start, end, TIMELAPSE_STEP, frame=frame(), factions=view.factions)

    start, end = timelapse_range(model, view)
    films = [Download(f"Timelapse (MP4), {start} to {end}, a frame a week",
                      f"frontlines-{start.isoformat()}-to-{end.isoformat()}.mp4", "video/mp4", film)
             ] if start < end else []  # nothing before the record's first day
    return [
        Download("Map (PNG)", f"{stem}.png", "image/png", static("png")),
        Download("Map (PDF)", f"{stem}.pdf", "application/pdf", static("pdf")),
        Download("GeoJSON", f"{stem}.geojson", "application/geo+json", data("geojson")),
        Download("KML", f"{stem}.kml", "application/vnd.google-earth.kml+xml", data("kml")),
        Download("CSV", f"{stem}.csv", "text/csv", data("csv")),
        Download("Interactive map (HTML)", f"{stem}.html", "text/html", page),
        *films,
    ]


def timelapse_range(model: ControlModel, view: View) -> tuple[dt.date, dt.date]:
    """The dates a view's timelapse covers: from its comparison date, else the year up to its date.

    >>> timelapse_range(small_model, View(date=dt.date(2016, 7, 15)))
    (datetime.date(2015, 7, 15), datetime.date(2016, 7, 15))
    """
    day = view.date
    a_year_before = day.replace(year=day.year - 1, day=min(day.day, 28) if day.month == 2 else day.day)
    start = view.compare or a_year_before
    start = max(start, model.record.start)
    if start >= view.date:  # a comparison date after the date, or the record's first day
        start = max(model.record.start, view.date - dt.timedelta(days=TIMELAPSE_DAYS_MIN))
    return start, view.date
