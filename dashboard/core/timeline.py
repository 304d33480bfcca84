"""The whole record in one compact form: shapes once, then who holds each leader per epoch.

The territory's units never change (:mod:`dashboard.core.territory`): only who holds each leading
place does.  So a map that can show any date needs every unit's and pocket's outline once, the
shared edges between leaders once, and per epoch only the leaders whose state changed.  Everything
a date shows follows from that in a few lines, the same rules as :meth:`Territory.snapshot`:

- a unit takes its leader's state (faction, contested parties, besieger) and keeps its tier, except
  that a stale leader's held land is inferred (its last report is old, :mod:`dashboard.core.reports`);
- a pocket is dominated by the one uncontested, unbesieged holder of every leader around it
  (:meth:`Territory.pocket_owner`), and is unclaimed otherwise;
- a shared edge is a front line when its two leaders' factions differ.

The outlines of besieged and contested land (one line round the whole area, not round each unit)
are made here once per distinct area and named per epoch.  :func:`decode` applies the rules in
Python; the browser's time engine (``dashboard/web/elements/time_engine.js``) applies the same
ones, and the tests hold one against the other and both against the model.

Shapes are GeoJSON geometries in WGS84 at screen detail: units and pockets are simplified together
(``shapely.coverage_simplify``), so neighbours keep one shared border and no seam opens between them.

Examples
--------
>>> import datetime as dt
>>> data = timeline(small_model, dt.date(2016, 1, 1), dt.date(2016, 12, 31))
>>> len(data["shapes"]) == len(data["units"]["leader"]) + len(data["pockets"]["neighbours"])
True
>>> state = decode(data, (dt.date(2016, 6, 26) - dt.date(2016, 1, 1)).days)
>>> state.keys[data["leaders"].index("fallujah")][0]
'iraq'
"""

from __future__ import annotations

import datetime as dt
import json
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from dashboard.core.areas import CellKey
from dashboard.core.events import CONTESTED
from dashboard.core.geography import unproject
from dashboard.core.model import ControlModel
from dashboard.core.territory import TIERS, Territory, drawn_tier

#: Screen tolerance (m) of unit and pocket outlines: 2 km is under a pixel at the zoom that shows
#: both countries, and halves the shapes against 1 km (``bench/bench_timeline_format.py``).
SIMPLIFY_M = 2000.0
#: Decimals of longitude and latitude: 3 is about 100 m, a twentieth of the screen tolerance.
DECIMALS = 3

Shape = dict[str, Any]


@dataclass(frozen=True)
class DayState:
    """What the map shows on one day, by index into a :func:`timeline`'s tables.

    ``keys``: each leader's (faction, parties, besieger); ``units``/``pockets``: the state drawn on
    each (a pocket's is ``None`` when unclaimed); ``tiers``: the tier each unit is drawn in (index
    into ``TIERS``); ``fronts``: indices of the edges that are front lines; ``outlines``: indices of
    the besieged or contested outlines drawn.
    """

    epoch: int
    keys: tuple[CellKey, ...]
    units: tuple[CellKey, ...]
    tiers: tuple[int, ...]
    pockets: tuple[CellKey | None, ...]
    fronts: tuple[int, ...]
    outlines: tuple[tuple[int, int], ...]


def timeline(model: ControlModel, start: dt.date | None = None, end: dt.date | None = None,
             simplify_m: float = SIMPLIFY_M) -> dict[str, Any]:
    """Every epoch from ``start`` to ``end`` (default: the whole record) as plain JSON-able data.

    Days are counted from ``start``.  Tables: ``leaders`` (place ids, slot by slot), ``keys``
    (distinct leader states), ``units`` (leader slot, tier index into ``tiers``, km²), ``pockets``
    (neighbouring leader slots, km²), ``shapes`` (units then pockets), ``edges`` (two leader slots
    and a line), ``outlines`` (lines), ``places`` (recorded places: id, name, lon, lat, leader slot),
    ``epochs`` (first ``day``, the leader slots whose key changed as [slot, key], the outlines
    drawn as [outline, key], and the ``stale`` leader slots, whose held land is drawn inferred).
    """
    record = model.record
    start, end = start or record.start, end or record.end
    territory = model.territory
    index = {place.id: i for i, place in enumerate(model.places)}
    slots = sorted(set(territory.leaders) | {index[p] for p in model.recorded_places})
    slot_of = {leader: n for n, leader in enumerate(slots)}
    leaders = [model.places[i].id for i in slots]
    shapes = _coverage_shapes(territory, simplify_m)
    key_index: dict[CellKey, int] = {}
    epochs, outline_shapes, outline_index = [], [], {}
    previous: list[int] = []
    for epoch in model.epochs(start, end):
        state = [key_index.setdefault(_key(model, place, epoch.valid_from), len(key_index))
                 for place in leaders]
        changed = [[n, k] for n, k in enumerate(state) if not previous or previous[n] != k]
        keys = list(key_index)
        drawn = []
        for key, parts in _outlined_groups(territory, slot_of, [keys[k] for k in state]):
            if parts not in outline_index:
                outline_index[parts] = len(outline_shapes)
                outline_shapes.append(_outline(shapes, parts))
            drawn.append([outline_index[parts], key_index[key]])
        stale = sorted(slot_of[leader] for leader in model.stale_leaders(epoch.valid_from))
        epochs.append({"day": (epoch.valid_from - start).days, "set": changed, "outlines": drawn,
                       "stale": stale})
        previous = state
    recorded = sorted(model.recorded_places)
    return {
        "start": start.isoformat(), "end": end.isoformat(), "days": (end - start).days,
        "tiers": list(TIERS), "leaders": leaders,
        "keys": [[f, list(parties), besieger] for f, parties, besieger in key_index],
        "units": {"leader": [slot_of[leader] for leader, _ in territory.units],
                  "tier": [TIERS.index(tier) for _, tier in territory.units],
                  "km2": [round(float(a), 1) for a in territory.unit_km2]},
        "pockets": {"neighbours": [[slot_of[n] for n in ns] for ns in territory.pocket_neighbours],
                    "km2": [round(float(a), 1) for a in territory.pocket_km2]},
        "shapes": [_json(g) for g in unproject(shapes)],
        "edges": {"a": [slot_of[a] for a, _, _ in territory.edges],
                  "b": [slot_of[b] for _, b, _ in territory.edges],
                  "shapes": [_json(g) for g in unproject(shapely.simplify(
                      np.array([line for _, _, line in territory.edges], dtype=object), simplify_m / 2))]},
        "outlines": [_json(g) for g in unproject(np.array(outline_shapes, dtype=object))],
        "places": [_place(model, p, leaders.index(p)) for p in recorded],
        "epochs": epochs,
    }


