"""Merging reviewed candidates into events.yaml: real files, nothing existing lost or moved."""

from __future__ import annotations

import os
import re
import shutil
import stat
from pathlib import Path

import pytest
import yaml

from dashboard.core import paths
from dashboard.core.problems import DataError
from dashboard.core.validation import load_record, validate
from dashboard.core.yamlfile import load_yaml_text
from dashboard.ingest.merge import MergeReport, merge_candidates, merge_into, read_candidates, render_event

SOURCE = "{title: 'Iraqi forces press on', publisher: Example News, date: 2016-06-02, url: 'https://example.org/a'}"
HEADER = f"""# candidates from article.txt: review, edit or delete, then merge
article: {{name: article.txt, published: 2016-06-02}}
source: {SOURCE}
candidates:
"""


def candidate(cid: str, date: str, place: str, etype: str, summary: str = "Something happened there.",
              extra: str = "", sources: bool = True) -> str:
    """One candidate entry as ingest writes it (ingest-only keys included)."""
    text = (f"- id: {cid}\n  date: {date}\n  date_precision: day\n  approximate: false\n"
            f"  place: {place}\n  type: {etype}\n{extra}  summary: {summary}\n")
    if sources:
        text += f"  sources:\n  - {SOURCE}\n"
    return text + ("  confidence: 0.8\n  evidence: [{what: place, start: 120, end: 128}]\n"
                   "  factions: [iraq, isis]\n")


BOMBING = candidate("fallujah-2016-06-01-bombing", "2016-06-01", "fallujah", "bombing",
                    "A car bomb struck a checkpoint on the edge of Fallujah.")
EXODUS = candidate("mosul-2014-06-10-exodus", "2014-06-10", "mosul", "evacuation",
                   "Hundreds of thousands fled Mosul as the army collapsed.")


FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def events(tmp_path: Path) -> Path:
    """A copy of a slice of the real record (seven places, in the file's own style) to merge into."""
    path = tmp_path / "events.yaml"
    shutil.copyfile(FIXTURES / "events_merge.yaml", path)
    return path


