"""Which towns the record must name, and which it does not yet.

The record's completeness rule: every town of at least 10,000 people in any district the Islamic
State ever held or attacked has a history of its own.  A district counts when a recorded place in
it was held by IS, contested with IS or besieged by IS at some date.  A town is a gazetteer place
with a known population of at least ``min_population``; a place within ``part_km`` of a recorded
place is part of that place (New Mosul is a quarter of Mosul, not a town of its own).

Example (places as :class:`dashboard.core.places.Place`, the history of one IS-held town):

>>> import datetime as dt
>>> from dashboard.core.control import ControlHistory, PlaceState
>>> from dashboard.core.events import Control
>>> from dashboard.core.places import Place
>>> def town(id, lat, people, district):
...     return Place(id, id, None, (), lat, 40.0, "SY", "G", people, district=district)
>>> places = [town("raqqa", 36.0, 500_000, "D1"), town("tabqa", 35.8, 70_000, "D1"),
...           town("hamlet", 35.9, 300, "D1"), town("homs", 34.7, 600_000, "D2")]
>>> history = ControlHistory(dt.date(2014, 1, 1),
...     {"raqqa": [(dt.date(2014, 1, 1), PlaceState(Control("isis")))]})
>>> [t.place.id for t in unrecorded_towns(places, history)]
['tabqa']
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

import numpy as np

from dashboard.core.control import ControlHistory
from dashboard.core.events import IS
from dashboard.core.geography import to_projected
from dashboard.core.places import Place

#: The issue's threshold: a town of 10,000 people or more.
MIN_POPULATION = 10_000
#: A gazetteer place this close to a recorded place is one of its quarters (New Mosul, 1.5 km from
#: Mosul's point), not a town the record lacks.  Separate towns of 10,000 people lie farther apart.
PART_KM = 3.0


@dataclass(frozen=True)
class Town:
    """A town the record does not name, with the nearest recorded place it follows meanwhile."""

    place: Place
    nearest: str
    nearest_km: float


def is_districts(places: Iterable[Place], history: ControlHistory) -> set[tuple[str, str]]:
    """(country, district) of every recorded place IS held, contested or besieged at some date."""
    by_id = {p.id: p for p in places}
    touched = set()
    for place_id in history.places:
        states = [state for _, state in history.timeline(place_id)]
        if any(s.control.faction == IS or IS in s.control.parties or s.besieged_by == IS for s in states):
            place = by_id.get(place_id)
            if place is not None and place.district:
                touched.add((place.country, place.district))
    return touched


def unrecorded_towns(places: Iterable[Place], history: ControlHistory, min_population: int = MIN_POPULATION,
                     part_km: float = PART_KM, excused: Collection[str] = ()) -> list[Town]:
    """The towns of IS's districts that have no history of their own, largest first; ``excused``:
    ids the record leaves out on purpose (its ``unrecorded`` list, each with its reason)."""
    places = list(places)
    named = set(history.places)
    recorded = [p for p in places if p.id in named]
    districts = is_districts(places, history)
    towns = [p for p in places if p.population >= min_population and (p.country, p.district) in districts
             and p.id not in named and p.id not in excused]
    if not towns or not recorded:
        return []
    # Distances in the equal-area projection, as the model measures them (over the theatre, within 1%).
    xy = np.column_stack(to_projected(np.array([p.lon for p in towns + recorded]),
                                      np.array([p.lat for p in towns + recorded])))
    km = np.hypot(*(xy[:len(towns), None, :] - xy[None, len(towns):, :]).transpose(2, 0, 1)) / 1000
    nearest = km.argmin(axis=1)
    found = [Town(town, recorded[j].id, round(float(km[i, j]), 1))
             for i, (town, j) in enumerate(zip(towns, nearest, strict=True)) if km[i, j] > part_km]
    return sorted(found, key=lambda t: (-t.place.population, t.place.id))
