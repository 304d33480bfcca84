"""Old news makes land inferred (dashboard.core.reports), on small synthetic cases and on the
synthetic world, where the hand-worked fronts are 40-50 km apart (so the rule is tried with
``report_km`` 60 there)."""

from __future__ import annotations

import datetime as dt

import pytest
import shapely

from dashboard.core.control import ControlHistory, PlaceState
from dashboard.core.events import Control
from dashboard.core.features import state_features
from dashboard.core.model import ControlModel, ModelParameters
from dashboard.core.reports import ReportAges, ReportRules
from tests.conftest import SYNTHETIC_EVENTS, SYNTHETIC_GEODATA

D = dt.date.fromisoformat
START = D("2014-01-01")


def held(faction: str, since: str | None = None,
         before: str | None = None) -> list[tuple[dt.date, PlaceState]]:
    """A place's timeline: ``before`` until ``since``, then ``faction`` (or ``faction`` throughout)."""
    if since is None:
        return [(START, PlaceState(Control(faction)))]
    return [(START, PlaceState(Control(before or "iraq"))), (D(since), PlaceState(Control(faction)))]


def ages(timelines: dict, xy_km: dict, reports: dict, **rules: float) -> ReportAges:
    history = ControlHistory(START, timelines)
    xy = {p: (x * 1000.0, y * 1000.0) for p, (x, y) in xy_km.items()}
    return ReportAges(history, xy, {p: [D(d) for d in ds] for p, ds in reports.items()},
                      ReportRules(**rules))


def test_a_quiet_is_front_goes_stale_after_a_year_and_news_next_door_refreshes_it():
    towns = ages({"a": held("isis"), "b": held("iraq")}, {"a": (0, 0), "b": (20, 0)},
                 {"b": ["2015-01-10", "2016-09-01"]})
    assert towns.stale(D("2016-01-10")) == frozenset()  # 365 days: not yet old
    assert towns.stale(D("2016-01-11")) == {"a", "b"}
    # An event at b is news of a too: both fresh again.
    assert towns.stale(D("2016-09-01")) == frozenset()
    assert D("2016-01-11") in towns.dates() and D("2016-09-01") in towns.dates()


def test_news_from_beyond_report_km_does_not_refresh():
    towns = ages({"a": held("isis"), "b": held("iraq"), "c": held("iraq")},
                 {"a": (0, 0), "b": (20, 0), "c": (60, 0)}, {"c": ["2015-06-01"]})
    assert towns.stale(D("2015-06-02")) == {"a", "b"}  # c is 40 km from b and 60 from a


def test_only_fronts_of_the_is_war_go_stale():
    towns = ages({"a": held("syria"), "b": held("opposition"), "c": held("isis")},
                 {"a": (0, 0), "b": (20, 0), "c": (200, 0)}, {})
    assert towns.stale(D("2017-01-01")) == frozenset()


def test_a_town_stops_being_stale_when_the_front_moves_away():
    # b falls to IS: a, the other IS town, no longer faces anyone; b and c now face each other.
    towns = ages({"a": held("isis"), "b": held("isis", since="2016-06-01"), "c": held("iraq")},
                 {"a": (0, 0), "b": (20, 0), "c": (45, 0)}, {})
    assert towns.stale(D("2016-05-31")) == {"a", "b"}
    assert towns.stale(D("2016-06-01")) == {"b", "c"}


def test_many_dates_at_once_agree_with_one_at_a_time():
    towns = ages({"a": held("isis"), "b": held("iraq", since="2015-03-01", before="isis"), "c": held("sdf")},
                 {"a": (0, 0), "b": (25, 0), "c": (10, 20)}, {"a": ["2014-06-01"], "c": ["2016-02-02"]})
    days = [START + dt.timedelta(days=n) for n in range(0, 2000, 17)]
    assert towns.stale_on(days) == [towns.stale(d) for d in days]


@pytest.fixture(scope="module")
def near_world() -> ControlModel:
    """The synthetic world, with fronts judged within 60 km: Ashford (IS from 10 June 2014) and Brampton
    (government) are 50 km apart, and nothing is reported near them until February 2016."""
    params = ModelParameters(reports=ReportRules(report_km=60))
    return ControlModel.load(SYNTHETIC_EVENTS, SYNTHETIC_GEODATA, params)


def tiers(model: ControlModel, date: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for area in model.snapshot(D(date)).areas:
        out.setdefault(area.faction, set()).add(area.tier)
    return out


def test_a_stale_front_draws_its_reported_land_as_inferred(near_world):
    assert tiers(near_world, "2015-06-10")["isis"] >= {"held"}
    ashford = near_world.places.index(near_world.gazetteer["ashford"])
    assert ashford in near_world.stale_leaders(D("2015-06-11"))
    late = near_world.snapshot(D("2015-12-01"))
    ashford_point = near_world.xy[ashford]
    (under,) = [a for a in late.areas if a.geometry.contains(shapely.Point(*ashford_point))]
    assert (under.faction, under.tier) == ("isis", "inferred")
    # The offensive on Ashford (10 February 2016) is news: its land is reported again.
    assert near_world.stale_leaders(D("2016-02-10")) == frozenset()


def test_going_stale_starts_an_epoch_though_no_control_changed(near_world, synthetic_model):
    starts = {e.valid_from for e in near_world.epochs()}
    assert D("2015-06-11") in starts and D("2016-02-10") in starts
    assert D("2015-06-11") not in {e.valid_from for e in synthetic_model.epochs()}
    # The areas per faction do not change, only their tier.
    assert near_world.area_by_faction(D("2015-06-10")) == near_world.area_by_faction(D("2015-06-11"))


def test_exports_mark_stale_land_inferred(near_world):
    def flags(date: str) -> set[tuple[str, bool]]:
        return {(f["properties"]["faction"], f["properties"]["inferred"])
                for f in state_features(near_world, D(date)) if f["properties"].get("kind") == "area"
                and not f["properties"]["dominated"]}
    assert ("iraq", True) not in flags("2015-06-10")
    assert ("iraq", True) in flags("2015-12-01")
