"""Static maps of one date's control for briefings (PNG, PDF, SVG): matplotlib only, no browser.

A map carries everything a slide needs to stand on its own: title and date, control
areas in the app's colours, front lines, places and names, rivers and borders, legend,
scale bar, north arrow, a locator inset and the sources.  With a comparison date, the
land that changed hands is drawn over the areas and the km2 each faction gained and lost
is printed on the map.

Everything is drawn in the model's equal-area projection, so the scale bar is true at the
centre of the theatre (within ~2% at its edges).

Examples
--------
With ``small_model`` (five places of the test record on the shipped geography) for
``ControlModel.load()``:

>>> import datetime as dt
>>> frame = Frame.around(small_model.gazetteer.resolve("Mosul"))
>>> round(frame.width_km)
260
>>> figure = draw_map(small_model, dt.date(2017, 7, 10), frame=frame)
>>> save_figure(figure, tmp_path / "mosul.svg").name
'mosul.svg'
"""

from __future__ import annotations

import datetime as dt
import io
import math
import textwrap
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import geopandas as gpd
import matplotlib
import numpy as np
import shapely
from matplotlib import patheffects
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.transforms import Bbox
from shapely.geometry.base import BaseGeometry

from dashboard.core import geography, palette, paths
from dashboard.core.changes import Shift, change_totals, clip_shifts, land_changes
from dashboard.core.events import CONTESTED, UNCLAIMED
from dashboard.core.files import atomic_write, output_kind
from dashboard.core.geography import EQUAL_AREA_CRS, to_projected
from dashboard.core.labels import map_labels
from dashboard.core.model import ControlModel
from dashboard.core.places import Place
from dashboard.core.wording import CREDITS, km2, long_date

# Every text drawn (titles, summaries, faction and place names) is the record's or the user's, never
# TeX: "$\frac$" would stop the drawing and "paid $5 and $10" lose its dollars.  Set once for the
# process, where every text artist reads it when made (briefing and timelapse draw through this module);
# an rc_context around each drawing would race between the app's sessions, which draw in threads.
matplotlib.rcParams["text.parse_math"] = False

FORMATS = ("png", "pdf", "svg")
DEFAULT_TITLE = "Territorial control in Syria and Iraq"
DPI = 200
SIZE_IN = (12.0, 8.0)  # 3:2, fits a 16:9 slide with room for text beside or below
#: Where the side panel (locator, legend, tables) starts, as a fraction of the figure's width.
_PANEL_X = 0.745
_NOTE_SIZE = 8.0
#: Names given to the map's axes and to its place labels, to find them in a drawn figure.
MAP_GID = "frontlines-map"
LABEL_GID = "frontlines-label"
#: Half-width of the frame drawn around a ``--focus`` place.
FOCUS_RADIUS_KM = 130.0
_HALO = [patheffects.withStroke(linewidth=2.6, foreground="white")]
_LABEL_STYLE = {1: {"fontsize": 10, "fontweight": "bold"}, 2: {"fontsize": 8.5, "fontweight": "bold"},
                3: {"fontsize": 7.5, "fontweight": "normal"}}


class FrameError(ValueError):
    """A frame that cannot be drawn (bad or out-of-region bounding box)."""


