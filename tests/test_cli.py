"""The command line on the synthetic world (tests/fixtures/README.md): every format parses back.

Commands run in this process through ``dashboard.cli.main`` (the ``cli`` fixture); two runs go through
``python -m dashboard`` in a subprocess, end to end.  The real record validating: tests/test_record.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import os
import signal
import stat
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
import yaml

from dashboard.cli import main

from . import synthetic
from .conftest import ON_SYNTHETIC, SYNTHETIC_EVENTS, SYNTHETIC_GEODATA

KML = "{http://www.opengis.net/kml/2.2}"
D = dt.date.fromisoformat


@pytest.fixture(scope="module")
def geojson_2016(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export") / "2016-07-15.geojson"
    args = ["export", "--date", "2016-07-15", "--format", "geojson", "--out", str(out)]
    assert main([*ON_SYNTHETIC, *args]) == 0
    return out


def by_kind(features: list[dict]) -> dict[str, list[dict]]:
    kinds: dict[str, list[dict]] = {}
    for f in features:
        kinds.setdefault(f["properties"]["kind"], []).append(f["properties"])
    return kinds


# --- end to end ----------------------------------------------------------------------------------

def python_m_dashboard(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dashboard", *ON_SYNTHETIC, *args], capture_output=True,
                          text=True)


def test_python_m_dashboard_writes_geojson_to_stdout():
    result = python_m_dashboard("export", "--date", "2015-06-01")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["type"] == "FeatureCollection"
    holders = {p["id"]: p["faction"] for p in by_kind(data["features"])["place"]}
    assert holders["ashford"] == "isis" and holders["brampton"] == "iraq"


def test_python_m_dashboard_exits_2_with_one_line_on_bad_input():
    result = python_m_dashboard("export", "--date", "2016-02-30")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "not a date: '2016-02-30'" in result.stderr
    assert result.stdout == ""


# --- export --------------------------------------------------------------------------------------

def test_geojson_export_reads_back_with_geopandas(geojson_2016):
    frame = gpd.read_file(geojson_2016)
    assert frame.crs.to_epsg() == 4326
    assert set(frame["kind"]) == {"area", "front_line", "place", "event"}
    areas = frame[frame["kind"] == "area"]
    assert set(areas.geom_type) <= {"Polygon", "MultiPolygon"}
    km2 = areas.groupby("faction")["area_km2"].sum().to_dict()
    assert km2 == pytest.approx(synthetic.held_km2(D("2016-07-15")), rel=synthetic.REL)
    besieged = areas[areas["besieged_by"].notna()]
    assert set(zip(besieged["faction"], besieged["besieged_by"], strict=True)) == {("syria", "isis")}
    # Every area says how sure the map is of it: Sandholm's land is inferred, the rings dominated.
    assert set(zip(areas["dominated"], areas["inferred"], strict=True)) == {
        (False, False), (False, True), (True, True)}


def test_geojson_feature_properties_follow_the_contract(geojson_2016):
    kinds = by_kind(json.loads(geojson_2016.read_text())["features"])
    (front,) = kinds["front_line"]
    assert front["sides"] == ["isis", "syria"]
    assert front["length_km"] == pytest.approx(synthetic.chord(35), rel=synthetic.REL)
    holders = {p["id"]: p["faction"] for p in kinds["place"]}
    assert holders == {place: faction for faction, places in synthetic.HELD[D("2016-07-15")].items()
                       for place in places}
    assert all(p["name"] and p["recorded"] == (p["id"] not in ("sandholm", "new-kingsbury"))
               for p in kinds["place"])
    # The 30 days up to 2016-07-15: the two captures of late June.
    assert [p["id"] for p in kinds["event"]] == ["ashford-2016-06-26", "northmere-2016-06-28"]
    for p in kinds["event"]:
        assert {"date", "place", "place_name", "type", "summary", "sources", "from", "to"} <= set(p)
        assert p["sources"] and all(s["title"] and s["publisher"] for s in p["sources"])


def test_export_window_decides_which_events_go_with_the_date(cli):
    data = json.loads(cli("export", "--date", "2016-07-15", "--window", "200").stdout)
    events = [p["id"] for p in by_kind(data["features"])["event"]]
    assert events[0] == "kingsbury-2016-01-20-bombing" and len(events) == 7  # 2015-12-28 .. 2016-07-15


def test_kml_export_is_xml_with_every_kind(cli, tmp_path):
    out = tmp_path / "map.kml"
    cli("export", "--date", "2015-06-01", "--format", "kml", "--out", out)
    root = ET.parse(out).getroot()
    folders = {f.findtext(f"{KML}name"): f for f in root.iter(f"{KML}Folder")}
    assert set(folders) == {"area", "front_line", "place", "event"}
    assert folders["area"].find(f".//{KML}Polygon") is not None
    names = {p.findtext(f"{KML}name") for p in folders["place"].iter(f"{KML}Placemark")}
    assert names == {"Westbrook", "Northmere", "Ferrygate", "Redfield Airbase", "Sandholm", "Bridgeport",
                     "Ashford", "Brampton", "Kingsbury", "New Kingsbury"}
    assert len(list(folders["front_line"].iter(f"{KML}Placemark"))) == 2


def test_exports_give_a_month_precision_date_as_a_month(cli, tmp_path):
    """The Westbrook siege is dated to January 2015 only: the CSV says 2015-01, the KML "January 2015"."""
    rows = tmp_path / "rows.csv"
    cli("export", "--date", "2015-02-01", "--window", "60", "--format", "csv", "--out", rows)
    (siege,) = [r for r in csv.DictReader(rows.open(encoding="utf-8")) if r["id"] == "westbrook-siege"]
    assert siege["date"] == "2015-01"
    kml = tmp_path / "map.kml"
    cli("export", "--date", "2015-02-01", "--window", "60", "--format", "kml", "--out", kml)
    names = {p.findtext(f"{KML}name") for p in ET.parse(kml).getroot().iter(f"{KML}Placemark")}
    assert "January 2015 Westbrook" in names


def test_csv_export_has_areas_front_lines_places_and_events(cli, tmp_path):
    out = tmp_path / "rows.csv"
    cli("export", "--date", "2016-06-26", "--format", "csv", "--out", out)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert {r["kind"] for r in rows} == {"area", "front_line", "place", "event"}
    for row in rows:
        if row["kind"] == "area":
            shape = shapely.from_wkt(row["wkt"])
            assert shape.geom_type in ("Polygon", "MultiPolygon") and shape.area > 0
            assert row["area_km2"] and not row["lat"]
        elif row["kind"] == "front_line":
            assert shapely.from_wkt(row["wkt"]).length > 0 and row["sides"] == "isis;syria"
    ashford = next(r for r in rows if r["kind"] == "place" and r["place"] == "ashford")
    assert ashford["faction"] == "iraq"  # retaken that day
    assert (float(ashford["lat"]), float(ashford["lon"])) == pytest.approx((33.548043, 42.538384))
    assert all(r["sources"] for r in rows if r["kind"] == "event")


def test_history_export_dates_every_feature(cli, tmp_path):
    out = tmp_path / "history.geojson"
    cli("export", "--history", "--from", "2016-01-01", "--to", "2016-12-31", "--out", out)
    features = [f["properties"] for f in json.loads(out.read_text())["features"]]
    assert all(p["valid_from"] < p["valid_to"] for p in features)
    assert min(p["valid_from"] for p in features) == "2016-01-01"
    assert max(p["valid_to"] for p in features) == "2017-01-01"
    ashford = [(p["valid_from"], p["valid_to"], p["faction"]) for p in features if p.get("id") == "ashford"]
    # History keeps the recorded places only (the others' control is the area they lie in).
    assert {p["id"] for p in features if p["kind"] == "place"} == synthetic_recorded()
    assert sorted(ashford) == [("2016-01-01", "2016-06-26", "isis"), ("2016-06-26", "2017-01-01", "iraq")]
    # Three states in 2016 (from 2016-01-01, 2016-06-26, 2016-06-28), each with its own areas.
    starts = sorted({p["valid_from"] for p in features if p["kind"] == "area"})
    assert starts == ["2016-01-01", "2016-06-26", "2016-06-28"]
    on_day = [p for p in features if p["kind"] == "area" and p["valid_from"] <= "2016-07-15" < p["valid_to"]]
    assert {p["faction"] for p in on_day} == {"iraq", "isis", "opposition", "syria", "unclaimed"}


def test_stats_prints_csv_per_faction_per_month(cli):
    result = cli("stats", "--from", "2015-01-01", "--to", "2015-06-01", "--every", "month")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["date"] for r in rows} == {f"2015-0{m}-01" for m in range(1, 7)}
    isis = [float(r["area_km2"]) for r in rows if r["faction"] == "isis"]
    # Northmere and Ashford; from 2015-05-20 Redfield Airbase too.
    before = synthetic.CELL_KM2["northmere"] + synthetic.CELL_KM2["ashford"]
    after = before + synthetic.CELL_KM2["redfield-airbase"]
    assert isis == pytest.approx([before] * 5 + [after], rel=synthetic.REL)


# --- bad input -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("args", "words"), [
    (("export", "--date", "2016-02-30"), "not a date"),
    (("export", "--date", "2021-01-01"), "outside the record"),
    (("export", "--date", "2016-01-01", "--format", "shp"), "invalid choice"),
    (("export",), "needs --date"),
    (("export", "--date", "2016-01-01", "--history"), "not both"),
    (("export", "--history", "--from", "2017-01-01", "--to", "2016-01-01"), "before --from"),
    (("stats", "--every", "fortnight"), "unknown step"),
    (("--events", "/nonexistent/events.yaml", "export", "--date", "2016-01-01"), "cannot read file"),
    (("export", "--date", "2016-01-01", "--out", "/nonexistent/dir/x.geojson"), "does not exist"),
])
def test_bad_input_gives_one_clear_line_and_a_non_zero_exit(cli, args, words):
    result = cli(*args, check=False)
    assert result.returncode != 0
    assert words in result.stderr
    assert result.stdout == ""


def test_help_is_not_an_error(cli):
    result = cli("--help")
    assert result.returncode == 0 and result.stdout.startswith("usage: python -m dashboard")


def test_validate_lists_problems_with_file_and_line(cli, tmp_path):
    text = SYNTHETIC_EVENTS.read_text(encoding="utf-8")
    bad = text.replace("place: ashford", "place: Ashfort", 1)
    path = tmp_path / "events.yaml"
    path.write_text(bad, encoding="utf-8")
    result = cli("validate", path, check=False)
    assert result.returncode == 1
    line = next(i for i, t in enumerate(bad.splitlines(), 1) if "place: Ashfort" in t)
    assert f"{path}:{line}: " in result.stderr
    assert "did you mean: ashford" in result.stderr
    assert result.stderr.strip().endswith("problem(s)")


@pytest.mark.parametrize("args", [
    ("snapshot", "--date", "2017-07-10", "--focus", "Atlantis"),
    ("snapshot", "--date", "2017-07-10", "--bbox", "0,0,5,5"),
    ("snapshot", "--date", "2017-07-10", "--bbox", "1,2"),
    ("snapshot", "--date", "2012-01-01"),
    ("snapshot", "--date", "2017-07-10", "--compare", "2020-01-01"),
    ("briefing", "--dates", "2016-01-01", "--focus", "Atlantis"),
    ("briefing", "--from", "2016-01-01", "--to", "2016-06-01", "--every", "3X"),
    ("briefing", "--dates", "2016-01-01", "--every", "3M"),
    ("html", "--from", "2017-01-01", "--to", "2016-01-01"),
])
def test_bad_briefing_input_is_one_line_and_writes_nothing(cli, tmp_path, args):
    suffix = {"snapshot": ".png", "briefing": ".pdf", "html": ".html"}[args[0]]
    result = cli(*args, "--out", tmp_path / f"out{suffix}", check=False)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("error: ")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("command", "out", "message"), [
    ("snapshot", "map.gif", "unknown extension '.gif'"),
    ("briefing", "pack.docx", "unknown extension '.docx'"),
    ("snapshot", "missing/map.png", "does not exist"),
    ("html", "taken.html", "it is a folder"),
])
def test_bad_output_paths_are_refused_before_any_work(cli, tmp_path, command, out, message):
    (tmp_path / "taken.html").mkdir()
    dates = ("--dates", "2016-01-01") if command == "briefing" else ("--date", "2016-01-01")
    args = (command, *dates) if command != "html" else (command,)
    result = cli(*args, "--out", tmp_path / out, check=False)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["taken.html"]


def test_html_command_writes_one_self_contained_file(cli, tmp_path):
    out = tmp_path / "map.html"
    result = cli("html", "--from", "2016-06-01", "--to", "2016-09-30", "--out", out)
    assert result.stderr == f"wrote {out}\n"
    text = out.read_text(encoding="utf-8")
    assert "<script src=" not in text and "L.map(" in text
    assert "Kingsbury" in text  # the synthetic places, named on the page
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]


# --- ingest and merge ----------------------------------------------------------------------------

ARTICLE = """Tuesday, 21 June 2016

