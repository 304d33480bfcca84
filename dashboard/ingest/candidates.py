"""From an article's text to candidate events: places, dates, types, factions, evidence.

Rules over the gazetteer, no model: :func:`find_places` finds every place of Syria and Iraq the
text names (any alias, transliteration or Arabic spelling), :func:`propose_events` reads the
text clause by clause and turns a place named next to an event cue ("recaptured", "offensive",
"broke the siege") into a candidate event, dated from the text, and :func:`candidates_document`
writes the candidates file a reviewer edits before ``python -m dashboard merge``.
Evidence is character offsets into the article, never copied sentences.

Examples
--------
>>> import datetime as dt
>>> from dashboard.core.places import Gazetteer, Place
>>> gaz = Gazetteer([Place("fallujah", "Fallujah", "الفلوجة", ("Falluja",), 33.35, 43.78, "IQ", "Anbar")])
>>> text = "Iraqi forces recaptured Falluja from Islamic State on June 26, 2016."
>>> [(m.place, m.text) for m in find_places(text, gaz)]
[('fallujah', 'Falluja')]
>>> source = {"title": "T", "publisher": "Example News", "date": dt.date(2016, 6, 27), "url": None}
>>> [event] = propose_events(text, gaz, dt.date(2016, 6, 27), source)
>>> event["id"], event["change"], event["factions"]
('fallujah-2016-06-26-capture', {'from': 'isis', 'to': 'iraq'}, ['iraq', 'isis'])
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import yaml

from dashboard.core.events import EVENT_TYPES
from dashboard.core.names import normalise
from dashboard.core.places import Gazetteer
from dashboard.ingest.dates import DateMention, find_published, non_overlapping, resolve_dates

__all__ = ["DateMention", "Mention", "candidates_document", "find_places", "find_published",
           "propose_events", "resolve_dates"]

#: The dates of the record (``events.yaml``: start, end); candidates outside it are not proposed.
PERIOD = (dt.date(2014, 1, 1), dt.date(2019, 3, 31))
FACTION_NAMES = {"isis": "Islamic State", "iraq": "Iraqi government", "krg": "Kurdistan Region",
                 "syria": "Syrian government", "sdf": "SDF", "opposition": "Syrian opposition"}

# ---------------------------------------------------------------------------------------------
# Places
# ---------------------------------------------------------------------------------------------

_MAX_WORDS = 4          # the longest gazetteer key has four words
_MAX_TOKENS = 8         # ... and at most as many articles between them
_TOKEN = re.compile(r"(?:[^\W\d_]|[\u064b-\u065f\u0670])+(?:['’ʼ‘`](?:[^\W\d_])+)*|\d+")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
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


@dataclass(frozen=True)
class _Token:
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
    arabic = _is_arabic(word)
    return key, bool(key) and not arabic and normalise(f"{word} x") == "x", arabic


def _is_arabic(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


def _tokens(text: str) -> list[_Token]:
    """Words of the text with their offsets (a possessive ``'s`` is left out of the word)."""
    out = []
    for m in _TOKEN.finditer(text):
        word, end = m.group(0), m.end()
        if len(word) > 2 and _POSSESSIVE.search(word):
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
    before = text[:start].rstrip(" \t\"'“‘(")
    return not before or before[-1] in ".!?\n:;"


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
        gap = text[previous.end:tokens[i].start]
        return bool(re.fullmatch(r"\s*(?:,|and|or|,\s*and)\s*", gap))
    return False


_REFERENCE = re.compile(
    r"(?:\b(?:km|kilomet(?:er|re)s?|miles?|drive|hours?|minutes?)\W*(?:\s+\(.{0,30}?\))?(?:\s+away)?\s+from"
    r"|\b(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)\s+of)"
    r"\s+(?:the\s+)?(?:(?:city|town|village)\s+of\s+)?$", re.IGNORECASE)


def _is_reference(text: str, mention: Mention) -> bool:
    """"an hour's drive from Baghdad", "60 km south of Mosul": the place only locates another."""
    return bool(_REFERENCE.search(text[max(0, mention.start - 60):mention.start]))


def _is_region(text: str, mention: Mention) -> bool:
    """"Raqqa province", "the Aleppo countryside": the mention names an area around the place."""
    following = re.match(r"[ \u00a0]+(\w+)", text[mention.end:mention.end + 20])
    return bool(following) and following.group(1).lower() in _REGION_NOUNS


# ---------------------------------------------------------------------------------------------
# Sentences and clauses
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
class _Span:
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


def _sentences(text: str) -> list[_Span]:
    """Sentences of the text (paragraphs, then lines, then sentence ends), with their paragraph."""
    out: list[_Span] = []
    for p, (pstart, pend) in enumerate(_blocks(text, r"\n[ \t\u00a0]*\n")):
        for lstart, lend in _blocks(text[pstart:pend], r"\n"):
            start, stop = pstart + lstart, pstart + lend
            for m in _SENTENCE_END.finditer(text, start, stop):
                if _is_abbreviation(text, m.start()):
                    continue
                out.append(_Span(start, m.start() + 1, len(out), p))
                start = m.end()
            if text[start:stop].strip():
                out.append(_Span(start, stop, len(out), p))
    return out


def _is_abbreviation(text: str, dot: int) -> bool:
    if text[dot] != ".":
        return False
    word = re.search(r"([A-Za-z]+)$", text[max(0, dot - 12):dot])
    return bool(word) and (len(word.group(1)) == 1 or word.group(1).lower() in _ABBREVIATIONS)


def _clauses(text: str, sentence: _Span) -> list[_Span]:
    """Parts of a sentence between semicolons and spaced dashes."""
    out = []
    start = sentence.start
    for m in _CLAUSE_BREAK.finditer(text, sentence.start, sentence.end):
        out.append(_Span(start, m.start(), sentence.sentence, sentence.paragraph))
        start = m.end()
    out.append(_Span(start, sentence.end, sentence.sentence, sentence.paragraph))
    return [c for c in out if text[c.start:c.end].strip()]


# ---------------------------------------------------------------------------------------------
# Cues: event types and factions
# ---------------------------------------------------------------------------------------------

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
_CONDITIONS = frozenset({"if", "unless", "whether"})
_MODALS = frozenset({"would", "could", "might", "may", "will", "shall", "should", "must", "wants", "want",
                     "hope", "hopes", "plan", "plans", "planned", "planning", "expected", "likely", "bound",
                     "threatened", "threatens", "threaten", "ready"})
_NEGATION = frozenset({"not", "never", "no", "without", "failed", "fail", "fails", "denied", "n't", "nor",
                       "suspended", "halted", "stopped", "abandoned", "postponed", "paused"})
_DURATIONS = frozenset({"days", "weeks", "months", "years", "hours", "day", "week", "month", "year", "time"})
_PRONOUN_OBJECT = re.compile(r"\s+(?:it|them|this|that)\b", re.IGNORECASE)
_PARTIAL = re.compile(r"\b\d+\s*(?:%|percent|per\s+cent)|\bparts?\s+of\b|\bmost\s+of\b|\bhalf\s+of\b"
                      r"|\bneighbou?rhoods?\b|\bdistricts?\s+(?:of|in)\b|\bvillages?\b|\boutskirts\b"
                      r"|\bsuburbs?\b|\bareas?\s+(?:around|near)\b|\b(?:north|south|east|west)\s+of\b",
                      re.IGNORECASE)
_PRESENT = re.compile(r"\b(?:is|are)\s+(?:\w+\s+)?\w+ing\b"
                      r"|\b(?:has|have)\s+(?:\w+\s+)?(?:been\s+)?\w+(?:ed|en)\b"
                      r"|\bcontinues?\b", re.IGNORECASE)
_PASSIVE = re.compile(r"\b(?:was|were|been|be|is|are|being)\s+(?:\w+ly\s+)?$", re.IGNORECASE)
_TARGET = re.compile(r"\b(?:against|from|on|of)\s+(?:the\s+)?$", re.IGNORECASE)
_REVERSAL = re.compile(r"^(?:re|liberat|regain)", re.IGNORECASE)
_FALL = re.compile(r"^(?:fell|fall)", re.IGNORECASE)
_EXPULSION = re.compile(r"^(?:drove|driven|expelled|ousted)", re.IGNORECASE)


@dataclass(frozen=True)
class _Cue:
    kind: str
    start: int
    end: int
    weak: bool
    text: str


@dataclass(frozen=True)
class _FactionMention:
    who: str | tuple[str | None, str | None]
    start: int
    end: int

    def faction(self, country: str) -> str | None:
        if isinstance(self.who, str):
            return self.who
        return self.who[0] if country == "SY" else self.who[1]


def _cues(text: str) -> list[_Cue]:
    """Event cues of the text; where two overlap, the stronger type (then the longer) wins."""
    found = [_Cue(kind, m.start(), m.end(), weak, m.group(0))
             for kind, pattern, weak in _CUES for m in pattern.finditer(text)]
    found.sort(key=lambda c: (_PRIORITY.index(c.kind), c.start - c.end))
    return non_overlapping(found)


def _faction_mentions(text: str) -> list[_FactionMention]:
    found = [_FactionMention(who, m.start(), m.end())
             for who, pattern in _FACTIONS for m in pattern.finditer(text)]
    found.sort(key=lambda f: (f.start - f.end, f.start))
    return non_overlapping(found)


# ---------------------------------------------------------------------------------------------
# Candidates
# ---------------------------------------------------------------------------------------------

_BASE_CONFIDENCE = {"capture": 0.5, "siege_broken": 0.55, "siege": 0.45, "offensive": 0.45, "evacuation": 0.4,
                    "bombing": 0.45, "other": 0.25}


@dataclass
class _Candidate:
    place: str
    type: str
    date: dt.date
    precision: str
    approximate: bool
    dated_by: str                      # "clause", "sentence", "paragraph" or "published"
    confidence: float
    factions: list[str]
    change: tuple[str, str] | None = None
    besieged_by: str | None = None
    evidence: list[tuple[str, int, int]] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, dt.date, str]:
        return self.place, self.type, self.date, self.precision

    def absorb(self, other: _Candidate, same_type: bool = True) -> None:
        """Take in a near-duplicate: its evidence, factions and stated change; more confidence."""
        kept = other.evidence if same_type else [e for e in other.evidence if e[0] != "type"]
        self.evidence = sorted(set(self.evidence) | set(kept), key=lambda e: (e[1], e[2], e[0]))
        self.factions += [f for f in other.factions if f not in self.factions]
        if same_type and self.change is None and other.change is not None:
            self.change = other.change
        if same_type and self.besieged_by is None:
            self.besieged_by = other.besieged_by
        self.approximate = self.approximate and other.approximate
        boost = 0.1 if same_type else 0.05
        self.confidence = round(min(0.95, max(self.confidence, other.confidence) + boost), 2)