def write_candidates(tmp_path: Path, *entries: str) -> Path:
    path = tmp_path / "candidates.yaml"
    path.write_text(HEADER + "".join(entries), encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def backups(events: Path) -> list[Path]:
    return sorted(events.parent.glob(f"{events.name}.*.bak"))


def without(new: bytes, events: Path, ids: set[str]) -> bytes:
    """The merged file with the blocks of the events ``ids`` cut out (found by parsing it)."""
    lines = new.decode("utf-8").splitlines(keepends=True)
    items = load_yaml_text(new.decode("utf-8"), str(events))["events"]
    starts = [item.line - 1 for item in items] + [len(lines)]
    cut = set()
    for item, start, end in zip(items, starts, starts[1:], strict=False):
        if item["id"] in ids:
            cut.update(range(start, end))
    return "".join(line for i, line in enumerate(lines) if i not in cut).encode("utf-8")


def is_subsequence(old: list[str], new: list[str]) -> bool:
    rest = iter(new)
    return all(any(line == other for other in rest) for line in old)


def assert_only_added(before: bytes, events: Path, ids: set[str]) -> None:
    after = events.read_bytes()
    assert is_subsequence(before.decode().splitlines(), after.decode().splitlines())
    assert without(after, events, ids) == before


# ------------------------------------------------------------------ adding


def test_adds_a_valid_candidate_at_its_date(tmp_path, events, gazetteer):
    before = events.read_bytes()
    report = merge_candidates(write_candidates(tmp_path, BOMBING), events, gazetteer)
    assert report.added == ["fallujah-2016-06-01-bombing"]
    assert (report.duplicates, report.invalid, report.renamed) == ([], [], [])
    assert validate(events, gazetteer) == []
    assert_only_added(before, events, {"fallujah-2016-06-01-bombing"})
    record, _ = load_record(events, gazetteer)
    ids = [e.id for e in record.events]
    i = ids.index("fallujah-2016-06-01-bombing")
    assert record.events[i - 1].date <= record.events[i].date < record.events[i + 1].date
    added = record.events[i]
    assert (added.place, added.type, added.summary) == (
        "fallujah", "bombing", "A car bomb struck a checkpoint on the edge of Fallujah.")
    assert added.sources[0].url == "https://example.org/a"


def test_new_event_goes_after_existing_events_of_the_same_date(tmp_path, events, gazetteer):
    before = events.read_bytes()
    merge_candidates(write_candidates(tmp_path, EXODUS), events, gazetteer)
    record, _ = load_record(events, gazetteer)
    dates = [e.date for e in record.events]
    i = [e.id for e in record.events].index("mosul-2014-06-10-exodus")
    assert dates[i - 1] == dates[i] and dates[i + 1] > dates[i]
    assert dates == sorted(dates)
    assert_only_added(before, events, {"mosul-2014-06-10-exodus"})


def test_event_after_the_last_one_is_appended(tmp_path, events, gazetteer):
    before = events.read_bytes()
    last = candidate("baghuz-2019-03-30-other", "2019-03-30", "baghuz", "other", "Clearing went on.")
    merge_candidates(write_candidates(tmp_path, last), events, gazetteer)
    assert events.read_bytes().startswith(before)
    assert validate(events, gazetteer) == []
    assert load_record(events, gazetteer)[0].events[-1].id == "baghuz-2019-03-30-other"


def test_event_after_the_last_one_goes_before_the_unrecorded_list(tmp_path, events, gazetteer):
    """The real record ends with its ``unrecorded`` list (and a comment): a new last event joins the
    events, and the list stays whole."""
    tail = "# Towns left unrecorded on purpose.\nunrecorded:\n- {place: tikrit, note: Not dated.}\n"
    events.write_text(events.read_text(encoding="utf-8") + tail, encoding="utf-8")
    last = candidate("baghuz-2019-03-30-other", "2019-03-30", "baghuz", "other", "Clearing went on.")
    merge_candidates(write_candidates(tmp_path, last), events, gazetteer)
    after = events.read_text(encoding="utf-8")
    assert after.endswith(tail) and after.index("baghuz-2019-03-30-other") < after.index(tail)
    assert load_record(events, gazetteer)[0].events[-1].id == "baghuz-2019-03-30-other"


def test_file_without_final_newline(tmp_path, events, gazetteer):
    before = events.read_bytes().rstrip(b"\n")
    events.write_bytes(before)
    last = candidate("baghuz-2019-03-30-other", "2019-03-30", "baghuz", "other", "Clearing went on.")
    merge_candidates(write_candidates(tmp_path, last), events, gazetteer)
    after = events.read_bytes()
    assert after.startswith(before + b"\n- id: baghuz-2019-03-30-other")
    assert validate(events, gazetteer) == []


def test_ingest_only_keys_and_defaults_are_not_written(tmp_path, events, gazetteer):
    merge_candidates(write_candidates(tmp_path, BOMBING), events, gazetteer)
    text = events.read_text(encoding="utf-8")
    block = text[text.index("- id: fallujah-2016-06-01-bombing"):]
    block = block[:block.index("\n- id:") + 1]
    assert block == (
        "- id: fallujah-2016-06-01-bombing\n  date: 2016-06-01\n  place: fallujah\n  type: bombing\n"
        "  summary: A car bomb struck a checkpoint on the edge of Fallujah.\n  sources:\n"
        "  - {title: Iraqi forces press on, publisher: Example News, date: 2016-06-02, url: 'https://example.org/a'}\n")


# ------------------------------------------------------------------ duplicates and ids


def test_skips_a_duplicate_of_an_existing_event(tmp_path, events, gazetteer):
    before = events.read_bytes()
    dup = candidate("fallujah-2016-05-21-push", "2016-05-21", "fallujah", "offensive")
    report = merge_candidates(write_candidates(tmp_path, dup, BOMBING), events, gazetteer)
    assert report.duplicates == [("fallujah-2016-05-21-push", "fallujah-2016-05-23-offensive")]
    assert report.added == ["fallujah-2016-06-01-bombing"]
    assert "fallujah-2016-05-21-push duplicates fallujah-2016-05-23-offensive" in report.summary()
    assert_only_added(before, events, {"fallujah-2016-06-01-bombing"})


def test_merging_the_same_file_twice_adds_nothing_the_second_time(tmp_path, events, gazetteer):
    path = write_candidates(tmp_path, BOMBING, EXODUS)
    merge_candidates(path, events, gazetteer)
    after = events.read_bytes()
    report = merge_candidates(path, events, gazetteer)
    assert report.added == [] and len(report.duplicates) == 2
    assert events.read_bytes() == after and len(backups(events)) == 1


def test_window_days_decides_what_is_a_duplicate(tmp_path, events, gazetteer):
    dup = candidate("fallujah-2016-05-21-push", "2016-05-21", "fallujah", "offensive")
    report = merge_candidates(write_candidates(tmp_path, dup), events, gazetteer, window_days=1)
    assert report.duplicates == [] and report.added == ["fallujah-2016-05-21-push"]
    assert validate(events, gazetteer) == []


def test_month_only_dates_match_the_whole_month(tmp_path, events, gazetteer):
    # manbij-2014-01-isis-takeover is dated to January 2014 only
    dup = candidate("manbij-2014-01-20-takeover", "2014-01-20", "manbij", "capture",
                    extra="  change: {from: opposition, to: isis}\n")
    report = merge_candidates(write_candidates(tmp_path, dup), events, gazetteer)
    assert report.duplicates == [("manbij-2014-01-20-takeover", "manbij-2014-01-isis-takeover")]


def test_skips_duplicates_among_the_candidates(tmp_path, events, gazetteer):
    again = BOMBING.replace("fallujah-2016-06-01-bombing", "fallujah-2016-06-02-car-bomb").replace(
        "2016-06-01", "2016-06-02")
    report = merge_candidates(write_candidates(tmp_path, BOMBING, again), events, gazetteer)
    assert report.added == ["fallujah-2016-06-01-bombing"]
    assert report.duplicates == [("fallujah-2016-06-02-car-bomb", "fallujah-2016-06-01-bombing")]


def test_renames_an_id_already_in_use(tmp_path, events, gazetteer):
    before = events.read_bytes()
    clash = candidate("mosul-2016-10-17-offensive", "2016-10-20", "baghdad", "bombing")
    twice = candidate("mosul-2016-10-17-offensive", "2016-10-25", "baghdad", "other")
    report = merge_candidates(write_candidates(tmp_path, clash, twice), events, gazetteer)
    assert report.renamed == [("mosul-2016-10-17-offensive", "mosul-2016-10-17-offensive-2"),
                              ("mosul-2016-10-17-offensive", "mosul-2016-10-17-offensive-3")]
    assert report.added == ["mosul-2016-10-17-offensive-2", "mosul-2016-10-17-offensive-3"]
    assert validate(events, gazetteer) == []
    assert_only_added(before, events, set(report.added))


# ------------------------------------------------------------------ invalid candidates


def test_invalid_candidates_are_reported_with_their_lines_and_not_written(tmp_path, events, gazetteer):
    before = events.read_bytes()
    path = write_candidates(
        tmp_path,
        candidate("atlantis-2016-06-01-capture", "2016-06-01", "atlantis", "bombing"),
        BOMBING,
        candidate("hit-2016-06-03-massacre", "2016-06-03", "hit", "massacre"),
        candidate("fallujah-2016-06-05-taken", "2016-06-05", "fallujah", "capture",
                  extra="  change: {from: syria, to: iraq}\n"),
        candidate("ramadi-2016-06-07-bomb", "2016-06-07", "ramadi", "bombing", sources=False),
        EXODUS,
    )
    report = merge_candidates(path, events, gazetteer)
    assert report.added == ["fallujah-2016-06-01-bombing", "mosul-2014-06-10-exodus"]
    expected = [
        (line_of(path, "place: atlantis"), "candidates[0].place", "unknown place 'atlantis'"),
        (line_of(path, "type: massacre"), "candidates[2].type", "unknown type 'massacre'"),
        (line_of(path, "from: syria"), "candidates[3].change.from", "held by isis"),
        (line_of(path, "id: ramadi-2016-06-07-bomb"), "candidates[4].sources", "at least one source"),
    ]
    assert len(report.invalid) == len(expected), report.invalid
    for (line, field, words), message in zip(expected, report.invalid, strict=True):  # in file order
        assert message.startswith(f"{path}:{line}: {field}: "), message
        assert words in message
    assert validate(events, gazetteer) == []
    assert_only_added(before, events, set(report.added))
    assert "ramadi-2016-06-07-bomb" not in events.read_text(encoding="utf-8")


def test_a_candidate_that_breaks_a_later_event_is_refused(tmp_path, events, gazetteer):
    before = events.read_bytes()
    broken = line_of(events, "id: fallujah-2016-06-26-liberated") + 4  # its change line, before the merge
    early = candidate("fallujah-2016-06-10-liberated", "2016-06-10", "fallujah", "capture",
                      extra="  change: {from: isis, to: iraq}\n")
    path = write_candidates(tmp_path, early, BOMBING)
    report = merge_candidates(path, events, gazetteer)
    assert report.added == ["fallujah-2016-06-01-bombing"]
    [message] = report.invalid
    assert message.startswith(f"{path}:{line_of(path, 'id: fallujah-2016-06-10-liberated')}: candidates[0]: ")
    assert f"conflicts with the record: {events}:{broken}: event fallujah-2016-06-26-liberated.change.from" \
        in message
    assert_only_added(before, events, {"fallujah-2016-06-01-bombing"})


def test_a_change_resting_on_wikipedia_alone_is_refused(tmp_path, events, gazetteer):
    before = events.read_bytes()
    wiki = "{title: Battle of Hit, publisher: Wikipedia, date: null, url: 'https://en.wikipedia.org/wiki/Hit'}"
    taken = candidate("hit-2016-06-10-retaken", "2016-06-10", "hit", "other",
                      extra="  change: {from: iraq, to: isis}\n", sources=False) + f"  sources:\n  - {wiki}\n"
    report = merge_candidates(write_candidates(tmp_path, taken), events, gazetteer)
    assert report.added == []
    [message] = report.invalid
    assert "candidates[0]" in message and "needs a dated source from a news organisation" in message
    assert events.read_bytes() == before


def test_unknown_fields_are_reported(tmp_path, events, gazetteer):
    path = write_candidates(tmp_path, BOMBING.replace("  summary:", "  sumary: typo\n  summary:"))
    report = merge_candidates(path, events, gazetteer)
    assert report.added == []
    assert f"{path}:{line_of(path, 'sumary')}: candidates[0].sumary: unknown field" in report.invalid[0]


def test_nothing_written_when_nothing_is_valid(tmp_path, events, gazetteer):
    before, mtime = events.read_bytes(), events.stat().st_mtime_ns
    dup = candidate("fallujah-2016-05-21-push", "2016-05-21", "fallujah", "offensive")
    bad = candidate("atlantis-2016-06-01-capture", "2016-06-01", "atlantis", "bombing")
    report = merge_candidates(write_candidates(tmp_path, dup, bad), events, gazetteer)
    assert report.added == [] and report.backup is None
    assert report.summary().startswith("Nothing added")
    assert events.read_bytes() == before and events.stat().st_mtime_ns == mtime
    assert backups(events) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["candidates.yaml", "events.yaml"]


def test_empty_candidates_list(tmp_path, events, gazetteer):
    path = tmp_path / "candidates.yaml"
    path.write_text(HEADER, encoding="utf-8")
    assert read_candidates(path) == []
    assert merge_candidates(path, events, gazetteer) == MergeReport()


# ------------------------------------------------------------------ writing safely


def test_a_backup_is_kept(tmp_path, events, gazetteer):
    before = events.read_bytes()
    events.chmod(0o644)
    report = merge_candidates(write_candidates(tmp_path, BOMBING), events, gazetteer)
    [backup] = backups(events)
    assert report.backup == backup
    assert re.fullmatch(r"events\.yaml\.\d{8}-\d{6}\.bak", backup.name)
    assert backup.read_bytes() == before
    assert str(backup) in report.summary()
    assert stat.S_IMODE(events.stat().st_mode) == 0o644


def test_second_merge_keeps_both_backups(tmp_path, events, gazetteer):
    merge_candidates(write_candidates(tmp_path, BOMBING), events, gazetteer)
    merge_candidates(write_candidates(tmp_path, EXODUS), events, gazetteer)
    assert len(backups(events)) == 2


def test_no_backup_when_not_asked(tmp_path, events, gazetteer):
    report = merge_candidates(write_candidates(tmp_path, BOMBING), events, gazetteer, backup=False)
    assert report.added and report.backup is None and backups(events) == []


def test_dry_run_writes_nothing(tmp_path, events, gazetteer):
    before = events.read_bytes()
    report = merge_candidates(write_candidates(tmp_path, BOMBING), events, gazetteer, dry_run=True)
    assert report.added == ["fallujah-2016-06-01-bombing"]
    assert events.read_bytes() == before and backups(events) == []


@pytest.mark.parametrize("fail_on", ["backup", "events"])
def test_an_interrupted_write_leaves_events_unchanged(tmp_path, events, gazetteer, monkeypatch, fail_on):
    before = events.read_bytes()
    real_replace = os.replace

    def replace(src, dst):
        if fail_on == "backup" or Path(dst) == events:
            raise OSError("disk full")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError, match="disk full"):
        merge_candidates(write_candidates(tmp_path, BOMBING), events, gazetteer)
    assert events.read_bytes() == before
    assert not list(tmp_path.glob(".*.tmp"))
    assert len(backups(events)) == (0 if fail_on == "backup" else 1)