A car bomb exploded in a market in Kingsbury on Sunday, killing at least 20 people.
Elsewhere, Iraqi forces captured the old town of Ashford from the Islamic State on 20 June 2016.
"""


@pytest.fixture
def ingested(cli, tmp_path) -> tuple[Path, Path, dict]:
    """(events file copy, candidates file, its document) from ARTICLE."""
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    events = tmp_path / "events.yaml"
    events.write_bytes(SYNTHETIC_EVENTS.read_bytes())
    candidates = tmp_path / "candidates.yaml"
    result = cli("ingest", article, "--source-title", "Our test wire", "--publisher", "Test News",
                 "--out", candidates)
    assert result.stderr == f"{article}: 2 candidate event(s), published 2016-06-21\n"
    document = yaml.safe_load(candidates.read_text(encoding="utf-8"))
    assert document["article"]["published"] == dt.date(2016, 6, 21)  # from the dateline
    return events, candidates, document


def keep(candidates: Path, document: dict, place: str) -> dict:
    document["candidates"] = [c for c in document["candidates"] if c["place"] == place]
    candidates.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return document["candidates"][0]


def test_ingest_then_merge_adds_a_reviewed_event(cli, ingested):
    events, candidates, document = ingested
    bombing = keep(candidates, document, "kingsbury")
    assert bombing["type"] == "bombing" and bombing["date"] == dt.date(2016, 6, 19)  # "on Sunday"
    start, end = next((e["start"], e["end"]) for e in bombing["evidence"] if e["what"] == "place")
    assert ARTICLE[start:end] == "Kingsbury"
    before = events.read_text(encoding="utf-8")
    result = cli("merge", candidates, "--into", events)
    assert f"Added 1 event: {bombing['id']}" in result.stderr
    record = yaml.safe_load(events.read_text(encoding="utf-8"))
    added = next(e for e in record["events"] if e["id"] == bombing["id"])
    assert added["sources"][0]["title"] == "Our test wire" and "confidence" not in added
    assert cli("validate", events).returncode == 0
    assert len(events.read_text(encoding="utf-8")) > len(before)


def test_merge_dry_run_says_what_it_would_add_and_fails_on_any_refusal(cli, ingested):
    events, candidates, document = ingested
    before = events.read_bytes()
    result = cli("merge", candidates, "--into", events, "--dry-run", check=False)
    # Of the two candidates the Kingsbury bombing would be added, the Ashford capture is refused.
    assert "Would add 1 event" in result.stderr and "conflicts with the record" in result.stderr
    assert result.returncode == 1
    keep(candidates, document, "kingsbury")
    result = cli("merge", candidates, "--into", events, "--dry-run")
    assert result.returncode == 0 and "Would add 1 event" in result.stderr
    assert events.read_bytes() == before and not list(events.parent.glob("*.bak"))


def test_merge_refuses_a_change_the_record_contradicts(cli, ingested):
    """Ashford taken from IS on 20 June 2016 would make the record's 26 June recapture start from Iraq."""
    events, candidates, document = ingested
    ashford = keep(candidates, document, "ashford")
    assert ashford["change"] == {"from": "isis", "to": "iraq"}
    before = events.read_bytes()
    result = cli("merge", candidates, "--into", events, check=False)
    assert result.returncode == 1
    assert "conflicts with the record" in result.stderr and "ashford-2016-06-26" in result.stderr
    assert events.read_bytes() == before  # nothing written, no backup
    assert not list(events.parent.glob("*.bak"))


