"""Briefing packs: one page (PDF) or slide (PPTX) per date, each with its map, the area each
faction held, and the key events since the previous date, in our words, with their sources.

Examples
--------
With ``small_model`` (five places of the test record on the shipped geography) for
``ControlModel.load()``:

>>> import datetime as dt
>>> dates = pack_dates(small_model, start=dt.date(2016, 1, 1), end=dt.date(2017, 12, 31), every="3M")
>>> [d.isoformat() for d in dates[:3]]
['2016-01-01', '2016-04-01', '2016-07-01']
>>> pages = briefing_pages(small_model, dates[1:3])
>>> [event.id for event in pages[1].events]
['fallujah-2016-06-26']
>>> write_pack(small_model, pages[1:], tmp_path / "pack.pdf").name  # one page: the second date
'pack.pdf'
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.image import imsave

from dashboard.core.events import UNCLAIMED, Event
from dashboard.core.files import atomic_write, output_kind
from dashboard.core.model import ControlModel
from dashboard.core.stats import date_range
from dashboard.core.wording import change_text, event_date, event_type, km2, long_date, source_text
from dashboard.outputs import staticmap
from dashboard.outputs.staticmap import DEFAULT_TITLE, Frame, Table, draw_map
from dashboard.outputs.textfit import FONT, GAP, LEADING, Paragraph, lay_out, shorten, wrap

FORMATS = ("pdf", "pptx")
#: At most this many events per page; the rest are counted ("and 4 more").
MAX_EVENTS = 5
#: Sources listed per event on a page (events.yaml has them all), their titles cut to this many characters.
MAX_SOURCES = 2
SOURCE_TITLE_CHARS = 100
#: An event takes at most this many lines at the smallest type: beyond, its summary is cut ("…").
MAX_EVENT_LINES = 8
#: The events' heading, relative to the events' type size.
HEADING_SCALE = 1.2
#: The default template's "Title Only" layout: a title placeholder and nothing else.
TITLE_ONLY_LAYOUT = 5
#: Looked back this far for the first page's events when there is no earlier page to go by.
FIRST_LOOKBACK = dt.timedelta(days=90)
MAX_PAGES = 120
A4_LANDSCAPE_IN = (11.69, 8.27)
#: Which events make the page first: changes of control, then sieges, then the rest.
_WEIGHT = {"capture": 0, "siege_broken": 1, "siege": 2, "offensive": 3, "evacuation": 4, "bombing": 5,
           "other": 6}


@dataclass(frozen=True)
class Page:
    """What one page says: the date, the date before it, areas then and now, the key events between."""

    date: dt.date
    since: dt.date | None
    areas: dict[str, float]
    areas_before: dict[str, float] | None
    events: tuple[Event, ...]
    more: int


def pack_dates(model: ControlModel, dates: Sequence[dt.date] | None = None, start: dt.date | None = None,
               end: dt.date | None = None, every: str | None = None) -> list[dt.date]:
    """The pack's dates: the given ones, or ``start`` to ``end`` ``every`` apart and ``end`` itself
    (the last page is on the last date asked for, wherever the step lands); checked and sorted.

    Raises ``ValueError`` naming the first date outside the record, or when there are none or too many.

    >>> [d.isoformat() for d in pack_dates(small_model, start=dt.date(2016, 1, 1),
    ...                                    end=dt.date(2016, 3, 15), every="1M")]
    ['2016-01-01', '2016-02-01', '2016-03-01', '2016-03-15']
    """
    if dates is None:
        if every is None:
            raise ValueError("give the dates, or a start, an end and a step")
        start, end = start or model.record.start, end or model.record.end
        if end < start:
            raise ValueError(f"the end {end} is before the start {start}")
        dates = [*date_range(start, end, every), end]
    for date in dates:
        if not model.record.start <= date <= model.record.end:
            raise ValueError(f"{date} is outside the record ({model.record.start} .. {model.record.end})")
    out = sorted(set(dates))
    if not out:
        raise ValueError("no dates to brief on")
    if len(out) > MAX_PAGES:
        raise ValueError(f"{len(out)} dates: a pack holds at most {MAX_PAGES} (use a longer step)")
    return out


def briefing_pages(model: ControlModel, dates: Sequence[dt.date], max_events: int = MAX_EVENTS) -> list[Page]:
    """One :class:`Page` per date (``dates`` sorted, as from :func:`pack_dates`)."""
    pages = []
    for i, date in enumerate(dates):
        since = dates[i - 1] if i else None
        first = since + dt.timedelta(days=1) if since else date - (
            dates[1] - dates[0] if len(dates) > 1 else FIRST_LOOKBACK) + dt.timedelta(days=1)
        happened = model.events_between(first, date)
        events = key_events(happened, max_events)
        pages.append(Page(date, since, _held(model, date), _held(model, since) if since else None,
                          tuple(events), len(happened) - len(events)))
    return pages


def key_events(events: Sequence[Event], limit: int) -> list[Event]:
    """The ``limit`` most telling events (changes of control first), in date order."""
    ranked = sorted(events, key=lambda e: (e.change is None, _WEIGHT.get(e.type, 9), e.date, e.id))
    return sorted(ranked[:limit], key=lambda e: (e.date, e.id))


def _held(model: ControlModel, date: dt.date) -> dict[str, float]:
    areas = model.area_by_faction(date)
    return {f: km2 for f, km2 in sorted(areas.items(), key=lambda fk: -fk[1]) if f != UNCLAIMED and km2 > 0}


def area_table(model: ControlModel, page: Page) -> Table:
    """km2 per faction on the page's date, with the change since the previous page."""
    names = model.record.names(short=True)
    before = page.areas_before or {}
    factions = list(page.areas) + [f for f in before if f not in page.areas]
    rows = tuple((names[f], f"{page.areas.get(f, 0):,.0f}",
                  km2(page.areas.get(f, 0) - before.get(f, 0)) if page.areas_before is not None else "")
                 for f in factions)
    return Table(f"Area held on {long_date(page.date)}", ("", "km²", "change"), rows)


