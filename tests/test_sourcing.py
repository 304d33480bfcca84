"""The sourcing rules on small records whose answers are plain: what a change of control must cite."""

from __future__ import annotations

import pytest

from dashboard.core.sourcing import domain, sourcing_errors, sourcing_warnings
from dashboard.core.validation import check_text

WIRE = "{title: IS takes Ashford, publisher: Reuters, date: 2014-06-10, url: 'https://www.reuters.com/a'}"
AGENCY = "{title: Ashford falls, publisher: AFP, date: 2014-06-11, url: 'https://www.afp.com/b'}"
WIKI = "{title: Ashford, publisher: Wikipedia, date: null, url: 'https://en.wikipedia.org/wiki/Ashford'}"
MIRROR = "{title: Ashford falls (AJ), publisher: Kaos GR, date: 2014-06-10, url: 'https://www.kaos.gr/x'}"
UNDATED = "{title: Ashford falls, publisher: AP, date: null, url: 'https://apnews.com/c'}"
STATE_TV = "{title: Army frees Westbrook, publisher: SANA, date: 2016-06-26, url: 'https://sana.sy/en/?p=1'}"
ALLY_TV = "{title: Ashford liberated, publisher: Al-Alam, date: 2016-06-26, url: 'https://en.alalam.ir/news/2'}"


def record(*changes: tuple[str, str, str, list[str]]) -> str:
    """A record of the synthetic world with one change of control per (place, from, to, sources)."""
    events = "".join(
        f"- id: e{i}\n  date: 2016-06-{10 + i}\n  place: {place}\n  type: capture\n"
        f"  change: {{from: {old}, to: {new}}}\n  summary: Taken.\n  sources:\n"
        + "".join(f"  - {s}\n" for s in sources)
        for i, (place, old, new, sources) in enumerate(changes))
    return f"""factions:
- {{id: isis, name: Islamic State, colour: '#262626'}}
- {{id: iraq, name: Iraqi government, colour: '#d81b60'}}
- {{id: syria, name: Syrian government, colour: '#c62828'}}
start: 2014-01-01
end: 2019-03-31
baseline:
- {{place: ashford, faction: isis, sources: [{WIRE}]}}
- {{place: westbrook, faction: isis, sources: [{WIRE}]}}
- {{place: brampton, faction: isis, sources: [{WIRE}]}}
events:
{events}"""


@pytest.fixture
def check(synthetic_gazetteer):
    """(errors from the one load -> parse -> check path, warnings of the soft rules)."""
    def run(text: str):
        checked = check_text(text, "events.yaml", synthetic_gazetteer)
        assert checked.record is not None, checked.problems
        assert checked.problems == sourcing_errors(checked.record)  # nothing else is wrong
        return checked.problems, sourcing_warnings(checked.record)
    return run


def test_two_dated_outlets_break_no_rule(check):
    assert check(record(("ashford", "isis", "iraq", [WIRE, AGENCY]))) == ([], [])


@pytest.mark.parametrize("sources", [[WIKI], [UNDATED], [UNDATED, WIKI]],
                         ids=["wikipedia", "undated", "both"])
def test_a_change_without_a_dated_outlet_is_an_error_with_its_line(check, sources):
    errors, _ = check(record(("ashford", "isis", "iraq", sources)))
    (error,) = errors
    assert (error.line, error.field) == (18, "event e0.sources")
    assert "needs a dated source" in error.message


def test_wikipedia_beside_a_dated_outlet_is_fine(check):
    assert check(record(("ashford", "isis", "iraq", [WIRE, WIKI, AGENCY])))[0] == []


def test_a_mirror_is_an_error_even_beside_good_sources(check):
    errors, _ = check(record(("ashford", "isis", "iraq", [WIRE, MIRROR, AGENCY])))
    assert [e.message for e in errors] == ["kaos.gr copies other outlets' reports: cite the original outlet "
                                           "and its URL"]


def test_too_many_single_source_changes_are_listed(check):
    two = [WIRE, AGENCY]
    # One of five changes on a single source (20%) is allowed; two of five (40%) are not.
    allowed = record(("ashford", "isis", "iraq", [WIRE]), ("westbrook", "isis", "syria", two),
                     ("brampton", "isis", "iraq", two), ("ashford", "iraq", "isis", two),
                     ("ashford", "isis", "iraq", two))
    assert check(allowed)[1] == []
    (warning,) = check(allowed.replace("- " + AGENCY, "- " + WIKI, 1))[1]
    assert "2 of 5 changes of control (40%) rest on a single source" in warning.message
    assert warning.message.endswith("e0, e1")


def test_only_the_winners_own_outlet_is_a_warning(check):
    (warning,) = check(record(("westbrook", "isis", "syria", [STATE_TV]),
                              ("ashford", "isis", "iraq", [WIRE, AGENCY])))[1][:1]
    assert "only syria's own outlets report its gain" in warning.message
    assert check(record(("westbrook", "isis", "syria", [STATE_TV, WIRE]),
                        ("ashford", "isis", "iraq", [WIRE, AGENCY])))[1] == []


def test_an_allied_states_media_count_as_the_gainers_own(check):
    """Iranian state media report the PMF's gains as their own, but not IS's gains from it."""
    both = [WIRE, AGENCY]
    gain = check(record(("ashford", "isis", "iraq", [ALLY_TV]), ("brampton", "isis", "iraq", both)))[1]
    assert any("only iraq's own outlets" in w.message for w in gain)
    loss = check(record(("ashford", "isis", "iraq", both), ("ashford", "iraq", "isis", [ALLY_TV])))[1]
    assert not any("own outlets" in w.message for w in loss)


def test_the_domain_ignores_the_usual_prefixes():
    assert [domain(u) for u in ("https://www.reuters.com/x", "http://in.reuters.com/y", "https://m.gulfnews.com",
                                "https://en.alalam.ir/news/1", None)] == [
        "reuters.com", "reuters.com", "gulfnews.com", "alalam.ir", ""]


def test_validate_strict_lists_the_sourcing_warnings_and_fails(cli):
    assert cli("validate").stdout.strip().endswith(": ok")
    strict = cli("validate", "--strict", check=False)
    assert strict.returncode == 1
    assert "warning:" in strict.stderr and "rest on a single source" in strict.stderr
