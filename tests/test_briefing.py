"""Briefing packs from the command line: PDF pages rendered by pdftoppm, PPTX slides read back."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from dashboard.outputs import briefing

DATES = [dt.date(2016, 1, 1), dt.date(2016, 7, 1), dt.date(2017, 1, 1)]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dashboard", *args], capture_output=True, text=True)


def test_pack_dates_step_through_the_range(model):
    dates = briefing.pack_dates(model, start=dt.date(2016, 1, 1), end=dt.date(2017, 12, 31), every="3M")
    assert dates == [dt.date(y, m, 1) for y in (2016, 2017) for m in (1, 4, 7, 10)]
    assert briefing.pack_dates(model, [dt.date(2017, 1, 1), dt.date(2016, 1, 1), dt.date(2017, 1, 1)]) == [
        dt.date(2016, 1, 1), dt.date(2017, 1, 1)]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"dates": [dt.date(2013, 5, 1)]}, "outside the record"),
    ({"start": dt.date(2017, 1, 1), "end": dt.date(2016, 1, 1), "every": "month"},
     "^the end 2016-01-01 is before the start 2017-01-01$"),  # in its own words, not the CLI's flags
    ({"start": dt.date(2014, 1, 1), "end": dt.date(2019, 3, 1), "every": "week"}, "at most"),
    ({"dates": []}, "no dates"),
])
def test_bad_pack_dates_are_refused(model, kwargs, message):
    with pytest.raises(ValueError, match=message):
        briefing.pack_dates(model, **kwargs)


def test_pages_hold_the_key_events_since_the_page_before(model):
    pages = briefing.briefing_pages(model, DATES)
    second = pages[1]
    assert second.since == DATES[0]
    between = model.events_between(DATES[0] + dt.timedelta(days=1), DATES[1])
    assert len(second.events) + second.more == len(between)
    assert len(second.events) == min(briefing.MAX_EVENTS, len(between))
    assert all(DATES[0] < e.date <= DATES[1] for e in second.events)
    # a change of control is never left out for an event that changed nothing
    left_out = [e for e in between if e not in second.events]
    assert second.more and left_out
    assert not (any(e.change for e in left_out) and any(e.change is None for e in second.events))
    assert [e.date for e in second.events] == sorted(e.date for e in second.events)
    assert second.areas == pytest.approx({f: a for f, a in model.area_by_faction(DATES[1]).items()
                                          if f != "unclaimed" and a > 0})


@pytest.fixture(scope="module")
def pptx_pack(tmp_path_factory):
    out = tmp_path_factory.mktemp("pack") / "pack.pptx"
    result = run("briefing", "--dates", ",".join(d.isoformat() for d in DATES), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def test_pptx_has_one_slide_per_date_with_map_table_and_real_text(pptx_pack, model):
    deck = Presentation(str(pptx_pack))
    assert len(deck.slides) == len(DATES)
    pages = briefing.briefing_pages(model, DATES)
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
        names = model.record.names(short=True)
        for faction, km2 in page.areas.items():
            assert rows[names[faction]] == f"{km2:,.0f}"


def test_pdf_has_one_page_per_date(tmp_path):
    if shutil.which("pdftoppm") is None:
        if os.environ.get("FRONTLINES_REQUIRE_BROWSER") == "1":
            pytest.fail("pdftoppm is missing (Debian package poppler-utils); .ci/run installs it")
        pytest.skip("pdftoppm is missing (Debian package poppler-utils)")
    out = tmp_path / "pack.pdf"
    result = run("briefing", "--from", "2016-01-01", "--to", "2016-12-31", "--every", "6M",
                 "--focus", "Manbij", "--out", str(out))
    assert result.returncode == 0, result.stderr
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(out), str(tmp_path / "page")], check=True)
    assert len(list(tmp_path.glob("page-*.png"))) == 2
