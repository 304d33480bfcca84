"""Timelapse videos of control: one map every step from one date to another, as MP4 or GIF.

Every frame is a static map (:mod:`dashboard.outputs.staticmap`, the same layers and style as a
snapshot) of a fixed size, with the date stamp, legend, scale bar and sources, and the land that
changed hands since the previous frame drawn in its new holder's colour and outlined.

Drawing a whole map costs about half a second, and the record at one frame a week is 274 frames,
but the picture only changes when the record does: a frame is decided by its state and the state of
the frame before it (the highlight), and most weeks repeat a pair already drawn.  So the map is cut
into layers by depth (``zorder``): what never changes (the land under the areas, the rivers and
borders over them, the names, scale bar and legend over everything) is drawn once; the areas, front
lines and places are drawn once per distinct (state, previous state) pair; and each frame is that
raster with its date stamped in the header (``bench/bench_timelapse.py`` measures it).

Examples
--------
On the synthetic world (``synthetic_model``; ``tests/fixtures/README.md``), whose control changes on
26 and 28 June 2016:

>>> import datetime as dt
>>> dates = frame_dates(synthetic_model, dt.date(2016, 6, 1), dt.date(2016, 7, 10), "1W")
>>> [d.isoformat() for d in dates][-2:]  # the last day is always a frame
['2016-07-06', '2016-07-10']
>>> frames = TimelapseFrames(synthetic_model, dates, size_px=(640, 360))
>>> len(frames.images()) == len(dates), frames.renders  # 1 Jun..22 Jun, 29 Jun, then 6 and 10 Jul
(True, 3)
>>> video = timelapse_bytes(synthetic_model, dates[0], dates[-1], "1W", kind="gif", size_px=(320, 180))
>>> video[:6]
b'GIF89a'
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from collections.abc import Callable, Collection, Iterator, Sequence
from functools import cache
from pathlib import Path

import numpy as np
from matplotlib import font_manager
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.spines import Spine
from PIL import Image, ImageDraw, ImageFont

from dashboard.core import palette
from dashboard.core.events import UNCLAIMED
from dashboard.core.files import atomic_write, output_kind
from dashboard.core.model import ControlModel
from dashboard.core.months import add_months
from dashboard.core.stats import date_range, parse_step
from dashboard.core.wording import CREDITS, long_date
from dashboard.outputs import staticmap
from dashboard.outputs.staticmap import DEFAULT_TITLE, Frame

FORMATS = ("mp4", "gif")
#: Frame size in pixels: 16:9, even both ways (H.264's 4:2:0 colour needs it).
SIZE_PX = (1280, 720)
#: Pixels per inch of a frame: the snapshot's layout (in inches and points) at 12.8 x 7.2 inches.
DPI = 100
#: Frames per second: a year of weekly frames plays in about ten seconds.
FPS = 5
#: Depths (``zorder``) that cut the map into layers: areas and changed land lie under ``_OVER_AREAS``
#: (rivers, lakes, borders), front lines and places between ``_OVER_AREAS`` and ``_OVER_GEOGRAPHY``,
#: names, the scale bar and the north arrow above (see ``staticmap``'s layers).
_OVER_AREAS = 4.0
_OVER_GEOGRAPHY = 6.0
_STAMP_PT = 24


class TimelapseError(ValueError):
    """A timelapse that cannot be made (dates outside the record, a step that makes no sense)."""


def frame_dates(model: ControlModel, start: dt.date, end: dt.date, every: str) -> list[dt.date]:
    """The frames' dates: ``start``, then every ``every`` (``1W``, ``month``, ...), and ``end`` last.

    ``end`` is always a frame, so the film ends on the last day asked for.  Raises
    :class:`TimelapseError` for dates outside the record, ``end`` not after ``start``, or a step that
    is unknown or longer than the range.

    >>> frame_dates(synthetic_model, dt.date(2016, 1, 1), dt.date(2016, 3, 15), "month")[-2:]
    [datetime.date(2016, 3, 1), datetime.date(2016, 3, 15)]
    >>> frame_dates(synthetic_model, dt.date(2016, 1, 1), dt.date(2016, 3, 15), "1Y")
    Traceback (most recent call last):
    ...
    dashboard.outputs.timelapse.TimelapseError: step 1Y is longer than 2016-01-01 .. 2016-03-15
    """
    record = model.record
    for date in (start, end):
        if not record.start <= date <= record.end:
            raise TimelapseError(f"{date} is outside the record ({record.start} .. {record.end})")
    if end <= start:
        raise TimelapseError(f"the end {end} is not after the start {start}")
    try:
        count, unit = parse_step(every)
    except ValueError as exc:
        raise TimelapseError(str(exc)) from None
    # Checked before any date arithmetic: a step of 10**9 days would overflow it.
    months = (end.year - start.year) * 12 + end.month - start.month
    longer = count > (end - start).days if unit == "D" else count > months or add_months(start, count) > end
    if longer:
        raise TimelapseError(f"step {every} is longer than {start} .. {end}")
    dates = list(date_range(start, end, every))
    return dates if dates[-1] == end else [*dates, end]


class TimelapseFrames:
    """The frames of a timelapse, drawn layer by layer: each distinct picture once.

    ``frame``: the extent (as ``snapshot --focus/--bbox``; default: both countries); ``factions``:
    only these holders' areas, places, front lines and changes (``None``: all).  :attr:`renders`
    counts the (state, previous state) pairs drawn so far; :attr:`stamp_box` is the only part of a
    frame that differs between two frames of one pair; :attr:`figure` holds what every frame shows
    (geography, names, legend, scale bar, sources).
    """

    def __init__(self, model: ControlModel, dates: Sequence[dt.date], *, frame: Frame | None = None,
                 factions: Collection[str] | None = None, title: str | None = None,
                 size_px: tuple[int, int] = SIZE_PX):
        if not dates or list(dates) != sorted(set(dates)):
            raise TimelapseError("a timelapse needs dates, in order, each once")
        self.model, self.dates, self.factions = model, list(dates), factions
        self.size_px = size_px
        self.dpi = DPI * size_px[0] / SIZE_PX[0]  # a smaller film is the same picture, scaled down
        self.renders = 0
        # Only the last picture is kept: the dates are in order and a pair's frames follow each other
        # (a state's days are one stretch), so none comes back later (a whole film's would be ~600 MB).
        self._last: tuple[tuple[int, int], Image.Image] | None = None
        size_in = (size_px[0] / self.dpi, size_px[1] / self.dpi)
        box, top = staticmap.map_box(size_in)
        frame = (frame or Frame.theatre(model.geodata)).fitted(box[2] * size_in[0] / (box[3] * size_in[1]))
        self.frame = frame
        self.figure, self._ax = self._static_figure(size_in, box, top, title)
        self._under = self._render(self.figure, lambda depth: depth < 2, background=True)
        self._over_areas = self._render(self.figure, lambda depth: _OVER_AREAS <= depth < _OVER_GEOGRAPHY)
        self._on_top = self._render(self.figure, lambda depth: depth >= _OVER_GEOGRAPHY)
        self._layer_figure = Figure(figsize=size_in, dpi=self.dpi)  # areas and places, redrawn per pair
        self._layer_ax = self._map_axes(self._layer_figure, box)
        self._layer_figure.patch.set_visible(False)
        self._layer_ax.patch.set_visible(False)
        height = size_px[1]
        header = round(0.85 * self.dpi)
        left = round(staticmap._PANEL_X * size_px[0])
        #: (left, top, right, bottom) in pixels: where the date is stamped.
        self.stamp_box = (left, 0, size_px[0], min(header, height))
        self._font = ImageFont.truetype(_bold_font(), round(_STAMP_PT * self.dpi / 72))

    def to_pixel(self, x: float, y: float) -> tuple[int, int]:
        """Where a point of the map (projected metres) falls on a frame: (column, row)."""
        column, up = self._ax.transData.transform((x, y))
        return int(column), int(self.size_px[1] - up)

    # --- the picture of each frame ---------------------------------------------------------------

    def key(self, i: int) -> tuple[int, int]:
        """What frame ``i`` shows: its state (epoch) and the state of the frame before it."""
        epoch = self.model.epoch_index(self.dates[i])
        return epoch, self.model.epoch_index(self.dates[i - 1]) if i else epoch

    def image(self, i: int) -> np.ndarray:
        """Frame ``i`` as an RGB array (height, width, 3)."""
        key = self.key(i)
        if self._last is None or self._last[0] != key:
            self._last = key, self._raster(i)
            self.renders += 1
        picture = self._last[1].copy()
        draw = ImageDraw.Draw(picture)
        _, top, right, bottom = self.stamp_box
        draw.text((right - round(0.01 * self.size_px[0]), (top + bottom) // 2), long_date(self.dates[i]),
                  font=self._font, fill="#111111", anchor="rm")
        return np.asarray(picture)

    def images(self) -> list[np.ndarray]:
        """Every frame (for small films and tests: a long film is better streamed with :meth:`image`)."""
        return [self.image(i) for i in range(len(self.dates))]

    def _raster(self, i: int) -> Image.Image:
        """The map of frame ``i`` without its date: the static layers around this pair's areas."""
        date = self.dates[i]
        previous = self.dates[i - 1] if i else date
        ax = self._layer_ax
        for artist in [*ax.collections, *ax.patches, *ax.lines]:
            artist.remove()
        staticmap._draw_areas(ax, self.model, date, self.frame, self.factions)
        if self.model.epoch_index(previous) != self.model.epoch_index(date):
            staticmap._draw_changes(ax, self.model, previous, date, self.factions)
        staticmap._draw_places(ax, self.model, date, self.factions)
        self._fit(ax)  # geopandas rescales the axes to what it plotted
        picture = self._under.copy()
        picture.alpha_composite(self._render(self._layer_figure, lambda depth: depth < _OVER_AREAS))
        picture.alpha_composite(self._over_areas)
        picture.alpha_composite(self._render(self._layer_figure, lambda depth: depth >= _OVER_AREAS))
        picture.alpha_composite(self._on_top)
        return picture.convert("RGB")

    # --- drawing ---------------------------------------------------------------------------------

    def _static_figure(self, size_in: tuple[float, float], box: tuple[float, float, float, float],
                       top: float, title: str | None) -> tuple[Figure, Axes]:
        """Everything that is the same on every frame, drawn as ``draw_map`` draws it."""
        model, height = self.model, size_in[1]
        figure = Figure(figsize=size_in, dpi=self.dpi)
        ax = self._map_axes(figure, box)
        ax.set_facecolor(palette.SEA_COLOUR)
        staticmap._draw_base(ax, model.geodata)
        locator = staticmap._draw_locator(figure, model.geodata, self.frame, top=top, height=1.95 / height)
        locator.set(xticks=[], yticks=[], xlabel="", ylabel="")
        self._fit(ax)
        FigureCanvasAgg(figure)  # names are placed by their measured size
        staticmap._draw_labels(ax, model, self.frame)
        staticmap._draw_scale_bar(ax)
        staticmap._draw_north_arrow(ax, locator)
        staticmap._draw_legend(figure, model, self._legend_factions(), True, top=top - 2.15 / height)
        figure.text(0.01, 1 - 0.3 / height, title or DEFAULT_TITLE, fontsize=17, fontweight="bold",
                    va="center")
        figure.text(0.01, 1 - 0.62 / height, f"Control from {long_date(self.dates[0])} to "
                    f"{long_date(self.dates[-1])}; land that changed hands since the previous frame outlined",
                    fontsize=12, va="center", color="#333333")
        figure.text(0.99, 0.15 / height, "  ·  ".join(CREDITS), fontsize=6.5, ha="right", va="center",
                    color="#444444")
        return figure, ax

    def _map_axes(self, figure: Figure, box: tuple[float, float, float, float]) -> Axes:
        ax = figure.add_axes(box, gid=staticmap.MAP_GID)
        self._fit(ax)
        return ax

    def _fit(self, ax: Axes) -> None:
        ax.set(xticks=[], yticks=[], xlabel="", ylabel="")
        ax.set_xlim(self.frame.x0, self.frame.x1)
        ax.set_ylim(self.frame.y0, self.frame.y1)
        ax.set_aspect("equal", adjustable="box")

    def _legend_factions(self) -> list[str]:
        """Every holder seen in the frame on any of the dates, largest first (as ``draw_map``'s legend)."""
        largest: dict[str, float] = {}
        days = {self.model.epoch_index(d): d for d in self.dates}
        for date in days.values():
            seen: dict[str, float] = {}
            for area in self.model.snapshot(date).areas:
                if area.faction != UNCLAIMED and staticmap._shows(self.factions, area.faction) \
                        and area.geometry.intersects(self.frame.box):
                    seen[area.faction] = seen.get(area.faction, 0.0) + area.area_km2
            for faction, km2 in seen.items():
                largest[faction] = max(largest.get(faction, 0.0), km2)
        return sorted(largest, key=lambda f: -largest[f])

    def _render(self, figure: Figure, keep: Callable[[float], bool], background: bool = False) -> Image.Image:
        """The figure with only the map's artists at the depths ``keep`` accepts (and, with
        ``background``, all that lies outside the map), as an RGBA image."""
        ax = next(a for a in figure.axes if a.get_gid() == staticmap.MAP_GID)
        shown: dict[Artist, bool] = {}
        for artist in figure.get_children():
            if artist is not ax:
                shown[artist] = background
        for artist in ax.get_children():
            # The map's frame is drawn last: it borders whatever lies inside.
            depth = 100.0 if isinstance(artist, Spine) else artist.get_zorder()
            shown[artist] = keep(depth) or (background and artist is ax.patch)
        was = {artist: artist.get_visible() for artist in shown}
        for artist, visible in shown.items():
            artist.set_visible(visible and was[artist])
        try:
            renderer = RendererAgg(*self.size_px, self.dpi)
            figure.draw(renderer)
            return Image.fromarray(np.asarray(renderer.buffer_rgba()).copy(), "RGBA")
        finally:
            for artist, visible in was.items():
                artist.set_visible(visible)


