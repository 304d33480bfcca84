"""The visible text of an HTML page, in one linear pass.

It reads pages as :class:`html.parser.HTMLParser` does (the same tags, comments, declarations,
``<script>``/``<style>`` contents and character references), but in time proportional to the page:
the standard parser of Python 3.11 rescans to the end of the page for every construct that does not
close (``"<div " * 200_000`` takes hours), and crashes on ``<![foo[``. Here a search that failed once
is not repeated, so each character is looked at a bounded number of times.

Examples
--------
>>> html_text("<p>Iraqi forces entered <b>Fallujah</b> &amp; Saqlawiyah.</p><script>x()</script>")
'Iraqi forces entered Fallujah & Saqlawiyah.'
>>> html_text("<title>T</title><p>a<br/>b<!-- note --></p>")
'T\\n\\na\\n\\nb'
>>> html_text("Mosul <b and Raqqa")  # a tag that never closes is text, as in HTMLParser
'Mosul <b and Raqqa'
"""

from __future__ import annotations

import re
from html import unescape

_BLOCKS = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article",
                     "header", "footer", "blockquote", "pre", "ul", "ol", "table", "title"})
_HIDDEN = frozenset({"script", "style", "noscript", "template", "svg", "head"})
_RAW_TEXT = frozenset({"script", "style"})   # their contents are not markup (HTMLParser's CDATA elements)

# A start tag up to (not including) its ">": a quote opens a value only after "=", as in HTMLParser,
# and one that never closes makes the tag text (``unclosed``).
_START_TAG = re.compile(r"<([a-zA-Z][^\t\n\r\f />\x00]*)"
                        r"(?:[^>=]|=\s*(?:\"[^\"]*\"|'[^']*')|=(?!\s*[\"'])|(?P<unclosed>=))*")
_BARE_VALUE_END = re.compile(r"=\s*[^\s\"'>]*$")    # "<a href=/x/>" ends in a value, not in "/>"
_END_TAG = re.compile(r"</\s*([a-zA-Z][-.a-zA-Z0-9:_]*)\s*>")
_END_TAG_TOLERANT = re.compile(r"[a-zA-Z][^\t\n\r\f />\x00]*")
_DECL_NAME = re.compile(r"[a-zA-Z][-_.a-zA-Z0-9]*\s*")
_CLOSERS = {"comment": re.compile(r"--\s*>"), "section": re.compile(r"]\s*]\s*>"), "ms": re.compile(r"]\s*>")}
_SECTIONS = {"temp": "section", "cdata": "section", "ignore": "section", "include": "section",
             "rcdata": "section", "if": "ms", "else": "ms", "endif": "ms"}


def html_text(markup: str) -> str:
    """The visible text of an HTML page, one line per block element."""
    text = "".join(_Reader(markup).parts())
    lines = (re.sub(r"[ \t\f\v\xa0]+", " ", line).strip() for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


class _Reader:
    """One page: its text pieces, and a "\\n" for each block element's start and end."""

    def __init__(self, markup: str) -> None:
        self.markup = markup
        self.out: list[str] = []
        self.hidden = 0
        self.failed_from: dict[str, int] = {}   # a closer not found from here on is not found later either

    def parts(self) -> list[str]:
        markup, pos, n = self.markup, 0, len(self.markup)
        while pos < n:
            lt = markup.find("<", pos)
            if lt < 0:
                break
            self.text(markup[pos:lt])
            after = self.construct(lt)
            if after is None:           # nothing closes after lt: the rest is text, as in HTMLParser
                pos = lt
                break
            pos = after
        self.text(markup[pos:])
        return self.out

    def text(self, raw: str) -> None:
        if raw and not self.hidden:
            self.out.append(unescape(raw))

    def construct(self, lt: int) -> int | None:
        """Read the markup at ``lt`` (a "<"); the offset after it, or None if it never closes."""
        markup = self.markup
        nxt = markup[lt + 1:lt + 2]
        if nxt.isascii() and nxt.isalpha():
            return self.start_tag(lt)
        if nxt == "/":
            return self.end_tag(lt)
        if nxt == "?":
            return self.until(">", lt, lt + 2)
        if nxt == "!":
            return self.declaration(lt)
        if lt + 1 < len(markup):
            self.text("<")
            return lt + 1
        return None

    def start_tag(self, lt: int) -> int | None:
        markup = self.markup
        m = _START_TAG.match(markup, lt)
        end = m.end()                   # at a ">": the pattern takes every other character
        if end == len(markup):
            return None
        if m.group("unclosed") is not None:
            return self.as_text(lt)
        name = m.group(1).lower()
        body = markup[lt:end]
        closed = body.endswith("/") and not _BARE_VALUE_END.search(body[:-1])
        self.start(name)
        if closed:
            self.end(name)
        elif name in _RAW_TEXT:
            close = re.compile(rf"</\s*{name}\s*>", re.IGNORECASE).search(markup, end + 1)
            if close is None:           # contents to the end of the page, hidden
                return len(markup)
            self.end(name)
            return close.end()
        return end + 1

    def end_tag(self, lt: int) -> int | None:
        markup = self.markup
        gt = markup.find(">", lt + 1)
        if gt < 0:
            return None
        m = _END_TAG.match(markup, lt) or _END_TAG_TOLERANT.match(markup, lt + 2)
        if m is not None:
            self.end(m.group(m.lastindex or 0).lower())
        return gt + 1

    def declaration(self, lt: int) -> int | None:
        """Comments, ``<![CDATA[...]]>`` and other marked sections, ``<!DOCTYPE ...>``: all unseen."""
        markup = self.markup
        if markup.startswith("<!--", lt):
            return self.closed_by("comment", lt, lt + 4)
        if markup.startswith("<![", lt):
            name = _DECL_NAME.match(markup, lt + 3)
            kind = _SECTIONS.get(name.group().strip().lower()) if name else None
            if kind is not None and name.end() < len(markup):
                return self.closed_by(kind, lt, lt + 3)
        start = lt + 9 if markup[lt:lt + 9].lower() == "<!doctype" else lt + 2
        return self.until(">", lt, start)

    def until(self, char: str, lt: int, start: int) -> int | None:
        found = self.markup.find(char, start)
        return self.as_text(lt) if found < 0 else found + 1

    def closed_by(self, kind: str, lt: int, start: int) -> int | None:
        if start < self.failed_from.get(kind, len(self.markup) + 1):
            close = _CLOSERS[kind].search(self.markup, start)
            if close is not None:
                return close.end()
            self.failed_from[kind] = start
        return self.as_text(lt)

    def as_text(self, lt: int) -> int | None:
        """A construct that does not close: text up to the next ">" (HTMLParser's recovery)."""
        gt = self.markup.find(">", lt + 1)
        if gt < 0:
            return None
        self.text(self.markup[lt:gt + 1])
        return gt + 1

    def start(self, name: str) -> None:
        if name in _HIDDEN:
            self.hidden += 1
        elif name in _BLOCKS:
            self.out.append("\n")

    def end(self, name: str) -> None:
        if name in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif name in _BLOCKS:
            self.out.append("\n")
