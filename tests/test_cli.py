"""The command line, end to end in a subprocess: every format parses back."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import geopandas as gpd
import pytest
import shapely
import yaml

from dashboard.core import paths

KML = "{http://www.opengis.net/kml/2.2}"


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "dashboard", *args], capture_output=True, text=True)
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def geojson_2016(tmp_path_factory):
    out = tmp_path_factory.mktemp("export") / "2016-07-15.geojson"
    run("export", "--date", "2016-07-15", "--format", "geojson", "--out", str(out))
    return out


def test_geojson_export_reads_back_with_geopandas(geojson_2016):
    frame = gpd.read_file(geojson_2016)
    assert frame.crs.to_epsg() == 4326
    kinds = set(frame["kind"])
    assert kinds == {"area", "front_line", "place", "event"}
    areas = frame[frame["kind"] == "area"]
    assert {"isis", "iraq", "syria", "sdf", "krg", "opposition"} <= set(areas["faction"])
    assert (areas["area_km2"] > 0).all()
    assert set(areas.geom_type) <= {"Polygon", "MultiPolygon"}


def test_geojson_feature_properties_follow_the_contract(geojson_2016):
    features = json.loads(geojson_2016.read_text())["features"]
    by_kind: dict[str, list[dict]] = {}
    for f in features:
        by_kind.setdefault(f["properties"]["kind"], []).append(f["properties"])
    assert all(len(p["sides"]) == 2 and p["sides"][0] != p["sides"][1]
               for p in by_kind["front_line"])
    assert all(p["name"] and p["faction"] for p in by_kind["place"])
    for p in by_kind["event"]:
        assert {"date", "place", "type", "summary", "sources"} <= set(p)
        assert "2016-06-15" <= p["date"] <= "2016-07-15"
        assert p["sources"] and all(s["title"] and s["publisher"] for s in p["sources"])


def test_stdout_is_the_default_output():
    result = run("export", "--date", "2015-06-01")
    data = json.loads(result.stdout)
    assert data["type"] == "FeatureCollection"
    fallujah = [f for f in data["features"] if f["properties"].get("id") == "fallujah"]
    assert fallujah[0]["properties"]["faction"] == "isis"


def test_kml_export_is_xml_with_every_kind(tmp_path):
    out = tmp_path / "map.kml"
    run("export", "--date", "2017-03-15", "--format", "kml", "--out", str(out))
    root = ET.parse(out).getroot()
    folders = {f.findtext(f"{KML}name"): f for f in root.iter(f"{KML}Folder")}
    assert set(folders) == {"area", "front_line", "place", "event"}
    assert folders["area"].find(f".//{KML}Polygon") is not None
    names = {p.findtext(f"{KML}name") for p in folders["place"].iter(f"{KML}Placemark")}
    assert {"Mosul", "Raqqa"} <= names


def test_csv_export_has_areas_front_lines_places_and_events(tmp_path):
    out = tmp_path / "rows.csv"
    run("export", "--date", "2016-06-26", "--format", "csv", "--out", str(out))
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    kinds = {r["kind"] for r in rows}
    assert kinds == {"area", "front_line", "place", "event"}
    for row in rows:
        if row["kind"] == "area":
            shape = shapely.from_wkt(row["wkt"])
            assert shape.geom_type in ("Polygon", "MultiPolygon") and shape.area > 0
            assert row["area_km2"] and not row["lat"]
        elif row["kind"] == "front_line":
            assert shapely.from_wkt(row["wkt"]).length > 0 and len(row["sides"].split(";")) == 2
    fallujah = next(r for r in rows if r["kind"] == "place" and r["place"] == "fallujah")
    assert fallujah["faction"] == "iraq"
    assert all(r["sources"] for r in rows if r["kind"] == "event")


def test_history_export_dates_every_feature(tmp_path):
    out = tmp_path / "history.geojson"
    run("export", "--history", "--from", "2016-01-01", "--to", "2016-12-31", "--out", str(out))
    features = json.loads(out.read_text())["features"]
    assert all(f["properties"]["valid_from"] < f["properties"]["valid_to"] for f in features)
    assert min(f["properties"]["valid_from"] for f in features) == "2016-01-01"
    assert max(f["properties"]["valid_to"] for f in features) == "2017-01-01"
    fallujah = sorted((f["properties"]["valid_from"], f["properties"]["faction"]) for f in features
                      if f["properties"].get("id") == "fallujah")
    assert [faction for _, faction in fallujah] == ["isis", "iraq"]
    # The areas of one state tile the country: at any date exactly one area per faction.
    on_day = [f for f in features if f["properties"]["kind"] == "area"
              and f["properties"]["valid_from"] <= "2016-07-15" < f["properties"]["valid_to"]]
    keys = [(f["properties"]["faction"], tuple(f["properties"].get("factions", [])),
             f["properties"].get("besieged_by")) for f in on_day]
    assert len(keys) == len(set(keys))


def test_stats_prints_csv_per_faction_per_month():
    result = run("stats", "--from", "2015-01-01", "--to", "2015-06-01", "--every", "month")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["date"] for r in rows} == {f"2015-0{m}-01" for m in range(1, 7)}
    isis = [float(r["area_km2"]) for r in rows if r["faction"] == "isis"]
    assert len(isis) == 6 and all(v > 10_000 for v in isis)


@pytest.mark.parametrize(("args", "words"), [
    (("export", "--date", "2016-02-30"), "not a date"),
    (("export", "--date", "2021-01-01"), "outside the record"),
    (("export", "--date", "2016-01-01", "--format", "shp"), "invalid choice"),
    (("export",), "needs --date"),
    (("stats", "--every", "fortnight"), "unknown step"),
    (("--events", "/nonexistent/events.yaml", "export", "--date", "2016-01-01"), "cannot read file"),
    (("export", "--date", "2016-01-01", "--out", "/nonexistent/dir/x.geojson"), "does not exist"),
])
def test_bad_input_gives_one_clear_line_and_a_non_zero_exit(args, words):
    result = run(*args, check=False)
    assert result.returncode != 0
    assert words in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_validate_passes_on_the_real_record():
    result = run("validate")
    assert result.stdout.strip().endswith(": ok")


def test_validate_lists_problems_with_file_and_line(tmp_path):
    text = paths.EVENTS.read_text(encoding="utf-8")
    bad = text.replace("place: fallujah", "place: Falujah", 1)
    path = tmp_path / "events.yaml"
    path.write_text(bad, encoding="utf-8")
    result = run("validate", str(path), check=False)
    assert result.returncode == 1
    line = next(i for i, t in enumerate(bad.splitlines(), 1) if "place: Falujah" in t)
    assert f"{path}:{line}: " in result.stderr
    assert "did you mean: fallujah" in result.stderr


@pytest.mark.parametrize("args", [
    ("snapshot", "--date", "2017-07-10", "--focus", "Atlantis"),
    ("snapshot", "--date", "2017-07-10", "--bbox", "0,0,5,5"),
    ("snapshot", "--date", "2017-07-10", "--bbox", "1,2"),
    ("snapshot", "--date", "2012-01-01"),
    ("briefing", "--dates", "2016-01-01", "--focus", "Atlantis"),
    ("briefing", "--from", "2016-01-01", "--to", "2016-06-01", "--every", "3X"),
    ("briefing", "--dates", "2016-01-01", "--every", "3M"),
    ("html", "--from", "2017-01-01", "--to", "2016-01-01"),
])
def test_bad_briefing_input_is_one_line_and_writes_nothing(tmp_path, args):
    suffix = {"snapshot": ".png", "briefing": ".pdf", "html": ".html"}[args[0]]
    result = run(*args, "--out", str(tmp_path / f"out{suffix}"), check=False)
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
def test_bad_output_paths_are_refused_before_any_work(tmp_path, command, out, message):
    (tmp_path / "taken.html").mkdir()
    dates = ("--dates", "2016-01-01") if command == "briefing" else ("--date", "2016-01-01")
    args = (command, *dates) if command != "html" else (command,)
    result = run(*args, "--out", str(tmp_path / out), check=False)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["taken.html"]


def test_html_command_writes_one_self_contained_file(tmp_path):
    out = tmp_path / "map.html"
    run("html", "--from", "2016-06-01", "--to", "2016-09-30", "--out", str(out))
    text = out.read_text(encoding="utf-8")
    assert "<script src=" not in text and "L.map(" in text
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]


ARTICLE = """Tuesday, 27 June 2017

