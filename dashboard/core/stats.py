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

_UNITS = {"day": (1, "D"), "week": (7, "D"), "month": (1, "M"), "quarter": (3, "M"), "year": (12, "M")}
_STEP = re.compile(r"^(\d+)([DWMY])$", re.IGNORECASE)


def parse_step(every: str) -> tuple[int, str]:
    """Parse ``day``/``week``/``month``/``quarter``/``year`` or ``3M``, ``2W``, ``10D``, ``1Y``.

    Returns (count, unit) with unit ``D`` (days) or ``M`` (months).
    """
    if every in _UNITS:
        return _UNITS[every]
    match = _STEP.match(every)
    if not match or int(match.group(1)) < 1:
        raise ValueError(f"unknown step {every!r} (use day, week, month, quarter, year, or e.g. 3M, 2W, 10D)")
    count, unit = int(match.group(1)), match.group(2).upper()
    return {"D": (count, "D"), "W": (7 * count, "D"), "M": (count, "M"), "Y": (12 * count, "M")}[unit]


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