def propose_events(text: str, gazetteer: Gazetteer, published: dt.date, source: Mapping[str, Any], *,
                   period: tuple[dt.date, dt.date] = PERIOD) -> list[dict[str, Any]]:
    """Candidate events of an article, in reading order, as dicts of the candidates file.

    A clause naming a place next to an event cue gives a candidate: its type from the cue, the
    factions named, a control ``change`` only where the text states both sides, and the date
    stated in the clause or sentence (else shortly before in the paragraph, else the month of
    publication, approximate). Candidates of one place, type and date are merged.

    >>> from dashboard.core.places import Place
    >>> gaz = Gazetteer([Place("deir-ez-zor", "Deir ez-Zor", None, ("Deir al-Zour",), 35.3, 40.1, "SY", "")])
    >>> text = "On September 5, forces of the Assad regime broke the siege of Deir al-Zour."
    >>> events = propose_events(text, gaz, dt.date(2017, 9, 7), {"publisher": "P"})
    >>> [(e["id"], e["factions"]) for e in events]
    [('deir-ez-zor-2017-09-05-siege-broken', ['syria'])]
    """
    reader = _Reader(text, gazetteer, published, period)
    raw = [candidate for clause in reader.clauses for candidate in reader.candidates(clause)]
    events = [_as_dict(c, gazetteer, source) for c in _merge(raw)]
    _make_ids_unique(events)
    return events