# ------------------------------------------------------------------ text that fights back


HOSTILE = ("Taken: # not a comment, 'single' and \"double\" quotes\n"
           "second line: - [x] {y} & *z\n\n  indented\t")


def test_hostile_text_round_trips_exactly(tmp_path, events, gazetteer):
    quoted = yaml.safe_dump(HOSTILE, allow_unicode=True).removesuffix("\n...\n").strip()
    title = "Kurds: 'we won' # \"really\""
    entry = candidate("fallujah-2016-06-01-bombing", "2016-06-01", "fallujah", "bombing", quoted)
    entry = entry.replace("title: 'Iraqi forces press on'", f"title: {yaml.safe_dump(title).splitlines()[0]}")
    before = events.read_bytes()
    report = merge_candidates(write_candidates(tmp_path, entry), events, gazetteer)
    assert report.added == ["fallujah-2016-06-01-bombing"], report.invalid
    merged = yaml.safe_load(events.read_text(encoding="utf-8"))
    [event] = [e for e in merged["events"] if e["id"] == "fallujah-2016-06-01-bombing"]
    assert event["summary"] == HOSTILE
    assert event["sources"][0]["title"] == title
    assert validate(events, gazetteer) == []
    assert_only_added(before, events, {"fallujah-2016-06-01-bombing"})


