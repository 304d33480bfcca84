"""Calendar months: adding them to a date, the one way every part of the project does it."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(start: dt.date, months: int) -> dt.date:
    """``start`` moved by ``months`` (negative: back); a month-end stays a month-end.

    >>> add_months(dt.date(2016, 1, 31), 1), add_months(dt.date(2016, 2, 29), 1)
    (datetime.date(2016, 2, 29), datetime.date(2016, 3, 31))
    >>> add_months(dt.date(2016, 1, 15), -2)
    datetime.date(2015, 11, 15)
    """
    year, month = divmod(start.year * 12 + start.month - 1 + months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    # Jan 31 + 1 month is Feb 29, then Mar 31: the end of a month maps to the end of the next.
    day = last if start.day == calendar.monthrange(start.year, start.month)[1] else min(start.day, last)
    return dt.date(year, month + 1, day)