def _make_ids_unique(events: list[dict[str, Any]]) -> None:
    taken: set[str] = set()
    for event in events:
        base, n = event["id"], 2
        while event["id"] in taken:
            event["id"], n = f"{base}-{n}", n + 1
        taken.add(event["id"])


class _Reader:
    """One article, read once: its sentences, clauses, places, cues, factions and dates."""

    def __init__(self, text: str, gazetteer: Gazetteer, published: dt.date, period: tuple[dt.date, dt.date]):
        self.text = text
        self.gazetteer = gazetteer
        self.published = published
        self.period = period
        self.mentions = find_places(text, gazetteer)
        self.counts: dict[str, int] = {}
        for mention in self.mentions:
            self.counts[mention.place] = self.counts.get(mention.place, 0) + 1
        self.sentences = _sentences(text)
        self.clauses = [c for s in self.sentences for c in _clauses(text, s)]
        self.cues = _cues(text)
        self.factions = _faction_mentions(text)
        self.dates = resolve_dates(text, published)
        self.past_dates = [d for d in self.dates if d.date <= published]

    @staticmethod
    def _within(items: Sequence[Any], start: int, end: int) -> list[Any]:
        """The items (sorted by start) lying in ``[start, end)``."""
        first = bisect.bisect_left(items, start, key=lambda x: x.start)
        last = bisect.bisect_left(items, end, lo=first, key=lambda x: x.start)
        return [x for x in items[first:last] if x.end <= end]

    def candidates(self, clause: _Span) -> list[_Candidate]:
        """The candidates of one clause: one per place it names near a cue of what happened."""
        dates = self._within(self.dates, clause.start, clause.end)
        if dates and all(d.date > self.published for d in dates):
            return []               # a clause about the future
        cues = self._within(self.cues, clause.start, clause.end)
        out = []
        for mention in self._event_places(clause):
            reading = self._reading(clause, mention, cues)
            candidate = reading and self._candidate(clause, mention, *reading)
            if candidate:
                out.append(candidate)
        return out

    def _event_places(self, clause: _Span) -> list[Mention]:
        """The places of a clause that events can be at: towns before regions ("Aleppo province")
        and before places that only locate another ("60 km south of Mosul")."""
        places = self._within(self.mentions, clause.start, clause.end)
        towns = [m for m in places if not _is_region(self.text, m)]
        located = [m for m in towns if not _is_reference(self.text, m)]
        return located or towns or places

    def _reading(self, clause: _Span, mention: Mention, cues: list[_Cue]) -> tuple[_Cue, str, bool] | None:
        """The cue that governs a mention, its type after the clause's modality (a capture "aimed
        at" is an offensive), and whether it was so downgraded; None if what the clause says
        did not happen (a condition, a forecast, a denial)."""
        usable = [c for c in cues if not _PRONOUN_OBJECT.match(self.text, c.end)]
        # The strongest tier present: typed cues, then weak typed cues, then "other".
        for tier in ((c for c in usable if not c.weak),
                     (c for c in usable if c.weak and c.kind != "other"),
                     (c for c in usable if c.kind == "other")):
            ranked = sorted(tier, key=lambda c: _distance(self.text, c, mention))
            if ranked:
                cue = ranked[0]
                break
        else:
            return None
        before = _words(self.text[clause.start:cue.start])
        after = _words(self.text[cue.end:clause.end])
        if not self._happened(cue, before, after):
            return None
        kind, downgraded = cue.kind, False
        if kind == "capture" and (_intended(before) or self._partial(cue, mention)):
            kind, downgraded = "offensive", True
        return cue, kind, downgraded

    def _happened(self, cue: _Cue, before: list[str], after: list[str]) -> bool:
        """False for a cue under a condition ("if"), a modal a few words before it ("is bound to be
        captured"), a negation, or, for a noun ("the fall of X would ..."), a modal after it."""
        lower_before = [w.lower() for w in before]
        if _CONDITIONS & set(lower_before) or _modal(before[-6:]):
            return False
        if _NEGATION & set(lower_before[-4:]) or {"not", "never"} & {w.lower() for w in after[:4]}:
            return False
        gerund = cue.text.lower().endswith("ing") and (not before or lower_before[-1] in ("the", "its"))
        nominal = cue.text.lower().endswith(" of") or after[:1] == ["of"] or gerund
        return not (nominal and _modal(after[:15]))

    def _partial(self, cue: _Cue, mention: Mention) -> bool:
        if mention.start >= cue.end and _word_count(self.text[cue.end:mention.start]) <= 12:
            window = self.text[cue.end:mention.start]
        else:
            window = " ".join(_words(self.text[cue.end:cue.end + 80])[:6])
        return bool(_PARTIAL.search(window))

    def _candidate(self, clause: _Span, mention: Mention, cue: _Cue, kind: str,
                   downgraded: bool) -> _Candidate | None:
        place = self.gazetteer[mention.place]
        factions = self._factions_near(clause, place.country)
        date, dated_by = self._date(clause, cue)
        if date is None:
            precision, approximate = "month", True
            day = self.published.replace(day=1)
        else:
            day, precision, approximate = date.date, date.precision, date.approximate
        if not self.period[0] <= day <= self.period[1] or day > self.published:
            return None
        change = besieged_by = None
        if kind == "capture":
            change = self._change(clause, cue, place.country)
        elif kind == "siege":
            besieged_by = self._besieger(clause, cue, place.country)
        confidence = _confidence(kind, cue.weak, downgraded, dated_by, date, change, factions,
                                 self.counts[mention.place])
        evidence = [("place", mention.start, mention.end), ("type", cue.start, cue.end)]
        if date is not None:
            evidence.append(("date", date.start, date.end))
        evidence += [("faction", f.start, f.end) for f, _ in self._faction_spans(clause, place.country)]
        return _Candidate(mention.place, kind, day, precision, approximate, dated_by, confidence, factions,
                          change, besieged_by, sorted(set(evidence), key=lambda e: (e[1], e[2], e[0])))

    def _faction_spans(self, clause: _Span, country: str) -> list[tuple[_FactionMention, str]]:
        spans = []
        for f in self._within(self.factions, clause.start, clause.end):
            who = f.faction(country)
            if who:
                spans.append((f, who))
        return spans

    def _factions_near(self, clause: _Span, country: str) -> list[str]:
        """Factions named in the clause (else in its sentence), Islamic State last."""
        spans = self._faction_spans(clause, country)
        if not spans:
            sentence = self.sentences[clause.sentence]
            spans = self._faction_spans(_Span(sentence.start, sentence.end), country)
        names: list[str] = []
        for _, who in spans:
            if who not in names:
                names.append(who)
        return sorted(names, key=lambda f: f == "isis")

    def _date(self, clause: _Span, cue: _Cue) -> tuple[DateMention | None, str]:
        """The date of a clause's event: in the clause, the sentence, or shortly before."""
        usable = self.past_dates
        sentence = self.sentences[clause.sentence]
        inside = self._within(usable, clause.start, clause.end)
        if inside:
            return min(inside, key=lambda d: abs(d.start - cue.start)), "clause"
        earlier = self._within(usable, sentence.start, clause.start)
        if earlier:
            return earlier[-1], "sentence"
        if _PRESENT.search(self.text[clause.start:clause.end]):
            return None, "published"
        for back in (1, 2):
            index = clause.sentence - back
            if index < 0 or self.sentences[index].paragraph != clause.paragraph:
                break
            earlier = self._within(usable, self.sentences[index].start, self.sentences[index].end)
            if earlier:
                return earlier[-1], "paragraph"
        return None, "published"

    def _change(self, clause: _Span, cue: _Cue, country: str) -> tuple[str, str] | None:
        """``(from, to)`` of a capture where the text names both sides: "X recaptured Y from Z",
        "Y fell to X after Z withdrew", "X drove Z out of Y", "Y was retaken by X"."""
        spans = self._faction_spans(clause, country)
        after = self._after(cue, spans)
        passive = bool(_PASSIVE.search(self.text[clause.start:cue.start])) or bool(_FALL.match(cue.text))
        subject = self._subject(cue, spans)
        if _EXPULSION.match(cue.text):          # the one driven out is the object, or a passive subject
            winner = after.get("by") or (None if passive else subject)
            loser = subject if passive else after.get("object")
        else:
            winner = after.get("by") or (None if passive else subject)
            loser = after.get("from")
        if loser is None and winner not in (None, "isis") and _REVERSAL.match(cue.text) \
                and self._isis_near(clause):
            loser = "isis"      # "retook", "liberated": from the Islamic State the article is about
        others = {who for _, who in spans} - {winner, loser}
        if winner and not loser and len(others) == 1:
            loser = others.pop()
        elif loser and not winner and len(others) == 1:
            winner = others.pop()
        return (loser, winner) if winner and loser and winner != loser else None

    def _after(self, cue: _Cue, spans: list[tuple[_FactionMention, str]]) -> dict[str, str]:
        """Factions named shortly after a cue: ``from`` Z, ``by``/``to`` X, and a direct ``object``."""
        found: dict[str, str] = {}
        for f, who in spans:
            if f.start < cue.end:
                continue
            between = self.text[cue.end:f.start]
            if _word_count(between) > 10:
                break
            if re.search(r"\bfrom\b", between, re.IGNORECASE):
                found.setdefault("from", who)
            elif re.search(r"\b(?:by|to)\b", between, re.IGNORECASE):
                found.setdefault("by", who)
            elif _word_count(between) <= 2:
                found.setdefault("object", who)
        return found

    def _subject(self, cue: _Cue, spans: list[tuple[_FactionMention, str]]) -> str | None:
        """The faction named last before a cue, unless it is a target ("the fight against IS")."""
        before = [who for f, who in spans if f.end <= cue.start
                  and not _TARGET.search(self.text[max(0, f.start - 20):f.start])]
        return before[-1] if before else None

    def _isis_near(self, clause: _Span) -> bool:
        """Whether the Islamic State is named in the clause's sentence or the one before."""
        first = self.sentences[max(0, clause.sentence - 1)]
        if first.paragraph != clause.paragraph:
            first = self.sentences[clause.sentence]
        return any(f.who == "isis" for f in self._within(self.factions, first.start, self.sentences[
            clause.sentence].end))

    def _besieger(self, clause: _Span, cue: _Cue, country: str) -> str | None:
        spans = self._faction_spans(clause, country)
        for f, who in spans:
            if f.start >= cue.end and re.fullmatch(r"\s*by\s+(?:the\s+)?", self.text[cue.end:f.start]):
                return who
        if _PASSIVE.search(self.text[clause.start:cue.start]):
            return None
        before = [who for f, who in spans if f.end <= cue.start]
        return before[-1] if before else None


