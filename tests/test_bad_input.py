"""Every bad input gets one clear message and changes no file (issue 15, item 3).

One table of bad rows, tried where each can arrive: ``validate``, the other commands, ``merge`` (a
candidates file) and the app (AppTest).  Each case checks that no traceback is shown, that the
message names the file, line and field (the option, for the command line), and that no file in the
folder changed.  On the synthetic world (``tests/fixtures``): small files, fast.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from dashboard.core import paths
from tests.apptest import open_app
from tests.conftest import SYNTHETIC_EVENTS, SYNTHETIC_GEODATA

APP = str(paths.ROOT / "dashboard" / "app.py")
#: A message may quote a value, cut short: no line of it is longer than this.
LONGEST_LINE = 400
TOO_LARGE = "larger than the limit of 20 MB for a data file; not read"


@dataclass(frozen=True)
class Row:
    """A bad piece of input: the text it replaces in a good file, and what the message must say."""

    id: str
    old: str
    new: str
    field: str  # the field named, after file:line
    words: str  # what the message says of it
    at: str = ""  # text on the line named (default: the first line of ``new``)


def alias_bomb() -> str:
    """A "billion laughs": 9 ** 8 strings from 700 bytes of aliases."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 8)]
    return "\n".join(lines) + "\n"


#: Rows of the synthetic record (tests/fixtures/events_synthetic.yaml) made bad.
EVENT_ROWS = [
    Row("change-from-a-list", "change: {from: iraq, to: isis}", "change: {from: [iraq], to: isis}",
        "events[1].change.from", "expected one faction id, got a list"),
    Row("change-to-a-list", "change: {from: iraq, to: isis}", "change: {from: iraq, to: [isis]}",
        "events[1].change.to", "expected one faction id, got a list"),
    Row("faction-a-list", "{place: ferrygate, faction: sdf,", "{place: ferrygate, faction: [sdf],",
        "baseline[2].faction", "expected one faction id, got a list"),
    Row("besieged-by-a-list", "besieged_by: isis", "besieged_by: [isis]",
        "events[2].besieged_by", "expected one faction id, got a list"),
    Row("a-list-as-key", "  summary: IS took Ashford.", "  [summary, note]: IS took Ashford.",
        "key", "a list cannot be a key"),
    Row("a-mapping-as-key", "  summary: IS took Ashford.", "  {summary: 1}: IS took Ashford.",
        "key", "a mapping cannot be a key"),
    Row("faction-id-script", "{id: sdf, name: SDF", "{id: '<script>alert(1)</script>', name: SDF",
        "factions[3].id", "must be lower-case letters, digits and hyphens"),
    Row("date-an-integer", "date: 2014-06-10\n", "date: 20140610\n",
        "events[1].date", "malformed date 20140610 (expected YYYY-MM-DD)"),
    Row("date-an-iso-week", "date: 2014-06-10\n", "date: 2016-W28-5\n",
        "events[1].date", "malformed date '2016-W28-5' (expected YYYY-MM-DD)"),
    Row("alias-bomb", "start: 2014-01-01\n", "start: 2014-01-01\n" + alias_bomb(),
        "", "aliases repeat more than 100000 nodes", at="a5: &a5"),
    Row("nested-too-deep", "start: 2014-01-01\n", f"start: 2014-01-01\nx: {'[' * 100_000}{']' * 100_000}\n",
        "", "nested deeper than 50 levels", at="x: [["),
    Row("a-long-value-is-cut", "{id: sdf, name: SDF", "{id: '" + "<" * 5000 + "', name: SDF",
        "factions[3].id", "…"),
]

#: Files too large to read: made in the test (``/dev/zero`` or a 50 MB sparse file).
HUGE = ["/dev/zero", "sparse-50MB"]

