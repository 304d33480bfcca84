"""Land changing hands between two dates, on the synthetic world (tests/fixtures/README.md).

Mosul changing hands in the real record: tests/test_record.py.
"""

from __future__ import annotations

import datetime as dt

import pytest
import shapely

from dashboard.core.changes import change_totals, land_changes

from . import synthetic

D = dt.date.fromisoformat


def test_the_land_of_each_place_that_changed_hands_goes_to_its_new_holder(synthetic_model):
    """From 2016-01-01 to 2016-07-15 Ashford passed from IS to Iraq, Northmere from IS to the rebels;
    with Ashford back, every town around Iraq's pocket of unreached land is Iraqi: Iraq dominates it."""
    shifts = land_changes(synthetic_model, D("2016-01-01"), D("2016-07-15"))
    assert [(s.old, s.new) for s in shifts] == [("isis", "iraq"), ("isis", "opposition"),
                                                ("unclaimed", "iraq")]
    cells = {("isis", "iraq"): "ashford", ("isis", "opposition"): "northmere"}
    for shift in shifts:
        assert shift.geometry.area / 1e6 == pytest.approx(shift.area_km2, rel=1e-6)
        if (shift.old, shift.new) == ("unclaimed", "iraq"):
            assert shift.area_km2 == pytest.approx(synthetic.IQ_POCKET_KM2, rel=synthetic.REL)
            continue
        place = cells[(shift.old, shift.new)]
        assert shift.area_km2 == pytest.approx(synthetic.CELL_KM2[place], rel=synthetic.REL)
        x, y = synthetic.XY_KM[place]
        assert shift.geometry.contains(shapely.Point(x * 1000, y * 1000))


def test_gains_and_losses_per_faction(synthetic_model):
    totals = change_totals(land_changes(synthetic_model, D("2016-01-01"), D("2016-07-15")))
    ashford, northmere = synthetic.CELL_KM2["ashford"], synthetic.CELL_KM2["northmere"]
    pocket = synthetic.IQ_POCKET_KM2
    assert list(totals) == ["iraq", "unclaimed", "isis", "opposition"]  # largest turnover first
    expected = {"isis": (0, ashford + northmere), "iraq": (ashford + pocket, 0), "opposition": (northmere, 0),
                "unclaimed": (0, pocket)}
    for faction, (gained, lost) in expected.items():
        balance = totals[faction]
        assert (balance.gained_km2, balance.lost_km2) == pytest.approx((gained, lost), rel=synthetic.REL)
        assert balance.net_km2 == pytest.approx(gained - lost, rel=synthetic.REL)


@pytest.mark.parametrize(("since", "until"), [("2014-01-01", "2015-06-01"), ("2015-06-01", "2016-07-15"),
                                              ("2016-07-15", "2019-03-31"), ("2019-03-31", "2014-01-01")])
def test_gains_and_losses_match_the_areas_on_both_dates(synthetic_model, since, until):
    since, until = D(since), D(until)
    totals = change_totals(land_changes(synthetic_model, since, until))
    before, after = synthetic_model.area_by_faction(since), synthetic_model.area_by_faction(until)
    for faction in set(before) | set(after):
        net = totals[faction].net_km2 if faction in totals else 0.0
        assert after.get(faction, 0) - before.get(faction, 0) == pytest.approx(net, abs=0.01)
    assert sum(b.net_km2 for b in totals.values()) == pytest.approx(0, abs=1e-6)


def test_a_siege_alone_changes_no_hands(synthetic_model):
    # Westbrook was besieged on 2015-01-15; nothing else happened until 2015-05-20.
    assert land_changes(synthetic_model, D("2015-01-14"), D("2015-01-15")) == []


def test_nothing_changes_within_one_epoch(synthetic_model):
    epoch = synthetic_model.epoch(D("2016-07-15"))
    last_day = epoch.valid_to - dt.timedelta(days=1)
    assert land_changes(synthetic_model, epoch.valid_from, last_day) == []