def _words(text: str) -> list[str]:
    return re.findall(r"[\w'’%-]+", text)


def _word_count(text: str) -> int:
    return len(_words(text))


def _modal(words: list[str]) -> bool:
    # "May" is a month, "may" a verb.
    return any(w != "May" and w.lower() in _MODALS for w in words)


def _intended(before: list[str]) -> bool:
    """"to recapture", "aimed at retaking": the capture is an aim (but "took 72 days to take" is not)."""
    lower = [w.lower() for w in before[-3:]]
    if not lower:
        return False
    if lower[-1] == "to":
        return not (len(lower) >= 2 and lower[-2] in _DURATIONS)
    return lower[-1] == "at" and len(lower) >= 2 and lower[-2] in ("aimed", "aiming")


def _distance(text: str, cue: _Cue, mention: Mention) -> float:
    """Words between a cue and a place, a cue after the place counting a little farther."""
    words = _word_count(text[min(cue.end, mention.end):max(cue.start, mention.start)])
    return words + (2 if cue.start > mention.start else 0)


def _confidence(kind: str, weak: bool, downgraded: bool, dated_by: str, date: DateMention | None,
                change: tuple[str, str] | None, factions: list[str], mentions: int) -> float:
    """0..1 from the strength of the cues: the type's cue, how the date is known, a stated change,
    factions named, and how often the place is named."""
    score = _BASE_CONFIDENCE[kind] - (0.1 if weak else 0) - (0.05 if downgraded else 0)
    if date is None:
        score -= 0.1
    elif dated_by in ("clause", "sentence"):
        score += 0.05 if date.approximate else (0.15 if date.precision == "day" else 0.1)
    else:
        score += 0.05
    if change:
        score += 0.15
    elif kind == "capture":
        score -= 0.1
    score += min(len(factions), 2) * 0.05
    if mentions >= 3:
        score += 0.05
    return round(min(0.95, max(0.05, score)), 2)


