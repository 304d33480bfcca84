"""Reading an article a user hands in (pasted, uploaded or on disk) as plain text.

Only ``.txt`` and ``.html``/``.htm`` up to :data:`MAX_BYTES`, whose text is up to :data:`MAX_CHARS`
characters; HTML is reduced to its visible text (scripts and styles dropped, block elements on
their own lines), so character offsets into the result are what a reviewer reads.

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
from pathlib import Path

from dashboard.ingest.markup import html_text

_MB = 1_048_576
#: Bytes of an article file, at most: 1 MB (1,048,576 bytes).
MAX_BYTES = _MB
#: Characters of article text read for events, at most: a 1 MB file of plain English text is read
#: whole. Ingest is linear in the text, and the densest texts (a place and an event word every 18
#: characters, three places and one cue in each sentence) take 4.2 to 4.9 s at this size on an idle
#: two-core machine (``bench/bench_ingest.py``), so no article keeps the server for more than 5 s.
#: A news article's text is under 100,000 characters.
MAX_CHARS = 1_048_576
KINDS = ("txt", "html", "htm")


class ArticleError(ValueError):
    """An article that cannot be read: too big, of another type, or not text."""


def read_article(data: bytes, name: str) -> str:
    """The text of an article file (``name`` gives its type), or :class:`ArticleError`."""
    kind = Path(name).suffix.lower().lstrip(".")
    if kind not in KINDS:
        shown = Path(name).suffix or "a file without an extension"
        raise ArticleError(f"{name}: only .txt and .html files can be read, not {shown}")
    if len(data) > MAX_BYTES:
        raise ArticleError(f"{name}: {len(data) / _MB:.1f} MB is over the {MAX_BYTES // _MB} MB limit "
                           "for an article")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ArticleError(f"{name}: not UTF-8 text") from None
    return check_length(html_text(text) if kind in ("html", "htm") else text, name)


def read_article_file(path: Path) -> str:
    """The text of an article on disk, reading no more than the limit allows (not all of
    ``/dev/zero``), or :class:`ArticleError`."""
    try:
        with open(path, "rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ArticleError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    return read_article(data, path.name)


def check_length(text: str, name: str) -> str:
    """``text``, or :class:`ArticleError` if it is over :data:`MAX_CHARS` characters.

    >>> check_length("x" * (MAX_CHARS + 1), "a.txt")
    Traceback (most recent call last):
    ...
    dashboard.ingest.reading.ArticleError: a.txt: 1,048,577 characters is over the 1,048,576-character limit \
for an article's text
    """
    if len(text) > MAX_CHARS:
        raise ArticleError(f"{name}: {len(text):,} characters is over the {MAX_CHARS:,}-character limit "
                           "for an article's text")
    return text


# ---------------------------------------------------------------------------------------------
# Sentences and clauses: the units an article is read in
# ---------------------------------------------------------------------------------------------

_FUNCTION_WORDS = frozenset({"in", "of", "the", "a", "an", "by", "to", "and", "on", "at", "from", "with",
                             "for", "or", "its", "their", "as", "into", "than"})
_ABBREVIATIONS = frozenset({"mr", "mrs", "ms", "dr", "gen", "col", "maj", "lt", "sgt", "capt", "st", "no",
                            "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
                            "dec", "vs", "etc", "approx", "govt", "inc", "co", "jr", "sr", "gov", "rep",
                            "sen", "pres", "fig", "al"})
# A sentence end is tried only where a run of ".!?" begins, and possessively (nothing that follows
# could give back a character): a run of 60,000 dots is read once, not once for each of its dots.
_SENTENCE_END = re.compile(r"(?<![.!?])[.!?]++[\"'”’)\]]*+\s++(?=[\"'“‘(\[]?[A-Z0-9\u0600-\u06ff])")
#: Characters in a sentence, at most: a longer one (a list, a text without full stops) is read in
#: pieces of this size cut at spaces, so the work for each sentence is bounded. Real sentences are
#: under 500 characters (the longest of the seed articles has 411).
MAX_SENTENCE = 1000
_CLAUSE_BREAK = re.compile(r";|\s[–—]\s|\s--\s|\s-\s")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    sentence: int = 0
    paragraph: int = 0


def _blocks(text: str, separator: str) -> list[tuple[int, int]]:
    """Non-blank pieces of ``text`` between matches of ``separator`` (whitespace), as offsets; a
    piece that breaks off after "in"/"of"/"the" (an extraction artefact) is joined to the next."""
    pieces = []
    pos = 0
    for m in re.finditer(separator, text):
        pieces.append((pos, m.start()))
        pos = m.end()
    pieces.append((pos, len(text)))
    joined: list[tuple[int, int]] = []
    words = 0           # the words of joined[-1], counted piece by piece (not re-read at each join)
    last = ""
    for start, end in pieces:
        piece = text[start:end].split()
        if not piece:
            continue
        if joined and words > 3 and last.lower() in _FUNCTION_WORDS:
            joined[-1] = (joined[-1][0], end)
            words += len(piece)
        else:
            joined.append((start, end))
            words = len(piece)
        last = piece[-1]
    return joined


def sentences(text: str) -> list[Span]:
    """Sentences of the text (paragraphs, then lines, then sentence ends), with their paragraph;
    none longer than :data:`MAX_SENTENCE` characters."""
    out: list[Span] = []
    for p, (pstart, pend) in enumerate(_blocks(text, r"\n[ \t\u00a0]*\n")):
        for lstart, lend in _blocks(text[pstart:pend], r"\n"):
            start, stop = pstart + lstart, pstart + lend
            for m in _SENTENCE_END.finditer(text, start, stop):
                if _is_abbreviation(text, m.start()):
                    continue
                out += _pieces(text, start, m.start() + 1, len(out), p)
                start = m.end()
            if text[start:stop].strip():
                out += _pieces(text, start, stop, len(out), p)
    return out


def _pieces(text: str, start: int, end: int, number: int, paragraph: int) -> list[Span]:
    """The sentence ``text[start:end]``, cut at spaces into pieces of at most :data:`MAX_SENTENCE`.

    >>> [(s.start, s.end, s.sentence) for s in _pieces("a b " * 400, 0, 1600, 7, 0)]
    [(0, 999, 7), (1000, 1600, 8)]
    """
    out = []
    while end - start > MAX_SENTENCE:
        space = text.rfind(" ", start + MAX_SENTENCE // 2, start + MAX_SENTENCE)
        stop = start + MAX_SENTENCE if space < 0 else space
        if text[start:stop].strip():
            out.append(Span(start, stop, number + len(out), paragraph))
        start = stop if space < 0 else space + 1
    if not out or text[start:end].strip():
        out.append(Span(start, end, number + len(out), paragraph))
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