def test_ingest_without_a_date_asks_for_one(cli, tmp_path):
    article = tmp_path / "undated.txt"
    article.write_text("Iraqi forces entered Ashford.\n", encoding="utf-8")
    result = cli("ingest", article, check=False)
    assert result.returncode == 2 and "--published" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_ingest_refuses_other_file_types(cli, tmp_path):
    article = tmp_path / "article.pdf"
    article.write_bytes(b"%PDF-1.4")
    result = cli("ingest", article, "--published", "2016-01-01", check=False)
    assert result.returncode == 2 and "only .txt and .html" in result.stderr


def synthetic_recorded() -> set[str]:
    return {"westbrook", "northmere", "ferrygate", "redfield-airbase", "bridgeport", "ashford", "brampton",
            "kingsbury"}


#: The eastern country of the synthetic world (x 0..200 km), in degrees.
BBOX_EAST = "42.0,32.9,44.4,35.0"


def test_export_takes_the_frame_a_snapshot_would_draw(cli, tmp_path):
    """--focus and --bbox cut the export to the map a snapshot with the same option draws."""
    whole = json.loads(cli("export", "--date", "2016-07-15").stdout)["features"]
    bbox = json.loads(cli("export", "--date", "2016-07-15", "--bbox", BBOX_EAST).stdout)["features"]
    focus = json.loads(cli("export", "--date", "2016-07-15", "--focus", "Ashford").stdout)["features"]
    west, south, east, north = (float(v) for v in BBOX_EAST.split(","))
    for cut in (bbox, focus):
        assert 0 < len(cut) < len(whole)
    for f in bbox:
        xs, ys = zip(*_coordinates(f["geometry"]), strict=True)
        assert west - 1e-4 <= min(xs) and max(xs) <= east + 1e-4 and south - 1e-4 <= min(ys)
        assert max(ys) <= north + 1e-4
    assert "ashford" in {f["properties"].get("id") for f in focus}
    assert "northmere" not in {f["properties"].get("id") for f in focus}
    result = cli("export", "--date", "2016-07-15", "--focus", "Atlantis", check=False)
    assert result.returncode == 2 and "--focus" in result.stderr