def _merge(candidates: list[_Candidate]) -> list[_Candidate]:
    """One candidate per place, type and date; an undated one (dated by publication) is folded
    into a dated one of the same place and type, and an undated "other" into any of its place."""
    by_key: dict[tuple[str, str, dt.date, str], _Candidate] = {}
    for candidate in candidates:
        if candidate.key in by_key:
            by_key[candidate.key].absorb(candidate)
        else:
            by_key[candidate.key] = replace(candidate, evidence=list(candidate.evidence),
                                            factions=list(candidate.factions))
    merged = list(by_key.values())
    out = []
    for candidate in merged:
        if candidate.dated_by == "published":
            target = _fold_target(candidate, merged)
            if target is not None:
                target.absorb(candidate, same_type=target.type == candidate.type)
                continue
        out.append(candidate)
    return sorted(out, key=lambda c: min(e[1] for e in c.evidence))


def _fold_target(candidate: _Candidate, merged: list[_Candidate]) -> _Candidate | None:
    same_place = [c for c in merged if c.place == candidate.place and c is not candidate
                  and c.dated_by != "published"]
    same_type = [c for c in same_place if c.type == candidate.type]
    if same_type:
        return max(same_type, key=lambda c: c.confidence)
    if candidate.type == "other":
        pool = same_place or [c for c in merged if c.place == candidate.place and c is not candidate
                              and c.type != "other"]
        return max(pool, key=lambda c: c.confidence) if pool else None
    return None


