"""Article texts of many shapes at any size, for ingest's linearity test and its bench.

>>> len(TEXT_SHAPES["dots after a dateline"](1000))
1000
"""

from __future__ import annotations

from collections.abc import Callable


def repeat(unit: str, size: int, head: str = "BAGHDAD, May 23, 2016 (AFP) - ") -> str:
    """``head`` then ``unit`` over and over, cut to ``size`` characters."""
    return (head + unit * (size // len(unit) + 1))[:size]


TEXT_SHAPES: dict[str, Callable[[int], str]] = {
    "dots after a dateline": lambda n: repeat(".", n),
    "one long sentence": lambda n: repeat("Iraqi forces recaptured Mosul from IS on May 5, 2016, and the "
                                          "Kurds besieged Raqqa while ", n),
    "no punctuation": lambda n: repeat("fighters moved across the desert near the river ", n, head=""),
    "one word": lambda n: "x" * n,
    "place names": lambda n: repeat("Mosul Raqqa Fallujah Deir ez-Zor Manbij al-Bab Tal Afar ", n),
    "dates": lambda n: repeat("May 22, 2016 22 May 2016 2016-05-22 last week yesterday in July ", n),
    "Arabic and English": lambda n: repeat("الفلوجة الرقة الموصل Iraqi forces took control of الفلوجة. ", n),
    "a place and a cue every 18 characters": lambda n: repeat("IS Mosul captured ", n),
    "lines broken after 'in'": lambda n: repeat("the forces moved in\n", n),
    "short sentences": lambda n: repeat("Iraqi forces entered Mosul on May 5, 2016. ", n),
    "three places and a cue in each sentence": lambda n: repeat("Mosul, Raqqa and Hit fell to IS. ", n),
}
