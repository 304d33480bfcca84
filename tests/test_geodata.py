"""The shipped geography (dashboard/data/geodata/, built by geodata/build.py): what the data must say.

Outlines, the gazetteer's coverage of the record, border towns on the right side, search under every
name, and bad input refused with ``file:line: field: message``.
"""

from __future__ import annotations

import csv
import random
import shutil
from pathlib import Path

import pytest
import shapely
import yaml

from dashboard.cli import main as cli
from dashboard.core import geography, paths
from dashboard.core.names import normalise
from dashboard.core.places import read_places

GEODATA = paths.GEODATA


def focus_shapes() -> dict[str, shapely.Geometry]:
    return {f.properties["iso_a2"]: f.geometry for f in geography.countries(GEODATA)
            if f.properties["role"] == "focus"}


def test_syria_and_iraq_neither_overlap_nor_leave_a_gap():
    shapes = focus_shapes()
    assert set(shapes) == {"SY", "IQ"}
    assert shapely.intersection(shapes["SY"], shapes["IQ"]).area == 0
    holes = [ring for part in shapely.get_parts(shapely.union_all(list(shapes.values())))
             for ring in part.interiors]
    assert holes == []
    # They share a border (one line in both), not two lines a little apart.
    assert shapely.intersection(shapes["SY"].boundary, shapes["IQ"].boundary).length > 5  # degrees


def test_countries_are_the_unions_of_their_governorates():
    shapes = focus_shapes()
    for country in ("SY", "IQ"):
        govs = shapely.union_all([g.geometry for g in geography.governorates(GEODATA)
                                  if g.properties["country"] == country])
        assert shapely.symmetric_difference(govs, shapes[country]).area < 1e-6


@pytest.mark.parametrize(("place_id", "country"), [
    ("kobani", "SY"), ("tell-abyad", "SY"), ("ras-al-ayn", "SY"),   # on the Turkish border
    ("abu-kamal", "SY"), ("baghuz", "SY"), ("al-qaim", "IQ"), ("husaybah", "IQ"),  # either side of it
])
def test_border_towns_lie_inside_their_country(gazetteer, place_id, country):
    place = gazetteer[place_id]
    assert place.country == country
    assert focus_shapes()[country].contains(shapely.Point(place.lon, place.lat))


def test_every_place_lies_inside_the_outline_of_its_country(gazetteer):
    shapes = {c: geography.project(g) for c, g in focus_shapes().items()}
    places = list(gazetteer)
    x, y = geography.to_projected([p.lon for p in places], [p.lat for p in places])
    points = shapely.points(list(zip(x, y, strict=True)))
    for country, outline in shapes.items():
        mine = [i for i, p in enumerate(places) if p.country == country]
        # 50 m inside the outline, rounded to 5 decimals: never more than a few metres out.
        assert shapely.distance(outline, points[mine]).max() < 5, country


def test_every_record_and_curated_place_keeps_its_id(gazetteer):
    record = yaml.safe_load((paths.DATA / "events.yaml").read_text(encoding="utf-8"))
    ids = {h["place"] for h in record["baseline"]} | {e["place"] for e in record["events"]}
    curated = yaml.safe_load((GEODATA / "places_curated.yaml").read_text(encoding="utf-8"))
    assert ids <= set(gazetteer.places)
    assert {c["id"] for c in curated["places"]} <= set(gazetteer.places)
    assert gazetteer["mosul"].name == "Mosul" and gazetteer["kobani"].name_ar == "عين العرب"


def test_the_gazetteer_is_dense(gazetteer):
    countries = [p.country for p in gazetteer]
    assert countries.count("SY") > 10_000 and countries.count("IQ") > 20_000
    assert len(set(gazetteer.places)) == len(gazetteer)


def test_search_finds_a_place_under_each_of_its_names(gazetteer):
    sample = random.Random(11).sample(sorted(gazetteer.places), 400)
    names = 0
    for place_id in sample:
        for name in gazetteer[place_id].names:
            found = gazetteer.resolve(name)
            assert normalise(name) in {normalise(n) for n in found.names}, (place_id, name, found.id)
            names += 1
    assert names > 1000


def test_every_sampled_name_resolves_to_a_place_of_that_name(gazetteer):
    """(How fast: ``python bench/bench_core.py`` prints it.) Names are compared as search compares them."""
    from dashboard.core.names import normalise

    for place in random.Random(5).sample(list(gazetteer), 500):
        assert normalise(place.name) in {normalise(n) for n in gazetteer.resolve(place.name).names}


