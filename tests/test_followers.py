"""Who a village follows: each rule on a small synthetic case (dashboard/core/followers.py)."""

from __future__ import annotations

import numpy as np
import shapely

from dashboard.core.followers import FollowerRules, follow

#: Two towns 10 km apart on either side of a river running north-south at x = 3 km, and a village at
#: x = 4 km: 4 km from the west town (across the river), 6 km from the east one (same bank).
TOWNS_AND_VILLAGE = np.array([[0, 0], [10_000, 0], [4_000, 0]], dtype=float)
RIVER = shapely.LineString([(3_000, -50_000), (3_000, 50_000)])


def test_a_village_follows_the_nearest_town_when_nothing_else_decides():
    leaders, km = follow(TOWNS_AND_VILLAGE, ["SY"] * 3, leading=[0, 1])
    assert leaders.tolist() == [0, 1, 0]
    assert km.tolist() == [0.0, 0.0, 4.0]


def test_a_village_follows_the_town_on_its_own_bank():
    leaders, _ = follow(TOWNS_AND_VILLAGE, ["SY"] * 3, leading=[0, 1], rivers=[RIVER])
    assert leaders[2] == 1
    # ... unless the own-bank town is more than ``crossing_km`` farther than the far-bank one (2 km here).
    weak = FollowerRules(crossing_km=1.5)
    assert follow(TOWNS_AND_VILLAGE, ["SY"] * 3, leading=[0, 1], rivers=[RIVER], rules=weak)[0][2] == 0


def test_a_village_far_from_any_town_of_its_bank_follows_the_nearest_one():
    """The crossing is a fixed cost: 150 km up its own bank does not beat 60 km across the river."""
    xy = np.array([[0, 0], [210_000, 0], [60_000, 0]], dtype=float)  # west town, east town, village
    river = shapely.LineString([(30_000, -50_000), (30_000, 50_000)])
    assert follow(xy, ["IQ"] * 3, leading=[0, 1], rivers=[river])[0][2] == 0


def test_a_village_follows_a_town_of_its_own_district():
    districts = ["IQD01", "IQD02", "IQD02"]
    leaders, _ = follow(TOWNS_AND_VILLAGE, ["IQ"] * 3, leading=[0, 1], districts=districts)
    assert leaders[2] == 1  # 6 km in its district beats 4 km x 1.6 in the other
    subdistricts = ["IQD01N01", "IQD01N02", "IQD01N02"]
    leaders, _ = follow(TOWNS_AND_VILLAGE, ["IQ"] * 3, leading=[0, 1], subdistricts=subdistricts)
    assert leaders[2] == 0  # 4 km x 1.2 = 4.8 still beats 6 km: a sub-district weighs less
    unknown = ["", "IQD02", ""]
    assert follow(TOWNS_AND_VILLAGE, ["IQ"] * 3, leading=[0, 1], districts=unknown)[0][2] == 0


def test_never_across_a_border():
    leaders, _ = follow(TOWNS_AND_VILLAGE, ["SY", "IQ", "SY"], leading=[1, 0])
    assert leaders.tolist() == [0, 1, 0]
    leaders, _ = follow(TOWNS_AND_VILLAGE, ["SY", "IQ", "IQ"], leading=[0, 1])
    assert leaders[2] == 1  # the Iraqi village follows the Iraqi town, though the Syrian one is nearer


def test_the_records_leads_override_every_rule():
    leaders, km = follow(TOWNS_AND_VILLAGE, ["SY"] * 3, leading=[0, 1], rivers=[RIVER], explicit={2: 0})
    assert leaders[2] == 0 and km[2] == 4.0


def test_followers_kept_on_disk_come_back_the_same(tmp_path):
    from dashboard.core.territory_cache import cached_follow

    args = dict(districts=["", "", ""], subdistricts=["", "", ""], rivers=[RIVER], explicit={},
                rules=FollowerRules(), folder=tmp_path)
    first = cached_follow(TOWNS_AND_VILLAGE, ["SY"] * 3, [0, 1], **args)
    (saved,) = tmp_path.glob("follow-*.npz")
    again = cached_follow(TOWNS_AND_VILLAGE, ["SY"] * 3, [0, 1], **args)
    assert first[0].tolist() == again[0].tolist() == [0, 1, 1]
    assert again[1].tolist() == first[1].tolist()
    saved.write_bytes(b"damaged")
    assert cached_follow(TOWNS_AND_VILLAGE, ["SY"] * 3, [0, 1], **args)[0].tolist() == [0, 1, 1]
