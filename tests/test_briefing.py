"""Briefing packs on the synthetic world (tests/fixtures/README.md), made by the command line in-process:
PDF pages rendered by pdftoppm, PPTX slides read back and rendered by LibreOffice."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from dashboard.cli import main
from dashboard.core.events import UNCLAIMED
from dashboard.core.wording import change_text
from dashboard.outputs import briefing, staticmap, textfit

from . import synthetic
from .conftest import ON_SYNTHETIC

DATES = [dt.date(2016, 1, 1), dt.date(2016, 7, 1), dt.date(2017, 1, 1)]


def test_pack_dates_step_through_the_range(synthetic_model):
    dates = briefing.pack_dates(synthetic_model, start=dt.date(2016, 1, 1), end=dt.date(2017, 12, 31),
                                every="3M")
    assert dates == [*(dt.date(y, m, 1) for y in (2016, 2017) for m in (1, 4, 7, 10)), dt.date(2017, 12, 31)]
    unsorted = [dt.date(2017, 1, 1), dt.date(2016, 1, 1), dt.date(2017, 1, 1)]
    assert briefing.pack_dates(synthetic_model, unsorted) == [dt.date(2016, 1, 1), dt.date(2017, 1, 1)]


@pytest.mark.parametrize(("end", "last_two"), [
    (dt.date(2016, 3, 1), [dt.date(2016, 2, 1), dt.date(2016, 3, 1)]),  # the step lands on the end: once
    (dt.date(2016, 3, 15), [dt.date(2016, 3, 1), dt.date(2016, 3, 15)]),  # it does not: the end still is
])
def test_the_end_date_is_the_last_page(synthetic_model, end, last_two):
    dates = briefing.pack_dates(synthetic_model, start=dt.date(2016, 1, 1), end=end, every="1M")
    assert dates[0] == dt.date(2016, 1, 1)
    assert dates[-2:] == last_two
    assert len(dates) == len(set(dates))


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"dates": [dt.date(2013, 5, 1)]}, "outside the record"),
    ({"start": dt.date(2017, 1, 1), "end": dt.date(2016, 1, 1), "every": "month"},
     "^the end 2016-01-01 is before the start 2017-01-01$"),  # in its own words, not the CLI's flags
    ({"start": dt.date(2014, 1, 1), "end": dt.date(2019, 3, 1), "every": "week"}, "at most"),
    ({"dates": []}, "no dates"),
])
def test_bad_pack_dates_are_refused(synthetic_model, kwargs, message):
    with pytest.raises(ValueError, match=message):
        briefing.pack_dates(synthetic_model, **kwargs)


def test_pages_hold_the_key_events_since_the_page_before(synthetic_model):
    """2016-01-02 .. 2016-07-01 holds seven events: both captures are kept, then the offensive, the
    evacuation and the earlier bombing (by type, then date); the second bombing and the airdrop are
    counted."""
    first, second, third = briefing.briefing_pages(synthetic_model, DATES)
    assert (second.since, second.more) == (DATES[0], 2)
    assert [e.id for e in second.events] == [
        "kingsbury-2016-01-20-bombing", "ashford-2016-02-10-offensive", "northmere-2016-04-12-evacuation",
        "ashford-2016-06-26", "northmere-2016-06-28"]
    hand = synthetic.held_km2(dt.date(2016, 7, 15))  # nothing changed from 1 to 15 July
    del hand["unclaimed"]  # the table lists factions
    assert second.areas == pytest.approx(hand, rel=synthetic.REL)
    assert list(second.areas) == ["iraq", "syria", "isis", "opposition"]  # largest first
    assert second.areas_before == pytest.approx(first.areas)
    # The first page looks back as far as the step to the next one (182 days): Ferrygate's capture.
    assert (first.since, [e.id for e in first.events], first.more) == (None, ["ferrygate-2015-09-01"], 0)
    assert (third.events, third.more) == ((), 0)
    assert UNCLAIMED not in third.areas


@pytest.fixture(scope="module")
def pptx_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pack") / "pack.pptx"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(staticmap, "DPI", 40)  # the slides' map pictures: their pixels are not read here
        code = main([*ON_SYNTHETIC, "briefing", "--dates", ",".join(d.isoformat() for d in DATES),
                     "--out", str(out)])
    assert code == 0
    return out


def test_pptx_has_one_slide_per_date_with_map_table_and_real_text(pptx_pack, synthetic_model):
    deck = Presentation(str(pptx_pack))
    assert len(deck.slides) == len(DATES)
    pages = briefing.briefing_pages(synthetic_model, DATES)
    names = synthetic_model.record.names(short=True)
    for slide, page in zip(deck.slides, pages, strict=True):
        kinds = [shape.shape_type for shape in slide.shapes]
        assert kinds.count(MSO_SHAPE_TYPE.PICTURE) == 1
        # One title, in the slide's title placeholder; the map picture is cut below the figure's own.
        assert slide.shapes.title.text == staticmap.DEFAULT_TITLE
        picture = next(shape for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE)
        width, height = picture.image.size
        assert height / width < 7.3 / 12  # the figure is 12 x 8 in; its title band is 0.85 in
        text = "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
        assert text.count(staticmap.DEFAULT_TITLE) == 1
        assert f"{page.date.day} {page.date:%B %Y}" in text
        for event in page.events:
            assert event.summary in text
            assert event.sources[0].title in text
            if event.change:
                assert change_text(event.change, synthetic_model.record.names(short=True)) in text
        table = next(shape.table for shape in slide.shapes if shape.has_table)
        rows = {table.cell(r, 0).text: table.cell(r, 1).text for r in range(1, len(table.rows))}
        assert rows == {names[faction]: f"{km2:,.0f}" for faction, km2 in page.areas.items()}
    second = "\n".join(shape.text_frame.text for shape in deck.slides[1].shapes if shape.has_text_frame)
    assert "… and 2 more event(s) in events.yaml." in second
    third = "\n".join(shape.text_frame.text for shape in deck.slides[2].shapes if shape.has_text_frame)
    assert "No events recorded in this period." in third


def test_pdf_has_one_page_per_date(cli, tmp_path):
    if shutil.which("pdftoppm") is None:
        if os.environ.get("FRONTLINES_REQUIRE_BROWSER") == "1":
            pytest.fail("pdftoppm is missing (Debian package poppler-utils); .ci/run installs it")
        pytest.skip("pdftoppm is missing (Debian package poppler-utils)")
    out = tmp_path / "pack.pdf"
    result = cli("briefing", "--from", "2016-01-01", "--to", "2016-12-31", "--every", "6M",
                 "--focus", "Ash Ford", "--out", out)
    assert result.stderr == f"wrote {out} (3 dates)\n"  # 1 January, 1 July and the end, 31 December
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(out), str(tmp_path / "page")], check=True)
    assert len(list(tmp_path.glob("page-*.png"))) == 3


# --- text that fits -----------------------------------------------------------------------------

LONG_SUMMARY = ("After a long night of fighting that began in the villages to the north and spread along "
                "the river road, the attacking forces entered the old town, cleared the market, the bridge "
                "and the hospital, and declared the whole district secure by the following afternoon, while "
                "smaller groups of defenders withdrew east towards the desert under cover of a sandstorm.")
LONG_TITLE = ("A report on the fall of the town, the long siege before it and what the people who stayed "
              "behind said about the fighting, the bridge, the market and the days that followed")


def test_wrapped_lines_are_never_wider_than_their_box():
    lines = textfit.wrap(LONG_SUMMARY + " Supercalifragilisticexpialidocious" * 3, width=120, size=9)
    assert len(lines) > 10
    assert all(textfit.text_width(line, 9) <= 120 for line in lines)
    assert " ".join(lines).replace("Supercalifragilisticexpialidocious", "") != ""
    assert "".join(lines).replace(" ", "") == (LONG_SUMMARY + " Supercalifragilisticexpialidocious" * 3
                                                ).replace(" ", "")


def test_text_shrinks_to_the_floor_then_spreads_over_boxes():
    paragraphs = [textfit.Paragraph("Key events:", bold=True, keep_with_next=True),
                  *(textfit.Paragraph(LONG_SUMMARY) for _ in range(6))]
    one = textfit.lay_out(paragraphs[:2], width=300, first=300, then=400, sizes=(10, 8, 7))
    assert (one.size, len(one.boxes)) == (10, 1)
    spread = textfit.lay_out(paragraphs, width=300, first=100, then=200, sizes=(10, 8, 7))
    assert spread.size == 7
    assert [p for box in spread.boxes for p in box] == paragraphs  # all of them, in order, once
    for room, box in zip((100, *[200] * 9), spread.boxes, strict=False):
        assert sum(p.height(300, 7) for p in box) <= room
    assert spread.boxes[0][-1] != paragraphs[0]  # the heading is never left alone at a box's foot


def test_a_shortened_event_keeps_date_place_and_from_to(synthetic_model):
    event = next(e for e in synthetic_model.record.events if e.change)
    event = dataclasses.replace(event, summary=LONG_SUMMARY, sources=tuple(
        dataclasses.replace(s, title=LONG_TITLE) for s in event.sources) * 3)
    names = synthetic_model.record.names(short=True)
    full = briefing.event_line(synthetic_model, event)
    short = briefing.event_line(synthetic_model, event, fits=lambda text: len(text) < len(full) - 200)
    for line in (full, short):
        assert line.startswith(f"{event.date.isoformat()} · {synthetic_model.gazetteer[event.place].name} · ")
        assert f"· {change_text(event.change, names)}: " in line
        assert "Sources: " in line
        assert f"; and {len(event.sources) - briefing.MAX_SOURCES} more" in line
        assert LONG_TITLE not in line  # source titles are cut
    assert LONG_SUMMARY in full
    assert LONG_SUMMARY not in short
    assert "… Sources: " in short
    assert len(short) < len(full) - 200


def _long_pack(model) -> list[briefing.Page]:
    """Two dates; the second with five events whose summaries and sources are as long as the record's
    longest: more than fits beside the map at the smallest type."""
    first, second = briefing.briefing_pages(model, DATES[:2])
    events = tuple(dataclasses.replace(e, summary=LONG_SUMMARY, sources=tuple(
        dataclasses.replace(s, title=LONG_TITLE) for s in e.sources) * 2) for e in second.events)
    return [first, dataclasses.replace(second, events=events)]


def _words(pdf: Path) -> list[tuple[float, float, list[tuple[float, float, float, float, str]]]]:
    """Each page's width, height and words (x0, y0, x1, y1 in points from the top left, text)."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    number = r'"([\d.]+)"'
    pages = []
    for page in html.split("<page ")[1:]:
        width, height = map(float, re.search(f"width={number} height={number}", page).groups())
        words = [(*map(float, box), text) for *box, text in re.findall(
            f"xMin={number} yMin={number} xMax={number} yMax={number}>([^<]*)<", page)]
        pages.append((width, height, words))
    return pages