def test_every_place_has_a_district_of_districts_csv(gazetteer):
    """Iraq: OCHA adm2 and adm3 codes. Syria: the districts GeoNames names (no sub-districts)."""
    with open(GEODATA / "districts.csv", encoding="utf-8", newline="") as handle:
        units = {row["pcode"]: row for row in csv.DictReader(handle)}
    level2 = [u for u in units.values() if u["level"] == "2"]
    assert sum(u["pcode"].startswith("IQ") for u in level2) == 101
    assert 60 <= sum(u["pcode"].startswith("SYD") for u in level2) <= 65  # Syria has 65 districts
    for place in gazetteer:
        assert units[place.district]["level"] == "2", place.id
        if place.country == "SY":
            assert place.subdistrict == "" and units[place.district]["parent"].startswith("SY"), place.id
        else:
            assert units[place.subdistrict]["parent"] == place.district, place.id
    assert gazetteer["mosul"].district == "IQG15Q05"
    district = {p: units[gazetteer[p].district]["name"] for p in ("kobani", "raqqa", "mayadin", "manbij")}
    assert district == {"kobani": "Ain Al Arab", "raqqa": "Ar-Raqqa", "mayadin": "Al Mayadin",
                        "manbij": "Menbij"}


def test_rivers_lakes_and_the_syrian_desert():
    rivers = {r.properties["name"]: r for r in geography.rivers(GEODATA)}
    assert {"Euphrates", "Tigris", "Khabur", "Great Zab", "Little Zab", "Diyala", "Orontes",
            "Shatt al-Arab"} <= set(rivers)
    assert all(r.properties["name_ar"] for r in rivers.values())
    for name in ("Euphrates", "Tigris"):  # one unbroken line each, through the theatre
        assert rivers[name].geometry.geom_type == "LineString"
    euphrates, tigris = rivers["Euphrates"].geometry, rivers["Tigris"].geometry
    for lon, lat in ((38.01, 36.82), (39.01, 35.95), (40.15, 35.34), (40.92, 34.45), (43.30, 33.43)):
        assert euphrates.distance(shapely.Point(lon, lat)) < 0.05  # Jarabulus .. Ramadi
    for lon, lat in ((43.13, 36.34), (43.69, 34.60), (44.38, 33.33), (47.42, 31.00)):
        assert tigris.distance(shapely.Point(lon, lat)) < 0.05  # Mosul .. Qurna
    lakes = {f.properties["name"] for f in geography.lakes(GEODATA)}
    assert {"Lake Assad", "Lake Tharthar", "Lake Habbaniyah"} <= lakes
    (desert,) = [f for f in geography.regions(GEODATA) if f.properties["name"] == "Syrian Desert"]
    assert desert.geometry.contains(shapely.Point(40.3, 33.0))  # Rutba
    assert not desert.geometry.contains(shapely.Point(43.13, 36.34))  # Mosul


@pytest.fixture
def geodata_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "geodata"
    shutil.copytree(GEODATA, folder)
    return folder


def _with_rows(folder: Path, *rows: str) -> Path:
    path = folder / "places.csv"
    with open(path, "a", encoding="utf-8") as handle:
        handle.writelines(row + "\n" for row in rows)
    return path


def test_validate_reports_a_place_outside_both_countries(geodata_copy, capsys):
    places = _with_rows(geodata_copy, "amman-x,Amman,,,31.95,35.93,SY,Damascus,,test,,")
    line = len(places.read_text(encoding="utf-8").splitlines())
    assert read_places(places)["amman-x"]  # loading does not look at the outlines
    assert cli(["--geodata", str(geodata_copy), "validate"]) == 1
    err = capsys.readouterr().err
    assert f"{places}:{line}: lat: amman-x (31.95, 35.93) lies" in err
    assert "outside Syria and Iraq" in err


def test_an_impossible_coordinate_is_refused_with_file_line_and_field(geodata_copy, capsys):
    places = _with_rows(geodata_copy, "bad-x,Bad,,,north,43.0,IQ,Ninewa,,test,,")
    line = len(places.read_text(encoding="utf-8").splitlines())
    assert cli(["--geodata", str(geodata_copy), "validate"]) == 1
    assert f"{places}:{line}: lat: not a number: 'north'" in capsys.readouterr().err
