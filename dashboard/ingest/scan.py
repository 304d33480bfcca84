"""Many word patterns matched over one text, each tried only at the words it can start.

A pattern such as ``\\bcaptur(?:e|ed)\\b`` is tried by :meth:`re.Pattern.finditer` at every character
of the text (the engine has no fast skip for a pattern opening with ``\\b``, nor for a case-blind
one), which for 45 patterns over 1 MB is about a second. Every match of such a pattern starts a
word, with one of the few characters its alternatives open with, so :func:`find_all` lists the
text's word starts once and tries each pattern only at those: the matches are exactly those of
``finditer`` (the same spans, groups and order), in a fraction of the time.

Patterns this reading cannot vouch for (one that can match inside a word, or whose first
character it cannot tell) are matched with ``finditer`` as before.

Examples
--------
>>> patterns = [re.compile(r"\\b(?:re)?took\\b", re.IGNORECASE), re.compile(r"\\bIS\\b"), re.compile(r"o+")]
>>> [[m.group(0) for m in found] for found in find_all(patterns, "IS retook it; Retook. ISIS took")]
[['retook', 'Retook', 'took'], ['IS'], ['oo', 'oo', 'oo']]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

try:    # the standard parser of regular expressions (private; absent, every pattern is read in full)
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover - other Pythons
    _sre_parse = None  # type: ignore[assignment]

_WORD_START = re.compile(r"\b\w")


class _Unknown(Exception):
    """A construct whose first character is not worked out here."""


def find_all(patterns: Sequence[re.Pattern[str]], text: str) -> list[list[re.Match[str]]]:
    """For each pattern, the matches ``pattern.finditer(text)`` yields."""
    gates = [_first_class(p.pattern, p.flags) for p in patterns]
    found: list[list[re.Match[str]]] = [[] if gate else list(p.finditer(text))
                                        for p, gate in zip(patterns, gates, strict=True)]
    tried = [k for k, gate in enumerate(gates) if gate]
    # Which patterns each character opening a word of this text can start (a few dozen characters).
    by_char: dict[str, list[int]] = {}
    for char in set(_WORD_START.findall(text)) if tried else ():
        ks = [k for k in tried if gates[k].fullmatch(char)]      # type: ignore[union-attr]
        if ks:
            by_char[char] = ks
    if not by_char:
        return found
    # Those word starts in text order: the class first, so the engine skips to its characters.
    starts = re.compile("[" + "".join(map(_class_char, by_char)) + r"](?<=\b.)", re.DOTALL)
    ends = [0] * len(patterns)      # where each pattern's last match ended: finditer goes on from there
    for m in starts.finditer(text):
        at = m.start()
        for k in by_char[m.group(0)]:
            if at >= ends[k]:
                match = patterns[k].match(text, at)
                if match:
                    found[k].append(match)
                    ends[k] = match.end()
    return found


def _class_char(char: str) -> str:
    return "\\" + char if char in "\\]^-[" else char


@lru_cache(maxsize=256)
def _first_class(source: str, flags: int) -> re.Pattern[str] | None:
    """A pattern matching any character a match of ``source`` can start with, if every match of it
    starts a word (``\\b`` then a word character, on every branch); else None."""
    if _sre_parse is None:
        return None
    try:
        ranges, nullable, bounded = _first(_sre_parse.parse(source, flags).data, False)
    except _Unknown:
        return None
    if nullable or not bounded or not ranges:
        return None
    if not all(re.fullmatch(r"\w", chr(c)) for low, high in ranges for c in range(max(low, 0), high + 1)):
        return None     # "\\b" then a character that is not a word character: not a word start
    items = "".join(r"\d" if (low, high) == _DIGIT else re.escape(chr(low)) if low == high
                    else f"{re.escape(chr(low))}-{re.escape(chr(high))}" for low, high in ranges)
    return re.compile(f"[{items}]", flags & re.IGNORECASE)


_DIGIT = (-1, -1)       # "\\d": decimal digits of any script, all word characters


def _first(data: list, bounded: bool) -> tuple[list[tuple[int, int]], bool, bool]:  # type: ignore[type-arg]
    """The characters (ranges of code points) a sequence of the parsed pattern can start with,
    whether it can match nothing, and whether a ``\\b`` comes before its first character on every
    path (``bounded``: one came before the sequence)."""
    ranges: list[tuple[int, int]] = []
    for op, av in data:
        name = str(op)
        if name == "AT":
            bounded = bounded or str(av) == "AT_BOUNDARY"
            continue
        if name in ("ASSERT", "ASSERT_NOT"):    # lookarounds take no character
            continue
        first, nullable, path_bounded = _first_of(name, av, bounded)
        ranges += first
        if not nullable:
            return ranges, False, path_bounded
        bounded = bounded and path_bounded
    return ranges, True, bounded


def _first_of(name: str, av: Any, bounded: bool) -> tuple[list[tuple[int, int]], bool, bool]:
    if name == "LITERAL":
        return [(av, av)], False, bounded
    if name == "IN":
        ranges = []
        for op, value in av:
            kind = str(op)
            if kind == "LITERAL":
                ranges.append((value, value))
            elif kind == "RANGE":
                ranges.append(value)
            elif kind == "CATEGORY" and str(value) == "CATEGORY_DIGIT":
                ranges.append(_DIGIT)
            else:
                raise _Unknown(kind)
        return ranges, False, bounded
    if name == "BRANCH":
        ranges = []
        nullable, all_bounded = False, True
        for branch in av[1]:
            first, empty, path_bounded = _first(branch.data, bounded)
            ranges += first
            nullable, all_bounded = nullable or empty, all_bounded and path_bounded
        return ranges, nullable, all_bounded
    if name == "SUBPATTERN":
        _group, add_flags, del_flags, sub = av
        if add_flags or del_flags:
            raise _Unknown(name)
        return _first(sub.data, bounded)
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        low, _high, sub = av
        ranges, empty, path_bounded = _first(sub.data, bounded)
        return ranges, empty or low == 0, path_bounded
    raise _Unknown(name)
