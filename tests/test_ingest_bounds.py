"""Ingest is linear: the work for ten times the text is about ten times the work, whatever its shape.

Work is counted, not timed: every function call made while reading an article (Python functions
and built-ins alike, so a sort key or a loop over a clause's factions counts each time it runs).
Quadratic reading (re-sorting the growing evidence at each merge, ranking every cue of a clause for
each place in it) made 100 KB cost 30 to 100 times what 10 KB cost; linear reading stays near 10.
Times are measured in ``bench/bench_ingest.py``.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable

import pytest

from dashboard.core import paths
from dashboard.core.validation import load_record
from dashboard.ingest.candidates import Scope, propose_events
from dashboard.ingest.reading import MAX_CHARS, ArticleError, check_length, html_text, read_article, sentences
from tests.text_shapes import TEXT_SHAPES

PUBLISHED = dt.date(2017, 1, 1)


def calls(work: Callable[[], object]) -> int:
    """How many function calls ``work()`` makes."""
    count = 0

    def profile(frame: object, event: str, arg: object) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profile)
    try:
        work()
    finally:
        sys.setprofile(None)
    return count


@pytest.fixture(scope="module")
def scope(gazetteer) -> Scope:
    return Scope.of(load_record(paths.EVENTS, gazetteer)[0])


@pytest.mark.parametrize("shape", TEXT_SHAPES)
def test_ten_times_the_text_is_about_ten_times_the_work(shape, gazetteer, scope):
    propose_events("Mosul.", gazetteer, PUBLISHED, {}, scope)    # the gazetteer's indexes, built once

    def work(size: int) -> int:
        text = TEXT_SHAPES[shape](size)
        return calls(lambda: propose_events(text, gazetteer, PUBLISHED, {"publisher": "P"}, scope))

    small, large = work(10_000), work(100_000)
    assert large / small < 15, f"{shape}: {small} calls for 10 KB, {large} for 100 KB"


@pytest.mark.parametrize("markup", [
    "<div " * 20_000,                      # a start tag that never closes, again and again
    "<!--x>" * 20_000,                     # comments that never close
    "<div><p>Iraqi forces entered Mosul. " * 3_000,  # deep nesting, never closed
])
def test_html_is_read_in_work_linear_in_its_length(markup):
    small, large = calls(lambda: html_text(markup[:10_000])), calls(lambda: html_text(markup))
    assert large / small < 15 * len(markup) / 100_000


def test_sentences_are_cut_to_a_bounded_length():
    text = "word " * 5_000                    # 25,000 characters without a full stop
    spans = sentences(text)
    assert max(s.end - s.start for s in spans) <= 1000
    assert " ".join(text[s.start:s.end] for s in spans).split() == text.split()   # nothing lost


def test_text_over_the_limit_is_refused_saying_so():
    check_length("x" * MAX_CHARS, "a.txt")
    with pytest.raises(ArticleError, match=r"^a\.txt: 1,048,577 characters is over the 1,048,576-character"):
        check_length("x" * (MAX_CHARS + 1), "a.txt")


def test_a_1_mb_file_of_plain_text_is_read_whole():
    text = TEXT_SHAPES["a place and a cue every 18 characters"](1_048_576)
    assert read_article(text.encode(), "a.txt") == text
    with pytest.raises(ArticleError, match=r"^a\.txt: 1\.0 MB is over the 1 MB limit"):
        read_article(text.encode() + b"x", "a.txt")


@pytest.mark.parametrize("shape", TEXT_SHAPES)
def test_patterns_tried_at_word_starts_find_what_finditer_finds(shape):
    from dashboard.ingest import cues, dates
    from dashboard.ingest.scan import find_all

    patterns = [p for _, p, _ in cues._CUES] + [p for _, p in cues._FACTIONS] + list(dates._SCANNED)
    text = TEXT_SHAPES[shape](3_000) + " ſeized Kurdish İS 2016-05-22 the 3rd of May, 2016 ISIS-held SAA"
    found = find_all(patterns, text)
    for pattern, matches in zip(patterns, found, strict=True):
        expected = [(m.span(), m.groups()) for m in pattern.finditer(text)]
        assert [(m.span(), m.groups()) for m in matches] == expected, pattern.pattern
