"""The record's completeness rule (dashboard.core.coverage) on small named places."""

from __future__ import annotations

import datetime as dt

from dashboard.core.control import ControlHistory, PlaceState
from dashboard.core.coverage import unrecorded_towns
from dashboard.core.events import Control
from dashboard.core.places import Place

START = dt.date(2014, 1, 1)


def place(id: str, lat: float, lon: float, people: int, district: str, country: str = "SY") -> Place:
    return Place(id, id, None, (), lat, lon, country, "G", people, district=district)


def history(**states: list[PlaceState]) -> ControlHistory:
    """Each place's states, a year apart from the start."""
    return ControlHistory(START, {p: [(START.replace(year=2014 + i), s) for i, s in enumerate(ss)]
                                  for p, ss in states.items()})


GAZETTEER = [
    place("hub", 36.0, 40.0, 200_000, "D1"),
    place("quarter", 36.01, 40.01, 90_000, "D1"),       # 1.4 km from hub: part of it
    place("town", 36.2, 40.2, 12_000, "D1"),
    place("village", 36.3, 40.3, 9_999, "D1"),          # under the threshold
    place("unknown", 36.25, 40.1, 0, "D1"),             # no population known
    place("elsewhere", 35.0, 38.0, 50_000, "D2"),       # a district IS never touched
    place("siege-town", 34.0, 41.0, 30_000, "D3"),
    place("iraqi", 36.1, 40.3, 40_000, "D1", country="IQ"),  # same code, other country
]


def ids(hist: ControlHistory) -> list[str]:
    return [t.place.id for t in unrecorded_towns(GAZETTEER, hist)]


def test_a_town_of_an_is_held_district_without_its_own_history_is_listed():
    hist = history(hub=[PlaceState(Control("syria")), PlaceState(Control("isis"))],
                   **{"siege-town": [PlaceState(Control("syria"))]})
    assert ids(hist) == ["town"]
    (town,) = unrecorded_towns(GAZETTEER, hist)
    assert town.nearest == "hub" and 20 < town.nearest_km < 40


def test_recording_the_town_takes_it_off_the_list():
    hist = history(hub=[PlaceState(Control("isis"))], town=[PlaceState(Control("isis"))])
    assert ids(hist) == []


def test_districts_besieged_or_contested_by_is_count_as_attacked():
    besieged = history(**{"siege-town": [PlaceState(Control("syria"), besieged_by="isis")]},
                       hub=[PlaceState(Control("syria"))])
    assert ids(besieged) == []  # the siege's own town is recorded; nothing else in D3
    contested = history(hub=[PlaceState(Control("contested", ("isis", "sdf")))])
    assert ids(contested) == ["town"]


def test_a_district_is_never_touched_lists_nothing():
    assert ids(history(hub=[PlaceState(Control("syria"))], elsewhere=[PlaceState(Control("sdf"))])) == []


def test_a_town_the_record_leaves_out_on_purpose_is_excused():
    hist = history(hub=[PlaceState(Control("isis"))])
    assert [t.place.id for t in unrecorded_towns(GAZETTEER, hist, excused={"town"})] == []
