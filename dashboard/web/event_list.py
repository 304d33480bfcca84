"""The events list under the map: each event as Markdown, every piece of the data escaped.

Streamlit's Markdown reads ``*``, ``[..](..)``, ``$..$`` (TeX) and the like in free text, so a summary,
a title or a publisher goes through :func:`md_escape` first; a source is a link only for an http(s)
URL, whose parentheses and spaces are percent-encoded so it cannot end the link early.

Examples
--------
>>> md_escape("paid $5 *now*")
'paid \\\\$5 \\\\*now\\\\*'
>>> link("T (1)", "https://example.org/a b)")
'[T \\\\(1\\\\)](https://example.org/a%20b%29)'
>>> link("T", "javascript:alert(1)")
'T'
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote

from dashboard.core.events import Event, Source
from dashboard.core.wording import change_text, cite, event_date, event_type, long_date

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md_escape(text: str) -> str:
    """``text`` as Streamlit's Markdown shows it: as written (no emphasis, links, HTML or TeX)."""
    return _MARKDOWN.sub(r"\\\1", text)


def link(title: str, url: str | None) -> str:
    """A Markdown link to an http(s) URL, or the escaped title alone."""
    if not url or not url.startswith(("https://", "http://")):
        return md_escape(title)
    return f"[{md_escape(title)}]({quote(url, safe=':/?#@!$&*+,;=%~-._')})"


def source_markdown(source: Source) -> str:
    """``Publisher, “Title” (date)`` with the title linked."""
    return cite(link(source.title, source.url), md_escape(source.publisher),
                source.date.isoformat() if source.date else None)


def event_markdown(event: Event, place_name: str, names: dict[str, str]) -> str:
    """One event: date as precisely as known, place, type, from → to by name, our summary, its sources."""
    head = [f"**{md_escape(event_date(event))}**", md_escape(place_name), md_escape(event_type(event.type))]
    if event.change:
        head.append(md_escape(change_text(event.change, names)))
    sources = "; ".join(source_markdown(s) for s in event.sources)
    return f"{' · '.join(head)}  \n{md_escape(event.summary)}  \n*Sources:* {sources}"


def list_heading(since: dt.date, until: dt.date, count: int) -> str:
    """What the list shows: ``12 events from 15 June to 15 July 2016`` (both days included)."""
    first = long_date(since) if since.year != until.year else f"{since.day} {since:%B}"
    return f"{count} event{'s' if count != 1 else ''} from {first} to {long_date(until)}"
