"""The territory method on tiny named geometries, where the right answer is known by hand."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from dashboard.core.territory import Territory, TerritoryParameters

SQUARE = shapely.box(0, 0, 100_000, 100_000)  # 100 km x 100 km
#: Far enough that every place reaches the whole square: the areas are the Voronoi cells.
EVERYWHERE = TerritoryParameters(held_km=10, dominated_km=200, inferred_km=30)


def territory(points, countries=None, outlines=None, params=EVERYWHERE, leaders=None, leader_km=None,
              sparse=None):
    n = len(points)
    return Territory(np.asarray(points, dtype=float), countries or ["A"] * n, np.asarray(leaders or range(n)),
                     np.asarray(leader_km if leader_km is not None else [0.0] * n), outlines or {"A": SQUARE},
                     params, sparse)


def keys(*factions):
    return {i: (f, (), None) for i, f in enumerate(factions)}


def test_two_places_split_the_land_along_their_bisector():
    snap = territory([(25_000, 50_000), (75_000, 50_000)]).snapshot(keys("isis", "iraq"))
    assert snap.area_by_faction() == pytest.approx({"isis": 5000, "iraq": 5000})
    (line,) = snap.front_lines
    assert line.sides == ("iraq", "isis")
    assert line.geometry.equals(shapely.LineString([(50_000, 0), (50_000, 100_000)]))


def test_same_holder_means_no_front_line_and_no_seam():
    snap = territory([(25_000, 50_000), (75_000, 50_000)]).snapshot(keys("isis", "isis"))
    assert snap.front_lines == ()
    assert snap.area_by_faction() == pytest.approx({"isis": 10_000})
    # One faction's land is one piece: the two cells merge with no seam between them.
    land = shapely.union_all([a.geometry for a in snap.areas])
    assert land.geom_type == "Polygon" and not list(land.interiors)
    assert land.symmetric_difference(SQUARE).area < 1.0


def test_settled_land_then_dominated_land_then_a_pocket_beyond_reach():
    t = territory([(50_000, 50_000)], params=TerritoryParameters(held_km=10, dominated_km=30, inferred_km=30))
    units = dict(zip(t.units, t.unit_km2, strict=True))
    assert units[(0, "held")] == pytest.approx(314.16, rel=0.01)  # a 10 km disk
    assert units[(0, "dominated")] == pytest.approx(2513.3, rel=0.01)  # the ring out to 30 km
    assert t.pocket_km2.tolist() == pytest.approx([10_000 - 2827.4], rel=0.01)
    assert t.pocket_neighbours == [(0,)]
    # Nobody else reaches the pocket: its only neighbour's holder dominates it too.
    tiers = {(a.faction, a.tier): a.area_km2 for a in t.snapshot(keys("isis")).areas}
    assert tiers == pytest.approx({("isis", "held"): 314.16, ("isis", "dominated"): 10_000 - 314.16},
                                  rel=0.01)


def test_land_only_one_faction_reaches_is_dominated_by_it():
    """Two towns 60 km apart with 10 km reaches leave a pocket between and around them."""
    near = TerritoryParameters(held_km=5, dominated_km=10, inferred_km=30)
    t = territory([(20_000, 50_000), (80_000, 50_000)], params=near)
    assert t.snapshot(keys("isis", "isis")).area_by_faction() == pytest.approx({"isis": 10_000})
    split = t.snapshot(keys("isis", "iraq")).area_by_faction()
    assert split["unclaimed"] == pytest.approx(10_000 - 2 * 314.16, rel=0.01)


def test_a_follower_far_from_its_leader_is_inferred():
    t = territory([(20_000, 50_000), (80_000, 50_000)], leaders=[0, 0], leader_km=[0, 60])
    tiers = {a.tier for a in t.snapshot({0: ("isis", (), None)}).areas}
    assert tiers == {"held", "inferred", "dominated"}


def test_a_sparse_place_gives_its_leader_dominated_land_not_held_land():
    """A desert hamlet 40 km from its town: its cell is the town's, but only as dominated land."""
    points, leaders, far = [(30_000, 50_000), (70_000, 50_000)], [0, 0], [0, 40]
    dense = territory(points, leaders=leaders, leader_km=far)
    desert = territory(points, leaders=leaders, leader_km=far, sparse=[False, True])
    held = {a.tier: a.area_km2 for a in dense.snapshot({0: ("isis", (), None)}).areas}
    sparse = {a.tier: a.area_km2 for a in desert.snapshot({0: ("isis", (), None)}).areas}
    assert held == pytest.approx({"held": 314.16, "inferred": 314.16, "dominated": 10_000 - 628.32}, rel=0.01)
    assert sparse == pytest.approx({"held": 314.16, "dominated": 10_000 - 314.16}, rel=0.01)