def _coordinates(geometry: dict) -> list[tuple[float, float]]:
    def walk(c):
        if isinstance(c[0], (int, float)):
            yield (c[0], c[1])
        else:
            for part in c:
                yield from walk(part)
    return list(walk(geometry["coordinates"]))


# --- writing safely --------------------------------------------------------------------------------

def folder_state(folder: Path) -> dict[str, tuple[bool, bytes | None, int]]:
    """Every entry of ``folder``: (is a link, content if a regular file, mode)."""
    return {p.name: (p.is_symlink(), p.read_bytes() if p.is_file() else None, p.lstat().st_mode)
            for p in folder.iterdir()}


def test_merge_refuses_a_read_only_events_file_and_makes_no_backup(cli, ingested):
    events, candidates, document = ingested
    keep(candidates, document, "kingsbury")
    events.chmod(0o444)
    before = folder_state(events.parent)
    result = cli("merge", candidates, "--into", events, check=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{events}: it is read-only (mode 0444)" in result.stderr and "nothing written" in result.stderr
    assert folder_state(events.parent) == before  # the file as it was, no backup, no temporary


def test_merge_through_a_symlink_writes_the_file_it_points_to(cli, ingested):
    events, candidates, document = ingested
    bombing = keep(candidates, document, "kingsbury")
    link = events.parent / "linked.yaml"
    link.symlink_to(events)
    cli("merge", candidates, "--into", link)
    assert link.is_symlink() and bombing["id"] in events.read_text(encoding="utf-8")


@pytest.mark.parametrize(("args", "make", "words"), [
    (("snapshot", "--date", "2016-01-01"), "fifo", "it is a FIFO (named pipe), not a regular file"),
    (("snapshot", "--date", "2016-01-01"), "read-only", "it is read-only (mode 0444)"),
    (("briefing", "--dates", "2016-01-01"), "read-only", "it is read-only (mode 0444)"),
    (("export", "--date", "2016-01-01"), "read-only", "it is read-only (mode 0444)"),
    (("stats",), "read-only", "it is read-only (mode 0444)"),
    (("export", "--date", "2016-01-01"), "folder", "it is a folder, not a regular file"),
])
def test_outputs_that_must_not_be_replaced_are_refused_in_one_line(cli, tmp_path, args, make, words):
    suffix = {"snapshot": ".png", "briefing": ".pdf", "export": ".geojson", "stats": ".csv"}[args[0]]
    out = tmp_path / f"out{suffix}"
    if make == "fifo":
        os.mkfifo(out)
    elif make == "folder":
        out.mkdir()
    else:
        out.write_text("kept")
        out.chmod(0o444)
    before = folder_state(tmp_path)
    result = cli(*args, "--out", out, check=False)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"error: cannot write {out}: {words}")
    assert folder_state(tmp_path) == before


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_a_device_as_output_is_refused(cli):
    result = cli("stats", "--out", "/dev/full", check=False)
    assert result.returncode == 2
    assert result.stderr == "error: cannot write /dev/full: it is a device, not a regular file\n"


