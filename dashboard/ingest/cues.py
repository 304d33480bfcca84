"""Cues in an article's words: what kind of event a clause tells of, and which factions it names.

Examples
--------
>>> [(c.kind, c.text) for c in find_cues("Iraqi forces recaptured the town.")]
[('capture', 'recaptured')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dashboard.ingest.dates import non_overlapping
from dashboard.ingest.scan import find_all

#: Order of precedence when two cues overlap or are as near to a place.
_PRIORITY = ("siege_broken", "capture", "evacuation", "siege", "bombing", "offensive", "other")
_CUE_SOURCES: tuple[tuple[str, str, bool], ...] = (
    # (type, pattern, weak)
    ("siege_broken", r"\bbr(?:oke|eak|eaks|eaking|oken)\b(?:\s+\S+){0,4}?\s+sieges?\b", False),
    ("siege_broken", r"\bsieges?\b(?:\s+\S+){0,4}?\s+(?:was\s+|were\s+|has\s+been\s+|had\s+been\s+)?"
                     r"(?:lifted|broken|ended|broke)\b", False),
    ("siege_broken", r"\b(?:lift(?:ed|s|ing)?|end(?:ed|s|ing)?)\s+(?:the\s+)?(?:\S+\s+){0,3}?sieges?\b",
     False),
    ("siege_broken", r"\bsiege[- ]breaking\b|\bbroken\s+siege\b", False),
    ("capture", r"\b(?:re)?captur(?:e|ed|es|ing)\b", False),
    ("capture", r"\bretak(?:e|en|es|ing)\b|\bretook\b", False),
    ("capture", r"\b(?:re)?seiz(?:e|ed|es|ing)\b", False),
    ("capture", r"\bliberat(?:e|ed|es|ing|ion)\b", False),
    ("capture", r"\bfell\b|\bfall(?:s|en)?\s+to\b|\bfall\s+of\b", False),
    ("capture", r"\b(?:took|take|taken|takes|taking|gain(?:ed|s)?|regain(?:ed|s)?|seized|wrested|assumed)"
                r"\s+(?:full\s+|complete\s+|total\s+)?control\s+(?:of|over)\b", False),
    ("capture", r"\b(?:took|take|taken|takes|taking)\s+by\s+storm\b", False),
    ("capture", r"\boverr(?:an|un)\b|\b(?:drove|driven|expelled|ousted)\b", False),
    ("evacuation", r"\bevacuat(?:e|ed|es|ing|ion)\b|\ballowed\s+to\s+leave\b|\bsafe\s+passage\b", False),
    ("evacuation", r"\bbuse[sd]\b|\bbussed\b", False),
    ("evacuation", r"\bdeal\b|\bagreement\b|\btruce\b", True),
    ("siege", r"\bsieges?\b|\bbesieg(?:e|ed|es|ing)\b|\bencircl(?:e|ed|es|ing|ement)\b|\bblockade\b", False),
    ("siege", r"\bsurrounded\b|\bcut\s+off\b", True),
    ("bombing", r"\bbomb(?:s|ed|ing|ings|er|ers)?\b|\bsuicide\b|\bexplosions?\b|\bexplosives?\b|\bblasts?\b"
                r"|\bIEDs?\b|\bcar[- ]bomb", False),
    ("bombing", r"\battack(?:s|ed)?\b", True),
    ("offensive", r"\boffensives?\b|\bassaults?\b|\badvanc(?:e|ed|es|ing)\b|\blaunch(?:ed|es|ing)?\b"
                  r"|\bstorm(?:ed|ing|s)?\b|\bpush(?:ed|es|ing)?\b|\bentered\b|\bcampaign\b", False),
    ("offensive", r"\boperations?\b|\bclosing\s+in\b|\bpressed\b|\bprogress\b", True),
    ("other", r"\bfight(?:ing|s)?\b|\bclash(?:es|ed)?\b|\bbattl(?:e|es|ed|ing)\b|\bshell(?:ing|ed)\b"
              r"|\bkill(?:ed|ing)\b|\bwar\b|\bcombat\b|\bair\s?strikes?\b", True),
)
_CUES = tuple((kind, re.compile(pattern, re.IGNORECASE), weak) for kind, pattern, weak in _CUE_SOURCES)

# A faction, or (in Syria, in Iraq) for words whose side depends on the country.
_FACTION_SOURCES: tuple[tuple[str | tuple[str | None, str | None], str], ...] = (
    # "IS", but not in a heading in capitals ("THIS IS THE END").
    ("isis", r"\bIslamic State\b|\bISIS\b|\bISIL\b|(?<![A-Z]{2} )\bIS\b(?! [A-Z]{2})|\bDaesh\b"
             r"|\bDa['’]esh\b"),
    ("iraq", r"\bIraqi\s+(?:[\w-]+\s+){0,2}?(?:forces|troops|soldiers|army|Army|military|police|government"
             r"|units|aircraft|offensive|operations?|fighters|commanders?|Forces|divisions?|Division)\b"),
    ("iraq", r"\bIraq['’]s\s+(?:[\w-]+\s+){0,2}?(?:forces|troops|army|Army|military|government"
             r"|[Dd]ivision)\b"),
    ("iraq", r"\bPopular\s+Mobili[sz]ation\b|\bPMF\b|\bPMU\b|\bHashd\b|\bCounter[- ]Terrorism\s+Service\b"),
    ("krg", r"\bPeshmergas?\b|\bKurdistan\s+Regional\s+Government\b|\bKRG\b|\bKurdistan\s+Region\b"
            r"|\bIraqi\s+Kurd(?:s|ish|istan)\b"),
    ("syria", r"(?<!Free )\bSyrian\s+(?:Arab\s+)?[Aa]rmy\b|\bSAA\b|\bAssad\b"
              r"|\bSyrian\s+(?:government|regime)\b"
              r"|\bRussian[- ]backed\b|\bHezbollah\b|\bTiger\s+Forces\b"),
    ("sdf", r"\bSDF\b|\bSyrian\s+Democratic\s+Forces\b|\bYPG\b|\bYPJ\b|\bPeople['’]s\s+Protection\s+Units\b"
            r"|\bKurdish[- ]led\b|\bKurdish[- ]Arab\b|\bSyrian\s+Kurd(?:s|ish)?\b"),
    ("opposition", r"\b[Rr]ebels?\b|\bFSA\b|\bFree\s+Syrian\s+Army\b|\bTurk(?:ish|ey)[- ]backed\b"
                   r"|\bEuphrates\s+Shield\b"),
    (("opposition", None), r"\b(?:Syrian\s+|armed\s+|moderate\s+)?[Oo]pposition\b|\bTurk(?:ish|ey)\b"),
    (("syria", "iraq"), r"\b(?:pro-)?[Gg]overnment\s+(?:forces|troops|soldiers|militias?)\b"
                        r"|\b(?:Shiite|Shia|Shi['’]ite|pro-government|pro-Iranian)\s+militias?\b"
                        r"|\bIran(?:ian)?\b"),
    (("syria", None), r"\b[Rr]egime\b|\bRussian?\b"),
    (("sdf", "krg"), r"\bKurd(?:s|ish)\b"),
)
_FACTIONS = tuple((who, re.compile(pattern)) for who, pattern in _FACTION_SOURCES)

# Words that make what follows them in a clause a condition ("if"), or, a few words before a cue,
# a possibility, a plan or a forecast rather than something that happened.
@dataclass(frozen=True)
class Cue:
    kind: str
    start: int
    end: int
    weak: bool
    text: str


@dataclass(frozen=True)
class FactionMention:
    who: str | tuple[str | None, str | None]
    start: int
    end: int

    def faction(self, country: str) -> str | None:
        if isinstance(self.who, str):
            return self.who
        return self.who[0] if country == "SY" else self.who[1]


def find_cues(text: str) -> list[Cue]:
    """Event cues of the text; where two overlap, the stronger type (then the longer) wins."""
    matches = find_all([pattern for _, pattern, _ in _CUES], text)
    found = [Cue(kind, m.start(), m.end(), weak, m.group(0))
             for (kind, _, weak), matched in zip(_CUES, matches, strict=True) for m in matched]
    found.sort(key=lambda c: (_PRIORITY.index(c.kind), c.start - c.end))
    return non_overlapping(found)


def faction_mentions(text: str) -> list[FactionMention]:
    matches = find_all([pattern for _, pattern in _FACTIONS], text)
    found = [FactionMention(who, m.start(), m.end())
             for (who, _), matched in zip(_FACTIONS, matches, strict=True) for m in matched]
    found.sort(key=lambda f: (f.start - f.end, f.start))
    return non_overlapping(found)