def event_line(model: ControlModel, event: Event, fits: Callable[[str], bool] = lambda text: True) -> str:
    """One event as a paragraph: date, place, type and from → to by name, our summary, its sources.

    When the paragraph does not ``fit``, the summary is cut at a word ("…"); the date, the place and
    from → to always stay.  Source titles are cut to :data:`SOURCE_TITLE_CHARS`.
    """
    head = [event_date(event), model.gazetteer[event.place].name, event_type(event.type)]
    if event.change:
        head.append(change_text(event.change, model.record.names(short=True)))
    sources = "; ".join(source_text(dataclasses.replace(s, title=_cut_title(s.title)))
                        for s in event.sources[:MAX_SOURCES])
    if len(event.sources) > MAX_SOURCES:
        sources += f"; and {len(event.sources) - MAX_SOURCES} more"
    return shorten(lambda summary: f"{' · '.join(head)}: {summary} Sources: {sources}", event.summary, fits)


def _cut_title(title: str) -> str:
    return shorten(lambda t: t, title, lambda t: len(t) <= SOURCE_TITLE_CHARS)


def event_paragraphs(model: ControlModel, page: Page, fits: Callable[[str], bool] = lambda text: True
                     ) -> list[Paragraph]:
    """The page's events under their heading (:func:`event_line` each; ``fits`` as there)."""
    heading = f"Key events since {long_date(page.since)}:" if page.since else "Key events before this date:"
    paragraphs = [Paragraph(heading, bold=True, scale=HEADING_SCALE, keep_with_next=True)]
    paragraphs += [Paragraph(event_line(model, event, fits)) for event in page.events]
    if page.more:
        paragraphs.append(Paragraph(f"… and {page.more} more event(s) in events.yaml."))
    if not page.events:
        paragraphs.append(Paragraph("No events recorded in this period."))
    return paragraphs


def event_lines(model: ControlModel, page: Page) -> list[str]:
    """The page's events as plain paragraphs, the heading first (nothing shortened)."""
    return [paragraph.text for paragraph in event_paragraphs(model, page)]


def _at_most(lines: int, width: float, size: float, **measure: Any) -> Callable[[str], bool]:
    """Whether a paragraph wraps to at most ``lines`` lines of ``width`` points at ``size``."""
    return lambda text: len(wrap(text, width, size, **measure)) <= lines


# --- writing ----------------------------------------------------------------------------------