def test_places_do_not_claim_across_a_border_and_the_border_is_no_front():
    west, east = shapely.box(0, 0, 50_000, 100_000), shapely.box(50_000, 0, 100_000, 100_000)
    # The eastern place sits right by the border; it still claims nothing in the west.
    t = territory([(10_000, 50_000), (51_000, 50_000)], ["W", "E"], {"W": west, "E": east})
    snap = t.snapshot(keys("syria", "isis"))
    assert snap.area_by_faction() == pytest.approx({"syria": 5000, "isis": 5000})
    assert snap.front_lines == ()


def test_front_line_stops_where_the_reach_stops():
    params = TerritoryParameters(held_km=10, dominated_km=30, inferred_km=30)
    (line,) = territory([(25_000, 50_000), (75_000, 50_000)], params=params).snapshot(
        keys("isis", "iraq")).front_lines
    # The bisector x=50 km is 25 km from both places: a chord of a 30 km circle.
    assert line.geometry.length == pytest.approx(2 * (30_000**2 - 25_000**2) ** 0.5, rel=0.01)


def test_contested_and_besieged_land_keep_their_own_areas():
    t = territory([(20_000, 50_000), (50_000, 50_000), (80_000, 50_000)])
    snap = t.snapshot({0: ("syria", (), "isis"), 1: ("contested", ("isis", "syria"), None),
                       2: ("isis", (), None)})
    by = {(a.faction, a.besieged_by) for a in snap.areas}
    assert by == {("syria", "isis"), ("contested", None), ("isis", None)}
    assert all(a.parties == ("isis", "syria") for a in snap.areas if a.faction == "contested")
    assert {f.sides for f in snap.front_lines} == {("contested", "syria"), ("contested", "isis")}


def test_units_kept_on_disk_come_back_the_same_and_a_damaged_file_is_rebuilt(tmp_path):
    from dashboard.core.territory_cache import cached_territory

    args = (np.array([(25_000, 50_000), (75_000, 50_000)], dtype=float), ["A", "A"], np.array([0, 1]),
            np.zeros(2), {"A": SQUARE}, EVERYWHERE, None, tmp_path)
    built = cached_territory(*args)
    (saved,) = tmp_path.glob("*.npz")
    again = cached_territory(*args)
    assert again.units == built.units and again.pocket_neighbours == built.pocket_neighbours
    areas = again.snapshot(keys("isis", "iraq")).area_by_faction()
    assert areas == pytest.approx({"isis": 5000, "iraq": 5000})
    saved.write_bytes(b"not a cache file")
    assert cached_territory(*args).units == built.units


def test_a_faction_whose_land_did_not_change_keeps_the_same_geometry():
    """Group unions are remembered: a second date where only two towns swap gives back the third's
    land as the very same object, and the same areas as a territory that never saw the first date."""
    points = [(20_000, 50_000), (50_000, 50_000), (80_000, 50_000)]
    t = territory(points)
    first = {a.faction: a.geometry for a in t.snapshot(keys("isis", "iraq", "sdf")).areas}
    second = {a.faction: a.geometry for a in t.snapshot(keys("iraq", "isis", "sdf")).areas}
    assert second["sdf"] is first["sdf"]
    fresh = {a.faction: a.geometry for a in territory(points).snapshot(keys("iraq", "isis", "sdf")).areas}
    assert all(second[f].equals(fresh[f]) for f in fresh)
