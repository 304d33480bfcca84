"""The control engine on the real record and the real geography."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
import shapely

from dashboard.core.events import CONTESTED, UNCLAIMED
from dashboard.core.geography import outlines, project

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


@pytest.mark.parametrize(("place", "date", "holder"), TURNING_POINTS,
                         ids=[f"{p}-{d}" for p, d, _ in TURNING_POINTS])
def test_turning_points(model, place, date, holder):
    assert model.state_of(place, D(date)).control.faction == holder


def test_west_mosul_was_not_government_held_while_the_east_was(model):
    day = D("2017-03-15")
    assert model.state_of("mosul-east", day).control.faction == "iraq"
    assert model.state_of("mosul", day).control.faction in ("isis", CONTESTED)


def test_deir_ez_zor_enclave_is_besieged_until_september_2017(model):
    assert model.state_of("deir-ez-zor", D("2016-06-01")).besieged_by == "isis"
    assert model.state_of("deir-ez-zor", D("2017-10-01")).besieged_by is None
    point = project(shapely.Point(model.gazetteer["deir-ez-zor"].lon, model.gazetteer["deir-ez-zor"].lat))
    (enclave,) = [a for a in model.snapshot(D("2016-06-01")).areas if a.geometry.contains(point)]
    assert (enclave.faction, enclave.besieged_by) == ("syria", "isis")
    (after,) = [a for a in model.snapshot(D("2017-10-01")).areas if a.geometry.contains(point)]
    assert (after.faction, after.besieged_by) == ("syria", None)


DATES = [D(d) for d in ("2014-01-01", "2014-08-15", "2015-06-01", "2016-07-15", "2017-03-15",
                        "2017-11-01", "2019-03-31")]


@pytest.mark.parametrize("date", DATES, ids=str)
def test_areas_and_unclaimed_land_tile_the_two_countries(model, date):
    areas = model.snapshot(date).areas
    land = sum(o.area for o in outlines().values()) / 1e6
    assert sum(a.area_km2 for a in areas) == pytest.approx(land, rel=1e-4)
    for a, b in itertools.combinations(areas, 2):
        assert a.geometry.intersection(b.geometry).area / 1e6 < 1.0, (a.faction, b.faction)


@pytest.mark.parametrize("date", DATES, ids=str)
def test_each_place_lies_in_its_holders_area(model, date):
    snapshot = model.snapshot(date)
    for place, state in zip(model.places, model.states(date), strict=True):
        point = project(shapely.Point(place.lon, place.lat))
        if not outlines()[place.country].contains(point):  # on the coast or border: outside the outline
            continue
        holders = [a for a in snapshot.areas if a.geometry.distance(point) < 1.0]
        assert [a.faction for a in holders] == [state.control.faction], place.id


@pytest.mark.parametrize("date", DATES[1:], ids=str)
def test_front_lines_separate_factions_and_avoid_borders(model, date):
    snapshot = model.snapshot(date)
    assert snapshot.front_lines
    border = shapely.union_all([o.boundary for o in outlines().values()]).buffer(200)
    by_faction = {}
    for a in snapshot.areas:
        by_faction[a.faction] = shapely.union_all([by_faction.get(a.faction, shapely.Polygon()), a.geometry])
    for line in snapshot.front_lines:
        a, b = line.factions
        assert a != b and UNCLAIMED not in line.factions
        # A front may end at the border, never run along it.
        near_border = shapely.get_parts(line.geometry.intersection(border))
        assert max((g.length for g in near_border), default=0) < 3000, line.factions
        # The line runs along both sides' areas.
        for side in (a, b):
            assert line.geometry.difference(by_faction[side].buffer(10)).length < 1.0


# Published estimates of the land IS controlled in Syria and Iraq combined (IHS Conflict Monitor /
# IHS Markit releases of 2015-12-21, 2016-10-09 and 2017-01-18; the June 2017 figure as reported by
# The Daily Star, 2017-06-29).  They count the land IS dominated around its towns and roads.
IHS_ESTIMATES = [("2015-01-01", 90_800), ("2015-12-14", 78_000), ("2016-07-04", 68_300),
                 ("2016-10-03", 65_500), ("2016-12-31", 60_400), ("2017-06-26", 36_200)]


# claim_radius_km (31.75, model.py) was calibrated on the 500 towns of the earlier gazetteer. With the
# 31,000 places of the dense one (geodata/README.md) every village claims its own disk and IS land
# roughly doubles (186,000 km² on 2015-01-01). The territory model being written on another branch
# replaces this rule (held/dominated land, followers); this branch may not touch model.py or areas.py.
@pytest.mark.xfail(strict=True, reason="area model calibrated on the 500-town gazetteer; see comment")
@pytest.mark.parametrize(("date", "km2"), IHS_ESTIMATES, ids=[d for d, _ in IHS_ESTIMATES])
def test_islamic_state_area_is_within_20_percent_of_published_estimates(model, date, km2):
    assert model.area_by_faction(D(date)).get("isis", 0) == pytest.approx(km2, rel=0.20)


def test_the_map_changes_only_when_control_changes(model):
    epoch = model.epoch(D("2016-07-15"))
    assert model.snapshot(epoch.valid_from) is model.snapshot(epoch.valid_to - dt.timedelta(days=1))
    assert model.snapshot(epoch.valid_to) is not model.snapshot(epoch.valid_from)


@pytest.mark.parametrize("date", [D("2014-01-01"), D("2015-05-21"), D("2017-10-20"), D("2019-03-31")])
def test_areas_summed_from_cells_equal_the_drawn_areas(model, date):
    drawn = model.snapshot(date).area_by_faction()
    summed = model.area_by_faction(date)
    assert set(summed) == {f for f, km2 in drawn.items() if km2 > 0}
    for faction, km2 in drawn.items():
        assert summed.get(faction, 0) == pytest.approx(km2, rel=1e-6, abs=0.01)


def test_area_history_has_one_entry_per_distinct_state(model):
    history = model.area_history(D("2016-01-01"), D("2016-12-31"))
    assert [e for e, _ in history] == model.epochs(D("2016-01-01"), D("2016-12-31"))
    assert history[0][1] == model.area_by_faction(D("2016-01-01"))


def test_stepping_from_event_to_event(model):
    dates = sorted({e.date for e in model.record.events})
    middle = dates[len(dates) // 2]
    assert model.next_event_date(middle) == dates[len(dates) // 2 + 1]
    assert model.previous_event_date(middle) == dates[len(dates) // 2 - 1]
    assert model.previous_event_date(dates[0]) is None
    assert model.next_event_date(dates[-1]) is None
    sieges = [e for e in model.record.events if e.type == "siege_broken"]
    after = model.next_event_date(model.record.start, sieges)
    assert after == min(e.date for e in sieges)
