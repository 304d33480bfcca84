"""Which places are named on the map."""

from __future__ import annotations

import itertools

from dashboard.core.geography import to_projected
from dashboard.core.labels import map_labels


def labels(model):
    return map_labels(model.places, model.leading_places)


def test_big_cities_and_campaign_towns_are_named(model):
    ranks = {label.place.id: label.rank for label in labels(model)}
    for city in ("baghdad", "mosul", "aleppo", "damascus"):
        assert ranks[city] == 1, city
    for town in ("fallujah", "ramadi", "raqqa", "manbij", "tabqa", "palmyra"):
        assert ranks[town] == 2, town


def test_no_two_labels_sit_on_top_of_each_other(model):
    points = [to_projected(label.place.lon, label.place.lat) for label in labels(model)]
    for (x1, y1), (x2, y2) in itertools.combinations(points, 2):
        assert (x1 - x2) ** 2 + (y1 - y2) ** 2 >= 12_000 ** 2


def test_districts_give_way_to_their_city(model):
    names = {label.place.id for label in labels(model)}
    assert "mosul" in names
    assert not {p.id for p in model.places if p.name in ("Al Mawşil al Jadīdah", "Sadr City")} & names