A car bomb exploded in a market in Baghdad on Sunday, killing at least 20 people.
Elsewhere, Iraqi forces captured the Old City of Tal Afar from the Islamic State on 26 June 2017.
"""


@pytest.fixture
def ingested(tmp_path):
    """(events file copy, candidates file, its candidates by place) from ARTICLE."""
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    events = tmp_path / "events.yaml"
    events.write_bytes(paths.EVENTS.read_bytes())
    candidates = tmp_path / "candidates.yaml"
    run("ingest", str(article), "--source-title", "Our test wire", "--publisher", "Test News",
        "--out", str(candidates))
    document = yaml.safe_load(candidates.read_text(encoding="utf-8"))
    assert document["article"]["published"] == dt.date(2017, 6, 27)  # from the dateline
    return events, candidates, document


def keep(candidates, document, place):
    document["candidates"] = [c for c in document["candidates"] if c["place"] == place]
    candidates.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return document["candidates"][0]


def test_ingest_then_merge_adds_a_reviewed_event(ingested):
    events, candidates, document = ingested
    bombing = keep(candidates, document, "baghdad")
    assert bombing["type"] == "bombing" and bombing["date"] == dt.date(2017, 6, 25)  # "on Sunday"
    start, end = next((e["start"], e["end"]) for e in bombing["evidence"] if e["what"] == "place")
    assert ARTICLE[start:end] == "Baghdad"
    before = events.read_text(encoding="utf-8")
    result = run("merge", str(candidates), "--into", str(events))
    assert f"Added 1 event: {bombing['id']}" in result.stderr
    record = yaml.safe_load(events.read_text(encoding="utf-8"))
    added = next(e for e in record["events"] if e["id"] == bombing["id"])
    assert added["sources"][0]["title"] == "Our test wire" and "confidence" not in added
    assert run("validate", str(events)).returncode == 0
    assert len(events.read_text(encoding="utf-8")) > len(before)


def test_merge_refuses_a_change_the_record_contradicts(ingested):
    events, candidates, document = ingested
    tal_afar = keep(candidates, document, "tal-afar")
    assert tal_afar["change"] == {"from": "isis", "to": "iraq"}
    before = events.read_bytes()
    result = run("merge", str(candidates), "--into", str(events), check=False)
    assert result.returncode == 1
    assert "conflicts with the record" in result.stderr and "tal-afar-2017-08-27" in result.stderr
    assert events.read_bytes() == before  # nothing written, no backup
    assert not list(events.parent.glob("*.bak"))


def test_ingest_without_a_date_asks_for_one(tmp_path):
    article = tmp_path / "undated.txt"
    article.write_text("Iraqi forces entered Fallujah.\n", encoding="utf-8")
    result = run("ingest", str(article), check=False)
    assert result.returncode == 2 and "--published" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_ingest_refuses_other_file_types(tmp_path):
    article = tmp_path / "article.pdf"
    article.write_bytes(b"%PDF-1.4")
    result = run("ingest", str(article), "--published", "2016-01-01", check=False)
    assert result.returncode == 2 and "only .txt and .html" in result.stderr