def test_rendering_reproduces_every_existing_event():
    """The real record's own style: rendering each of its events gives back its exact text."""
    events = paths.DATA / "events.yaml"
    text = events.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    items = load_yaml_text(text, str(events))["events"]
    # The events list ends at the next line back at column 0 that opens no event (the unrecorded list).
    after = next((i for i in range(items[-1].line, len(lines)) if lines[i][:1] not in ("-", " ", "\n")),
                 len(lines))
    starts = [item.line - 1 for item in items] + [after]
    for item, start, end in zip(items, starts, starts[1:], strict=False):
        assert render_event(item) == "".join(lines[start:end]), item["id"]


def test_rendering_keeps_the_indentation_and_line_breaks_asked():
    text = render_event({"id": "x", "date": "2016-01-01", "place": "hit", "type": "other", "summary": "s",
                         "sources": [{"title": "T", "publisher": "P", "date": None}]},
                        indent=2, newline="\r\n")
    assert text.startswith("  - id: x\r\n    date: 2016-01-01\r\n")
    assert all(line.endswith("\r\n") for line in text.splitlines(keepends=True))


# ------------------------------------------------------------------ bad input files


def test_read_candidates_keeps_lines(tmp_path):
    path = write_candidates(tmp_path, BOMBING, EXODUS)
    first, second = read_candidates(path)
    assert first["id"] == "fallujah-2016-06-01-bombing"
    assert second.line == line_of(path, "id: mosul-2014-06-10-exodus")
    assert second.line_of("place") == line_of(path, "place: mosul")