def test_a_snapshot_through_a_symlink_replaces_its_target_and_keeps_the_link(cli, tmp_path):
    real = tmp_path / "maps" / "map.png"
    real.parent.mkdir()
    real.write_bytes(b"old")
    link = tmp_path / "latest.png"
    link.symlink_to(real)
    cli("snapshot", "--date", "2016-01-01", "--out", link)
    assert link.is_symlink() and real.read_bytes().startswith(b"\x89PNG")
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["latest.png", "map.png", "maps"]


def test_outputs_follow_the_umask(cli, tmp_path):
    old = os.umask(0o022)
    try:
        for args, name in [(("snapshot", "--date", "2016-01-01"), "map.svg"), (("stats",), "areas.csv"),
                           (("export", "--date", "2016-01-01", "--format", "kml"), "map.kml")]:
            cli(*args, "--out", tmp_path / name)
            assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644, name
    finally:
        os.umask(old)


def temporaries(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize(("signum", "old"), [
    (signal.SIGTERM, None), (signal.SIGTERM, b"old map"), (signal.SIGTERM, b"old map"),
    (signal.SIGINT, b"old map"),
])
def test_a_snapshot_stopped_while_writing_leaves_no_temporary_file(tmp_path, signum, old):
    """Killed once its temporary file exists (polled for: drawing the map takes about a second, all of
    it inside the write), the snapshot removes it; the target is absent or keeps its old content."""
    out = tmp_path / "map.png"
    for _attempt in range(5):  # on a loaded machine the write may end before the signal lands: again
        if old is not None:
            out.write_bytes(old)
        else:
            out.unlink(missing_ok=True)
        proc = subprocess.Popen([sys.executable, "-m", "dashboard", *ON_SYNTHETIC, "snapshot", "--date",
                                 "2016-07-15", "--out", str(out)], stderr=subprocess.PIPE, text=True)
        try:
            while not temporaries(tmp_path):
                assert proc.poll() is None, "the snapshot ended before its temporary file was seen"
                time.sleep(0.002)
            proc.send_signal(signum)
            _, stderr = proc.communicate(timeout=60)
        finally:
            proc.kill()
        assert temporaries(tmp_path) == []
        if proc.returncode != 0:
            break
    assert proc.returncode == 128 + signum, stderr
    assert "Traceback" not in stderr and "the file being written was left as it was" in stderr
    assert temporaries(tmp_path) == []
    assert (out.read_bytes() if out.exists() else None) == old


# --- generated geography checked, not trusted by name ----------------------------------------------

def broken_geodata(tmp_path: Path, name: str, content: bytes | None) -> Path:
    """A copy of the synthetic geography with ``name`` replaced by ``content`` (a folder if None)."""
    geodata = tmp_path / "geodata"
    geodata.mkdir()
    for source in SYNTHETIC_GEODATA.iterdir():
        (geodata / source.name).write_bytes(source.read_bytes())
    broken = geodata / name
    broken.unlink()
    if content is None:
        broken.mkdir()
    else:
        broken.write_bytes(content)
    return geodata


@pytest.mark.parametrize(("name", "content", "words"), [
    ("countries.geojson", b"", "is empty (0 bytes)"),
    ("governorates.geojson", b'{"type": "FeatureCollection", "features": [{"geom', "is not JSON (line 1"),
    ("rivers.geojson", b'{"type": "FeatureCollection", "features": []}', "has no features"),
    ("rivers.geojson", b'{"type": "FeatureCollection", "features": [{"geometry": 3}]}',
     "features[0]: not a GeoJSON feature with a geometry"),
    ("countries.geojson", b"[1, 2]", "is not a GeoJSON FeatureCollection"),
    ("countries.geojson", b"\xff\xfe{", "is not UTF-8 text"),
    ("countries.geojson", None, "cannot be read (Is a directory)"),
    ("places.csv", b"", "the gazetteer is empty (0 bytes)"),
    ("places.csv", None, "the gazetteer cannot be read (Is a directory)"),
    ("places.csv", b"id,name\n\xff\n", "the gazetteer is not UTF-8 text"),
])
def test_a_broken_geography_file_is_named_in_one_clear_message(cli, tmp_path, name, content, words):
    geodata = broken_geodata(tmp_path, name, content)
    before = folder_state(geodata)
    result = run_cli_on(cli, geodata, "snapshot", "--date", "2016-07-15", "--out", tmp_path / "out.png")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"{geodata / name}: {words}")
    assert "rebuild the geography" in result.stderr and result.stderr.count("\n") == 1
    assert folder_state(geodata) == before and not (tmp_path / "out.png").exists()


