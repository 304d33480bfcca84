"""From an article's text to candidate events: types, factions, dates and evidence.

Rules over the gazetteer, no model: :func:`propose_events` reads the text clause by clause
(:mod:`dashboard.ingest.reading`) and turns a place (:mod:`dashboard.ingest.places`) named next to
an event cue (:mod:`dashboard.ingest.cues`: "recaptured", "offensive", "broke the siege") into a
candidate event, dated from the text (:mod:`dashboard.ingest.dates`).  The reviewer edits the
candidates file (:mod:`dashboard.ingest.candidate_file`) before ``python -m dashboard merge``.
Evidence is character offsets into the article, never copied sentences.

Examples
--------
>>> import datetime as dt
>>> from dashboard.core.places import Gazetteer, Place
>>> gaz = Gazetteer([Place("fallujah", "Fallujah", "الفلوجة", ("Falluja",), 33.35, 43.78, "IQ", "Anbar")])
>>> text = "Iraqi forces recaptured Falluja from Islamic State on June 26, 2016."
>>> source = {"title": "T", "publisher": "Example News", "date": dt.date(2016, 6, 27), "url": None}
>>> scope = Scope(dt.date(2014, 1, 1), dt.date(2019, 3, 31), {"iraq": "Iraqi government", "isis": "IS"})
>>> [event] = propose_events(text, gaz, dt.date(2016, 6, 27), source, scope)
>>> event["id"], event["change"], event["factions"]
('fallujah-2016-06-26-capture', {'from': 'isis', 'to': 'iraq'}, ['iraq', 'isis'])
"""

from __future__ import annotations

import bisect
import datetime as dt
import gc
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from operator import itemgetter
from typing import Any, NamedTuple

from dashboard.core.events import EVENT_TYPES, EventRecord, free_id
from dashboard.core.places import Gazetteer
from dashboard.ingest.cues import Cue, FactionMention, faction_mentions, find_cues
from dashboard.ingest.dates import DateMention, resolve_dates
from dashboard.ingest.places import Mention, find_places, is_reference, is_region
from dashboard.ingest.reading import Span, clauses, sentences
from dashboard.ingest.words import Words, words_of

#: How a clause is phrased: conditions, modals, negation, tense, voice.
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
# "was", "has been", "were swiftly" just before a cue, read backwards from the cue in the reversed
# text (the words reversed, as in ``\b(?:was|...|being)\s+(?:\w+ly\s+)?$`` read forwards), so a
# passive is found without reading the whole clause before each cue.
_PASSIVE_BACKWARDS = re.compile(r"\s+(?:yl\w+\s+)?(?:saw|erew|neeb|eb|si|era|gnieb)\b", re.IGNORECASE)
_BY = re.compile(r"\s*by\s+(?:the\s+)?")
_FROM_WORD = re.compile(r"\bfrom\b", re.IGNORECASE)
_BY_WORD = re.compile(r"\b(?:by|to)\b", re.IGNORECASE)
_TARGET = re.compile(r"\b(?:against|from|on|of)\s+(?:the\s+)?$", re.IGNORECASE)
_REVERSAL = re.compile(r"^(?:re|liberat|regain)", re.IGNORECASE)
_FALL = re.compile(r"^(?:fell|fall)", re.IGNORECASE)
_EXPULSION = re.compile(r"^(?:drove|driven|expelled|ousted)", re.IGNORECASE)


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
    # A set while candidates are merged (a merge adds the other's, never re-sorts); sorted on output.
    evidence: set[tuple[str, int, int]] = field(default_factory=set)
    # Evidence shared by the candidates of a clause (its factions), kept whole rather than copied
    # into each: a clause naming 50 factions and 50 places would copy 2,500 entries.
    shared: set[frozenset[tuple[str, int, int]]] = field(default_factory=set)

    def all_evidence(self) -> set[tuple[str, int, int]]:
        return self.evidence.union(*self.shared)

    @property
    def key(self) -> tuple[str, str, dt.date, str]:
        return self.place, self.type, self.date, self.precision

    def absorb(self, other: _Candidate, same_type: bool = True) -> None:
        """Take in a near-duplicate: its evidence, factions and stated change; more confidence."""
        self.evidence |= other.evidence if same_type else {e for e in other.evidence if e[0] != "type"}
        self.shared |= other.shared         # factions only: kept whatever the type
        self.factions += [f for f in other.factions if f not in self.factions]
        if same_type and self.change is None and other.change is not None:
            self.change = other.change
        if same_type and self.besieged_by is None:
            self.besieged_by = other.besieged_by
        self.approximate = self.approximate and other.approximate
        boost = 0.1 if same_type else 0.05
        self.confidence = round(min(0.95, max(self.confidence, other.confidence) + boost), 2)