@pytest.mark.parametrize(("text", "where"), [
    ("candidates: [\n", "candidates.yaml:2: not valid YAML"),
    ("- id: a\n", "candidates.yaml:1: (top level): expected a mapping"),
    ("article: {name: a.txt}\n", "candidates.yaml:1: candidates: missing or not a list"),
    ("candidates:\n- id: a\n- just text\n", "candidates.yaml:1: candidates[1]: expected a mapping"),
    ("candidates:\n- id: a\n  id: b\n", "candidates.yaml:3: not valid YAML: duplicate key 'id'"),
])
def test_malformed_candidates_files_are_refused(tmp_path, events, gazetteer, text, where):
    path = tmp_path / "candidates.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as err:
        merge_candidates(path, events, gazetteer)
    assert str(err.value).startswith(f"{tmp_path}/{where}")


def test_missing_candidates_file(tmp_path, events, gazetteer):
    with pytest.raises(DataError, match="cannot read file"):
        merge_candidates(tmp_path / "nope.yaml", events, gazetteer)


def test_an_invalid_events_file_is_not_merged_into(tmp_path, events, gazetteer):
    events.write_text(events.read_text(encoding="utf-8").replace("place: fallujah\n  type: offensive",
                                                                 "place: falujah\n  type: offensive", 1),
                      encoding="utf-8")
    before = events.read_bytes()
    with pytest.raises(DataError, match="falujah"):
        merge_candidates(write_candidates(tmp_path, BOMBING), events, gazetteer)
    assert events.read_bytes() == before and backups(events) == []


def test_candidates_held_in_memory_merge_like_a_file(tmp_path, events, gazetteer):
    """The app's path: plain dicts (nested sources and change too), edited by the reviewer."""
    (entry,) = yaml.safe_load(HEADER + BOMBING)["candidates"]
    assert isinstance(entry["sources"][0], dict)
    before = events.read_bytes()
    report = merge_into([entry], events, gazetteer, origin="the page")
    assert report.added == ["fallujah-2016-06-01-bombing"] and report.invalid == []
    assert validate(events, gazetteer) == []
    assert_only_added(before, events, {"fallujah-2016-06-01-bombing"})
