"""The whole record in the time engine's form (dashboard.core.timeline): shapes once, states per epoch.

The decoded state of every epoch must be the model's own: the same km² per faction, the same front
lines, one outline per besieged or contested area.  The browser applies the same rules
(tests/test_standalone.py holds the two together in Chromium).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections import defaultdict

import pytest

from dashboard.core.events import CONTESTED, UNCLAIMED
from dashboard.core.timeline import DECIMALS, decode, timeline


def decoded_km2(data: dict, day: int) -> dict[tuple[str, str], float]:
    """km² per faction and drawn tier on ``day`` from the decoded state and the units' and pockets' km²."""
    state = decode(data, day)
    totals: dict[tuple[str, str], float] = defaultdict(float)
    for key, tier, km2 in zip(state.units, state.tiers, data["units"]["km2"], strict=True):
        totals[key[0], data["tiers"][tier]] += km2
    for key, km2 in zip(state.pockets, data["pockets"]["km2"], strict=True):
        totals[key[0] if key else UNCLAIMED, "dominated"] += km2
    return dict(totals)


def snapshot_km2(snapshot) -> dict[tuple[str, str], float]:
    """km² per faction and tier of a model snapshot's areas."""
    totals: dict[tuple[str, str], float] = defaultdict(float)
    for area in snapshot.areas:
        totals[area.faction, area.tier] += area.geometry.area / 1e6
    return {key: km2 for key, km2 in totals.items() if km2 > 0.01}


def assert_decodes_to_the_model(model, data: dict, start: dt.date) -> None:
    epochs = model.epochs(start, dt.date.fromisoformat(data["end"]))
    assert [e["day"] for e in data["epochs"]] == [(e.valid_from - start).days for e in epochs]
    for epoch in epochs:
        day = (epoch.valid_from - start).days
        state = decode(data, day)
        snapshot = model.snapshot(epoch.valid_from)
        expected = snapshot_km2(snapshot)
        got = {key: km2 for key, km2 in decoded_km2(data, day).items() if km2 > 0.01}
        assert got.keys() == expected.keys(), epoch.valid_from
        for key, km2 in expected.items():
            assert got[key] == pytest.approx(km2, rel=1e-3, abs=1.0), (epoch.valid_from, key)
        fronts = {tuple(sorted((state.keys[a][0], state.keys[b][0])))
                  for a, b in (zip(data["edges"]["a"], data["edges"]["b"], strict=True))}
        sides = {tuple(sorted((state.keys[data["edges"]["a"][i]][0], state.keys[data["edges"]["b"][i]][0])))
                 for i in state.fronts}
        assert sides == {f.sides for f in snapshot.front_lines}, epoch.valid_from
        assert sides <= fronts
        outlined = {(a.faction, a.parties, a.besieged_by) for a in snapshot.areas
                    if a.besieged_by or a.faction == CONTESTED}
        keys = [(f, tuple(p), b) for f, p, b in data["keys"]]
        assert {keys[k] for _, k in state.outlines} == outlined, epoch.valid_from
        # A day inside the epoch decodes to the same state as its first day.
        assert decode(data, (epoch.valid_to - start).days - 1) == state


def test_every_epoch_of_the_synthetic_world_decodes_to_the_model(synthetic_model):
    data = timeline(synthetic_model)
    assert_decodes_to_the_model(synthetic_model, data, synthetic_model.record.start)
    assert data["days"] == (synthetic_model.record.end - synthetic_model.record.start).days
    # Besieged and contested land both happen in the synthetic record, so outlines are exercised.
    assert any(e["outlines"] for e in data["epochs"])


def test_a_range_counts_days_from_its_start_and_keeps_the_state_in_force_then(small_model):
    start, end = dt.date(2016, 1, 1), dt.date(2016, 12, 31)
    data = timeline(small_model, start, end)
    assert data["start"] == "2016-01-01" and data["days"] == 365
    assert data["epochs"][0]["day"] == 0
    assert len(data["epochs"][0]["set"]) == len(data["leaders"])  # the first epoch is whole
    assert all(len(e["set"]) < len(data["leaders"]) for e in data["epochs"][1:])  # then only changes
    assert_decodes_to_the_model(small_model, data, start)


def test_places_point_at_their_own_slot(small_model):
    data = timeline(small_model)
    for place in data["places"]:
        assert data["leaders"][place["slot"]] == place["id"]
        found = small_model.gazetteer[place["id"]]
        assert (place["lon"], place["lat"]) == (round(found.lon, DECIMALS), round(found.lat, DECIMALS))


def test_the_whole_real_record_is_small(real_model):
    """Issue 13's budget: the whole record on first load within 1.5 MB compressed."""
    data = timeline(real_model)
    raw = json.dumps(data, separators=(",", ":")).encode()
    assert len(gzip.compress(raw, 6)) < 1_500_000
    assert len(data["epochs"]) == len(real_model.epochs())
    assert len(data["shapes"]) == len(real_model.territory.units) + len(real_model.territory.pockets)
