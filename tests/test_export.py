"""Screen features per epoch (``EpochFeatures``), shared by the app's sessions."""

from __future__ import annotations

import datetime as dt
import json
import threading

from dashboard.core import features
from dashboard.web.epochs import EpochFeatures


def test_each_epoch_is_computed_once_and_equals_state_features(small_model):
    layers = EpochFeatures(small_model, simplify_m=1000)
    for epoch in small_model.epochs():
        day = epoch.valid_from
        last = epoch.valid_to - dt.timedelta(days=1)
        assert layers(day) is layers(last)  # every day of an epoch shares one list
        assert json.dumps(layers(day)) == json.dumps(features.state_features(small_model, day, 1000))
    assert len(layers) == len(small_model.epochs())


def test_warming_computes_every_epoch_in_the_background(small_model):
    layers = EpochFeatures(small_model, simplify_m=1000)
    thread = layers.warm()
    assert thread.daemon and layers.warm() is thread  # started once
    thread.join(60)
    assert not thread.is_alive()
    assert len(layers) == len(small_model.epochs())


def test_threads_asking_at_once_get_the_same_features(small_model):
    layers = EpochFeatures(small_model)
    day = small_model.epochs()[-1].valid_from
    got: list[list] = []
    threads = [threading.Thread(target=lambda: got.append(layers(day))) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(got) == 6 and all(g is got[0] for g in got)


def test_warming_waits_while_features_are_being_asked_for(small_model):
    layers = EpochFeatures(small_model, idle_s=0.4)
    day = small_model.epochs()[0].valid_from
    layers(day)  # a request: the warm-up holds back for 0.4 s after it
    thread = layers.warm()
    thread.join(0.2)
    assert thread.is_alive() and len(layers) == 1
    thread.join(60)
    assert len(layers) == len(small_model.epochs())


def test_history_writes_an_unchanged_area_once_for_its_whole_stretch(synthetic_model):
    """Each date of the history still has exactly its snapshot's areas and front lines, but an area
    that did not change between epochs is one feature spanning them, not one per epoch."""
    import shapely.geometry

    start, end = dt.date(2014, 1, 1), dt.date(2019, 3, 31)
    history = features.history_features(synthetic_model, start, end)
    shapes = [f for f in history if f["properties"]["kind"] in ("area", "front_line")]
    per_epoch = 0
    for epoch in synthetic_model.epochs(start, end):
        day = epoch.valid_from.isoformat()
        valid = [f for f in shapes if f["properties"]["valid_from"] <= day < f["properties"]["valid_to"]]
        expected = list(features.snapshot_features(synthetic_model.snapshot(epoch.valid_from)))
        per_epoch += len(expected)

        def key(f):
            props = {k: v for k, v in f["properties"].items() if k not in ("valid_from", "valid_to")}
            return json.dumps(props, sort_keys=True), shapely.geometry.shape(f["geometry"]).wkb_hex

        assert sorted(map(key, valid)) == sorted(map(key, expected)), day
    assert len(shapes) < per_epoch
