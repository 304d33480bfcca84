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

from collections.abc import Callable
from dataclasses import dataclass

from dashboard.core import features
from dashboard.core.model import ControlModel
from dashboard.outputs import formats, staticmap
from dashboard.web.links import View

#: The map's size on screen in CSS pixels (the app's map is 640 high and about 1000 wide):
#: a static map of the view covers what the user sees.
SCREEN_PX = (1000, 640)


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

    def static(kind: str) -> Callable[[], bytes]:
        def make() -> bytes:
            frame = staticmap.Frame.web_view(view.lat, view.lon, view.zoom, SCREEN_PX)
            figure = staticmap.draw_map(model, view.date, frame=frame, compare=view.compare,
                                        factions=view.factions)
            return staticmap.figure_bytes(figure, kind)
        return make

    def data(fmt: str) -> Callable[[], bytes]:
        def make() -> bytes:
            shown = features.select(features.date_features(model, view.date, view.window), view.factions,
                                    view.types)
            # What the view shows: the same frame as the static map's.
            shown = features.within(shown, staticmap.Frame.web_view(view.lat, view.lon, view.zoom,
                                                                    SCREEN_PX).lonlat_outline())
            return formats.render(shown, fmt, model.record.colours).encode("utf-8")
        return make

    def page() -> bytes:
        from dashboard.web.standalone import standalone_html  # Folium: only when asked for

        record = model.record
        return standalone_html(model, record.start, record.end, window=view.window, opening=view.date,
                               home=(view.lat, view.lon, view.zoom), factions=view.factions,
                               types=view.types, layers=view.layers).encode("utf-8")

    return [
        Download("Map (PNG)", f"{stem}.png", "image/png", static("png")),
        Download("Map (PDF)", f"{stem}.pdf", "application/pdf", static("pdf")),
        Download("GeoJSON", f"{stem}.geojson", "application/geo+json", data("geojson")),
        Download("KML", f"{stem}.kml", "application/vnd.google-earth.kml+xml", data("kml")),
        Download("CSV", f"{stem}.csv", "text/csv", data("csv")),
        Download("Interactive map (HTML)", f"{stem}.html", "text/html", page),
    ]