def _event_id(candidate: _Candidate) -> str:
    when = candidate.date.strftime("%Y-%m") if candidate.precision == "month" else candidate.date.isoformat()
    return re.sub(r"[^a-z0-9-]+", "-", f"{candidate.place}-{when}-{candidate.type}".lower()).strip("-")


def _sides(factions: Iterable[str]) -> list[str]:
    """Factions in the order named, the Islamic State last ("Iraqi government vs Islamic State")."""
    return sorted(factions, key=lambda f: f == "isis")


_SUMMARIES = {"capture": "Capture of {}", "offensive": "Offensive at {}", "siege": "Siege of {}",
              "siege_broken": "Siege of {} broken", "bombing": "Bombing or attack at {}",
              "evacuation": "Evacuation or deal at {}", "other": "Fighting or other event at {}"}


def _summary(candidate: _Candidate, gazetteer: Gazetteer, source: Mapping[str, Any]) -> str:
    """A template sentence in our words (never the article's); the reviewer rewrites it."""
    place = gazetteer[candidate.place].name
    publisher = source.get("publisher") or "the source"
    sides = [FACTION_NAMES.get(f, f) for f in _sides(candidate.factions)]
    who = f" ({' vs '.join(sides)})" if sides else ""
    if candidate.type == "capture" and candidate.change:
        old, new = (FACTION_NAMES.get(f, f) for f in candidate.change)
        return f"{new} took {place} from {old}, as reported by {publisher}."
    if candidate.type == "siege" and candidate.besieged_by:
        who = f" (besieged by {FACTION_NAMES.get(candidate.besieged_by, candidate.besieged_by)})"
    return f"{_SUMMARIES[candidate.type].format(place)}{who}, as reported by {publisher}."


