"""Cutting a date's features to a view (features.within): what --bbox/--focus and the downloads keep."""

from __future__ import annotations

import shapely

from dashboard.core.features import within


def feature(kind: str, geometry: dict) -> dict:
    return {"type": "Feature", "properties": {"kind": kind}, "geometry": geometry}


def test_areas_and_lines_are_cut_and_points_kept_only_inside():
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [4, 4], [4, 0], [0, 4], [0, 0]]]}  # self-crossing
    line = {"type": "LineString", "coordinates": [[-1, 1], [9, 1]]}
    got = within([feature("area", bowtie), feature("front_line", line),
                  feature("place", {"type": "Point", "coordinates": [1, 1]}),
                  feature("place", {"type": "Point", "coordinates": [8, 8]}),
                  feature("area", {"type": "Polygon", "coordinates": [[[6, 6], [7, 6], [7, 7], [6, 6]]]})],
                 shapely.box(0.5, 0.5, 3, 3))
    assert [f["properties"]["kind"] for f in got] == ["area", "front_line", "place"]
    area, front, _ = (shapely.geometry.shape(f["geometry"]) for f in got)
    assert area.is_valid and area.geom_type in ("Polygon", "MultiPolygon") and area.bounds[2] <= 3
    assert front.bounds == (0.5, 1.0, 3.0, 1.0)
