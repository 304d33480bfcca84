"""Places an article names: every place of the gazetteer under any alias, transliteration or Arabic spelling.

Examples
--------
>>> from dashboard.core.places import Place
>>> gaz = Gazetteer([Place("fallujah", "Fallujah", "الفلوجة", ("Falluja",), 33.35, 43.78, "IQ", "Anbar")])
>>> [(m.place, m.text) for m in find_places("Iraqi forces entered Falluja and الفلوجة.", gaz)]
[('fallujah', 'Falluja'), ('fallujah', 'الفلوجة')]
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from dashboard.core.names import is_arabic, normalise
from dashboard.core.places import Gazetteer

_MAX_WORDS = 4          # the longest gazetteer key has four words
_MAX_TOKENS = 8         # ... and at most as many articles between them
_TOKEN = re.compile(r"(?:[^\W\d_]|[\u064b-\u065f\u0670])+(?:['’ʼ‘`](?:[^\W\d_])+)*|\d+")
_POSSESSIVE = frozenset(quote + s for quote in "'’" for s in "sSſ")   # ['’]s$, case-blind as in re
_JOINERS = frozenset({" ", "-", "\u00a0", "\u2010", "\u2011"})
_ARABIC_PROCLITICS = "وفبلك"

# Keys that, in English text, are never a place of Syria or Iraq: other countries' cities,
# ancient names shared with places elsewhere, and English words.
_NEVER = frozenset({
    "sham", "esh sham", "riyadh", "riyad", "medina", "madina", "madinah", "medineh", "sousse", "soussa",
    "susa", "susah", "beria", "berea", "beroea", "veroia", "philippopolis", "philppopolis",
    "phillipopolis", "filippopolis", "hierapolis", "laodicea", "laodicee", "laodikeia", "tortosa", "nazi",
    "soda", "seen", "hero", "herow", "hill", "murk", "neva", "fava", "diana", "chine", "humus", "harem",
    "karma", "mosel", "jazira",
    # Adjectives of peoples: villages are named "Al Iraqi" or "Al Kurdi", but "Iraqi troops" are not.
    "iraqi", "syrian", "kurdi", "kurdish", "turki", "turkish", "arabi", "arab", "islami", "islamic",
    "russian", "irani", "iranian", "american", "amriki", "saudi", "jordanian", "lebanese", "shami",
})
# Single words that are also English words or common in English text: a place only where the
# text makes it one ("the town of Hit", "in Hit", "al-Bab", "Hit, Iraq").
_WORDS = frozenset({
    "hal", "hol", "hul", "ana", "rai", "dur", "kut", "hila", "mare", "mari", "mara",
    "kara", "gama", "nava", "sina", "sine", "shin", "cham", "chama", "chao", "chey", "afak", "afaq",
    "haul", "hula", "talin", "jable", "balis", "banan", "madan", "sauda", "hamra", "dara", "sasa", "musi",
    "mork", "koet", "siin", "saan", "aere", "afes", "afis", "balo", "biuk", "byok", "duma",
})
# Words that head place names ("Bab" gate, "Tal" hill, "Hay" quarter): alone, a place only with
# its article ("al-Bab"), never by context ("the Bab crossing" is Bab al-Hawa).
_ARTICLE_ONLY = frozenset({"bab", "tal", "hay", "hayy", "khan", "ras", "ain", "ayn", "jisr", "qasr", "bir",
                           "kafr", "wadi", "jabal", "jebel", "deir", "tell", "sheikh", "shaykh"})
# Keys that are also personal names: a place only with a place noun or a country beside them.
_PERSONS = frozenset({
    "salman", "qasim", "kasim", "jasim", "jasem", "jacem", "jassim", "jassem", "hamzah", "zuhair",
    "sadr", "rabia", "rania", "dana", "ezra", "dali", "sam", "khan", "samad", "safir", "alam", "basir",
    "hadar", "kasra", "amara", "ibrahim khalil", "mustafa agha", "imam qasim",
})
# Arabic keys that are common words ("door", "hill", "country", "role", "prison", ...).
_ARABIC_WORDS = frozenset({"بلد", "دور", "سجن", "علم", "ملح", "حاضر", "خالص", "راعي", "قاسم", "جاسم",
                           "حمزه", "عنه", "شين", "حي", "تل", "باب"})
_ARABIC_PLACE_NOUNS = frozenset({"مدينة", "مدينه", "بلدة", "بلده", "قرية", "قريه", "محافظة", "محافظه"})
_PREPOSITIONS = frozenset({
    "in", "near", "at", "from", "to", "into", "toward", "towards", "around", "outside", "inside", "across",
    "through", "via", "captured", "recaptured", "retook", "retaken", "seized", "liberated", "entered",
    "stormed", "shelled", "bombed", "reached", "besieged", "encircled", "surrounded", "took",
})
_PLACE_NOUNS = frozenset({
    "city", "town", "village", "district", "province", "governorate", "countryside", "subdistrict",
    "area", "region", "airbase", "airport", "crossing", "camp", "dam", "outskirts", "centre", "center",
    "heart", "suburbs",
})
_REGION_NOUNS = frozenset({"province", "governorate", "district", "countryside", "region", "subdistrict"})
_OF_HEADS = _PLACE_NOUNS | frozenset({
    "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest", "fall", "siege",
    "capture", "recapture", "liberation", "battle", "outskirts", "edge", "gates", "residents", "people",
})
_TITLES = frozenset({
    "mr", "mrs", "ms", "dr", "gen", "general", "col", "colonel", "maj", "major", "lt", "sgt", "capt",
    "captain", "president", "king", "prince", "sheikh", "shaikh", "imam", "cleric", "minister", "spokesman",
    "leader", "commander", "caliph", "emir", "bin", "ibn", "abu", "umm", "saint", "st",
})
_SENTENCE_ENGLISH_ARTICLES = frozenset({"as", "at", "an", "ad", "ash"})
_PLACE_NOUN_AFTER = re.compile(r"(?:[ \u00a0]+(?:" + "|".join(sorted(_PLACE_NOUNS)) + r")\b"
                               r"|,?[ \u00a0]*\(?(?:Iraq|Syria)\b)", re.IGNORECASE)


@dataclass(frozen=True)
class Mention:
    """A place named in a text: its gazetteer id and the characters ``[start, end)`` naming it."""

    place: str
    start: int
    end: int
    text: str


class _Token(NamedTuple):     # a tuple, not a dataclass: an article of 1 MB has 170,000 of them
    start: int
    end: int
    text: str
    key: str
    article: bool
    arabic: bool

    @property
    def capitalised(self) -> bool:
        return self.arabic or self.text[0].isupper() or self.text[0].isdigit()


@lru_cache(maxsize=65536)
def _word_key(word: str) -> tuple[str, bool, bool]:
    """The normalised key of one word, whether it is a transliterated Arabic article, and whether
    it is in Arabic script."""
    key = normalise(word)
    arabic = is_arabic(word)
    return key, bool(key) and not arabic and normalise(f"{word} x") == "x", arabic


def _tokens(text: str) -> list[_Token]:
    """Words of the text with their offsets (a possessive ``'s`` is left out of the word)."""
    out = []
    for m in _TOKEN.finditer(text):
        word, end = m.group(0), m.end()
        if len(word) > 2 and word[-2:] in _POSSESSIVE:
            word, end = word[:-2], end - 2
        key, article, arabic = _word_key(word)
        if key:
            out.append(_Token(m.start(), end, word, key, article, arabic))
    return out


def find_places(text: str, gazetteer: Gazetteer) -> list[Mention]:
    """Every mention of a gazetteer place in the text, in order.

    Names are matched on the gazetteer's normalised keys (:func:`dashboard.core.names.normalise`; not
    its looser skeletons, which turn "Missile" into Mosul), longest first (``Deir ez-Zor`` is one
    mention, not ``Deir`` and ``Zor``). A word that is also an English word or a personal name
    ("Hit", "Bab", "Sadr") counts only where the text makes it a place ("the town of Hit",
    "al-Bab"); names must be capitalised.

    >>> from dashboard.core.places import Place
    >>> gaz = Gazetteer([Place("hit", "Hit", "هيت", (), 33.64, 42.83, "IQ", "Anbar"),
    ...                  Place("al-bab", "Al-Bab", "الباب", ("Bab",), 36.37, 37.52, "SY", "Aleppo")])
    >>> text = "Strikes hit Bab al-Hawa; troops entered Hit and al-Bab."
    >>> [(m.place, m.text) for m in find_places(text, gaz)]
    [('hit', 'Hit'), ('al-bab', 'al-Bab')]
    """
    tokens = _tokens(text)
    index = gazetteer.by_name
    mentions: list[Mention] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if not (tok.article or tok.capitalised):    # a name starts with a capital or an article
            i += 1
            continue
        found = _match_at(text, tokens, i, index, mentions[-1] if mentions else None)
        if found is None:
            i += 1
            continue
        mention, i = found
        mentions.append(mention)
    return mentions


def _match_at(text: str, tokens: Sequence[_Token], i: int, index: Mapping[str, list[str]],
              previous: Mention | None) -> tuple[Mention, int] | None:
    """The longest acceptable place name starting at token ``i``, and the index after it."""
    first = tokens[i]
    if first.article and not _leading_article_ok(text, tokens, i):
        return None
    if first.arabic:
        return _match_arabic(text, tokens, i, index)
    found: list[tuple[int, str, str]] = []
    words: list[str] = []
    for j in range(i, min(len(tokens), i + _MAX_TOKENS)):
        tok = tokens[j]
        if j > i and (text[tokens[j - 1].end:tok.start] not in _JOINERS or tok.arabic):
            break
        if tok.article:
            continue
        if not tok.capitalised:
            break
        words.append(tok.key)
        if len(words) > _MAX_WORDS:
            break
        key = " ".join(words)
        if key in index:
            found.append((j, key, index[key][0]))
    for j, key, place in reversed(found):
        if _acceptable(text, tokens, i, j, key, previous):
            start = tokens[i].start
            return Mention(place, start, tokens[j].end, text[start:tokens[j].end]), j + 1
    return None


def _match_arabic(text: str, tokens: Sequence[_Token], i: int,
                  index: Mapping[str, list[str]]) -> tuple[Mention, int] | None:
    """An Arabic name at token ``i``: up to four words, a leading "and"/"in"/"to" stripped."""
    found: tuple[int, int, str] | None = None
    for strip in range(3):
        head = tokens[i].text[strip:]
        if strip and (tokens[i].text[strip - 1] not in _ARABIC_PROCLITICS or len(head) < 3):
            break
        words = [normalise(head)]
        for j in range(i, min(len(tokens), i + _MAX_WORDS)):
            if j > i:
                if not tokens[j].arabic or text[tokens[j - 1].end:tokens[j].start] != " ":
                    break
                words.append(tokens[j].key)
            key = " ".join(words)
            if key in index and _arabic_ok(text, tokens, i, j, key, head):
                found = (j, strip, index[key][0])
        if found:
            j, strip, place = found
            start = tokens[i].start + strip
            return Mention(place, start, tokens[j].end, text[start:tokens[j].end]), j + 1
    return None


def _arabic_ok(text: str, tokens: Sequence[_Token], i: int, j: int, key: str, head: str) -> bool:
    if i != j or (len(key) > 3 and key not in _ARABIC_WORDS):
        return True
    before = tokens[i - 1].text if i > 0 else ""
    return head.startswith("ال") or before in _ARABIC_PLACE_NOUNS


def _leading_article_ok(text: str, tokens: Sequence[_Token], i: int) -> bool:
    """``al-Bab``, ``Ar Raqqah``: an article starts a name when joined by a hyphen or capitalised
    (but not "As"/"At" opening a sentence, which are English)."""
    tok = tokens[i]
    if text[tok.end:tok.end + 1] in ("-", "\u2010", "\u2011"):
        return True
    if not tok.text[0].isupper():
        return False
    return not (tok.key in _SENTENCE_ENGLISH_ARTICLES and _sentence_start(text, tok.start))


def _sentence_start(text: str, start: int) -> bool:
    i = start       # back over spaces and opening quotes (not text[:start].rstrip(): a copy per word)
    while i and text[i - 1] in " \t\"'“‘(":
        i -= 1
    return not i or text[i - 1] in ".!?\n:;"


def _acceptable(text: str, tokens: Sequence[_Token], i: int, j: int, key: str,
                previous: Mention | None) -> bool:
    """Whether the words ``tokens[i..j]`` (matching ``key``) really name a place here."""
    if key in _NEVER:
        return False
    single = " " not in key
    with_article = tokens[i].article
    if single and _word_before(text, tokens, i) in ("abu", "umm", "bin", "ibn") and not with_article:
        return False
    person = key in _PERSONS
    weak = single and (len(key) <= 3 or key in _WORDS or key in _ARTICLE_ONLY)
    if not (person or weak):
        return True
    if _title_before(text, tokens, i) or _construct_after(text, tokens, j):
        return False
    if person:
        return _place_noun_context(text, tokens, i, j)
    if key in _ARTICLE_ONLY:
        return with_article
    return with_article or _place_context(text, tokens, i, j, previous)


def _word_before(text: str, tokens: Sequence[_Token], i: int) -> str | None:
    """The word just before token ``i`` (lower case), if only spaces separate them."""
    if i == 0 or text[tokens[i - 1].end:tokens[i].start].strip(" \u00a0"):
        return None
    return tokens[i - 1].text.lower()


def _title_before(text: str, tokens: Sequence[_Token], i: int) -> bool:
    gap = text[tokens[i - 1].end:tokens[i].start] if i else ""
    return i > 0 and gap.strip(" .") == "" and tokens[i - 1].text.lower() in _TITLES


def _construct_after(text: str, tokens: Sequence[_Token], j: int) -> bool:
    """``Bab al-Hawa``, ``Tal al-Abyad``: the word heads a longer name the gazetteer lacks."""
    if j + 2 >= len(tokens):
        return False
    art, nxt = tokens[j + 1], tokens[j + 2]
    return (art.article and text[tokens[j].end:art.start] in _JOINERS
            and text[art.end:nxt.start] in _JOINERS and nxt.capitalised)


def _place_noun_context(text: str, tokens: Sequence[_Token], i: int, j: int) -> bool:
    """"the town of X", "X city", "X, Iraq": the text itself calls the word a place."""
    before = _word_before(text, tokens, i)
    if before == "of" and i >= 2 and _word_before(text, tokens, i - 1) in _PLACE_NOUNS:
        return True
    return bool(_PLACE_NOUN_AFTER.match(text, tokens[j].end))


def _place_context(text: str, tokens: Sequence[_Token], i: int, j: int, previous: Mention | None) -> bool:
    """A weak word is a place after a preposition ("in Hit"), a place noun, or another place
    ("Ramadi and Hit")."""
    if _place_noun_context(text, tokens, i, j):
        return True
    before = _word_before(text, tokens, i)
    if before in _PREPOSITIONS:
        return True
    if before == "of" and i >= 2 and _word_before(text, tokens, i - 1) in _OF_HEADS:
        return True
    if previous is not None and previous.end <= tokens[i].start:
        # Matched in place: the previous place may be far back, and most gaps fail at once.
        return bool(_LIST_GAP.fullmatch(text, previous.end, tokens[i].start))
    return False


_LIST_GAP = re.compile(r"\s*(?:,|and|or|,\s*and)\s*")
_FOLLOWING_WORD = re.compile(r"[ \u00a0]+(\w+)")
_REFERENCE = re.compile(
    r"(?:\b(?:km|kilomet(?:er|re)s?|miles?|drive|hours?|minutes?)\W*(?:\s+\(.{0,30}?\))?(?:\s+away)?\s+from"
    r"|\b(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)\s+of)"
    r"\s+(?:the\s+)?(?:(?:city|town|village)\s+of\s+)?$", re.IGNORECASE)


def is_reference(text: str, mention: Mention) -> bool:
    """"an hour's drive from Baghdad", "60 km south of Mosul": the place only locates another."""
    if not mention.start or not text[mention.start - 1].isspace():
        return False
    before = text[max(0, mention.start - 60):mention.start]
    # Only text ending in a space after "from", "of" or "the" can match: most mentions are ruled out
    # without trying the pattern at each of the 60 characters.
    if not before.rstrip()[-4:].lower().endswith(("from", "of", "the")):
        return False
    return bool(_REFERENCE.search(before))


def is_region(text: str, mention: Mention) -> bool:
    """"Raqqa province", "the Aleppo countryside": the mention names an area around the place."""
    following = _FOLLOWING_WORD.match(text, mention.end, mention.end + 20)
    return bool(following) and following.group(1).lower() in _REGION_NOUNS
