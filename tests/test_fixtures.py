"""The synthetic world is where tests/fixtures/README.md says it is, so its hand-worked answers hold."""

from __future__ import annotations

import re

import pytest
import shapely

from dashboard.core import geography
from dashboard.core.validation import validate

from .conftest import SYNTHETIC_EVENTS, SYNTHETIC_GEODATA

#: Projected corners (km) of each country and governorate, as the README draws them.
BOXES = {"SY": (-200, -100, 0, 100), "IQ": (0, -100, 200, 100), "TR": (-200, 100, 200, 160),
         "SY-WE": (-200, -100, -100, 100), "SY-BO": (-100, -100, 0, 100),
         "IQ-RI": (0, -100, 100, 100), "IQ-EA": (100, -100, 200, 100)}


def km_box(x0: float, y0: float, x1: float, y1: float) -> shapely.Polygon:
    return shapely.box(x0 * 1000, y0 * 1000, x1 * 1000, y1 * 1000)


def test_countries_and_governorates_are_the_documented_rectangles():
    shapes = {f.properties["iso_a2"]: f.geometry for f in geography.countries(SYNTHETIC_GEODATA)}
    shapes |= {f.properties["id"]: f.geometry for f in geography.governorates(SYNTHETIC_GEODATA)}
    assert set(shapes) == set(BOXES)
    for key, corners in BOXES.items():
        projected = geography.project(shapes[key])
        # Corners rounded to 6 decimals of a degree: within a metre of the round numbers.
        assert projected.symmetric_difference(km_box(*corners)).area < 1000 * 1e3, key
    outlines = geography.outlines(SYNTHETIC_GEODATA)
    assert {iso: round(g.area / 1e6) for iso, g in outlines.items()} == {"SY": 40_000, "IQ": 40_000}


def test_each_place_is_where_its_source_column_says(synthetic_gazetteer):
    assert len(synthetic_gazetteer) == 10
    for place in synthetic_gazetteer:
        x, y = (float(v) for v in re.fullmatch(r"x=(-?\d+) km y=(-?\d+) km", place.source).groups())
        px, py = geography.to_projected(place.lon, place.lat)
        assert (px / 1000, py / 1000) == pytest.approx((x, y), abs=0.001), place.id
        country = km_box(*BOXES[place.country])
        assert country.contains(shapely.Point(px, py)), place.id


def test_the_river_runs_along_its_three_points():
    (river,) = geography.rivers(SYNTHETIC_GEODATA)
    assert river.properties["name"] == "Silver River"
    projected = geography.project(river.geometry)
    corners = [(round(x / 1000), round(y / 1000)) for x, y in projected.coords]
    assert corners == [(-200, 0), (0, 0), (200, -20)]


def test_the_synthetic_record_is_valid(synthetic_gazetteer):
    assert validate(SYNTHETIC_EVENTS, synthetic_gazetteer) == []
