"""Which places are named on the map, on the synthetic world (ranks in tests/fixtures/README.md).

The ranks of real cities and towns: tests/test_record.py.
"""

from __future__ import annotations

from dashboard.core.labels import map_labels


def labels(model, spacing_km: float = 12.0) -> list[tuple[str, int]]:
    return [(label.place.id, label.rank) for label in
            map_labels(model.places, model.leading_places, spacing_km=spacing_km)]


def test_cities_then_recorded_towns_then_small_recorded_places_in_drawing_order(synthetic_model):
    """Kingsbury has 1.2 million people (a city); Bridgeport, recorded, only 20,000 (under 30,000);
    Sandholm records nothing, Redfield Airbase only itself (local)."""
    assert labels(synthetic_model) == [  # within a rank, biggest first
        ("kingsbury", 1),
        ("ashford", 2), ("westbrook", 2), ("northmere", 2), ("brampton", 2), ("ferrygate", 2),
        ("bridgeport", 3)]


def test_a_bigger_district_gives_way_to_its_recorded_city(synthetic_model):
    """New Kingsbury (1.4 million) is 8 km from Kingsbury (1.2 million): Kingsbury keeps the name."""
    assert ("new-kingsbury", 1) not in labels(synthetic_model)
    assert ("new-kingsbury", 1) in labels(synthetic_model, spacing_km=7.9)
    assert labels(synthetic_model, spacing_km=7.9)[:2] == [("kingsbury", 1), ("new-kingsbury", 1)]


def test_no_two_labels_within_the_spacing(synthetic_model):
    """Ferrygate and Bridgeport are 40 km apart (across the border), Ashford and Brampton 50 km."""
    ids = [place for place, _ in labels(synthetic_model, spacing_km=45)]
    assert "ferrygate" in ids and "bridgeport" not in ids  # Bridgeport ranks lower: placed later
    assert "ashford" in ids and "brampton" in ids
    wide = [place for place, _ in labels(synthetic_model, spacing_km=51)]
    assert "ashford" in wide and "brampton" not in wide  # Ashford is bigger: it is placed first
