"""How the project words things for people: dates, event types, countries, sources, km², credits.

One place for it, so the app, the popups, the static maps, the exports and the packs say the same
thing the same way.

Examples
--------
>>> import datetime as dt
>>> long_date(dt.date(2016, 7, 5))
'5 July 2016'
>>> date_text(dt.date(2014, 6, 1), "month"), date_text(dt.date(2014, 6, 10), "day", approximate=True)
('June 2014', 'c. 2014-06-10')
>>> event_type("siege_broken"), country_name("SY")
('siege broken', 'Syria')
>>> km2(-16749.4), km2(0.3), km2(9740.2, sign="+")
('−16,749', '0', '+9,740')
>>> cite("Mosul retaken", "Reuters", "2017-07-10")
'Reuters, “Mosul retaken” (2017-07-10)'
"""

from __future__ import annotations

import datetime as dt

from dashboard.core.events import Control, Event, Source

COUNTRY_NAMES = {"SY": "Syria", "IQ": "Iraq"}
#: Where the map's content comes from, as plain text (one credit each).
CREDITS = ("Control: frontlines events.yaml (dated, sourced events; model in README)",
           "Borders: OCHA COD-AB (CC BY-IGO)",
           "Rivers, lakes: Natural Earth, GSHHG (LGPL-3)",
           "Places: GeoNames (CC BY 4.0) via Who's On First")


def long_date(date: dt.date) -> str:
    """``15 July 2016``: unambiguous in every locale a briefing goes to."""
    return f"{date.day} {date:%B %Y}"


def date_text(date: dt.date, precision: str = "day", approximate: bool = False) -> str:
    """A date as precisely as it is known: ``July 2017`` for a month, ``c.`` before an approximate one."""
    text = f"{date:%B %Y}" if precision == "month" else date.isoformat()
    return f"c. {text}" if approximate else text


def event_date(event: Event) -> str:
    """The event's date as precisely as it is known (:func:`date_text`)."""
    return date_text(event.date, event.date_precision, event.approximate)


def holder_name(control: Control | str, names: dict[str, str]) -> str:
    """Who holds something, by name: ``Islamic State``, ``contested (Iraqi government, Islamic State)``.

    ``names``: faction id -> name (``EventRecord.names``); an unknown id is shown as it is.

    >>> names = {"isis": "Islamic State", "iraq": "Iraqi government"}
    >>> holder_name("isis", names), holder_name(Control("contested", ("iraq", "isis")), names)
    ('Islamic State', 'contested (Iraqi government, Islamic State)')
    """
    if isinstance(control, str):
        return names.get(control, control)
    if control.parties:
        return f"contested ({', '.join(names.get(p, p) for p in control.parties)})"
    return names.get(control.faction, control.faction)


def change_text(change: tuple[Control, Control] | tuple[str, str], names: dict[str, str]) -> str:
    """A change of control by name: ``Kurdistan Region → Iraqi government``.

    >>> change_text(("krg", "iraq"), {"krg": "Kurdistan Region", "iraq": "Iraqi government"})
    'Kurdistan Region → Iraqi government'
    """
    old, new = change
    return f"{holder_name(old, names)} → {holder_name(new, names)}"


def event_type(kind: str) -> str:
    """An event type as words: ``siege_broken`` -> ``siege broken``."""
    return kind.replace("_", " ")


def country_name(code: str) -> str:
    """``Syria`` for ``SY``; an unknown code as it is."""
    return COUNTRY_NAMES.get(code, code)


def km2(value: float, sign: str = "") -> str:
    """A km2 figure with thousands separators and a sign (``+``/``−``; forced by ``sign``).

    Zero prints as a plain ``0`` whatever the sign.
    """
    if round(value) == 0:
        return "0"
    if not sign:
        sign = "+" if value > 0 else "−"
    return f"{sign}{abs(value):,.0f}"


def cite(title: str, publisher: str, date: str | None) -> str:
    """``Publisher, “Title” (date)``, the date only when known; the parts as given (plain or HTML)."""
    when = f" ({date})" if date else ""
    return f"{publisher}, “{title}”{when}"


def source_text(source: Source) -> str:
    """A source of the record as :func:`cite` words it."""
    return cite(source.title, source.publisher, source.date.isoformat() if source.date else None)
