"""Quality and speed of article ingest on the seed articles.

Run: ``python bench/bench_ingest.py [SEEDS_DIR]`` (default ``../shared/seeds`` beside the repository),
or ``python bench/bench_ingest.py --sizes`` for the second part only. Prints figures; asserts nothing.
Measured:

- recall of every mention of six key towns (each spelling counted by hand-written patterns below):
  each occurrence must be found by ``find_places`` and resolved to the right place;
- place precision: the places of the proposed events that the article really names as places in
  Syria or Iraq (hand-checked lists below, made by reading the articles);
- whether the dated events the issue names come out: the Deir ez-Zor siege broken on 2017-09-05,
  Manbij taken in August 2016, the Fallujah offensive on 2016-05-22/23;
- time per article;
- time against size (10 KB, 100 KB, 1 MB) for texts of many shapes (dots after a dateline, one long
  sentence, no punctuation, place names, dates, Arabic, HTML nested or never closed, ...), against
  the quadratic readers they replaced (the old sentence-end pattern, the standard HTMLParser, the
  merge that re-sorted its evidence at each step) run in the same process on the small sizes.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import time
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # the shapes are the linearity test's (tests/text_shapes.py)
    sys.path.insert(0, str(ROOT))

from dashboard.core import paths  # noqa: E402
from dashboard.core.places import read_places  # noqa: E402
from dashboard.core.validation import load_record  # noqa: E402
from dashboard.ingest.candidates import Scope, propose_events  # noqa: E402
from dashboard.ingest.dates import find_published  # noqa: E402
from dashboard.ingest.places import Mention, find_places  # noqa: E402
from dashboard.ingest.reading import MAX_CHARS, html_text, sentences  # noqa: E402
from tests.text_shapes import TEXT_SHAPES, repeat  # noqa: E402

DEFAULT_SEEDS = paths.ROOT.parent / "shared" / "seeds"
# Publication dates (issue 5); 001 states its own, which find_published must find.
PUBLISHED = {"000": dt.date(2016, 5, 25), "001": dt.date(2017, 9, 7), "002": dt.date(2016, 5, 25),
             "003": dt.date(2017, 3, 15), "004": dt.date(2016, 11, 4)}
# Every spelling of the six towns, longest first so "Al-Raqqah" is not also counted as "Raqqah".
SPELLINGS = {
    "fallujah": ["Fallujah", "Falluja", "Fallouja"],
    "raqqa": ["Al-Raqqah", "al-Raqqah", "Ar-Raqqah", "Raqqah", "Raqqa", "Rakka"],
    "mosul": ["Mosul"],
    "deir-ez-zor": ["Deir al-Zour", "Deir ez-Zor", "Deir el-Zour", "Deir Ezzor", "Dayr az-Zawr",
                    "Deir Ez Zor"],
    "manbij": ["Manbij", "Menbij"],
    "al-bab": ["Al-Bab", "al-Bab", "Al Bab"],
}
# Places of Syria and Iraq each article names (gazetteer ids), by reading it.
TRUE_PLACES = {
    "000": {"fallujah", "raqqa", "baghdad", "ramadi", "mosul", "al-qusayr"},
    "001": {"deir-ez-zor", "mosul", "tal-afar", "raqqa", "western-qalamoun"},
    "002": {"raqqa", "fallujah", "mosul"},
    "003": {"mosul", "raqqa", "aleppo", "palmyra"},
    "004": {"mosul", "al-bab", "raqqa", "aleppo", "manbij", "palmyra", "baghdad"},
}


def _in_month(date: dt.date, year: int, month: int) -> bool:
    return (date.year, date.month) == (year, month)


# The dated events the issue names: (seed, description, test on one candidate).
EXPECTED: list[tuple[str, str, Callable[[dict], bool]]] = [
    ("001", "Deir ez-Zor siege broken 2017-09-05 (day)",
     lambda c: c["place"] == "deir-ez-zor" and c["type"] == "siege_broken"
     and c["date"] == dt.date(2017, 9, 5) and c["date_precision"] == "day"),
    ("004", "Manbij captured in August 2016",
     lambda c: c["place"] == "manbij" and c["type"] == "capture" and _in_month(c["date"], 2016, 8)),
    ("000", "Fallujah offensive 2016-05-22/23",
     lambda c: c["place"] == "fallujah" and c["type"] == "offensive"
     and c["date"] in (dt.date(2016, 5, 22), dt.date(2016, 5, 23)) and c["date_precision"] == "day"),
    ("002", "Fallujah offensive 2016-05-22/23",
     lambda c: c["place"] == "fallujah" and c["type"] == "offensive"
     and c["date"] in (dt.date(2016, 5, 22), dt.date(2016, 5, 23)) and c["date_precision"] == "day"),
]


def town_recall(text: str, mentions: list[Mention]) -> tuple[int, int, list[str]]:
    """(found, total, misses) over every occurrence of the six towns' spellings."""
    found = total = 0
    misses = []
    for place, spellings in SPELLINGS.items():
        pattern = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, spellings)) + r")(?![\w-])")
        for m in pattern.finditer(text):
            total += 1
            if any(x.place == place and x.start <= m.start() and m.end() <= x.end for x in mentions):
                found += 1
            else:
                misses.append(f"{m.group(0)}@{m.start()}")
    return found, total, misses


