"""The words of a text, indexed once, so that the words of any stretch of it are counted or listed
in logarithmic time instead of by reading the stretch again.

A word is a run of letters, digits, ``'``, ``’``, ``%`` and ``-``. The words of ``text[a:b]`` are the
words of the text that overlap it, cut to it: exactly what reading the slice would find.

Examples
--------
>>> words = Words("Iraqi forces, backed by US air-strikes, retook 60% of Hit.")
>>> words.count(0, 13), words.first(14, 40, 3), words.last(0, 46, 2)
(2, ['backed', 'by', 'US'], ['air-strikes', 'retook'])
>>> words.last(0, 35, 1)                  # cut where the stretch ends
['air-stri']
>>> words.contains(0, 30, frozenset({"backed"})), words.contains(30, 60, frozenset({"backed"}))
(True, False)
"""

from __future__ import annotations

import bisect
import re

WORD = re.compile(r"[\w'’%-]+")


def words_of(text: str) -> list[str]:
    """The words of a short text."""
    return WORD.findall(text)


class Words:
    """The words of one text, by offset."""

    def __init__(self, text: str) -> None:
        self.text = text
        spans = [m.span() for m in WORD.finditer(text)]
        self.starts = [start for start, _ in spans]
        self.ends = [end for _, end in spans]
        self.strings = WORD.findall(text)     # the whole words, sliced once
        self._vocabularies: dict[frozenset[str], list[int]] = {}

    def _range(self, a: int, b: int) -> tuple[int, int]:
        """Indices ``[i, j)`` of the words overlapping ``[a, b)``."""
        if a >= b:
            return 0, 0
        i = bisect.bisect_right(self.ends, a)
        return i, bisect.bisect_left(self.starts, b, lo=i)

    def _word(self, k: int, a: int, b: int) -> str:
        return self.text[max(a, self.starts[k]):min(b, self.ends[k])]

    def ending_by(self, offset: int) -> int:
        """How many words end at or before ``offset``."""
        return bisect.bisect_right(self.ends, offset)

    def starting_before(self, offset: int) -> int:
        """How many words start before ``offset``: for ``a < b``, ``count(a, b)`` is
        ``starting_before(b) - ending_by(a)``, to count from one ``a`` to many ``b``."""
        return bisect.bisect_left(self.starts, offset)

    def count(self, a: int, b: int) -> int:
        """How many words ``text[a:b]`` has."""
        i, j = self._range(a, b)
        return j - i

    def first(self, a: int, b: int, n: int) -> list[str]:
        """The first ``n`` words of ``text[a:b]``."""
        i, j = self._range(a, b)
        return self._cut(i, min(j, i + n), a, b)

    def last(self, a: int, b: int, n: int) -> list[str]:
        """The last ``n`` words of ``text[a:b]``."""
        i, j = self._range(a, b)
        return self._cut(max(i, j - n), j, a, b)

    def _cut(self, i: int, j: int, a: int, b: int) -> list[str]:
        """Words ``i`` to ``j`` (overlapping ``[a, b)``), the end ones cut to it: only they can be."""
        out = self.strings[i:j]
        if out:
            if self.starts[i] < a or self.ends[i] > b:
                out[0] = self._word(i, a, b)
            if self.ends[j - 1] > b:
                out[-1] = self._word(j - 1, a, b)
        return out

    def contains(self, a: int, b: int, vocabulary: frozenset[str]) -> bool:
        """Whether a word of ``text[a:b]`` is in ``vocabulary`` (lower case)."""
        i, j = self._range(a, b)
        if i == j:
            return False
        # The two end words may be cut by the stretch: read them; the ones between are whole.
        if any(self._word(k, a, b).lower() in vocabulary for k in {i, j - 1}):
            return True
        found = self._vocabularies.get(vocabulary)
        if found is None:
            found = self._vocabularies[vocabulary] = [
                k for k, (start, end) in enumerate(zip(self.starts, self.ends, strict=True))
                if self.text[start:end].lower() in vocabulary]
        k = bisect.bisect_left(found, i + 1)
        return k < len(found) and found[k] < j - 1