class _Event(NamedTuple):
    """A candidate but for its place: what one cue of a clause tells, worked out once per country."""

    day: dt.date
    precision: str
    approximate: bool
    dated_by: str
    confidence: float
    factions: tuple[str, ...]
    change: tuple[str, str] | None
    besieged_by: str | None
    evidence: tuple[tuple[str, int, int], ...]      # the cue's and the date's
    shared: frozenset[tuple[str, int, int]]         # the factions'


@dataclass(frozen=True)
class Scope:
    """What the record can take: dates from ``start`` to ``end``, factions by ``names`` (id -> name).

    It comes from the record (:meth:`of`), so a new faction or a longer period needs no change here.
    """

    start: dt.date
    end: dt.date
    names: Mapping[str, str]

    @classmethod
    def of(cls, record: EventRecord) -> Scope:
        return cls(record.start, record.end, record.names(short=True))


def propose_events(text: str, gazetteer: Gazetteer, published: dt.date, source: Mapping[str, Any],
                   scope: Scope) -> list[dict[str, Any]]:
    """Candidate events of an article, in reading order, as dicts of the candidates file.

    A clause naming a place next to an event cue gives a candidate: its type from the cue, the
    factions named, a control ``change`` only where the text states both sides, and the date
    stated in the clause or sentence (else shortly before in the paragraph, else the month of
    publication, approximate). Candidates of one place, type and date are merged.

    >>> from dashboard.core.places import Place
    >>> gaz = Gazetteer([Place("deir-ez-zor", "Deir ez-Zor", None, ("Deir al-Zour",), 35.3, 40.1, "SY", "")])
    >>> text = "On September 5, forces of the Assad regime broke the siege of Deir al-Zour."
    >>> scope = Scope(dt.date(2014, 1, 1), dt.date(2019, 3, 31), {})
    >>> events = propose_events(text, gaz, dt.date(2017, 9, 7), {"publisher": "P"}, scope)
    >>> [(e["id"], e["factions"]) for e in events]
    [('deir-ez-zor-2017-09-05-siege-broken', ['syria'])]
    """
    with _collector_paused():
        reader = _Reader(text, gazetteer, published, (scope.start, scope.end))
        raw = [candidate for clause in reader.clauses for candidate in reader.candidates(clause)]
        events = [_as_dict(c, gazetteer, source, scope.names) for c in _merge(raw)]
    _make_ids_unique(events)
    return events


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while an article is read.

    Reading 1 MB makes a few hundred thousand small objects that live until the end and form no
    cycles; the collector would walk them again and again, a quarter of the time. It is paused for
    the few seconds of the reading only, and only if it was running (another reading at the same
    time leaves it as it found it).
    """
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()


def _make_ids_unique(events: list[dict[str, Any]]) -> None:
    taken: set[str] = set()
    for event in events:
        event["id"] = free_id(event["id"], taken)
        taken.add(event["id"])


_MISSING = object()


class _Reader:
    """One article, read once: its sentences, clauses, places, cues, factions and dates.

    Whatever depends only on a clause (its cues, factions, date), or on a clause and a cue (whether
    it happened, the change it states), is worked out once and kept, and the nearest cue, date or
    faction is found by bisection: the work for a place named in a clause does not grow with the
    clause, so an article of any shape is read in time that grows with its length.
    """

    def __init__(self, text: str, gazetteer: Gazetteer, published: dt.date, period: tuple[dt.date, dt.date]):
        self.text = text
        self.reversed = text[::-1]
        self.words = Words(text)
        self.gazetteer = gazetteer
        self.published = published
        self.period = period
        self.mentions = find_places(text, gazetteer)
        self.counts: dict[str, int] = {}
        for mention in self.mentions:
            self.counts[mention.place] = self.counts.get(mention.place, 0) + 1
        self.sentences = sentences(text)
        self.clauses = [c for s in self.sentences for c in clauses(text, s)]
        self.cues = find_cues(text)
        self.usable = {c for c in self.cues if not _PRONOUN_OBJECT.match(text, c.end)}  # not "captured it"
        self.factions = faction_mentions(text)
        self.dates = resolve_dates(text, published)
        self.past_dates = [d for d in self.dates if d.date <= published]
        self._kept: dict[tuple[Any, ...], Any] = {}
        self._starts: dict[int, tuple[Sequence[Any], list[int]]] = {}
        self._events: dict[tuple[Any, ...], _Event | None] = {}

    def _once(self, key: tuple[Any, ...], work: Callable[[], Any]) -> Any:
        """``work()``, done once for each ``key``."""
        found = self._kept.get(key, _MISSING)
        if found is _MISSING:
            found = self._kept[key] = work()
        return found

    def _within(self, items: Sequence[Any], start: int, end: int) -> list[Any]:
        """The items (one of the article's lists, sorted by start) lying in ``[start, end)``."""
        kept = self._starts.get(id(items))
        if kept is None or kept[0] is not items:    # their starts, listed once (not a key per step)
            kept = self._starts[id(items)] = items, [x.start for x in items]
        starts = kept[1]
        first = bisect.bisect_left(starts, start)
        last = bisect.bisect_left(starts, end, lo=first)
        return [x for x in items[first:last] if x.end <= end]

    def candidates(self, clause: Span) -> list[_Candidate]:
        """The candidates of one clause: one per place it names near a cue of what happened."""
        dates = self._within(self.dates, clause.start, clause.end)
        if dates and all(d.date > self.published for d in dates):
            return []               # a clause about the future
        usable = [c for c in self._within(self.cues, clause.start, clause.end) if c in self.usable]
        # The strongest tier present: typed cues, then weak typed cues, then "other".
        tiers = ([c for c in usable if not c.weak], [c for c in usable if c.weak and c.kind != "other"],
                 [c for c in usable if c.kind == "other"])
        tier = next((t for t in tiers if t), None)
        if tier is None:
            return []
        starts = [c.start for c in tier]
        neutral = self._neutral(clause)
        out = []
        for mention in self._event_places(clause):
            reading = self._reading(clause, mention, tier, starts)
            candidate = reading and self._candidate(clause, mention, *reading, neutral=neutral)
            if candidate:
                out.append(candidate)
        return out

    def _event_places(self, clause: Span) -> list[Mention]:
        """The places of a clause that events can be at: towns before regions ("Aleppo province")
        and before places that only locate another ("60 km south of Mosul")."""
        places = self._within(self.mentions, clause.start, clause.end)
        towns = [m for m in places if not is_region(self.text, m)]
        located = [m for m in towns if not is_reference(self.text, m)]
        return located or towns or places

    def _reading(self, clause: Span, mention: Mention, tier: list[Cue],
                 starts: list[int]) -> tuple[Cue, str, bool] | None:
        """The cue that governs a mention, its type after the clause's modality (a capture "aimed
        at" is an offensive), and whether it was so downgraded; None if what the clause says
        did not happen (a condition, a forecast, a denial)."""
        cue = self._nearest(tier, starts, mention)
        key = ("happened", clause.start, clause.end, cue.start)
        found = self._kept.get(key)
        if found is None:
            found = self._kept[key] = self._happened(clause, cue)
        happened, intended = found
        if not happened:
            return None
        kind, downgraded = cue.kind, False
        if kind == "capture" and (intended or self._partial(cue, mention)):
            kind, downgraded = "offensive", True
        return cue, kind, downgraded

    def _distance(self, cue: Cue, mention: Mention) -> int:
        """Words between a cue and a place, a cue after the place counting a little farther."""
        a, b = min(cue.end, mention.end), max(cue.start, mention.start)
        # Words.count(a, b), spelt out: this runs a few times for every place of the article.
        starts, ends = self.words.starts, self.words.ends
        words = bisect.bisect_left(starts, b) - bisect.bisect_right(ends, a) if a < b else 0
        return words + (2 if cue.start > mention.start else 0)

    def _nearest(self, cues: list[Cue], starts: list[int], mention: Mention) -> Cue:
        """The cue (of ``cues``, in text order, starting at ``starts``) nearest to the mention by
        :meth:`_distance`, the first of equals. Distances fall from the first cue to the last one
        starting before the mention and rise after it, so two bisections find it."""
        split = bisect.bisect_right(starts, mention.start)
        best: tuple[int, Cue] | None = None
        if split:
            least = self._distance(cues[split - 1], mention)
            lo = split - 1
            if lo and self._distance(cues[lo - 1], mention) <= least:
                lo, hi = 0, lo - 1      # the first cue before the mention at that distance
                while lo < hi:
                    mid = (lo + hi) // 2
                    lo, hi = (lo, mid) if self._distance(cues[mid], mention) <= least else (mid + 1, hi)
            best = least, cues[lo]
        if split < len(cues):
            after = self._distance(cues[split], mention)
            if best is None or after < best[0]:
                best = after, cues[split]
        assert best is not None
        return best[1]

    def _happened(self, clause: Span, cue: Cue) -> tuple[bool, bool]:
        """Whether the cue tells of something that happened, and whether a capture is only aimed at.

        False for a cue under a condition ("if"), a modal a few words before it ("is bound to be
        captured"), a negation, or, for a noun ("the fall of X would ..."), a modal after it."""
        before = self.words.last(clause.start, cue.start, 6)
        after = self.words.first(cue.end, clause.end, 4)
        lower_before = [w.lower() for w in before]
        if self.words.contains(clause.start, cue.start, _CONDITIONS) or _modal(before):
            return False, False
        if _NEGATION & set(lower_before[-4:]) or {"not", "never"} & {w.lower() for w in after}:
            return False, False
        gerund = cue.text.lower().endswith("ing") and (not before or lower_before[-1] in ("the", "its"))
        nominal = cue.text.lower().endswith(" of") or after[:1] == ["of"] or gerund
        return not (nominal and _modal(self.words.first(cue.end, clause.end, 15))), _intended(before)

    def _partial(self, cue: Cue, mention: Mention) -> bool:
        if mention.start >= cue.end and self.words.count(cue.end, mention.start) <= 12:
            return bool(_PARTIAL.search(self.text[cue.end:mention.start]))
        key = ("partial", cue.start)        # the words after the cue: the same for every place
        partial = self._kept.get(key)
        if partial is None:
            window = " ".join(_words(self.text[cue.end:cue.end + 80])[:6])
            partial = self._kept[key] = bool(_PARTIAL.search(window))
        return partial

    def _passive(self, start: int, end: int) -> bool:
        """Whether ``text[start:end]`` ends in a passive ("was", "has been swiftly"): matched backwards
        from ``end``, so only the words that make it are read."""
        n = len(self.text)
        return bool(_PASSIVE_BACKWARDS.match(self.reversed, n - end, n - start))

    def _candidate(self, clause: Span, mention: Mention, cue: Cue, kind: str, downgraded: bool,
                   neutral: bool) -> _Candidate | None:
        country = "" if neutral else self.gazetteer[mention.place].country
        # The place counts only by its country and by whether it is named three times or more.
        often = self.counts[mention.place] >= 3
        key = (clause.start, clause.end, cue.start, kind, downgraded, country, often)
        event = self._events.get(key, _MISSING)
        if event is _MISSING:
            event = self._events[key] = self._event(clause, cue, kind, downgraded, country, often)
        if event is None:
            return None
        evidence = {("place", mention.start, mention.end), *event.evidence}
        return _Candidate(mention.place, kind, event.day, event.precision, event.approximate, event.dated_by,
                          event.confidence, list(event.factions), event.change, event.besieged_by, evidence,
                          {event.shared} if event.shared else set())

    def _event(self, clause: Span, cue: Cue, kind: str, downgraded: bool, country: str,
               often: bool) -> _Event | None:
        """What a cue of a clause tells of a place in ``country`` (named ``often`` or not), apart from
        the place itself; None if it is dated outside the record's period or after publication."""
        factions = self._factions_near(clause, country)
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
            change = self._once(("change", clause.start, clause.end, cue.start, country),
                                lambda: self._change(clause, cue, country))
        elif kind == "siege":
            besieged_by = self._once(("besieger", clause.start, clause.end, cue.start, country),
                                     lambda: self._besieger(clause, cue, country))
        confidence = _confidence(kind, cue.weak, downgraded, dated_by, date, change, factions,
                                 3 if often else 0)
        evidence: tuple[tuple[str, int, int], ...] = (("type", cue.start, cue.end),)
        if date is not None:
            evidence += (("date", date.start, date.end),)
        return _Event(day, precision, approximate, dated_by, confidence, factions, change, besieged_by,
                      evidence, self._sides(clause, country).evidence)

    def _sides(self, clause: Span, country: str) -> _Sides:
        key = ("sides", clause.start, clause.end, country)
        sides = self._kept.get(key)
        if sides is None:
            sides = self._kept[key] = _Sides(self, clause, country)
        return sides

    def _factions_near(self, clause: Span, country: str) -> tuple[str, ...]:
        """Factions named in the clause (else in its sentence), Islamic State last."""
        def work() -> tuple[str, ...]:
            spans = self._sides(clause, country).spans
            if not spans:
                sentence = self.sentences[clause.sentence]
                spans = self._sides(Span(sentence.start, sentence.end), country).spans
            names: list[str] = []
            for _, who in spans:
                if who not in names:
                    names.append(who)
            return tuple(sorted(names, key=lambda f: f == "isis"))
        return self._once(("near", clause.start, clause.end, country), work)

    def _neutral(self, clause: Span) -> bool:
        """Whether the clause's sentence names no faction whose side depends on the country ("the
        Kurds", "government forces"): what the clause says is then the same for a place in Syria as
        in Iraq, and is worked out once for both (as for the country "")."""
        sentence = self.sentences[clause.sentence]
        return all(isinstance(f.who, str) for f in self._within(self.factions, sentence.start, sentence.end))

    def _date(self, clause: Span, cue: Cue) -> tuple[DateMention | None, str]:
        """The date of a clause's event: in the clause (the one nearest the cue), the sentence, or
        shortly before."""
        inside = self._once(("dates", clause.start, clause.end),
                            lambda: self._within(self.past_dates, clause.start, clause.end))
        if not inside:
            return self._once(("date", clause.start, clause.end), lambda: self._date_before(clause))
        after = bisect.bisect_left(inside, cue.start, key=lambda d: d.start)   # the nearer of two
        if after and (after == len(inside)
                      or cue.start - inside[after - 1].start <= inside[after].start - cue.start):
            return inside[after - 1], "clause"
        return inside[after], "clause"

    def _date_before(self, clause: Span) -> tuple[DateMention | None, str]:
        """The date of a clause that states none: earlier in its sentence, or shortly before."""
        usable = self.past_dates
        sentence = self.sentences[clause.sentence]
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

    def _change(self, clause: Span, cue: Cue, country: str) -> tuple[str, str] | None:
        """``(from, to)`` of a capture where the text names both sides: "X recaptured Y from Z",
        "Y fell to X after Z withdrew", "X drove Z out of Y", "Y was retaken by X"."""
        sides = self._sides(clause, country)
        after = self._after(cue, sides)
        passive = self._passive(clause.start, cue.start) or bool(_FALL.match(cue.text))
        subject = sides.subject(cue)
        if _EXPULSION.match(cue.text):          # the one driven out is the object, or a passive subject
            winner = after.get("by") or (None if passive else subject)
            loser = subject if passive else after.get("object")
        else:
            winner = after.get("by") or (None if passive else subject)
            loser = after.get("from")
        if loser is None and winner not in (None, "isis") and _REVERSAL.match(cue.text) \
                and self._isis_near(clause):
            loser = "isis"      # "retook", "liberated": from the Islamic State the article is about
        others = sides.name_set - {winner, loser}
        if winner and not loser and len(others) == 1:
            loser = others.pop()
        elif loser and not winner and len(others) == 1:
            winner = others.pop()
        return (loser, winner) if winner and loser and winner != loser else None

    def _after(self, cue: Cue, sides: _Sides) -> dict[str, str]:
        """Factions named shortly after a cue (up to ten words after it): ``from`` Z, ``by``/``to`` X,
        and a direct ``object``, by the words between the cue and each."""
        found: dict[str, str] = {}
        first = sides.first_after(cue.end)
        word = self.words.ending_by(cue.end)     # words between the cue and a faction: words_before - word
        near = sides.spans[first:sides.first_beyond(word + 10, lo=first)]
        if not near:
            return found
        # The first "from" and the first "by"/"to" after the cue, looked for once: a faction has one
        # before it if it ends before the faction starts.
        reach = near[-1][0].start
        by_from = _FROM_WORD.search(self.text, cue.end, reach)
        by_to = _BY_WORD.search(self.text, cue.end, reach)
        for k, (f, who) in enumerate(near, first):
            if by_from and by_from.end() <= f.start:
                found.setdefault("from", who)
                break               # every later faction has "from" before it too: nothing more to find
            if by_to and by_to.end() <= f.start:
                found.setdefault("by", who)
            elif sides.words_before[k] - word <= 2:
                found.setdefault("object", who)
        return found

    def _isis_near(self, clause: Span) -> bool:
        """Whether the Islamic State is named in the clause's sentence or the one before."""
        def work() -> bool:
            first = self.sentences[max(0, clause.sentence - 1)]
            if first.paragraph != clause.paragraph:
                first = self.sentences[clause.sentence]
            return any(f.who == "isis" for f in self._within(self.factions, first.start, self.sentences[
                clause.sentence].end))
        return self._once(("isis", clause.sentence, clause.paragraph), work)

    def _besieger(self, clause: Span, cue: Cue, country: str) -> str | None:
        sides = self._sides(clause, country)
        first = sides.first_after(cue.end)
        if first < len(sides.spans):   # only the first faction after the cue can follow "by" alone
            f, who = sides.spans[first]
            if _BY.fullmatch(self.text, cue.end, f.start):
                return who
        if self._passive(clause.start, cue.start):
            return None
        return sides.last_before(cue.start)


class _Sides:
    """The factions named in a clause (for a place in ``country``) in order, and what is asked of
    them for each cue, answered by bisection."""

    def __init__(self, reader: _Reader, clause: Span, country: str) -> None:
        self.spans: list[tuple[FactionMention, str]] = []
        for f in reader._within(reader.factions, clause.start, clause.end):
            who = f.faction(country)
            if who:
                self.spans.append((f, who))
        self.names = [who for _, who in self.spans]
        self.name_set = set(self.names)
        self.evidence = frozenset(("faction", f.start, f.end) for f, _ in self.spans)
        self._starts = [f.start for f, _ in self.spans]
        self._ends = [f.end for f, _ in self.spans]
        self.words_before = [reader.words.starting_before(start) for start in self._starts]
        # The subject before each faction: the last one named that is not a target ("the fight against IS").
        self._subjects: list[str | None] = []
        for f, who in self.spans:
            if not _TARGET.search(reader.text[max(0, f.start - 20):f.start]):
                self._subjects.append(who)
            else:
                self._subjects.append(self._subjects[-1] if self._subjects else None)

    def first_after(self, offset: int) -> int:
        """The index of the first faction starting at or after ``offset``."""
        return bisect.bisect_left(self._starts, offset)

    def first_beyond(self, words: int, lo: int) -> int:
        """The index of the first faction (from ``lo``) with more than ``words`` words before it."""
        return bisect.bisect_right(self.words_before, words, lo=lo)

    def last_before(self, offset: int) -> str | None:
        """The last faction ending at or before ``offset``."""
        k = bisect.bisect_right(self._ends, offset)
        return self.names[k - 1] if k else None

    def subject(self, cue: Cue) -> str | None:
        """The faction named last before a cue, unless it is a target ("the fight against IS")."""
        k = bisect.bisect_right(self._ends, cue.start)
        return self._subjects[k - 1] if k else None


def _words(text: str) -> list[str]:
    return words_of(text)


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


def _confidence(kind: str, weak: bool, downgraded: bool, dated_by: str, date: DateMention | None,
                change: tuple[str, str] | None, factions: Sequence[str], mentions: int) -> float:
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
            by_key[candidate.key] = replace(candidate, evidence=set(candidate.evidence),
                                            shared=set(candidate.shared), factions=list(candidate.factions))
    merged = list(by_key.values())
    by_place: dict[str, list[_Candidate]] = {}
    for candidate in merged:
        by_place.setdefault(candidate.place, []).append(candidate)
    out = []
    for candidate in merged:
        if candidate.dated_by == "published":
            target = _fold_target(candidate, by_place[candidate.place])
            if target is not None:
                target.absorb(candidate, same_type=target.type == candidate.type)
                continue
        out.append(candidate)
    return sorted(out, key=_first_offset)


def _first_offset(candidate: _Candidate) -> int:
    """Where a candidate's evidence starts."""
    return min(min(map(_START, group)) for group in (candidate.evidence, *candidate.shared) if group)


def _fold_target(candidate: _Candidate, same_place: list[_Candidate]) -> _Candidate | None:
    """Where an undated candidate goes, among the candidates of its place (in reading order)."""
    dated = [c for c in same_place if c is not candidate and c.dated_by != "published"]
    same_type = [c for c in dated if c.type == candidate.type]
    if same_type:
        return max(same_type, key=lambda c: c.confidence)
    if candidate.type == "other":
        pool = dated or [c for c in same_place if c is not candidate and c.type != "other"]
        return max(pool, key=lambda c: c.confidence) if pool else None
    return None


def _event_id(candidate: _Candidate) -> str:
    when = candidate.date.strftime("%Y-%m") if candidate.precision == "month" else candidate.date.isoformat()
    return re.sub(r"[^a-z0-9-]+", "-", f"{candidate.place}-{when}-{candidate.type}".lower()).strip("-")


def _sides(factions: Iterable[str]) -> list[str]:
    """Factions in the order named, the Islamic State last ("Iraqi government vs Islamic State")."""
    return sorted(factions, key=lambda f: f == "isis")


_START = itemgetter(1)
_BY_OFFSETS = itemgetter(1, 2, 0)     # evidence by start, end, then kind
_SUMMARIES = {"capture": "Capture of {}", "offensive": "Offensive at {}", "siege": "Siege of {}",
              "siege_broken": "Siege of {} broken", "bombing": "Bombing or attack at {}",
              "evacuation": "Evacuation or deal at {}", "other": "Fighting or other event at {}"}


def _summary(candidate: _Candidate, gazetteer: Gazetteer, source: Mapping[str, Any],
             names: Mapping[str, str]) -> str:
    """A template sentence in our words (never the article's); the reviewer rewrites it."""
    place = gazetteer[candidate.place].name
    publisher = source.get("publisher") or "the source"
    sides = [names.get(f, f) for f in _sides(candidate.factions)]
    who = f" ({' vs '.join(sides)})" if sides else ""
    if candidate.type == "capture" and candidate.change:
        old, new = (names.get(f, f) for f in candidate.change)
        return f"{new} took {place} from {old}, as reported by {publisher}."
    if candidate.type == "siege" and candidate.besieged_by:
        who = f" (besieged by {names.get(candidate.besieged_by, candidate.besieged_by)})"
    return f"{_SUMMARIES[candidate.type].format(place)}{who}, as reported by {publisher}."


def _as_dict(candidate: _Candidate, gazetteer: Gazetteer, source: Mapping[str, Any],
             names: Mapping[str, str]) -> dict[str, Any]:
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
    out["summary"] = _summary(candidate, gazetteer, source, names)
    out["sources"] = [dict(source)]
    out["confidence"] = candidate.confidence
    out["evidence"] = [{"what": what, "start": start, "end": end}
                       for what, start, end in sorted(candidate.all_evidence(), key=_BY_OFFSETS)]
    out["factions"] = _sides(candidate.factions)
    place = gazetteer[candidate.place]
    out["coordinates"] = {"lat": place.lat, "lon": place.lon}  # named: a pair reads both ways
    return out
