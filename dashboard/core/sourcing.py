"""The record's sourcing rules: what every change of control must cite (README, "Sources").

Hard rules (errors of :func:`~dashboard.core.validation.check_record`: ``validate``, the app and merge
refuse the data):

- a change of control has at least one *dated* source from a news organisation, a monitor or an
  official statement: Wikipedia and other reference works may only stand beside one;
- no source is a mirror or content-farm copy: cite the original outlet and its own URL.

Soft rules (warnings, listed by ``validate --strict``):

- at most :data:`MAX_SINGLE_SOURCE_SHARE` of the changes rest on a single source;
- a party's own outlets (its state media or channels) count only for that party's losses, or beside
  a neutral source: a change that only the winner's outlets report is flagged.

>>> import datetime as dt
>>> from dashboard.core.events import Source
>>> wiki = Source("Fall of Mosul", "Wikipedia", None, "https://en.wikipedia.org/wiki/Fall_of_Mosul")
>>> wire = Source("Militants seize Mosul", "Reuters", dt.date(2014, 6, 10), "https://www.reuters.com/x")
>>> is_citable(wiki), is_citable(wire)
(False, True)
>>> domain("https://m.gulfnews.com/news/a")
'gulfnews.com'
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from urllib.parse import urlparse

from dashboard.core.events import Event, EventRecord, Source
from dashboard.core.problems import Problem

#: Reference works: they may stand beside a source, never alone.
REFERENCE_DOMAINS = frozenset({"wikipedia.org", "wikimapia.org", "wikisum.wiki", "ebsco.com"})
#: Sites that copy other outlets' reports (mirrors, aggregators, content farms): never cited.
MIRROR_DOMAINS = frozenset({
    "bellenews.com", "kaos.gr", "theunitedrepublicblog.wordpress.com", "progressivegazette.com",
    "popularmilitary.com", "topix.com", "heartoforient.com", "normangeestar.com", "hdhod.com",
    "ming7.cn", "military-quotes.com", "wideo.ovh", "wikisum.wiki", "cryer.org.uk", "theiranproject.com",
    "sauress.com", "microsyria.com", "dailytv.net", "middleeastobserver.org",
})
#: A party's own outlets: its state media and channels, and those of the states that fought on its
#: side (domain -> the factions whose gains they report as their own).
PARTY_OUTLETS: dict[str, tuple[str, ...]] = {
    # The Syrian government, and Russian and Iranian state media (Iran's also for Iraq's PMF).
    "sana.sy": ("syria",), "syriaonline.sy": ("syria",), "almasdarnews.com": ("syria",),
    "sputniknews.com": ("syria",), "rt.com": ("syria",), "tass.com": ("syria",), "ria.ru": ("syria",),
    "presstv.ir": ("syria", "iraq"), "alalam.ir": ("syria", "iraq"), "tasnimnews.com": ("syria", "iraq"),
    "farsnews.ir": ("syria", "iraq"), "parstoday.com": ("syria", "iraq"), "mehrnews.com": ("syria", "iraq"),
    # The SDF and the YPG, the Kurdistan Region's parties, the Iraqi state.
    "hawarnews.com": ("sdf",), "anhaenglish.net": ("sdf",), "anfenglish.com": ("sdf",),
    "anfenglishmobile.com": ("sdf",), "sdf-press.com": ("sdf",),
    "rudaw.net": ("krg",), "kurdistan24.net": ("krg",), "gov.krd": ("krg",),
    "pmu.gov.iq": ("iraq",), "mod.mil.iq": ("iraq",),
    # Turkish state media, for the Turkish-backed opposition.
    "trtworld.com": ("opposition",), "trt.net.tr": ("opposition",), "aa.com.tr": ("opposition",),
}
#: Share of changes of control that may rest on one source.
MAX_SINGLE_SOURCE_SHARE = 0.20


@functools.lru_cache(maxsize=8192)  # the record asks for each of its ~2,000 URLs' domain ~25 times
def domain(url: str | None) -> str:
    """The registered part of a URL's host (``www.``, ``m.``, ``en.`` and the like dropped).

    >>> domain("https://www.bbc.co.uk/news/world"), domain("https://en.wikipedia.org/wiki/Raqqa")
    ('bbc.co.uk', 'wikipedia.org')
    """
    host = urlparse(url or "").netloc.lower().split(":")[0]
    parts = host.split(".")
    while len(parts) > 2 and parts[0] in ("www", "m", "en", "english", "amp", "mobile", "uk", "in", "af"):
        parts = parts[1:]
    return ".".join(parts)


def _within(url: str | None, site: str) -> bool:
    """Whether the URL is on ``site`` or one of its subdomains."""
    host = domain(url)
    return host == site or host.endswith("." + site)


def _on(url: str | None, domains: Iterable[str]) -> bool:
    return any(_within(url, d) for d in domains)


def is_reference(source: Source) -> bool:
    """Wikipedia and other reference works."""
    return _on(source.url, REFERENCE_DOMAINS) or source.publisher.strip().lower().startswith("wikipedia")


def is_mirror(source: Source) -> bool:
    return _on(source.url, MIRROR_DOMAINS)


def counts(source: Source) -> bool:
    """An outlet's, a monitor's or an official report: not a reference work, not a mirror."""
    return not is_reference(source) and not is_mirror(source)


def is_citable(source: Source) -> bool:
    """A dated report from an outlet, a monitor or an official statement: enough on its own."""
    return source.date is not None and counts(source)


def parties_of(source: Source) -> tuple[str, ...]:
    """The factions whose own (or allied state's) outlet this is; empty for a neutral one."""
    return next((f for d, f in PARTY_OUTLETS.items() if _within(source.url, d)), ())


def sourcing_errors(record: EventRecord) -> list[Problem]:
    """Breaches of the hard rules, each with its line."""
    problems = []
    for holding in record.baseline:
        problems += _mirrors(record.path, f"baseline {holding.place}", holding.line, holding.sources)
    for event in record.events:
        where = f"event {event.id}.sources"
        problems += _mirrors(record.path, f"event {event.id}", event.line_of("sources"), event.sources)
        if event.change is not None and not any(is_citable(s) for s in event.sources):
            problems.append(Problem(record.path, event.line_of("sources"), where,
                                    "a change of control needs a dated source from a news organisation, "
                                    "a monitor or an official statement (Wikipedia only beside one)"))
    return problems


def _mirrors(path: str, where: str, line: int, sources: Iterable[Source]) -> list[Problem]:
    return [Problem(path, line, f"{where}.sources",
                    f"{domain(s.url)} copies other outlets' reports: cite the original outlet and its URL")
            for s in sources if is_mirror(s)]


def sourcing_warnings(record: EventRecord) -> list[Problem]:
    """Breaches of the soft rules: single-source share, changes only the winner's outlets report."""
    changes = [e for e in record.events if e.change is not None]
    problems = [_winner_only(record.path, e) for e in changes]
    single = [e for e in changes if len(outlets(e.sources)) <= 1]
    if changes and len(single) / len(changes) > MAX_SINGLE_SOURCE_SHARE:
        problems.append(Problem(record.path, None, "events",
                                f"{len(single)} of {len(changes)} changes of control "
                                f"({len(single) / len(changes):.0%}) rest on a single source (at most "
                                f"{MAX_SINGLE_SOURCE_SHARE:.0%}): "
                                + ", ".join(e.id for e in single)))
    return [p for p in problems if p is not None]


def outlets(sources: Iterable[Source]) -> set[str]:
    """The distinct outlets among the sources that count (not reference works, not mirrors), by domain."""
    return {domain(s.url) or s.publisher for s in sources if counts(s)}


def _winner_only(path: str, event: Event) -> Problem | None:
    assert event.change is not None
    counted = [s for s in event.sources if counts(s)]
    gainer = event.change.new.faction
    if counted and all(gainer in parties_of(s) for s in counted):
        return Problem(path, event.line_of("sources"), f"event {event.id}.sources",
                       f"only {gainer}'s own outlets report its gain: add a neutral source")
    return None