@cache
def _bold_font() -> str:
    """The font file matplotlib draws bold text with (the stamp matches the title)."""
    return font_manager.findfont(font_manager.FontProperties(weight="bold"))


# --- films -----------------------------------------------------------------------------------------

def write_video(images: Iterator[np.ndarray], out: Path | str, kind: str, fps: float = FPS) -> None:
    """Encode RGB frames as MP4 (H.264 through imageio-ffmpeg's ffmpeg) or GIF (Pillow) at ``out``."""
    if kind == "mp4":
        import imageio.v2 as imageio  # its ffmpeg binary is only started for a film

        # yuv420p: what every player reads; blocks of 2 keep any even size as it is.
        with imageio.get_writer(out, format="FFMPEG", mode="I", fps=fps, codec="libx264", quality=8,
                                pixelformat="yuv420p", macro_block_size=2,
                                ffmpeg_log_level="error") as writer:
            for image in images:
                writer.append_data(image)
        return
    first = Image.fromarray(next(images))
    # Pillow keeps each frame's colour table and stores only what changed from the frame before.
    first.save(out, format="GIF", save_all=True, append_images=(Image.fromarray(i) for i in images),
               duration=round(1000 / fps), loop=0)


def timelapse_bytes(model: ControlModel, start: dt.date, end: dt.date, every: str, *,
                    frame: Frame | None = None, kind: str = "mp4", factions: Collection[str] | None = None,
                    title: str | None = None, size_px: tuple[int, int] = SIZE_PX) -> bytes:
    """The timelapse from ``start`` to ``end`` (inclusive) every ``every`` as MP4 or GIF bytes.

    Raises :class:`TimelapseError` for bad dates or steps (:func:`frame_dates`) and ``ValueError``
    for an unknown ``kind``.
    """
    if kind not in FORMATS:
        raise ValueError(f"unknown format {kind!r} (use {', '.join(FORMATS)})")
    frames = TimelapseFrames(model, frame_dates(model, start, end, every), frame=frame, factions=factions,
                             title=title, size_px=size_px)
    images = (frames.image(i) for i in range(len(frames.dates)))
    if kind == "gif":
        buffer = io.BytesIO()
        write_video(images, buffer, kind)  # type: ignore[arg-type]
        return buffer.getvalue()
    with tempfile.TemporaryDirectory(prefix="frontlines-") as folder:
        path = Path(folder) / f"timelapse.{kind}"  # ffmpeg writes to a file of its own
        write_video(images, path, kind)
        return path.read_bytes()


def save_timelapse(model: ControlModel, start: dt.date, end: dt.date, every: str, out: Path | str, *,
                   frame: Frame | None = None, factions: Collection[str] | None = None,
                   title: str | None = None, size_px: tuple[int, int] = SIZE_PX) -> Path:
    """Write the timelapse to ``out`` (``.mp4`` or ``.gif``), atomically: no partial file on failure."""
    kind = output_kind(out, FORMATS)
    data = timelapse_bytes(model, start, end, every, frame=frame, kind=kind, factions=factions, title=title,
                           size_px=size_px)
    with atomic_write(out) as fh:
        fh.write(data)
    return Path(out)