def write_pack(model: ControlModel, pages: Sequence[Page], out: Path | str, *, frame: Frame | None = None,
               title: str | None = None) -> Path:
    """Write the pack as PDF or PPTX (by extension), atomically: no partial file on failure.

    A page's events that do not fit beside (PPTX) or under (PDF) its map, even at the smallest
    type, continue on the next slide or page, headed "(continued)".
    """
    kind = output_kind(out, FORMATS)
    writer: Callable[..., None] = _write_pdf if kind == "pdf" else _write_pptx
    with atomic_write(out) as fh:
        writer(model, pages, fh, frame, title)
    return Path(out)


def _subtitle(page: Page, continued: bool = False) -> str:
    subtitle = f"Control on {long_date(page.date)}"
    if page.since:
        subtitle += f"; changes since {long_date(page.since)} outlined"
    return f"{subtitle} … (continued)" if continued else subtitle


# --- PDF: the page is the map figure; the events go under the map ------------------------------

#: The PDF's events: matplotlib's DejaVu Sans at the map's note size, lines 1.45 apart as the map
#: draws them, in a column as wide as the map (staticmap wraps notes longer than ``PDF_NOTE_CHARS``
#: characters again: ours are never longer).
PDF_NOTE_SIZE = 8.0
PDF_LEADING = 1.45
PDF_NOTE_WIDTH_PT = 8.3 * 72
PDF_NOTE_CHARS = 150
#: At most this many lines of events under a PDF page's map (the map keeps 4 of the page's 8.3 in).
PDF_NOTE_LINES = 18
_PDF_MEASURE = {"indent": "    ", "max_chars": PDF_NOTE_CHARS}


def _write_pdf(model: ControlModel, pages: Sequence[Page], fh: BinaryIO, frame: Frame | None,
               title: str | None) -> None:
    line = PDF_NOTE_SIZE * PDF_LEADING
    height = A4_LANDSCAPE_IN[1]
    fits = _at_most(MAX_EVENT_LINES, PDF_NOTE_WIDTH_PT, PDF_NOTE_SIZE, **_PDF_MEASURE)
    with PdfPages(fh, metadata={"Creator": "frontlines", "Title": title or "Briefing pack",
                                "CreationDate": None}) as pdf:
        for page in pages:
            # The map draws its notes in one style: the heading too.
            plain = [dataclasses.replace(p, bold=False, scale=1.0)
                     for p in event_paragraphs(model, page, fits)]
            layout = lay_out(plain, PDF_NOTE_WIDTH_PT, first=PDF_NOTE_LINES * line,
                             then=(height - 1.3) * 72, sizes=(PDF_NOTE_SIZE,), leading=PDF_LEADING, gap=0,
                             **_PDF_MEASURE)
            boxes = [[text for p in box for text in p.lines(PDF_NOTE_WIDTH_PT, PDF_NOTE_SIZE, **_PDF_MEASURE)]
                     for box in layout.boxes]
            pdf.savefig(draw_map(model, page.date, frame=frame, compare=page.since, title=title,
                                 tables=[area_table(model, page)], notes=boxes[0], size_in=A4_LANDSCAPE_IN))
            for lines in boxes[1:]:
                pdf.savefig(_continued_page(title or DEFAULT_TITLE, _subtitle(page, continued=True), lines))


def _continued_page(title: str, subtitle: str, lines: Sequence[str]) -> Figure:
    """A PDF page of events that did not fit under the map, headed as the map page is."""
    height = A4_LANDSCAPE_IN[1]
    figure = Figure(figsize=A4_LANDSCAPE_IN)
    figure.text(0.01, 1 - 0.3 / height, title, fontsize=17, fontweight="bold", va="center")
    figure.text(0.01, 1 - 0.62 / height, subtitle, fontsize=12, va="center", color="#333333")
    figure.text(0.01, 1 - 1.0 / height, "\n".join(lines), fontsize=PDF_NOTE_SIZE, va="top",
                linespacing=PDF_LEADING)
    return figure


# --- PPTX: title and text are PowerPoint text beside the map picture ----------------------------

