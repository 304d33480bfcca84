"""Who a village follows: the recorded place whose control it is taken to share.

Control is recorded for towns; every other place of the gazetteer takes its control from one
*leading* recorded place.  The rules, in order:

1. **Explicit** ``leads`` in the record: a recorded place can claim a district, a sub-district or a
   list of places; those places follow it whatever the distance.
2. **Same country**: a Syrian village never follows an Iraqi town (and the other way round).
3. **Cost**: among the ``candidates`` nearest leaders, the one with the lowest distance times the
   penalties of :class:`FollowerRules` (in another district, in another sub-district), plus a fixed
   cost for crossing a main river (another bank).  A village on the east bank of the Euphrates thus
   follows an east-bank town up to ``crossing_km`` farther than the nearest west-bank one; where no
   town on its own bank is that near (the far south of Iraq), it follows the nearest one.

Examples
--------
>>> import numpy as np, shapely
>>> xy = np.array([[0, 0], [10_000, 0], [4_000, 0], [6_000, 1_000]], dtype=float)
>>> river = shapely.LineString([(3_000, -50_000), (3_000, 50_000)])   # at x = 3 km
>>> leaders, km = follow(xy, ["SY"] * 4, leading=[0, 1], rivers=[river])
>>> leaders.tolist()       # the village at x = 4 km is on the far bank from town 0: it follows town 1
[0, 1, 1, 1]
>>> km.round(1).tolist()
[0.0, 0.0, 6.0, 4.1]
>>> follow(xy, ["SY"] * 4, leading=[0, 1])[0].tolist()  # without the river: the nearest town
[0, 1, 0, 1]
>>> follow(xy, ["SY"] * 4, leading=[0, 1], rivers=[river], explicit={2: 0})[0].tolist()  # ``leads`` wins
[0, 1, 0, 1]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry


@dataclass(frozen=True)
class FollowerRules:
    """Penalties of the follower rule; see the README's "How areas are drawn"."""

    #: A leader across a main river costs this many km more: the river is a front more often than not
    #: (the Euphrates 2015-2019, the Tigris at Mosul), so a village follows a town on its own bank if
    #: there is one within this much farther.  A fixed cost, not a factor: a village far from any
    #: town of its own bank still follows the nearest town, not one hundreds of km up its bank.
    crossing_km: float = 50.0
    #: A leader in another district (a distance factor; Iraq: OCHA adm2, Syria: GeoNames' districts):
    #: local forces and administration are organised by district.
    district: float = 1.6
    #: A leader in another sub-district (Iraq: OCHA adm3).
    subdistrict: float = 1.2
    #: How many of the nearest leaders are weighed.
    candidates: int = 8


def follow(xy: np.ndarray, countries: Sequence[str], leading: Sequence[int], *,
           districts: Sequence[str] | None = None, subdistricts: Sequence[str] | None = None,
           rivers: Sequence[BaseGeometry] = (), explicit: Mapping[int, int] | None = None,
           rules: FollowerRules = FollowerRules()) -> tuple[np.ndarray, np.ndarray]:
    """The leader (an index into ``xy``) of every place, and its distance to it in km.

    ``xy`` are projected positions (metres); ``leading`` the indices of the places that lead;
    ``districts``/``subdistricts`` codes per place (``""`` when unknown); ``rivers`` the main
    river lines (projected); ``explicit`` place index -> leader index from the record's ``leads``.
    """
    n = len(xy)
    xy = np.asarray(xy, dtype=float)
    countries = np.asarray(countries, dtype=object)
    leading = np.asarray(sorted(set(leading)), dtype=int)
    leaders = np.arange(n)
    explicit = dict(explicit or {})
    river = shapely.union_all(list(rivers)) if len(rivers) else None
    if river is not None:
        shapely.prepare(river)
    districts_ = np.asarray(districts if districts is not None else [""] * n, dtype=object)
    subdistricts_ = np.asarray(subdistricts if subdistricts is not None else [""] * n, dtype=object)
    is_leader = np.zeros(n, dtype=bool)
    is_leader[leading] = True
    for country in sorted(set(countries.tolist())):
        pool = leading[countries[leading] == country]
        if not len(pool):
            pool = leading
        if not len(pool):
            continue
        members = np.flatnonzero((countries == country) & ~is_leader)
        members = np.array([i for i in members if i not in explicit], dtype=int)
        for chunk in np.array_split(members, max(1, len(members) // 2048)):
            if len(chunk):
                leaders[chunk] = _choose(chunk, pool, xy, districts_, subdistricts_, river, rules)
    for place, leader in explicit.items():
        leaders[place] = leader
    distance_km = np.hypot(*(xy - xy[leaders]).T) / 1000
    return leaders, distance_km


def _choose(members: np.ndarray, pool: np.ndarray, xy: np.ndarray, districts: np.ndarray,
            subdistricts: np.ndarray, river: BaseGeometry | None, rules: FollowerRules) -> np.ndarray:
    """The cheapest of the nearest ``rules.candidates`` leaders for each member."""
    d = np.hypot(xy[members, None, 0] - xy[None, pool, 0], xy[members, None, 1] - xy[None, pool, 1])
    k = min(rules.candidates, len(pool))
    if k < len(pool):
        near = np.argpartition(d, k - 1, axis=1)[:, :k]
    else:
        near = np.tile(np.arange(len(pool)), (len(members), 1))
    cand = pool[near]                                   # (members, k) place indices
    cost = np.take_along_axis(d, near, axis=1)
    mine, theirs = districts[members][:, None], districts[cand]
    cost = cost * np.where((mine != "") & (theirs != "") & (mine != theirs), rules.district, 1.0)
    mine, theirs = subdistricts[members][:, None], subdistricts[cand]
    cost = cost * np.where((mine != "") & (theirs != "") & (mine != theirs), rules.subdistrict, 1.0)
    if river is not None:
        # Only a line longer than the place's distance to the river can cross it: test just those.
        reach = shapely.distance(shapely.points(xy[members]), river)[:, None]
        maybe = np.take_along_axis(d, near, axis=1) >= reach
        crosses = np.zeros(cost.shape, dtype=bool)
        if maybe.any():
            rows, cols = np.nonzero(maybe)
            segments = shapely.linestrings(np.stack([xy[members[rows]], xy[cand[rows, cols]]], axis=1))
            crosses[rows, cols] = shapely.intersects(segments, river)
        cost = cost + np.where(crosses, rules.crossing_km * 1000, 0.0)
    return cand[np.arange(len(members)), np.argmin(cost, axis=1)]