def _as_dict(candidate: _Candidate, gazetteer: Gazetteer, source: Mapping[str, Any]) -> dict[str, Any]:
    assert candidate.type in EVENT_TYPES
    out: dict[str, Any] = {
        "id": _event_id(candidate),
        "date": candidate.date,
        "date_precision": candidate.precision,
        "approximate": candidate.approximate,
        "place": candidate.place,
        "type": candidate.type,
    }
    if candidate.change:
        out["change"] = {"from": candidate.change[0], "to": candidate.change[1]}
    if candidate.besieged_by:
        out["besieged_by"] = candidate.besieged_by
    out["summary"] = _summary(candidate, gazetteer, source)
    out["sources"] = [dict(source)]
    out["confidence"] = candidate.confidence
    out["evidence"] = [{"what": what, "start": start, "end": end} for what, start, end in candidate.evidence]
    out["factions"] = _sides(candidate.factions)
    place = gazetteer[candidate.place]
    out["coordinates"] = [place.lat, place.lon]  # where the place resolved to, for the reviewer
    return out


_HEADER = """\
# Candidate events proposed from {name} (published {published}) by `python -m dashboard ingest`.
# Nothing here is in events.yaml yet. Review every candidate against the article:
#   - delete the ones that are wrong or not worth recording;
#   - check place, date (date_precision, approximate) and type; a capture needs a change
#     {{from, to}} and a siege needs besieged_by: add them where the article supports them;
#   - rewrite the summary in your own words (it is only a template).
# evidence gives character offsets [start, end) into the article of the words each guess rests on;
# confidence (0..1) says how strong those cues are; coordinates (lat, lon) are where the place
# resolved to. These, and factions, are dropped on merge.
# Then: python -m dashboard merge THIS_FILE
"""


class _Dumper(yaml.SafeDumper):
    """Safe YAML without anchors: a date shared by the source and every candidate is written out."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def candidates_document(candidates: Sequence[Mapping[str, Any]], source: Mapping[str, Any],
                        published: dt.date, article_name: str) -> str:
    """The candidates file: a header telling the reviewer what to do, then ``article``,
    ``source`` and ``candidates`` (YAML; dates as YYYY-MM-DD).

    >>> text = candidates_document([], {"title": "T", "publisher": "P", "date": None, "url": None},
    ...                            dt.date(2016, 5, 25), "a.txt")
    >>> yaml.safe_load(text)["article"]
    {'name': 'a.txt', 'published': datetime.date(2016, 5, 25)}
    """
    body = {
        "article": {"name": article_name, "published": published},
        "source": dict(source),
        "candidates": [dict(c) for c in candidates],
    }
    dumped = yaml.dump(body, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=None,
                       width=100)
    return _HEADER.format(name=article_name, published=published.isoformat()) + dumped