#: Candidates (merge) made bad: the same rows as they come from a reviewer's candidates file.
CANDIDATE = """article: {name: a.txt, published: 2016-06-02}
source: &s {title: T, publisher: P, date: 2016-06-02, url: 'https://example.org/a'}
candidates:
- id: bridgeport-2016-06-01
  date: 2016-06-01
  place: bridgeport
  type: capture
  change: {from: iraq, to: isis}
  summary: IS took Bridgeport.
  sources: [{title: T, publisher: P, date: 2016-06-02, url: 'https://example.org/a'}]
"""
CANDIDATE_ROWS = [
    Row("change-from-a-list", "from: iraq,", "from: [iraq],", "candidates[0].change.from",
        "expected one faction id, got a list"),
    Row("besieged-by-a-list", "type: capture\n  change: {from: iraq, to: isis}",
        "type: siege\n  besieged_by: [isis]", "candidates[0].besieged_by",
        "expected one faction id, got a list", at="besieged_by:"),
    Row("a-list-as-key", "  summary: IS", "  [summary]: IS", "key", "a list cannot be a key"),
    Row("date-an-integer", "date: 2016-06-01", "date: 20160601", "candidates[0].date",
        "malformed date 20160601"),
    Row("date-an-iso-week", "date: 2016-06-01", "date: 2016-W22-3", "candidates[0].date",
        "malformed date '2016-W22-3'"),
    Row("alias-bomb", "candidates:\n", alias_bomb() + "candidates:\n", "", "aliases repeat more than",
        at="a5: &a5"),
]