@dataclass(frozen=True)
class Frame:
    """The extent of a map, in the equal-area projection's metres (west, south, east, north)."""

    x0: float
    y0: float
    x1: float
    y1: float

    @classmethod
    def theatre(cls, geodata: Path = paths.GEODATA) -> Frame:
        """Syria and Iraq whole, with a small margin."""
        return cls.of(shapely.union_all(list(geography.outlines(geodata).values())).bounds, margin=0.03)

    @classmethod
    def around(cls, place: Place, radius_km: float = FOCUS_RADIUS_KM) -> Frame:
        """A square of ``2 * radius_km`` centred on a place."""
        x, y = to_projected(place.lon, place.lat)
        r = radius_km * 1000
        return cls(x - r, y - r, x + r, y + r)

    @classmethod
    def web_view(cls, lat: float, lon: float, zoom: float, size_px: tuple[int, int]) -> Frame:
        """What a web map of ``size_px`` shows at ``zoom`` around (``lat``, ``lon``).

        Web Mercator's ground resolution at that latitude; the equal-area projection's scale is
        within a few percent of true across the theatre, so the frames match closely.
        """
        metres_per_px = 156_543.034 * math.cos(math.radians(lat)) / 2 ** zoom
        x, y = to_projected(lon, lat)
        w, h = size_px[0] * metres_per_px / 2, size_px[1] * metres_per_px / 2
        return cls(x - w, y - h, x + w, y + h)

    def lonlat_outline(self) -> shapely.Polygon:
        """The frame as a longitude/latitude polygon (its sides follow the projection's curve)."""
        return geography.unproject(shapely.box(self.x0, self.y0, self.x1, self.y1).segmentize(10_000))

    @classmethod
    def from_bbox(cls, west: float, south: float, east: float, north: float,
                  geodata: Path = paths.GEODATA) -> Frame:
        """A longitude/latitude box; it must overlap Syria or Iraq."""
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            raise FrameError(f"bbox {west},{south},{east},{north} is not W,S,E,N in degrees "
                             "(west < east, south < north)")
        box = geography.project(shapely.box(west, south, east, north).segmentize(0.1))
        region = shapely.union_all(list(geography.outlines(geodata).values()))
        if not box.intersects(region):
            raise FrameError(f"bbox {west},{south},{east},{north} is outside Syria and Iraq")
        return cls.of(box.bounds)

    @classmethod
    def of(cls, bounds: tuple[float, float, float, float], margin: float = 0.0) -> Frame:
        x0, y0, x1, y1 = bounds
        dx, dy = (x1 - x0) * margin, (y1 - y0) * margin
        return cls(x0 - dx, y0 - dy, x1 + dx, y1 + dy)

    def fitted(self, aspect: float) -> Frame:
        """The smallest frame around this one with ``aspect`` (width / height)."""
        cx, cy = (self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2
        w, h = self.x1 - self.x0, self.y1 - self.y0
        w, h = max(w, h * aspect), max(h, w / aspect)
        return Frame(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)

    @property
    def width_km(self) -> float:
        return (self.x1 - self.x0) / 1000

    @property
    def box(self) -> shapely.Polygon:
        return shapely.box(self.x0, self.y0, self.x1, self.y1)


@dataclass(frozen=True)
class Table:
    """A small table for the map's side panel (under the legend)."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def draw_map(model: ControlModel, date: dt.date, *, frame: Frame | None = None,
             compare: dt.date | None = None, title: str | None = None, tables: Sequence[Table] | None = None,
             notes: Sequence[str] = (), size_in: tuple[float, float] = SIZE_IN,
             factions: Collection[str] | None = None) -> Figure:
    """The map of ``date``, ready for :func:`save_figure`.

    ``compare`` outlines the land that changed hands since that date; ``tables`` go in the side
    panel under the legend (by default, with ``compare``, the km2 each faction gained and lost
    inside the frame); ``notes`` (paragraphs, wrapped here) go under the map; ``factions``: only
    these holders' land, front lines and places (``None``: all), as the web map's filter.
    """
    frame = frame or Frame.theatre(model.geodata)
    width, height = size_in
    # No drawing canvas until the text must be measured: geopandas asks for a redraw after every
    # plot, which an Agg canvas would honour (32 full renders per map).
    figure = Figure(figsize=size_in, dpi=DPI)
    lines = _wrap(notes, chars=int(width * (_PANEL_X - 0.02) * 72 / (_NOTE_SIZE * 0.5)))
    notes_in = len(lines) * _NOTE_SIZE * 1.45 / 72 + (0.15 if lines else 0)
    box, top = map_box(size_in, notes_in)
    bottom = box[1]
    ax = figure.add_axes(box, gid=MAP_GID)
    frame = frame.fitted(box[2] * width / (box[3] * height))
    ax.set_facecolor(palette.SEA_COLOUR)
    _draw_base(ax, model.geodata)
    present = _draw_areas(ax, model, date, frame, factions)
    shifts = _draw_changes(ax, model, compare, date, factions) if compare else None
    _draw_places(ax, model, date, factions)
    locator = _draw_locator(figure, model.geodata, frame, top=top, height=1.95 / height)
    for axes in (ax, locator):  # geopandas labels the axes with the CRS: not for a briefing
        axes.set(xticks=[], yticks=[], xlabel="", ylabel="")
    ax.set_xlim(frame.x0, frame.x1)
    ax.set_ylim(frame.y0, frame.y1)
    ax.set_aspect("equal", adjustable="box")
    FigureCanvasAgg(figure)
    _draw_labels(ax, model, frame)
    _draw_scale_bar(ax)
    _draw_north_arrow(ax, locator)
    legend = _draw_legend(figure, model, present, compare is not None, top=top - 2.15 / height)
    renderer = figure.canvas.get_renderer()
    below = legend.get_window_extent(renderer).transformed(figure.transFigure.inverted()).y0
    if tables is None:  # the changes inside the frame: what the map shows, not the whole theatre
        tables = ([change_table(model, _shown_shifts(clip_shifts(shifts, frame.box), factions), compare)]
                  if shifts is not None and compare else [])
    # The tables share the panel down to the credits line: rows shrink rather than run over it.
    rows = sum(len(table.rows) + 2.6 for table in tables)
    room = below - 0.18 / height * len(tables) - 0.35 / height
    row_height = min(0.19 / height, room / rows) if rows else 0.0
    for table in tables:
        below = _draw_table(figure, table, top=below - 0.18 / height, row_height=row_height)
    heading = f"Control on {long_date(date)}"
    if compare:
        heading += f"; land that changed hands since {long_date(compare)} outlined"
    figure.text(0.01, 1 - 0.3 / height, title or DEFAULT_TITLE, fontsize=17,
                fontweight="bold", va="center")
    figure.text(0.01, 1 - 0.62 / height, heading, fontsize=12, va="center", color="#333333")
    if lines:
        figure.text(0.01, bottom - 0.12 / height, "\n".join(lines), fontsize=_NOTE_SIZE, va="top",
                    linespacing=1.45)
    figure.text(0.99, 0.15 / height, "  ·  ".join(CREDITS), fontsize=6.5, ha="right", va="center",
                color="#444444")
    return figure


def map_box(size_in: tuple[float, float], notes_in: float = 0.0
            ) -> tuple[tuple[float, float, float, float], float]:
    """Where :func:`draw_map` puts the map (left, bottom, width, height) and the top of its side panel,
    as figure fractions, with ``notes_in`` inches of notes under the map.

    >>> box, top = map_box(SIZE_IN)
    >>> round(box[0] + box[2], 2), round(top, 3)
    (0.73, 0.894)
    """
    height = size_in[1]
    bottom, top = (0.3 + notes_in) / height, 1 - 0.85 / height
    return (0.01, bottom, _PANEL_X - 0.025, top - bottom), top


def _wrap(paragraphs: Iterable[str], chars: int) -> list[str]:
    lines: list[str] = []
    for paragraph in paragraphs:
        lines += textwrap.wrap(paragraph, chars, subsequent_indent="    ") or [""]
    return lines


def save_figure(figure: Figure, out: Path | str) -> Path:
    """Write a figure as PNG (at :data:`DPI`), PDF or SVG, chosen by the extension.

    Written to a temporary file first and renamed, so a failure leaves no partial file.
    """
    kind = output_kind(out, FORMATS)
    with atomic_write(out) as fh:
        figure.savefig(fh, format=kind, dpi=DPI, metadata=_metadata(kind))
    return Path(out)


def figure_bytes(figure: Figure, kind: str) -> bytes:
    """A figure as PNG, PDF or SVG bytes (for downloads)."""
    if kind not in FORMATS:
        raise ValueError(f"unknown format {kind!r} (use {', '.join(FORMATS)})")
    buffer = io.BytesIO()
    figure.savefig(buffer, format=kind, dpi=DPI, metadata=_metadata(kind))
    return buffer.getvalue()


def _metadata(kind: str) -> dict[str, str] | None:
    # Fixed metadata keeps the files reproducible (no creation time in them).
    if kind == "pdf":
        return {"Creator": "frontlines", "CreationDate": None}  # type: ignore[dict-item]
    if kind == "svg":
        return {"Creator": "frontlines", "Date": None}  # type: ignore[dict-item]
    return {"Software": "frontlines"}


# --- layers -----------------------------------------------------------------------------------

@cache
def _projected_base(geodata: Path) -> dict[str, gpd.GeoDataFrame]:
    def frame(features: list[geography.Feature]) -> gpd.GeoDataFrame:
        shapes = [geography.project(f.geometry) for f in features]
        return gpd.GeoDataFrame([f.properties for f in features], geometry=shapes, crs=EQUAL_AREA_CRS)

    return {"countries": frame(geography.countries(geodata)),
            "governorates": frame(geography.governorates(geodata)),
            "rivers": frame(geography.rivers(geodata)),
            "lakes": frame(geography.lakes(geodata))}


def _draw_base(ax: Axes, geodata: Path) -> None:
    base = _projected_base(geodata)
    countries = base["countries"]
    focus = countries["role"] == "focus"
    countries[~focus].plot(ax=ax, facecolor=palette.CONTEXT_COLOUR, edgecolor=palette.BORDER_COLOUR,
                           linewidth=0.8, zorder=1)
    countries[focus].plot(ax=ax, facecolor=palette.LAND_COLOUR, edgecolor="none", zorder=1)
    base["rivers"].plot(ax=ax, color=palette.RIVER_COLOUR, linewidth=1.0, zorder=4)
    if len(base["lakes"]):
        base["lakes"].plot(ax=ax, facecolor=palette.SEA_COLOUR, edgecolor=palette.RIVER_COLOUR,
                           linewidth=0.5, zorder=4)
    base["governorates"].boundary.plot(ax=ax, color=palette.GOVERNORATE_COLOUR, linewidth=0.4,
                                       linestyle=(0, (3, 3)), zorder=5)
    countries[focus].boundary.plot(ax=ax, color=palette.BORDER_COLOUR, linewidth=1.1, zorder=5)


def _draw_areas(ax: Axes, model: ControlModel, date: dt.date, frame: Frame,
                shown: Collection[str] | None = None) -> list[str]:
    """Control areas and front lines; returns the factions seen in the frame, largest first.

    ``shown``: only these holders' areas and the front lines they are on (``None``: all).
    """
    snapshot = model.snapshot(date)
    colours = model.record.colours
    areas = [area for area in snapshot.areas if area.faction != UNCLAIMED and _shows(shown, area.faction)]
    if areas:
        fills = [colours.get(area.faction, palette.UNKNOWN_COLOUR) for area in areas]
        for tier, opacity in palette.TIER_OPACITY.items():
            mine = [i for i, area in enumerate(areas) if area.tier == tier]
            if mine:
                _plot_polygons(ax, [areas[i].geometry for i in mine], facecolors=[fills[i] for i in mine],
                               alpha=opacity, edgecolors="none", zorder=2)
        # Outlines only where they mean something: a besieged enclave, contested land.
        outlined = [i for i, area in enumerate(areas) if area.besieged_by or area.faction == CONTESTED]
        if outlined:
            _plot_polygons(
                ax, [areas[i].geometry for i in outlined], facecolors="none", zorder=3,
                edgecolors=[palette.BESIEGED_COLOUR if areas[i].besieged_by else fills[i] for i in outlined],
                linewidths=[1.2 if areas[i].besieged_by else 0.6 for i in outlined],
                linestyles=["solid" if areas[i].besieged_by else "dashed" for i in outlined])
    lines = [line.geometry for line in snapshot.front_lines if _shows(shown, *line.sides)]
    if lines:
        _plot_lines(ax, lines, colors=palette.FRONT_COLOUR, linewidths=2.0, zorder=6)
    drawn: dict[str, float] = {}
    for area in areas:
        if area.geometry.intersects(frame.box):
            drawn[area.faction] = drawn.get(area.faction, 0.0) + area.area_km2
    return sorted(drawn, key=lambda f: -drawn[f])


def _draw_changes(ax: Axes, model: ControlModel, since: dt.date, until: dt.date,
                  shown: Collection[str] | None = None) -> list[Shift]:
    shifts = land_changes(model, since, until)
    gained = [shift for shift in shifts if shift.new != UNCLAIMED and _shows(shown, shift.old, shift.new)]
    if gained:
        shapes = [shift.geometry for shift in gained]
        _plot_polygons(ax, shapes, alpha=0.8, edgecolors="none", zorder=3.5,
                       facecolors=[model.record.colours.get(s.new, palette.UNKNOWN_COLOUR) for s in gained])
        _plot_polygons(ax, shapes, facecolors="none", edgecolors="#000000", linewidths=0.9,
                       linestyles=[(0, (3, 3))], zorder=3.6)
    return shifts


# The layers that change with the date are drawn straight as matplotlib collections: GeoSeries.plot
# draws the same paths but costs ~20 ms a call in pandas and checks, and a timelapse draws every state.

def _plot_polygons(ax: Axes, shapes: Sequence[BaseGeometry], **style) -> PathCollection:
    """(Multi)polygons as one collection, one path each (holes included), styled as ``style`` says."""
    collection = PathCollection([_path(shape, closed=True) for shape in shapes], **style)
    ax.add_collection(collection, autolim=False)
    return collection


def _plot_lines(ax: Axes, shapes: Sequence[BaseGeometry], **style) -> LineCollection:
    """(Multi)lines as one collection of their parts."""
    parts = shapely.get_parts(shapely.normalize(np.array(shapes, dtype=object)))
    collection = LineCollection([shapely.get_coordinates(part) for part in parts], **style)
    ax.add_collection(collection, autolim=False)
    return collection


def _path(shape: BaseGeometry, closed: bool) -> MplPath:
    """One compound path through every ring of a (multi)polygon's polygons, normalised as geopandas
    does (outer rings one way round, holes the other, so holes stay empty).

    >>> _path(shapely.box(0, 0, 2, 2).difference(shapely.box(0.5, 0.5, 1, 1)), closed=True).codes.tolist()
    [1, 2, 2, 2, 79, 1, 2, 2, 2, 79]
    """
    parts = shapely.get_parts(shapely.normalize(shape))
    rings = shapely.get_rings(parts[shapely.get_type_id(parts) == shapely.GeometryType.POLYGON])
    coords, ring = shapely.get_coordinates(rings, return_index=True)
    codes = np.full(len(coords), MplPath.LINETO, dtype=MplPath.code_type)
    starts = np.flatnonzero(np.diff(ring, prepend=-1))
    codes[starts] = MplPath.MOVETO
    if closed and len(coords):
        codes[np.append(starts[1:], len(coords)) - 1] = MplPath.CLOSEPOLY
    return MplPath(coords, codes)


def _draw_places(ax: Axes, model: ControlModel, date: dt.date, shown: Collection[str] | None = None) -> None:
    states = model.states(date)
    recorded = [i for i, p in enumerate(model.places)
                if p.id in model.recorded_places and _shows(shown, states[i].control.faction)]
    colours = model.record.colours
    ax.scatter(model.xy[recorded, 0], model.xy[recorded, 1], s=14, linewidths=0.6, edgecolors="#212121",
               c=[colours.get(states[i].control.faction, palette.UNKNOWN_COLOUR) for i in recorded],
               zorder=7)


def _shown_shifts(shifts: list[Shift], shown: Collection[str] | None) -> list[Shift]:
    return [shift for shift in shifts if _shows(shown, shift.old, shift.new)]


def _shows(shown: Collection[str] | None, *holders: str) -> bool:
    """Whether a filter to ``shown`` holders (``None``: all) keeps what concerns ``holders``."""
    return shown is None or any(holder in shown for holder in holders)


def _label_ranks(km_per_inch: float) -> int:
    """How many label ranks a map at this scale can carry (crowded names are dropped anyway)."""
    return 1 if km_per_inch > 240 else 2 if km_per_inch > 60 else 3


def _draw_labels(ax: Axes, model: ControlModel, frame: Frame) -> list:
    """Names by importance; a name that would touch one already placed is left out."""
    renderer = ax.figure.canvas.get_renderer()
    inside = frame.box
    kept: list[Bbox] = []
    texts = []
    ranks = _label_ranks(frame.width_km / ax.get_window_extent(renderer).width * ax.figure.dpi)
    recorded = model.recorded_places
    for label in map_labels(model.places, model.leading_places, spacing_km=frame.width_km / 60):
        if label.rank > ranks:
            continue
        x, y = to_projected(label.place.lon, label.place.lat)
        if not inside.contains(shapely.Point(x, y)):
            continue
        text = ax.annotate(label.place.name, (x, y), xytext=(4, 3), textcoords="offset points",
                           path_effects=_HALO, zorder=8, color="#111111", gid=LABEL_GID,
                           **_LABEL_STYLE[label.rank])
        box = text.get_window_extent(renderer).expanded(1.06, 1.15)
        if any(box.overlaps(other) for other in kept) or not ax.bbox.contains(box.x1, box.y1):
            text.remove()
            continue
        kept.append(box)
        texts.append(text)
        if label.place.id not in recorded:  # recorded places already have their holder's dot
            ax.plot([x], [y], marker="s", markersize=3, color="#212121", zorder=7)
    return texts


def _draw_legend(figure: Figure, model: ControlModel, factions: Iterable[str], compare: bool,
                 top: float) -> Legend:
    colours = model.record.colours
    names = model.record.names()
    handles: list[Artist] = []
    for faction in factions:
        if faction == CONTESTED:
            continue
        colour = colours.get(faction, palette.UNKNOWN_COLOUR)
        handles.append(Patch(facecolor=colour, alpha=palette.AREA_OPACITY, edgecolor=colour,
                             label=names[faction]))
    handles += [Patch(facecolor="#424242", alpha=opacity, edgecolor="none", label=palette.TIER_LABELS[tier])
                for tier, opacity in palette.TIER_OPACITY.items()]
    handles += [
        Patch(facecolor=colours[CONTESTED], alpha=palette.AREA_OPACITY, edgecolor="#000000",
              linestyle="dashed", label="contested"),
        Patch(facecolor="none", edgecolor=palette.BESIEGED_COLOUR, linewidth=1.2, label="besieged (outline)"),
        Line2D([], [], color=palette.FRONT_COLOUR, linewidth=2.0, label="front line"),
        Line2D([], [], marker="o", linestyle="none", markerfacecolor="#ffffff", markeredgecolor="#212121",
               markersize=5, label="recorded place (holder's colour)"),
        Line2D([], [], color=palette.RIVER_COLOUR, linewidth=1.0, label="river"),
        Line2D([], [], color=palette.GOVERNORATE_COLOUR, linewidth=0.6, linestyle="dashed",
               label="governorate border"),
    ]
    if compare:
        handles.append(Patch(facecolor="#9e9e9e", edgecolor="#000000", linestyle="dashed",
                             label="changed hands (new holder)"))
    return figure.legend(handles=handles, loc="upper left", bbox_to_anchor=(_PANEL_X, top), fontsize=8,
                         title="Control", title_fontsize=9, alignment="left", frameon=False,
                         borderaxespad=0, borderpad=0, labelspacing=0.45)


def _nice_length_km(width_km: float) -> float:
    """A round scale-bar length near a fifth of the map's width."""
    target = width_km / 5
    magnitude = 10 ** math.floor(math.log10(target))
    return max(step * magnitude for step in (1, 2, 2.5, 5) if step * magnitude <= target)


def _draw_scale_bar(ax: Axes) -> None:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length_km = _nice_length_km((x1 - x0) / 1000)
    length = length_km * 1000
    right, bottom = x1 - (x1 - x0) * 0.03, y0 + (y1 - y0) * 0.05
    height = (y1 - y0) * 0.008
    for i in range(2):  # two halves, black and white, like a surveyor's bar
        ax.add_patch(Rectangle((right - length + i * length / 2, bottom), length / 2, height, zorder=21,
                               facecolor="#000000" if i == 0 else "#ffffff", edgecolor="#000000",
                               linewidth=0.8))
    for fraction, text in ((0, "0"), (1, f"{length_km:g} km")):
        ax.text(right - length + fraction * length, bottom + height * 1.8, text, ha="center", va="bottom",
                fontsize=8, zorder=21, path_effects=_HALO)


def _draw_north_arrow(ax: Axes, into: Axes) -> None:
    """True north at the centre of the map ``ax``, drawn in the corner of ``into`` (the locator), off
    the data: meridians converge away from the projection's centre, so it leans a little east or west."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    lon, lat = geography.to_lonlat((x0 + x1) / 2, (y0 + y1) / 2)
    nx, ny = to_projected(lon, min(lat + 0.5, 89.0))
    cx, cy = to_projected(lon, lat)
    angle = math.atan2(nx - cx, ny - cy)
    base = (0.07, 0.08)
    tip = (base[0] + 0.1 * math.sin(angle), base[1] + 0.45 * math.cos(angle))
    into.annotate("", xy=tip, xytext=base, xycoords="axes fraction", zorder=21,
                  arrowprops={"arrowstyle": "-|>,head_width=0.3,head_length=0.6", "color": "#000000",
                              "linewidth": 1.5})
    into.text(tip[0], tip[1] + 0.03, "N", transform=into.transAxes, ha="center", va="bottom", fontsize=9,
              fontweight="bold", zorder=21, path_effects=_HALO)


def _draw_locator(figure: Figure, geodata: Path, frame: Frame, top: float, height: float) -> Axes:
    """A small map of the region (and of the frame, if it reaches further) with the frame on it."""
    box = (_PANEL_X, top - height, 0.99 - _PANEL_X, height)
    inset = figure.add_axes(box)
    countries = _projected_base(geodata)["countries"]
    focus = countries["role"] == "focus"
    countries[~focus].plot(ax=inset, facecolor=palette.CONTEXT_COLOUR, edgecolor=palette.BORDER_COLOUR,
                           linewidth=0.3)
    countries[focus].plot(ax=inset, facecolor=palette.LAND_COLOUR, edgecolor="#424242", linewidth=0.5)
    x0, y0, x1, y1 = shapely.union_all([*countries[focus].geometry.values, frame.box]).bounds
    pad = 0.06 * max(x1 - x0, y1 - y0)
    width, height = figure.get_size_inches()
    shown = Frame(x0 - pad, y0 - pad, x1 + pad, y1 + pad).fitted(box[2] * width / (box[3] * height))
    inset.set_xlim(shown.x0, shown.x1)
    inset.set_ylim(shown.y0, shown.y1)
    inset.set_aspect("equal", adjustable="box")
    inset.set_facecolor(palette.SEA_COLOUR)
    inset.add_patch(Rectangle((frame.x0, frame.y0), frame.x1 - frame.x0, frame.y1 - frame.y0,
                              facecolor="none", edgecolor="#d50000", linewidth=1.2))
    return inset


def change_table(model: ControlModel, shifts: list[Shift], since: dt.date) -> Table:
    """km2 gained, lost and net per faction since ``since``."""
    names = model.record.names(short=True)
    rows = tuple((names[f], km2(b.gained_km2, "+"), km2(b.lost_km2, "−"), km2(b.net_km2))
                 for f, b in change_totals(shifts).items() if f != UNCLAIMED)
    return Table(f"Changes since {long_date(since)}, km²", ("", "gained", "lost", "net"),
                 rows or (("no land changed hands", "", "", ""),))


_NUMBER_WIDTH = 0.155


def _draw_table(figure: Figure, table: Table, top: float, row_height: float) -> float:
    """Draw a panel table from ``top`` down; returns where it ends (figure fraction)."""
    figure.text(_PANEL_X, top, table.title, fontsize=9, fontweight="bold", va="top")
    height = row_height * (len(table.rows) + 1)
    cell_top = top - 1.6 * row_height
    axes = figure.add_axes((_PANEL_X, cell_top - height, 0.99 - _PANEL_X, height))
    axes.set_axis_off()
    # Numbers (at most "+123,456") fit in 0.155 of the panel; the names take the rest: "Syrian
    # government and allies" ran into its numbers at 0.19.
    first = 1 - _NUMBER_WIDTH * (len(table.header) - 1)
    cells = axes.table(cellText=[list(row) for row in table.rows], colLabels=list(table.header),
                       colWidths=[first] + [_NUMBER_WIDTH] * (len(table.header) - 1), cellLoc="right",
                       edges="horizontal", bbox=(0, 0, 1, 1))
    cells.auto_set_font_size(False)
    cells.set_fontsize(7)
    for (row, col), cell in cells.get_celld().items():
        cell.set_edgecolor("#bdbdbd")
        if col == 0:
            cell.set_text_props(ha="left")
            cell.PAD = 0.02  # matplotlib's 0.1 of a wide column left a long name no room
        if row == 0:
            cell.set_text_props(fontweight="bold")
    return cell_top - height