#: The slide (16:9) and where things go on it, in inches.
SLIDE_IN = (13.333, 7.5)
MARGIN_IN = 0.3
TOP_IN = 1.15  # under the title and subtitle
#: The panel right of the map, for the table and the events: 5 in wide, so that the record's key
#: events fit beside the map on most dates (at 4.1 in, two in three dates continued on a next slide).
PANEL_LEFT_IN, PANEL_WIDTH_IN = 8.0, 5.033
#: Continuation slides: two columns as wide as the panel.
COLUMN_LEFTS_IN = (0.3, 5.533)
#: Inside every text box, left and right (top and bottom: none).
INSET_IN = 0.05
#: Type sizes tried for the events, largest first: the smallest is the floor.
EVENT_SIZES = (10.0, 9.5, 9.0, 8.5, 8.0, 7.5, 7.0)
TITLE_SIZES = (24.0, 22.0, 20.0, 18.0, 16.0)
SUBTITLE_SIZES = (14.0, 13.0, 12.0, 11.0)
TABLE_SIZES = (10.0, 9.0, 8.0)
TABLE_NUMBER_IN = 0.85
CELL_INSET_IN = 0.04


def _write_pptx(model: ControlModel, pages: Sequence[Page], fh: BinaryIO, frame: Frame | None,
                title: str | None) -> None:
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(SLIDE_IN[0]), Inches(SLIDE_IN[1])
    title = title or DEFAULT_TITLE
    bottom = SLIDE_IN[1] - MARGIN_IN
    width = (PANEL_WIDTH_IN - 2 * INSET_IN) * 72
    fits = _at_most(MAX_EVENT_LINES, width, EVENT_SIZES[-1])
    for page in pages:
        slide = _titled_slide(deck, title, _subtitle(page))
        figure = draw_map(model, page.date, frame=frame, compare=page.since, title=title, tables=[],
                          size_in=(12.0, 8.0))
        _add_picture(slide, map_picture(figure), Inches(MARGIN_IN), Inches(TOP_IN),
                     Inches(PANEL_LEFT_IN - 0.2 - MARGIN_IN), Inches(bottom - TOP_IN))
        table_bottom = _add_table(slide, area_table(model, page), PANEL_LEFT_IN, TOP_IN, PANEL_WIDTH_IN)
        top = table_bottom + 0.2
        layout = lay_out(event_paragraphs(model, page, fits), width, first=(bottom - top) * 72,
                         then=(bottom - TOP_IN) * 72, sizes=EVENT_SIZES)
        _add_text(slide, layout.boxes[0], layout.size, PANEL_LEFT_IN, top, PANEL_WIDTH_IN, bottom - top)
        rest = layout.boxes[1:]
        for first in range(0, len(rest), len(COLUMN_LEFTS_IN)):
            slide = _titled_slide(deck, title, _subtitle(page, continued=True))
            for left, box in zip(COLUMN_LEFTS_IN, rest[first:first + len(COLUMN_LEFTS_IN)], strict=False):
                _add_text(slide, box, layout.size, left, TOP_IN, PANEL_WIDTH_IN, bottom - TOP_IN)
    deck.save(fh)


def map_picture(figure: Figure) -> bytes:
    """The map as a PNG without the figure's title and heading: the slide has its own, as text.

    The title band is whatever figure text lies above the map and its locator, and is cut off: the
    figure is drawn once and its pixels cropped (a ``bbox_inches`` save costs a third more).
    """
    top = max(axes.get_position().y1 for axes in figure.axes)
    for text in list(figure.texts):
        if text.get_position()[1] > top:
            text.remove()
    figure.set_dpi(staticmap.DPI)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    pixels = np.asarray(canvas.buffer_rgba())
    cut = max(0, int(pixels.shape[0] * (1 - top) - 0.05 * staticmap.DPI))
    buffer = io.BytesIO()
    imsave(buffer, pixels[cut:, :, :3], format="png")
    return buffer.getvalue()


def _titled_slide(deck: Any, title: str, subtitle: str) -> Any:
    """A slide whose title is in its title placeholder (what outlines and screen readers read)."""
    from pptx.util import Inches

    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY_LAYOUT])
    width = SLIDE_IN[0] - 2 * MARGIN_IN
    heading = slide.shapes.title
    heading.left, heading.top, heading.width, heading.height = (Inches(MARGIN_IN), Inches(0.15),
                                                                Inches(width), Inches(0.5))
    _one_line(heading.text_frame, title, TITLE_SIZES, width, bold=True)
    box = slide.shapes.add_textbox(Inches(MARGIN_IN), Inches(0.68), Inches(width), Inches(0.35))
    _one_line(box.text_frame, subtitle, SUBTITLE_SIZES, width, bold=False)
    return slide


