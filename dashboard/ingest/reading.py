"""Reading an article a user hands in (pasted, uploaded or on disk) as plain text.

Only ``.txt`` and ``.html``/``.htm`` up to :data:`MAX_BYTES`; HTML is reduced to its visible
text (scripts and styles dropped, block elements on their own lines), so character offsets
into the result are what a reviewer reads.

Examples
--------
>>> read_article(b"<p>Iraqi forces entered <b>Fallujah</b>.</p><script>x()</script>", "a.html")
'Iraqi forces entered Fallujah.'
>>> read_article(b"x" * (MAX_BYTES + 1), "a.txt")
Traceback (most recent call last):
...
dashboard.ingest.reading.ArticleError: a.txt: 1.0 MB is over the 1 MB limit for an article
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

MAX_BYTES = 1_000_000
KINDS = ("txt", "html", "htm")
_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article",
           "header", "footer", "blockquote", "pre", "ul", "ol", "table", "title"}
_HIDDEN = {"script", "style", "noscript", "template", "svg", "head"}


class ArticleError(ValueError):
    """An article that cannot be read: too big, of another type, or not text."""


def read_article(data: bytes, name: str) -> str:
    """The text of an article file (``name`` gives its type), or :class:`ArticleError`."""
    kind = Path(name).suffix.lower().lstrip(".")
    if kind not in KINDS:
        shown = Path(name).suffix or "a file without an extension"
        raise ArticleError(f"{name}: only .txt and .html files can be read, not {shown}")
    if len(data) > MAX_BYTES:
        raise ArticleError(f"{name}: {len(data) / 1e6:.1f} MB is over the {MAX_BYTES // 1_000_000} MB limit "
                           "for an article")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ArticleError(f"{name}: not UTF-8 text") from None
    return html_text(text) if kind in ("html", "htm") else text


def html_text(markup: str) -> str:
    """The visible text of an HTML page, one line per block element."""
    parser = _TextParser()
    parser.feed(markup)
    parser.close()
    lines = (re.sub(r"[ \t\f\v\xa0]+", " ", line).strip() for line in "".join(parser.parts).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)
