"""Dates in news text: the publication date, and every date an article states, resolved.

Rules, not a statistical parser: absolute dates (``May 22, 2016``, ``22 May 2016``,
``2016-05-22``, ``September 5`` with the year taken from the publication date),
months (``in July``, ``August 2016``, ``the middle of October 2016``), seasons
(``the summer of 2014``) and dates relative to the publication date (``on Wednesday``,
``yesterday``, ``last week``, ``earlier this month``, ``three days ago``, ``in recent days``).

Examples
--------
>>> published = dt.date(2017, 9, 7)          # a Thursday
>>> [(m.date.isoformat(), m.precision, m.approximate)
...  for m in resolve_dates("On September 5 the siege broke; on Wednesday, talks; in July, Mosul.",
...                         published)]
[('2017-09-05', 'day', False), ('2017-09-06', 'day', False), ('2017-07-01', 'month', False)]
>>> find_published("Thursday, September 7, 2017\\n\\nSubscribe\\n")
datetime.date(2017, 9, 7)
>>> find_published("No date here.") is None
True
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol, TypeVar

from dashboard.core.months import add_months
from dashboard.ingest.scan import find_all

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a few": 3, "few": 3,
            "several": 3, "a couple of": 2}
_SEASONS = {"spring": 4, "summer": 7, "autumn": 10, "fall": 10, "winter": 1}

# Month names are matched case-sensitively: "May" is a month, "may" is a verb; "March" at the
# head of a standalone month also needs a preposition (see _STANDALONE_MONTH).
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
          r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?"
          r"|JANUARY|FEBRUARY|MARCH|APRIL|MAY|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER)")
_FULL_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November"
               r"|December)")
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?:\s*[-–]\s*[0-3]?\d(?:st|nd|rd|th)?)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_NUMBER = r"(?P<n>\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a few|few|several" \
          r"|a couple of)"

_ISO = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b")
_MDY = re.compile(rf"\b(?:{_WEEKDAY},?\s+)?(?P<month>{_MONTH})\.?\s+{_DAY}\b(?:,?\s+{_YEAR}\b)?")
_DMY = re.compile(rf"\b(?:{_WEEKDAY},?\s+)?(?:the\s+)?{_DAY}\s+(?:of\s+)?(?P<month>{_MONTH})\b\.?"
                  rf"(?:,?\s+{_YEAR}\b)?")
_MONTH_YEAR = re.compile(rf"\b(?:(?:early|mid|late)[\s-]+|the\s+(?:beginning|middle|end)\s+of\s+)?"
                         rf"(?P<month>{_MONTH})\.?,?\s+(?:of\s+)?{_YEAR}\b")
_SEASON = re.compile(r"\b(?:the\s+)?(?:(?:early|mid|late)[\s-]+)?(?P<season>spring|summer|autumn|fall|winter)"
                     rf"\s+(?:of\s+)?{_YEAR}\b", re.IGNORECASE)
_STANDALONE_MONTH = re.compile(
    r"\b(?P<prep>in|In|since|Since|until|by|during|of|last|Last|this|This|early|late|mid-?|"
    r"the\s+(?:beginning|middle|end)\s+of)(?:\s+|(?<=-))(?P<qual>(?:early\s+|mid-?|late\s+))?"
    rf"(?P<month>{_FULL_MONTH})\b(?!\s*\d)")
_WEEKDAY_REF = re.compile(rf"\b(?:(?P<rel>last|Last|next|Next|this|This|on|On)\s+)?(?P<weekday>{_WEEKDAY})\b"
                          r"(?!,?\s+(?:[0-3]?\d\b|" + _MONTH + "))")
_DAY_WORD = re.compile(r"\b(?P<word>the\s+day\s+before\s+yesterday|yesterday|today|tonight|tomorrow|"
                       r"last\s+night|overnight)\b", re.IGNORECASE)
_THIS_LAST = re.compile(r"\b(?P<rel>(?:earlier|later)\s+this|early\s+this|late\s+this|this|last|next|"
                        r"the\s+(?:past|previous|last))\s+(?P<unit>week|month)\b", re.IGNORECASE)
_AGO = re.compile(rf"\b{_NUMBER}\s+(?P<unit>day|week|month)s?\s+ago\b", re.IGNORECASE)
_RECENT = re.compile(r"\b(?:in|over|during)\s+(?:the\s+)?(?P<span>recent|past\s+few|last\s+few|past|last)\s+"
                     r"(?P<unit>days|weeks)\b", re.IGNORECASE)

_HEAD_CHARS = 1500
_HEAD_LINES = 20
_DATE_WITH_YEAR = (rf"(?:{_WEEKDAY},?\s+)?(?:(?:{_MONTH})\.?\s+[0-3]?\d(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d"
                   rf"|[0-3]?\d(?:st|nd|rd|th)?\s+(?:{_MONTH})\.?,?\s+(?:19|20)\d\d|(?:19|20)\d\d-[01]\d-[0-3]\d)")
_PUBLISHED_WORD = r"(?:(?:First\s+)?[Pp]ublished|[Pp]osted|(?:Last\s+)?[Uu]pdated|Date|Dated)"
_DATELINE = re.compile(rf"^(?:{_PUBLISHED_WORD}(?:\s+on)?:?\s*)?(?P<date>{_DATE_WITH_YEAR})"
                       r"(?:\s*(?:at\s+)?\d{1,2}[.:]\d\d.*)?\s*$")
_CITY_DATELINE = re.compile(rf"^[A-Z][A-Z .'-]{{2,}}(?:,\s*[A-Za-z .]+)?,?\s+(?P<date>{_DATE_WITH_YEAR})"
                            r"\s*(?:\(|[-–—:])")
_PUBLISHED = re.compile(rf"\b{_PUBLISHED_WORD}(?:\s+on)?:?\s+(?P<date>{_DATE_WITH_YEAR})")


_SCANNED = (_ISO, _MDY, _DMY, _MONTH_YEAR, _SEASON, _STANDALONE_MONTH, _WEEKDAY_REF, _DAY_WORD, _THIS_LAST,
            _AGO, _RECENT)
_Found = dict[re.Pattern[str], list[re.Match[str]]]    # each pattern's matches in a text, found at once


class _Spanned(Protocol):
    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


_S = TypeVar("_S", bound=_Spanned)


@dataclass(frozen=True)
class DateMention:
    """A date stated in a text: the characters ``[start, end)``, the date it means and how precisely.

    A month-precision date is the first of its month; ``approximate`` marks vague phrases
    ("last week", "earlier this month", "in recent days").
    """

    start: int
    end: int
    date: dt.date
    precision: str = "day"
    approximate: bool = False


def find_published(text: str) -> dt.date | None:
    """The publication date a text states, or None: a date alone on a line near the top
    (optionally after "Published"/"Updated"), a wire dateline (``BEIRUT, May 25, 2016 (AFP) -``),
    or "Published 25 May 2016" anywhere.

    >>> find_published("Iraq pushes on\\nPublished 25 May 2016\\nBody text.")
    datetime.date(2016, 5, 25)
    >>> find_published("BAGHDAD, May 23, 2016 (AFP) - Iraqi forces ...")
    datetime.date(2016, 5, 23)
    >>> find_published("Soldiers near Mosul, Iraq, November 4, 2016. Photo: AP") is None
    True
    """
    head = text[:_HEAD_CHARS]
    lines = [line.strip() for line in head.splitlines() if line.strip()][:_HEAD_LINES]
    for line in lines:
        match = _DATELINE.match(line) or _CITY_DATELINE.match(line)
        if match and (date := _absolute(match.group("date"))):
            return date
    match = _PUBLISHED.search(text)
    return _absolute(match.group("date")) if match else None


def _absolute(phrase: str) -> dt.date | None:
    """A full date with its year (``May 22, 2016``, ``22 May 2016``, ``2016-05-22``), or None."""
    for pattern in (_ISO, _MDY, _DMY):
        match = pattern.search(phrase)
        if match and match.group("year"):
            return _make_date(int(match.group("year")), _month_number(match.group("month")),
                              int(match.group("day")))
    return None


def resolve_dates(text: str, published: dt.date) -> list[DateMention]:
    """Every date the text states, in order, resolved against the publication date.

    A date without a year is the latest such date not after ``published``; weekdays are the
    latest such day on or before it (``last Monday``: strictly before). Phrases about the future
    ("tomorrow", "next week") resolve to dates after ``published``; callers decide what to do.

    >>> wed = dt.date(2016, 5, 25)
    >>> for m in resolve_dates("yesterday; earlier this month; last week; the summer of 2014", wed):
    ...     print(m.date, m.precision, m.approximate)
    2016-05-24 day False
    2016-05-01 month True
    2016-05-18 day True
    2014-07-01 month True
    """
    found = dict(zip(_SCANNED, find_all(_SCANNED, text), strict=True))
    return non_overlapping(mention for rule in _RULES for mention in rule(found, published))


def non_overlapping(spans: Iterable[_S]) -> list[_S]:
    """The spans (anything with ``start`` and ``end``, not empty) that overlap no earlier one, by start.

    The characters taken are marked in a byte array, so each span is checked in time of its own
    length (inserting into a sorted list was quadratic for an article full of dates).

    >>> [(m.start, m.end) for m in non_overlapping([DateMention(5, 9, dt.date(2016, 1, 1)),
    ...                                             DateMention(0, 6, dt.date(2016, 1, 1)),
    ...                                             DateMention(9, 12, dt.date(2016, 1, 1))])]
    [(5, 9), (9, 12)]
    """
    kept: list[_S] = []
    taken = bytearray()
    for span in spans:
        if span.end > len(taken):
            taken.extend(bytes(span.end - len(taken)))
        if taken.find(1, span.start, span.end) < 0:
            kept.append(span)
            taken[span.start:span.end] = b"\x01" * (span.end - span.start)
    kept.sort(key=lambda span: span.start)
    return kept


def _iso(found: _Found, published: dt.date) -> Iterator[DateMention]:
    for m in found[_ISO]:
        date = _make_date(int(m["year"]), int(m["month"]), int(m["day"]))
        if date:
            yield DateMention(m.start(), m.end(), date)


def _day_month(found: _Found, published: dt.date) -> Iterator[DateMention]:
    for pattern in (_MDY, _DMY):
        for m in found[pattern]:
            month, day = _month_number(m["month"]), int(m["day"])
            if m["year"]:
                date = _make_date(int(m["year"]), month, day)
            else:
                date = _latest(lambda year, mo=month, d=day: _make_date(year, mo, d), published)
            if date:
                yield DateMention(m.start(), m.end(), date)


def _month_year(found: _Found, published: dt.date) -> Iterator[DateMention]:
    for m in found[_MONTH_YEAR]:
        yield DateMention(m.start(), m.end(), dt.date(int(m["year"]), _month_number(m["month"]), 1), "month")
    for m in found[_SEASON]:
        season = m["season"].lower()
        yield DateMention(m.start(), m.end(), dt.date(int(m["year"]), _SEASONS[season], 1), "month", True)


def _standalone_month(found: _Found, published: dt.date) -> Iterator[DateMention]:
    for m in found[_STANDALONE_MONTH]:
        month = _month_number(m["month"])
        before = m["prep"].lower() == "last"
        date = _latest(lambda year, mo=month: dt.date(year, mo, 1), published, strictly=before,
                       unit="month")
        start = m.start("qual") if m["qual"] else m.start("month")
        if m["prep"].lower().startswith(("last", "this", "early", "late", "mid", "the")):
            start = m.start("prep")
        yield DateMention(start, m.end(), date, "month")


def _weekday(found: _Found, published: dt.date) -> Iterator[DateMention]:
    for m in found[_WEEKDAY_REF]:
        rel = (m["rel"] or "").lower()
        target = WEEKDAYS[m["weekday"].lower()]
        back = (published.weekday() - target) % 7
        if rel == "last" and back == 0:
            back = 7
        date = published - dt.timedelta(days=back)
        if rel == "next":
            date += dt.timedelta(days=7)
        start = m.start() if rel in ("last", "next", "this") else m.start("weekday")
        yield DateMention(start, m.end(), date)


def _day_word(found: _Found, published: dt.date) -> Iterator[DateMention]:
    offsets = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1, "last night": -1, "overnight": 0}
    for m in found[_DAY_WORD]:
        word = " ".join(m["word"].lower().split())
        shift = -2 if word.startswith("the day before") else offsets[word]
        yield DateMention(m.start(), m.end(), published + dt.timedelta(days=shift),
                          approximate=word in ("last night", "overnight"))


def _this_last(found: _Found, published: dt.date) -> Iterator[DateMention]:
    for m in found[_THIS_LAST]:
        rel = " ".join(m["rel"].lower().split())
        unit = m["unit"].lower()
        if unit == "week":
            if rel == "next":
                date = published + dt.timedelta(days=7)
            elif rel in ("last", "the past", "the previous", "the last"):
                date = published - dt.timedelta(days=7)
            else:  # this week, earlier this week: its Monday
                date = published - dt.timedelta(days=published.weekday())
            yield DateMention(m.start(), m.end(), date, "day", True)
        else:
            first = published.replace(day=1)
            if rel == "next":
                yield DateMention(m.start(), m.end(), add_months(first, 1), "month")
            elif rel in ("last", "the previous", "the last"):
                yield DateMention(m.start(), m.end(), add_months(first, -1), "month")
            else:  # this month, earlier this month, the past month
                yield DateMention(m.start(), m.end(), first, "month", True)


def _ago(found: _Found, published: dt.date) -> Iterator[DateMention]:
    for m in found[_AGO]:
        word = " ".join(m["n"].lower().split())
        n = int(word) if word.isdigit() else _NUMBERS[word]
        vague = not word.isdigit() and word in ("a few", "few", "several", "a couple of")
        unit = m["unit"].lower()
        if unit == "day":
            yield DateMention(m.start(), m.end(), published - dt.timedelta(days=n), "day", vague)
        elif unit == "week":
            yield DateMention(m.start(), m.end(), published - dt.timedelta(weeks=n), "day", True)
        else:
            yield DateMention(m.start(), m.end(), add_months(published.replace(day=1), -n), "month", vague)


def _recent(found: _Found, published: dt.date) -> Iterator[DateMention]:
    for m in found[_RECENT]:
        if m["unit"].lower() == "days":
            yield DateMention(m.start(), m.end(), published - dt.timedelta(days=2), "day", True)
        else:
            yield DateMention(m.start(), m.end(), (published - dt.timedelta(days=14)).replace(day=1),
                              "month", True)


_RULES: tuple[Callable[[_Found, dt.date], Iterator[DateMention]], ...] = (
    _iso, _day_month, _month_year, _standalone_month, _weekday, _day_word, _this_last, _ago, _recent,
)


def _month_number(name: str) -> int:
    """``"May"``, ``"Sept."``, ``"AUGUST"`` or ``"05"`` as 1..12."""
    if name.isdigit():
        return int(name)
    key = name.lower().rstrip(".")
    return MONTHS.get(key) or MONTHS[key[:3]]


def _make_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _latest(make: Callable[[int], dt.date | None], published: dt.date, strictly: bool = False,
            unit: str = "day") -> dt.date | None:
    """The latest date ``make(year)`` not after ``published`` (this year or the one before)."""
    limit = published.replace(day=1) if unit == "month" else published
    for year in (published.year, published.year - 1):
        date = make(year)
        if date is not None and (date < limit or (date == limit and not strictly)):
            return date
    return make(published.year - 1)


