"""Land changing hands between two dates, on the real data."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.core.changes import change_totals, land_changes

D = dt.date


def test_mosul_passes_from_isis_to_iraq_between_2016_and_mid_2017(model):
    shifts = land_changes(model, D(2016, 7, 1), D(2017, 7, 15))
    mosul = model.gazetteer["mosul"]
    from shapely import Point

    from dashboard.core.geography import to_projected
    where = Point(*to_projected(mosul.lon, mosul.lat))
    (holding,) = [s for s in shifts if s.geometry.contains(where)]
    assert (holding.old, holding.new) == ("isis", "iraq")


@pytest.mark.parametrize(("since", "until"), [(D(2014, 6, 1), D(2015, 6, 1)), (D(2016, 1, 1), D(2017, 1, 1)),
                                              (D(2017, 6, 1), D(2018, 1, 1))])
def test_gains_and_losses_match_the_areas_on_both_dates(model, since, until):
    totals = change_totals(land_changes(model, since, until))
    before, after = model.area_by_faction(since), model.area_by_faction(until)
    for faction in set(before) | set(after):
        net = totals[faction].net_km2 if faction in totals else 0.0
        assert after.get(faction, 0) - before.get(faction, 0) == pytest.approx(net, abs=0.5)
    assert sum(b.net_km2 for b in totals.values()) == pytest.approx(0, abs=1e-6)
    assert totals["isis"].lost_km2 > 0


def test_shift_areas_are_their_geometry_areas(model):
    for shift in land_changes(model, D(2016, 1, 1), D(2017, 1, 1)):
        assert shift.geometry.area / 1e6 == pytest.approx(shift.area_km2, rel=1e-6)


def test_nothing_changes_within_one_epoch(model):
    epoch = model.epoch(D(2016, 7, 15))
    last_day = epoch.valid_to - dt.timedelta(days=1)
    assert land_changes(model, epoch.valid_from, last_day) == []
