"""Text measured in the font the briefing packs declare, wrapped, shrunk and spread over boxes.

Deterministic and offline: widths come from DejaVu Sans as matplotlib ships it, the font the PPTX
slides declare and the PDF pages are drawn in.  Where a viewer lacks DejaVu Sans it substitutes a
narrower sans (Arial, Liberation Sans, Calibri), so text measured to fit still fits.

Examples
--------
>>> wrap("Mosul retaken after nine months of fighting", width=100, size=8)
['Mosul retaken after', 'nine months of fighting']
>>> shorten(lambda s: f"Mosul: {s}", "retaken after nine months of fighting", lambda t: len(t) < 30)
'Mosul: retaken after nine…'
>>> lay_out([Paragraph("Key events:", bold=True), Paragraph("A long line " * 20)],
...         width=200, first=60, then=200, sizes=(9, 8, 7)).size
7
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

from matplotlib.font_manager import FontProperties
from matplotlib.textpath import text_to_path

FONT = "DejaVu Sans"
#: Line height in ems (DejaVu Sans: ascent + descent is 1.164 em); the slides set it exactly.
LEADING = 1.2
#: Space after a paragraph, in ems.
GAP = 0.35
#: Lines are measured against this share of their box: renderers kern and round a little differently.
SAFETY = 0.96
_REFERENCE_SIZE = 100.0


@cache
def _width_at_reference(word: str, bold: bool) -> float:
    prop = FontProperties(family=FONT, weight="bold" if bold else "normal", size=_REFERENCE_SIZE)
    width, _, _ = text_to_path.get_text_width_height_descent(word, prop, ismath=False)
    return float(width)


@cache
def _space_at_reference(bold: bool) -> float:
    # A lone space has no ink, so no width of its own: its advance is what it adds between two letters.
    return _width_at_reference("x x", bold) - _width_at_reference("xx", bold)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width of ``text`` in points at ``size`` points (no hinting, so it scales linearly).

    Measured word by word (each word's width is kept), plus the spaces between: wrapping measures
    every line it tries, and each would otherwise be laid out in full.

    >>> round(text_width("Syrian government and allies", 10), 1)
    146.8
    """
    words = text.split(" ")
    total = sum(_width_at_reference(word, bold) for word in words if word)
    return (total + (len(words) - 1) * _space_at_reference(bold)) * size / _REFERENCE_SIZE


def wrap(text: str, width: float, size: float, bold: bool = False, indent: str = "",
         max_chars: int | None = None) -> list[str]:
    """``text`` broken at spaces into lines of at most ``width`` points (and ``max_chars``);
    continuation lines start with ``indent``; a word longer than a line is broken inside."""
    limit = width * SAFETY
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else (indent + word if lines else word)
        if _fits(candidate, limit, size, bold, max_chars):
            line = candidate
            continue
        if line:
            lines.append(line)
        line = indent + word if lines else word
        while not _fits(line, limit, size, bold, max_chars) and len(line) > len(indent) + 1:
            cut = _longest_prefix(line, limit, size, bold, max_chars, keep=len(indent) + 1)
            lines.append(line[:cut])
            line = indent + line[cut:]
    if line or not lines:
        lines.append(line)
    return lines


def _fits(line: str, limit: float, size: float, bold: bool, max_chars: int | None) -> bool:
    return (max_chars is None or len(line) <= max_chars) and text_width(line, size, bold) <= limit


def _longest_prefix(line: str, limit: float, size: float, bold: bool, max_chars: int | None,
                    keep: int) -> int:
    cut = keep
    while cut < len(line) and _fits(line[:cut + 1], limit, size, bold, max_chars):
        cut += 1
    return cut


def shorten(template: Callable[[str], str], part: str, fits: Callable[[str], bool]) -> str:
    """``template(part)``, or, when that does not ``fit``, with ``part`` cut at a word and ended
    with “…”: as much of it as fits (at the least “…”, which is returned even when it does not fit)."""
    if fits(template(part)):
        return template(part)
    words = part.split()
    low, high = 0, len(words) - 1  # keep words[:low] always fits; words[:high + 1] does not
    while low < high:
        middle = (low + high + 1) // 2
        if fits(template(_cut(words, middle))):
            low = middle
        else:
            high = middle - 1
    return template(_cut(words, low))


def _cut(words: Sequence[str], count: int) -> str:
    return " ".join(words[:count]).rstrip(",;:.") + "…"


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of a text box: its size is ``scale`` times the box's body size."""

    text: str
    bold: bool = False
    scale: float = 1.0
    #: Never the last paragraph of a box (a heading stays with what it heads).
    keep_with_next: bool = False

    def lines(self, width: float, size: float, indent: str = "", max_chars: int | None = None) -> list[str]:
        return wrap(self.text, width, size * self.scale, self.bold, indent, max_chars)

    def height(self, width: float, size: float, leading: float = LEADING, gap: float = GAP,
               indent: str = "", max_chars: int | None = None) -> float:
        """Points taken, the space after it included."""
        return size * self.scale * (len(self.lines(width, size, indent, max_chars)) * leading + gap)


@dataclass(frozen=True)
class Layout:
    """Paragraphs at one body ``size``, spread over boxes: the first box, then as many more as needed."""

    size: float
    boxes: tuple[tuple[Paragraph, ...], ...]


def lay_out(paragraphs: Sequence[Paragraph], width: float, first: float, then: float, sizes: Sequence[float],
            **measure: object) -> Layout:
    """The largest of ``sizes`` (largest first) at which ``paragraphs`` fit a box ``width`` x ``first``
    points; else, at the smallest size, the paragraphs spread over that box and boxes ``then`` points
    high.  ``measure``: :meth:`Paragraph.height`'s ``leading``, ``gap``, ``indent``, ``max_chars``.

    Raises ``ValueError`` when one paragraph is taller than a ``then`` box (callers shorten first).
    """
    def height(paragraph: Paragraph, size: float) -> float:
        return paragraph.height(width, size, **measure)  # type: ignore[arg-type]

    for size in sizes:
        if sum(height(p, size) for p in paragraphs) <= first:
            return Layout(size, (tuple(paragraphs),))
    size = sizes[-1]
    boxes: list[list[Paragraph]] = [[]]
    room = first
    for paragraph in paragraphs:
        need = height(paragraph, size)
        if need > then:
            raise ValueError(f"a paragraph {need:.0f} pt high does not fit a box {then:.0f} pt high: "
                             f"{paragraph.text[:60]!r}")
        if need > room:
            carried = boxes[-1].pop() if boxes[-1] and boxes[-1][-1].keep_with_next else None
            boxes.append([carried] if carried else [])
            room = then - (height(carried, size) if carried else 0)
        boxes[-1].append(paragraph)
        room -= need
    return Layout(size, tuple(tuple(box) for box in boxes))
