"""The real record and the shipped geography: what the data must say, and the model's rules on them.

Everything else tests the code on small fixtures (tests/fixtures/); only this module (and tests of the
app and browser pages, which run on the real files) reads ``events.yaml`` and ``geodata/`` as shipped,
through :mod:`dashboard.core.paths`.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
import shapely

from dashboard.core import geography
from dashboard.core.changes import change_totals, land_changes
from dashboard.core.events import CONTESTED, UNCLAIMED
from dashboard.core.geography import outlines, project, to_projected
from dashboard.core.labels import map_labels

D = dt.date.fromisoformat

# Well-documented turning points: (place, date, who held it).  Sources are in events.yaml.
TURNING_POINTS = [
    ("fallujah", "2014-01-02", "iraq"),
    ("fallujah", "2016-05-22", "isis"),
    ("fallujah", "2016-07-15", "iraq"),
    ("ramadi", "2015-06-01", "isis"),
    ("ramadi", "2016-03-01", "iraq"),
    ("tikrit", "2015-01-01", "isis"),
    ("tikrit", "2015-05-01", "iraq"),
    ("mosul-east", "2014-06-01", "iraq"),
    ("mosul-east", "2015-06-01", "isis"),
    ("mosul-east", "2017-03-15", "iraq"),
    ("mosul", "2017-08-01", "iraq"),
    ("tal-afar", "2016-01-01", "isis"),
    ("tal-afar", "2017-09-15", "iraq"),
    ("sinjar", "2014-09-01", "isis"),
    ("sinjar", "2016-01-01", "krg"),
    ("kirkuk", "2015-01-01", "krg"),
    ("kirkuk", "2018-01-01", "iraq"),
    ("baghdad", "2016-07-03", "iraq"),
    ("raqqa", "2015-06-01", "isis"),
    ("raqqa", "2017-11-01", "sdf"),
    ("palmyra", "2015-01-01", "syria"),
    ("palmyra", "2015-06-01", "isis"),
    ("palmyra", "2016-04-15", "syria"),
    ("palmyra", "2017-01-15", "isis"),
    ("palmyra", "2017-04-01", "syria"),
    ("manbij", "2016-06-01", "isis"),
    ("manbij", "2016-09-01", "sdf"),
    ("al-bab", "2016-06-01", "isis"),
    ("al-bab", "2017-03-01", "opposition"),
    ("jarabulus", "2016-09-01", "opposition"),
    ("kobani", "2015-03-01", "sdf"),
    ("tabqa", "2017-06-01", "sdf"),
    ("abu-kamal", "2016-01-01", "isis"),
    ("abu-kamal", "2018-01-01", "syria"),
    ("baghuz", "2019-03-31", "sdf"),
]


# --- the record ----------------------------------------------------------------------------------

def test_the_real_record_validates(real_cli):
    result = real_cli("validate")
    assert result.stdout.strip().endswith(": ok")


@pytest.mark.parametrize(("place", "date", "holder"), TURNING_POINTS,
                         ids=[f"{p}-{d}" for p, d, _ in TURNING_POINTS])
def test_turning_points(real_model, place, date, holder):
    assert real_model.state_of(place, D(date)).control.faction == holder


def test_west_mosul_was_not_government_held_while_the_east_was(real_model):
    day = D("2017-03-15")
    assert real_model.state_of("mosul-east", day).control.faction == "iraq"
    assert real_model.state_of("mosul", day).control.faction in ("isis", CONTESTED)


def test_deir_ez_zor_enclave_is_besieged_until_september_2017(real_model):
    assert real_model.state_of("deir-ez-zor", D("2016-06-01")).besieged_by == "isis"
    assert real_model.state_of("deir-ez-zor", D("2017-10-01")).besieged_by is None
    place = real_model.gazetteer["deir-ez-zor"]
    point = project(shapely.Point(place.lon, place.lat))
    (enclave,) = [a for a in real_model.snapshot(D("2016-06-01")).areas if a.geometry.contains(point)]
    assert (enclave.faction, enclave.besieged_by) == ("syria", "isis")
    (after,) = [a for a in real_model.snapshot(D("2017-10-01")).areas if a.geometry.contains(point)]
    assert (after.faction, after.besieged_by) == ("syria", None)


def test_six_factions_hold_land_in_mid_2016(real_model):
    held = {f for f, km2 in real_model.area_by_faction(D("2016-07-15")).items() if km2 > 0}
    assert {"isis", "iraq", "syria", "sdf", "krg", "opposition"} <= held


def test_mosul_passes_from_isis_to_iraq_between_2016_and_mid_2017(real_model):
    shifts = land_changes(real_model, D("2016-07-01"), D("2017-07-15"))
    mosul = real_model.gazetteer["mosul"]
    where = shapely.Point(*to_projected(mosul.lon, mosul.lat))
    (holding,) = [s for s in shifts if s.geometry.contains(where)]
    assert (holding.old, holding.new) == ("isis", "iraq")
    assert change_totals(shifts)["isis"].lost_km2 > 10_000


# Villages the audit (shared/notes/data-audit.md §3.3) found following the wrong town, and who really
# held them on a date it names.  Each now follows the right recorded place (or is one).
AUDIT_FOLLOWERS = [
    ("aqrah", "2015-06-01", "krg"), ("ash-shaykhan", "2015-06-01", "krg"),
    ("al-miqdadiyah", "2014-09-01", "iraq"), ("mandali", "2014-09-01", "iraq"),
    ("kelar", "2014-09-01", "krg"), ("khanaqin", "2014-09-01", "krg"), ("kifri", "2014-09-01", "krg"),
    ("al-mahmudiyah", "2014-09-01", "iraq"), ("al-musayab", "2014-09-01", "iraq"),
    ("at-tibni", "2016-06-01", "isis"), ("al-kasrah", "2016-06-01", "isis"),
    ("khusham", "2016-06-01", "isis"),
    ("madan", "2017-06-15", "isis"), ("uqayribat", "2017-06-15", "isis"),
    ("sirrin-ash-shamaliyah", "2015-09-01", "sdf"), ("shuyukh-tahtani", "2015-09-01", "sdf"),
]


@pytest.mark.parametrize(("place", "date", "holder"), AUDIT_FOLLOWERS, ids=[p for p, _, _ in AUDIT_FOLLOWERS])
def test_the_audits_misfollowing_villages_have_the_right_holder(real_model, place, date, holder):
    assert real_model.state_of(place, D(date)).control.faction == holder


def is_km2_near(model, place: str, date: str, km: float) -> float:
    where = model.gazetteer[place]
    disk = project(shapely.Point(where.lon, where.lat)).buffer(km * 1000)
    return sum(a.geometry.intersection(disk).area / 1e6 for a in model.snapshot(D(date)).areas
               if a.faction == "isis")


def test_west_mosul_shrinks_district_by_district_in_2017(real_model):
    """The airport, Ghazlani and the government complex fall in February-March 2017, the Old City in
    July: IS land within 15 km of West Mosul shrinks in steps, not all at once on 10 July."""
    before, spring, end = (is_km2_near(real_model, "mosul", d, 15) for d in ("2016-10-20", "2017-03-15",
                                                                              "2017-07-15"))
    assert spring < before / 3 and end == 0
    assert real_model.state_of("mosul-old-city", D("2017-07-01")).control.faction == CONTESTED


def test_deir_ez_zor_is_a_divided_city_until_november_2017(real_model):
    day = D("2016-06-01")
    assert real_model.state_of("deir-ez-zor", day).control.faction == "syria"
    assert real_model.state_of("deir-ez-zor-east", day).control.faction == "isis"
    assert real_model.state_of("deir-ez-zor-east", D("2017-12-01")).control.faction == "syria"


# --- the model's rules on the real geography (coasts, enclaves, multipart outlines) ----------------

DATES = [D("2014-08-15"), D("2017-03-15")]


@pytest.mark.parametrize("date", DATES, ids=str)
def test_areas_and_unclaimed_land_tile_the_two_countries(real_model, date):
    areas = real_model.snapshot(date).areas
    land = sum(o.area for o in outlines().values()) / 1e6
    assert sum(a.area_km2 for a in areas) == pytest.approx(land, rel=1e-4)
    for a, b in itertools.combinations(areas, 2):
        assert a.geometry.intersection(b.geometry).area / 1e6 < 1.0, (a.faction, b.faction)


def test_every_recorded_town_lies_in_its_holders_area(real_model):
    """On every sixteenth epoch of the record, and the last (every place of the synthetic world, at every
    epoch: tests/test_model.py); all 300 take most of a minute."""
    recorded = [p for p in real_model.places if p.id in real_model.recorded_places]
    points = project(shapely.points([(p.lon, p.lat) for p in recorded]))
    inside = [outlines()[p.country].contains(point) for p, point in zip(recorded, points, strict=True)]
    epochs = real_model.epochs()
    for epoch in [*epochs[::16], epochs[-1]]:
        snapshot = real_model.snapshot(epoch.valid_from)
        tree = shapely.STRtree([a.geometry for a in snapshot.areas])
        for place, point, within in zip(recorded, points, inside, strict=True):
            if not within:  # on the coast or border: outside the outline
                continue
            state = real_model.state_of(place.id, epoch.valid_from)
            near = tree.query(point, predicate="dwithin", distance=1.0)
            holders = {snapshot.areas[i].faction for i in near}
            assert holders == {state.control.faction}, (epoch.valid_from, place.id)


@pytest.mark.parametrize("date", DATES, ids=str)
def test_front_lines_separate_factions_and_avoid_borders(real_model, date):
    snapshot = real_model.snapshot(date)
    assert snapshot.front_lines
    border = shapely.union_all([o.boundary for o in outlines().values()]).buffer(200)
    by_faction: dict[str, shapely.Geometry] = {}
    for a in snapshot.areas:
        by_faction[a.faction] = shapely.union_all([by_faction.get(a.faction, shapely.Polygon()), a.geometry])
    for line in snapshot.front_lines:
        a, b = line.sides
        assert a != b and UNCLAIMED not in line.sides
        # A front may end at the border, never run along it.
        near_border = shapely.get_parts(line.geometry.intersection(border))
        assert max((g.length for g in near_border), default=0) < 3000, line.sides
        # The line runs along both sides' areas.
        for side in (a, b):
            assert line.geometry.difference(by_faction[side].buffer(10)).length < 1.0


# --- the shipped geography -----------------------------------------------------------------------

def test_gazetteer_covers_both_countries(gazetteer):
    countries = [p.country for p in gazetteer]
    assert len(gazetteer) >= 300
    assert countries.count("SY") >= 100 and countries.count("IQ") >= 100
    assert all(p.governorate for p in gazetteer)


def test_every_recorded_place_is_in_the_gazetteer(real_model):
    assert set(real_model.history.places) <= set(real_model.gazetteer.places)


def test_big_cities_and_campaign_towns_are_named(real_model):
    ranks = {label.place.id: label.rank for label in map_labels(real_model.places, real_model.leading_places)}
    # The big cities and the cities the war is told by are named at the opening zoom (issue 14).
    for city in ("baghdad", "mosul", "aleppo", "damascus", "raqqa", "deir-ez-zor", "palmyra", "ramadi",
                 "fallujah"):
        assert ranks[city] == 1, city
    for town in ("tabqa", "hit", "al-bab", "haditha"):
        assert ranks[town] == 2, town
    # New Mosul and Sadr City are bigger than the cities they are part of: they give way.
    districts = {p.id for p in real_model.places if p.name in ("Al Mawşil al Jadīdah", "Sadr City")}
    assert len(districts) == 2 and not districts & set(ranks)


def test_outlines_have_their_true_areas():
    # OCHA COD-AB's outlines, the overlap between them split down the middle (geodata/README.md).
    areas = {iso: geom.area / 1e6 for iso, geom in geography.outlines().items()}
    assert areas["SY"] == pytest.approx(188_050, rel=0.01)
    assert areas["IQ"] == pytest.approx(436_200, rel=0.01)
    assert geography.outlines()["SY"].intersection(geography.outlines()["IQ"]).area < 1e6


def test_governorates_and_rivers():
    govs = geography.governorates()
    assert sum(g.properties["country"] == "IQ" for g in govs) == 18
    assert sum(g.properties["country"] == "SY" for g in govs) >= 14
    assert all(g.geometry.is_valid for g in govs)
    names = {r.properties["name"] for r in geography.rivers()}
    assert {"Euphrates", "Tigris", "Khabur"} <= names
    # The Euphrates runs past Raqqa, the Tigris through Baghdad.
    euphrates = next(r.geometry for r in geography.rivers() if r.properties["name"] == "Euphrates")
    tigris = next(r.geometry for r in geography.rivers() if r.properties["name"] == "Tigris")
    assert euphrates.distance(shapely.Point(39.01, 35.95)) < 0.05
    assert tigris.distance(shapely.Point(44.38, 33.33)) < 0.05


def test_every_town_of_10000_people_in_is_districts_has_a_history_or_a_reason(real_model):
    """Issue 12's completeness rule on the shipped record: each town it finds is recorded, or named in
    the record's ``unrecorded`` list with the reason no source dates it."""
    from dashboard.core.coverage import unrecorded_towns

    record = real_model.record
    excused = {gap.place for gap in record.unrecorded}
    towns = unrecorded_towns(real_model.gazetteer.places.values(), real_model.history, excused=excused)
    assert [t.place.id for t in towns] == []
    # The excused are towns the rule finds (not spare names), and each says why.
    found = {t.place.id for t in unrecorded_towns(real_model.gazetteer.places.values(), real_model.history)}
    assert found == excused and all(len(gap.note) > 40 for gap in record.unrecorded)
