"""What the app's download buttons hand out for a view: every file made for real and read back."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from dashboard.core.geography import to_projected
from dashboard.outputs import staticmap
from dashboard.web.downloads import SCREEN_PX, view_downloads
from dashboard.web.links import View

VIEW = View(date=dt.date(2017, 7, 10), lat=36.34, lon=43.13, zoom=9, factions=("iraq", "isis"),
            types=("capture",), compare=dt.date(2017, 1, 1))


@pytest.fixture(scope="module")
def files(model) -> dict[str, bytes]:
    return {d.file_name.rsplit(".", 1)[1]: d.make() for d in view_downloads(model, VIEW)}


def test_one_file_of_each_kind_named_by_date(model):
    names = [d.file_name for d in view_downloads(model, VIEW)]
    assert names == [f"frontlines-2017-07-10.{ext}" for ext in ("png", "pdf", "geojson", "kml", "csv")] + [
        "frontlines.html"]


def test_static_map_covers_what_the_screen_shows(files):
    image = Image.open(io.BytesIO(files["png"]))
    assert image.size == (2400, 1600) and image.info["dpi"] == pytest.approx((200, 200), abs=0.1)
    assert files["pdf"].startswith(b"%PDF")
    frame = staticmap.Frame.web_view(VIEW.lat, VIEW.lon, VIEW.zoom, SCREEN_PX)
    x, y = to_projected(VIEW.lon, VIEW.lat)
    assert frame.x0 < x < frame.x1 and frame.y0 < y < frame.y1
    # zoom 9 at 36 degrees north: ~246 m a pixel, so 1000 pixels are ~246 km
    assert frame.width_km == pytest.approx(246, rel=0.02)


def test_data_files_hold_the_views_factions_and_event_types(files):
    features = json.loads(files["geojson"])["features"]
    areas = {f["properties"]["faction"] for f in features if f["properties"]["kind"] == "area"}
    assert areas - {"unclaimed"} == {"iraq", "isis"}  # the land nobody claims stays, as on the map
    assert {f["properties"]["type"] for f in features if f["properties"]["kind"] == "event"} <= {"capture"}
    rows = list(csv.DictReader(io.StringIO(files["csv"].decode())))
    assert {r["kind"] for r in rows} >= {"area", "place"}
    assert ET.fromstring(files["kml"]).tag.endswith("kml")


def test_standalone_page_opens_on_the_views_date(files, model):
    page = files["html"].decode()
    assert "<script src=" not in page
    opening = (VIEW.date - model.record.start).days
    assert f'"opening": {opening}' in page or f'"opening":{opening}' in page