def timed(fn: Callable[[], object], repeat: int = 20) -> float:
    """Best wall time of ``fn`` in milliseconds."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return 1000 * best


def main(seeds: Path) -> None:
    t0 = time.perf_counter()
    gazetteer = read_places(paths.GEODATA / "places.csv")
    scope = Scope.of(load_record(paths.EVENTS, gazetteer)[0])
    print(f"gazetteer: {len(gazetteer)} places, loaded in {1000 * (time.perf_counter() - t0):.0f} ms")
    files = sorted(seeds.glob("*.txt"))
    if not files:
        print(f"no articles in {seeds}")
        return
    total_found = total_towns = proposed_true = proposed_all = 0
    results: dict[str, list[dict]] = {}
    print(f"\n{'article':<26} {'chars':>6} {'mentions':>8} {'places':>6} {'proposed':>8} {'cands':>5} "
          f"{'towns':>7} {'precision':>9} {'ms':>6}")
    for path in files:
        seed = path.name[:3]
        text = path.read_text(encoding="utf-8")
        published = PUBLISHED.get(seed) or find_published(text) or dt.date.today()
        source = {"title": path.stem, "publisher": "seed", "date": published, "url": None}
        mentions = find_places(text, gazetteer)
        candidates = propose_events(text, gazetteer, published, source, scope)
        results[seed] = candidates
        ms = timed(lambda t=text, p=published, s=source: propose_events(t, gazetteer, p, s, scope))
        found, total, misses = town_recall(text, mentions)
        total_found, total_towns = total_found + found, total_towns + total
        proposed = {c["place"] for c in candidates}
        true = proposed & TRUE_PLACES.get(seed, set())
        proposed_true, proposed_all = proposed_true + len(true), proposed_all + len(proposed)
        precision = f"{len(true)}/{len(proposed)}"
        print(f"{path.name:<26} {len(text):>6} {len(mentions):>8} {len({m.place for m in mentions}):>6} "
              f"{len(proposed):>8} {len(candidates):>5} {found:>3}/{total:<3} {precision:>9} {ms:>6.1f}")
        if misses:
            print(f"    missed: {', '.join(misses)}")
        wrong = sorted(proposed - TRUE_PLACES.get(seed, set()))
        if wrong:
            print(f"    proposed but not named as places: {', '.join(wrong)}")
    recall = total_found / total_towns if total_towns else 1.0
    precision = proposed_true / proposed_all if proposed_all else 1.0
    print(f"\nrecall of the six towns' mentions: {total_found}/{total_towns} = {recall:.0%}")
    print(f"place precision of proposed events: {proposed_true}/{proposed_all} = {precision:.0%} "
          "(target >= 90%)")

    stated = {p.name[:3]: find_published(p.read_text(encoding="utf-8")) for p in files}
    verdict = "right" if stated.get("001") == PUBLISHED["001"] else "WRONG"
    others = ", ".join(f"{seed}: {date}" for seed, date in stated.items() if seed != "001")
    print(f"find_published on 001: {stated.get('001')} ({verdict}); on the others: {others}")

    print("\ndated events named in the issue:")
    for seed, label, test in EXPECTED:
        hits = [c for c in results.get(seed, []) if test(c)]
        shown = ", ".join(f"{c['id']} (confidence {c['confidence']})" for c in hits) or "MISSING"
        print(f"  {seed} {label}: {'ok' if hits else 'no'} - {shown}")

    print("\nall candidates (id, confidence, change, factions):")
    for seed, candidates in results.items():
        for c in candidates:
            change = c.get("change")
            arrow = f" {change['from']}->{change['to']}" if change else ""
            print(f"  {seed} {c['id']:<42} {c['confidence']:.2f}{arrow} [{', '.join(c['factions'])}]")


# --- time against size ---------------------------------------------------------------------------

SIZES = (10_000, 100_000, 1_000_000)


HTML_SHAPES: dict[str, Callable[[int], str]] = {
    "HTML nested, never closed": lambda n: repeat("<div><p>Iraqi forces entered Mosul on May 5, 2016. ", n,
                                                   "<html>"),
    "HTML '<div ' never closed": lambda n: repeat("<div ", n, ""),
    "HTML '<!--x>' comments": lambda n: repeat("<!--x>", n, ""),
}

# The quadratic readers replaced, kept here as the baseline.
_OLD_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9\u0600-\u06ff])")


class _OldTextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _old_html(markup: str) -> None:
    parser = _OldTextParser()
    parser.feed(markup)
    parser.close()


def _old_merge(pieces: int) -> None:
    """The old merge of ``pieces`` candidates of one key: the evidence re-sorted at each step."""
    evidence: list[tuple[str, int, int]] = []
    for k in range(pieces):
        step = [("place", 30 * k, 30 * k + 5), ("type", 30 * k + 6, 30 * k + 14),
                ("faction", 30 * k + 15, 30 * k + 17)]
        evidence = sorted(set(evidence) | set(step), key=lambda e: (e[1], e[2], e[0]))


def _new_merge(pieces: int) -> None:
    evidence: set[tuple[str, int, int]] = set()
    for k in range(pieces):
        evidence |= {("place", 30 * k, 30 * k + 5), ("type", 30 * k + 6, 30 * k + 14),
                     ("faction", 30 * k + 15, 30 * k + 17)}
    sorted(evidence, key=lambda e: (e[1], e[2], e[0]))


def _seconds(fn: Callable[..., object], *args: object) -> float:
    t0 = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t0


def _ingest(text: str, html: bool, gazetteer: object, scope: Scope) -> None:
    propose_events(html_text(text) if html else text, gazetteer, dt.date(2017, 1, 1), {}, scope)


def sizes() -> None:
    """Seconds against size: ingest of each shape, then the old readers against the new ones."""
    gazetteer = read_places(paths.GEODATA / "places.csv")
    scope = Scope.of(load_record(paths.EVENTS, gazetteer)[0])
    propose_events("Mosul.", gazetteer, dt.date(2017, 1, 1), {}, scope)  # the gazetteer's indexes, built once
    print(f"\ningest (propose_events) seconds against size (texts over {MAX_CHARS:,} characters are refused)")
    print(f"{'shape':<28}" + "".join(f"{size // 1000:>8} KB" for size in SIZES) + "   per 100 KB at 1 MB")
    for name, make in {**TEXT_SHAPES, **HTML_SHAPES}.items():
        times = [_seconds(_ingest, make(size), name in HTML_SHAPES, gazetteer, scope) for size in SIZES]
        print(f"{name:<28}" + "".join(f"{t:>11.2f}" for t in times) + f"{times[-1] / 10:>13.2f}")

    print("\nthe old readers (quadratic) against the new, seconds; the old only on small sizes")
    print(f"{'part':<42}{'size':>10}{'old':>10}{'new':>10}")
    dots = TEXT_SHAPES["dots after a dateline"]
    for size in (5_000, 10_000, 20_000):
        text = dots(size)
        old, new = _seconds(lambda t: list(_OLD_SENTENCE_END.finditer(t)), text), _seconds(sentences, text)
        print(f"{'sentence ends, dots after a dateline':<42}{size:>10,}{old:>10.2f}{new:>10.3f}")
    for name in ("HTML '<div ' never closed", "HTML '<!--x>' comments"):
        for size in (10_000, 20_000, 40_000):
            markup = HTML_SHAPES[name](size)
            old, new = _seconds(_old_html, markup), _seconds(html_text, markup)
            print(f"{name:<42}{size:>10,}{old:>10.2f}{new:>10.3f}")
    for pieces in (1_000, 2_000, 4_000):
        old, new = _seconds(_old_merge, pieces), _seconds(_new_merge, pieces)
        print(f"{'merge of candidates of one key':<42}{pieces:>10,}{old:>10.2f}{new:>10.3f}")


if __name__ == "__main__":
    if sys.argv[1:] == ["--sizes"]:
        sizes()
    else:
        main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SEEDS)
        sizes()
