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

import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from matplotlib.backends.backend_pdf import PdfPages

from dashboard.core.events import UNCLAIMED, Event
from dashboard.core.files import atomic_write, output_kind
from dashboard.core.model import ControlModel
from dashboard.core.stats import date_range
from dashboard.core.wording import event_date, event_type, km2, long_date, source_text
from dashboard.outputs.staticmap import DEFAULT_TITLE, Frame, Table, draw_map, figure_bytes

FORMATS = ("pdf", "pptx")
#: At most this many events per page; the rest are counted ("and 4 more").
MAX_EVENTS = 5
#: Sources listed per event on a page (events.yaml has them all).
MAX_SOURCES = 2
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
    """The pack's dates: the given ones, or ``start`` to ``end`` ``every`` apart; checked and sorted.

    Raises ``ValueError`` naming the first date outside the record, or when there are none or too many.
    """
    if dates is None:
        if every is None:
            raise ValueError("give the dates, or a start, an end and a step")
        start, end = start or model.record.start, end or model.record.end
        if end < start:
            raise ValueError(f"the end {end} is before the start {start}")
        dates = list(date_range(start, end, every))
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


def event_lines(model: ControlModel, page: Page) -> list[str]:
    """The page's events as paragraphs: date, place, type, our summary, then its sources."""
    lines = [f"Key events since {long_date(page.since)}:" if page.since else "Key events before this date:"]
    for event in page.events:
        place = model.gazetteer[event.place].name
        sources = "; ".join(source_text(s) for s in event.sources[:MAX_SOURCES])
        if len(event.sources) > MAX_SOURCES:
            sources += f"; and {len(event.sources) - MAX_SOURCES} more"
        lines.append(f"{event_date(event)}  {place} ({event_type(event.type)}): {event.summary}  "
                     f"Sources: {sources}")
    if page.more:
        lines.append(f"… and {page.more} more event(s) in events.yaml.")
    if not page.events:
        lines.append("No events recorded in this period.")
    return lines


# --- writing ----------------------------------------------------------------------------------

def write_pack(model: ControlModel, pages: Sequence[Page], out: Path | str, *, frame: Frame | None = None,
               title: str | None = None) -> Path:
    """Write the pack as PDF or PPTX (by extension), atomically: no partial file on failure."""
    kind = output_kind(out, FORMATS)
    writer: Callable[..., None] = _write_pdf if kind == "pdf" else _write_pptx
    with atomic_write(out) as fh:
        writer(model, pages, fh, frame, title)
    return Path(out)


def _write_pdf(model: ControlModel, pages: Sequence[Page], fh: BinaryIO, frame: Frame | None,
               title: str | None) -> None:
    with PdfPages(fh, metadata={"Creator": "frontlines", "Title": title or "Briefing pack",
                                "CreationDate": None}) as pdf:
        for page in pages:
            figure = draw_map(model, page.date, frame=frame, compare=page.since, title=title,
                              tables=[area_table(model, page)], notes=event_lines(model, page),
                              size_in=A4_LANDSCAPE_IN)
            pdf.savefig(figure)


def _write_pptx(model: ControlModel, pages: Sequence[Page], fh: BinaryIO, frame: Frame | None,
                title: str | None) -> None:
    from pptx import Presentation
    from pptx.util import Inches, Pt

    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(13.333), Inches(7.5)
    blank = deck.slide_layouts[6]
    for page in pages:
        subtitle = f"Control on {long_date(page.date)}"
        if page.since:
            subtitle += f"; changes since {long_date(page.since)} outlined"
        slide = _slide_with_title(deck, blank, title or DEFAULT_TITLE, subtitle)
        figure = draw_map(model, page.date, frame=frame, compare=page.since, title=title, tables=[],
                          size_in=(12.0, 8.0))
        slide.shapes.add_picture(io.BytesIO(figure_bytes(figure, "png")), Inches(0.3), Inches(1.15),
                                 width=Inches(8.4))
        table = area_table(model, page)
        _add_table(slide, table, Inches(8.9), Inches(1.15), Inches(4.1))
        box = slide.shapes.add_textbox(Inches(8.9), Inches(1.45 + 0.28 * (len(table.rows) + 1)),
                                       Inches(4.1), Inches(3.0))
        text = box.text_frame
        text.word_wrap = True
        for i, line in enumerate(event_lines(model, page)):
            paragraph = text.paragraphs[0] if i == 0 else text.add_paragraph()
            paragraph.text = line
            paragraph.font.size = Pt(11 if i == 0 else 8)
            paragraph.font.bold = i == 0
            paragraph.space_after = Pt(3)
    deck.save(fh)


def _slide_with_title(deck: Any, layout: Any, title: str, subtitle: str) -> Any:
    from pptx.util import Inches, Pt

    slide = deck.slides.add_slide(layout)
    for text, top, size, bold in ((title, 0.2, 24, True), (subtitle, 0.65, 14, False)):
        frame = slide.shapes.add_textbox(Inches(0.3), Inches(top), Inches(12.7), Inches(0.5)).text_frame
        frame.text = text
        frame.paragraphs[0].font.size = Pt(size)
        frame.paragraphs[0].font.bold = bold
    return slide


def _add_table(slide: Any, table: Table, left: int, top: int, width: int) -> None:
    from pptx.util import Inches, Pt

    shape = slide.shapes.add_table(len(table.rows) + 1, len(table.header), left, top, width,
                                   Inches(0.28 * (len(table.rows) + 1)))
    cells = shape.table
    cells.columns[0].width = width - 2 * Inches(1.0)
    for col in (1, 2):
        cells.columns[col].width = Inches(1.0)
    header = (table.title.replace("Area held on ", ""), *table.header[1:])
    for r, row in enumerate((header, *table.rows)):
        for c, value in enumerate(row):
            cell = cells.cell(r, c)
            cell.text = value
            cell.text_frame.paragraphs[0].font.size = Pt(10)