def decode(data: dict[str, Any], day: int) -> DayState:
    """What :func:`timeline`'s ``data`` shows on ``day`` (days from its start): the browser's rules.

    >>> data = {"keys": [["isis", [], None], ["iraq", [], None]], "leaders": ["a", "b"],
    ...         "units": {"leader": [0, 1], "tier": [0, 0], "km2": [1, 1]},
    ...         "pockets": {"neighbours": [[0, 1], [1]], "km2": [1, 1]},
    ...         "edges": {"a": [0], "b": [1]},
    ...         "epochs": [{"day": 0, "set": [[0, 0], [1, 0]], "outlines": [], "stale": []},
    ...                    {"day": 5, "set": [[1, 1]], "outlines": [], "stale": [0]}]}
    >>> state = decode(data, 7)
    >>> state.pockets, state.fronts, state.tiers
    ((None, ('iraq', (), None)), (0,), (1, 0))
    """
    epochs = data["epochs"]
    last = max(0, bisect_right([e["day"] for e in epochs], day) - 1)
    slots = [0] * len(data["leaders"])
    for epoch in epochs[:last + 1]:
        for slot, key in epoch["set"]:
            slots[slot] = key
    table = [(f, tuple(parties), besieger) for f, parties, besieger in data["keys"]]
    keys = tuple(table[k] for k in slots)
    units = tuple(keys[slot] for slot in data["units"]["leader"])
    stale = set(epochs[last]["stale"])
    tiers = tuple(TIERS.index(drawn_tier(TIERS[tier], slot in stale))
                  for slot, tier in zip(data["units"]["leader"], data["units"]["tier"], strict=True))
    pockets = tuple(pocket_owner(ns, keys) for ns in data["pockets"]["neighbours"])
    edges = data["edges"]
    fronts = tuple(i for i, (a, b) in enumerate(zip(edges["a"], edges["b"], strict=True))
                   if keys[a][0] != keys[b][0])
    outlines = tuple((o, k) for o, k in epochs[last]["outlines"])
    return DayState(last, keys, units, tiers, pockets, fronts, outlines)


def pocket_owner(neighbours: list[int], keys: tuple[CellKey, ...] | list[CellKey]) -> CellKey | None:
    """:meth:`Territory.pocket_owner` on slots (one rule, spelled out where the browser can read it)."""
    return Territory.pocket_owner(neighbours, dict(enumerate(keys)))


def _key(model: ControlModel, place: str, date: dt.date) -> CellKey:
    state = model.history.at(place, date)
    return (state.control.faction, tuple(state.control.parties), state.besieged_by)


def _place(model: ControlModel, place_id: str, slot: int) -> dict[str, Any]:
    place = model.gazetteer[place_id]
    return {"id": place_id, "name": place.name, "lon": round(place.lon, DECIMALS),
            "lat": round(place.lat, DECIMALS), "slot": slot}


def _coverage_shapes(territory: Territory, simplify_m: float) -> np.ndarray:
    """Units then pockets, simplified together (projected CRS)."""
    parts = np.array(list(territory.unit_geometry) + list(territory.pockets), dtype=object)
    return shapely.coverage_simplify(parts, simplify_m) if simplify_m else parts


def _outlined_groups(territory: Territory, slot_of: dict[int, int],
                     keys: list[CellKey]) -> list[tuple[CellKey, tuple[int, ...]]]:
    """Each besieged or contested area's state and unit indices: it gets one outline."""
    groups: dict[CellKey, list[int]] = defaultdict(list)
    for i, (leader, _) in enumerate(territory.units):
        key = keys[slot_of[leader]]
        if key[2] or key[0] == CONTESTED:
            groups[key].append(i)
    ordered = sorted(groups.items(), key=lambda item: json.dumps(item[0]))
    return [(key, tuple(parts)) for key, parts in ordered]


def _outline(shapes: np.ndarray, parts: tuple[int, ...]) -> BaseGeometry:
    """The boundary of the union of these (coverage-simplified, so edge-sharing) shapes."""
    return shapely.union_all(shapes[list(parts)]).boundary


def _json(geometry: BaseGeometry) -> Shape:
    return json.loads(shapely.to_geojson(shapely.set_precision(geometry, 10 ** -DECIMALS)))