def run_cli_on(cli, geodata: Path, *args: str | Path):
    """``cli`` with ``--geodata`` pointing elsewhere than the synthetic world's (the last one given wins)."""
    return cli("--geodata", geodata, *args, check=False)


def test_base_layer_problems_say_which_layers_the_map_would_lack(tmp_path):
    from dashboard.core.geography import base_layer_problems

    assert base_layer_problems(SYNTHETIC_GEODATA) == []
    geodata = broken_geodata(tmp_path, "governorates.geojson", b"")
    assert [str(p) for p in base_layer_problems(geodata)] == [
        f"{geodata / 'governorates.geojson'}: is empty (0 bytes); rebuild the geography "
        "(python geodata/build.py) or reinstall the package"]


# --- exports safe in the tools they open in ---------------------------------------------------------

#: Text a hostile or careless contributor might put in the record, for the export tools to choke on.
SCRIPT_SUMMARY = "<script>alert(1)</script> ]]><b>out of CDATA</b> & more"
FORMULA_SUMMARY = "=cmd|' /C calc'!A0"
FORMULA_TITLE = '@HYPERLINK("http://example.org/x","click")'


@pytest.fixture
def hostile_events(tmp_path) -> Path:
    def quoted(text: str) -> str:
        return "'" + text.replace("'", "''") + "'"

    text = SYNTHETIC_EVENTS.read_text(encoding="utf-8")
    for old, new in [("summary: Iraqi forces retook Ashford.", f"summary: {quoted(SCRIPT_SUMMARY)}"),
                     ("summary: Rebels took Northmere from IS.", f"summary: {quoted(FORMULA_SUMMARY)}"),
                     ("title: Fixture wire,", f"title: {quoted(FORMULA_TITLE)},")]:
        assert old in text
        text = text.replace(old, new)
    events = tmp_path / "hostile.yaml"
    events.write_text(text, encoding="utf-8")
    return events