def _one_line(text_frame: Any, text: str, sizes: Sequence[float], width_in: float, bold: bool) -> None:
    """``text`` on one line: at the largest of ``sizes`` it fits, else cut ("…") at the smallest."""
    from pptx.enum.text import MSO_ANCHOR, PP_ALIGN

    room = (width_in - 2 * INSET_IN) * 72
    size = next((s for s in sizes if len(wrap(text, room, s, bold)) == 1), sizes[-1])
    text = shorten(lambda t: t, text, lambda t: len(wrap(t, room, size, bold)) == 1)
    _frame_style(text_frame)
    text_frame.vertical_anchor = MSO_ANCHOR.TOP
    paragraph = text_frame.paragraphs[0]
    paragraph.text = text
    paragraph.alignment = PP_ALIGN.LEFT
    _font(paragraph, size, bold)


def _frame_style(text_frame: Any) -> None:
    from pptx.enum.text import MSO_AUTO_SIZE
    from pptx.util import Inches

    text_frame.word_wrap = True
    text_frame.auto_size = MSO_AUTO_SIZE.NONE
    text_frame.margin_left = text_frame.margin_right = Inches(INSET_IN)
    text_frame.margin_top = text_frame.margin_bottom = 0


def _font(paragraph: Any, size: float, bold: bool) -> None:
    """The measured font, at ``size``, lines exactly :data:`LEADING` apart."""
    from pptx.util import Pt

    paragraph.line_spacing = Pt(size * LEADING)
    paragraph.space_before = 0
    paragraph.space_after = Pt(size * GAP)
    paragraph.font.name = FONT
    paragraph.font.size = Pt(size)
    paragraph.font.bold = bold


def _add_text(slide: Any, paragraphs: Sequence[Paragraph], size: float, left: float, top: float,
              width: float, height: float) -> None:
    from pptx.util import Inches

    text_frame = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height)).text_frame
    _frame_style(text_frame)
    for i, paragraph in enumerate(paragraphs):
        out = text_frame.paragraphs[0] if i == 0 else text_frame.add_paragraph()
        out.text = paragraph.text
        _font(out, size * paragraph.scale, paragraph.bold)


def _add_picture(slide: Any, png: bytes, left: int, top: int, width: int, height: int) -> None:
    """The picture as large as fits ``width`` x ``height`` (EMU), its shape kept."""
    picture = slide.shapes.add_picture(io.BytesIO(png), left, top, width=width)
    if picture.height > height:
        picture.width, picture.height = int(picture.width * height / picture.height), height


def _add_table(slide: Any, table: Table, left: float, top: float, width: float) -> float:
    """The area table at the largest of :data:`TABLE_SIZES` at which every cell fits on one line
    (names cut with "…" at the smallest); returns its bottom, in inches."""
    from pptx.util import Inches, Pt

    header = (table.title.replace("Area held on ", ""), *table.header[1:])
    rows = [header, *table.rows]
    widths = (width - 2 * TABLE_NUMBER_IN, TABLE_NUMBER_IN, TABLE_NUMBER_IN)
    rooms = [(w - 2 * CELL_INSET_IN) * 72 for w in widths]

    def one_line(value: str, room: float, size: float, bold: bool) -> bool:
        return len(wrap(value, room, size, bold)) == 1

    size = next((s for s in TABLE_SIZES if all(one_line(v, rooms[c], s, r == 0) for r, row in enumerate(rows)
                                             for c, v in enumerate(row))), TABLE_SIZES[-1])
    row_in = (size * LEADING / 72) + 2 * CELL_INSET_IN + 0.02
    shape = slide.shapes.add_table(len(rows), len(header), Inches(left), Inches(top), Inches(width),
                                   Inches(row_in * len(rows)))
    cells = shape.table
    for col, col_width in enumerate(widths):
        cells.columns[col].width = Inches(col_width)
    for r, row in enumerate(rows):
        cells.rows[r].height = Inches(row_in)
        for c, value in enumerate(row):
            cell = cells.cell(r, c)
            inset = Inches(CELL_INSET_IN)
            cell.margin_left = cell.margin_right = cell.margin_top = cell.margin_bottom = inset
            cell.text = shorten(lambda t: t, value, lambda t, c=c, r=r: one_line(t, rooms[c], size, r == 0))
            _font(cell.text_frame.paragraphs[0], size, bold=r == 0)
            cell.text_frame.paragraphs[0].space_after = Pt(0)
    return top + row_in * len(rows)
