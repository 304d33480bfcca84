"""Briefing packs on the synthetic world (tests/fixtures/README.md), made by the command line in-process:
PDF pages rendered by pdftoppm, PPTX slides read back."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from dashboard.cli import main
from dashboard.core.events import UNCLAIMED
from dashboard.outputs import briefing, staticmap

from . import synthetic
from .conftest import ON_SYNTHETIC

DATES = [dt.date(2016, 1, 1), dt.date(2016, 7, 1), dt.date(2017, 1, 1)]


def test_pack_dates_step_through_the_range(synthetic_model):
    dates = briefing.pack_dates(synthetic_model, start=dt.date(2016, 1, 1), end=dt.date(2017, 12, 31),
                                every="3M")
    assert dates == [dt.date(y, m, 1) for y in (2016, 2017) for m in (1, 4, 7, 10)]
    unsorted = [dt.date(2017, 1, 1), dt.date(2016, 1, 1), dt.date(2017, 1, 1)]
    assert briefing.pack_dates(synthetic_model, unsorted) == [dt.date(2016, 1, 1), dt.date(2017, 1, 1)]


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
        text = "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
        assert f"{page.date.day} {page.date:%B %Y}" in text
        for event in page.events:
            assert event.summary in text
            assert event.sources[0].title in text
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
    assert result.stderr == f"wrote {out} (2 pages)\n"
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(out), str(tmp_path / "page")], check=True)
    assert len(list(tmp_path.glob("page-*.png"))) == 2
