"""What the app's download buttons hand out for a view, on the synthetic world: every file made for
real and read back."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from dashboard.core.geography import to_projected
from dashboard.outputs import staticmap
from dashboard.outputs.timelapse import frame_dates
from dashboard.web.downloads import SCREEN_PX, timelapse_range, view_downloads
from dashboard.web.links import View

# Around Ashford, Iraqi and IS land only, captures only, changes since New Year 2016.
VIEW = View(date=dt.date(2016, 7, 15), lat=33.55, lon=42.54, zoom=9, factions=("iraq", "isis"),
            types=("capture",), compare=dt.date(2016, 1, 1))


@pytest.fixture(scope="module")
def files(synthetic_model) -> dict[str, bytes]:
    return {d.file_name.rsplit(".", 1)[1]: d.make() for d in view_downloads(synthetic_model, VIEW)}


def test_one_file_of_each_kind_named_by_date(synthetic_model):
    downloads = view_downloads(synthetic_model, VIEW)
    assert [d.file_name for d in downloads] == [f"frontlines-2016-07-15.{ext}" for ext in (
        "png", "pdf", "geojson", "kml", "csv", "html")] + ["frontlines-2016-01-01-to-2016-07-15.mp4"]
    assert [d.mime for d in downloads] == ["image/png", "application/pdf", "application/geo+json",
                                           "application/vnd.google-earth.kml+xml", "text/csv", "text/html",
                                           "video/mp4"]


def test_the_timelapse_runs_from_the_comparison_date_to_the_views_date(files, synthetic_model):
    """A frame a week from 1 January to 15 July 2016, the end included: 29 frames of the view."""
    import imageio.v3 as iio

    frames = iio.imread(files["mp4"], extension=".mp4")
    assert frames.shape[0] == len(frame_dates(synthetic_model, VIEW.compare, VIEW.date, "1W")) == 29
    # Without a comparison date: the year up to the date.
    assert timelapse_range(synthetic_model, VIEW.with_(compare=None)) == (dt.date(2015, 7, 15), VIEW.date)


def test_static_map_covers_what_the_screen_shows(files):
    image = Image.open(io.BytesIO(files["png"]))
    assert image.size == (2400, 1600) and image.info["dpi"] == pytest.approx((200, 200), abs=0.1)
    assert files["pdf"].startswith(b"%PDF")
    frame = staticmap.Frame.web_view(VIEW.lat, VIEW.lon, VIEW.zoom, SCREEN_PX)
    x, y = to_projected(VIEW.lon, VIEW.lat)
    assert frame.x0 < x < frame.x1 and frame.y0 < y < frame.y1
    # zoom 9 at 33.55 degrees north: 156,543 m x cos(33.55°) / 2^9 = 254.8 m a pixel; 1000 pixels wide
    assert frame.width_km == pytest.approx(254.8, rel=0.01)


def test_static_map_draws_the_views_factions_only(files, synthetic_model):
    """Around Ashford the view shows Iraqi and IS land; with Iraq alone, IS land is not drawn."""
    iraq_only = VIEW.with_(factions=("iraq",))
    png = next(d for d in view_downloads(synthetic_model, iraq_only) if d.file_name.endswith(".png")).make()
    frame = staticmap.Frame.web_view(VIEW.lat, VIEW.lon, VIEW.zoom, SCREEN_PX)
    expected = staticmap.figure_bytes(staticmap.draw_map(synthetic_model, VIEW.date, frame=frame,
                                                         compare=VIEW.compare, factions=("iraq",)), "png")
    pixels = [np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
              for data in (png, expected, files["png"])]
    assert np.array_equal(pixels[0], pixels[1])
    assert not np.array_equal(pixels[0], pixels[2])


def test_data_files_hold_the_views_factions_event_types_and_extent(files, synthetic_model):
    collection = json.loads(files["geojson"])["features"]
    features = [f["properties"] for f in collection]
    areas = {p["faction"] for p in features if p["kind"] == "area"}
    assert areas == {"iraq", "isis", "unclaimed"}  # the land nobody claims stays, as on the map
    # The 30 days up to the date had two captures with IS on one side: Ashford's, in the view, and
    # Northmere's, 200 km west of it, outside.
    events = [p["id"] for p in features if p["kind"] == "event"]
    assert events == ["ashford-2016-06-26"]
    frame = staticmap.Frame.web_view(VIEW.lat, VIEW.lon, VIEW.zoom, SCREEN_PX)
    inside = {p.id for p in synthetic_model.places
              if frame.x0 < to_projected(p.lon, p.lat)[0] < frame.x1
              and frame.y0 < to_projected(p.lon, p.lat)[1] < frame.y1}
    shown = {p["id"] for p in features if p["kind"] == "place"}
    assert shown and shown <= inside and "northmere" not in shown
    # Areas are cut to the view.
    lons = [x for f in collection if f["properties"]["kind"] == "area"
            for ring in f["geometry"]["coordinates"] for x, _ in (ring if f["geometry"]["type"] == "Polygon"
                                                                   else [c for r in ring for c in r])]
    west_edge = frame.lonlat_outline().bounds[0]
    assert min(lons) >= west_edge - 1e-4
    rows = list(csv.DictReader(io.StringIO(files["csv"].decode())))
    assert sorted({r["kind"] for r in rows}) == ["area", "event", "front_line", "place"]
    assert ET.fromstring(files["kml"]).tag.endswith("kml")


def test_standalone_page_opens_on_the_views_date(files, synthetic_model):
    page = files["html"].decode()
    assert "<script src=" not in page
    assert f'"opening": "{VIEW.date.isoformat()}"' in page
    # ... and on the view's extent and filters.
    assert re.search(r"center: \[33\.55, 42\.54\],[^}]*\"zoom\": 9,", page)
    assert '"shown": {"factions": ["iraq", "isis"], "types": ["capture"]}' in page
