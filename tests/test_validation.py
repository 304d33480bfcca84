"""Loading and validating events files: every kind of problem, with its line and field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dashboard.core.problems import DataError
from dashboard.core.validation import load_record, validate

from .conftest import DATA

VALID = (DATA / "events_small.yaml").read_text(encoding="utf-8")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "events.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_valid_file_loads(small_gazetteer):
    record, history = load_record(DATA / "events_small.yaml", small_gazetteer)
    assert len(record.events) == 5
    assert history.at("fallujah", dt.date(2016, 5, 22)).control.faction == "isis"
    assert history.at("fallujah", dt.date(2016, 7, 15)).control.faction == "iraq"
    assert history.at("deir-ez-zor", dt.date(2016, 1, 1)).besieged_by == "isis"
    assert history.at("deir-ez-zor", dt.date(2017, 9, 5)).besieged_by is None


# (what to replace in the valid file, with what, the field named, words in the message,
#  the text of the line the problem must point at)
CASES = [
    ("place: fallujah\n    type: capture\n    change: {from: iraq",
     "place: Falujah\n    type: capture\n    change: {from: iraq",
     "event fallujah-2014-01-04.place", "did you mean: fallujah", "place: Falujah"),
    ("place: ramadi", "place: atlantis", "baseline.place", "unknown place 'atlantis'", "place: atlantis"),
    ("change: {from: iraq, to: isis}", "change: {from: iraq, to: daesh}",
     ".change.to", "unknown faction 'daesh'", "to: daesh"),
    ("date: 2014-01-04", "date: 2014-13-04", ".date", "malformed date", "2014-13-04"),
    ("date: 2014-01-04", "date: 2020-01-04", ".date", "outside 2014-01-01 .. 2019-03-31", "2020-01-04"),
    ("change: {from: isis, to: iraq}", "change: {from: syria, to: iraq}",
     "event fallujah-2016-06-26.change.from", "held by isis", "from: syria"),
    ("id: raqqa-2014-01-14", "id: fallujah-2014-01-04", ".id", "duplicate id (first on line 18)", None),
    ("    summary: IS fighters took the city.\n    sources: *src\n",
     "    summary: IS fighters took the city.\n", ".sources", "at least one source", None),
    ("type: siege\n", "type: massacre\n", ".type", "unknown type 'massacre'", "massacre"),
    ("summary: Government forces reached the enclave.", "summary: ''", ".summary", "missing", None),
    ("id: deir-ez-zor-siege\n", "id: deir-ez-zor-siege\n    colour: red\n", ".colour", "unknown field", None),
]


@pytest.mark.parametrize(("old", "new", "field", "words", "line_text"), CASES,
                         ids=[c[3] for c in CASES])
def test_each_problem_is_reported_with_line_and_field(tmp_path, small_gazetteer, old, new, field, words,
                                                      line_text):
    assert old in VALID
    text = VALID.replace(old, new, 1)
    problems = validate(write(tmp_path, text), small_gazetteer)
    matching = [p for p in problems if field in p.field and words in p.message]
    assert matching, f"no problem with {field!r} / {words!r} in {[str(p) for p in problems]}"
    if line_text:
        assert matching[0].line == line_of(text, line_text)
    assert str(matching[0]).startswith(f"{tmp_path / 'events.yaml'}:")


def test_every_problem_is_listed_not_just_the_first(tmp_path, small_gazetteer):
    text = VALID.replace("place: ramadi", "place: atlantis").replace("to: isis}", "to: daesh}", 1)
    problems = validate(write(tmp_path, text), small_gazetteer)
    assert {"unknown place 'atlantis'" in p.message for p in problems} >= {True}
    assert any("daesh" in p.message for p in problems)
    assert any("atlantis" in p.message for p in problems)


def test_siege_broken_without_siege(tmp_path, small_gazetteer):
    text = VALID.replace("type: siege\n", "type: other\n").replace("    besieged_by: isis\n", "")
    problems = validate(write(tmp_path, text), small_gazetteer)
    assert [p.message for p in problems] == ["no siege of 'deir-ez-zor' is in force to be broken"]
    assert problems[0].line == line_of(text, "type: siege_broken")


def test_broken_yaml_names_the_line(tmp_path, small_gazetteer):
    text = VALID.replace("summary: IS fighters took the city.", "summary: [unclosed")
    problems = validate(write(tmp_path, text), small_gazetteer)
    assert len(problems) == 1
    assert "not valid YAML" in problems[0].message
    assert problems[0].line is not None


def test_duplicate_yaml_key_is_an_error(tmp_path, small_gazetteer):
    text = VALID.replace("    type: siege\n", "    type: siege\n    type: other\n")
    problems = validate(write(tmp_path, text), small_gazetteer)
    assert any("duplicate key 'type'" in p.message for p in problems)


def test_python_tags_are_refused(tmp_path, small_gazetteer):
    text = VALID.replace("summary: IS fighters took the city.",
                         "summary: !!python/object/apply:os.system ['true']")
    problems = validate(write(tmp_path, text), small_gazetteer)
    assert problems and "not valid YAML" in problems[0].message


def test_load_refuses_invalid_data(tmp_path, small_gazetteer):
    with pytest.raises(DataError) as err:
        load_record(write(tmp_path, VALID.replace("place: ramadi", "place: atlantis")), small_gazetteer)
    assert "atlantis" in str(err.value)


def test_missing_file(tmp_path, small_gazetteer):
    problems = validate(tmp_path / "nope.yaml", small_gazetteer)
    assert "cannot read file" in problems[0].message