def _rect(shape) -> tuple[float, float, float, float]:
    return (shape.left / 12700, shape.top / 12700, (shape.left + shape.width) / 12700,
            (shape.top + shape.height) / 12700)


def _inside(inner, outer, slack: float = 1.0) -> bool:
    return (inner[0] >= outer[0] - slack and inner[1] >= outer[1] - slack and inner[2] <= outer[2] + slack
            and inner[3] <= outer[3] + slack)


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_libreoffice_renders_every_text_inside_its_box(soffice, synthetic_model, tmp_path, monkeypatch):
    """The deck as LibreOffice lays it out: every word on its slide, inside the text box, table or title
    that holds it; no box over the map or over another box; the events that did not fit continued."""
    monkeypatch.setattr(staticmap, "DPI", 40)
    deck_path = briefing.write_pack(synthetic_model, _long_pack(synthetic_model), tmp_path / "long.pptx",
                                    title=LONG_TITLE)
    deck = Presentation(str(deck_path))
    rendered = _words(soffice(deck_path))
    assert len(rendered) == len(deck.slides) > 2  # the second date's events continue on a third slide
    assert "(continued)" in deck.slides[2].shapes[1].text_frame.text
    shown = " ".join(w[4] for _, _, words in rendered for w in words)
    names = synthetic_model.record.names(short=True)
    events = [event for page in _long_pack(synthetic_model) for event in page.events]
    for event in events:
        if event.change:  # from → to kept whole, however short the summary became
            assert change_text(event.change, names).split()[-1] in shown
    assert shown.count("→") == sum(1 for event in events if event.change) > 1
    for number, (slide, (width, height, words)) in enumerate(zip(deck.slides, rendered, strict=True), 1):
        assert (round(width), round(height)) == (960, 540)
        boxes = [_rect(shape) for shape in slide.shapes if shape.has_text_frame or shape.has_table]
        pictures = [_rect(shape) for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]
        for i, box in enumerate(boxes + pictures):
            assert _inside(box, (0, 0, width, height), slack=0), f"slide {number}: a shape off the slide"
            assert not any(_overlap(box, other) for other in (boxes + pictures)[i + 1:]), \
                f"slide {number}: shapes overlap"
        assert words
        for *word, text in words:
            assert any(_inside(word, box) for box in boxes), f"slide {number}: {text!r} at {word} outside"


def test_a_pdf_pack_keeps_every_word_on_its_page(synthetic_model, tmp_path, monkeypatch):
    if shutil.which("pdftotext") is None:
        if os.environ.get("FRONTLINES_REQUIRE_BROWSER") == "1":
            pytest.fail("pdftotext is missing (Debian package poppler-utils); .ci/run installs it")
        pytest.skip("pdftotext is missing (Debian package poppler-utils)")
    monkeypatch.setattr(staticmap, "DPI", 40)
    pdf = briefing.write_pack(synthetic_model, _long_pack(synthetic_model), tmp_path / "long.pdf",
                              title=LONG_TITLE)
    pages = _words(pdf)
    assert len(pages) > 2
    for number, (width, height, words) in enumerate(pages, 1):
        for *word, text in words:
            assert _inside(word, (0, 0, width, height), slack=0), f"page {number}: {text!r} off the page"
