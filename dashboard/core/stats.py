"""Area per faction over time, and stepping through dates.

Examples
--------
>>> import datetime as dt
>>> [d.isoformat() for d in date_range(dt.date(2016, 1, 31), dt.date(2016, 4, 30), "month")]
['2016-01-31', '2016-02-29', '2016-03-31', '2016-04-30']
>>> [d.isoformat() for d in date_range(dt.date(2016, 1, 1), dt.date(2016, 12, 31), "3M")]
['2016-01-01', '2016-04-01', '2016-07-01', '2016-10-01']
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from dashboard.core.model import ControlModel
from dashboard.core.months import add_months
from dashboard.core.problems import shown

_UNITS = {"day": (1, "D"), "week": (7, "D"), "month": (1, "M"), "quarter": (3, "M"), "year": (12, "M")}
_STEP = re.compile(r"^([0-9]+)([DWMY])$", re.IGNORECASE)
#: Longest step, in years: every date stays far inside what ``datetime.date`` can hold.
MAX_STEP_YEARS = 10
_MAX_STEP = {"D": MAX_STEP_YEARS * 366, "M": MAX_STEP_YEARS * 12}


def parse_step(every: str) -> tuple[int, str]:
    """Parse ``day``/``week``/``month``/``quarter``/``year`` or ``3M``, ``2W``, ``10D``, ``1Y``.

    Returns (count, unit) with unit ``D`` (days) or ``M`` (months); ``ValueError`` for anything else,
    and for a step longer than :data:`MAX_STEP_YEARS`.

    >>> parse_step("2W"), parse_step("quarter")
    ((14, 'D'), (3, 'M'))
    >>> parse_step("100000Y")
    Traceback (most recent call last):
    ...
    ValueError: step '100000Y' is longer than 10 years (the limit)
    """
    if every in _UNITS:
        return _UNITS[every]
    match = _STEP.match(every)
    digits = match.group(1).lstrip("0") if match else ""
    if not digits:
        raise ValueError(f"unknown step {shown(every)} "
                         "(use day, week, month, quarter, year, or e.g. 3M, 2W, 10D)")
    unit = match.group(2).upper() if match else ""
    # Cut before int(): 5000 digits would hit Python's limit on converting long numbers.
    count = int(digits) if len(digits) <= 9 else 10**9
    step = {"D": (count, "D"), "W": (7 * count, "D"), "M": (count, "M"), "Y": (12 * count, "M")}[unit]
    if step[0] > _MAX_STEP[step[1]]:
        raise ValueError(f"step {shown(every)} is longer than {MAX_STEP_YEARS} years (the limit)")
    return step


def date_range(start: dt.date, end: dt.date, every: str) -> Iterator[dt.date]:
    """Dates from ``start`` to ``end`` inclusive, ``every`` apart."""
    count, unit = parse_step(every)
    k = 0
    while True:
        date = start + dt.timedelta(days=count * k) if unit == "D" else add_months(start, count * k)
        if date > end:
            return
        yield date
        k += 1


def area_series(model: ControlModel, start: dt.date, end: dt.date, every: str
                ) -> Iterator[tuple[dt.date, str, float]]:
    """(date, faction, km2) rows for every faction holding land on each date."""
    for date in date_range(start, end, every):
        for faction, km2 in sorted(model.area_by_faction(date).items()):
            yield date, faction, km2
