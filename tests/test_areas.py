"""The area method on tiny named geometries, where the right answer is known by hand."""

from __future__ import annotations

import pytest
import shapely

from dashboard.core.areas import Tessellation

SQUARE = shapely.box(0, 0, 100_000, 100_000)  # 100 km x 100 km


def keys(*factions):
    return [(f, (), None) for f in factions]


def test_two_places_split_the_land_along_their_bisector():
    t = Tessellation([(25_000, 50_000), (75_000, 50_000)], ["A", "A"], {"A": SQUARE}, 200_000)
    snap = t.snapshot(keys("isis", "iraq"))
    assert snap.area_by_faction() == pytest.approx({"isis": 5000, "iraq": 5000})
    (line,) = snap.front_lines
    assert line.sides == ("iraq", "isis")
    assert line.geometry.equals(shapely.LineString([(50_000, 0), (50_000, 100_000)]))


def test_same_holder_means_no_front_line():
    t = Tessellation([(25_000, 50_000), (75_000, 50_000)], ["A", "A"], {"A": SQUARE}, 200_000)
    snap = t.snapshot(keys("isis", "isis"))
    assert snap.front_lines == ()
    assert snap.area_by_faction() == pytest.approx({"isis": 10_000})


def test_land_beyond_the_claim_radius_stays_unclaimed():
    t = Tessellation([(50_000, 50_000)], ["A"], {"A": SQUARE}, 10_000)
    areas = t.snapshot(keys("isis")).area_by_faction()
    assert areas["isis"] == pytest.approx(314.16, rel=0.01)  # a 10 km disk
    assert areas["unclaimed"] == pytest.approx(10_000 - areas["isis"])


def test_places_do_not_claim_across_a_border_and_the_border_is_no_front():
    west, east = shapely.box(0, 0, 50_000, 100_000), shapely.box(50_000, 0, 100_000, 100_000)
    # The eastern place sits right by the border; it still claims nothing in the west.
    t = Tessellation([(10_000, 50_000), (51_000, 50_000)], ["W", "E"], {"W": west, "E": east}, 200_000)
    snap = t.snapshot(keys("syria", "isis"))
    assert snap.area_by_faction() == pytest.approx({"syria": 5000, "isis": 5000})
    assert snap.front_lines == ()


def test_front_line_stops_where_claims_stop():
    t = Tessellation([(25_000, 50_000), (75_000, 50_000)], ["A", "A"], {"A": SQUARE}, 30_000)
    (line,) = t.snapshot(keys("isis", "iraq")).front_lines
    # The bisector x=50 km is 25 km from both places: a chord of a 30 km circle.
    assert line.geometry.length == pytest.approx(2 * (30_000**2 - 25_000**2) ** 0.5, rel=0.01)


def test_contested_and_besieged_cells_keep_their_own_areas():
    t = Tessellation([(20_000, 50_000), (50_000, 50_000), (80_000, 50_000)], ["A"] * 3, {"A": SQUARE},
                     200_000)
    snap = t.snapshot([("syria", (), "isis"), ("contested", ("isis", "syria"), None), ("isis", (), None)])
    by = {(a.faction, a.besieged_by): a for a in snap.areas}
    assert set(by) == {("syria", "isis"), ("contested", None), ("isis", None)}
    assert by[("contested", None)].parties == ("isis", "syria")
    assert {f.sides for f in snap.front_lines} == {("contested", "syria"), ("contested", "isis")}
