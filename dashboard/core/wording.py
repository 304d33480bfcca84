"""How maps, tables and packs word things: dates, km2 figures, sources.

One place for it, so the app, the static maps and the briefing packs say the same thing
the same way.

Examples
--------
>>> import datetime as dt
>>> long_date(dt.date(2016, 7, 5))
'5 July 2016'
>>> km2(-16749.4), km2(0.3), km2(9740.2, sign="+")
('−16,749', '0', '+9,740')
"""

from __future__ import annotations

import datetime as dt

from dashboard.core.events import Event, Source


def long_date(date: dt.date) -> str:
    """``15 July 2016``: unambiguous in every locale a briefing goes to."""
    return f"{date.day} {date:%B %Y}"


def km2(value: float, sign: str = "") -> str:
    """A km2 figure with thousands separators and a sign (``+``/``−``; forced by ``sign``).

    Zero prints as a plain ``0`` whatever the sign.
    """
    if round(value) == 0:
        return "0"
    if not sign:
        sign = "+" if value > 0 else "−"
    return f"{sign}{abs(value):,.0f}"


def event_date(event: Event) -> str:
    """The event's date as precisely as it is known: ``July 2017`` for a month, ``c.`` if approximate."""
    text = f"{event.date:%B %Y}" if event.date_precision == "month" else event.date.isoformat()
    return f"c. {text}" if event.approximate else text


def source_text(source: Source) -> str:
    """``Publisher, “Title” (2016-05-23)`` (the date only when known)."""
    when = f" ({source.date.isoformat()})" if source.date else ""
    return f"{source.publisher}, “{source.title}”{when}"