def digest(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` and a hash of its bytes."""
    return {str(p.relative_to(folder)): hashlib.file_digest(p.open("rb"), "sha256").hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def bad_events(folder: Path, row: Row) -> Path:
    text = SYNTHETIC_EVENTS.read_text(encoding="utf-8")
    assert row.old in text, row.old
    path = folder / "events.yaml"
    path.write_text(text.replace(row.old, row.new, 1), encoding="utf-8")
    return path


def huge(folder: Path, which: str) -> Path:
    if which == "/dev/zero":
        return Path(which)
    path = folder / "events.yaml"
    with path.open("wb") as fh:  # sparse: 50 MB that take no time to write
        fh.write(b"factions: []\n")
        fh.truncate(50 * 1024 * 1024)
    return path


def line_of(path: Path, row: Row) -> int:
    """The line the message about ``row`` names."""
    text = path.read_text(encoding="utf-8")
    return text[:text.index(row.at or row.new.strip().split("\n")[0])].count("\n") + 1


def assert_one_clear_message(text: str, path: Path | str, row: Row, line: int) -> None:
    """``path:line: field: words`` is among the lines; no traceback; no line too long."""
    assert "Traceback" not in text and "Error:" not in text.replace("DataError", ""), text[:2000]
    where = f"{path}:{line}: {row.field}: " if row.field else f"{path}:{line}: "
    lines = text.splitlines()
    assert any(ln.lstrip().startswith(where) and row.words in ln for ln in lines), (where, text[:2000])
    assert max(len(ln) for ln in lines) <= LONGEST_LINE


# ------------------------------------------------------------------ validate


@pytest.mark.parametrize("row", EVENT_ROWS, ids=lambda r: r.id)
def test_validate_names_file_line_and_field(cli, tmp_path, row):
    events = bad_events(tmp_path, row)
    before = digest(tmp_path)
    result = cli("validate", events, check=False)
    assert result.returncode == 1
    assert_one_clear_message(result.stderr, events, row, line_of(events, row))
    assert digest(tmp_path) == before


@pytest.mark.parametrize("which", HUGE)
def test_validate_reads_no_more_than_the_limit(cli, tmp_path, which):
    events = huge(tmp_path, which)
    before = digest(tmp_path)
    result = cli("validate", events, check=False)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == f"{events}: {TOO_LARGE}"
    assert digest(tmp_path) == before


@pytest.mark.parametrize("row", [r for r in EVENT_ROWS if r.id in ("faction-a-list", "alias-bomb")],
                         ids=lambda r: r.id)
def test_every_command_reading_the_record_gives_the_same_message(cli, tmp_path, row):
    events = bad_events(tmp_path, row)
    before = digest(tmp_path)
    result = cli("--events", events, "export", "--date", "2016-01-01", check=False)
    assert result.returncode == 1 and not result.stdout
    assert_one_clear_message(result.stderr, events, row, line_of(events, row))
    assert digest(tmp_path) == before


# ------------------------------------------------------------------ command-line options


@pytest.mark.parametrize(("args", "option", "words"), [
    (("export", "--date", "2016-01-01", "--window", "1000000000"), "--window", "from 0 to 3650"),
    (("export", "--date", "2016-01-01", "--window", "800000"), "--window", "from 0 to 3650"),
    (("export", "--date", "2016-01-01", "--window", "-1"), "--window", "from 0 to 3650"),
    (("export", "--date", "2016-01-01", "--window", "-5"), "--window", "from 0 to 3650"),
    (("html", "--window", "-5", "--out", "{tmp}/map.html"), "--window", "from 0 to 3650"),
    (("stats", "--every", "1000000000000D"), "--every", "longer than 10 years"),
    (("stats", "--every", "10000000M"), "--every", "longer than 10 years"),
    (("stats", "--every", "100000Y"), "--every", "longer than 10 years"),
    (("stats", "--every", "1" + "0" * 5000 + "D"), "--every", "longer than 10 years"),
    (("timelapse", "--every", "100000Y", "--out", "{tmp}/film.gif"), "--every", "longer than 10 years"),
    (("briefing", "--every", "10000000M", "--out", "{tmp}/pack.pdf"), "--every", "longer than 10 years"),
    (("stats", "--from", "2017-01-01", "--to", "2016-01-01"), "--to", "before --from"),
    (("snapshot", "--date", "20160101", "--out", "{tmp}/map.png"), "--date", "expected YYYY-MM-DD"),
    (("export", "--date", "2016-W28-5"), "--date", "expected YYYY-MM-DD"),
])
def test_bad_options_are_one_line_naming_the_option_and_exit_2(cli, tmp_path, args, option, words):
    before = digest(tmp_path)
    result = cli(*(a.format(tmp=tmp_path) for a in args), check=False)
    assert result.returncode == 2 and not result.stdout
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: ") and option in line and words in line, line
    assert len(line) <= LONGEST_LINE
    assert digest(tmp_path) == before


# ------------------------------------------------------------------ merge (candidates files)


@pytest.fixture
def into(tmp_path: Path) -> Path:
    """A copy of the synthetic record to merge into, alone in its folder."""
    folder = tmp_path / "data"
    folder.mkdir()
    return Path(shutil.copyfile(SYNTHETIC_EVENTS, folder / "events.yaml"))


def test_the_good_candidate_merges(cli, tmp_path, into):
    """The base of the rows below is itself fine: each row's refusal is the row's doing."""
    path = tmp_path / "candidates.yaml"
    path.write_text(CANDIDATE, encoding="utf-8")
    assert "Would add 1 event" in cli("merge", path, "--into", into, "--dry-run").stderr


@pytest.mark.parametrize("row", CANDIDATE_ROWS, ids=lambda r: r.id)
def test_merge_names_file_line_and_field_and_writes_nothing(cli, tmp_path, into, row):
    assert row.old in CANDIDATE, row.old
    path = tmp_path / "candidates.yaml"
    path.write_text(CANDIDATE.replace(row.old, row.new, 1), encoding="utf-8")
    before = digest(tmp_path)
    result = cli("merge", path, "--into", into, check=False)
    assert result.returncode == 1
    assert_one_clear_message(result.stderr, path, row, line_of(path, row))
    assert digest(tmp_path) == before


@pytest.mark.parametrize("which", HUGE)
def test_merge_reads_no_more_of_a_candidates_file_than_the_limit(cli, tmp_path, into, which):
    path = huge(tmp_path, which)
    before = digest(tmp_path)
    result = cli("merge", path, "--into", into, check=False)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == f"{path}: {TOO_LARGE}"
    assert digest(tmp_path) == before


# ------------------------------------------------------------------ text drawn by matplotlib

DOLLARS = "paid $5 and $10"
TEX = r"$\frac$"


@pytest.fixture
def dollar_events(tmp_path: Path) -> Path:
    """The synthetic record with dollars in a faction's name and in an event's summary."""
    text = SYNTHETIC_EVENTS.read_text(encoding="utf-8")
    text = text.replace("name: Islamic State,", f"name: 'Islamic State {TEX}',", 1)
    text = text.replace("summary: IS took Ashford.", f"summary: 'IS took Ashford; {DOLLARS}.'", 1)
    path = tmp_path / "data" / "events.yaml"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    return path


def pdf_text(pdf: Path) -> str:
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext missing (Debian package poppler-utils)")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


@pytest.mark.parametrize("command", [
    ("snapshot", "--date", "2014-06-12", "--out", "{tmp}/map.pdf"),
    ("briefing", "--dates", "2014-06-12", "--out", "{tmp}/pack.pdf"),
])
def test_dollars_in_titles_names_and_summaries_are_drawn_as_written(cli, tmp_path, dollar_events, command):
    before = digest(dollar_events.parent)
    args = [a.format(tmp=tmp_path) for a in command]
    result = cli("--events", dollar_events, *args, "--title", f"{TEX} {DOLLARS}", check=False)
    assert result.returncode == 0, result.stderr
    text = pdf_text(Path(args[-1]))
    assert f"{TEX} {DOLLARS}" in text  # the title
    assert f"Islamic State {TEX}" in text  # a faction's name, in the legend
    if command[0] == "briefing":
        assert DOLLARS in text  # an event's summary, among the key events
    assert digest(dollar_events.parent) == before


# ------------------------------------------------------------------ the app


run_app = open_app


@pytest.mark.parametrize("row", [r for r in EVENT_ROWS if r.id != "nested-too-deep"], ids=lambda r: r.id)
def test_the_app_shows_the_problem_not_a_traceback(tmp_path, monkeypatch, row):
    events = bad_events(tmp_path, row)
    before = digest(tmp_path)
    monkeypatch.setattr(paths, "EVENTS", events)
    monkeypatch.setattr(paths, "GEODATA", SYNTHETIC_GEODATA)
    at = run_app()
    assert not at.exception
    assert "invalid" in at.error[0].value
    # The page names the file, not the server's folder it is in.
    assert_one_clear_message(at.code[0].value, events.name, row, line_of(events, row))
    assert str(tmp_path) not in at.code[0].value
    assert digest(tmp_path) == before


def test_the_app_reads_no_more_than_the_limit(monkeypatch):
    monkeypatch.setattr(paths, "EVENTS", Path("/dev/zero"))
    monkeypatch.setattr(paths, "GEODATA", SYNTHETIC_GEODATA)
    at = run_app()
    assert not at.exception
    assert at.code[0].value == f"zero: {TOO_LARGE}"  # /dev/zero, by its name


@pytest.mark.parametrize(("query", "name", "words"), [
    ({"zoom": "²"}, "zoom", "not a zoom level from 4 to 14"),
    ({"date": "2016-01-01", "compare": "2017-01-01"}, "compare", "after the date 2016-01-01"),
    ({"layers": ""}, "layers", "names no layer"),
])
def test_bad_links_open_with_a_warning_naming_the_parameter(query, name, words):
    before = digest(paths.EVENTS.parent)
    at = run_app(**query)
    assert not at.exception
    (warning,) = [w.value for w in at.warning]
    assert f"{name}=" in warning and words in warning
    assert "invalid literal" not in warning
    assert digest(paths.EVENTS.parent) == before
