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
from dataclasses import dataclass
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


# ---------------------------------------------------------------------------------------------
# Sentences and clauses: the units an article is read in
# ---------------------------------------------------------------------------------------------

_FUNCTION_WORDS = frozenset({"in", "of", "the", "a", "an", "by", "to", "and", "on", "at", "from", "with",
                             "for", "or", "its", "their", "as", "into", "than"})
_ABBREVIATIONS = frozenset({"mr", "mrs", "ms", "dr", "gen", "col", "maj", "lt", "sgt", "capt", "st", "no",
                            "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
                            "dec", "vs", "etc", "approx", "govt", "inc", "co", "jr", "sr", "gov", "rep",
                            "sen", "pres", "fig", "al"})
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9\u0600-\u06ff])")
_CLAUSE_BREAK = re.compile(r";|\s[–—]\s|\s--\s|\s-\s")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    sentence: int = 0
    paragraph: int = 0


def _blocks(text: str, separator: str) -> list[tuple[int, int]]:
    """Non-blank pieces of ``text`` between matches of ``separator``, as offsets; a piece that
    breaks off after "in"/"of"/"the" (an extraction artefact) is joined to the next."""
    pieces = []
    pos = 0
    for m in re.finditer(separator, text):
        pieces.append((pos, m.start()))
        pos = m.end()
    pieces.append((pos, len(text)))
    pieces = [(s, e) for s, e in pieces if text[s:e].strip()]
    joined: list[tuple[int, int]] = []
    for start, end in pieces:
        if joined and _breaks_off(text[joined[-1][0]:joined[-1][1]]):
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


def _breaks_off(piece: str) -> bool:
    words = piece.rstrip().split()
    return bool(words) and words[-1].lower() in _FUNCTION_WORDS and len(words) > 3


def sentences(text: str) -> list[Span]:
    """Sentences of the text (paragraphs, then lines, then sentence ends), with their paragraph."""
    out: list[Span] = []
    for p, (pstart, pend) in enumerate(_blocks(text, r"\n[ \t\u00a0]*\n")):
        for lstart, lend in _blocks(text[pstart:pend], r"\n"):
            start, stop = pstart + lstart, pstart + lend
            for m in _SENTENCE_END.finditer(text, start, stop):
                if _is_abbreviation(text, m.start()):
                    continue
                out.append(Span(start, m.start() + 1, len(out), p))
                start = m.end()
            if text[start:stop].strip():
                out.append(Span(start, stop, len(out), p))
    return out


def _is_abbreviation(text: str, dot: int) -> bool:
    if text[dot] != ".":
        return False
    word = re.search(r"([A-Za-z]+)$", text[max(0, dot - 12):dot])
    return bool(word) and (len(word.group(1)) == 1 or word.group(1).lower() in _ABBREVIATIONS)


def clauses(text: str, sentence: Span) -> list[Span]:
    """Parts of a sentence between semicolons and spaced dashes."""
    out = []
    start = sentence.start
    for m in _CLAUSE_BREAK.finditer(text, sentence.start, sentence.end):
        out.append(Span(start, m.start(), sentence.sentence, sentence.paragraph))
        start = m.end()
    out.append(Span(start, sentence.end, sentence.sentence, sentence.paragraph))
    return [c for c in out if text[c.start:c.end].strip()]