class _Tags(HTMLParser):
    """The tags an HTML renderer (Google Earth's balloons) would find in a text."""

    def __init__(self, text: str):
        super().__init__()
        self.tags: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


def test_kml_names_and_descriptions_are_escaped_html_in_cdata(cli, tmp_path, hostile_events):
    out = tmp_path / "map.kml"
    cli("--events", hostile_events, "export", "--date", "2016-07-15", "--format", "kml", "--out", out)
    raw = out.read_text(encoding="utf-8")
    assert "<![CDATA[&lt;script&gt;alert(1)&lt;/script&gt; ]]&gt;&lt;b&gt;" in raw
    marks = {p.findtext(f"{KML}ExtendedData/{KML}Data[@name='id']/{KML}value"): p
             for p in ET.parse(out).getroot().iter(f"{KML}Placemark")}  # the file is still XML
    description = marks["ashford-2016-06-26"].findtext(f"{KML}description")
    assert _Tags(description).tags == []  # nothing in it is markup for Google Earth
    assert html.unescape(description).startswith(SCRIPT_SUMMARY + "\n" + FORMULA_TITLE)
    assert all(_Tags(mark.findtext(f"{KML}name")).tags == [] for mark in marks.values())


def test_csv_cells_never_start_a_formula_and_numbers_stay_numbers(cli, tmp_path, hostile_events):
    out = tmp_path / "rows.csv"
    cli("--events", hostile_events, "export", "--date", "2016-07-15", "--format", "csv", "--out", out)
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    by_id = {r["id"]: r for r in rows}
    assert by_id["northmere-2016-06-28"]["summary"] == "'" + FORMULA_SUMMARY
    assert by_id["ashford-2016-06-26"]["summary"] == SCRIPT_SUMMARY  # not a formula: left as written
    assert by_id["ashford-2016-06-26"]["sources"].startswith("'" + FORMULA_TITLE)
    for row in rows:
        for cell in row.values():
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                float(cell)  # only a plain number may start so
    areas = [r for r in rows if r["kind"] == "area"]
    assert areas and all(float(r["area_km2"]) > 0 for r in areas)  # numbers are written as numbers
    assert all(-90 <= float(r["lat"]) <= 90 for r in rows if r["kind"] == "place")


@pytest.mark.parametrize(("cell", "written"), [
    ("=1+2", "'=1+2"), ("+1+2", "'+1+2"), ("-1+2", "'-1+2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1+2", "'\t=1+2"), ("\r=1+2", "'\r=1+2"), ("-12.5", "-12.5"), ("+3", "+3"), ("-1e3", "-1e3"),
    ("Raqqa", "Raqqa"), ("a=b", "a=b"), ("", ""),
])
def test_csv_text_neutralises_formulas_only(cell, written):
    from dashboard.outputs.formats import csv_text

    assert csv_text(cell) == written
